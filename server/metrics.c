/* metrics.c — see metrics.h. Each counter is an atomic added to with relaxed order: a scrape
 * may see a request counted in requests_total before its histogram bucket, which Prometheus
 * tolerates (every series is monotonic on its own). */
#include <config.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "sbuf.h"

/* Upper bounds in seconds; createCustomer takes about 0.1 ms in memory and a few ms when it
 * waits for a group commit's flush. */
static const double bounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};
#define N_BOUNDS (sizeof bounds / sizeof bounds[0])

struct metrics {
    const char *const *names;
    size_t n; /* names; row n is "other" */
    atomic_ullong (*requests)[OUTCOME_COUNT];
    atomic_ullong buckets[N_BOUNDS + 1]; /* not cumulative; the last is +Inf */
    atomic_ullong sum_ns;
    atomic_ullong count;
};

static const char *const outcome_names[OUTCOME_COUNT] = {"ok", "fault", "http_error"};

const char *metrics_outcome_name(enum metrics_outcome o)
{
    return outcome_names[o];
}

int metrics_outcome_of(const char *name)
{
    for (int i = 0; i < OUTCOME_COUNT; i++)
        if (strcmp(name, outcome_names[i]) == 0)
            return i;
    return -1;
}

struct metrics *metrics_new(const char *const *names, size_t n)
{
    struct metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->names = names;
    m->n = n;
    m->requests = calloc(n + 1, sizeof *m->requests);
    if (!m->requests) {
        free(m);
        return NULL;
    }
    return m;
}

void metrics_free(struct metrics *m)
{
    if (!m)
        return;
    free(m->requests);
    free(m);
}

void metrics_count(struct metrics *m, const char *method, enum metrics_outcome o, double seconds)
{
    size_t row = m->n;
    for (size_t i = 0; method && i < m->n; i++)
        if (m->names[i] == method || strcmp(m->names[i], method) == 0) {
            row = i;
            break;
        }
    atomic_fetch_add_explicit(&m->requests[row][o], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < N_BOUNDS && seconds > bounds[b])
        b++;
    atomic_fetch_add_explicit(&m->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->sum_ns, (unsigned long long)(seconds * 1e9),
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
}

static unsigned long long get(const atomic_ullong *a)
{
    return atomic_load_explicit(a, memory_order_relaxed);
}

char *metrics_text(const struct metrics *m, int64_t customers, size_t *len)
{
    struct sbuf b = {0};
    sb_add(&b, "# HELP custrpc_requests_total API requests answered, by method and outcome.\n"
               "# TYPE custrpc_requests_total counter\n");
    for (size_t i = 0; i <= m->n; i++)
        for (int o = 0; o < OUTCOME_COUNT; o++)
            sb_add(&b, "custrpc_requests_total{method=\"%s\",outcome=\"%s\"} %llu\n",
                   i < m->n ? m->names[i] : "other", outcome_names[o], get(&m->requests[i][o]));
    sb_add(&b, "# HELP custrpc_request_duration_seconds Time from a request's head to its "
               "answer.\n# TYPE custrpc_request_duration_seconds histogram\n");
    unsigned long long cumulative = 0;
    for (size_t i = 0; i <= N_BOUNDS; i++) {
        cumulative += get(&m->buckets[i]);
        if (i < N_BOUNDS)
            sb_add(&b, "custrpc_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bounds[i],
                   cumulative);
        else
            sb_add(&b, "custrpc_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cumulative);
    }
    /* _count is the +Inf bucket's value, as the format requires, even while requests are
     * counted concurrently. */
    sb_add(&b,
           "custrpc_request_duration_seconds_sum %.9f\n"
           "custrpc_request_duration_seconds_count %llu\n",
           (double)get(&m->sum_ns) / 1e9, cumulative);
    sb_add(&b,
           "# HELP custrpc_customers Customers in the store, the root included.\n"
           "# TYPE custrpc_customers gauge\ncustrpc_customers %lld\n",
           (long long)customers);
    if (b.p && len)
        *len = b.len;
    return b.p;
}
