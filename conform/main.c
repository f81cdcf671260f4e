/* main.c — custrpc-conform: runs the conformance cases against a createCustomer server and
 * tells, case by case, where it departs from the API's contract. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "../client/cli.h"
#include "case.h"
#include "runner.h"

#ifndef CONFORM_CASES_DIR
#define CONFORM_CASES_DIR "cases"
#endif

enum {
    OPT_CASES = CLI_CMD_OPT,
    OPT_ONLY,
    OPT_JUNIT,
    OPT_PREFIX,
    OPT_ANY_CODE,
    OPT_TARIFF,
    OPT_VERSION
};

static const struct option own_options[] = {
    {"cases", required_argument, NULL, OPT_CASES},
    {"only", required_argument, NULL, OPT_ONLY},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"name-prefix", required_argument, NULL, OPT_PREFIX},
    {"any-fault-code", no_argument, NULL, OPT_ANY_CODE},
    {"tariff", required_argument, NULL, OPT_TARIFF},
    CLI_HELP_OPTION,
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: custrpc-conform --url URL [--user LOGIN --password-file F | --wholesaler N] "
            "[OPTION]...\n"
            "Runs conformance cases against a createCustomer server; one line per case, then\n"
            "\"N passed, N failed, N skipped\". Exit status 0 only when no case failed.\n"
            "It creates real customers, named with --name-prefix and a random run id.\n\n"
            "  --cases DIR             case files (default %s)\n"
            "  --only PATTERN          run only cases whose name matches (shell pattern)\n"
            "  --junit FILE            also write a JUnit XML report\n"
            "  --name-prefix P         prefix of every name the run creates (default conform-)\n"
            "  --tariff N              an i_tariff the caller may use (default 1)\n"
            "  --any-fault-code        require faults where the contract does, but not its codes\n"
            "                          (the real API publishes none)\n"
            "  --help, --version\n\n",
            CONFORM_CASES_DIR);
    fputs(cli_conn_help, out);
}

static void xml_attr(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\n': fputs("&#10;", out); break;
        default: fputc(*s, out);
        }
    }
}

static int write_junit(const char *path, const struct conform_case *cases,
                       const struct case_result *r, size_t n, size_t failed, size_t skipped,
                       size_t ran)
{
    FILE *out = fopen(path, "w");
    if (!out)
        return -1;
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += r[i].seconds;
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites>\n<testsuite name=\"custrpc-conform\" tests=\"%zu\" failures=\"%zu\" "
            "skipped=\"%zu\" errors=\"0\" time=\"%.3f\">\n",
            ran, failed, skipped, total);
    for (size_t i = 0; i < n; i++) {
        if (r[i].status == CASE_NOT_RUN)
            continue;
        fputs("  <testcase classname=\"conformance\" name=\"", out);
        xml_attr(out, cases[i].name);
        fprintf(out, "\" time=\"%.3f\"", r[i].seconds);
        if (r[i].status == CASE_PASS) {
            fputs("/>\n", out);
            continue;
        }
        fputs(">\n    <", out);
        fputs(r[i].status == CASE_FAIL ? "failure" : "skipped", out);
        fputs(" message=\"", out);
        xml_attr(out, r[i].reason);
        fputs("\"/>\n  </testcase>\n", out);
    }
    fputs("</testsuite>\n</testsuites>\n", out);
    return fclose(out);
}

struct conform_args {
    struct runner_options ro;
    const char *cases_dir, *junit;
    bool version;
};

static int conform_option(void *ctx, int opt, const char *arg)
{
    struct conform_args *a = ctx;
    long long v = 1;
    switch (opt) {
    case OPT_CASES: a->cases_dir = arg; return EXIT_OK;
    case OPT_ONLY: a->ro.only = arg; return EXIT_OK;
    case OPT_JUNIT: a->junit = arg; return EXIT_OK;
    case OPT_PREFIX: a->ro.name_prefix = arg; return EXIT_OK;
    case OPT_ANY_CODE: a->ro.any_fault_code = true; return EXIT_OK;
    case OPT_TARIFF:
        if (cli_number(NULL, "tariff", arg, 1, INT32_MAX, &v) < 0)
            return EXIT_USAGE;
        a->ro.tariff = v;
        return EXIT_OK;
    case OPT_VERSION:
        printf("custrpc-conform %s\n", PACKAGE_VERSION);
        a->version = true;
        return EXIT_OK;
    default: return EXIT_USAGE;
    }
}

int main(int argc, char **argv)
{
    cli_program = "custrpc-conform";
    struct conn_options conn;
    conn_defaults(&conn);
    struct conform_args a = {.ro = {.tariff = 1, .name_prefix = "conform-"},
                             .cases_dir = CONFORM_CASES_DIR};
    bool done;
    int status = cli_parse(argc, argv, own_options, NULL, &conn, conform_option, &a, usage, &done);
    if (done || a.version)
        return EXIT_OK;
    struct runner_options ro = a.ro;
    const char *cases_dir = a.cases_dir, *junit = a.junit;
    if (status != EXIT_OK || optind != argc || !conn.url) {
        if (status == EXIT_OK)
            cli_usage_error(NULL, "%s",
                            !conn.url ? "give --url (or CUSTRPC_URL)" : "unexpected argument");
        fprintf(stderr, "Try 'custrpc-conform --help'.\n");
        return EXIT_USAGE;
    }
    char *password = NULL;
    if (conn.user) {
        int failed;
        password =
            cli_read_secret(conn.password_file, "CUSTRPC_PASSWORD", "API password: ", &failed);
        if (!password) {
            cli_usage_error(
                NULL, "--user needs a password: --password-file, CUSTRPC_PASSWORD or a terminal");
            return EXIT_USAGE;
        }
    }
    struct conform_case *cases;
    size_t n;
    struct custrpc_error err;
    xmlInitParser();
    if (case_load_dir(cases_dir, &cases, &n, &err) < 0) {
        fprintf(stderr, "custrpc-conform: %s\n", err.message);
        free(password);
        return EXIT_DATA;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    ro.target = (struct http_target){conn.url,    conn.user,     password,
                                     conn.cacert, conn.insecure, (long)conn.timeout_s * 1000,
                                     conn.verbose};
    ro.wholesaler = conn.wholesaler;
    struct case_result *results = calloc(n, sizeof *results);
    runner_run(cases, n, &ro, results);
    size_t passed = 0, failed = 0, skipped = 0;
    for (size_t i = 0; i < n; i++) {
        passed += results[i].status == CASE_PASS;
        failed += results[i].status == CASE_FAIL;
        skipped += results[i].status == CASE_SKIP;
    }
    if (junit &&
        write_junit(junit, cases, results, n, failed, skipped, passed + failed + skipped) != 0) {
        perror(junit);
        status = EXIT_USAGE;
    }
    printf("%zu passed, %zu failed", passed, failed);
    if (skipped)
        printf(", %zu skipped", skipped);
    putchar('\n');
    for (size_t i = 0; i < n; i++)
        case_free(&cases[i]);
    free(cases);
    free(results);
    if (password) {
        memset(password, 0, strlen(password));
        free(password);
    }
    curl_global_cleanup();
    xmlCleanupParser();
    if (status != EXIT_OK)
        return status;
    return failed ? EXIT_FAULT : EXIT_OK;
}
