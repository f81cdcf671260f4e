/* report.h — custrpc-conform's machine-readable reports: JUnit XML as pytest writes it, and one
 * JSON object; both carry the profile, each case's outcome and the customers the run left. */
#ifndef CUSTRPC_CONFORM_REPORT_H
#define CUSTRPC_CONFORM_REPORT_H

#include <stdio.h>

#include "case.h"
#include "runner.h"

struct run_totals {
    size_t passed, failed, errors, skipped;
};

struct run_report {
    const char *profile; /* "api" or "custrpc" */
    const char *api;     /* "xmlrpc" or "partner" */
    const struct conform_case *cases;
    const struct case_result *results;
    size_t n;
    struct run_totals totals;
    const struct created_list *created;
};

/* Both return 0, or -1 with errno set when the file cannot be written. */
int report_junit(const char *path, const struct run_report *rep);
int report_json(FILE *out, const struct run_report *rep);

#endif
