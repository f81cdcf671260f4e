/* cmd_update.c — `custrpc update`: updateCustomer with the fields given as options (the same
 * options as create, generated from the field table, none mandatory), validated before
 * anything is sent. Passwords come from their --<field>-file options only. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common/cli.h"
#include "field_options.h"

enum { OPT_ID = CLI_CMD_OPT };

static const struct option own_options[] = {
    {"i-customer", required_argument, NULL, OPT_ID},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

struct update_args {
    struct custrpc_customer c;
    struct secret_sources secrets;
    long long id;
};

static int update_option(void *ctx, int opt, const char *arg)
{
    struct update_args *a = ctx;
    if (opt == OPT_ID)
        return cli_number("update", "i-customer", arg, 1, INT32_MAX, &a->id) < 0 ? EXIT_USAGE
                                                                                 : EXIT_OK;
    int r = field_options_apply("update", &a->c, &a->secrets, opt, arg);
    return r == 1 ? EXIT_OK : r == -1 ? EXIT_DATA : EXIT_USAGE;
}

static void usage(FILE *out)
{
    fprintf(out, "Usage: custrpc update --i-customer N FIELD-OPTION... [OPTION]...\n"
                 "Changes the fields given of customer N with updateCustomer; at least one.\n"
                 "The field rules apply to the values given; nothing else is sent. A password\n"
                 "changes only with its --<field>-file option (never from the environment).\n\n"
                 "  --i-customer N          the customer to change\n"
                 "  --help                  show this help\n\n");
    cli_conn_help(out, CONN_ALL);
    fputc('\n', out);
    field_options_help(out, false);
    cli_exit_help(out);
}

int cmd_update(int argc, char **argv)
{
    struct conn_options conn;
    conn_defaults(&conn, CONN_ALL);
    struct update_args a = {.id = 0};
    custrpc_customer_init(&a.c);
    bool done;
    int status =
        cli_parse(argc, argv, field_options(), own_options, &conn, update_option, &a, usage, &done);
    if (done) {
        custrpc_customer_free(&a.c);
        return EXIT_OK;
    }
    if (status == EXIT_OK && optind < argc) {
        cli_usage_error("update", "unexpected argument \"%s\"", argv[optind]);
        status = EXIT_USAGE;
    }
    if (status == EXIT_OK && !a.id) {
        cli_usage_error("update", "--i-customer N is required");
        status = EXIT_USAGE;
    }
    if (status == EXIT_OK)
        status = field_options_read_secrets(&a.c, &a.secrets, false);
    struct custrpc_client *cl = NULL;
    if (status == EXIT_OK)
        status = conn_open(&conn, &cl);
    if (status == EXIT_OK) {
        struct custrpc_error err;
        if (custrpc_client_update(cl, a.id, &a.c, conn.wholesaler, &err) < 0)
            status = cli_report(&err);
        else if (strcmp(conn.output, "json") == 0)
            printf("{\"result\": \"OK\", \"i_customer\": %lld}\n", a.id);
        else
            printf("updated customer %lld\n", a.id);
        custrpc_client_free(cl);
    }
    custrpc_customer_free(&a.c);
    return status;
}
