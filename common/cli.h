/* cli.h — what the command-line programs share (common/libcommon.a): exit codes, the option
 * loop, the connection options a program has, password sources and error reporting. */
#ifndef CUSTRPC_COMMON_CLI_H
#define CUSTRPC_COMMON_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <custrpc/custrpc.h>

/* Exit codes (sysexits-style), documented in --help and the README. */
enum cli_exit {
    EXIT_OK = 0,
    EXIT_FAULT = 1,      /* the server answered with an XML-RPC fault or JSON-RPC error */
    EXIT_PARTIAL = 2,    /* import: some rows failed */
    EXIT_USAGE = 64,     /* bad command line */
    EXIT_DATA = 65,      /* invalid field value, found before sending */
    EXIT_TRANSPORT = 69, /* cannot connect, TLS failure, timeout */
    EXIT_PROTOCOL = 76,  /* the answer is not the API's (HTTP error, HTML page, ...) */
    EXIT_UNKNOWN = 75,   /* create: the request went out, its answer was lost */
    EXIT_AUTH = 77       /* HTTP 401: credentials missing or refused */
};

/* The program name in messages ("custrpc"; custrpc-conform sets its own), and the subcommand
 * being run ("create", "partner add"; NULL for none): "custrpc: create: message". */
extern const char *cli_program;
extern const char *cli_command;

/* "Try 'custrpc create --help' for more information." on stderr, after a usage error. */
void cli_try_help(void);

/* The exit codes with their meaning, for --help and the man page alike. */
struct cli_exit_doc {
    int code;
    const char *text;
};
extern const struct cli_exit_doc cli_exit_docs[]; /* ends with text NULL */
void cli_exit_help(FILE *out);

/* The connection options, in groups; a program has the groups it uses, and its --help, man page
 * and option table show only those. */
enum conn_group {
    CONN_URL = 1u << 0,        /* --url */
    CONN_USER = 1u << 1,       /* --user, --password-file */
    CONN_WHOLESALER = 1u << 2, /* --wholesaler */
    CONN_TLS = 1u << 3,        /* --cacert, --insecure */
    CONN_TIMEOUT = 1u << 4,    /* --timeout */
    CONN_VERBOSE = 1u << 5,    /* -v, --verbose: the XML on the wire */
    CONN_OUTPUT = 1u << 6,     /* --output text|json */
    /* The partner API (JSON-RPC, custrpc partner): its own --url (default .../jsonapi), Login's
     * --partner, --user and --password-file, --visa-refresh, and -v showing JSON. */
    CONN_PARTNER = 1u << 7,
    /* --config FILE, and the defaults of the XML-RPC connection read from it (or from
     * $XDG_CONFIG_HOME/custrpc/config) after the command line and the environment */
    CONN_CONFIG = 1u << 8
};
#define CONN_ALL (0x7fu | CONN_CONFIG) /* the XML-RPC commands' groups */
#define CONN_PARTNER_ALL (CONN_PARTNER | CONN_TLS | CONN_TIMEOUT | CONN_OUTPUT)
#define CONN_PARTNER_URL "http://127.0.0.1:8000/jsonapi" /* custrpc-server's default listen */

struct conn_options {
    unsigned groups; /* enum conn_group: the options this program has */
    const char *url;
    const char *user;
    const char *password_file;
    const char *cacert;
    bool insecure;
    unsigned timeout_s;
    int64_t wholesaler; /* 0: not trusted mode */
    bool verbose;
    const char *output;      /* "text" or "json" */
    const char *partner;     /* CONN_PARTNER: Login's partner name */
    unsigned visa_refresh_s; /* CONN_PARTNER: 0 for the library's default */
    const char *config;      /* CONN_CONFIG: --config FILE */
    bool timeout_set;        /* --timeout was given */
};

/* getopt_long values of the connection options start here; field options use CLI_FIELD_OPT + id. */
#define CLI_CONN_OPT 0x100
#define CLI_FIELD_OPT 0x200
#define CLI_SECRET_TRAP 0x300
#define CLI_CMD_OPT 0x400
#define CLI_OPT_HELP 0x4ff
#define CLI_HELP_OPTION                                                                            \
    {                                                                                              \
        "help", no_argument, NULL, CLI_OPT_HELP                                                    \
    }

struct conn_options;

/* Handles one option of a command's own (returns EXIT_OK, or the exit code of a bad value). */
typedef int cli_option_fn(void *ctx, int opt, const char *arg);

/* The option loop every program shares: the connection options of conn->groups plus the tables
 * a and b (either may be NULL; each ends with a zero entry), own() for the rest (also -v when
 * the program has no CONN_VERBOSE), --help printing usage to stdout and setting *done. Returns
 * EXIT_OK or the exit code of the first bad option; positional arguments start at optind. */
int cli_parse(int argc, char **argv, const struct option *a, const struct option *b,
              struct conn_options *conn, cli_option_fn *own, void *ctx, void (*usage)(FILE *),
              bool *done);

/* The help lines of the connection options in groups (a "Connection:" block). */
void cli_conn_help(FILE *out, unsigned groups);

/* The getopt table cli_parse uses: the connection options of groups, then a and b (either may
 * be NULL); caller frees. */
struct option *cli_options(unsigned groups, const struct option *a, const struct option *b);

/* getopt_long with its own messages replaced by ours (cli_usage_error): an unknown option gets
 * the nearest one of opts as a suggestion. Returns what getopt_long does, '?' for any error. */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *opts);

/* The documentation generators' view of a program: when set, cli_parse hands the whole option
 * table getopt would use and the usage function to it instead of parsing, and sets *done. */
typedef void cli_describe_fn(const struct option *opts, void (*usage)(FILE *));
extern cli_describe_fn *cli_describe;

/* Whether an option is one that only refuses (--password, --web-password): not offered in
 * completions or suggestions. */
bool cli_option_hidden(const struct option *o);

/* Whether arg is a connection option that custrpc takes before its command ("--url",
 * "--url=X", "-v"): -1 when not, else how many following arguments it takes (0 or 1). */
int cli_global_option(const char *arg);

/* The candidate nearest to word by edit distance (a transposition counts one), or NULL when
 * none is near enough to be what was meant. */
const char *cli_nearest(const char *word, const char *const *candidates, size_t n);

/* Defaults (CUSTRPC_URL, 30 s, text) for a program with the given option groups; with
 * CONN_PARTNER the URL is $CUSTRPC_PARTNER_URL or CONN_PARTNER_URL. What the command line leaves
 * unset is then taken (in cli_parse) from $CUSTRPC_USER and, with CONN_CONFIG, the config file. */
void conn_defaults(struct conn_options *o, unsigned groups);
/* The config file's defaults and $CUSTRPC_USER for what the command line left unset; cli_parse
 * calls it. Returns an exit code. */
int conn_finish(struct conn_options *o);
/* The password for o->user: --password-file, else $CUSTRPC_PASSWORD, else the config file's
 * password or password-file (when the file names no user or this one), else a no-echo prompt
 * on a terminal; NULL with *failed = 0 when none is available. Caller wipes and frees. */
char *conn_password(const struct conn_options *o, int *failed);
/* conn_password for a --user that must have one: a usage error naming the places a password
 * comes from when none is available. Returns an exit code; *password is the caller's. */
int conn_require_password(const struct conn_options *o, char **password);
/* Applies one parsed connection option; returns 1 when it was one, 0 when not, -1 on error. */
int conn_apply(struct conn_options *o, int opt, const char *arg);
/* Opens a client from the options: the password comes from --password-file, CUSTRPC_PASSWORD,
 * or a no-echo prompt on a terminal. Returns an exit code (EXIT_OK on success). */
int conn_open(const struct conn_options *o, struct custrpc_client **out);

/* Reads a secret: from file when given (password_file.h's rule), else from the environment
 * variable (env NULL: none), else (prompt not NULL and stdin a terminal) by a no-echo prompt;
 * NULL with *failed = 0 when none is available; a bad file is reported and sets *failed. */
char *cli_read_secret(const char *file, const char *env, const char *prompt, int *failed);

/* Prints err for a person ("custrpc: fault 1010: name: ...") and returns its exit code. */
int cli_report(const struct custrpc_error *err);
/* Whether the server may have carried the call out although err says it failed: the request
 * went out and no usable answer came back (cut off, timed out, an answer that does not parse,
 * an HTTP 5xx). A refused connection, a fault or a 4xx is not that. */
bool cli_outcome_unknown(const struct custrpc_error *err);
/* cli_report for a call that changes something (a create, a payment): when the request went
 * out and its answer was lost (cli_outcome_unknown), sending it again could do it twice, so say
 * "unknown whether WHAT" and how to find out ("check with: CHECK") and return EXIT_UNKNOWN; an
 * answer that is not the API's keeps its own status (more likely a wrong URL), with the same
 * advice. */
int cli_report_unknown(const struct custrpc_error *err, const char *what, const char *check);

/* Parses option's decimal argument in min..max; on failure prints "cmd: --option: ..." and
 * returns -1. */
int cli_number(const char *cmd, const char *option, const char *arg, long long min, long long max,
               long long *out);

void cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
