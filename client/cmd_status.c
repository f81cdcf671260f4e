/* cmd_status.c — `custrpc delete|block|unblock --i-customer N`: the methods that take only a
 * customer id and answer {result: "OK"}; they differ only by method and wording. delete asks
 * nothing (scripts call it) but prints what it deleted. */
#include <config.h>

#include <string.h>

#include "commands.h"
#include "common/cli.h"

struct status_command {
    const char *name;   /* the subcommand */
    const char *method; /* for --help */
    const char *done;   /* "deleted", ... */
    const char *what;   /* one line for --help */
    int (*call)(struct custrpc_client *, int64_t, int64_t, struct custrpc_error *);
};

static const struct status_command commands[] = {
    {"delete", "deleteCustomer", "deleted",
     "Deletes customer N (one without sub-customers); it asks nothing first.",
     custrpc_client_delete},
    {"block", "blockCustomer", "blocked", "Blocks customer N.", custrpc_client_block},
    {"unblock", "unblockCustomer", "unblocked", "Unblocks customer N.", custrpc_client_unblock},
};

enum { OPT_ID = CLI_CMD_OPT };

static const struct option own_options[] = {
    {"i-customer", required_argument, NULL, OPT_ID},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

/* getopt's usage callback takes no argument: the command being run. */
static const struct status_command *current;

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: custrpc %s --i-customer N [OPTION]...\n"
            "%s (%s)\n\n"
            "  --i-customer N          the customer\n"
            "  --help                  show this help\n\n",
            current->name, current->what, current->method);
    cli_conn_help(out, CONN_ALL);
    cli_exit_help(out);
}

struct status_args {
    long long id;
};

static int status_option(void *ctx, int opt, const char *arg)
{
    struct status_args *a = ctx;
    if (opt == OPT_ID)
        return cli_number(current->name, "i-customer", arg, 1, INT32_MAX, &a->id) < 0 ? EXIT_USAGE
                                                                                      : EXIT_OK;
    return EXIT_USAGE;
}

int cmd_status(int argc, char **argv)
{
    current = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[0], commands[i].name) == 0)
            current = &commands[i];
    if (!current)
        return EXIT_USAGE;
    struct conn_options conn;
    conn_defaults(&conn, CONN_ALL);
    struct status_args a = {0};
    bool done;
    int status = cli_parse(argc, argv, own_options, NULL, &conn, status_option, &a, usage, &done);
    if (done)
        return EXIT_OK;
    if (status == EXIT_OK && optind < argc) {
        cli_usage_error(current->name, "unexpected argument \"%s\"", argv[optind]);
        status = EXIT_USAGE;
    }
    if (status == EXIT_OK && !a.id) {
        cli_usage_error(current->name, "--i-customer N is required");
        status = EXIT_USAGE;
    }
    struct custrpc_client *cl = NULL;
    if (status == EXIT_OK)
        status = conn_open(&conn, &cl);
    if (status == EXIT_OK) {
        struct custrpc_error err;
        if (current->call(cl, a.id, conn.wholesaler, &err) < 0)
            status = cli_report(&err);
        else if (strcmp(conn.output, "json") == 0)
            printf("{\"result\": \"OK\", \"i_customer\": %lld}\n", a.id);
        else
            printf("%s customer %lld\n", current->done, a.id);
        custrpc_client_free(cl);
    }
    return status;
}
