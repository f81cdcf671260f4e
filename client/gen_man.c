/* gen_man.c — writes the custrpc(1) man page to stdout at build time, from the same command
 * table, option tables, field table, option texts and exit codes that --help uses, so the two
 * cannot drift apart. Each command is asked for its getopt table and its usage function
 * (cli_describe). With --bash-completion it writes the bash completion from the same tables;
 * with --options, each command's options one a line ("create --email"), for the tests. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common/cli.h"
#include "common/optdoc.h"
#include "field_options.h"
#include "message_options.h"

static void roff(const char *s)
{
    man_text(stdout, s);
}

static void block(const char *text)
{
    man_block(stdout, text);
}

/* --- each command's options, as the command itself reports them ------------------------- */

struct described {
    const char *cmd, *sub; /* "partner", "add"; sub NULL for none */
    struct option *opts;   /* what getopt_long gets, ends with name NULL */
    char *usage;           /* what --help prints */
};

static struct described *collecting;

static void collect(const struct option *opts, void (*usage)(FILE *))
{
    size_t n = 0;
    while (opts[n].name)
        n++;
    collecting->opts = calloc(n + 1, sizeof *opts);
    if (!collecting->opts)
        exit(1);
    memcpy(collecting->opts, opts, n * sizeof *opts);
    size_t len;
    FILE *mem = open_memstream(&collecting->usage, &len);
    if (!mem)
        exit(1);
    usage(mem);
    fclose(mem);
}

/* Every command and partner subcommand with its options; ends with cmd NULL. */
static struct described *describe_all(void)
{
    static struct described all[64];
    size_t n = 0;
    cli_describe = collect;
    for (const struct command *c = command_table; c->name; c++)
        for (size_t i = 0; n < 63 && (i == 0 || c->subcommand); i++) {
            const char *sub = c->subcommand ? c->subcommand(i) : NULL;
            if (c->subcommand && !sub)
                break;
            all[n] = (struct described){c->name, sub, NULL, NULL};
            collecting = &all[n];
            char *argv[] = {(char *)c->name, (char *)sub, NULL};
            optind = 1;
            c->run(sub ? 2 : 1, argv);
            if (all[n].opts)
                n++;
        }
    cli_describe = NULL;
    return all;
}

enum kind { K_OWN, K_CONN, K_FIELD, K_HIDDEN };

static enum kind kind_of(const struct option *o)
{
    if (cli_option_hidden(o) || o->val == CLI_OPT_HELP)
        return K_HIDDEN;
    if ((o->val >= CLI_CONN_OPT && o->val < CLI_FIELD_OPT) || o->val == 'v')
        return K_CONN;
    if (o->val >= CLI_FIELD_OPT && o->val < CLI_SECRET_TRAP)
        return K_FIELD;
    return K_OWN;
}

/* Finds option's line in a usage text: its left column ("--i-customer N") and its help, the
 * indented lines after it joined. 0 when found. */
static int usage_line(const char *usage, const char *name, char *left, size_t lsize, char *help,
                      size_t hsize)
{
    size_t nlen = strlen(name);
    for (const char *line = usage; *line;
         line += strcspn(line, "\n") + (line[strcspn(line, "\n")] != 0)) {
        size_t len = strcspn(line, "\n"), lead = strspn(line, " ");
        const char *p = line + lead;
        if (lead == 0 || lead > 4 || *p != '-')
            continue;
        if (p[1] != '-' && strncmp(p + 2, ", --", 4) == 0)
            p += 4; /* "-v, --verbose" */
        if (strncmp(p, "--", 2) != 0 || strncmp(p + 2, name, nlen) != 0 ||
            (p[2 + nlen] && strchr(" =[\n", p[2 + nlen]) == NULL))
            continue;
        const char *gap = strstr(line + lead, "  ");
        if (!gap || gap > line + len)
            gap = line + len;
        snprintf(left, lsize, "%.*s", (int)(gap - (line + lead)), line + lead);
        const char *text = gap + strspn(gap, " ");
        help[0] = '\0';
        if (text < line + len)
            snprintf(help, hsize, "%.*s", (int)(line + len - text), text);
        /* Continuation lines are indented past the option column. */
        for (const char *next = line + len + (line[len] == '\n'); *next;) {
            size_t nl = strcspn(next, "\n"), sp = strspn(next, " ");
            if (sp < 10 || sp >= nl)
                break;
            size_t used = strlen(help);
            snprintf(help + used, hsize - used, "%s%.*s", used ? " " : "", (int)(nl - sp),
                     next + sp);
            next += nl + (next[nl] == '\n');
        }
        return 0;
    }
    return -1;
}

/* The man page's COMMANDS section: each command's synopsis, description and own options. */
static void commands_section(const struct described *all)
{
    puts(".SH COMMANDS\nEvery command takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR; "
         "\\fBcustrpc help\\fR \\fICOMMAND\\fR prints the same. Connection options are "
         "listed under CONNECTION OPTIONS (the partner commands' under PARTNER API), the customer "
         "fields of create and update under CUSTOMER FIELDS.");
    for (const struct described *d = all; d->cmd; d++) {
        const char *usage = d->usage;
        if (strncmp(usage, "Usage: ", 7) == 0)
            usage += 7;
        size_t first = strcspn(usage, "\n");
        fputs(".SS ", stdout);
        char *synopsis = strndup(usage, first);
        roff(synopsis ? synopsis : "");
        free(synopsis);
        putchar('\n');
        /* The description: the lines up to a blank one or an option's; a second synopsis
         * ("   or: ...") is left out. */
        const char *p = usage + first + (usage[first] == '\n');
        char *text = calloc(strlen(p) + 1, 1);
        if (!text)
            exit(1);
        for (size_t len; *p && *p != '\n'; p += len + (p[len] == '\n')) {
            len = strcspn(p, "\n");
            const char *start = p + strspn(p, " ");
            if (*start == '-')
                break;
            if (strncmp(start, "or:", 3) == 0)
                continue;
            if (*text)
                strcat(text, " ");
            strncat(text, start, len - (size_t)(start - p));
        }
        roff(text);
        putchar('\n');
        free(text);
        for (const struct option *o = d->opts; o->name; o++) {
            if (kind_of(o) != K_OWN)
                continue;
            char left[256], help[2048];
            if (usage_line(d->usage, o->name, left, sizeof left, help, sizeof help) < 0) {
                snprintf(left, sizeof left, "--%s", o->name);
                help[0] = '\0';
            }
            fputs(".TP\n.B ", stdout);
            roff(left);
            putchar('\n');
            roff(help);
            putchar('\n');
        }
    }
}

static void options_list(const struct described *all)
{
    for (const struct described *d = all; d->cmd; d++)
        for (const struct option *o = d->opts; o->name; o++)
            if (kind_of(o) != K_HIDDEN)
                printf("%s%s%s --%s\n", d->cmd, d->sub ? " " : "", d->sub ? d->sub : "", o->name);
}

/* --- bash completion ----------------------------------------------------------------------- */

/* The options of d a completion offers, space-separated. */
static void completion_words(const struct described *d)
{
    for (const struct option *o = d->opts; o->name; o++)
        if (kind_of(o) != K_HIDDEN)
            printf(" --%s", o->name);
    fputs(" --help", stdout);
}

/* Whether name takes an argument in any command: its next word is then not a command. */
static bool takes_argument(const struct described *all, const char *name)
{
    bool takes = false;
    for (const struct described *d = all; d->cmd; d++)
        for (const struct option *o = d->opts; o->name; o++)
            if (strcmp(o->name, name) == 0)
                takes |= o->has_arg == required_argument;
    return takes;
}

static int bash_completion(const struct described *all)
{
    puts("# bash completion for custrpc; generated by client/gen-man from custrpc's command and\n"
         "# option tables (the ones --help and custrpc(1) come from). Do not edit.\n"
         "_custrpc()\n"
         "{\n"
         "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
         "    local cmd= sub= i w words");
    /* Options taking a value, in any command: the word after one is its value. */
    fputs("    local valued=\" ", stdout);
    const char *done[1024];
    size_t n_done = 0;
    for (const struct described *d = all; d->cmd; d++)
        for (const struct option *o = d->opts; o->name; o++) {
            bool seen = false;
            for (size_t k = 0; k < n_done && !seen; k++)
                seen = strcmp(done[k], o->name) == 0;
            if (seen || n_done == 1024 || !takes_argument(all, o->name) || kind_of(o) == K_HIDDEN)
                continue;
            done[n_done++] = o->name;
            printf("--%s ", o->name);
        }
    /* The commands whose first word is a subcommand (partner, admin). */
    fputs("\"\n    local with_subs=\" ", stdout);
    for (const struct command *c = command_table; c->name; c++)
        if (c->subcommand)
            printf("%s ", c->name);
    puts(
        "\"\n"
        "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
        "        w=${COMP_WORDS[i]}\n"
        "        case $w in\n"
        "        --*=*) ;;\n"
        "        -*) [[ $valued == *\" $w \"* ]] && ((i++)) ;;\n"
        "        *) if [[ -z $cmd ]]; then cmd=$w\n"
        "           elif [[ -z $sub && ( $with_subs == *\" $cmd \"* || $cmd == help ) ]]; then "
        "sub=$w; fi ;;\n"
        "        esac\n"
        "    done\n"
        "    if [[ $prev == -* && $valued == *\" $prev \"* && $prev != --output ]]; then\n"
        "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
        "        return\n"
        "    fi\n"
        "    [[ $prev == --output ]] && { COMPREPLY=($(compgen -W 'text json' -- \"$cur\")); "
        "return; }\n"
        "    case \"$cmd${sub:+ $sub}\" in");
    /* No command yet: the commands, help and the options custrpc takes before one. */
    fputs("    '') words='help", stdout);
    for (const struct command *c = command_table; c->name; c++)
        printf(" %s", c->name);
    struct option *conn = cli_options(CONN_ALL, NULL, NULL);
    for (const struct option *o = conn; o && o->name; o++)
        if (!cli_option_hidden(o))
            printf(" --%s", o->name);
    free(conn);
    puts(" --help --version' ;;");
    /* help [COMMAND [SUBCOMMAND]] */
    fputs("    help) words='", stdout);
    for (const struct command *c = command_table; c->name; c++)
        printf("%s%s", c == command_table ? "" : " ", c->name);
    puts("' ;;");
    for (const struct command *c = command_table; c->name; c++) {
        if (!c->subcommand)
            continue;
        printf("    %s|'help %s') words='", c->name, c->name);
        for (size_t i = 0; c->subcommand(i); i++)
            printf("%s%s", i ? " " : "", c->subcommand(i));
        puts(" --help' ;;");
    }
    for (const struct described *d = all; d->cmd; d++) {
        printf("    '%s%s%s') words='", d->cmd, d->sub ? " " : "", d->sub ? d->sub : "");
        completion_words(d);
        puts("' ;;");
    }
    puts("    *) words= ;;\n"
         "    esac\n"
         "    if [[ $cur != -* && -n $cmd && $cmd != help && ( $with_subs != *\" $cmd \"* || -n $sub "
         ") ]]; "
         "then\n"
         "        COMPREPLY=($(compgen -f -- \"$cur\"))  # a FILE argument (import)\n"
         "        return\n"
         "    fi\n"
         "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
         "}\n"
         "complete -F _custrpc custrpc");
    return 0;
}

int main(int argc, char **argv)
{
    const struct described *all = describe_all();
    if (argc == 2 && strcmp(argv[1], "--options") == 0) {
        options_list(all);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--bash-completion") == 0)
        return bash_completion(all);
    printf(".TH CUSTRPC 1 \"\" \"custrpc %s\" \"User Commands\"\n", PACKAGE_VERSION);
    puts(".SH NAME\ncustrpc \\- client for the createCustomer() XML\\-RPC API of billing "
         "softswitches");
    puts(".SH SYNOPSIS\n"
         ".B custrpc\n[\\fICONNECTION OPTION\\fR]... \\fICOMMAND\\fR [\\fIOPTION\\fR]...\n.br\n"
         ".B custrpc help\n\\fICOMMAND\\fR [\\fISUBCOMMAND\\fR]");
    puts(".SH DESCRIPTION\n"
         "\\fBcustrpc\\fR creates customers through the createCustomer() XML\\-RPC method that "
         "Sippy\\-style softswitches expose, reads them back with getCustomerInfo, changes, lists, "
         "blocks and deletes them, and imports many from CSV or JSON files; \\fBcustrpc "
         "partner\\fR does the same over a backup platform's partner API. Every value is validated "
         "before anything is sent; errors name the member. Passwords are never taken on the "
         "command line.\n.PP\n"
         "Connection options may come before or after the command (\\fBcustrpc \\-\\-url\\fR "
         "\\fIURL\\fR \\fBget\\fR ... and \\fBcustrpc get \\-\\-url\\fR \\fIURL\\fR ... are "
         "the same). A usage error prints what was wrong, the nearest option or command when one "
         "is near, and \\(lqTry 'custrpc \\fICOMMAND\\fR \\-\\-help'\\(rq, and exits 64. When "
         "the server answers HTTP 404 the message names the endpoint paths to try: /RPC2 "
         "(custrpc\\-server, Sippy) and /xmlapi/xmlapi (Sippy's XML API).");
    puts(".SS Commands");
    for (const struct command *c = command_table; c->name; c++) {
        fputs(".TP\n.B ", stdout);
        roff(c->name);
        putchar('\n');
        char *summary = strdup(c->summary);
        if (!summary)
            return 1;
        for (char *q = summary; *q; q++)
            if (*q == '\n')
                *q = ' ';
        for (char *q = strstr(summary, "  "); q; q = strstr(summary, "  "))
            memmove(q, q + 1, strlen(q));
        roff(summary);
        putchar('\n');
        free(summary);
    }
    commands_section(all);
    puts(".SH CONNECTION OPTIONS");
    char *conn = NULL;
    size_t conn_len = 0;
    FILE *mem = open_memstream(&conn, &conn_len);
    if (!mem)
        return 1;
    cli_conn_help(mem, CONN_ALL);
    fclose(mem);
    block(conn + strlen("Connection:\n"));
    free(conn);
    puts(".SH CUSTOMER FIELDS\nOptions of \\fBcustrpc create\\fR, one per createCustomer member; "
         "the member names also head the columns of an import file.");
    for (const struct option *o = field_options(); o->name; o++) {
        const struct custrpc_field *f =
            custrpc_field_get((enum custrpc_field_id)(o->val - CLI_FIELD_OPT));
        if (o->val >= CLI_SECRET_TRAP || !f)
            continue; /* the traps that refuse passwords on the command line */
        const char *form = field_value_form(f);
        fputs(".TP\n.B \\-\\-", stdout);
        roff(o->name);
        fputs(form[0] == '[' ? "" : " ", stdout);
        roff(form);
        printf("\n%s", (f->flags & CUSTRPC_FLAG_MANDATORY) ? "(mandatory) " : "");
        roff(f->help);
        printf(" [%s]", custrpc_type_name(f->type));
        if (!(f->flags & CUSTRPC_FLAG_SECRET)) { /* a password's example would only confuse */
            fputs("; example: ", stdout);
            roff(f->example);
        }
        putchar('\n');
    }
    puts(".PP\nRIGHTS are add, edit, delete in any combination, all, none, or a number 0..7. "
         "\\fBown\\fR and \\fBunlimited\\fR send <nil/>.");
    puts(".SH PARTNER API\n"
         "\\fBcustrpc partner\\fR \\fBlogin\\fR|\\fBadd\\fR|\\fBget\\fR|\\fBlist\\fR|"
         "\\fBmodify\\fR|\\fBremove\\fR|\\fBlocations\\fR|\\fBstate\\fR|\\fBimport\\fR "
         "call the backup platform's partner API (JSON\\-RPC 2.0 at /jsonapi): Login, AddPartner, "
         "GetPartnerInfo(ById), EnumeratePartners, ModifyPartner, RemovePartner, "
         "EnumerateLocations, "
         "GetPartnerState. The visa is handled for you: Login on the first call, the newest visa "
         "(at "
         "the top level of the request) on every call, one Login again after error 1701, and a "
         "Login "
         "before a call when the visa is older than \\fB\\-\\-visa\\-refresh\\fR seconds "
         "(default 840; visas live 900). \\fBcustrpc import \\-\\-partners\\fR \\fIFILE\\fR "
         "(or \\fBcustrpc partner import\\fR) adds the partners of a CSV file whose header names "
         "PartnerInfo members by path (Name,Level,ParentId,Company.PostAddress.City) or of a JSON "
         "array of PartnerInfo objects, one AddPartner per row. A JSON\\-RPC error is shown as "
         "\\(dqfault DATA: message\\(dq (1701 visa, 2100 Login refused, 13501 not allowed) and "
         "exits 1.");
    puts(".SS Connection options of the partner commands");
    char *pconn = NULL;
    size_t pconn_len = 0;
    FILE *pmem = open_memstream(&pconn, &pconn_len);
    if (!pmem)
        return 1;
    cli_conn_help(pmem, CONN_PARTNER_ALL);
    fclose(pmem);
    block(pconn + strlen("Connection:\n"));
    free(pconn);
    puts(".SS PartnerInfo options of partner add and partner modify\n"
         "One per PartnerInfo member, nested members by path in kebab case; "
         "\\fB\\-\\-json\\fR \\fIFILE\\fR gives a whole PartnerInfo object "
         "(\\(dq\\-\\(dq: stdin) and the options override its members. \\fB\\-\\-country\\fR is "
         "the vendor samples' top\\-level Country, read as Company.PostAddress.Country.");
    static struct msg_options info;
    msg_options_build(&info, &custrpc_partner_info_message, CLI_FIELD_OPT);
    for (size_t i = 0; i < info.n; i++) {
        const struct msg_option *mo = &info.items[i];
        const char *form = msg_value_form(mo->f);
        fputs(".TP\n.B \\-\\-", stdout);
        roff(mo->name);
        fputs(form[0] == '[' ? "" : " ", stdout);
        roff(form);
        putchar('\n');
        roff(mo->f->help);
        printf(" [");
        roff(mo->path);
        printf("]");
        if (mo->f->values) {
            fputs(mo->f->type == CUSTRPC_TYPE_FLAGS ? "; any of: " : "; one of: ", stdout);
            for (size_t k = 0; k < mo->f->values->n; k++) {
                fputs(k ? ", " : "", stdout);
                roff(mo->f->values->values[k]);
            }
        }
        putchar('\n');
    }
    puts(".SH EXIT STATUS");
    for (const struct cli_exit_doc *d = cli_exit_docs; d->text; d++) {
        printf(".TP\n.B %d\n", d->code);
        roff(d->text);
        putchar('\n');
    }
    puts(".SH ENVIRONMENT\n"
         ".TP\n.B CUSTRPC_URL\nthe server endpoint when \\-\\-url is not given\n"
         ".TP\n.B CUSTRPC_PARTNER_URL\nthe partner API's endpoint when \\-\\-url is not given "
         "(default " CONN_PARTNER_URL ")\n"
         ".TP\n.B CUSTRPC_USER\nthe login when \\-\\-user is not given (XML\\-RPC commands)\n"
         ".TP\n.B CUSTRPC_PASSWORD\nthe API password for \\-\\-user when \\-\\-password\\-file "
         "is not given\n"
         ".TP\n.B XDG_CONFIG_HOME\nwhere the config file is looked for (default ~/.config)\n"
         ".TP\n.B CUSTRPC_WEB_PASSWORD, CUSTRPC_API_PASSWORD\nthe new customer's passwords");
    puts(".SH FILES\n"
         ".TP\n.I $XDG_CONFIG_HOME/custrpc/config\\fR, \\fI~/.config/custrpc/config\n"
         "Connection defaults of the XML\\-RPC commands, or the file \\fB\\-\\-config\\fR names "
         "(which must exist; a missing default file is no error). One \\fIkey\\fR = "
         "\\fIvalue\\fR a line, \\(oq#\\(cq starts a comment; keys: url, user, password, "
         "password\\-file, timeout, cacert, insecure (yes or no). Per key, the command line wins, "
         "then the environment (CUSTRPC_URL, CUSTRPC_USER, CUSTRPC_PASSWORD), then this file, then "
         "the built\\-in default; a user from the environment or the file gives way to "
         "\\fB\\-\\-wholesaler\\fR, and the file's password is used only for the file's user (or "
         "when it names none). A file holding a password that group or others can read gets "
         "a warning: chmod 600 it, or name a password\\-file instead.");
    block("url = https://switch.example.com/xmlapi/xmlapi\n"
          "user = ssp-root\n"
          "password-file = /etc/custrpc/api.pw\n"
          "timeout = 60");
    puts(".SH SEE ALSO\n.BR custrpc\\-server (1),\n.BR custrpc\\-conform (1)");
    return 0;
}
