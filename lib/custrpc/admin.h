/* admin.h — the test double's endpoints of custrpc-server, for scripts and test suites: GET
 * /health and GET /metrics (no credentials), and with the server's --admin the request journal
 * (GET /admin/journal), the reset (POST /admin/reset) and injected failures (POST /admin/inject),
 * which take the root's login and API
 * password, or those of the server's <admin> element, by HTTP Digest. */
#ifndef CUSTRPC_ADMIN_H
#define CUSTRPC_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <custrpc/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct custrpc_admin_options {
    const char *url;  /* any URL of the server ("http://127.0.0.1:8000/RPC2"): its scheme,
                       * host and port are used; a path in a test namespace
                       * ("http://127.0.0.1:8000/ns/run1/RPC2") makes the journal, reset and
                       * injected failures that namespace's */
    const char *user; /* the root's login or <admin>'s; NULL: /health and /metrics only */
    const char *password;
    const char *cacert;  /* PEM file of CAs to trust instead of the system's */
    bool insecure;       /* skip TLS certificate and host checks */
    unsigned timeout_ms; /* 0: 30000 */
};

struct custrpc_admin;

/* The options' strings are copied; *out is NULL on failure. */
int custrpc_admin_new(struct custrpc_admin **out, const struct custrpc_admin_options *o,
                      struct custrpc_error *err);
/* Accepts NULL. */
void custrpc_admin_free(struct custrpc_admin *a);

struct custrpc_health {
    char status[16]; /* "ok" */
    char store[16];  /* "memory" or "file" */
    int64_t uptime_s;
    int64_t customers; /* the root included */
    bool admin;        /* the server runs with --admin */
};

/* GET /health. */
int custrpc_admin_health(struct custrpc_admin *a, struct custrpc_health *out,
                         struct custrpc_error *err);

/* GET /metrics: the Prometheus text (malloc'd, the caller frees it). */
int custrpc_admin_metrics(struct custrpc_admin *a, char **text, struct custrpc_error *err);

/* The filters of GET /admin/journal, each NULL (or limit 0) for none. since is an RFC 3339 time
 * ("2026-11-26T01:10:00Z") or Unix seconds; outcome one of ok, fault, http_error. */
struct custrpc_journal_query {
    const char *method, *login, *outcome, *since;
    const char *contains; /* text the masked request or answer body holds */
    unsigned long limit;
};

struct custrpc_journal_entry {
    char *time; /* RFC 3339, UTC, milliseconds */
    char *peer;
    char *login;               /* NULL: none */
    char *method;              /* NULL: not a method of the server's tables */
    char *outcome;             /* ok, fault, http_error */
    int fault_code;            /* 0 unless outcome is fault */
    int status;                /* HTTP status of the answer */
    char *request, *response;  /* secret members masked; NULL when there was none */
    char *test_namespace;      /* the namespace the request ran in; NULL: the default one */
    char *injected;            /* what POST /admin/inject did ("drop", "fault", ...); NULL: none */
    bool injected_carried_out; /* the call was carried out before the injected failure */
};

struct custrpc_journal {
    struct custrpc_journal_entry *entries; /* newest first */
    size_t n;
    uint64_t evicted; /* entries the bounded journal dropped, oldest first */
    char *json;       /* the document as received */
};

/* GET /admin/journal. out is the caller's to free with custrpc_journal_free (also after an
 * error). A 404 is CUSTRPC_E_HTTP naming --admin. */
int custrpc_admin_journal(struct custrpc_admin *a, const struct custrpc_journal_query *q,
                          struct custrpc_journal *out, struct custrpc_error *err);
void custrpc_journal_free(struct custrpc_journal *j);

/* POST /admin/reset: the store back to the root, the configured tariffs and the root partner;
 * the journal emptied. */
int custrpc_admin_reset(struct custrpc_admin *a, struct custrpc_error *err);

/* What POST /admin/inject does to the next matching calls. */
enum custrpc_inject_kind {
    CUSTRPC_INJECT_FAULT = 1, /* an XML-RPC fault / a JSON-RPC error: fault_code, fault_string */
    CUSTRPC_INJECT_DELAY,     /* the answer comes delay_ms late (the call is carried out) */
    CUSTRPC_INJECT_DROP,      /* the connection is closed without an answer */
    CUSTRPC_INJECT_RESET,     /* the connection is reset (TCP RST) */
    CUSTRPC_INJECT_MALFORMED, /* 200 with a body that is neither XML nor JSON */
    CUSTRPC_INJECT_EMPTY,     /* 200 with an empty body */
    CUSTRPC_INJECT_HTTP500    /* HTTP 500 */
};

struct custrpc_inject_rule {
    const char *method;  /* an XML-RPC methodName or JSON-RPC method, exactly; "*": any */
    unsigned long times; /* the next N matching calls; 0: probability instead */
    double probability;  /* with times 0: each matching call with this chance (0 < p <= 1),
                          * until POST /admin/reset */
    enum custrpc_inject_kind kind;
    int fault_code;           /* CUSTRPC_INJECT_FAULT: non-zero */
    const char *fault_string; /* CUSTRPC_INJECT_FAULT */
    unsigned delay_ms;        /* CUSTRPC_INJECT_DELAY: 0..600000 */
    bool after; /* carry the call out before the failure (a fault or a transport kind) */
};

/* POST /admin/inject; *id (may be NULL) receives the rule's number. A rule the server refuses
 * is CUSTRPC_E_HTTP with its reason (400 naming the member; 409: 256 rules already). */
int custrpc_admin_inject(struct custrpc_admin *a, const struct custrpc_inject_rule *r, uint64_t *id,
                         struct custrpc_error *err);

/* GET /admin/inject: the active rules as the server's JSON document ({"rules": [...]},
 * malloc'd, the caller frees it). */
int custrpc_admin_injections(struct custrpc_admin *a, char **json, struct custrpc_error *err);

#ifdef __cplusplus
}
#endif

#endif
