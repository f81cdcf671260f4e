/* cmd_import.c — `custrpc import FILE`: a migration of many customers. Every row is validated
 * before anything is sent; rows go out over --jobs connections; a results file tells per row
 * what happened, so a run can be repeated safely. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "import_read.h"
#include "import_run.h"

enum { OPT_JOBS = CLI_CMD_OPT, OPT_RESULTS, OPT_KEEP_GOING, OPT_FORMAT, OPT_HELP };

static const struct option own_options[] = {
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"results", required_argument, NULL, OPT_RESULTS},
    {"keep-going", no_argument, NULL, OPT_KEEP_GOING},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

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
        "so a run can be repeated; after a timeout the name is looked up before any re-send.\n\n"
        "  --jobs N                concurrent connections (default 4)\n"
        "  --results FILE          per-row outcome as CSV (default FILE.results.csv):\n"
        "                          row,line,name,status,i_customer,fault_code,message with status\n"
        "                          created, exists, failed, invalid or not-sent\n"
        "  --keep-going            send the valid rows even when some are invalid\n"
        "  --format csv|json       instead of guessing from the file name\n"
        "  --help                  show this help\n\n");
    fputs(cli_conn_help, out);
    cli_exit_help(out);
}

int cmd_import(int argc, char **argv)
{
    struct conn_options conn;
    conn_defaults(&conn);
    unsigned jobs = 4;
    const char *results = NULL;
    bool keep_going = false;
    enum import_format format = IMPORT_AUTO;
    struct option *opts = cli_options_join(cli_conn_options, own_options, NULL);
    int status = EXIT_OK, opt;
    while (status == EXIT_OK && (opt = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
        int r;
        if (opt == OPT_HELP) {
            usage(stdout);
            free(opts);
            return EXIT_OK;
        } else if (opt == OPT_JOBS) {
            long long v = 4;
            status = cli_number("import", "jobs", optarg, 1, 64, &v) < 0 ? EXIT_USAGE : EXIT_OK;
            jobs = (unsigned)v;
        } else if (opt == OPT_RESULTS) {
            results = optarg;
        } else if (opt == OPT_KEEP_GOING) {
            keep_going = true;
        } else if (opt == OPT_FORMAT) {
            if (strcmp(optarg, "csv") == 0)
                format = IMPORT_CSV;
            else if (strcmp(optarg, "json") == 0)
                format = IMPORT_JSON;
            else {
                cli_usage_error("import", "--format: \"%s\" is not csv or json", optarg);
                status = EXIT_USAGE;
            }
        } else if ((r = conn_apply(&conn, opt, optarg)) != 0) {
            status = r < 0 ? EXIT_USAGE : EXIT_OK;
        } else {
            status = EXIT_USAGE;
        }
    }
    free(opts);
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
    if (t.auth_failed)
        return EXIT_AUTH;
    return t.failed || t.invalid || t.not_sent ? EXIT_PARTIAL : EXIT_OK;
}
