/* cmd_import.c — `custrpc import FILE`: a migration of many customers. Every row is validated
 * before anything is sent; rows go out over --jobs connections; a results file tells per row
 * what happened, so a run can be repeated safely. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "commands.h"
#include "import_read.h"
#include "import_run.h"

enum { OPT_JOBS = CLI_CMD_OPT, OPT_RESULTS, OPT_KEEP_GOING, OPT_FORMAT };

static const struct option own_options[] = {
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"results", required_argument, NULL, OPT_RESULTS},
    {"keep-going", no_argument, NULL, OPT_KEEP_GOING},
    {"format", required_argument, NULL, OPT_FORMAT},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

struct import_args {
    long long jobs;
    const char *results;
    bool keep_going;
    enum import_format format;
};

static int import_option(void *ctx, int opt, const char *arg)
{
    struct import_args *a = ctx;
    switch (opt) {
    case OPT_JOBS:
        return cli_number("import", "jobs", arg, 1, 64, &a->jobs) < 0 ? EXIT_USAGE : EXIT_OK;
    case OPT_RESULTS: a->results = arg; return EXIT_OK;
    case OPT_KEEP_GOING: a->keep_going = true; return EXIT_OK;
    case OPT_FORMAT:
        if (strcmp(arg, "csv") == 0 || strcmp(arg, "json") == 0) {
            a->format = arg[0] == 'c' ? IMPORT_CSV : IMPORT_JSON;
            return EXIT_OK;
        }
        cli_usage_error("import", "--format: \"%s\" is not csv or json", arg);
        return EXIT_USAGE;
    default: return EXIT_USAGE;
    }
}

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: custrpc import FILE [OPTION]...\n"
        "Creates the customers of FILE: CSV with a header row of member names (custrpc fields\n"
        "lists them; an empty cell leaves the member out) or a JSON array of objects (null is "
        "nil).\n"
        "Every row is validated first; bad rows are listed with their line numbers and nothing\n"
        "is sent, unless --keep-going. A row whose name already exists is reported as \"exists\",\n"
        "so a run can be repeated: when a create is refused or its outcome is unknown, the name\n"
        "is looked up (getCustomerInfo). A timeout is never followed by a blind re-send; a\n"
        "refused connection stops the import at once (exit 69).\n\n"
        "  --jobs N                concurrent connections (default 4)\n"
        "  --results FILE          per-row outcome as CSV (default FILE.results.csv):\n"
        "                          row,line,name,status,i_customer,fault_code,message with status\n"
        "                          created, exists, failed, invalid or not-sent\n"
        "  --keep-going            send the valid rows even when some are invalid\n"
        "  --format csv|json       instead of guessing from the file name\n"
        "  --help                  show this help\n\n");
    cli_conn_help(out, CONN_ALL);
    cli_exit_help(out);
}

int cmd_import(int argc, char **argv)
{
    struct conn_options conn;
    conn_defaults(&conn, CONN_ALL);
    struct import_args a = {.jobs = 4, .results = NULL, .keep_going = false, .format = IMPORT_AUTO};
    bool done;
    int status = cli_parse(argc, argv, own_options, NULL, &conn, import_option, &a, usage, &done);
    if (done)
        return EXIT_OK;
    unsigned jobs = (unsigned)a.jobs;
    const char *results = a.results;
    bool keep_going = a.keep_going;
    enum import_format format = a.format;
    if (status != EXIT_OK)
        return status;
    if (optind != argc - 1) {
        cli_usage_error("import", "give exactly one FILE");
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    struct import_file f;
    struct custrpc_error err;
    if (import_read(path, format, &f, &err) < 0) {
        fprintf(stderr, "custrpc import: %s\n", err.message);
        return EXIT_DATA;
    }
    for (size_t i = 0; i < f.n; i++)
        if (!f.rows[i].valid)
            fprintf(stderr, "custrpc import: %s:%zu: %s\n", path, f.rows[i].line,
                    f.rows[i].err.message);
    if (f.invalid && !keep_going) {
        fprintf(stderr,
                "custrpc import: %zu of %zu rows are invalid; nothing was sent (--keep-going sends "
                "the rest)\n",
                f.invalid, f.n);
        import_free(&f);
        return EXIT_DATA;
    }
    char default_results[4096];
    if (!results) {
        snprintf(default_results, sizeof default_results, "%s.results.csv", path);
        results = default_results;
    }
    struct import_options io = {.conn = &conn,
                                .jobs = jobs,
                                .results_path = results,
                                .progress_tty = isatty(STDERR_FILENO)};
    struct import_totals t;
    int open_error = import_run(&f, &io, &t);
    fprintf(stderr,
            "custrpc import: %zu created, %zu already present, %zu failed, %zu invalid, %zu not "
            "sent%s; "
            "results in %s\n",
            t.created, t.existing, t.failed, t.invalid, t.not_sent,
            t.interrupted ? " (interrupted)" : "", results);
    import_free(&f);
    if (open_error)
        return open_error;
    if (t.connect_failed) {
        fprintf(stderr, "custrpc import: %s; the rows not sent can be sent by running again\n",
                t.connect_error.message);
        return EXIT_TRANSPORT;
    }
    if (t.auth_failed)
        return EXIT_AUTH;
    return t.failed || t.invalid || t.not_sent ? EXIT_PARTIAL : EXIT_OK;
}
