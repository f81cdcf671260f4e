/* gen_man.c — writes the custrpc(1) man page to stdout at build time, from the same field
 * table, option texts and exit codes that --help uses, so the two cannot drift apart. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "field_options.h"
#include "message_options.h"

/* Text with roff's special characters escaped. */
static void roff(const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", stdout);
        else if (*s == '-')
            fputs("\\-", stdout);
        else
            putchar(*s);
    }
}

/* A preformatted block, each line escaped; lines starting with '.' or '\'' are guarded. */
static void block(const char *text)
{
    puts(".nf");
    for (const char *line = text; *line;) {
        size_t n = strcspn(line, "\n");
        char buf[512];
        snprintf(buf, sizeof buf, "%.*s", (int)n, line);
        if (buf[0] == '.' || buf[0] == '\'')
            fputs("\\&", stdout);
        roff(buf);
        putchar('\n');
        line += n + (line[n] == '\n');
    }
    puts(".fi");
}

int main(void)
{
    printf(".TH CUSTRPC 1 \"\" \"custrpc %s\" \"User Commands\"\n", PACKAGE_VERSION);
    puts(".SH NAME\ncustrpc \\- client for the createCustomer() XML\\-RPC API of billing "
         "softswitches");
    puts(".SH SYNOPSIS\n"
         ".B custrpc create\n[\\fIOPTION\\fR]... \\fB\\-\\-name\\fR \\fINAME\\fR "
         "\\fB\\-\\-i\\-tariff\\fR \\fIN\\fR|own\n.br\n"
         ".B custrpc get\n(\\fB\\-\\-i\\-customer\\fR \\fIN\\fR | \\fB\\-\\-name\\fR \\fINAME\\fR) "
         "[\\fIOPTION\\fR]...\n.br\n"
         ".B custrpc import\n\\fIFILE\\fR [\\fIOPTION\\fR]...\n.br\n"
         ".B custrpc fields\n[\\fB\\-\\-output json\\fR]");
    puts(
        ".SH DESCRIPTION\n"
        "\\fBcustrpc\\fR creates customers through the createCustomer() XML\\-RPC method that "
        "Sippy\\-style softswitches expose, reads them back with getCustomerInfo, and imports many "
        "from CSV or JSON files. Every value is validated before anything is sent; errors name the "
        "member. Passwords are never taken on the command line. Each command lists its own options "
        "with \\fB\\-\\-help\\fR.");
    puts(".SH CUSTOMER LIFECYCLE\n"
         ".TP\n.B update\nupdateCustomer: the fields given as options (those of \\fBcreate\\fR, "
         "none mandatory, at least one); a password only from its "
         "\\fB\\-\\-\\fIfield\\fB\\-file\\fR "
         "option.\n"
         ".TP\n.B list\nlistCustomers, as a table or (\\fB\\-\\-output json\\fR) JSON; balance as "
         "the server sends it (the API inverts getCustomerInfo's, and says nothing of "
         "listCustomers').\n"
         ".TP\n.B delete\\fR, \\fBblock\\fR, \\fBunblock\ndeleteCustomer, blockCustomer, "
         "unblockCustomer; delete asks nothing and prints what it deleted.\n"
         ".TP\n.B add\\-funds\\fR, \\fBcredit\\fR, \\fBdebit\ncustomerAddFunds, customerCredit, "
         "customerDebit: \\fB\\-\\-amount\\fR greater than 0, \\fB\\-\\-currency\\fR an ISO 4217 "
         "code.");
    puts(".SS Options of list");
    const struct custrpc_message *q = &custrpc_list_query_message;
    for (size_t i = 0; i < q->n_fields; i++) {
        if (q->fields[i].flags & CUSTRPC_FLAG_TRUSTED)
            continue; /* --wholesaler, a connection option */
        char name[64];
        snprintf(name, sizeof name, "%s", q->fields[i].name);
        for (char *p = name; *p; p++)
            if (*p == '_')
                *p = '-';
        fputs(".TP\n.B \\-\\-", stdout);
        roff(name);
        printf(" %s\n", q->fields[i].type == CUSTRPC_TYPE_INT ? "N" : "TEXT");
        roff(q->fields[i].help);
        putchar('\n');
    }
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
         ".TP\n.B CUSTRPC_PASSWORD\nthe API password for \\-\\-user\n"
         ".TP\n.B CUSTRPC_WEB_PASSWORD, CUSTRPC_API_PASSWORD\nthe new customer's passwords");
    puts(".SH SEE ALSO\ncustrpc\\-server(1)");
    return 0;
}
