/* metrics.h — request counters and a latency histogram for GET /metrics (Prometheus text
 * exposition format 0.0.4). Counting is a few relaxed atomic additions: no lock on the request
 * path. The method label comes only from the names given at creation (the method tables), so a
 * client cannot add label values: any other method counts as "other". */
#ifndef CUSTRPC_SERVER_METRICS_H
#define CUSTRPC_SERVER_METRICS_H

#include <stddef.h>
#include <stdint.h>

enum metrics_outcome { OUTCOME_OK, OUTCOME_FAULT, OUTCOME_HTTP_ERROR, OUTCOME_COUNT };

/* "ok", "fault", "http_error": the label values, also the journal's outcome filter. */
const char *metrics_outcome_name(enum metrics_outcome o);
/* The outcome named, or -1. */
int metrics_outcome_of(const char *name);

struct metrics;

/* names: the known method names (kept, not copied: static strings of the method tables). */
struct metrics *metrics_new(const char *const *names, size_t n);
void metrics_free(struct metrics *m);

/* Counts one answered request; method NULL or unknown counts as "other". */
void metrics_count(struct metrics *m, const char *method, enum metrics_outcome o, double seconds);

/* The exposition text (malloc'd, *len its length), with the custrpc_customers gauge; NULL when
 * out of memory. */
char *metrics_text(const struct metrics *m, int64_t customers, size_t *len);

#endif
