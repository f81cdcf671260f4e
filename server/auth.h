/* auth.h — who is calling: trusted mode, the open local mode, HTTP Digest (RFC 7616, checked by
 * digest.c against stored HA1 values) or, when enabled, Basic. */
#ifndef CUSTRPC_SERVER_AUTH_H
#define CUSTRPC_SERVER_AUTH_H

#include <stdbool.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "digest.h"
#include "methods.h"
#include "store.h"

#define AUTH_MAX_TRUSTED 64

struct auth_policy {
    struct store *store;
    bool open_local;  /* no root password: loopback requests without credentials act as root */
    bool allow_basic; /* --auth basic */
    struct digest_state *digest; /* nonces and the offered algorithms */
    struct sockaddr_storage trusted[AUTH_MAX_TRUSTED];
    size_t n_trusted;
    /* The admin interface's own login (<admin login password-file/>); NULL: only the root's */
    const char *admin_login;
    struct digest_ha1 admin_ha1;
    /* A SIGHUP reload (reload.c) changes trusted, n_trusted, admin_login and admin_ha1 while
     * requests run: it holds this for writing, auth_identify and auth_admin read them holding
     * it for reading. NULL: nothing changes them (no locking). */
    pthread_rwlock_t *reload_lock;
};

enum auth_outcome {
    AUTH_OK,        /* identity filled */
    AUTH_CHALLENGE, /* answer 401 with a fresh challenge */
    AUTH_STALE      /* answer 401, stale=true: the nonce is old or used, the response right */
};

/* Decides the identity of a request (method, url as libmicrohttpd passes them) from its peer
 * address and Authorization header, its credentials looked up in store (NULL: p->store; a
 * namespace's store, namespaces.h, while the trusted hosts and the rest stay the server's, which
 * a reload changes). login receives the user name for the log ("" when none). */
enum auth_outcome auth_identify(const struct auth_policy *p, struct store *store,
                                struct MHD_Connection *conn, const char *method, const char *url,
                                struct call_identity *who, char *login, size_t login_size);

/* For /admin/...: Digest credentials of the root customer (its login and API password, checked
 * as for XML-RPC) or of p->admin_login; nothing else (no trusted host, no open local mode,
 * no Basic). login receives the user name for the log. */
enum auth_outcome auth_admin(const struct auth_policy *p, struct MHD_Connection *conn,
                             const char *method, const char *url, char *login, size_t login_size);

/* Whether addr is a loopback address (127.0.0.0/8, ::1, or IPv4-mapped loopback). */
bool auth_is_loopback(const struct sockaddr *addr);

/* Parses a numeric IPv4/IPv6 address into a trusted-host slot; -1 when it is not one. */
int auth_add_trusted(struct auth_policy *p, const char *address);

#endif
