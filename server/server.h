/* server.h — everything custrpc-server holds while it runs (main.c builds it, reload.c changes
 * what a SIGHUP may change). */
#ifndef CUSTRPC_SERVER_SERVER_H
#define CUSTRPC_SERVER_SERVER_H

#include <pthread.h>
#include <stdbool.h>

#include "auth.h"
#include "config_file.h"
#include "dispatch.h"
#include "http.h"
#include "methods.h"
#include "partner_api.h"
#include "secrets.h"
#include "store.h"

/* The passwords of a configuration as Digest HA1 values (the plain text is never kept). */
struct server_credentials {
    struct digest_ha1 root_ha1;
    bool has_root_ha1;
    struct digest_ha1 admin_ha1; /* <admin login password-file/>, with --admin */
};

struct server {
    struct server_config cfg;
    struct server_credentials creds;
    struct methods_env menv;
    struct auth_policy auth;
    struct dispatcher methods;
    struct digest_state *digest;
    struct http_server *http;
    struct partner_env partner;
    char *host, *cert, *key, *key_path;
    struct store_seed seed; /* what POST /admin/reset restores */
    struct fixtures *fixtures; /* --fixtures, --partner-fixtures (fixtures.h); NULL: none */
    /* Held for writing while a reload changes cfg, creds, seed and auth's reloadable part;
     * request threads read those holding it for reading (auth.h, store.h's store_seed). */
    pthread_rwlock_t reload_lock;
    /* What a reload needs to know of the command line. */
    const char *config_path;     /* --config; NULL: nothing to reload */
    const char *log_file;        /* --log-file; NULL: standard error as inherited */
    bool admin;                  /* --admin */
    bool listen_given, db_given; /* --listen, --db: the file's <listen>, <db> do not count */
};

/* The root customer's login: the configured one, or "ssp-root". */
const char *server_root_login(const struct server_config *cfg);

/* Reads the password files of cfg: the root's, and with admin (--admin) the <admin> login's;
 * admin needs one of them, or nobody could use the admin interface. */
int server_load_credentials(const struct server_config *cfg, bool admin,
                            struct server_credentials *out, struct custrpc_error *err);

/* Points s->seed and s->auth's reloadable part at s->cfg and s->creds (not their lock
 * pointers: main sets those once). */
void server_publish(struct server *s);

/* SIGHUP: reopens --log-file, re-reads --config and applies tariffs, trusted hosts and
 * credentials; a configuration that does not load or validate changes nothing. Every outcome
 * is one line on standard error. Runs on the main thread only. */
void server_reload(struct server *s);

#endif
