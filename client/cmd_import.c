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
#include "common/import_read.h"
#include "import_run.h"
#include "partner_import.h"

enum {
    OPT_JOBS = CLI_CMD_OPT,
    OPT_RESULTS,
    OPT_KEEP_GOING,
    OPT_FORMAT,
    OPT_PARTNERS,
    OPT_DELIMITER,
    OPT_VALIDATE_ONLY,
    OPT_RATE,
};

static const struct option own_options[] = {
    {"partners", no_argument, NULL, OPT_PARTNERS},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"results", required_argument, NULL, OPT_RESULTS},
    {"keep-going", no_argument, NULL, OPT_KEEP_GOING},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"delimiter", required_argument, NULL, OPT_DELIMITER},
    {"validate-only", no_argument, NULL, OPT_VALIDATE_ONLY},
    {"rate", required_argument, NULL, OPT_RATE},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

struct import_args {
    long long jobs;
    const char *results;
    bool keep_going, validate_only;
    struct import_read_opts read;
    double rate; /* rows per second; 0: no cap */
};

/* --delimiter: the characters spreadsheets and exports use, tab by name or as \t. */
static int parse_delimiter(const char *arg, char *out)
{
    static const struct {
        const char *name;
        char c;
    } names[] = {{",", ','}, {";", ';'}, {"|", '|'}, {"tab", '\t'}, {"\\t", '\t'}, {"\t", '\t'}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(arg, names[i].name) == 0) {
            *out = names[i].c;
            return EXIT_OK;
        }
    cli_usage_error("import", "--delimiter: \"%s\" is not one of , ; | tab", arg);
    return EXIT_USAGE;
}

/* --rate N/s or N/min (N alone: per second). */
static int parse_rate(const char *arg, double *out)
{
    char *end;
    long long n = strtoll(arg, &end, 10);
    double per = strcmp(end, "") == 0 || strcmp(end, "/s") == 0 ? 1
                 : strcmp(end, "/min") == 0                     ? 60
                                                                : 0;
    if (end == arg || arg[0] == '-' || arg[0] == '+' || n < 1 || n > 1000000 || per == 0) {
        cli_usage_error("import", "--rate: \"%s\" is not N/s or N/min with N 1..1000000", arg);
        return EXIT_USAGE;
    }
    *out = (double)n / per;
    return EXIT_OK;
}

static int import_option(void *ctx, int opt, const char *arg)
{
    struct import_args *a = ctx;
    switch (opt) {
    case OPT_JOBS:
        return cli_number("import", "jobs", arg, 1, 64, &a->jobs) < 0 ? EXIT_USAGE : EXIT_OK;
    case OPT_RESULTS: a->results = arg; return EXIT_OK;
    case OPT_KEEP_GOING: a->keep_going = true; return EXIT_OK;
    case OPT_VALIDATE_ONLY: a->validate_only = true; return EXIT_OK;
    case OPT_DELIMITER: return parse_delimiter(arg, &a->read.delimiter);
    case OPT_RATE: return parse_rate(arg, &a->rate);
    case OPT_PARTNERS: return EXIT_OK; /* seen before parsing: it picks the option groups */
    case OPT_FORMAT:
        if (strcmp(arg, "csv") == 0 || strcmp(arg, "json") == 0) {
            a->read.format = arg[0] == 'c' ? IMPORT_CSV : IMPORT_JSON;
            return EXIT_OK;
        }
        cli_usage_error("import", "--format: \"%s\" is not csv or json", arg);
        return EXIT_USAGE;
    default: return EXIT_USAGE;
    }
}

static bool partners; /* --partners: the mode usage() describes */

/* The options both modes share, after --format. */
#define IMPORT_READ_HELP                                                                           \
    "                          from the first byte ('[' is JSON); FILE \"-\" is stdin\n"           \
    "  --delimiter C           the CSV delimiter: , ; | or tab (default: the one the header\n"     \
    "                          line uses most outside quotes; a UTF-8 BOM and CRLF are fine)\n"    \
    "  --validate-only         check every row, send nothing (no server needed); exit 65\n"        \
    "                          when any row is invalid, 0 when all are valid\n"                    \
    "  --rate N/s              send at most N rows a second, all jobs together (also N/min)\n"

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
            "file. Every row is validated first; bad rows are listed by line and row,\n"
            "and nothing is sent, unless --keep-going. A row refused because its Name exists is\n"
            "reported as \"exists\" (looked up with GetPartnerInfo), so a run can be repeated;\n"
            "a timeout is never followed by a blind re-send. Each job has its own session.\n\n"
            "  --jobs N                concurrent sessions (default 4)\n"
            "  --results FILE          per-row outcome as CSV (default FILE.results.csv):\n"
            "                          row,line,name,status,i_customer,fault_code,message; the\n"
            "                          i_customer column holds the partner's Id; an earlier\n"
            "                          file of that name is kept as FILE.1 (or .2, ...)\n"
            "  --keep-going            send the valid rows even when some are invalid\n"
            "  --format csv|json       instead of guessing: from the name (.json, .csv), "
            "else\n" IMPORT_READ_HELP "  --help                  show this help\n\n");
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
        "A JSON string takes the text forms a CSV cell and the options take (\"own\", "
        "\"add,edit\").\n"
        "Every row is validated first; bad rows are listed by line and row, and nothing\n"
        "is sent, unless --keep-going. A row whose name already exists is reported as \"exists\",\n"
        "so a run can be repeated: when a create is refused or its outcome is unknown, the name\n"
        "is looked up (getCustomerInfo). A timeout is never followed by a blind re-send; a\n"
        "refused connection stops the import at once (exit 69).\n\n"
        "  --jobs N                concurrent connections (default 4)\n"
        "  --results FILE          per-row outcome as CSV (default FILE.results.csv):\n"
        "                          row,line,name,status,i_customer,fault_code,message with status\n"
        "                          created, exists, failed, invalid or not-sent; an earlier\n"
        "                          file of that name is kept as FILE.1 (or .2, ...)\n"
        "  --keep-going            send the valid rows even when some are invalid\n"
        "  --format csv|json       instead of guessing: from the name (.json, .csv), "
        "else\n" IMPORT_READ_HELP
        "  --partners              partners over the partner API instead (see --partners --help)\n"
        "  --help                  show this help\n\n");
    cli_conn_help(out, CONN_ALL);
    cli_exit_help(out);
}

static int run_import(int argc, char **argv)
{
    struct conn_options conn;
    conn_defaults(&conn, partners ? CONN_PARTNER_ALL : CONN_ALL);
    struct import_args a = {.jobs = 4, .read = {.format = IMPORT_AUTO, .delimiter = 0}};
    bool done;
    int status = cli_parse(argc, argv, own_options, NULL, &conn, import_option, &a, usage, &done);
    if (done)
        return EXIT_OK;
    if (status != EXIT_OK)
        return status;
    if (optind != argc - 1) {
        cli_usage_error("import", "give exactly one FILE (\"-\": stdin)");
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    const char *shown = import_display_name(path);
    struct import_file f;
    struct custrpc_error err;
    const char *const none[] = {NULL};
    int read = partners ? import_read_message(path, &a.read, &custrpc_partner_info_message, "Name",
                                              none, &f, &err)
                        : import_read(path, &a.read, &f, &err);
    if (read < 0) {
        fprintf(stderr, "custrpc import: %s\n", err.message);
        return EXIT_DATA;
    }
    for (size_t i = 0; i < f.n; i++)
        if (!f.rows[i].valid)
            /* The row number too (the results file's "row"): rows of a JSON file may share a
             * line. */
            fprintf(stderr, "custrpc import: %s:%zu: %s (row %zu)\n", shown, f.rows[i].line,
                    f.rows[i].err.message, i + 1);
    if (a.validate_only) {
        size_t invalid = f.invalid, n = f.n;
        import_free(&f);
        if (invalid)
            fprintf(stderr, "custrpc import: %zu of %zu rows are invalid; nothing was sent\n",
                    invalid, n);
        else
            fprintf(stderr, "custrpc import: all %zu rows are valid; nothing was sent\n", n);
        return invalid ? EXIT_DATA : EXIT_OK;
    }
    if (f.invalid && !a.keep_going) {
        fprintf(stderr,
                "custrpc import: %zu of %zu rows are invalid; nothing was sent (--keep-going sends "
                "the rest)\n",
                f.invalid, f.n);
        import_free(&f);
        return EXIT_DATA;
    }
    const char *results = a.results;
    char default_results[4096];
    if (!results) {
        snprintf(default_results, sizeof default_results, "%s.results.csv", shown);
        results = default_results;
    }
    struct import_options io = {.kind = partners ? &partner_import_kind : NULL,
                                .conn = &conn,
                                .jobs = (unsigned)a.jobs,
                                .rate = a.rate,
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
