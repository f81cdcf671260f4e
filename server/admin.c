/* admin.c — the answers of /health, /metrics and /admin/... (see admin.h). */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin.h"

static const struct {
    const char *path;
    enum admin_route route;
    const char *method;
} routes[] = {
    {"/health", ROUTE_HEALTH, "GET"},
    {"/metrics", ROUTE_METRICS, "GET"},
    {"/admin/journal", ROUTE_JOURNAL, "GET"},
    {"/admin/reset", ROUTE_RESET, "POST"},
    {"/admin/inject", ROUTE_INJECT, "GET, POST"},
    {"/admin/namespaces", ROUTE_NAMESPACES, "GET"},
};
#define N_ROUTES (sizeof routes / sizeof routes[0])

enum admin_route admin_route_of(const char *url)
{
    for (size_t i = 0; i < N_ROUTES; i++)
        if (strcmp(url, routes[i].path) == 0)
            return routes[i].route;
    if (strcmp(url, "/admin") == 0 || strncmp(url, "/admin/", 7) == 0)
        return ROUTE_ADMIN_OTHER;
    return ROUTE_API;
}

bool admin_route_is_admin(enum admin_route r)
{
    return r == ROUTE_JOURNAL || r == ROUTE_RESET || r == ROUTE_INJECT || r == ROUTE_NAMESPACES ||
           r == ROUTE_ADMIN_OTHER;
}

const char *admin_route_path(enum admin_route r)
{
    for (size_t i = 0; i < N_ROUTES; i++)
        if (routes[i].route == r)
            return routes[i].path;
    return "/admin/...";
}

const char *admin_route_method(enum admin_route r)
{
    for (size_t i = 0; i < N_ROUTES; i++)
        if (routes[i].route == r)
            return routes[i].method;
    return NULL;
}

bool admin_route_allows(enum admin_route r, const char *method)
{
    const char *allow = admin_route_method(r);
    if (!allow)
        return true;
    const size_t n = strlen(method);
    for (const char *p = allow; (p = strstr(p, method)); p += n)
        if ((p == allow || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
            return true;
    return false;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil): timegm is not in C11 or POSIX. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* ".123" (any number of digits) into milliseconds; advances *p. */
static int64_t fraction_ms(const char **p)
{
    int64_t ms = 0, scale = 100;
    if (**p != '.')
        return 0;
    for ((*p)++; isdigit((unsigned char)**p); (*p)++, scale /= 10)
        ms += (**p - '0') * scale;
    return ms;
}

int admin_parse_time(const char *text, int64_t *ms)
{
    const char *p = text;
    if (isdigit((unsigned char)*p) && strspn(text, "0123456789.") == strlen(text)) {
        char *end;
        errno = 0;
        long long s = strtoll(text, &end, 10);
        p = end;
        int64_t f = *p == '.' && p[1] ? fraction_ms(&p) : -1;
        if (errno || *p || s > INT64_MAX / 1000 - 1 || (*end == '.' && f < 0))
            return -1;
        *ms = (int64_t)s * 1000 + (f > 0 ? f : 0);
        return 0;
    }
    int y, mo, d, h, mi, s, n = 0;
    char t;
    if (sscanf(p, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &t, &h, &mi, &s, &n) != 7 || n != 19 ||
        (t != 'T' && t != 't' && t != ' ') || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
        mi > 59 || s > 60)
        return -1;
    p += n;
    int64_t f = fraction_ms(&p);
    int64_t offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om, k = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5 || oh > 23 || om > 59)
            return -1;
        offset = (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
    *ms = secs * 1000 + f;
    return 0;
}

static void answer_json(struct admin_answer *out, unsigned status, json_t *doc)
{
    out->status = status;
    out->type = "application/json";
    out->body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    out->len = out->body ? strlen(out->body) : 0;
    json_decref(doc);
}

static void answer_error(struct admin_answer *out, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void answer_error(struct admin_answer *out, unsigned status, const char *fmt, ...)
{
    char text[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    /* The text quotes the client's parameters, which need not be UTF-8 (and "%.60s" may cut a
     * character): a JSON string must be. */
    for (char *p = text; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    answer_json(out, status, json_pack("{s:s}", "error", text));
}

static void health(const struct admin_env *env, struct admin_answer *out)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t customers = 0;
    struct custrpc_error err;
    const char *store = env->file_store ? "file" : "memory";
    if (store_count_customers(env->store, &customers, &err) < 0) {
        answer_json(
            out, 503,
            json_pack("{s:s, s:s, s:s}", "status", "error", "store", store, "error", err.message));
        return;
    }
    answer_json(out, 200,
                json_pack("{s:s, s:I, s:s, s:I, s:b, s:I, s:s}", "status", "ok", "uptime_s",
                          (json_int_t)(now.tv_sec - env->started.tv_sec), "store", store,
                          "customers", (json_int_t)customers, "admin", env->journal != NULL,
                          "namespaces",
                          (json_int_t)(env->namespaces ? ns_count(env->namespaces) : 0), "version",
                          PACKAGE_VERSION));
}

static void metrics(const struct admin_env *env, struct admin_answer *out)
{
    int64_t customers = -1;
    store_count_customers(env->store, &customers, NULL);
    out->status = 200;
    out->type = "text/plain; version=0.0.4; charset=utf-8";
    out->body = metrics_text(env->metrics, customers, &out->len);
}

struct query {
    struct journal_filter f;
    bool every_namespace;
    char bad[200];
};

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    struct query *q = cls;
    const char *v = value ? value : "";
    if (strcmp(key, "method") == 0) {
        q->f.method = v;
    } else if (strcmp(key, "login") == 0) {
        q->f.login = v;
    } else if (strcmp(key, "outcome") == 0) {
        if ((q->f.outcome = metrics_outcome_of(v)) < 0)
            snprintf(q->bad, sizeof q->bad, "outcome: \"%.60s\" is not ok, fault or http_error", v);
    } else if (strcmp(key, "since") == 0) {
        if (admin_parse_time(v, &q->f.since_ms) < 0)
            snprintf(q->bad, sizeof q->bad,
                     "since: \"%.60s\" is not an RFC 3339 time (2026-11-26T01:10:00Z) or Unix "
                     "seconds",
                     v);
    } else if (strcmp(key, "namespace") == 0) {
        /* Ours: one namespace is named by the header or the path, as for any request. */
        if (strcmp(v, "*") != 0)
            snprintf(q->bad, sizeof q->bad,
                     "namespace: \"%.60s\" is not * (every namespace); name one with the "
                     "header " NS_HEADER " or the path /ns/NAME/admin/journal",
                     v);
        q->every_namespace = true;
    } else if (strcmp(key, "contains") == 0) {
        /* Ours: a verification by content ("was a customer named X created?"), as stub
         * servers' request matching; plain text, in the masked bodies as the journal keeps
         * them (a secret can never be matched). */
        if (!*v)
            snprintf(q->bad, sizeof q->bad, "contains: empty");
        q->f.contains = v;
    } else if (strcmp(key, "limit") == 0) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(v, &end, 10);
        if (errno || *end || end == v || v[0] == '-' || n < 1 || n > 1000000000)
            snprintf(q->bad, sizeof q->bad, "limit: \"%.60s\" is not a number 1..1000000000", v);
        q->f.limit = (size_t)n;
    } else {
        snprintf(q->bad, sizeof q->bad,
                 "unknown parameter \"%.60s\" (method, login, outcome, since, contains, limit, "
                 "namespace)",
                 key);
    }
    return q->bad[0] ? MHD_NO : MHD_YES;
}

/* The query of an endpoint that takes at most namespace=* (GET /admin/inject) or nothing
 * (POST /admin/reset, POST /admin/inject): anything else is refused, not ignored, so that
 * "?namespace=*" on a reset cannot look as if it reset every namespace. */
struct plain_query {
    const char *endpoint;
    bool namespace_allowed, every_namespace;
    char bad[200];
};

static enum MHD_Result plain_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    struct plain_query *q = cls;
    if (q->namespace_allowed && strcmp(key, "namespace") == 0 && value && strcmp(value, "*") == 0)
        q->every_namespace = true;
    else if (q->namespace_allowed)
        snprintf(q->bad, sizeof q->bad,
                 "%s takes only namespace=* (every namespace's rules), not \"%.60s\"", q->endpoint,
                 key);
    else
        snprintf(q->bad, sizeof q->bad,
                 "%s takes no parameters (\"%.60s\"); name a namespace with the header " NS_HEADER
                 " or the path /ns/NAME/admin/...",
                 q->endpoint, key);
    return q->bad[0] ? MHD_NO : MHD_YES;
}

/* Reads conn's query into q; false (and out a 400) when it has what the endpoint refuses. */
static bool plain_query_ok(struct MHD_Connection *conn, struct plain_query *q,
                           struct admin_answer *out)
{
    if (conn)
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, plain_arg, q);
    if (q->bad[0])
        answer_error(out, 400, "%s", q->bad);
    return !q->bad[0];
}

static void add_name(const char *name, void *arg)
{
    json_array_append_new(arg, json_string(name));
}

/* GET /admin/namespaces (ours): the namespaces that exist, the oldest first, so a suite can
 * see what earlier runs left behind and reset it. */
static void namespaces(const struct admin_env *env, struct MHD_Connection *conn,
                       struct admin_answer *out)
{
    struct plain_query q = {.endpoint = "GET /admin/namespaces"};
    if (!plain_query_ok(conn, &q, out))
        return;
    json_t *names = json_array();
    if (names && env->namespaces)
        ns_names(env->namespaces, add_name, names);
    answer_json(out, 200, names ? json_pack("{s:o}", "namespaces", names) : NULL);
}

static void journal(const struct admin_env *env, struct MHD_Connection *conn, const char *ns,
                    struct admin_answer *out)
{
    struct query q = {.f = {.outcome = -1, .since_ms = INT64_MIN}};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_arg, &q);
    if (q.bad[0]) {
        answer_error(out, 400, "%s", q.bad);
        return;
    }
    /* Without a namespace: the default one's requests only (ours). */
    q.f.ns = q.every_namespace ? NULL : ns ? ns : "";
    out->status = 200;
    out->type = "application/json";
    out->body = journal_json(env->journal, &q.f);
    out->len = out->body ? strlen(out->body) : 0;
}

/* Under the store's write lock: a reset of the default namespace leaves none of its journal
 * entries and none of its injected faults. */
static void clear_state(void *arg, uint64_t epoch)
{
    const struct admin_env *env = arg;
    journal_clear_default(env->journal, epoch);
    inject_clear(env->inject, NULL);
}

struct ns_clear {
    const struct admin_env *env;
    const char *ns;
};

/* Under the namespaces' lock (ns_discard): the namespace's journal entries and injected rules
 * go with it, and a request of a namespace made afresh meanwhile cannot lose its entry. */
static void clear_namespace_state(void *arg)
{
    const struct ns_clear *c = arg;
    journal_clear_namespace(c->env->journal, c->ns, false);
    inject_clear(c->env->inject, c->ns);
}

static void reset(const struct admin_env *env, struct MHD_Connection *conn, const char *ns,
                  struct admin_answer *out)
{
    struct custrpc_error err;
    struct plain_query q = {.endpoint = "POST /admin/reset"};
    if (!plain_query_ok(conn, &q, out))
        return;
    if (ns) {
        /* Discarded, not wiped: the next request makes it afresh, while requests still
         * holding it finish on the old store. */
        struct ns_clear c = {env, ns};
        ns_discard(env->namespaces, ns, clear_namespace_state, &c);
        answer_json(out, 200, json_pack("{s:s}", "status", "ok"));
        return;
    }
    if (env->seed->guard)
        pthread_rwlock_rdlock(env->seed->guard);
    int rc = store_reset(env->store, env->seed, clear_state, (void *)env, &err);
    if (env->seed->guard)
        pthread_rwlock_unlock(env->seed->guard);
    if (rc < 0) {
        answer_error(out, 500, "reset failed: %s", err.message);
        return;
    }
    /* Not counted here: in a file store the reset may still be in the open batch, which a
     * reader's snapshot does not see yet. */
    answer_json(out, 200, json_pack("{s:s}", "status", "ok"));
}

void admin_inject(const struct admin_env *env, struct MHD_Connection *conn, bool post,
                  const char *body, size_t len, const char *ns, struct admin_answer *out)
{
    memset(out, 0, sizeof *out);
    struct plain_query q = {.endpoint = post ? "POST /admin/inject" : "GET /admin/inject",
                            .namespace_allowed = !post};
    if (!plain_query_ok(conn, &q, out)) {
        out->len = out->body ? strlen(out->body) : 0;
        return;
    }
    out->type = "application/json";
    if (post) {
        out->status = inject_add_json(env->inject, body, len, ns, &out->body);
    } else {
        /* The request's namespace's rules, as the journal's entries (ours). */
        out->status = 200;
        out->body = inject_list_json(env->inject, ns, q.every_namespace);
    }
    out->len = out->body ? strlen(out->body) : 0;
}

void admin_answer(const struct admin_env *env, enum admin_route r, struct MHD_Connection *conn,
                  const char *ns, struct admin_answer *out)
{
    memset(out, 0, sizeof *out);
    switch (r) {
    case ROUTE_HEALTH: health(env, out); break;
    case ROUTE_METRICS: metrics(env, out); break;
    case ROUTE_JOURNAL: journal(env, conn, ns, out); break;
    case ROUTE_RESET: reset(env, conn, ns, out); break;
    case ROUTE_NAMESPACES: namespaces(env, conn, out); break;
    default:
        answer_error(out, 404,
                     "no such admin endpoint: the admin interface has GET "
                     "/admin/journal, POST /admin/reset, GET and POST /admin/inject and GET "
                     "/admin/namespaces");
        break;
    }
}
