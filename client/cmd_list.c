/* cmd_list.c — `custrpc list`: listCustomers, its options generated from the query's message
 * descriptor (--offset, --limit, --name-pattern), printed as a table or as JSON. balance is
 * shown as the server sends it: the API's text inverts getCustomerInfo's, not this one's. */
#include <config.h>

#include <string.h>

#include "commands.h"
#include "common/cli.h"
#include "output.h"

#define MAX_QUERY_FIELDS 8

static struct option query_options[MAX_QUERY_FIELDS + 2];
static char option_names[MAX_QUERY_FIELDS][40];

/* One option per member of listCustomers' query, named as the member with '-' for '_'. */
static void build_options(void)
{
    const struct custrpc_message *d = &custrpc_list_query_message;
    size_t i;
    /* i_wholesaler comes from the connection option --wholesaler, as for every command. */
    for (i = 0;
         i < d->n_fields && i < MAX_QUERY_FIELDS && !(d->fields[i].flags & CUSTRPC_FLAG_TRUSTED);
         i++) {
        snprintf(option_names[i], sizeof option_names[i], "%s", d->fields[i].name);
        for (char *p = option_names[i]; *p; p++)
            if (*p == '_')
                *p = '-';
        query_options[i] =
            (struct option){option_names[i], required_argument, NULL, CLI_CMD_OPT + (int)i};
    }
    query_options[i] = (struct option)CLI_HELP_OPTION;
    query_options[i + 1] = (struct option){NULL, 0, NULL, 0};
}

static void usage(FILE *out)
{
    const struct custrpc_message *d = &custrpc_list_query_message;
    fprintf(out, "Usage: custrpc list [OPTION]...\n"
                 "Lists the caller's customers with listCustomers: i_customer, name, web_login,\n"
                 "balance, credit_limit, base_currency, description. balance is shown as the\n"
                 "server sends it (the API inverts getCustomerInfo's balance; for listCustomers\n"
                 "its text says nothing).\n\n");
    for (size_t i = 0;
         i < d->n_fields && i < MAX_QUERY_FIELDS && !(d->fields[i].flags & CUSTRPC_FLAG_TRUSTED);
         i++) {
        char left[400];
        snprintf(left, sizeof left, "--%s %s", option_names[i],
                 d->fields[i].type == CUSTRPC_TYPE_INT ? "N" : "TEXT");
        fprintf(out, "  %-23s %s\n", left, d->fields[i].help);
    }
    fputs("  --help                  show this help\n\n", out);
    cli_conn_help(out, CONN_ALL);
    cli_exit_help(out);
}

static int list_option(void *ctx, int opt, const char *arg)
{
    const struct custrpc_message *d = &custrpc_list_query_message;
    size_t i = (size_t)(opt - CLI_CMD_OPT);
    if (opt < CLI_CMD_OPT || i >= d->n_fields || (d->fields[i].flags & CUSTRPC_FLAG_TRUSTED))
        return EXIT_USAGE;
    struct custrpc_error err;
    if (custrpc_msg_set_text(d, ctx, d->fields[i].name, arg, &err) < 0) {
        cli_usage_error("list", "--%s: %s", option_names[i], err.message);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* A cell: the member's text form, or "-" when the server left it out. */
static void cell(const struct custrpc_customer_entry *e, size_t field, char *buf, size_t size)
{
    const struct custrpc_message *d = &custrpc_customer_entry_message;
    char text[4096];
    if (custrpc_msg_format(d, e, &d->fields[field], text, sizeof text, NULL) < 0)
        snprintf(text, sizeof text, "-");
    output_visible(text, buf, size); /* a name cannot forge a row */
}

static void print_table(const struct custrpc_customer_list *l)
{
    /* Columns in the descriptor's order: i_customer, name, web_login, description, balance,
     * credit_limit, base_currency; description last, as it is the longest. */
    static const size_t order[] = {0, 1, 2, 4, 5, 6, 3};
    static const int width[] = {10, 24, 16, 12, 12, 8, 0};
    const struct custrpc_message *d = &custrpc_customer_entry_message;
    for (size_t c = 0; c < 6; c++)
        printf("%-*s ", width[c], d->fields[order[c]].name);
    printf("%s\n", d->fields[order[6]].name);
    for (size_t i = 0; i < l->n; i++)
        for (size_t c = 0; c < 7; c++) {
            char buf[16384];
            cell(&l->items[i], order[c], buf, sizeof buf);
            if (c < 6)
                printf("%-*s ", width[c], buf);
            else
                printf("%s\n", buf);
        }
}

static void print_json(const struct custrpc_customer_list *l)
{
    fputs("{\"result\": \"OK\", \"customers\": [", stdout);
    for (size_t i = 0; i < l->n; i++) {
        fputs(i ? ", " : "", stdout);
        custrpc_msg_write_json(&custrpc_customer_entry_message, &l->items[i], stdout);
    }
    fputs("]}\n", stdout);
}

int cmd_list(int argc, char **argv)
{
    build_options();
    struct conn_options conn;
    conn_defaults(&conn, CONN_ALL);
    struct custrpc_list_query q;
    custrpc_msg_init(&custrpc_list_query_message, &q);
    bool done;
    int status = cli_parse(argc, argv, query_options, NULL, &conn, list_option, &q, usage, &done);
    if (!done && status == EXIT_OK && optind < argc) {
        cli_usage_error("list", "unexpected argument \"%s\"", argv[optind]);
        status = EXIT_USAGE;
    }
    struct custrpc_client *cl = NULL;
    if (!done && status == EXIT_OK)
        status = conn_open(&conn, &cl);
    if (!done && status == EXIT_OK) {
        struct custrpc_customer_list l;
        struct custrpc_error err;
        if (custrpc_client_list(cl, &q, conn.wholesaler, &l, &err) < 0) {
            status = cli_report(&err);
        } else {
            /* A member of an unexpected type is named on stderr and left out; the rest of
             * the list still counts. */
            for (size_t i = 0; i < l.problems.n; i++)
                fprintf(stderr, "custrpc list: the answer's %s: %s (left out; sent: %s)\n",
                        l.problems.items[i].name, l.problems.items[i].problem,
                        l.problems.items[i].json);
            if (strcmp(conn.output, "json") == 0)
                print_json(&l);
            else
                print_table(&l);
        }
        custrpc_customer_list_free(&l);
        custrpc_client_free(cl);
    }
    custrpc_msg_free(&custrpc_list_query_message, &q);
    return done ? EXIT_OK : status;
}
