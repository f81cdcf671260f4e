/* admin.h — the test double's endpoints beside the API on the same port: GET /health and
 * GET /metrics (no credentials), and with --admin the JSON admin interface, GET /admin/journal
 * and POST /admin/reset (the root's or <admin>'s Digest credentials: auth_admin). http.c routes,
 * authenticates and sends; this file builds the answers. */
#ifndef CUSTRPC_SERVER_ADMIN_H
#define CUSTRPC_SERVER_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <microhttpd.h>

#include "inject.h"
#include "journal.h"
#include "metrics.h"
#include "namespaces.h"
#include "store.h"

enum admin_route {
    ROUTE_API,        /* not one of these: /RPC2, /xmlapi/xmlapi, /jsonapi or a 404 */
    ROUTE_HEALTH,     /* GET /health */
    ROUTE_METRICS,    /* GET /metrics */
    ROUTE_JOURNAL,    /* GET /admin/journal */
    ROUTE_RESET,      /* POST /admin/reset */
    ROUTE_INJECT,     /* GET and POST /admin/inject */
    ROUTE_NAMESPACES, /* GET /admin/namespaces */
    ROUTE_ADMIN_OTHER
};

enum admin_route admin_route_of(const char *url);
/* Whether the route is under /admin/ (404 without --admin, credentials with it). */
bool admin_route_is_admin(enum admin_route r);
/* The HTTP methods the route takes ("GET", "POST", "GET, POST"), NULL for ROUTE_ADMIN_OTHER. */
const char *admin_route_method(enum admin_route r);
/* The route's path ("/health", "/admin/journal"), "/admin/..." for ROUTE_ADMIN_OTHER: what the
 * request log names, since these requests have no method of the API. */
const char *admin_route_path(enum admin_route r);
/* Whether the route takes this HTTP method (true for ROUTE_ADMIN_OTHER: a 404 follows). */
bool admin_route_allows(enum admin_route r, const char *method);

struct admin_env {
    struct store *store;
    bool file_store;
    struct timespec started; /* CLOCK_MONOTONIC */
    struct metrics *metrics;
    struct journal *journal;        /* NULL without --admin */
    struct inject_table *inject;    /* NULL without --admin */
    const struct store_seed *seed;  /* what a reset restores */
    struct ns_registry *namespaces; /* NULL without --admin (namespaces.h) */
};

struct admin_answer {
    unsigned status;
    const char *type;
    char *body; /* malloc'd; NULL when out of memory */
    size_t len;
};

/* The answer to an authenticated request of route r (conn: its query arguments) for
 * namespace ns (NULL: the default one). A reset writes to the store: the caller has called
 * store_defer_commits and holds the answer until the write is durable, as for any write; a
 * namespace's reset discards it instead, with its journal entries. */
void admin_answer(const struct admin_env *env, enum admin_route r, struct MHD_Connection *conn,
                  const char *ns, struct admin_answer *out);

/* GET /admin/inject (post false: the rules) or POST /admin/inject (a rule from body, for
 * namespace ns, NULL when the request named none). */
void admin_inject(const struct admin_env *env, struct MHD_Connection *conn, bool post,
                  const char *body, size_t len, const char *ns, struct admin_answer *out);

/* "2026-11-26T01:10:00Z" (RFC 3339, any offset, optional fraction) or Unix seconds
 * ("1795000000", optional fraction) into Unix milliseconds; -1 when it is neither. */
int admin_parse_time(const char *text, int64_t *ms);

#endif
