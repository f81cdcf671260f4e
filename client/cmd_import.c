/* cmd_import.c — `custrpc import FILE`: a migration of many customers, or with --partners (also
 * `custrpc partner import FILE`) of partners over the partner API. Every row is validated
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
#include "partner_import.h"

enum { OPT_JOBS = CLI_CMD_OPT, OPT_RESULTS, OPT_KEEP_GOING, OPT_FORMAT, OPT_PARTNERS };

static const struct option own_options[] = {
    {"partners", no_argument, NULL, OPT_PARTNERS},
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
    case OPT_PARTNERS: return EXIT_OK; /* seen before parsing: it picks the option groups */
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

static bool partners; /* --partners: the mode usage() describes */

static void usage(FILE *out)
{
    if (partners) {
        fprintf(
            out,
            "Usage: custrpc import --partners FILE [OPTION]...\n"
            "   or: custrpc partner import FILE [OPTION]...\n"
            "Adds the partners of FILE over the partner API, one AddPartner per row: CSV with a\n"
            "header row of PartnerInfo member paths "
            "(Name,Level,ParentId,Company.PostAddress.City;\n"
            "flags and ChildServiceTypes as \"A,B\" in one cell; an empty cell leaves the member\n"
            "out) or a JSON array of PartnerInfo objects. Every row needs a Name, unique in the\n"
            "file. Every row is validated first; bad rows are listed with their line numbers\n"
            "and nothing is sent, unless --keep-going. A row refused because its Name exists is\n"
            "reported as \"exists\" (looked up with GetPartnerInfo), so a run can be repeated;\n"
            "a timeout is never followed by a blind re-send. Each job has its own session.\n\n"
            "  --jobs N                concurrent sessions (default 4)\n"
            "  --results FILE          per-row outcome as CSV (default FILE.results.csv):\n"
            "                          row,line,name,status,i_customer,fault_code,message; the\n"
            "                          i_customer column holds the partner's Id\n"
            "  --keep-going            send the valid rows even when some are invalid\n"
            "  --format csv|json       instead of guessing from the file name\n"
            "  --help                  show this help\n\n");
        cli_conn_help(out, CONN_PARTNER_ALL);
        cli_exit_help(out);
        return;
    }
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
        "  --partners              partners over the partner API instead (see --partners --help)\n"
        "  --help                  show this help\n\n");
    cli_conn_help(out, CONN_ALL);
    cli_exit_help(out);
}

static int run_import(int argc, char **argv)
{
    struct conn_options conn;
    conn_defaults(&conn, partners ? CONN_PARTNER_ALL : CONN_ALL);
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
    const char *const none[] = {NULL};
    int read = partners ? import_read_message(path, format, &custrpc_partner_info_message, "Name",
                                              none, &f, &err)
                        : import_read(path, format, &f, &err);
    if (read < 0) {
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
    struct import_options io = {.kind = partners ? &partner_import_kind : NULL,
                                .conn = &conn,
                                .jobs = jobs,
                                .results_path = results,
                                .progress_tty = isatty(STDERR_FILENO)};
    struct import_totals t;
    int open_error = import_run(&f, &io, &t);
    fprintf(stderr,
            "custrpc import: %zu %s, %zu already present, %zu failed, %zu invalid, %zu not "
            "sent%s; "
            "results in %s\n",
            t.created, partners ? "added" : "created", t.existing, t.failed, t.invalid, t.not_sent,
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

int cmd_import(int argc, char **argv)
{
    partners = false;
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        partners |= strcmp(argv[i], "--partners") == 0;
    return run_import(argc, argv);
}

int cmd_partner_import(int argc, char **argv)
{
    partners = true;
    return run_import(argc, argv);
}
