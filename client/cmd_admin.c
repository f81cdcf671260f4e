/* cmd_admin.c — `custrpc admin health|metrics|journal|reset|inject`: the test double's endpoints
 * of custrpc-server (custrpc/admin.h). health and metrics need no credentials; journal, reset
 * and inject need the server's --admin and the root's (or <admin>'s) login by --user. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/admin.h>

#include "commands.h"
#include "common/cli.h"

#define ADMIN_GROUPS (CONN_URL | CONN_USER | CONN_TLS | CONN_TIMEOUT | CONN_OUTPUT)

enum {
    OPT_METHOD = CLI_CMD_OPT,
    OPT_LOGIN,
    OPT_OUTCOME,
    OPT_SINCE,
    OPT_LIMIT,
    OPT_CONTAINS,
    OPT_TIMES,
    OPT_PROBABILITY,
    OPT_FAULT_CODE,
    OPT_FAULT_STRING,
    OPT_DELAY_MS,
    OPT_TRANSPORT,
    OPT_AFTER,
    OPT_LIST
};

static const struct option journal_options[] = {
    {"method", required_argument, NULL, OPT_METHOD},
    {"login", required_argument, NULL, OPT_LOGIN},
    {"outcome", required_argument, NULL, OPT_OUTCOME},
    {"since", required_argument, NULL, OPT_SINCE},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"contains", required_argument, NULL, OPT_CONTAINS},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

static const struct option inject_options[] = {
    {"method", required_argument, NULL, OPT_METHOD},
    {"times", required_argument, NULL, OPT_TIMES},
    {"probability", required_argument, NULL, OPT_PROBABILITY},
    {"fault-code", required_argument, NULL, OPT_FAULT_CODE},
    {"fault-string", required_argument, NULL, OPT_FAULT_STRING},
    {"delay-ms", required_argument, NULL, OPT_DELAY_MS},
    {"transport", required_argument, NULL, OPT_TRANSPORT},
    {"after", no_argument, NULL, OPT_AFTER},
    {"list", no_argument, NULL, OPT_LIST},
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
            "            the root partner remain; the journal is emptied, injected failures\n"
            "            removed\n"
            "  inject    POST /admin/inject: a fault, a delay or a transport failure for the\n"
            "            next matching calls (custrpc admin inject --help)\n\n"
            "journal, reset and inject need a server started with --admin, and --user with the\n"
            "root's login and API password or those of the server's <admin> element (Digest).\n\n"
            "journal options:\n"
            "  --method M              only calls of method M\n"
            "  --login L               only requests by login L\n"
            "  --outcome O             ok, fault or http_error\n"
            "  --since T               only requests answered at or after T: RFC 3339\n"
            "                          (2026-11-26T01:10:00Z) or Unix seconds\n"
            "  --contains TEXT         only requests whose request or answer body holds TEXT\n"
            "                          (secrets are masked before they are kept)\n"
            "  --limit N               at most the N newest\n"
            "  --output json           the server's document: entries with the request and\n"
            "                          the answer bodies\n"
            "  --help                  show this help\n\n");
    cli_conn_help(out, ADMIN_GROUPS);
    cli_exit_help(out);
}

static void inject_usage(FILE *out)
{
    fprintf(out,
            "Usage: custrpc admin inject --method M (--times N | --probability P) KIND | --list\n"
            "POST /admin/inject: a failure for the next matching calls, to test a client.\n\n"
            "Its retries, timeouts and \"did it land?\" checks meet what a real server may do.\n"
            "KIND is one of --fault-code with --fault-string, --delay-ms or --transport.\n"
            "POST /admin/reset removes every rule.\n\n"
            "inject options:\n"
            "  --method M              the XML-RPC methodName or JSON-RPC method, exactly; \"*\"\n"
            "                          for any\n"
            "  --times N               the next N matching calls (1..1000000000)\n"
            "  --probability P         instead of --times: each matching call with chance P\n"
            "                          (0 < P <= 1), until a reset\n"
            "  --fault-code N          answer with this fault code (or JSON-RPC error code)\n"
            "  --fault-string S        and this fault string (or error message)\n"
            "  --delay-ms N            answer N milliseconds late (0..600000); the call is\n"
            "                          carried out\n"
            "  --transport T           drop (close, no answer), reset (TCP RST), malformed\n"
            "                          (200, a body that does not parse), empty (200, no body)\n"
            "                          or http500\n"
            "  --after                 carry the call out before the fault or transport failure\n"
            "                          (default: it is not carried out)\n"
            "  --list                  show the active rules instead, as the server's JSON\n"
            "                          document (GET /admin/inject)\n"
            "  --output json           the server's document\n"
            "  --help                  show this help\n\n");
    cli_conn_help(out, ADMIN_GROUPS);
    cli_exit_help(out);
}

struct inject_args {
    struct custrpc_inject_rule rule;
    bool list;
    int kinds; /* kind options given: fault (code or string), delay, transport */
    bool fault_seen;
};

static int inject_option(void *ctx, int opt, const char *arg)
{
    struct inject_args *x = ctx;
    struct custrpc_inject_rule *r = &x->rule;
    long long n;
    switch (opt) {
    case OPT_METHOD: r->method = arg; return EXIT_OK;
    case OPT_TIMES:
        if (cli_number("admin", "times", arg, 1, 1000000000, &n) < 0)
            return EXIT_USAGE;
        r->times = (unsigned long)n;
        return EXIT_OK;
    case OPT_PROBABILITY: {
        char *end;
        double p = strtod(arg, &end);
        if (end == arg || *end || !(p > 0) || p > 1) {
            cli_usage_error("admin",
                            "--probability: \"%s\" is not a number greater than 0 and "
                            "at most 1",
                            arg);
            return EXIT_USAGE;
        }
        r->probability = p;
        return EXIT_OK;
    }
    case OPT_FAULT_CODE:
        if (cli_number("admin", "fault-code", arg, INT32_MIN, INT32_MAX, &n) < 0)
            return EXIT_USAGE;
        r->fault_code = (int)n;
        x->kinds += !x->fault_seen;
        x->fault_seen = true;
        r->kind = CUSTRPC_INJECT_FAULT;
        return EXIT_OK;
    case OPT_FAULT_STRING:
        r->fault_string = arg;
        x->kinds += !x->fault_seen;
        x->fault_seen = true;
        r->kind = CUSTRPC_INJECT_FAULT;
        return EXIT_OK;
    case OPT_DELAY_MS:
        if (cli_number("admin", "delay-ms", arg, 0, 600000, &n) < 0)
            return EXIT_USAGE;
        r->delay_ms = (unsigned)n;
        r->kind = CUSTRPC_INJECT_DELAY;
        x->kinds++;
        return EXIT_OK;
    case OPT_TRANSPORT: {
        static const char *const names[] = {"drop", "reset", "malformed", "empty", "http500"};
        static const enum custrpc_inject_kind kinds[] = {
            CUSTRPC_INJECT_DROP, CUSTRPC_INJECT_RESET, CUSTRPC_INJECT_MALFORMED,
            CUSTRPC_INJECT_EMPTY, CUSTRPC_INJECT_HTTP500};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcmp(arg, names[i]) == 0) {
                r->kind = kinds[i];
                x->kinds++;
                return EXIT_OK;
            }
        cli_usage_error("admin",
                        "--transport: \"%s\" is not drop, reset, malformed, empty or http500", arg);
        return EXIT_USAGE;
    }
    case OPT_AFTER: r->after = true; return EXIT_OK;
    case OPT_LIST: x->list = true; return EXIT_OK;
    default: return EXIT_USAGE;
    }
}

/* The combinations the server would refuse, told before asking it. */
static int inject_check(const struct inject_args *x)
{
    const struct custrpc_inject_rule *r = &x->rule;
    const char *why = NULL;
    if (x->list)
        why = r->method || x->kinds || r->times || r->probability > 0 || r->after
                  ? "--list takes no rule options"
                  : NULL;
    else if (!r->method)
        why = "--method is required";
    else if (!r->times == !(r->probability > 0))
        why = "give one of --times and --probability";
    else if (x->kinds != 1)
        why = "give one kind: --fault-code with --fault-string, --delay-ms or --transport";
    else if (r->kind == CUSTRPC_INJECT_FAULT && (!r->fault_code || !r->fault_string))
        why = "--fault-code (non-zero) and --fault-string go together";
    else if (r->kind == CUSTRPC_INJECT_DELAY && r->after)
        why = "--after is not for --delay-ms (a delayed call is always carried out)";
    if (why)
        cli_usage_error("admin", "inject: %s", why);
    return why ? EXIT_USAGE : EXIT_OK;
}

static int run_inject(struct custrpc_admin *a, const struct inject_args *x, bool json)
{
    struct custrpc_error err;
    if (x->list) {
        char *doc;
        if (custrpc_admin_injections(a, &doc, &err) < 0)
            return cli_report(&err);
        printf("%s\n", doc);
        free(doc);
        return EXIT_OK;
    }
    uint64_t id;
    if (custrpc_admin_inject(a, &x->rule, &id, &err) < 0)
        return cli_report(&err);
    if (json) {
        printf("{\"status\": \"ok\", \"id\": %llu}\n", (unsigned long long)id);
        return EXIT_OK;
    }
    if (x->rule.times == 1)
        printf("rule %llu: the next %s call", (unsigned long long)id, x->rule.method);
    else if (x->rule.times)
        printf("rule %llu: the next %lu %s calls", (unsigned long long)id, x->rule.times,
               x->rule.method);
    else
        printf("rule %llu: %s calls with probability %g", (unsigned long long)id, x->rule.method,
               x->rule.probability);
    const bool one = x->rule.times == 1;
    if (x->rule.kind == CUSTRPC_INJECT_FAULT)
        printf(" %s fault %d", one ? "gets" : "get", x->rule.fault_code);
    else if (x->rule.kind == CUSTRPC_INJECT_DELAY)
        printf(" %s answered %u ms late", one ? "is" : "are", x->rule.delay_ms);
    else
        printf(" %s a transport failure", one ? "gets" : "get");
    if (x->rule.after)
        printf(" after %s carried out", one ? "it is" : "they are");
    putchar('\n');
    return EXIT_OK;
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
    case OPT_CONTAINS: q->contains = arg; return EXIT_OK;
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
    printf("%zu %s shown, %llu evicted from the journal\n", j->n, j->n == 1 ? "entry" : "entries",
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

static const char *const subs[] = {"health", "metrics", "journal", "reset", "inject"};

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
        cli_usage_error("admin", "unknown command \"%s\" (health, metrics, journal, reset, inject)",
                        argv[1]);
        return EXIT_USAGE;
    }
    struct conn_options conn;
    conn_defaults(&conn, ADMIN_GROUPS);
    struct custrpc_journal_query q = {0};
    bool done;
    const bool is_journal = strcmp(sub, "journal") == 0;
    const bool is_inject = strcmp(sub, "inject") == 0;
    struct inject_args x = {0};
    int status = is_inject
                     ? cli_parse(argc - 1, argv + 1, inject_options, NULL, &conn, inject_option, &x,
                                 inject_usage, &done)
                     : cli_parse(argc - 1, argv + 1, is_journal ? journal_options : plain_options,
                                 NULL, &conn, journal_option, &q, usage, &done);
    if (done)
        return EXIT_OK;
    if (status == EXIT_OK && optind < argc - 1) {
        cli_usage_error("admin", "unexpected argument \"%s\"", argv[optind + 1]);
        status = EXIT_USAGE;
    }
    if (status == EXIT_OK && is_inject)
        status = inject_check(&x);
    struct custrpc_admin *a = NULL;
    if (status == EXIT_OK)
        status = open_admin(&conn, &a);
    if (status == EXIT_OK)
        status = is_inject ? run_inject(a, &x, strcmp(conn.output, "json") == 0)
                           : run(sub, a, &q, strcmp(conn.output, "json") == 0);
    custrpc_admin_free(a);
    return status;
}
