/* cmd_admin.c — `custrpc admin health|metrics|journal|reset`: the test double's endpoints of
 * custrpc-server (custrpc/admin.h). health and metrics need no credentials; journal and reset
 * need the server's --admin and the root's (or <admin>'s) login by --user. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <custrpc/admin.h>

#include "commands.h"
#include "common/cli.h"

#define ADMIN_GROUPS (CONN_URL | CONN_USER | CONN_TLS | CONN_TIMEOUT | CONN_OUTPUT)

enum { OPT_METHOD = CLI_CMD_OPT, OPT_LOGIN, OPT_OUTCOME, OPT_SINCE, OPT_LIMIT };

static const struct option journal_options[] = {
    {"method", required_argument, NULL, OPT_METHOD},
    {"login", required_argument, NULL, OPT_LOGIN},
    {"outcome", required_argument, NULL, OPT_OUTCOME},
    {"since", required_argument, NULL, OPT_SINCE},
    {"limit", required_argument, NULL, OPT_LIMIT},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

static const struct option plain_options[] = {
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: custrpc admin COMMAND [OPTION]...\n"
            "The test double's endpoints of custrpc-server (the server of this package).\n\n"
            "Commands:\n"
            "  health    GET /health: status, store, customers, uptime (no credentials)\n"
            "  metrics   GET /metrics: the Prometheus text (no credentials)\n"
            "  journal   GET /admin/journal: the last requests, newest first, secrets masked\n"
            "  reset     POST /admin/reset: only the root customer, the configured tariffs and\n"
            "            the root partner remain; the journal is emptied\n\n"
            "journal and reset need a server started with --admin, and --user with the root's\n"
            "login and API password or those of the server's <admin> element (Digest).\n\n"
            "journal options:\n"
            "  --method M              only calls of method M\n"
            "  --login L               only requests by login L\n"
            "  --outcome O             ok, fault or http_error\n"
            "  --since T               only requests answered at or after T: RFC 3339\n"
            "                          (2026-11-26T01:10:00Z) or Unix seconds\n"
            "  --limit N               at most the N newest\n"
            "  --output json           the server's document: entries with the request and\n"
            "                          the answer bodies\n"
            "  --help                  show this help\n\n");
    cli_conn_help(out, ADMIN_GROUPS);
    cli_exit_help(out);
}

static int journal_option(void *ctx, int opt, const char *arg)
{
    struct custrpc_journal_query *q = ctx;
    long long n;
    switch (opt) {
    case OPT_METHOD: q->method = arg; return EXIT_OK;
    case OPT_LOGIN: q->login = arg; return EXIT_OK;
    case OPT_OUTCOME:
        if (strcmp(arg, "ok") != 0 && strcmp(arg, "fault") != 0 && strcmp(arg, "http_error") != 0) {
            cli_usage_error("admin", "--outcome: \"%s\" is not ok, fault or http_error", arg);
            return EXIT_USAGE;
        }
        q->outcome = arg;
        return EXIT_OK;
    case OPT_SINCE: q->since = arg; return EXIT_OK;
    case OPT_LIMIT:
        if (cli_number("admin", "limit", arg, 1, 1000000000, &n) < 0)
            return EXIT_USAGE;
        q->limit = (unsigned long)n;
        return EXIT_OK;
    default: return EXIT_USAGE;
    }
}

static int open_admin(const struct conn_options *conn, struct custrpc_admin **out)
{
    if (!conn->url) {
        cli_usage_error("admin", "no server: give --url or set CUSTRPC_URL");
        return EXIT_USAGE;
    }
    char *password = NULL;
    if (conn->user) {
        int failed;
        password = cli_read_secret(conn->password_file, "CUSTRPC_PASSWORD", "Password: ", &failed);
        if (failed)
            return EXIT_USAGE;
        if (!password) {
            cli_usage_error("admin",
                            "--user needs a password: --password-file, CUSTRPC_PASSWORD or a "
                            "terminal");
            return EXIT_USAGE;
        }
    }
    const struct custrpc_admin_options o = {
        .url = conn->url,
        .user = conn->user,
        .password = password,
        .cacert = conn->cacert,
        .insecure = conn->insecure,
        .timeout_ms = conn->timeout_s * 1000,
    };
    struct custrpc_error err;
    int rc = custrpc_admin_new(out, &o, &err);
    if (password) {
        memset(password, 0, strlen(password));
        free(password);
    }
    return rc < 0 ? cli_report(&err) : EXIT_OK;
}

static void print_journal(const struct custrpc_journal *j)
{
    for (size_t i = 0; i < j->n; i++) {
        const struct custrpc_journal_entry *e = &j->entries[i];
        printf("%s %s", e->time ? e->time : "-", e->outcome ? e->outcome : "-");
        if (e->fault_code)
            printf(" %d", e->fault_code);
        else if (e->status != 200)
            printf(" %d", e->status);
        printf(" %s login=%s peer=%s\n", e->method ? e->method : "-", e->login ? e->login : "-",
               e->peer ? e->peer : "-");
    }
    printf("%zu entries shown, %llu evicted from the journal\n", j->n,
           (unsigned long long)j->evicted);
}

static int run(const char *sub, struct custrpc_admin *a, const struct custrpc_journal_query *q,
               bool json)
{
    struct custrpc_error err;
    if (strcmp(sub, "health") == 0) {
        struct custrpc_health h;
        if (custrpc_admin_health(a, &h, &err) < 0)
            return cli_report(&err);
        if (json)
            printf("{\"status\": \"%s\", \"store\": \"%s\", \"uptime_s\": %lld, "
                   "\"customers\": %lld, \"admin\": %s}\n",
                   h.status, h.store, (long long)h.uptime_s, (long long)h.customers,
                   h.admin ? "true" : "false");
        else
            printf("%s: %lld customers, %s store, up %lld s, admin interface %s\n", h.status,
                   (long long)h.customers, h.store, (long long)h.uptime_s, h.admin ? "on" : "off");
        return EXIT_OK;
    }
    if (strcmp(sub, "metrics") == 0) {
        char *text;
        if (custrpc_admin_metrics(a, &text, &err) < 0)
            return cli_report(&err);
        fputs(text, stdout);
        free(text);
        return EXIT_OK;
    }
    if (strcmp(sub, "journal") == 0) {
        struct custrpc_journal j;
        int status = EXIT_OK;
        if (custrpc_admin_journal(a, q, &j, &err) < 0)
            status = cli_report(&err);
        else if (json)
            printf("%s\n", j.json);
        else
            print_journal(&j);
        custrpc_journal_free(&j);
        return status;
    }
    if (custrpc_admin_reset(a, &err) < 0)
        return cli_report(&err);
    if (json)
        printf("{\"status\": \"ok\"}\n");
    else
        printf("reset: only the root customer, the configured tariffs and the root partner "
               "remain; the journal is empty\n");
    return EXIT_OK;
}

static const char *const subs[] = {"health", "metrics", "journal", "reset"};

const char *admin_command(size_t i)
{
    return i < sizeof subs / sizeof subs[0] ? subs[i] : NULL;
}

int cmd_admin(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    const char *sub = NULL;
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i]) == 0)
            sub = subs[i];
    if (!sub) {
        cli_usage_error("admin", "unknown command \"%s\" (health, metrics, journal, reset)",
                        argv[1]);
        return EXIT_USAGE;
    }
    struct conn_options conn;
    conn_defaults(&conn, ADMIN_GROUPS);
    struct custrpc_journal_query q = {0};
    bool done;
    const bool is_journal = strcmp(sub, "journal") == 0;
    int status = cli_parse(argc - 1, argv + 1, is_journal ? journal_options : plain_options, NULL,
                           &conn, journal_option, &q, usage, &done);
    if (done)
        return EXIT_OK;
    if (status == EXIT_OK && optind < argc - 1) {
        cli_usage_error("admin", "unexpected argument \"%s\"", argv[optind + 1]);
        status = EXIT_USAGE;
    }
    struct custrpc_admin *a = NULL;
    if (status == EXIT_OK)
        status = open_admin(&conn, &a);
    if (status == EXIT_OK)
        status = run(sub, a, &q, strcmp(conn.output, "json") == 0);
    custrpc_admin_free(a);
    return status;
}
