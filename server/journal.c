/* journal.c — see journal.h. A fixed array of entries used as a ring under one mutex, held
 * only to move an entry in or out; the old entry's strings are freed after it is released. */
#include <config.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "journal.h"

struct journal {
    pthread_mutex_t lock;
    struct journal_entry *ring;
    size_t cap, head, n; /* head: the next slot written */
    unsigned long long evicted;
    uint64_t epoch; /* of the last clear */
};

struct journal *journal_new(size_t capacity)
{
    struct journal *j = calloc(1, sizeof *j);
    if (!j || !(j->ring = calloc(capacity ? capacity : 1, sizeof *j->ring))) {
        free(j);
        return NULL;
    }
    j->cap = capacity ? capacity : 1;
    pthread_mutex_init(&j->lock, NULL);
    return j;
}

static void entry_free(struct journal_entry *e)
{
    free(e->request);
    free(e->response);
    e->request = e->response = NULL;
}

void journal_free(struct journal *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->cap; i++)
        entry_free(&j->ring[i]);
    free(j->ring);
    pthread_mutex_destroy(&j->lock);
    free(j);
}

/* Cuts a body to JOURNAL_BODY_MAX, saying so (never in the middle of a UTF-8 sequence). */
static char *bounded(char *s)
{
    static const char cut[] = "...(cut)";
    if (!s || strlen(s) <= JOURNAL_BODY_MAX)
        return s;
    size_t n = JOURNAL_BODY_MAX - sizeof cut;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    memcpy(s + n, cut, sizeof cut);
    char *small = realloc(s, n + sizeof cut);
    return small ? small : s;
}

void journal_add(struct journal *j, struct journal_entry *e)
{
    e->request = bounded(e->request);
    e->response = bounded(e->response);
    pthread_mutex_lock(&j->lock);
    if (!e->ns[0] && e->epoch < j->epoch) {
        pthread_mutex_unlock(&j->lock);
        entry_free(e);
        return;
    }
    struct journal_entry old = j->ring[j->head];
    j->ring[j->head] = *e;
    j->head = (j->head + 1) % j->cap;
    if (j->n == j->cap)
        j->evicted++;
    else
        j->n++;
    pthread_mutex_unlock(&j->lock);
    entry_free(&old);
    e->request = e->response = NULL;
}

static void clear_namespace_locked(struct journal *j, const char *ns, bool evicted)
{
    /* Compacted in place, oldest first: an entry only ever moves towards the oldest end, onto
     * a slot already read. The slots left over are zeroed, or a later journal_add would free
     * the strings of an entry that moved. */
    const size_t start = (j->head + j->cap - j->n) % j->cap;
    size_t kept = 0;
    for (size_t i = 0; i < j->n; i++) {
        struct journal_entry *e = &j->ring[(start + i) % j->cap];
        if (strcmp(e->ns, ns) == 0) {
            entry_free(e);
            continue;
        }
        if (kept != i)
            j->ring[(start + kept) % j->cap] = *e;
        kept++;
    }
    for (size_t i = kept; i < j->n; i++)
        memset(&j->ring[(start + i) % j->cap], 0, sizeof *j->ring);
    j->n = kept;
    j->head = (start + kept) % j->cap;
    if (evicted)
        j->evicted = 0;
}

void journal_clear_namespace(struct journal *j, const char *ns, bool evicted)
{
    pthread_mutex_lock(&j->lock);
    clear_namespace_locked(j, ns, evicted);
    pthread_mutex_unlock(&j->lock);
}

void journal_clear_default(struct journal *j, uint64_t epoch)
{
    pthread_mutex_lock(&j->lock);
    j->epoch = epoch;
    clear_namespace_locked(j, "", true);
    pthread_mutex_unlock(&j->lock);
}

/* A JSON string of s (null for NULL). Bytes a client sent (a Digest user name, a note quoting
 * the parser) need not be UTF-8, which a JSON string must be: then every byte outside ASCII
 * becomes '?', rather than the entry (and with it the whole journal) failing. */
static json_t *text_or_null(const char *s)
{
    if (!s)
        return json_null();
    json_t *v = json_string(s);
    if (v)
        return v;
    char *ascii = strdup(s);
    for (char *p = ascii; p && *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    v = ascii ? json_string(ascii) : NULL;
    free(ascii);
    return v;
}

static json_t *entry_json(const struct journal_entry *e)
{
    char when[40];
    time_t t = (time_t)(e->time_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof when - n, ".%03dZ", (int)(e->time_ms % 1000));
    json_t *o =
        json_pack("{s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o}", "time", when, "namespace",
                  text_or_null(e->ns[0] ? e->ns : NULL), "peer", text_or_null(e->peer), "login",
                  text_or_null(e->login[0] ? e->login : NULL), "method", text_or_null(e->method),
                  "outcome", metrics_outcome_name(e->outcome), "fault_code",
                  e->outcome == OUTCOME_FAULT ? json_integer(e->fault_code) : json_null(), "status",
                  e->status ? json_integer(e->status) : json_null(), "request",
                  text_or_null(e->request), "response", text_or_null(e->response));
    /* What POST /admin/inject did to the call: the kind, and whether the call was carried out
     * before the failure. */
    if (o)
        json_object_set_new(o, "injected",
                            e->injected ? json_pack("{s:s, s:b}", "kind", e->injected,
                                                    "carried_out", e->injected_after)
                                        : json_null());
    return o;
}

static bool matches(const struct journal_entry *e, const struct journal_filter *f)
{
    return (!f->ns || strcmp(e->ns, f->ns) == 0) &&
           (!f->method || (e->method && strcmp(e->method, f->method) == 0)) &&
           (!f->login || strcmp(e->login, f->login) == 0) &&
           (f->outcome < 0 || (int)e->outcome == f->outcome) && e->time_ms >= f->since_ms &&
           (!f->contains || (e->request && strstr(e->request, f->contains)) ||
            (e->response && strstr(e->response, f->contains)));
}

char *journal_json(struct journal *j, const struct journal_filter *f)
{
    json_t *entries = json_array();
    bool failed = !entries;
    pthread_mutex_lock(&j->lock);
    size_t shown = 0;
    for (size_t k = 0; !failed && k < j->n && (!f->limit || shown < f->limit); k++) {
        const struct journal_entry *e = &j->ring[(j->head + j->cap - 1 - k) % j->cap];
        if (!matches(e, f))
            continue;
        failed = json_array_append_new(entries, entry_json(e)) < 0;
        shown++;
    }
    json_t *doc = json_pack("{s:o, s:I}", "entries", entries, "evicted", (json_int_t)j->evicted);
    pthread_mutex_unlock(&j->lock);
    char *text = doc && !failed ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    return text;
}
