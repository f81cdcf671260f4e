/* optdoc.h — an option described once: the getopt_long entry, the value's name and the help
 * text. --help, the man page and the completions of a program are printed from one table of
 * them, and getopt's table is built from it, so none can drift from the others. */
#ifndef CUSTRPC_COMMON_OPTDOC_H
#define CUSTRPC_COMMON_OPTDOC_H

#include <getopt.h>
#include <stdio.h>

struct optdoc {
    struct option opt; /* name, has_arg, val */
    const char *arg;   /* the value's name ("HOST:PORT"); NULL for none */
    const char *help;  /* one paragraph, wrapped when printed; NULL: not shown */
    char short_name;   /* 'h' for -h, or 0 */
};

/* The getopt_long table of t (ends with opt.name NULL); caller frees. */
struct option *optdoc_getopt(const struct optdoc *t);
/* --help lines: "  --listen HOST:PORT   text", the text wrapped at 80 columns. */
void optdoc_help(FILE *out, const struct optdoc *t);
/* text wrapped at 80 columns, each line indented by indent columns. */
void optdoc_wrap(FILE *out, const char *text, int indent);
/* The options as man(7) .TP paragraphs. */
void optdoc_man(FILE *out, const struct optdoc *t);

/* A bash completion for a program without subcommands: its long options (hidden ones, whose
 * the caller leaves out of opts), file names after one that takes a value. */
void optdoc_bash_completion(FILE *out, const char *program, const struct option *opts);

/* Text with roff's special characters escaped; a line start '.' or '\'' guarded. */
void man_text(FILE *out, const char *s);
/* Preformatted lines (.nf ... .fi), each escaped. */
void man_block(FILE *out, const char *text);

#endif
