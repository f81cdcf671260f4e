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

static const struct option own_options[] = {
    CLI_HELP_OPTION,
    {NULL, 0, NULL, 0},
};

static void usage(FILE *out)
{
    fputs("Usage: custrpc fields [--output text|json]\n"
          "Lists every createCustomer member: wire name, XML-RPC type, flags, range, example,\n"
          "help.\n\n"
          "  --output text|json      a table (default) or a JSON array\n"
          "  -h, --help              show this help\n",
          out);
}

int cmd_fields(int argc, char **argv)
{
    struct conn_options conn;
    conn_defaults(&conn, CONN_OUTPUT);
    bool done;
    int status = cli_parse(argc, argv, own_options, NULL, &conn, NULL, NULL, usage, &done);
    if (done)
        return EXIT_OK;
    if (status == EXIT_OK && optind < argc) {
        cli_usage_error(NULL, "unexpected argument \"%s\"", argv[optind]);
        status = EXIT_USAGE;
    }
    if (status != EXIT_OK)
        return status;
    bool json = strcmp(conn.output, "json") == 0;
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
