/* journal.h — the admin interface's request journal: the last N requests answered, their
 * request and answer bodies kept only with secret members masked (the caller masks before
 * journal_add), in a ring that evicts the oldest and counts what it evicted, so memory stays
 * bounded whatever the traffic. Each body is kept up to JOURNAL_BODY_MAX bytes. */
#ifndef CUSTRPC_SERVER_JOURNAL_H
#define CUSTRPC_SERVER_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"

#define JOURNAL_DEFAULT_SIZE 10000
#define JOURNAL_BODY_MAX 8192
#define JOURNAL_NS_SIZE 65 /* NS_NAME_MAX + 1 (namespaces.h) */

struct journal_entry {
    int64_t time_ms; /* Unix time of the answer, milliseconds */
    char peer[64];
    char login[128];
    const char *method; /* a method table's name, or NULL */
    enum metrics_outcome outcome;
    int fault_code;           /* 0 unless outcome is fault */
    unsigned status;          /* 0: none was sent (an injected drop or reset) */
    const char *injected;     /* POST /admin/inject's kind ("drop", ...), static; NULL: none */
    bool injected_after;      /* the call was carried out before the injected failure */
    char *request, *response; /* masked; malloc'd or NULL */
    char ns[JOURNAL_NS_SIZE]; /* the request's namespace; "" the default one */
    /* The default store's reset count (store_epoch) when the request's work was done: a
     * default entry from before the last journal_clear_default is a request that reset wiped,
     * and is not added. (A namespace's reset discards its store: http.c checks that.) */
    uint64_t epoch;
};

struct journal;

struct journal *journal_new(size_t capacity);
void journal_free(struct journal *j);

/* Takes e (its strings included, truncated to JOURNAL_BODY_MAX here); drops an entry of the
 * default namespace whose epoch is older than the last journal_clear_default's. */
void journal_add(struct journal *j, struct journal_entry *e);
/* Forgets the entries of namespace ns ("" the default one), the others kept in their order;
 * the eviction count too when evicted. */
void journal_clear_namespace(struct journal *j, const char *ns, bool evicted);
/* Forgets the default namespace's entries and the eviction count; default entries of an epoch
 * below this one are not added from now on (an answer held across a reset is journaled after
 * it). */
void journal_clear_default(struct journal *j, uint64_t epoch);

struct journal_filter {
    const char *method, *login; /* NULL: any */
    const char *ns;             /* "": the default namespace; NULL: any */
    int outcome;                /* -1: any */
    int64_t since_ms;           /* entries at or after; INT64_MIN: all */
    size_t limit;               /* 0: no limit */
    const char *contains;       /* text the masked request or answer holds; NULL: any */
};

/* {"entries": [...], "evicted": K}, newest first (malloc'd JSON text; NULL when out of
 * memory). */
char *journal_json(struct journal *j, const struct journal_filter *f);

#endif
