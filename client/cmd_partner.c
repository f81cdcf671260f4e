/* cmd_partner.c — `custrpc partner login|add|get|list|modify|remove|locations|state|import`:
 * the partner API (JSON-RPC at /jsonapi). PartnerInfo's options come from its descriptor
 * (message_options.h); --json FILE gives a whole PartnerInfo, the options override it. The
 * visa is the library's business: each command is one session. */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/json.h>

#include "commands.h"
#include "common/cli.h"
#include "message_options.h"
#include "output.h"
#include "partner_cli.h"

enum {
    OPT_JSON = CLI_CMD_OPT,
    OPT_CREATE_DEFAULT,
    OPT_DRY_RUN,
    OPT_ID,
    OPT_NAME,
    OPT_PARENT,
    OPT_RECURSIVE
};

#define MAX_PENDING 256

struct partner_args {
    const char *sub;
    struct msg_options info; /* PartnerInfo's options (add, modify) */
    struct {
        const struct msg_option *mo;
        const char *arg;
    } pending[MAX_PENDING]; /* applied after --json, in order */
    size_t n_pending;
    const char *json;
    bool create_default, dry_run, recursive;
    long long id, parent;
    const char *name;
};

static struct partner_args *current; /* for usage(), which getopt's loop calls bare */

static void cmd_name(const struct partner_args *a, char *buf, size_t size)
{
    snprintf(buf, size, "partner %s", a->sub);
}

static int partner_option(void *ctx, int opt, const char *arg)
{
    struct partner_args *a = ctx;
    char cmd[64];
    cmd_name(a, cmd, sizeof cmd);
    const struct msg_option *mo = msg_options_find(&a->info, opt);
    if (mo) {
        if (a->n_pending == MAX_PENDING) {
            cli_usage_error(cmd, "too many options");
            return EXIT_USAGE;
        }
        a->pending[a->n_pending].mo = mo;
        a->pending[a->n_pending++].arg = arg;
        return EXIT_OK;
    }
    switch (opt) {
    case OPT_JSON: a->json = arg; return EXIT_OK;
    case OPT_DRY_RUN: a->dry_run = true; return EXIT_OK;
    case OPT_RECURSIVE: a->recursive = true; return EXIT_OK;
    case OPT_NAME: a->name = arg; return EXIT_OK;
    case OPT_CREATE_DEFAULT:
        if (!arg || strcmp(arg, "yes") == 0 || strcmp(arg, "true") == 0) {
            a->create_default = true;
            return EXIT_OK;
        }
        if (strcmp(arg, "no") == 0 || strcmp(arg, "false") == 0) {
            a->create_default = false;
            return EXIT_OK;
        }
        cli_usage_error(cmd, "--create-default-account: \"%s\" is not yes or no", arg);
        return EXIT_USAGE;
    case OPT_ID: return cli_number(cmd, "id", arg, 1, INT32_MAX, &a->id) < 0 ? EXIT_USAGE : EXIT_OK;
    case OPT_PARENT:
        return cli_number(cmd, "parent-id", arg, 1, INT32_MAX, &a->parent) < 0 ? EXIT_USAGE
                                                                               : EXIT_OK;
    default: return EXIT_USAGE;
    }
}

/* --- the subcommands' tables ---------------------------------------------------------------- */

static const struct option info_own[] = {
    {"json", required_argument, NULL, OPT_JSON},
    {"create-default-account", optional_argument, NULL, OPT_CREATE_DEFAULT},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};
static const struct option modify_own[] = {
    {"json", required_argument, NULL, OPT_JSON},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};
static const struct option get_own[] = {
    {"id", required_argument, NULL, OPT_ID},
    {"name", required_argument, NULL, OPT_NAME},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};
static const struct option id_own[] = {
    {"id", required_argument, NULL, OPT_ID},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};
static const struct option list_own[] = {
    {"parent-id", required_argument, NULL, OPT_PARENT},
    {"recursive", no_argument, NULL, OPT_RECURSIVE},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};
static const struct option none_own[] = {
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

typedef int sub_fn(struct partner_args *a, const struct conn_options *conn);

struct sub {
    const char *name;
    const char *synopsis; /* after "custrpc partner NAME" */
    const char *text;     /* what it does, and its own options' help */
    const struct option *own;
    bool info_options; /* PartnerInfo's options */
    sub_fn *run;
};

static int run_login(struct partner_args *a, const struct conn_options *conn);
static int run_add(struct partner_args *a, const struct conn_options *conn);
static int run_get(struct partner_args *a, const struct conn_options *conn);
static int run_list(struct partner_args *a, const struct conn_options *conn);
static int run_modify(struct partner_args *a, const struct conn_options *conn);
static int run_remove(struct partner_args *a, const struct conn_options *conn);
static int run_locations(struct partner_args *a, const struct conn_options *conn);
static int run_state(struct partner_args *a, const struct conn_options *conn);

#define JSON_HELP                                                                                  \
    "  --json FILE             a PartnerInfo object (\"-\": stdin); the options below\n"           \
    "                          override its members\n"

static const struct sub subs[] = {
    {"login", "[OPTION]...",
     "Logs in (Login) and prints the user's Id, Name and PartnerId: a check of the\n"
     "credentials.\n",
     none_own, false, run_login},
    {"add", "--name NAME [OPTION]...",
     "Adds a partner (AddPartner) and prints its new Id. Every PartnerInfo member is an\n"
     "option; --country is the vendor samples' top-level Country, which the service reads as\n"
     "Company.PostAddress.Country.\n\n" JSON_HELP "  --create-default-account[=yes|no]\n"
     "                          createDefaultAccount (default no; always sent)\n"
     "  --dry-run               print the params as JSON instead of sending them\n",
     info_own, true, run_add},
    {"get", "(--id N | --name NAME) [OPTION]...",
     "Reads a partner (GetPartnerInfoById or GetPartnerInfo) and prints its members as\n"
     "\"Path: value\" lines, or with --output json its PartnerInfo.\n\n"
     "  --id N                  the partner's Id\n"
     "  --name NAME             or its exact Name\n",
     get_own, false, run_get},
    {"list", "[--parent-id N] [--recursive] [OPTION]...",
     "Lists the children of a partner (EnumeratePartners) as a table, or with --output json\n"
     "as an array of PartnerInfo.\n\n"
     "  --parent-id N           whose children (default: the user's partner)\n"
     "  --recursive             the whole subtree, not only the direct children\n",
     list_own, false, run_list},
    {"modify", "--id N [OPTION]...",
     "Changes the members given of a partner (ModifyPartner); --id names it.\n\n" JSON_HELP
     "  --dry-run               print the params as JSON instead of sending them\n",
     modify_own, true, run_modify},
    {"remove", "--id N [OPTION]...",
     "Removes a partner (RemovePartner; irreversible, refused while it has children).\n\n"
     "  --id N                  the partner's Id\n",
     id_own, false, run_remove},
    {"locations", "[OPTION]...", "Lists the locations (EnumerateLocations): Id and Name.\n",
     none_own, false, run_locations},
    {"state", "--id N [OPTION]...",
     "Prints a partner's State (GetPartnerState).\n\n"
     "  --id N                  the partner's Id\n",
     id_own, false, run_state},
};
#define N_SUBS (sizeof subs / sizeof subs[0])

static const struct sub *sub_of(const char *name)
{
    for (size_t i = 0; i < N_SUBS; i++)
        if (strcmp(subs[i].name, name) == 0)
            return &subs[i];
    return NULL;
}

const char *partner_command(size_t i)
{
    return i < N_SUBS ? subs[i].name : i == N_SUBS ? "import" : NULL;
}

static void usage(FILE *out)
{
    const struct sub *s = sub_of(current->sub);
    fprintf(out, "Usage: custrpc partner %s %s\n%s  --help                  show this help\n\n",
            s->name, s->synopsis, s->text);
    cli_conn_help(out, CONN_PARTNER_ALL);
    if (s->info_options) {
        fputs("\nPartnerInfo members (one option each; nested members by path):\n", out);
        msg_options_help(out, &current->info);
    }
    cli_exit_help(out);
}

static void partner_usage(FILE *out)
{
    fputs("Usage: custrpc partner COMMAND [OPTION]...\n"
          "Client for the partner API (JSON-RPC 2.0 at /jsonapi): the visa is handled for you\n"
          "(Login on the first call, the newest visa on every call, Login again on error 1701\n"
          "or when the visa nears its 15 minutes).\n\nCommands:\n",
          out);
    for (size_t i = 0; i < N_SUBS; i++)
        fprintf(out, "  %-10s %s %s\n", subs[i].name, subs[i].name, subs[i].synopsis);
    fputs("  import     import FILE [OPTION]... (the same as custrpc import --partners)\n\n"
          "Each command lists its options with --help.\n",
          out);
    cli_exit_help(out);
}

/* --- the commands ----------------------------------------------------------------------------- */

static void print_skipped(const struct partner_args *a, struct custrpc_partner_session *s)
{
    const char *skipped = custrpc_partner_session_skipped(s);
    if (*skipped)
        fprintf(stderr, "custrpc partner %s: not in the model, not shown: %s\n", a->sub, skipped);
}

static int run_login(struct partner_args *a, const struct conn_options *conn)
{
    struct custrpc_partner_session *s;
    int status = partner_open(conn, &s);
    if (status != EXIT_OK)
        return status;
    struct custrpc_partner_user u;
    struct custrpc_error err;
    if (custrpc_partner_login(s, &u, &err) < 0) {
        status = cli_report(&err);
    } else {
        print_skipped(a, s);
        char name[1024];
        output_visible(u.name ? u.name : "", name, sizeof name);
        if (strcmp(conn->output, "json") == 0) {
            printf("{\"Id\": %" PRId64 ", \"Name\": ", u.id);
            custrpc_json_write_string(stdout, u.name ? u.name : "");
            printf(", \"PartnerId\": %" PRId64 "}\n", u.partner_id);
        } else {
            printf("Id: %" PRId64 "\nName: %s\nPartnerId: %" PRId64 "\n", u.id, name, u.partner_id);
        }
        custrpc_msg_free(&custrpc_partner_user_message, &u);
    }
    custrpc_partner_session_free(s);
    return status;
}

/* The PartnerInfo of --json and the member options, in that order. */
static int build_info(struct partner_args *a, struct custrpc_partner_info *p)
{
    char cmd[64];
    cmd_name(a, cmd, sizeof cmd);
    struct custrpc_error err;
    if (a->json && partner_load_json(a->json, p, &err) < 0) {
        fprintf(stderr, "custrpc %s: --json %s\n", cmd, err.message);
        return EXIT_DATA;
    }
    for (size_t i = 0; i < a->n_pending; i++)
        if (msg_options_apply(a->pending[i].mo, &custrpc_partner_info_message, p, cmd,
                              a->pending[i].arg) < 0)
            return EXIT_DATA;
    return EXIT_OK;
}

static void print_params(const struct custrpc_message *d, const struct custrpc_partner_info *p,
                         const bool *create_default)
{
    struct custrpc_partner_params pp;
    custrpc_msg_init(d, &pp);
    pp.partner_info = *p; /* borrowed: the presence says what is printed */
    custrpc_msg_set_presence(d, &pp, custrpc_msg_field(d, "partnerInfo"), CUSTRPC_SET);
    if (create_default) {
        pp.create_default_account = *create_default;
        custrpc_msg_set_presence(d, &pp, custrpc_msg_field(d, "createDefaultAccount"), CUSTRPC_SET);
    }
    partner_print_json(stdout, d, &pp);
}

static int run_add(struct partner_args *a, const struct conn_options *conn)
{
    struct custrpc_partner_info p;
    custrpc_msg_init(&custrpc_partner_info_message, &p);
    int status = build_info(a, &p);
    struct custrpc_error err;
    const char *const required[] = {"Name", NULL};
    if (status == EXIT_OK &&
        custrpc_msg_validate(&custrpc_partner_info_message, &p, required, &err) < 0)
        status = cli_report(&err);
    if (status == EXIT_OK && a->dry_run) {
        print_params(&custrpc_add_partner_params_message, &p, &a->create_default);
    } else if (status == EXIT_OK) {
        struct custrpc_partner_session *s;
        status = partner_open(conn, &s);
        int64_t id;
        if (status == EXIT_OK) {
            if (custrpc_partner_add(s, &p, a->create_default, &id, &err) < 0)
                status = cli_report(&err);
            else if (strcmp(conn->output, "json") == 0)
                printf("{\"Id\": %" PRId64 "}\n", id);
            else
                printf("%" PRId64 "\n", id);
            custrpc_partner_session_free(s);
        }
    }
    custrpc_msg_free(&custrpc_partner_info_message, &p);
    return status;
}

static int run_modify(struct partner_args *a, const struct conn_options *conn)
{
    struct custrpc_partner_info p;
    custrpc_msg_init(&custrpc_partner_info_message, &p);
    int status = build_info(a, &p);
    struct custrpc_error err;
    const char *const required[] = {"Id", NULL};
    if (status == EXIT_OK &&
        custrpc_msg_validate(&custrpc_partner_info_message, &p, required, &err) < 0)
        status = cli_report(&err);
    if (status == EXIT_OK && a->dry_run) {
        print_params(&custrpc_modify_partner_params_message, &p, NULL);
    } else if (status == EXIT_OK) {
        struct custrpc_partner_session *s;
        status = partner_open(conn, &s);
        if (status == EXIT_OK) {
            if (custrpc_partner_modify(s, &p, &err) < 0)
                status = cli_report(&err);
            else if (strcmp(conn->output, "json") == 0)
                printf("{\"Id\": %" PRId64 ", \"modified\": true}\n", p.id);
            else
                printf("modified partner %" PRId64 "\n", p.id);
            custrpc_partner_session_free(s);
        }
    }
    custrpc_msg_free(&custrpc_partner_info_message, &p);
    return status;
}

static int run_get(struct partner_args *a, const struct conn_options *conn)
{
    if ((!a->id) == (!a->name)) {
        cli_usage_error("partner get", "give exactly one of --id and --name");
        return EXIT_USAGE;
    }
    struct custrpc_partner_session *s;
    int status = partner_open(conn, &s);
    if (status != EXIT_OK)
        return status;
    struct custrpc_partner_info p;
    struct custrpc_error err;
    int rc = a->name ? custrpc_partner_get_by_name(s, a->name, &p, &err)
                     : custrpc_partner_get_by_id(s, a->id, &p, &err);
    if (rc < 0) {
        status = cli_report(&err);
    } else {
        print_skipped(a, s);
        if (strcmp(conn->output, "json") == 0)
            partner_print_json(stdout, &custrpc_partner_info_message, &p);
        else
            partner_print_text(stdout, &custrpc_partner_info_message, &p, "");
    }
    custrpc_msg_free(&custrpc_partner_info_message, &p);
    custrpc_partner_session_free(s);
    return status;
}

/* A list answer's items as one line of JSON, in the API's own form (flags by name). */
static void print_result_json(const struct custrpc_message *rd, const void *r)
{
    json_t *all = custrpc_msg_to_json(rd, r);
    json_t *items = json_object_get(all, "result");
    char *text = items ? json_dumps(items, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    printf("%s\n", text ? text : "[]");
    free(text);
    json_decref(all);
}

static void list_text(const struct custrpc_partner_list_result *l)
{
    const struct custrpc_message *d = &custrpc_partner_info_message;
    printf("%-8s %-8s %-15s %-20s %s\n", "Id", "ParentId", "Level", "State", "Name");
    const struct custrpc_partner_info *items = l->result.items;
    for (size_t i = 0; i < l->result.n; i++) {
        const struct custrpc_partner_info *p = &items[i];
        char cells[5][1024];
        const char *names[5] = {"Id", "ParentId", "Level", "State", "Name"};
        for (int c = 0; c < 5; c++) {
            char buf[1024];
            if (custrpc_msg_format(d, p, custrpc_msg_field(d, names[c]), buf, sizeof buf, NULL) < 0)
                snprintf(buf, sizeof buf, "-");
            output_visible(buf, cells[c], sizeof cells[c]);
        }
        printf("%-8s %-8s %-15s %-20s %s\n", cells[0], cells[1], cells[2], cells[3], cells[4]);
    }
}

static int run_list(struct partner_args *a, const struct conn_options *conn)
{
    struct custrpc_partner_session *s;
    int status = partner_open(conn, &s);
    if (status != EXIT_OK)
        return status;
    struct custrpc_error err;
    int64_t parent = a->parent;
    if (!parent) { /* the user's own partner, as Login tells it */
        struct custrpc_partner_user u;
        if (custrpc_partner_login(s, &u, &err) < 0) {
            custrpc_partner_session_free(s);
            return cli_report(&err);
        }
        parent = u.partner_id;
        custrpc_msg_free(&custrpc_partner_user_message, &u);
    }
    struct custrpc_partner_list_result l;
    if (custrpc_partner_enumerate(s, parent, a->recursive, &l, &err) < 0) {
        status = cli_report(&err);
    } else {
        print_skipped(a, s);
        if (strcmp(conn->output, "json") == 0) {
            print_result_json(&custrpc_partner_list_result_message, &l);
        } else {
            list_text(&l);
        }
    }
    custrpc_msg_free(&custrpc_partner_list_result_message, &l);
    custrpc_partner_session_free(s);
    return status;
}

static int need_id(const struct partner_args *a)
{
    if (a->id)
        return EXIT_OK;
    char cmd[64];
    cmd_name(a, cmd, sizeof cmd);
    cli_usage_error(cmd, "--id N is required");
    return EXIT_USAGE;
}

static int run_remove(struct partner_args *a, const struct conn_options *conn)
{
    struct custrpc_partner_session *s;
    int status = need_id(a);
    if (status == EXIT_OK)
        status = partner_open(conn, &s);
    if (status != EXIT_OK)
        return status;
    struct custrpc_error err;
    if (custrpc_partner_remove(s, a->id, &err) < 0)
        status = cli_report(&err);
    else if (strcmp(conn->output, "json") == 0)
        printf("{\"Id\": %lld, \"removed\": true}\n", a->id);
    else
        printf("removed partner %lld\n", a->id);
    custrpc_partner_session_free(s);
    return status;
}

static int run_state(struct partner_args *a, const struct conn_options *conn)
{
    struct custrpc_partner_session *s;
    int status = need_id(a);
    if (status == EXIT_OK)
        status = partner_open(conn, &s);
    if (status != EXIT_OK)
        return status;
    struct custrpc_error err;
    int state;
    if (custrpc_partner_state(s, a->id, &state, &err) < 0)
        status = cli_report(&err);
    else if (strcmp(conn->output, "json") == 0)
        printf("{\"Id\": %lld, \"State\": \"%s\"}\n", a->id,
               custrpc_partner_state_names.values[state]);
    else
        printf("%s\n", custrpc_partner_state_names.values[state]);
    custrpc_partner_session_free(s);
    return status;
}

static int run_locations(struct partner_args *a, const struct conn_options *conn)
{
    struct custrpc_partner_session *s;
    int status = partner_open(conn, &s);
    if (status != EXIT_OK)
        return status;
    struct custrpc_error err;
    struct custrpc_location_list_result l;
    if (custrpc_partner_locations(s, &l, &err) < 0) {
        status = cli_report(&err);
    } else {
        print_skipped(a, s);
        const struct custrpc_location *items = l.result.items;
        if (strcmp(conn->output, "json") == 0) {
            print_result_json(&custrpc_location_list_result_message, &l);
        }
        for (size_t i = 0; strcmp(conn->output, "json") != 0 && i < l.result.n; i++) {
            char name[1024];
            output_visible(items[i].name ? items[i].name : "", name, sizeof name);
            printf("%-6" PRId64 " %s\n", items[i].id, name);
        }
    }
    custrpc_msg_free(&custrpc_location_list_result_message, &l);
    custrpc_partner_session_free(s);
    return status;
}

int cmd_partner(int argc, char **argv)
{
    if (argc < 2) {
        cli_usage_error("partner", "missing command (login, add, get, list, ...)");
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        partner_usage(stdout);
        return EXIT_OK;
    }
    static char command[64]; /* "partner add", for messages */
    snprintf(command, sizeof command, "partner %s", argv[1]);
    if (strcmp(argv[1], "import") == 0) {
        cli_command = command;
        return cmd_partner_import(argc - 1, argv + 1);
    }
    const struct sub *sub = sub_of(argv[1]);
    if (!sub) {
        const char *names[N_SUBS + 1];
        for (size_t i = 0; i < N_SUBS; i++)
            names[i] = subs[i].name;
        names[N_SUBS] = "import";
        const char *near = cli_nearest(argv[1], names, N_SUBS + 1);
        cli_usage_error("partner", "unknown command '%s'%s%s%s", argv[1],
                        near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        return EXIT_USAGE;
    }
    cli_command = command;
    static struct partner_args a; /* large (the option tables); one per process */
    memset(&a, 0, sizeof a);
    a.sub = sub->name;
    msg_options_build(&a.info, &custrpc_partner_info_message, CLI_FIELD_OPT);
    current = &a;
    struct conn_options conn;
    conn_defaults(&conn, CONN_PARTNER_ALL);
    bool done;
    int status = cli_parse(argc - 1, argv + 1, sub->info_options ? a.info.table : NULL, sub->own,
                           &conn, partner_option, &a, usage, &done);
    if (done)
        return EXIT_OK;
    if (status == EXIT_OK && optind < argc - 1) {
        char cmd[64];
        cmd_name(&a, cmd, sizeof cmd);
        cli_usage_error(cmd, "unexpected argument \"%s\"", argv[optind + 1]);
        status = EXIT_USAGE;
    }
    return status == EXIT_OK ? sub->run(&a, &conn) : status;
}
