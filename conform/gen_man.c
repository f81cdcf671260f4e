/* gen_man.c — writes the custrpc-conform(1) man page at build time from the option table that
 * drives its getopt and --help (conform_options) and the shared connection options; with
 * --options, the names of every option it documents, one a line, for the tests; with
 * --bash-completion, the completion of its options. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"

/* The connection options' help block, without its "Connection:" heading. */
static void connection_block(FILE *out)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        exit(1);
    cli_conn_help(mem, CONFORM_CONN);
    fclose(mem);
    man_block(out, text + strlen("Connection:\n"));
    free(text);
}

static void names(void)
{
    for (const struct optdoc *d = conform_options; d->opt.name; d++)
        printf("--%s\n", d->opt.name);
    struct option *conn = cli_options(CONFORM_CONN, NULL, NULL);
    for (const struct option *o = conn; o && o->name; o++)
        if (!cli_option_hidden(o))
            printf("--%s\n", o->name);
    free(conn);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--options") == 0) {
        names();
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--bash-completion") == 0) {
        struct option *own = optdoc_getopt(conform_options);
        struct option *all = own ? cli_options(CONFORM_CONN, own, NULL) : NULL;
        if (!all)
            return 1;
        size_t n = 0; /* without the options that only refuse (--password) */
        for (const struct option *o = all; o->name; o++)
            if (!cli_option_hidden(o))
                all[n++] = *o;
        all[n] = (struct option){NULL, 0, NULL, 0};
        optdoc_bash_completion(stdout, "custrpc-conform", all);
        free(all);
        free(own);
        return 0;
    }
    FILE *out = stdout;
    fprintf(out, ".TH CUSTRPC\\-CONFORM 1 \"\" \"custrpc %s\" \"User Commands\"\n",
            PACKAGE_VERSION);
    fputs(".SH NAME\ncustrpc\\-conform \\- tell where a createCustomer or partner API server "
          "departs from the API's contract\n"
          ".SH SYNOPSIS\n"
          ".B custrpc\\-conform\n\\fB\\-\\-url\\fR \\fIURL\\fR [\\fB\\-\\-user\\fR \\fILOGIN\\fR "
          "\\fB\\-\\-password\\-file\\fR \\fIF\\fR | \\fB\\-\\-wholesaler\\fR \\fIN\\fR] "
          "[\\fIOPTION\\fR]...\n.br\n"
          ".B custrpc\\-conform\n\\fB\\-\\-url\\fR \\fIURL\\fR/jsonapi \\fB\\-\\-partner\\fR "
          "\\fINAME\\fR \\fB\\-\\-user\\fR \\fILOGIN\\fR \\fB\\-\\-password\\-file\\fR \\fIF\\fR "
          "[\\fIOPTION\\fR]...\n"
          ".SH DESCRIPTION\n",
          out);
    for (const char *const *p = conform_description; *p; p++) {
        man_text(out, *p);
        fputs("\n.PP\n", out);
    }
    fputs("A case is a file (see the cases directory's README); a new case is a new file.\n"
          ".SH OPTIONS\n",
          out);
    optdoc_man(out, conform_options);
    fputs(".SH CONNECTION OPTIONS\n", out);
    connection_block(out);
    fputs(".SH ENVIRONMENT\n"
          ".TP\n.B CUSTRPC_URL\nthe server endpoint when \\-\\-url is not given\n"
          ".TP\n.B CUSTRPC_USER\nthe login when \\-\\-user is not given\n"
          ".TP\n.B CUSTRPC_PASSWORD\nthe password when \\-\\-password\\-file is not given\n"
          ".SH EXIT STATUS\n"
          ".TP\n.B 0\nno case failed\n"
          ".TP\n.B 1\na case failed\n"
          ".TP\n.B 5\n\\-\\-only selected no case\n"
          ".TP\n.B 64\nusage error, or a report file could not be written\n"
          ".TP\n.B 65\nthe cases could not be read\n"
          ".SH SEE ALSO\n.BR custrpc (1),\n.BR custrpc\\-server (1)\n",
          out);
    return 0;
}
