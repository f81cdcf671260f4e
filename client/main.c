/* main.c — the custrpc command: connection options given before the command, `help COMMAND`,
 * then the subcommand (commands.c). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "commands.h"

/* The option nearest to name among those custrpc takes before a command. */
static const char *nearest_global(const char *name)
{
    struct option *conn = cli_options(CONN_ALL, NULL, NULL);
    const char *names[64] = {"help", "version"};
    size_t n = 2;
    for (const struct option *o = conn; o && o->name && n < 64; o++)
        if (!cli_option_hidden(o))
            names[n++] = o->name;
    const char *near = cli_nearest(name, names, n);
    free(conn); /* the names are the table's, not the copy's */
    return near;
}

static int unknown_command(const char *name)
{
    const char *names[64];
    size_t n = 0;
    for (const struct command *c = command_table; c->name && n < 64; c++)
        names[n++] = c->name;
    const char *near = cli_nearest(name, names, n);
    cli_usage_error(NULL, "unknown command '%s'%s%s%s", name, near ? "; did you mean '" : "",
                    near ? near : "", near ? "'?" : "");
    cli_try_help();
    return EXIT_USAGE;
}

/* `custrpc help [COMMAND [SUBCOMMAND]]`: the command's own --help. */
static int help(int argc, char **argv)
{
    if (argc < 2) {
        custrpc_usage(stdout);
        return EXIT_OK;
    }
    const struct command *c = command_find(argv[1]);
    if (!c)
        return unknown_command(argv[1]);
    char *args[] = {argv[1], argc > 2 ? argv[2] : "--help", "--help", NULL};
    cli_command = c->name;
    int rc = c->run(argc > 2 ? 3 : 2, args);
    if (rc == EXIT_USAGE)
        cli_try_help();
    return rc;
}

int main(int argc, char **argv)
{
    int i = 1;
    /* Connection options may come first: `custrpc --url X get ...`. */
    while (i < argc && argv[i][0] == '-' && argv[i][1]) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            custrpc_usage(stdout);
            return EXIT_OK;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("custrpc %s\n", PACKAGE_VERSION);
            return EXIT_OK;
        }
        int takes = cli_global_option(argv[i]);
        if (takes < 0) {
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)strcspn(argv[i] + 2, "="), argv[i] + 2);
            const char *near = strncmp(argv[i], "--", 2) == 0 ? nearest_global(name) : NULL;
            cli_usage_error(NULL, "unrecognized option '%s'%s%s%s", argv[i],
                            near ? "; did you mean '--" : "", near ? near : "", near ? "'?" : "");
            cli_try_help();
            return EXIT_USAGE;
        }
        if (takes && i + 1 >= argc) {
            cli_usage_error(NULL, "option '%s' requires an argument", argv[i]);
            cli_try_help();
            return EXIT_USAGE;
        }
        i += 1 + takes;
    }
    if (i >= argc) {
        cli_usage_error(NULL, "missing command");
        cli_try_help();
        return EXIT_USAGE;
    }
    if (strcmp(argv[i], "help") == 0)
        return help(argc - i, argv + i);
    const struct command *c = command_find(argv[i]);
    if (!c)
        return unknown_command(argv[i]);
    /* The command sees its name, its subcommand if it has them, the options given before it,
     * then the rest. */
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args)
        return EXIT_DATA;
    int n = 0, rest = i + 1;
    args[n++] = argv[i];
    if (c->subcommand && rest < argc && argv[rest][0] != '-')
        args[n++] = argv[rest++];
    for (int k = 1; k < i; k++)
        args[n++] = argv[k];
    for (int k = rest; k < argc; k++)
        args[n++] = argv[k];
    cli_command = c->name;
    int rc = c->run(n, args);
    if (rc == EXIT_USAGE)
        cli_try_help();
    free(args);
    return rc;
}
