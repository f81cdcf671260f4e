/* commands.h — the subcommands of custrpc, one file each. */
#ifndef CUSTRPC_COMMANDS_H
#define CUSTRPC_COMMANDS_H

#include <stddef.h>
#include <stdio.h>

int cmd_create(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_fields(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_list(int argc, char **argv);
/* delete, block, unblock: argv[0] names the command. */
int cmd_status(int argc, char **argv);
/* add-funds, credit, debit: argv[0] names the command. */
int cmd_funds(int argc, char **argv);

/* partner login|add|get|list|modify|remove|locations|state|import: argv[1] names it. */
int cmd_partner(int argc, char **argv);
/* admin health|metrics|journal|reset: argv[1] names it. */
int cmd_admin(int argc, char **argv);
/* The admin subcommands' names, i from 0; NULL after the last. */
const char *admin_command(size_t i);

/* custrpc partner import FILE, also custrpc import --partners FILE. */
int cmd_partner_import(int argc, char **argv);
/* The partner subcommands' names, i from 0; NULL after the last. */
const char *partner_command(size_t i);

/* One command: its name, what runs it (argv[0] is the name), its subcommands (NULL: none;
 * argv[1] names one) and its line in custrpc --help. */
struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *(*subcommand)(size_t i);
    const char *summary;
};
extern const struct command command_table[]; /* ends with name NULL */
const struct command *command_find(const char *name);
/* custrpc --help. */
void custrpc_usage(FILE *out);

#endif
