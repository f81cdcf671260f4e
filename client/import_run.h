/* import_run.h — sending the rows of an import over several connections, with a results file,
 * progress, safe retries and a clean stop on Ctrl-C. */
#ifndef CUSTRPC_IMPORT_RUN_H
#define CUSTRPC_IMPORT_RUN_H

#include <stdio.h>

#include "common/cli.h"
#include "common/import_read.h"

/* What a row is sent with: customers (createCustomer, looked up with getCustomerInfo) by
 * default, partners (AddPartner, GetPartnerInfo) in partner_import.c. One client per worker. */
struct import_kind {
    /* Opens a worker's client from the options: an exit code. */
    int (*open)(const struct conn_options *conn, void **client);
    void (*close)(void *client);
    /* Sends the row: 0 with its new id, or -1 with err. */
    int (*create)(void *client, const struct import_file *f, const struct import_row *row,
                  int64_t *id, struct custrpc_error *err);
    /* Whether a row of this name is there: 1 yes (id set), 0 no (the server answered the lookup
     * with a fault, whatever its code), -1 could not tell. */
    int (*lookup)(void *client, const struct conn_options *conn, const char *name, int64_t *id,
                  struct custrpc_error *err);
};

struct import_options {
    const struct import_kind *kind; /* NULL: customers */
    const struct conn_options *conn;
    unsigned jobs;
    const char *results_path; /* CSV: row,line,name,status,i_customer,fault_code,message; lines
                                 are appended as rows complete, then rewritten in row order */
    bool progress_tty;        /* redraw one progress line; else print plain lines */
    double rate;              /* at most this many creates a second, all workers together; 0:
                                 no cap */
};

struct import_totals {
    size_t created, existing, failed, invalid, not_sent;
    bool interrupted, auth_failed, connect_failed;
    struct custrpc_error connect_error; /* why, when connect_failed */
};

/* Sends every valid row; invalid rows are written to the results as such. A results file
 * already there is first renamed to PATH.N, N the first number free. Returns the totals (exit
 * status is the caller's to decide). */
int import_run(struct import_file *f, const struct import_options *o, struct import_totals *t);

#endif
