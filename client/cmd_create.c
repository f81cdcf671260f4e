/* cmd_create.c — `custrpc create`: one customer from per-field options, validated before
 * anything is sent; prints the new i_customer (or, with --dry-run, the request XML). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <custrpc/xmlrpc.h>

#include "common/cli.h"
#include "commands.h"
#include "field_options.h"
#include "output.h"

enum { OPT_DRY_RUN = CLI_CMD_OPT };

static const struct option own_options[] = {
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

struct create_args {
    struct custrpc_customer c;
    struct secret_sources secrets;
    bool dry_run;
};

static int create_option(void *ctx, int opt, const char *arg)
{
    struct create_args *a = ctx;
    if (opt == OPT_DRY_RUN) {
        a->dry_run = true;
        return EXIT_OK;
    }
    int r = field_options_apply("create", &a->c, &a->secrets, opt, arg);
    return r == 1 ? EXIT_OK : r == -1 ? EXIT_DATA : EXIT_USAGE;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: custrpc create [OPTION]... --name NAME --i-tariff N|own\n"
            "Creates one customer with createCustomer and prints its i_customer.\n"
            "web_password comes from --web-password-file, $CUSTRPC_WEB_PASSWORD or a prompt.\n\n"
            "  --dry-run               print the request XML instead of sending it\n"
            "  --help                  show this help\n\n");
    cli_conn_help(out, CONN_ALL);
    fputc('\n', out);
    field_options_help(out, true);
    cli_exit_help(out);
}

/* A failed create. When the request went out and its answer was lost (cut off, timed out, an
 * HTTP 5xx) the customer may exist now: saying "failed" would invite a second create of the
 * same name, so say what is known and how to find out (exit 75). An answer that is not the API's
 * keeps its own status (76: more likely a wrong URL), with the same advice. */
static int report(const struct custrpc_customer *c, const struct custrpc_error *err)
{
    const char *name = "NAME";
    (void)custrpc_customer_get_string(c, CUSTRPC_F_name, &name, NULL);
    char what[300], check[300];
    snprintf(what, sizeof what, "customer %s was created", name);
    snprintf(check, sizeof check, "custrpc get --name %s (create it again only if it is not there)",
             name);
    return cli_report_unknown(err, what, check);
}

int cmd_create(int argc, char **argv)
{
    struct conn_options conn;
    conn_defaults(&conn, CONN_ALL);
    struct create_args a = {.dry_run = false};
    custrpc_customer_init(&a.c);
    bool done;
    int status =
        cli_parse(argc, argv, field_options(), own_options, &conn, create_option, &a, usage, &done);
    if (done) {
        custrpc_customer_free(&a.c);
        return EXIT_OK;
    }
    if (status == EXIT_OK && optind < argc) {
        cli_usage_error("create", "unexpected argument \"%s\"", argv[optind]);
        status = EXIT_USAGE;
    }
    if (status == EXIT_OK)
        status = field_options_read_secrets(&a.c, &a.secrets, true);
    struct custrpc_error err;
    if (status == EXIT_OK && conn.wholesaler &&
        custrpc_customer_set_int(&a.c, CUSTRPC_F_i_wholesaler, conn.wholesaler, &err) < 0)
        status = cli_report(&err);
    if (status == EXIT_OK && custrpc_customer_validate(&a.c, &err) < 0)
        status = cli_report(&err);
    if (status == EXIT_OK && a.dry_run) {
        char *xml;
        if (custrpc_create_request_xml(&a.c, &xml, NULL, &err) < 0)
            status = cli_report(&err);
        else {
            fputs(xml, stdout);
            free(xml);
        }
    } else if (status == EXIT_OK) {
        struct custrpc_client *cl;
        int64_t id;
        status = conn_open(&conn, &cl);
        if (status == EXIT_OK) {
            if (custrpc_client_create(cl, &a.c, &id, &err) < 0)
                status = report(&a.c, &err);
            else if (strcmp(conn.output, "json") == 0)
                printf("{\"result\": \"OK\", \"i_customer\": %lld}\n", (long long)id);
            else
                printf("%lld\n", (long long)id);
            custrpc_client_free(cl);
        }
    }
    custrpc_customer_free(&a.c);
    return status;
}
