/* inject.c — the table of injected faults (see inject.h): rules kept in the order added, a
 * counted rule removed when its count reaches 0, a probability rule kept until a reset. */
#include <config.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "inject.h"

#define METHOD_MAX 128
#define NAMESPACE_MAX 256

struct rule {
    uint64_t id;
    char method[METHOD_MAX + 1]; /* "*": any method (ours) */
    char *ns;                    /* NULL: requests without a namespace */
    int64_t times;               /* calls left; 0 for a probability rule */
    double probability;
    uint64_t hits;
    struct inject_action action;
};

struct inject_table {
    pthread_mutex_t lock;
    atomic_size_t n; /* read without the lock: no rule, no lock taken by the API's requests */
    struct rule rules[INJECT_MAX_TOTAL];
    uint64_t next_id;
    uint64_t rng; /* xorshift64 state, under the lock */
};

static const char *const kind_names[] = {
    [INJECT_NONE] = "none",   [INJECT_FAULT] = "fault",     [INJECT_DELAY] = "delay",
    [INJECT_DROP] = "drop",   [INJECT_RESET] = "reset",     [INJECT_MALFORMED] = "malformed",
    [INJECT_EMPTY] = "empty", [INJECT_HTTP500] = "http500",
};

const char *inject_kind_name(enum inject_kind k)
{
    return k <= INJECT_HTTP500 ? kind_names[k] : "none";
}

struct inject_table *inject_new(void)
{
    struct inject_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    pthread_mutex_init(&t->lock, NULL);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    t->rng = ((uint64_t)now.tv_sec << 30) ^ (uint64_t)now.tv_nsec ^ (uint64_t)(uintptr_t)t;
    if (!t->rng)
        t->rng = 88172645463325252ULL;
    t->next_id = 1;
    return t;
}

static void clear_locked(struct inject_table *t)
{
    for (size_t i = 0; i < atomic_load(&t->n); i++)
        free(t->rules[i].ns);
    atomic_store(&t->n, 0);
}

void inject_free(struct inject_table *t)
{
    if (!t)
        return;
    clear_locked(t);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static bool same_ns(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

void inject_clear(struct inject_table *t, const char *ns)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    size_t kept = 0;
    const size_t n = atomic_load(&t->n);
    for (size_t i = 0; i < n; i++) {
        if (same_ns(t->rules[i].ns, ns))
            free(t->rules[i].ns);
        else
            t->rules[kept++] = t->rules[i];
    }
    atomic_store(&t->n, kept);
    pthread_mutex_unlock(&t->lock);
}

/* A uniform draw in [0, 1). */
static double draw(struct inject_table *t)
{
    uint64_t x = t->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    t->rng = x;
    return (double)(x >> 11) / 9007199254740992.0;
}

bool inject_active(struct inject_table *t)
{
    return t && atomic_load(&t->n) > 0;
}

bool inject_take(struct inject_table *t, const char *method, const char *ns,
                 struct inject_action *out)
{
    out->kind = INJECT_NONE;
    if (!t || !method || atomic_load(&t->n) == 0)
        return false;
    bool found = false;
    pthread_mutex_lock(&t->lock);
    const size_t n = atomic_load(&t->n);
    for (size_t i = 0; i < n; i++) {
        struct rule *r = &t->rules[i];
        if ((strcmp(r->method, "*") != 0 && strcmp(r->method, method) != 0) || !same_ns(r->ns, ns))
            continue;
        if (r->times == 0 && draw(t) >= r->probability)
            continue; /* this call is spared; the next probability rule may still apply */
        *out = r->action;
        r->hits++;
        found = true;
        if (r->times > 0 && --r->times == 0) {
            free(r->ns);
            memmove(r, r + 1, (n - i - 1) * sizeof *r);
            atomic_store(&t->n, n - 1);
        }
        break;
    }
    pthread_mutex_unlock(&t->lock);
    return found;
}

/* ---- POST /admin/inject ---------------------------------------------------------------- */

/* {"error": text, "member": member} (member left out when NULL). */
static char *error_answer(const char *member, const char *text)
{
    json_t *doc = member ? json_pack("{s:s, s:s}", "error", text, "member", member)
                         : json_pack("{s:s}", "error", text);
    char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    return s;
}

/* 400 naming the member: fmt is a literal with one %s, the member's name. */
#define BAD(member, fmt)                                                                           \
    do {                                                                                           \
        char text_[400];                                                                           \
        snprintf(text_, sizeof text_, fmt, member);                                                \
        *answer = error_answer(member, text_);                                                     \
        return 400;                                                                                \
    } while (0)

static const char *const transports[] = {"drop", "reset", "malformed", "empty", "http500"};
static const enum inject_kind transport_kinds[] = {INJECT_DROP, INJECT_RESET, INJECT_MALFORMED,
                                                   INJECT_EMPTY, INJECT_HTTP500};

/* Text that an XML-RPC string can carry: no controls but tab and line ends. */
static bool printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* Ends text (valid UTF-8 until a cut) before a character the cut split: JSON cannot carry
 * half a character, and the whole answer would be lost. */
static void utf8_cut(char *text)
{
    const size_t n = strlen(text);
    size_t lead = n;
    while (lead > 0 && ((unsigned char)text[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0 || (unsigned char)text[lead - 1] < 0xC0)
        return; /* ends in ASCII, or continuation bytes only (not from jansson) */
    const unsigned char c = (unsigned char)text[lead - 1];
    const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (n - (lead - 1) < need)
        text[lead - 1] = '\0';
}

/* Reads and checks the body into r (no namespace yet); 200, or 400 with *answer. */
static unsigned parse_rule(json_t *doc, struct rule *r, char **answer)
{
    static const char *const known[] = {"method",       "times",    "probability", "fault_code",
                                        "fault_string", "delay_ms", "transport",   "after"};
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v)
    {
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            ok |= strcmp(key, known[i]) == 0;
        if (!ok) {
            char name[64];
            snprintf(name, sizeof name, "%.60s", key);
            utf8_cut(name);
            for (char *p = name; *p; p++)
                if ((unsigned char)*p < 0x20)
                    *p = '?';
            BAD(name, "%s: unknown member (method, times or probability, and one of fault_code "
                      "with fault_string, delay_ms or transport; after)");
        }
    }
    json_t *method = json_object_get(doc, "method");
    if (!method)
        BAD("method", "%s: required (a methodName or JSON-RPC method, or \"*\" for any)");
    if (!json_is_string(method) || json_string_length(method) == 0 ||
        json_string_length(method) > METHOD_MAX ||
        strlen(json_string_value(method)) != json_string_length(method))
        BAD("method", "%s: must be a non-empty string of at most 128 bytes");
    snprintf(r->method, sizeof r->method, "%s", json_string_value(method));

    json_t *times = json_object_get(doc, "times"), *p = json_object_get(doc, "probability");
    if (times && p)
        BAD("probability", "%s: give times or probability, not both");
    if (!times && !p)
        BAD("times", "%s: required (or probability in its place)");
    if (times) {
        if (!json_is_integer(times) || json_integer_value(times) < 1 ||
            json_integer_value(times) > 1000000000)
            BAD("times", "%s: must be an integer 1..1000000000");
        r->times = json_integer_value(times);
    } else {
        if (!json_is_number(p) || !(json_number_value(p) > 0) || json_number_value(p) > 1)
            BAD("probability", "%s: must be a number greater than 0 and at most 1");
        r->probability = json_number_value(p);
    }

    json_t *code = json_object_get(doc, "fault_code"),
           *string = json_object_get(doc, "fault_string");
    json_t *delay = json_object_get(doc, "delay_ms"),
           *transport = json_object_get(doc, "transport");
    const int kinds = (code || string) + (delay != NULL) + (transport != NULL);
    if (kinds == 0)
        BAD("fault_code", "%s: one of fault_code with fault_string, delay_ms or transport is "
                          "required");
    if (kinds > 1)
        BAD(delay && transport ? "transport"
            : delay            ? "delay_ms"
                               : "transport",
            "%s: one kind of failure per rule: fault_code with fault_string, delay_ms or "
            "transport");
    if (code || string) {
        if (!code)
            BAD("fault_code", "%s: required with fault_string");
        if (!string)
            BAD("fault_string", "%s: required with fault_code");
        if (!json_is_integer(code) || json_integer_value(code) == 0 ||
            json_integer_value(code) < INT32_MIN || json_integer_value(code) > INT32_MAX)
            BAD("fault_code", "%s: must be a non-zero 32-bit integer");
        if (!json_is_string(string) || json_string_length(string) > INJECT_FAULT_STRING_MAX ||
            strlen(json_string_value(string)) != json_string_length(string) ||
            !printable(json_string_value(string)))
            BAD("fault_string", "%s: must be a string of at most 400 bytes without control "
                                "characters");
        r->action.kind = INJECT_FAULT;
        r->action.fault_code = (int)json_integer_value(code);
        snprintf(r->action.fault_string, sizeof r->action.fault_string, "%s",
                 json_string_value(string));
    } else if (delay) {
        if (!json_is_integer(delay) || json_integer_value(delay) < 0 ||
            json_integer_value(delay) > INJECT_DELAY_MAX_MS)
            BAD("delay_ms", "%s: must be an integer 0..600000");
        r->action.kind = INJECT_DELAY;
        r->action.delay_ms = (unsigned)json_integer_value(delay);
        r->action.after = true;
    } else {
        const char *name = json_is_string(transport) ? json_string_value(transport) : "";
        for (size_t i = 0; i < sizeof transports / sizeof transports[0]; i++)
            if (strcmp(name, transports[i]) == 0)
                r->action.kind = transport_kinds[i];
        if (r->action.kind == INJECT_NONE)
            BAD("transport", "%s: must be \"drop\", \"reset\", \"malformed\", \"empty\" or "
                             "\"http500\"");
    }
    json_t *after = json_object_get(doc, "after");
    if (after) {
        if (!json_is_boolean(after))
            BAD("after", "%s: must be true or false");
        if (delay)
            BAD("after", "%s: not with delay_ms (a delayed call is always carried out)");
        r->action.after = json_is_true(after);
    }
    return 200;
}

unsigned inject_add_json(struct inject_table *t, const char *body, size_t len, const char *ns,
                         char **answer)
{
    json_error_t jerr;
    json_t *doc = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc || !json_is_object(doc)) {
        char where[300];
        snprintf(where, sizeof where, "the body must be a JSON object (%s)",
                 doc ? "not an object" : jerr.text);
        for (char *p = where; *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
        json_decref(doc);
        *answer = error_answer(NULL, where);
        return 400;
    }
    struct rule r = {0};
    unsigned status = parse_rule(doc, &r, answer);
    json_decref(doc);
    if (status != 200)
        return status;
    if (ns && (strlen(ns) > NAMESPACE_MAX))
        return *answer = error_answer(NULL, "the namespace is longer than 256 bytes"), 400;
    if (ns && !(r.ns = strdup(ns)))
        return *answer = NULL, 500;
    pthread_mutex_lock(&t->lock);
    const size_t n = atomic_load(&t->n);
    size_t mine = 0;
    for (size_t i = 0; i < n; i++)
        mine += same_ns(t->rules[i].ns, ns);
    if (mine >= INJECT_MAX_RULES || n >= INJECT_MAX_TOTAL) {
        pthread_mutex_unlock(&t->lock);
        free(r.ns);
        *answer = error_answer(
            NULL, mine >= INJECT_MAX_RULES
                      ? "a namespace holds at most 256 rules: wait for counted rules to be used "
                        "up, or POST /admin/reset (of this namespace) to remove them"
                      : "the server holds at most 4096 rules in all namespaces together: reset "
                        "namespaces that are done");
        return 409;
    }
    r.id = t->next_id++;
    t->rules[n] = r;
    atomic_store(&t->n, n + 1);
    pthread_mutex_unlock(&t->lock);
    json_t *ok = json_pack("{s:s, s:I, s:I}", "status", "ok", "id", (json_int_t)r.id, "rules",
                           (json_int_t)(mine + 1));
    *answer = ok ? json_dumps(ok, JSON_COMPACT) : NULL;
    json_decref(ok);
    return 200;
}

static json_t *rule_json(const struct rule *r)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:b, s:I}", "id", (json_int_t)r->id, "method", r->method,
                          "kind", inject_kind_name(r->action.kind), "after", r->action.after,
                          "hits", (json_int_t)r->hits);
    if (!o)
        return NULL;
    json_object_set_new(o, "namespace", r->ns ? json_string(r->ns) : json_null());
    if (r->times)
        json_object_set_new(o, "times", json_integer(r->times));
    else
        json_object_set_new(o, "probability", json_real(r->probability));
    switch (r->action.kind) {
    case INJECT_FAULT:
        json_object_set_new(o, "fault_code", json_integer(r->action.fault_code));
        json_object_set_new(o, "fault_string", json_string(r->action.fault_string));
        break;
    case INJECT_DELAY: json_object_set_new(o, "delay_ms", json_integer(r->action.delay_ms)); break;
    default:
        json_object_set_new(o, "transport", json_string(inject_kind_name(r->action.kind)));
        break;
    }
    return o;
}

char *inject_list_json(struct inject_table *t, const char *ns, bool every_namespace)
{
    json_t *rules = json_array();
    pthread_mutex_lock(&t->lock);
    for (size_t i = 0; rules && i < atomic_load(&t->n); i++)
        if (every_namespace || same_ns(t->rules[i].ns, ns))
            json_array_append_new(rules, rule_json(&t->rules[i]));
    pthread_mutex_unlock(&t->lock);
    json_t *doc = rules ? json_pack("{s:o}", "rules", rules) : NULL;
    /* 15 digits: a probability given as 0.1 reads back as 0.1, not 0.10000000000000001. */
    char *s = doc ? json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(doc);
    return s;
}
