/* runner.h — running conformance cases against a server and judging the answers. */
#ifndef CUSTRPC_CONFORM_RUNNER_H
#define CUSTRPC_CONFORM_RUNNER_H

#include <stdbool.h>
#include <stdint.h>

#include "case.h"
#include "http.h"

struct runner_options {
    struct http_target target; /* user set: authenticated requests */
    int64_t wholesaler;        /* > 0: trusted mode, i_wholesaler added to creates */
    int64_t tariff;            /* {{i_tariff}} */
    const char *name_prefix;   /* every name the run creates starts with it */
    bool any_fault_code;       /* only require a fault, not the contract's code (real switches) */
    const char *only;          /* fnmatch pattern on case names, or NULL */
};

enum case_status { CASE_PASS, CASE_FAIL, CASE_SKIP, CASE_NOT_RUN };

struct case_result {
    enum case_status status;
    char reason[600];
    double seconds;
};

/* Runs the cases in order, printing one line each; results has n entries. */
void runner_run(const struct conform_case *cases, size_t n, const struct runner_options *o,
                struct case_result *results);

#endif
