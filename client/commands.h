/* commands.h — the subcommands of custrpc, one file each. */
#ifndef CUSTRPC_COMMANDS_H
#define CUSTRPC_COMMANDS_H

int cmd_create(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_fields(int argc, char **argv);
int cmd_import(int argc, char **argv);

#endif
