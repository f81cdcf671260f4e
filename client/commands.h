/* commands.h — the subcommands of custrpc, one file each. */
#ifndef CUSTRPC_COMMANDS_H
#define CUSTRPC_COMMANDS_H

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

/* custrpc partner import FILE, also custrpc import --partners FILE. */
int cmd_partner_import(int argc, char **argv);

#endif
