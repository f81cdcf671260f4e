/* import_run.h — sending the rows of an import over several connections, with a results file,
 * progress, safe retries and a clean stop on Ctrl-C. */
#ifndef CUSTRPC_IMPORT_RUN_H
#define CUSTRPC_IMPORT_RUN_H

#include <stdio.h>

#include "common/cli.h"
#include "import_read.h"

struct import_options {
    const struct conn_options *conn;
    unsigned jobs;
    const char *results_path; /* CSV: row,line,name,status,i_customer,fault_code,message; lines
                                 are appended as rows complete, then rewritten in row order */
    bool progress_tty;        /* redraw one progress line; else print plain lines */
};

struct import_totals {
    size_t created, existing, failed, invalid, not_sent;
    bool interrupted, auth_failed, connect_failed;
    struct custrpc_error connect_error; /* why, when connect_failed */
};

/* Sends every valid row; invalid rows are written to the results as such. Returns the totals
 * (exit status is the caller's to decide). */
int import_run(struct import_file *f, const struct import_options *o, struct import_totals *t);

#endif
