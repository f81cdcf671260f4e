/* partner_import.c — placeholder. */
#include <config.h>
#include "commands.h"
#include "common/cli.h"
int cmd_partner_import(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return EXIT_USAGE;
}
