/* config_file.h — the server's XML configuration file (<custrpc-server>), read with libxml2.
 * Unknown elements or attributes are errors, reported with the file name and line. */
#ifndef CUSTRPC_SERVER_CONFIG_FILE_H
#define CUSTRPC_SERVER_CONFIG_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include <custrpc/error.h>

#include "store.h"

#define CONFIG_MAX_TRUSTED 64
#define CONFIG_MAX_TARIFFS 256

struct server_config {
    char *listen_host;                 /* NULL: not given */
    int listen_port;                   /* -1: not given */
    char *db_path;                     /* NULL: in-memory */
    char *root_login;                  /* NULL: default "ssp-root" */
    char *root_password_file;          /* NULL: no root password (open local mode) */
    char *trusted[CONFIG_MAX_TRUSTED]; /* numeric addresses */
    size_t n_trusted;
    struct store_tariff tariffs[CONFIG_MAX_TARIFFS]; /* names owned here */
    size_t n_tariffs;
};

void config_init(struct server_config *cfg);
void config_free(struct server_config *cfg);

/* Reads path into cfg. Relative paths inside the file are taken relative to its directory. */
int config_load(const char *path, struct server_config *cfg, struct custrpc_error *err);

#endif
