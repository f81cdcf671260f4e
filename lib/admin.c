/* admin.c — the client of custrpc-server's /health, /metrics and /admin/... (see
 * custrpc/admin.h), over the libcurl transport the API clients use (Digest included). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <custrpc/admin.h>

#include "transport.h"

struct custrpc_admin {
    struct transport *t;
    char base[512]; /* scheme://host:port */
    char ns[80];    /* "/ns/NAME" when the URL names a test namespace, else "" */
};

/* The "/ns/NAME" a URL's path starts with (custrpc-server's namespaces: "/ns/run1/RPC2"), so the
 * admin endpoints are the namespace's too; "" when there is none. NAME's alphabet is the
 * server's (1 to 64 of A-Z a-z 0-9 . _ -); anything else is left for the server to refuse. */
static void namespace_of(const char *path, char *out, size_t size)
{
    out[0] = '\0';
    if (strncmp(path, "/ns/", 4) != 0)
        return;
    size_t n =
        strspn(path + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
    if (n >= 1 && n <= 64 && path[4 + n] == '/' && n + 4 < size)
        snprintf(out, size, "%.*s", (int)(n + 4), path);
}

/* "http://host:port/any/path?x" -> "http://host:port". */
static int base_of(const char *url, char *out, size_t size, struct custrpc_error *err)
{
    const char *scheme = url ? strstr(url, "://") : NULL;
    if (!scheme)
        return custrpc_fail(err, CUSTRPC_E_CONNECT, NULL, "not a server URL: \"%s\"",
                            url ? url : "");
    const char *end = scheme + 3 + strcspn(scheme + 3, "/?#");
    if ((size_t)(end - url) >= size)
        return custrpc_fail(err, CUSTRPC_E_CONNECT, NULL, "server URL too long");
    memcpy(out, url, (size_t)(end - url));
    out[end - url] = '\0';
    return 0;
}

/* The URL's path ("" when it has none). */
static const char *path_of(const char *url)
{
    const char *scheme = strstr(url, "://");
    return scheme ? scheme + 3 + strcspn(scheme + 3, "/?#") : "";
}

int custrpc_admin_new(struct custrpc_admin **out, const struct custrpc_admin_options *o,
                      struct custrpc_error *err)
{
    if (!out)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "custrpc_admin_new: out is NULL");
    *out = NULL;
    if (!o)
        return custrpc_fail(err, CUSTRPC_E_CONNECT, NULL, "no server URL");
    struct custrpc_admin *a = calloc(1, sizeof *a);
    if (!a)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    const struct transport_options to = {
        .url = o->url,
        .content_type = "application/json",
        .user = o->user,
        .password = o->password,
        .auth = CUSTRPC_AUTH_DIGEST,
        .cacert = o->cacert,
        .insecure = o->insecure,
        .timeout_ms = o->timeout_ms,
    };
    if (base_of(o->url, a->base, sizeof a->base, err) < 0 || transport_new(&a->t, &to, err) < 0) {
        free(a);
        return -1;
    }
    namespace_of(path_of(o->url), a->ns, sizeof a->ns);
    *out = a;
    return 0;
}

void custrpc_admin_free(struct custrpc_admin *a)
{
    if (!a)
        return;
    transport_free(a->t);
    free(a);
}

/* One exchange: 0 with the 200 answer; -1 with err for anything else (an /admin/ 400 carries
 * the server's reason in {"error": ...}). */
static int exchange(struct custrpc_admin *a, const char *path, const char *body,
                    const char **answer, size_t *len, struct custrpc_error *err)
{
    if (!a)
        return custrpc_fail(err, CUSTRPC_E_CONNECT, NULL, "no admin handle");
    char url[4096];
    const char *ns = strncmp(path, "/admin/", 7) == 0 ? a->ns : ""; /* /health is the server's */
    if ((size_t)snprintf(url, sizeof url, "%s%s%s", a->base, ns, path) >= sizeof url)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "request URL too long");
    long status;
    if (transport_request(a->t, url, body, body ? strlen(body) : 0, &status, answer, len, err) < 0)
        return -1;
    if (status == 200)
        return 0;
    json_t *doc = json_loadb(*answer, *len, 0, NULL);
    const char *why = json_string_value(json_object_get(doc, "error"));
    int rc;
    if ((status == 400 || status == 409) && why) {
        rc = custrpc_fail(err, CUSTRPC_E_HTTP, NULL, "HTTP %ld from %s: %s", status, url, why);
        if (err) {
            err->kind = CUSTRPC_KIND_HTTP;
            err->http_status = (int)status;
        }
    } else {
        rc = transport_status_error(a->t, status,
                                    strncmp(path, "/admin/", 7) == 0
                                        ? "the admin interface is off (custrpc-server --admin)"
                                        : "not a custrpc-server",
                                    err);
    }
    json_decref(doc);
    return rc;
}

static json_t *load_object(const char *text, size_t len, const char *what,
                           struct custrpc_error *err)
{
    json_error_t je;
    json_t *doc = json_loadb(text, len, 0, &je);
    if (!json_is_object(doc)) {
        json_decref(doc);
        transport_protocol_error(err, what, ": the answer is not a JSON object");
        return NULL;
    }
    return doc;
}

int custrpc_admin_health(struct custrpc_admin *a, struct custrpc_health *out,
                         struct custrpc_error *err)
{
    memset(out, 0, sizeof *out);
    const char *answer;
    size_t len;
    if (exchange(a, "/health", NULL, &answer, &len, err) < 0)
        return -1;
    json_t *doc = load_object(answer, len, "/health", err);
    if (!doc)
        return -1;
    const char *status = json_string_value(json_object_get(doc, "status"));
    const char *store = json_string_value(json_object_get(doc, "store"));
    snprintf(out->status, sizeof out->status, "%s", status ? status : "");
    snprintf(out->store, sizeof out->store, "%s", store ? store : "");
    out->uptime_s = json_integer_value(json_object_get(doc, "uptime_s"));
    out->customers = json_integer_value(json_object_get(doc, "customers"));
    out->admin = json_is_true(json_object_get(doc, "admin"));
    json_decref(doc);
    return 0;
}

int custrpc_admin_metrics(struct custrpc_admin *a, char **text, struct custrpc_error *err)
{
    *text = NULL;
    const char *answer;
    size_t len;
    if (exchange(a, "/metrics", NULL, &answer, &len, err) < 0)
        return -1;
    if (!(*text = strndup(answer, len)))
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    return 0;
}

/* Appends "&name=value" (percent-encoded) when value is set. */
static void add_param(char *q, size_t size, const char *name, const char *value)
{
    if (!value)
        return;
    size_t n = strlen(q);
    n += (size_t)snprintf(q + n, n < size ? size - n : 0, "%c%s=", n ? '&' : '?', name);
    for (const unsigned char *p = (const unsigned char *)value; *p && n + 4 < size; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            q[n++] = (char)*p;
        else
            n += (size_t)snprintf(q + n, size - n, "%%%02X", *p);
    }
    q[n < size ? n : size - 1] = '\0';
}

static char *dup_or_null(const json_t *v)
{
    const char *s = json_string_value(v);
    return s ? strdup(s) : NULL;
}

static int read_entries(const json_t *doc, struct custrpc_journal *out, struct custrpc_error *err)
{
    const json_t *entries = json_object_get(doc, "entries");
    if (!json_is_array(entries))
        return transport_protocol_error(err, "/admin/journal", ": no \"entries\" array");
    out->evicted = (uint64_t)json_integer_value(json_object_get(doc, "evicted"));
    size_t n = json_array_size(entries);
    if (n && !(out->entries = calloc(n, sizeof *out->entries)))
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < n; i++, out->n++) {
        const json_t *e = json_array_get(entries, i);
        struct custrpc_journal_entry *x = &out->entries[i];
        x->time = dup_or_null(json_object_get(e, "time"));
        x->peer = dup_or_null(json_object_get(e, "peer"));
        x->login = dup_or_null(json_object_get(e, "login"));
        x->method = dup_or_null(json_object_get(e, "method"));
        x->outcome = dup_or_null(json_object_get(e, "outcome"));
        x->fault_code = (int)json_integer_value(json_object_get(e, "fault_code"));
        x->status = (int)json_integer_value(json_object_get(e, "status"));
        x->request = dup_or_null(json_object_get(e, "request"));
        x->response = dup_or_null(json_object_get(e, "response"));
        x->test_namespace = dup_or_null(json_object_get(e, "namespace"));
        const json_t *injected = json_object_get(e, "injected");
        x->injected = dup_or_null(json_object_get(injected, "kind"));
        x->injected_carried_out = json_is_true(json_object_get(injected, "carried_out"));
    }
    return 0;
}

int custrpc_admin_journal(struct custrpc_admin *a, const struct custrpc_journal_query *q,
                          struct custrpc_journal *out, struct custrpc_error *err)
{
    memset(out, 0, sizeof *out);
    char path[2048] = "";
    char limit[32];
    if (q) {
        add_param(path, sizeof path, "method", q->method);
        add_param(path, sizeof path, "login", q->login);
        add_param(path, sizeof path, "outcome", q->outcome);
        add_param(path, sizeof path, "since", q->since);
        add_param(path, sizeof path, "contains", q->contains);
        snprintf(limit, sizeof limit, "%lu", q->limit);
        add_param(path, sizeof path, "limit", q->limit ? limit : NULL);
    }
    char target[2100];
    snprintf(target, sizeof target, "/admin/journal%s", path);
    const char *answer;
    size_t len;
    if (exchange(a, target, NULL, &answer, &len, err) < 0)
        return -1;
    if (!(out->json = strndup(answer, len)))
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    json_t *doc = load_object(answer, len, "/admin/journal", err);
    int rc = doc ? read_entries(doc, out, err) : -1;
    json_decref(doc);
    return rc;
}

void custrpc_journal_free(struct custrpc_journal *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++) {
        struct custrpc_journal_entry *x = &j->entries[i];
        free(x->time);
        free(x->peer);
        free(x->login);
        free(x->method);
        free(x->outcome);
        free(x->request);
        free(x->response);
        free(x->test_namespace);
        free(x->injected);
    }
    free(j->entries);
    free(j->json);
    memset(j, 0, sizeof *j);
}

int custrpc_admin_reset(struct custrpc_admin *a, struct custrpc_error *err)
{
    const char *answer;
    size_t len;
    return exchange(a, "/admin/reset", "", &answer, &len, err);
}

static const char *const transport_names[] = {
    [CUSTRPC_INJECT_DROP] = "drop",           [CUSTRPC_INJECT_RESET] = "reset",
    [CUSTRPC_INJECT_MALFORMED] = "malformed", [CUSTRPC_INJECT_EMPTY] = "empty",
    [CUSTRPC_INJECT_HTTP500] = "http500",
};

/* The rule as POST /admin/inject reads it; the server checks the values and names the member
 * it refuses. */
static json_t *rule_json(const struct custrpc_inject_rule *r, struct custrpc_error *err)
{
    if (!r || !r->method) {
        custrpc_fail(err, CUSTRPC_E_MISSING, "method", "method: required");
        return NULL;
    }
    json_t *o = json_pack("{s:s}", "method", r->method);
    if (!o) {
        custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        return NULL;
    }
    if (r->times)
        json_object_set_new(o, "times", json_integer((json_int_t)r->times));
    else
        json_object_set_new(o, "probability", json_real(r->probability));
    switch (r->kind) {
    case CUSTRPC_INJECT_FAULT:
        json_object_set_new(o, "fault_code", json_integer(r->fault_code));
        json_object_set_new(o, "fault_string", json_string(r->fault_string ? r->fault_string : ""));
        break;
    case CUSTRPC_INJECT_DELAY: json_object_set_new(o, "delay_ms", json_integer(r->delay_ms)); break;
    case CUSTRPC_INJECT_DROP:
    case CUSTRPC_INJECT_RESET:
    case CUSTRPC_INJECT_MALFORMED:
    case CUSTRPC_INJECT_EMPTY:
    case CUSTRPC_INJECT_HTTP500:
        json_object_set_new(o, "transport", json_string(transport_names[r->kind]));
        break;
    default:
        json_decref(o);
        custrpc_fail(err, CUSTRPC_E_VALUE, "kind", "kind: not a custrpc_inject_kind (%d)",
                     (int)r->kind);
        return NULL;
    }
    if (r->after)
        json_object_set_new(o, "after", json_true());
    return o;
}

int custrpc_admin_inject(struct custrpc_admin *a, const struct custrpc_inject_rule *r, uint64_t *id,
                         struct custrpc_error *err)
{
    if (id)
        *id = 0;
    json_t *o = rule_json(r, err);
    char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!o)
        return -1;
    if (!body)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    const char *answer;
    size_t len;
    int rc = exchange(a, "/admin/inject", body, &answer, &len, err);
    free(body);
    if (rc < 0)
        return -1;
    json_t *doc = load_object(answer, len, "/admin/inject", err);
    if (!doc)
        return -1;
    if (id)
        *id = (uint64_t)json_integer_value(json_object_get(doc, "id"));
    json_decref(doc);
    return 0;
}

int custrpc_admin_injections(struct custrpc_admin *a, char **json, struct custrpc_error *err)
{
    *json = NULL;
    const char *answer;
    size_t len;
    if (exchange(a, "/admin/inject", NULL, &answer, &len, err) < 0)
        return -1;
    if (!(*json = strndup(answer, len)))
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    return 0;
}
