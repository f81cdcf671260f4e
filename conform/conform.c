/* conform.c — custrpc-conform: runs the conformance cases against a createCustomer server (XML-RPC)
 * or a partner API server (JSON-RPC) and tells, case by case, where it departs from the API's
 * contract. */
#include <config.h>

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "common/cli.h"
#include "common/optdoc.h"
#include "conform.h"
#include "case.h"
#include "cleanup.h"
#include "report.h"
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
    OPT_PROFILE,
    OPT_VERSION,
    OPT_OUTPUT,
    OPT_CLEANUP,
    OPT_API,
    OPT_PARTNER
};

/* pytest's exit status when no test was selected. */
#define EXIT_NO_CASES 5

/* Each option once: getopt's table, --help and custrpc-conform(1) (conform/gen_man.c). */
const struct optdoc conform_options[] = {
    {{"api", required_argument, NULL, OPT_API},
     "xmlrpc|partner",
     "the API to test: xmlrpc (createCustomer and the customer lifecycle) or partner (JSON-RPC: "
     "Login, AddPartner, ...); default partner when the URL's path ends in /jsonapi",
     0},
    {{"partner", required_argument, NULL, OPT_PARTNER},
     "NAME",
     "partner API: the partner to log in to (Login's partner; --user is its username, "
     "--password-file its password)",
     0},
    {{"profile", required_argument, NULL, OPT_PROFILE},
     "api|custrpc",
     "api (default): only what the API's published text requires, faults judged by presence, "
     "never by code; custrpc: every case, with this project's fault codes, limits and choices "
     "(custrpc-server's contract)",
     0},
    {{"cases", required_argument, NULL, OPT_CASES},
     "DIR",
     "case files (default " CONFORM_CASES_DIR ")",
     0},
    {{"only", required_argument, NULL, OPT_ONLY},
     "PATTERN",
     "run only cases whose name matches (shell pattern)",
     0},
    {{"junit", required_argument, NULL, OPT_JUNIT}, "FILE", "also write a JUnit XML report", 0},
    {{"name-prefix", required_argument, NULL, OPT_PREFIX},
     "P",
     "prefix of every name the run creates (default conform-)",
     0},
    {{"tariff", required_argument, NULL, OPT_TARIFF},
     "N",
     "an i_tariff the caller may use (default 1)",
     0},
    {{"any-fault-code", no_argument, NULL, OPT_ANY_CODE},
     NULL,
     "custrpc profile: require faults where it does, but not its codes",
     0},
    {{"cleanup", no_argument, NULL, OPT_CLEANUP},
     NULL,
     "afterwards, delete the customers the run created (children first) when the server has "
     "deleteCustomer; partner API: remove its partners (RemovePartner)",
     0},
    {{"output", required_argument, NULL, OPT_OUTPUT},
     "text|json",
     "json: one JSON object on stdout, the case lines on stderr (default text)",
     0},
    {{"verbose", no_argument, NULL, 'v'},
     NULL,
     "each request and answer body on stderr (passwords masked)",
     'v'},
    {{"help", no_argument, NULL, CLI_OPT_HELP}, NULL, "show this help and exit", 'h'},
    {{"version", no_argument, NULL, OPT_VERSION}, NULL, "show the version and exit", 0},
    {{NULL, 0, NULL, 0}, NULL, NULL, 0},
};

const char *const conform_description[] = {
    "Runs conformance cases against a createCustomer server (XML-RPC) or a partner API server "
    "(JSON-RPC); one line per case, the customers or partners the run created, then "
    "\"profile P: N passed, N failed, N skipped\".",
    "Exit status 0 when no case failed, 1 when one did, 5 when --only selects none.",
    "It creates real customers or partners, named with --name-prefix and a random run id.",
    NULL,
};

void conform_usage(FILE *out)
{
    fputs("Usage: custrpc-conform --url URL [--user LOGIN --password-file F | --wholesaler N] "
          "[OPTION]...\n"
          "       custrpc-conform --url URL/jsonapi --partner NAME --user LOGIN "
          "--password-file F [OPTION]...\n",
          out);
    for (const char *const *p = conform_description; *p; p++)
        optdoc_wrap(out, *p, 0);
    fputc('\n', out);
    optdoc_help(out, conform_options);
    fputc('\n', out);
    cli_conn_help(out, CONFORM_CONN);
}

struct conform_args {
    struct runner_options ro;
    const char *cases_dir, *junit;
    bool version, json, verbose, cleanup, api_given;
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
    case OPT_PROFILE:
        if (strcmp(arg, "api") == 0)
            a->ro.profile = BASIS_API;
        else if (strcmp(arg, "custrpc") == 0)
            a->ro.profile = BASIS_CUSTRPC;
        else {
            cli_usage_error(NULL, "--profile must be api or custrpc, not '%s'", arg);
            return EXIT_USAGE;
        }
        return EXIT_OK;
    case OPT_TARIFF:
        if (cli_number(NULL, "tariff", arg, 1, INT32_MAX, &v) < 0)
            return EXIT_USAGE;
        a->ro.tariff = v;
        return EXIT_OK;
    case 'v': a->verbose = true; return EXIT_OK;
    case OPT_CLEANUP: a->cleanup = true; return EXIT_OK;
    case OPT_PARTNER: a->ro.partner = arg; return EXIT_OK;
    case OPT_API:
        if (strcmp(arg, "xmlrpc") == 0)
            a->ro.api = API_XMLRPC;
        else if (strcmp(arg, "partner") == 0)
            a->ro.api = API_PARTNER;
        else {
            cli_usage_error(NULL, "--api must be xmlrpc or partner, not '%s'", arg);
            return EXIT_USAGE;
        }
        a->api_given = true;
        return EXIT_OK;
    case OPT_OUTPUT:
        if (strcmp(arg, "text") != 0 && strcmp(arg, "json") != 0) {
            cli_usage_error(NULL, "--output: \"%s\" is not text or json", arg);
            return EXIT_USAGE;
        }
        a->json = arg[0] == 'j';
        return EXIT_OK;
    case OPT_VERSION:
        printf("custrpc-conform %s\n", PACKAGE_VERSION);
        a->version = true;
        return EXIT_OK;
    default: return EXIT_USAGE;
    }
}

/* Whether the URL's path ends in /jsonapi: the partner API's endpoint. */
static bool url_is_jsonapi(const char *url)
{
    const char *scheme = strstr(url, "://");
    const char *path = scheme ? strchr(scheme + 3, '/') : NULL;
    if (!path)
        return false;
    size_t len = strcspn(path, "?#");
    while (len > 1 && path[len - 1] == '/')
        len--;
    return len >= 8 && strncmp(path + len - 8, "/jsonapi", 8) == 0;
}

/* The API under test and the options it needs; a usage error is printed. */
static int check_api(struct conform_args *a, const struct conn_options *conn)
{
    if (!a->api_given)
        a->ro.api = url_is_jsonapi(conn->url) ? API_PARTNER : API_XMLRPC;
    const char *wrong = NULL;
    if (a->ro.api == API_PARTNER && conn->wholesaler)
        wrong = "--wholesaler is XML-RPC's trusted mode; the partner API has none";
    else if (a->ro.api == API_PARTNER && (!a->ro.partner || !conn->user))
        wrong = "the partner API needs --partner NAME and --user LOGIN (Login's partner and "
                "username; the password from --password-file, CUSTRPC_PASSWORD or a terminal)";
    else if (a->ro.api == API_XMLRPC && a->ro.partner)
        wrong = "--partner is the partner API's (--api partner, or a URL ending in /jsonapi)";
    if (!wrong)
        return EXIT_OK;
    cli_usage_error(NULL, "%s", wrong);
    return EXIT_USAGE;
}

static void print_created(FILE *out, const struct created_list *created, bool partner)
{
    const char *what = partner ? "partner" : "customer";
    fprintf(out, "created %zu %s%s (the server keeps them; on a real %s remove them):\n",
            created->n, what, created->n == 1 ? "" : "s", partner ? "service" : "switch");
    for (size_t i = 0; i < created->n; i++)
        fprintf(out, "  %s %s  %s\n", partner ? "partner Id" : "i_customer",
                created->items[i].i_customer, created->items[i].name);
}

int conform_main(int argc, char **argv)
{
    cli_program = "custrpc-conform";
    struct conn_options conn;
    conn_defaults(&conn, CONFORM_CONN);
    struct conform_args a = {.ro = {.tariff = 1, .name_prefix = "conform-"},
                             .cases_dir = CONFORM_CASES_DIR};
    bool done;
    struct option *own_options = optdoc_getopt(conform_options);
    if (!own_options)
        return EXIT_DATA;
    int status =
        cli_parse(argc, argv, own_options, NULL, &conn, conform_option, &a, conform_usage, &done);
    free(own_options);
    if (done || a.version)
        return EXIT_OK;
    struct runner_options ro = a.ro;
    const char *cases_dir = a.cases_dir, *junit = a.junit;
    if (status != EXIT_OK || optind != argc || !conn.url) {
        if (status == EXIT_OK)
            cli_usage_error(NULL, "%s",
                            !conn.url ? "give --url (or CUSTRPC_URL)" : "unexpected argument");
        cli_try_help();
        return EXIT_USAGE;
    }
    if (check_api(&a, &conn) != EXIT_OK) {
        cli_try_help();
        return EXIT_USAGE;
    }
    ro.api = a.ro.api;
    char *password = NULL;
    status = conn.user ? conn_require_password(&conn, &password) : EXIT_OK;
    if (status != EXIT_OK)
        return status;
    struct conform_case *cases;
    size_t n;
    struct custrpc_error err;
    xmlInitParser();
    if (case_load_dir(cases_dir, &cases, &n, &err) < 0) {
        fprintf(stderr, "custrpc-conform: %s\n", err.message);
        free(password);
        return EXIT_DATA;
    }
    const char *profile = case_basis_name(ro.profile);
    size_t selected = 0, of_api = 0, in_profile = 0, other_profile = 0;
    for (size_t i = 0; i < n; i++) {
        if (cases[i].api != ro.api)
            continue; /* the other API's cases say nothing about this server */
        bool picked = !ro.only || fnmatch(ro.only, cases[i].name, 0) == 0;
        bool fits = ro.profile == BASIS_CUSTRPC || cases[i].basis == BASIS_API;
        selected += picked && fits;
        of_api++;
        in_profile += fits;
        other_profile += picked && !fits;
    }
    if (selected == 0) {
        /* As pytest does: selecting nothing is neither a pass nor a failure. */
        if (other_profile)
            fprintf(stderr,
                    "custrpc-conform: --only '%s' matches no case of the %s profile (%zu of "
                    "the custrpc profile: --profile custrpc runs them)\n",
                    ro.only, profile, other_profile);
        else
            fprintf(stderr, "custrpc-conform: --only '%s' matches no case of the %s API\n",
                    ro.only ? ro.only : "", case_api_name(ro.api));
        status = EXIT_NO_CASES;
        goto out;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    /* libcurl's own trace would show Authorization headers; -v traces the bodies instead. */
    ro.target = (struct http_target){conn.url,    conn.user,     password,
                                     conn.cacert, conn.insecure, (long)conn.timeout_s * 1000,
                                     false,       NULL};
    ro.wholesaler = conn.wholesaler;
    if (ro.api == API_PARTNER) {
        /* The partner API logs in with a Login call; its HTTP requests carry no credentials. */
        ro.target.user = ro.target.password = NULL;
        ro.target.content_type = "application/json";
        ro.login = conn.user;
        ro.password = password;
    }
    ro.trace = a.verbose ? stderr : NULL;
    bool json = a.json;
    FILE *text = json ? stderr : stdout;
    ro.lines = text;
    struct case_result *results = calloc(n, sizeof *results);
    struct created_list created = {0};
    runner_run(cases, n, &ro, results, &created);
    struct run_report rep = {profile, case_api_name(ro.api), cases, results, n, {0}, &created};
    for (size_t i = 0; i < n; i++) {
        rep.totals.passed += results[i].status == CASE_PASS;
        rep.totals.failed += results[i].status == CASE_FAIL;
        rep.totals.errors += results[i].status == CASE_ERROR;
        rep.totals.skipped += results[i].status == CASE_SKIP;
    }
    if (junit && report_junit(junit, &rep) != 0) {
        perror(junit);
        status = EXIT_USAGE;
    }
    if (json && report_json(stdout, &rep) != 0) {
        perror("stdout");
        status = EXIT_USAGE;
    }
    int kept = -1; /* customers cleanup could not delete; -1: no cleanup */
    if (created.n && a.cleanup)
        kept = ro.api == API_PARTNER ? cleanup_partners(&ro, &created, text)
                                     : cleanup_created(&ro, &created, text);
    if (created.n && kept < 0)
        print_created(text, &created, ro.api == API_PARTNER);
    size_t not_offered = 0;
    for (size_t i = 0; i < n; i++)
        not_offered +=
            results[i].status == CASE_SKIP &&
            strncmp(results[i].reason, RUNNER_NOT_OFFERED, strlen(RUNNER_NOT_OFFERED)) == 0;
    if (not_offered)
        fprintf(text,
                "skipped: %zu cases of methods the server does not list in system.listMethods "
                "(taken on its word)\n",
                not_offered);
    if (ro.profile == BASIS_API && of_api > in_profile && !ro.only)
        fprintf(text, "not run: %zu cases of the custrpc profile (this project's own rules)\n",
                of_api - in_profile);
    fprintf(text, "profile %s: %zu passed, %zu failed", profile, rep.totals.passed,
            rep.totals.failed);
    if (rep.totals.errors)
        fprintf(text, ", %zu errors", rep.totals.errors);
    if (rep.totals.skipped)
        fprintf(text, ", %zu skipped", rep.totals.skipped);
    fputc('\n', text);
    for (size_t i = 0; i < n; i++)
        case_result_free(&results[i]);
    free(results);
    created_list_free(&created);
    curl_global_cleanup();
    if (status == EXIT_OK && (rep.totals.failed || rep.totals.errors))
        status = EXIT_FAULT;
out:
    for (size_t i = 0; i < n; i++)
        case_free(&cases[i]);
    free(cases);
    if (password) {
        memset(password, 0, strlen(password));
        free(password);
    }
    xmlCleanupParser();
    return status;
}
