/* commands.c — the table of custrpc's commands: main dispatches on it, and the man page and
 * bash completion generator (gen_man.c) walks it, so a new command appears in all three. */
#include <config.h>

#include <string.h>

#include "commands.h"
#include "common/cli.h"

const struct command command_table[] = {
    {"create", cmd_create, NULL, "create one customer (custrpc create --help lists every field)"},
    {"get", cmd_get, NULL, "read a customer back with getCustomerInfo"},
    {"import", cmd_import, NULL, "create many customers from a CSV or JSON file"},
    {"update", cmd_update, NULL, "change fields of a customer (updateCustomer)"},
    {"list", cmd_list, NULL, "list customers (listCustomers), as a table or JSON"},
    {"delete", cmd_status, NULL, "delete a customer (deleteCustomer); asks nothing"},
    {"block", cmd_status, NULL, "block a customer (blockCustomer)"},
    {"unblock", cmd_status, NULL, "unblock a customer (unblockCustomer)"},
    {"add-funds", cmd_funds, NULL, "add funds to a customer (customerAddFunds)"},
    {"credit", cmd_funds, NULL, "credit a customer's balance (customerCredit)"},
    {"debit", cmd_funds, NULL, "debit a customer's balance (customerDebit)"},
    {"fields", cmd_fields, NULL, "list every createCustomer member with its type and rules"},
    {"partner", cmd_partner, partner_command,
     "the partner API (JSON-RPC at /jsonapi): login, add, get, list,\n"
     "            modify, remove, locations, state, import (custrpc partner --help)"},
    {"admin", cmd_admin, admin_command,
     "custrpc-server's health, metrics, journal and reset (custrpc admin --help)"},
    {NULL, NULL, NULL, NULL},
};

const struct command *command_find(const char *name)
{
    for (const struct command *c = command_table; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

void custrpc_usage(FILE *out)
{
    fputs("Usage: custrpc [CONNECTION OPTION]... COMMAND [OPTION]...\n"
          "       custrpc help COMMAND\n"
          "Client for the createCustomer() XML-RPC API of billing softswitches.\n\n"
          "Commands:\n",
          out);
    for (const struct command *c = command_table; c->name; c++)
        fprintf(out, "  %-9s %s\n", c->name, c->summary);
    fputs("\nEach command lists its options with --help (or custrpc help COMMAND). Connection\n"
          "options (--url, --user, --config, ...) may come before or after the command.\n\n"
          "  -h, --help  show this help\n"
          "  --version   show the version\n",
          out);
    cli_exit_help(out);
}
