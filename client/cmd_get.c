/* cmd_get.c — `custrpc get`: getCustomerInfo by --i-customer or --name, printed as
 * "field: value" lines or JSON (balance with its real sign, not the API's inverted one). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "output.h"

enum { OPT_ID = CLI_CMD_OPT, OPT_NAME, OPT_HELP };

static const struct option own_options[] = {
    {"i-customer", required_argument, NULL, OPT_ID},
    {"name", required_argument, NULL, OPT_NAME},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: custrpc get (--i-customer N | --name NAME) [OPTION]...\n"
                 "Reads a customer back with getCustomerInfo. Passwords are never returned;\n"
                 "balance is shown with its real sign (the API inverts it on the wire).\n\n"
                 "  --i-customer N          the customer's id\n"
                 "  --name NAME             or its exact name\n"
                 "  --help                  show this help\n\n");
    fputs(cli_conn_help, out);
    cli_exit_help(out);
}

int cmd_get(int argc, char **argv)
{
    struct conn_options conn;
    conn_defaults(&conn);
    int64_t id = 0;
    const char *name = NULL;
    struct option *opts = cli_options_join(cli_conn_options, own_options, NULL);
    int status = EXIT_OK, opt;
    while (status == EXIT_OK && (opt = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
        int r;
        if (opt == OPT_HELP) {
            usage(stdout);
            free(opts);
            return EXIT_OK;
        } else if (opt == OPT_ID) {
            long long v = 0;
            status = cli_number("get", "i-customer", optarg, 1, INT32_MAX, &v) < 0 ? EXIT_USAGE : EXIT_OK;
            id = v;
        } else if (opt == OPT_NAME) {
            name = optarg;
        } else if ((r = conn_apply(&conn, opt, optarg)) != 0) {
            status = r < 0 ? EXIT_USAGE : EXIT_OK;
        } else {
            status = EXIT_USAGE;
        }
    }
    free(opts);
    if (status == EXIT_OK && (!id) == (!name)) {
        cli_usage_error("get", "give exactly one of --i-customer and --name");
        status = EXIT_USAGE;
    }
    struct custrpc_client *cl = NULL;
    if (status == EXIT_OK)
        status = conn_open(&conn, &cl);
    if (status == EXIT_OK) {
        struct custrpc_customer c;
        struct custrpc_error err;
        int64_t got_id;
        if (custrpc_client_get(cl, id, name, conn.wholesaler, &c, &got_id, &err) < 0) {
            status = cli_report(&err);
        } else {
            if (strcmp(conn.output, "json") == 0)
                output_customer_json(stdout, got_id, &c);
            else
                output_customer_text(stdout, got_id, &c);
            custrpc_customer_free(&c);
        }
        custrpc_client_free(cl);
    }
    return status;
}
