/* cli.c — what the command-line programs share (see cli.h). */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "password_file.h"

enum {
    OPT_URL = CLI_CONN_OPT,
    OPT_USER,
    OPT_PASSWORD_FILE,
    OPT_WHOLESALER,
    OPT_CACERT,
    OPT_INSECURE,
    OPT_TIMEOUT,
    OPT_VERBOSE,
    OPT_OUTPUT,
    OPT_PASSWORD_TRAP,
    OPT_PARTNER,
    OPT_VISA_REFRESH,
    OPT_CONFIG
};

/* Each connection option once: its group, its getopt entry and its help line (NULL: none). */
static const struct conn_option {
    unsigned group;
    struct option opt;
    const char *help;
} conn_table[] = {
    {CONN_URL,
     {"url", required_argument, NULL, OPT_URL},
     "  --url URL               server endpoint (or $CUSTRPC_URL), e.g. "
     "https://switch/xmlapi/xmlapi\n"},
    {CONN_USER,
     {"user", required_argument, NULL, OPT_USER},
     "  --user LOGIN            web_login to authenticate as (HTTP Digest, or Basic if asked;\n"
     "                          or $CUSTRPC_USER)\n"},
    {CONN_USER,
     {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
     "  --password-file FILE    its API password: the first line of FILE (else\n"
     "                          $CUSTRPC_PASSWORD, else a prompt)\n"},
    {CONN_CONFIG,
     {"config", required_argument, NULL, OPT_CONFIG},
     "  --config FILE           connection defaults (url, user, password or password-file,\n"
     "                          timeout, cacert, insecure; \"key = value\" lines) instead of\n"
     "                          $XDG_CONFIG_HOME/custrpc/config (~/.config/custrpc/config);\n"
     "                          the command line, then the environment, override them\n"},
    /* Exact, so that "--password x" is refused instead of read as --password-file x. */
    {CONN_USER, {"password", required_argument, NULL, OPT_PASSWORD_TRAP}, NULL},
    {CONN_WHOLESALER,
     {"wholesaler", required_argument, NULL, OPT_WHOLESALER},
     "  --wholesaler N          trusted mode: no credentials, act for customer N (i_wholesaler)\n"},
    {CONN_TLS,
     {"cacert", required_argument, NULL, OPT_CACERT},
     "  --cacert FILE           trust the CAs in this PEM file\n"},
    {CONN_TLS,
     {"insecure", no_argument, NULL, OPT_INSECURE},
     "  --insecure              do not verify the server's TLS certificate\n"},
    {CONN_TIMEOUT,
     {"timeout", required_argument, NULL, OPT_TIMEOUT},
     "  --timeout SECONDS       whole call, connecting included (default 30)\n"},
    {CONN_VERBOSE,
     {"verbose", no_argument, NULL, 'v'},
     "  -v, --verbose           trace the XML on the wire to stderr (passwords masked)\n"},
    {CONN_OUTPUT,
     {"output", required_argument, NULL, OPT_OUTPUT},
     "  --output text|json      how results are printed (default text)\n"},
    /* The partner API's: the same option values (conn_apply), their own help lines. */
    {CONN_PARTNER,
     {"url", required_argument, NULL, OPT_URL},
     "  --url URL               the partner API's endpoint (or $CUSTRPC_PARTNER_URL; default\n"
     "                          " CONN_PARTNER_URL ")\n"},
    {CONN_PARTNER,
     {"partner", required_argument, NULL, OPT_PARTNER},
     "  --partner NAME          the partner the user belongs to (Login's partner: its Name)\n"},
    {CONN_PARTNER,
     {"user", required_argument, NULL, OPT_USER},
     "  --user LOGIN            the API user (Login's username)\n"},
    {CONN_PARTNER,
     {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
     "  --password-file FILE    its password: the first line of FILE (else\n"
     "                          $CUSTRPC_PASSWORD, else a prompt)\n"},
    {CONN_PARTNER, {"password", required_argument, NULL, OPT_PASSWORD_TRAP}, NULL},
    {CONN_PARTNER,
     {"visa-refresh", required_argument, NULL, OPT_VISA_REFRESH},
     "  --visa-refresh SECONDS  log in again before a call when the visa is older (default\n"
     "                          840; visas live 900)\n"},
    {CONN_PARTNER,
     {"verbose", no_argument, NULL, 'v'},
     "  -v, --verbose           trace the JSON on the wire to stderr (password and visas\n"
     "                          masked)\n"},
};
#define N_CONN (sizeof conn_table / sizeof conn_table[0])

void cli_conn_help(FILE *out, unsigned groups)
{
    fputs("Connection:\n", out);
    for (size_t i = 0; i < N_CONN; i++)
        if ((conn_table[i].group & groups) && conn_table[i].help)
            fputs(conn_table[i].help, out);
}

const char *cli_program = "custrpc";
const char *cli_command = NULL;
cli_describe_fn *cli_describe = NULL;

void cli_try_help(void)
{
    fprintf(stderr, "Try '%s%s%s --help' for more information.\n", cli_program,
            cli_command ? " " : "", cli_command ? cli_command : "");
}

bool cli_option_hidden(const struct option *o)
{
    return o->val == OPT_PASSWORD_TRAP ||
           (o->val >= CLI_SECRET_TRAP && o->val < CLI_SECRET_TRAP + CUSTRPC_FIELD_COUNT);
}

int cli_global_option(const char *arg)
{
    if (strcmp(arg, "-v") == 0)
        return 0;
    if (strncmp(arg, "--", 2) != 0)
        return -1;
    size_t len = strcspn(arg + 2, "=");
    /* As getopt_long: the exact name, else an unambiguous prefix. */
    const struct option *found = NULL;
    for (size_t i = 0; i < N_CONN; i++) {
        const struct option *o = &conn_table[i].opt;
        if (!conn_table[i].help || strncmp(o->name, arg + 2, len) != 0)
            continue;
        if (strlen(o->name) == len) {
            found = o;
            break;
        }
        if (found && strcmp(found->name, o->name) != 0)
            return -1; /* ambiguous: the command's getopt would say so, with the choices */
        found = o;
    }
    if (!found)
        return -1;
    return found->has_arg == required_argument && arg[2 + len] != '=' ? 1 : 0;
}

/* Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbours each count one ("emial" is one from "email"). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

const char *cli_nearest(const char *word, const char *const *candidates, size_t n)
{
    /* Near enough: two edits, and fewer than a third of the word for short ones. */
    size_t limit = strlen(word) < 6 ? 1 + (strlen(word) > 3) : 2, best = limit + 1;
    const char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, candidates[i]);
        if (d < best) {
            best = d;
            found = candidates[i];
        }
    }
    return found;
}

const struct cli_exit_doc cli_exit_docs[] = {
    {EXIT_OK, "success"},
    {EXIT_FAULT, "the server answered with an XML-RPC fault or a JSON-RPC error (shown as "
                 "\"fault CODE: text\"; CODE is a JSON-RPC error's data when it has one)"},
    {EXIT_PARTIAL, "an import left rows failed, invalid or not sent (see the results file)"},
    {EXIT_USAGE, "usage error"},
    {EXIT_DATA, "invalid value or file, found before anything was sent"},
    {EXIT_TRANSPORT, "cannot connect, TLS failure, or timed out"},
    {EXIT_PROTOCOL, "the answer is not the API's (an HTTP error status, an HTML page, ...)"},
    {EXIT_UNKNOWN, "create, add-funds, credit, debit: the request was sent but its answer was "
                   "lost (cut off, timed out, HTTP 5xx): unknown whether it took effect; the "
                   "message says how to check (custrpc get) before sending it again"},
    {EXIT_AUTH, "authentication failed (HTTP 401)"},
    {-1, NULL},
};

void cli_exit_help(FILE *out)
{
    fputs("\nExit status:\n", out);
    for (const struct cli_exit_doc *d = cli_exit_docs; d->text; d++)
        fprintf(out, "  %-3d %s\n", d->code, d->text);
}

void conn_defaults(struct conn_options *o, unsigned groups)
{
    memset(o, 0, sizeof *o);
    o->groups = groups;
    o->url = getenv("CUSTRPC_URL");
    if (groups & CONN_PARTNER) {
        o->url = getenv("CUSTRPC_PARTNER_URL");
        if (!o->url || !*o->url)
            o->url = CONN_PARTNER_URL;
    }
    o->timeout_s = 30;
    o->output = "text";
}

/* The config file's values: read once per process, kept like argv until it exits. */
static struct {
    char *url, *user, *password, *password_file, *cacert;
    unsigned timeout_s;
    bool insecure, loaded;
} config;

static void config_wipe(void)
{
    if (config.password)
        memset(config.password, 0, strlen(config.password));
}

/* One "key = value" line into config; -1 with a message on a bad one. */
static int config_line(const char *path, unsigned lineno, char *line)
{
    char *eq = strchr(line, '=');
    if (!eq) {
        cli_usage_error(NULL, "%s:%u: expected \"key = value\"", path, lineno);
        return -1;
    }
    char *key = line + strspn(line, " \t"), *value = eq + 1, *end = eq;
    while (end > key && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *end = '\0';
    value += strspn(value, " \t");
    end = value + strlen(value);
    while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *end = '\0';
    /* Each key once; those with a text value say where it goes. */
    const struct {
        const char *key;
        char **text;
    } keys[] = {
        {"url", &config.url},
        {"user", &config.user},
        {"password", &config.password},
        {"password-file", &config.password_file},
        {"timeout", NULL},
        {"cacert", &config.cacert},
        {"insecure", NULL},
    };
    const size_t n_keys = sizeof keys / sizeof keys[0];
    size_t k = 0;
    while (k < n_keys && strcmp(key, keys[k].key) != 0)
        k++;
    if (k == n_keys) {
        const char *names[sizeof keys / sizeof keys[0]];
        for (size_t i = 0; i < n_keys; i++)
            names[i] = keys[i].key;
        const char *near = cli_nearest(key, names, n_keys);
        cli_usage_error(NULL, "%s:%u: unknown key '%s'%s%s%s", path, lineno, key,
                        near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        return -1;
    }
    if (keys[k].text) {
        free(*keys[k].text);
        *keys[k].text = strdup(value);
        return *keys[k].text ? 0 : -1;
    }
    if (strcmp(key, "insecure") == 0) {
        bool yes = strcmp(value, "yes") == 0 || strcmp(value, "true") == 0;
        if (!yes && strcmp(value, "no") != 0 && strcmp(value, "false") != 0) {
            cli_usage_error(NULL, "%s:%u: insecure: \"%s\" is not yes or no", path, lineno, value);
            return -1;
        }
        config.insecure = yes;
        return 0;
    }
    char what[64];
    long long v;
    snprintf(what, sizeof what, "timeout (%.40s:%u)", path, lineno);
    if (cli_number(NULL, what, value, 1, 3600, &v) < 0)
        return -1;
    config.timeout_s = (unsigned)v;
    return 0;
}

/* Reads the config file: path (--config; must exist) or the default one (may be missing). */
static int config_load(const char *given)
{
    if (config.loaded)
        return EXIT_OK;
    config.loaded = true;
    char buf[4096];
    const char *path = given, *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (!path && xdg && *xdg)
        snprintf(buf, sizeof buf, "%s/custrpc/config", xdg);
    else if (!path && home && *home)
        snprintf(buf, sizeof buf, "%s/.config/custrpc/config", home);
    else if (!path)
        return EXIT_OK;
    if (!path)
        path = buf;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        if (!given && errno == ENOENT)
            return EXIT_OK; /* no config file: nothing to default */
        cli_usage_error(NULL, "--config: %s: %s", path, strerror(errno));
        return EXIT_USAGE;
    }
    atexit(config_wipe);
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    int status = EXIT_OK;
    while (status == EXIT_OK && getline(&line, &cap, fp) > 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        const char *text = line + strspn(line, " \t");
        if (*text && *text != '#' && config_line(path, lineno, line) < 0)
            status = EXIT_USAGE;
    }
    struct stat st;
    /* As curl does for .netrc: a password others can read is no secret. */
    if (status == EXIT_OK && config.password && fstat(fileno(fp), &st) == 0 &&
        (st.st_mode & (S_IRGRP | S_IROTH)))
        fprintf(stderr,
                "%s: warning: %s holds a password and is readable by group or others; "
                "chmod 600 %s, or use password-file\n",
                cli_program, path, path);
    if (line)
        memset(line, 0, cap);
    free(line);
    fclose(fp);
    return status;
}

int conn_finish(struct conn_options *o)
{
    /* Trusted mode sends no credentials: a default user must not turn it into a conflict. */
    const char *env_user = getenv("CUSTRPC_USER");
    if ((o->groups & CONN_USER) && !o->user && !o->wholesaler && env_user && *env_user)
        o->user = env_user;
    if (!(o->groups & CONN_CONFIG))
        return EXIT_OK;
    int status = config_load(o->config);
    if (status != EXIT_OK)
        return status;
    if (!o->url)
        o->url = config.url;
    if (!o->user && !o->wholesaler)
        o->user = config.user;
    if (!o->timeout_set && config.timeout_s)
        o->timeout_s = config.timeout_s;
    if (!o->cacert)
        o->cacert = config.cacert;
    o->insecure |= config.insecure;
    return EXIT_OK;
}

char *conn_password(const struct conn_options *o, int *failed)
{
    char *password = cli_read_secret(o->password_file, "CUSTRPC_PASSWORD", NULL, failed);
    if (password || *failed)
        return password;
    /* The file's password is its user's: not sent for another one. */
    bool theirs = !config.user || (o->user && strcmp(o->user, config.user) == 0);
    if (theirs && config.password)
        return strdup(config.password);
    return cli_read_secret(theirs ? config.password_file : NULL, NULL, "API password: ", failed);
}

int cli_number(const char *cmd, const char *option, const char *arg, long long min, long long max,
               long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (errno || *end || end == arg || v < min || v > max) {
        cli_usage_error(cmd, "--%s: \"%s\" is not a number %lld..%lld", option, arg, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int conn_apply(struct conn_options *o, int opt, const char *arg)
{
    bool had = false; /* only the options of the program's groups */
    for (size_t i = 0; i < N_CONN; i++)
        had |= conn_table[i].opt.val == opt && (conn_table[i].group & o->groups);
    if (!had)
        return 0;
    switch (opt) {
    case OPT_URL: o->url = arg; return 1;
    case OPT_USER: o->user = arg; return 1;
    case OPT_PARTNER: o->partner = arg; return 1;
    case OPT_VISA_REFRESH: {
        long long v;
        if (cli_number(NULL, "visa-refresh", arg, 1, 86400, &v) < 0)
            return -1;
        o->visa_refresh_s = (unsigned)v;
        return 1;
    }
    case OPT_PASSWORD_FILE: o->password_file = arg; return 1;
    case OPT_CACERT: o->cacert = arg; return 1;
    case OPT_CONFIG: o->config = arg; return 1;
    case OPT_INSECURE: o->insecure = true; return 1;
    case OPT_PASSWORD_TRAP:
        cli_usage_error(
            NULL, "--password: passwords are not taken on the command line; use --password-file "
                  "FILE, $CUSTRPC_PASSWORD or the prompt");
        return -1;
    case 'v': o->verbose = true; return 1;
    case OPT_WHOLESALER: {
        long long v;
        if (cli_number(NULL, "wholesaler", arg, 1, INT32_MAX, &v) < 0)
            return -1;
        o->wholesaler = v;
        return 1;
    }
    case OPT_TIMEOUT: {
        long long v;
        if (cli_number(NULL, "timeout", arg, 1, 3600, &v) < 0)
            return -1;
        o->timeout_s = (unsigned)v;
        o->timeout_set = true;
        return 1;
    }
    case OPT_OUTPUT:
        if (strcmp(arg, "text") != 0 && strcmp(arg, "json") != 0) {
            cli_usage_error(NULL, "--output: \"%s\" is not text or json", arg);
            return -1;
        }
        o->output = arg;
        return 1;
    default: return 0;
    }
}

/* Reads one line without echo from the terminal. */
static char *prompt_secret(const char *prompt)
{
    struct termios old, quiet;
    if (tcgetattr(STDIN_FILENO, &old) != 0)
        return NULL;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    fprintf(stderr, "%s", prompt);
    fflush(stderr);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fputc('\n', stderr);
    if (n <= 0) {
        free(line);
        return NULL;
    }
    line[strcspn(line, "\r\n")] = '\0';
    return line;
}

char *cli_read_secret(const char *file, const char *env, const char *prompt, int *failed)
{
    *failed = 0;
    if (file) {
        char *password;
        struct custrpc_error err;
        if (password_file_read(file, &password, &err) < 0) {
            fprintf(stderr, "%s: %s\n", cli_program, err.message);
            *failed = 1;
            return NULL;
        }
        return password;
    }
    const char *value = env ? getenv(env) : NULL;
    if (value)
        return strdup(value);
    if (prompt && isatty(STDIN_FILENO))
        return prompt_secret(prompt);
    return NULL;
}

int conn_require_password(const struct conn_options *o, char **password)
{
    int failed;
    *password = conn_password(o, &failed);
    if (failed)
        return EXIT_USAGE;
    if (!*password) {
        cli_usage_error(NULL,
                        "--user needs a password: --password-file, CUSTRPC_PASSWORD or a terminal");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int conn_open(const struct conn_options *o, struct custrpc_client **out)
{
    if (!o->url) {
        cli_usage_error(NULL, "no server: give --url or set CUSTRPC_URL");
        return EXIT_USAGE;
    }
    if (o->user && o->wholesaler) {
        cli_usage_error(
            NULL, "--user and --wholesaler exclude each other (trusted mode sends no credentials)");
        return EXIT_USAGE;
    }
    char *password = NULL;
    int status = o->user ? conn_require_password(o, &password) : EXIT_OK;
    if (status != EXIT_OK)
        return status;
    struct custrpc_client_options co = {
        .url = o->url,
        .user = o->user,
        .password = password,
        .cacert = o->cacert,
        .insecure = o->insecure,
        .timeout_ms = o->timeout_s * 1000,
        .trace = o->verbose ? stderr : NULL,
    };
    struct custrpc_error err;
    int rc = custrpc_client_new(out, &co, &err);
    if (password) {
        memset(password, 0, strlen(password));
        free(password);
    }
    return rc < 0 ? cli_report(&err) : EXIT_OK;
}

int cli_report(const struct custrpc_error *err)
{
    switch (err->kind) {
    case CUSTRPC_KIND_FAULT:
        fprintf(stderr, "%s: fault %d: %s\n", cli_program, err->code, err->message);
        return EXIT_FAULT;
    case CUSTRPC_KIND_HTTP:
        fprintf(stderr, "%s: %s\n", cli_program, err->message);
        return err->code == CUSTRPC_E_AUTH ? EXIT_AUTH : EXIT_PROTOCOL;
    case CUSTRPC_KIND_TRANSPORT:
        fprintf(stderr, "%s: %s: %s\n", cli_program, custrpc_code_name(err->code), err->message);
        return err->code == CUSTRPC_E_PROTOCOL ? EXIT_PROTOCOL : EXIT_TRANSPORT;
    default: fprintf(stderr, "%s: %s\n", cli_program, err->message); return EXIT_DATA;
    }
}

bool cli_outcome_unknown(const struct custrpc_error *err)
{
    if (err->kind == CUSTRPC_KIND_TRANSPORT)
        return err->code != CUSTRPC_E_CONNECT;
    return err->kind == CUSTRPC_KIND_HTTP && err->http_status >= 500;
}

int cli_report_unknown(const struct custrpc_error *err, const char *what, const char *check)
{
    if (!cli_outcome_unknown(err))
        return cli_report(err);
    int status = EXIT_UNKNOWN;
    if (err->kind == CUSTRPC_KIND_TRANSPORT && err->code == CUSTRPC_E_PROTOCOL)
        status = cli_report(err);
    else
        fprintf(stderr,
                "%s: unknown whether %s: the request was sent but no usable answer came back "
                "(%s)\n",
                cli_program, what, err->message);
    fprintf(stderr, "%s: check with: %s\n", cli_program, check);
    return status;
}

static size_t count(const struct option *o)
{
    size_t n = 0;
    while (o && o[n].name)
        n++;
    return n;
}

struct option *cli_options(unsigned groups, const struct option *a, const struct option *b)
{
    size_t na = count(a), nb = count(b), n = 0;
    struct option *all = calloc(N_CONN + na + nb + 1, sizeof *all);
    if (!all)
        return NULL;
    for (size_t i = 0; i < N_CONN; i++)
        if (conn_table[i].group & groups)
            all[n++] = conn_table[i].opt;
    if (na)
        memcpy(all + n, a, na * sizeof *all);
    if (nb)
        memcpy(all + n + na, b, nb * sizeof *all);
    return all;
}

/* Says what was wrong with the option getopt_long refused (its own messages are off): which
 * one, and the nearest option the program has when one is near enough. */
static void bad_option(const struct option *opts, int ret, char **argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    bool is_long = strncmp(arg, "--", 2) == 0;
    if (!is_long && ret == ':') {
        cli_usage_error(NULL, "option requires an argument -- '%c'", optopt);
        return;
    }
    if (!is_long) {
        cli_usage_error(NULL, "invalid option -- '%c'", optopt ? optopt : '?');
        return;
    }
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
    if (ret == ':') {
        cli_usage_error(NULL, "option '--%s' requires an argument", name);
        return;
    }
    if (optopt) { /* a long option that takes no argument was given one */
        cli_usage_error(NULL, "option '--%s' doesn't allow an argument", name);
        return;
    }
    size_t n = 0, prefixed = 0;
    while (opts[n].name)
        n++;
    const char **names = calloc(n + 1, sizeof *names);
    if (!names) {
        cli_usage_error(NULL, "unrecognized option '--%s'", name);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!cli_option_hidden(&opts[i]))
            names[k++] = opts[i].name;
    const char *only = NULL;
    for (size_t i = 0; i < k; i++)
        if (strncmp(names[i], name, strlen(name)) == 0) {
            prefixed++;
            only = names[i];
        }
    /* getopt_long refuses a prefix of two options, even when one of them only refuses. */
    if (prefixed > 1) {
        cli_usage_error(NULL, "option '--%s' is ambiguous; give more of its name", name);
    } else if (prefixed == 1) {
        cli_usage_error(NULL, "option '--%s' is ambiguous; did you mean '--%s'?", name, only);
    } else {
        const char *near = cli_nearest(name, names, k);
        cli_usage_error(NULL, "unrecognized option '--%s'%s%s%s", name,
                        near ? "; did you mean '--" : "", near ? near : "", near ? "'?" : "");
    }
    free(names);
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *opts)
{
    char with_colon[32];
    /* ':' first: a missing argument is told apart from an unknown option. */
    snprintf(with_colon, sizeof with_colon, ":%s", shortopts);
    opterr = 0;
    int opt = getopt_long(argc, argv, with_colon, opts, NULL);
    if (opt == '?' || opt == ':') {
        bad_option(opts, opt, argv);
        return '?';
    }
    return opt;
}

int cli_parse(int argc, char **argv, const struct option *a, const struct option *b,
              struct conn_options *conn, cli_option_fn *own, void *ctx, void (*usage)(FILE *),
              bool *done)
{
    *done = false;
    struct option *opts = cli_options(conn->groups, a, b);
    if (!opts)
        return EXIT_DATA;
    if (cli_describe) {
        cli_describe(opts, usage);
        free(opts);
        *done = true;
        return EXIT_OK;
    }
    int status = EXIT_OK, opt;
    while (status == EXIT_OK && (opt = cli_getopt(argc, argv, "hv", opts)) != -1) {
        int r;
        if (opt == CLI_OPT_HELP || opt == 'h') {
            usage(stdout);
            *done = true;
            break;
        }
        if (opt == '?')
            status = EXIT_USAGE;
        else if ((r = conn_apply(conn, opt, optarg)) != 0)
            status = r < 0 ? EXIT_USAGE : EXIT_OK;
        else
            status = own ? own(ctx, opt, optarg) : EXIT_USAGE;
    }
    free(opts);
    if (status == EXIT_OK && !*done)
        status = conn_finish(conn);
    return status;
}

void cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!cmd)
        cmd = cli_command;
    fprintf(stderr, "%s: %s%s", cli_program, cmd ? cmd : "", cmd ? ": " : "");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
