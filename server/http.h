/* http.h — the HTTP side of the reference server, on libmicrohttpd: POST /RPC2 and
 * /xmlapi/xmlapi (XML-RPC, HTTP authentication) and /jsonapi (JSON-RPC, visas), body limits,
 * dispatch to the method tables, request log. */
#ifndef CUSTRPC_SERVER_HTTP_H
#define CUSTRPC_SERVER_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <xmlrpc-c/server.h>

#include "auth.h"
#include "dispatch.h"
#include "store.h"

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

struct http_options {
    const char *host; /* numeric address or name */
    int port;         /* 0: a free port */
    int listen_fd;    /* from http_listen; http_start owns it, closed on failure too */
    size_t max_body;
    const char *tls_cert_pem, *tls_key_pem; /* both NULL: plain HTTP */
    unsigned threads;
    unsigned idle_timeout;                 /* seconds a connection may stay silent */
    unsigned header_timeout, body_timeout; /* seconds: see frontdoor.h */
    unsigned max_connections, max_per_address;
    enum log_level log_level;
    struct store *store; /* answers that wrote to it wait until the write is on disk */
    /* The test double's endpoints (admin.h): GET /health and /metrics always; /admin/... only
     * with admin, which also keeps the journal of journal_size entries. */
    bool file_store;
    bool admin;
    size_t journal_size;
    const struct store_seed *seed; /* what POST /admin/reset restores */
    size_t max_namespaces;         /* with admin: namespaces at once (namespaces.h) */
};

struct http_server;

/* Binds and listens on o->host:o->port (a separate step so that a server started as root binds
 * before it drops privileges): the descriptor, or -1. In open local mode (open_local) only a
 * loopback address is allowed. */
int http_listen(const struct http_options *o, bool open_local, struct custrpc_error *err);
/* partner: the partner API answered at /jsonapi (partner_api.h). */
struct partner_env;
int http_start(struct http_server **out, const struct http_options *o,
               const struct auth_policy *auth, const struct dispatcher *methods,
               struct partner_env *partner, struct custrpc_error *err);
/* The port actually bound (useful with port 0). */
int http_port(const struct http_server *h);
/* Stops accepting, lets in-flight requests finish, frees everything. */
void http_stop(struct http_server *h);

#endif
