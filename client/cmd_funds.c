/* cmd_funds.c — `custrpc add-funds|credit|debit`: the balance operations, which differ only by
 * method and wording: {i_customer, amount, currency [, payment_notes]} -> {result: "OK"}. The
 * amount and currency are checked before anything is sent. */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common/cli.h"
#include "output.h"

typedef int funds_fn(struct custrpc_client *, int64_t, double, const char *, const char *, int64_t,
                     struct custrpc_error *);

struct funds_command {
    const char *name, *method;
    const char *done; /* "added 10.5 USD to customer 7" */
    const char *to;
    const char *what;
    funds_fn *call;
};

static const struct funds_command commands[] = {
    {"add-funds", "customerAddFunds", "added", "to", "Adds funds (a payment) to customer N.",
     custrpc_client_add_funds},
    {"credit", "customerCredit", "credited", "to", "Credits customer N's balance.",
     custrpc_client_credit},
    {"debit", "customerDebit", "debited", "from", "Debits customer N's balance.",
     custrpc_client_debit},
};

enum { OPT_ID = CLI_CMD_OPT, OPT_AMOUNT, OPT_CURRENCY, OPT_NOTES };

static const struct option own_options[] = {
    {"i-customer", required_argument, NULL, OPT_ID},
    {"amount", required_argument, NULL, OPT_AMOUNT},
    {"currency", required_argument, NULL, OPT_CURRENCY},
    {"payment-notes", required_argument, NULL, OPT_NOTES},
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

static const struct funds_command *current;

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: custrpc %s --i-customer N --amount X --currency CODE [OPTION]...\n"
            "%s (%s)\n\n"
            "  --i-customer N          the customer\n"
            "  --amount X              a decimal number greater than 0 [double]\n"
            "  --currency CODE         ISO 4217 code, three upper-case letters (the customer's)\n"
            "  --payment-notes TEXT    a note kept with the payment\n"
            "  --help                  show this help\n\n",
            current->name, current->what, current->method);
    cli_conn_help(out, CONN_ALL);
    cli_exit_help(out);
}

struct funds_args {
    long long id;
    double amount;
    const char *amount_text, *currency, *notes;
};

static int funds_option(void *ctx, int opt, const char *arg)
{
    struct funds_args *a = ctx;
    char *end;
    switch (opt) {
    case OPT_ID:
        return cli_number(current->name, "i-customer", arg, 1, INT32_MAX, &a->id) < 0 ? EXIT_USAGE
                                                                                      : EXIT_OK;
    case OPT_AMOUNT:
        /* strtod alone also takes hex ("0x10" would go out as 16), inf, nan and leading
         * space: only the decimal form, as create's double fields (lib/text.c). */
        errno = 0;
        a->amount = strtod(arg, &end);
        if (errno || end == arg || *end || !isfinite(a->amount) ||
            strspn(arg, "+-0123456789.eE") != strlen(arg)) {
            cli_usage_error(current->name, "--amount: \"%s\" is not a decimal number", arg);
            return EXIT_USAGE;
        }
        a->amount_text = arg;
        return EXIT_OK;
    case OPT_CURRENCY: a->currency = arg; return EXIT_OK;
    case OPT_NOTES: a->notes = arg; return EXIT_OK;
    default: return EXIT_USAGE;
    }
}

int cmd_funds(int argc, char **argv)
{
    current = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[0], commands[i].name) == 0)
            current = &commands[i];
    if (!current)
        return EXIT_USAGE;
    struct conn_options conn;
    conn_defaults(&conn, CONN_ALL);
    struct funds_args a = {0};
    bool done;
    int status = cli_parse(argc, argv, own_options, NULL, &conn, funds_option, &a, usage, &done);
    if (done)
        return EXIT_OK;
    if (status == EXIT_OK && optind < argc) {
        cli_usage_error(current->name, "unexpected argument \"%s\"", argv[optind]);
        status = EXIT_USAGE;
    }
    if (status == EXIT_OK && (!a.id || !a.amount_text || !a.currency)) {
        cli_usage_error(current->name, "--i-customer, --amount and --currency are required");
        status = EXIT_USAGE;
    }
    struct custrpc_client *cl = NULL;
    if (status == EXIT_OK)
        status = conn_open(&conn, &cl);
    if (status == EXIT_OK) {
        struct custrpc_error err;
        if (current->call(cl, a.id, a.amount, a.currency, a.notes, conn.wholesaler, &err) < 0) {
            /* A payment sent twice is paid twice: a lost answer is "unknown", never "failed". */
            char what[200], check[200];
            snprintf(what, sizeof what, "%s of %s %s %s customer %lld took effect", current->method,
                     a.amount_text, a.currency, current->to, a.id);
            snprintf(check, sizeof check,
                     "custrpc get --i-customer %lld (its balance) before sending it again", a.id);
            status = cli_report_unknown(&err, what, check);
        } else if (strcmp(conn.output, "json") == 0) {
            printf("{\"result\": \"OK\", \"i_customer\": %lld, \"amount\": ", a.id);
            output_double(stdout, a.amount);
            fputs(", \"currency\": ", stdout);
            output_json_string(stdout, a.currency);
            fputs("}\n", stdout);
        } else {
            printf("%s %s %s %s customer %lld\n", current->done, a.amount_text, a.currency,
                   current->to, a.id);
        }
        custrpc_client_free(cl);
    }
    return status;
}
