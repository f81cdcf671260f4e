/* cmd_fields.c — `custrpc fields`: the field table as users (and scripts) can read it: wire
 * name, XML-RPC type, flags, range, an example value and the help text. */
#include <config.h>

#include <string.h>

#include "common/cli.h"
#include "commands.h"
#include "output.h"

static const struct {
    unsigned flag;
    const char *word;
} flag_words[] = {
    {CUSTRPC_FLAG_MANDATORY, "mandatory"}, {CUSTRPC_FLAG_BITMASK, "bitmask"},
    {CUSTRPC_FLAG_NIL_OWN, "nil-own"},     {CUSTRPC_FLAG_NIL_UNLIMITED, "nil-unlimited"},
    {CUSTRPC_FLAG_SECRET, "secret"},       {CUSTRPC_FLAG_UNIQUE, "unique"},
    {CUSTRPC_FLAG_TRUSTED, "trusted"},
};

static void flags_text(unsigned flags, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof flag_words / sizeof flag_words[0]; i++)
        if (flags & flag_words[i].flag) {
            if (buf[0])
                strncat(buf, ",", size - strlen(buf) - 1);
            strncat(buf, flag_words[i].word, size - strlen(buf) - 1);
        }
    if (!buf[0])
        snprintf(buf, size, "-");
}

int cmd_fields(int argc, char **argv)
{
    bool json = argc == 3 && strcmp(argv[1], "--output") == 0 && strcmp(argv[2], "json") == 0;
    if (argc > 1 && !json) {
        fprintf(
            argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr,
            "Usage: custrpc fields [--output json]\nLists every createCustomer member: wire name, "
            "XML-RPC type, flags, range, example, help.\n");
        return argc == 2 && strcmp(argv[1], "--help") == 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (json)
        fputs("[", stdout);
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        char flags[128];
        flags_text(f->flags, flags, sizeof flags);
        if (json) {
            printf("%s{\"name\": \"%s\", \"type\": \"%s\", \"flags\": \"%s\", \"min\": %.17g, "
                   "\"max\": %.17g, "
                   "\"example\": ",
                   i ? ", " : "", f->name, custrpc_type_name(f->type), flags, f->min, f->max);
            output_json_string(stdout, f->example);
            fputs(", \"help\": ", stdout);
            output_json_string(stdout, f->help);
            fputs("}", stdout);
        } else {
            printf("%-28s %-8s %-24s %s\n", f->name, custrpc_type_name(f->type), flags, f->help);
        }
    }
    if (json)
        fputs("]\n", stdout);
    return EXIT_OK;
}
