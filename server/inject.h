/* inject.h — POST /admin/inject's rules: a fault, a delay or a transport failure that the next
 * matching API calls get, so a client's test suite can prove its retries, timeouts and "did it
 * land?" checks. A bounded table under a lock; POST /admin/reset empties it. */
#ifndef CUSTRPC_SERVER_INJECT_H
#define CUSTRPC_SERVER_INJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Ours: a namespace's rules, and every namespace's together. Per namespace, so one test run
 * that fills its share cannot make another's POST fail with a 409 its own reset cannot clear. */
#define INJECT_MAX_RULES 256
#define INJECT_MAX_TOTAL 4096
#define INJECT_DELAY_MAX_MS 600000
#define INJECT_FAULT_STRING_MAX 400

enum inject_kind {
    INJECT_NONE,
    INJECT_FAULT,     /* a methodResponse fault / a JSON-RPC error object */
    INJECT_DELAY,     /* the answer is sent delay_ms late */
    INJECT_DROP,      /* the connection is closed without an answer (FIN) */
    INJECT_RESET,     /* the connection is reset (RST) */
    INJECT_MALFORMED, /* 200 with a body that is neither XML nor JSON */
    INJECT_EMPTY,     /* 200 with an empty body */
    INJECT_HTTP500    /* 500 */
};

/* What a matched rule does to one call. */
struct inject_action {
    enum inject_kind kind;
    bool after; /* the call is carried out first (always for a delay) */
    int fault_code;
    char fault_string[INJECT_FAULT_STRING_MAX + 1];
    unsigned delay_ms;
};

struct inject_table;

struct inject_table *inject_new(void);
void inject_free(struct inject_table *t);
/* Removes the rules of namespace ns (NULL: the default one), as POST /admin/reset of that
 * namespace does. */
void inject_clear(struct inject_table *t, const char *ns);

/* The first rule, in the order added, whose method is method (or "*") and whose namespace
 * equals ns (both NULL, or the same text): fills out and counts the rule's times down (a rule
 * at 0 goes), or draws its probability. false when none applies (out: INJECT_NONE). t and
 * method may be NULL (nothing applies). */
bool inject_take(struct inject_table *t, const char *method, const char *ns,
                 struct inject_action *out);

/* Whether any rule is in the table (a read without the lock). */
bool inject_active(struct inject_table *t);

/* "fault", "delay", "drop", ... */
const char *inject_kind_name(enum inject_kind k);

/* POST /admin/inject: the rule in body added for namespace ns (NULL: none). Returns the HTTP
 * status (200; 400 naming the member for a bad body; 409 when ns has INJECT_MAX_RULES rules or
 * the table INJECT_MAX_TOTAL) and sets
 * *answer to the JSON answer text (malloc'd; NULL when out of memory). */
unsigned inject_add_json(struct inject_table *t, const char *body, size_t len, const char *ns,
                         char **answer);

/* GET /admin/inject: {"rules": [...]}, the rules of namespace ns (NULL: the default one), or
 * every rule with every_namespace (malloc'd; NULL when out of memory). */
char *inject_list_json(struct inject_table *t, const char *ns, bool every_namespace);

#endif
