/* cmd_get.c — `custrpc get`: getCustomerInfo by --i-customer or --name, printed as
 * "field: value" lines or JSON (balance with its real sign, not the API's inverted one). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "commands.h"
#include "output.h"

enum { OPT_ID = CLI_CMD_OPT, OPT_NAME };

static const struct option own_options[] = {
    {"i-customer", required_argument, NULL, OPT_ID},
    {"name", required_argument, NULL, OPT_NAME},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

struct get_args {
    long long id;
    const char *name;
};

static int get_option(void *ctx, int opt, const char *arg)
{
    struct get_args *a = ctx;
    if (opt == OPT_ID)
        return cli_number("get", "i-customer", arg, 1, INT32_MAX, &a->id) < 0 ? EXIT_USAGE
                                                                              : EXIT_OK;
    if (opt == OPT_NAME) {
        a->name = arg;
        return EXIT_OK;
    }
    return EXIT_USAGE;
}

static void usage(FILE *out)
{
    fprintf(out, "Usage: custrpc get (--i-customer N | --name NAME) [OPTION]...\n"
                 "Reads a customer back with getCustomerInfo. Passwords are never returned;\n"
                 "balance is shown with its real sign (the API inverts it on the wire).\n\n"
                 "  --i-customer N          the customer's id\n"
                 "  --name NAME             or its exact name\n"
                 "  --help                  show this help\n\n");
    cli_conn_help(out, CONN_ALL);
    cli_exit_help(out);
}

int cmd_get(int argc, char **argv)
{
    struct conn_options conn;
    conn_defaults(&conn, CONN_ALL);
    struct get_args a = {0, NULL};
    bool done;
    int status = cli_parse(argc, argv, own_options, NULL, &conn, get_option, &a, usage, &done);
    if (done)
        return EXIT_OK;
    int64_t id = a.id;
    const char *name = a.name;
    if (status == EXIT_OK && (!id) == (!name)) {
        cli_usage_error("get", "give exactly one of --i-customer and --name");
        status = EXIT_USAGE;
    }
    struct custrpc_client *cl = NULL;
    if (status == EXIT_OK)
        status = conn_open(&conn, &cl);
    if (status == EXIT_OK) {
        struct custrpc_customer c;
        struct custrpc_extras extras;
        struct custrpc_error err;
        int64_t got_id;
        if (custrpc_client_get_ex(cl, id, name, conn.wholesaler, &c, &got_id, &extras, &err) < 0) {
            status = cli_report(&err);
        } else {
            /* A member the table does not know, or of an unexpected type, is shown as the
             * server sent it and named on stderr; the rest of the answer still counts. */
            /* The API never returns passwords; a server that does is named and not echoed. */
            for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++)
                if ((custrpc_field_get((enum custrpc_field_id)i)->flags & CUSTRPC_FLAG_SECRET) &&
                    custrpc_customer_presence(&c, (enum custrpc_field_id)i) != CUSTRPC_ABSENT) {
                    fprintf(stderr,
                            "custrpc get: the answer has %s, which the API never returns "
                            "(not shown)\n",
                            custrpc_field_get((enum custrpc_field_id)i)->name);
                    custrpc_customer_unset(&c, (enum custrpc_field_id)i);
                }
            for (size_t i = 0; i < extras.n; i++)
                if (extras.items[i].problem)
                    fprintf(stderr, "custrpc get: the answer's %s: %s (shown as sent)\n",
                            extras.items[i].name, extras.items[i].problem);
            if (strcmp(conn.output, "json") == 0)
                output_customer_json(stdout, got_id, &c, &extras);
            else
                output_customer_text(stdout, got_id, &c, &extras);
            custrpc_customer_free(&c);
            custrpc_extras_free(&extras);
        }
        custrpc_client_free(cl);
    }
    return status;
}
