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
#define CONFIG_MAX_PARTNER_USERS 64

struct config_partner_user {
    char *partner; /* the partner's Name */
    char *login;
    char *password_file;
};

struct server_config {
    char *listen_host;                 /* NULL: not given */
    int listen_port;                   /* -1: not given */
    char *db_path;                     /* NULL: in-memory */
    char *root_login;                  /* NULL: default "ssp-root" */
    char *root_password_file;          /* NULL: no root password (open local mode) */
    char *admin_login, *admin_password_file; /* <admin login password-file/>; NULL: none */
    char *trusted[CONFIG_MAX_TRUSTED]; /* numeric addresses */
    size_t n_trusted;
    struct store_tariff tariffs[CONFIG_MAX_TARIFFS]; /* names owned here */
    size_t n_tariffs;
    /* The partner API (/jsonapi): <partner-root name login password-file/> and the users of
     * other partners, <partner-user partner login password-file/> (the partner named by its
     * Name, looked up at Login: it may be created after the server starts). */
    struct config_partner_user partner_root; /* all NULL: not given */
    struct config_partner_user partner_users[CONFIG_MAX_PARTNER_USERS];
    size_t n_partner_users;
};

/* The elements a configuration file may hold inside <custrpc-server>, with the attributes each
 * allows: config_load checks files against them and the man page documents them. */
struct config_element {
    const char *name;
    const char *attrs[4]; /* allowed attributes, NULL-terminated */
    bool repeatable;
    const char *help;
};
const struct config_element *config_elements(size_t *n);

void config_init(struct server_config *cfg);
void config_free(struct server_config *cfg);

/* Reads path into cfg. Relative paths inside the file are taken relative to its directory. */
int config_load(const char *path, struct server_config *cfg, struct custrpc_error *err);

#endif
