/* optdoc.c — see optdoc.h. */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "optdoc.h"

struct option *optdoc_getopt(const struct optdoc *t)
{
    size_t n = 0;
    while (t[n].opt.name)
        n++;
    struct option *all = calloc(n + 1, sizeof *all);
    if (!all)
        return NULL;
    for (size_t i = 0; i < n; i++)
        all[i] = t[i].opt;
    return all;
}

/* The left column: "-h, --help" or "--listen HOST:PORT". */
static void left(const struct optdoc *d, char *buf, size_t size)
{
    char sh[8] = "";
    if (d->short_name)
        snprintf(sh, sizeof sh, "-%c, ", d->short_name);
    snprintf(buf, size, "%s--%s%s%s", sh, d->opt.name, d->arg ? " " : "", d->arg ? d->arg : "");
}

#define HELP_COLUMN 26
#define HELP_WIDTH 79

/* text wrapped at HELP_WIDTH columns; lines after the first (or all, with indent_first)
 * indented. */
static void wrap(FILE *out, const char *p, int indent, bool indent_first)
{
    bool first = true;
    while (*p) {
        size_t room = (size_t)(HELP_WIDTH - indent), n = strlen(p);
        if (n > room) {
            n = room;
            while (n > 0 && p[n] != ' ')
                n--;
            if (n == 0)
                n = strcspn(p, " ");
        }
        fprintf(out, "%*s%.*s\n", first && !indent_first ? 0 : indent, "", (int)n, p);
        first = false;
        p += n;
        p += strspn(p, " ");
    }
}

void optdoc_wrap(FILE *out, const char *text, int indent)
{
    wrap(out, text, indent, true);
}

void optdoc_help(FILE *out, const struct optdoc *t)
{
    for (const struct optdoc *d = t; d->opt.name; d++) {
        if (!d->help)
            continue;
        char l[128];
        left(d, l, sizeof l);
        int col = fprintf(out, "  %s", l);
        if (col >= HELP_COLUMN - 1) {
            fputc('\n', out);
            col = 0;
        }
        fprintf(out, "%*s", HELP_COLUMN - col, "");
        wrap(out, d->help, HELP_COLUMN, false);
    }
}

void man_text(FILE *out, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", out);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else {
            fputc(*s, out);
            if (*s == '\n' && (s[1] == '.' || s[1] == '\''))
                fputs("\\&", out);
        }
    }
}

void man_block(FILE *out, const char *text)
{
    fputs(".nf\n", out);
    for (const char *line = text; *line;) {
        size_t n = strcspn(line, "\n");
        char *one = strndup(line, n);
        if (one)
            man_text(out, one);
        free(one);
        fputc('\n', out);
        line += n + (line[n] == '\n');
    }
    fputs(".fi\n", out);
}

void optdoc_man(FILE *out, const struct optdoc *t)
{
    for (const struct optdoc *d = t; d->opt.name; d++) {
        if (!d->help)
            continue;
        fputs(".TP\n.B ", out);
        if (d->short_name)
            fprintf(out, "\\-%c\\fR, \\fB", d->short_name);
        fputs("\\-\\-", out);
        man_text(out, d->opt.name);
        if (d->arg) {
            fputs(" \\fI", out);
            man_text(out, d->arg);
            fputs("\\fR", out);
        }
        fputc('\n', out);
        man_text(out, d->help);
        fputc('\n', out);
    }
}

void optdoc_bash_completion(FILE *out, const char *program, const struct option *opts)
{
    char fn[64];
    snprintf(fn, sizeof fn, "_%s", program);
    for (char *p = fn; *p; p++)
        if (*p == '-')
            *p = '_';
    fprintf(out,
            "# bash completion for %s; generated from its option table (the one --help and its\n"
            "# man page come from). Do not edit.\n"
            "%s()\n{\n"
            "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
            "    local valued=\" ",
            program, fn);
    for (const struct option *o = opts; o->name; o++)
        if (o->has_arg == required_argument)
            fprintf(out, "--%s ", o->name);
    fputs("\"\n"
          "    if [[ $prev == --* && $valued == *\" $prev \"* ]]; then\n"
          "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
          "        return\n"
          "    fi\n"
          "    COMPREPLY=($(compgen -W '",
          out);
    for (const struct option *o = opts; o->name; o++)
        fprintf(out, "%s--%s", o == opts ? "" : " ", o->name);
    fprintf(out, "' -- \"$cur\"))\n}\ncomplete -F %s %s\n", fn, program);
}
