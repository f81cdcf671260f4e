/* main.c — the custrpc command: picks the subcommand. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "common/cli.h"
#include "commands.h"

static void usage(FILE *out)
{
    fprintf(out, "Usage: custrpc COMMAND [OPTION]...\n"
                 "Client for the createCustomer() XML-RPC API of billing softswitches.\n\n"
                 "Commands:\n"
                 "  create    create one customer (custrpc create --help lists every field)\n"
                 "  get       read a customer back with getCustomerInfo\n"
                 "  import    create many customers from a CSV or JSON file\n"
                 "  update    change fields of a customer (updateCustomer)\n"
                 "  list      list customers (listCustomers), as a table or JSON\n"
                 "  delete    delete a customer (deleteCustomer); asks nothing\n"
                 "  block     block a customer (blockCustomer)\n"
                 "  unblock   unblock a customer (unblockCustomer)\n"
                 "  add-funds add funds to a customer (customerAddFunds)\n"
                 "  credit    credit a customer's balance (customerCredit)\n"
                 "  debit     debit a customer's balance (customerDebit)\n"
                 "  fields    list every createCustomer member with its type and rules\n"
                 "  partner   the partner API (JSON-RPC at /jsonapi): login, add, get, list,\n"
                 "            modify, remove, locations, state, import (custrpc partner --help)\n"
                 "  admin     custrpc-server's health, metrics, journal and reset\n"
                 "            (custrpc admin --help)\n\n"
                 "Each command lists its options with --help.\n\n"
                 "  --help    show this help\n"
                 "  --version show the version\n");
    cli_exit_help(out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("custrpc %s\n", PACKAGE_VERSION);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "create") == 0)
        return cmd_create(argc - 1, argv + 1);
    if (strcmp(argv[1], "get") == 0)
        return cmd_get(argc - 1, argv + 1);
    if (strcmp(argv[1], "import") == 0)
        return cmd_import(argc - 1, argv + 1);
    if (strcmp(argv[1], "fields") == 0)
        return cmd_fields(argc - 1, argv + 1);
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } more[] = {
        {"update", cmd_update}, {"list", cmd_list},      {"delete", cmd_status},
        {"block", cmd_status},  {"unblock", cmd_status}, {"add-funds", cmd_funds},
        {"credit", cmd_funds},  {"debit", cmd_funds},    {"partner", cmd_partner},
        {"admin", cmd_admin},
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        if (strcmp(argv[1], more[i].name) == 0)
            return more[i].run(argc - 1, argv + 1);
    cli_usage_error(NULL, "unknown command \"%s\" (try custrpc --help)", argv[1]);
    return EXIT_USAGE;
}
