/* gen_man.c — writes the custrpc-server(1) man page at build time from the tables --help and
 * the configuration reader use (server_options, config_elements); with --options, the names
 * of every option, element and attribute it documents, one a line, for the tests; with
 * --bash-completion, the completion of its options. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/optdoc.h"
#include "config_file.h"
#include "options.h"

static void names(void)
{
    for (const struct optdoc *d = server_options; d->opt.name; d++)
        printf("--%s\n", d->opt.name);
    size_t n;
    const struct config_element *e = config_elements(&n);
    for (size_t i = 0; i < n; i++) {
        printf("<%s\n", e[i].name);
        for (const char *const *a = e[i].attrs; *a; a++)
            printf("%s=\n", *a);
    }
}

static void config_section(FILE *out)
{
    fputs(".SH CONFIGURATION FILE\n"
          "\\fB\\-\\-config\\fR \\fIFILE\\fR names an XML file whose root element is "
          "\\fB<custrpc\\-server>\\fR. Unknown elements or attributes, and elements given twice "
          "that may appear only once, are errors naming the file and line (exit 78). Paths "
          "inside the file are relative to its directory. Command\\-line options override it.\n",
          out);
    size_t n;
    const struct config_element *e = config_elements(&n);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, ".TP\n.B <%s", e[i].name);
        for (const char *const *a = e[i].attrs; *a; a++) {
            fputs(" ", out);
            man_text(out, *a);
            fputs("=\\(dq\\fI...\\fB\\(dq", out);
        }
        fputs("/>\n", out);
        man_text(out, e[i].help);
        fputs(e[i].repeatable ? " (may be repeated)\n" : " (at most once)\n", out);
    }
    fputs(".PP\nFor example:\n", out);
    man_block(out,
              "<custrpc-server>\n"
              "  <listen host=\"0.0.0.0\" port=\"8000\"/>\n"
              "  <database path=\"custrpc.db\"/>\n"
              "  <root login=\"ssp-root\" password-file=\"root.pw\"/>\n"
              "  <trusted-host address=\"192.0.2.10\"/>\n"
              "  <tariff i_tariff=\"1\" name=\"Default\"/>\n"
              "  <partner-root name=\"Backup Inc\" login=\"admin\" password-file=\"admin.pw\"/>\n"
              "  <partner-user partner=\"Reseller One\" login=\"r1\" password-file=\"r1.pw\"/>\n"
              "</custrpc-server>");
}

/* The test double's endpoints in brief, so that a reader of the man page finds them at all;
 * README.md's "Test double" section has every detail. */
static void test_double_section(FILE *out)
{
    fputs(
        ".SH TEST DOUBLE\n"
        "For test suites that use the server in place of a real switch, the same port serves "
        "these endpoints (ours, not the API's); those under /admin/ need \\fB\\-\\-admin\\fR "
        "(404 otherwise) and HTTP Digest with the root's credentials or <admin>'s. Answers "
        "are JSON; a bad parameter or member gets 400 {\\(dqerror\\(dq: ...} naming it. "
        "\\fBcustrpc admin\\fR (see custrpc(1)) calls them; README.md has the details.\n"
        ".TP\n.B GET /health\\fR, \\fBGET /metrics\n"
        "Status, store, customer count, uptime, namespaces; Prometheus text format 0.0.4 "
        "(requests by method and outcome, a latency histogram, customers). No credentials.\n"
        ".TP\n.B GET /admin/journal?method=\\fIM\\fB&login=\\fIL\\fB&outcome=\\fIO\\fB"
        "&since=\\fIT\\fB&limit=\\fIN\\fB&namespace=*\n"
        "The last \\fB\\-\\-journal\\-size\\fR API requests, newest first, passwords and visas "
        "masked: time, peer, login, method, outcome (ok, fault, http_error), fault_code, status, "
        "request, response, namespace, injected. The filters combine with AND; \\fIT\\fR is "
        "RFC 3339 or Unix seconds.\n"
        ".TP\n.B POST /admin/reset\n"
        "Back to the root customer, the configured tariffs, the root partner and the "
        "\\fB\\-\\-fixtures\\fR, with the same ids; the journal and the injected rules are "
        "emptied.\n"
        ".TP\n.B POST /admin/inject\n"
        "{\\(dqmethod\\(dq: M or \\(dq*\\(dq, \\(dqtimes\\(dq: N or \\(dqprobability\\(dq: P, and "
        "one of \\(dqfault_code\\(dq with \\(dqfault_string\\(dq, \\(dqdelay_ms\\(dq or "
        "\\(dqtransport\\(dq: drop, reset, malformed, empty or http500; \\(dqafter\\(dq: true "
        "carries the call out first}. \\fBGET /admin/inject\\fR lists the rules of every "
        "namespace.\n"
        ".TP\n.B X\\-Custrpc\\-Namespace: \\fINAME\\fR or \\fB/ns/\\fINAME\\fB/\\fR before "
        "the path\n"
        "A store, journal and rules of its own for one test run, made by its first request "
        "and seeded as a reset seeds; \\fBPOST /ns/\\fINAME\\fB/admin/reset\\fR discards it. "
        "At most \\fB\\-\\-max\\-namespaces\\fR at once.\n",
        out);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--options") == 0) {
        names();
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--bash-completion") == 0) {
        struct option *opts = optdoc_getopt(server_options);
        if (!opts)
            return 1;
        optdoc_bash_completion(stdout, "custrpc-server", opts);
        free(opts);
        return 0;
    }
    FILE *out = stdout;
    fprintf(out, ".TH CUSTRPC\\-SERVER 1 \"\" \"custrpc %s\" \"User Commands\"\n", PACKAGE_VERSION);
    fputs(
        ".SH NAME\ncustrpc\\-server \\- reference server for the createCustomer() XML\\-RPC API "
        "and the partner JSON\\-RPC API\n"
        ".SH SYNOPSIS\n.B custrpc\\-server\n[\\fIOPTION\\fR]...\n"
        ".SH DESCRIPTION\n"
        "\\fBcustrpc\\-server\\fR serves POST /RPC2 and /xmlapi/xmlapi (XML\\-RPC: createCustomer "
        "and the customer lifecycle) and /jsonapi (JSON\\-RPC 2.0 with visas: Login, AddPartner, "
        "...), validating every request against the API's contract, and prints one line, "
        "\\(dqlistening on \\fIURL\\fR\\(dq (the XML\\-RPC URL), to standard output when "
        "ready.\n",
        out);
    for (const char *const *p = server_notes; *p; p++) {
        fputs(".PP\n", out);
        man_text(out, *p);
        fputc('\n', out);
    }
    fputs(".SH OPTIONS\n", out);
    optdoc_man(out, server_options);
    config_section(out);
    test_double_section(out);
    fputs(".SH SIGNALS\n"
          ".TP\n.B SIGINT\\fR, \\fBSIGTERM\n"
          "Stop: no new connections are accepted, the requests in flight get up to 30 seconds to "
          "finish (idle keep\\-alive connections do not wait), the store is closed, and the "
          "server exits 0. With \\fB\\-\\-log\\-level info\\fR or more it "
          "says so on standard error.\n"
          ".TP\n.B SIGHUP\n"
          "Reload, without closing a connection (requests in flight and idle keep\\-alive "
          "connections carry on). First \\fB\\-\\-log\\-file\\fR is reopened (after "
          "logrotate moved it away, every line logged after the signal goes to the new file; "
          "none is lost or written twice). Then the \\fB\\-\\-config\\fR file is read again "
          "and applied: \\fB<tariff>\\fR (new tariffs become usable and names change; a tariff "
          "left out of the file stays in the store, as customers may use it), "
          "\\fB<trusted\\-host>\\fR, the \\fB<root>\\fR login and password file and, with "
          "\\fB\\-\\-admin\\fR, \\fB<admin>\\fR; password files are read again even when "
          "their names did not change. A file that does not load or validate (or a "
          "password file that cannot be read) changes nothing: the previous configuration is "
          "kept and one line on standard error says why (\\(dqcustrpc\\-server: reload: "
          "\\fIFILE\\fR:\\fILINE\\fR: ...; keeping the previous configuration\\(dq); "
          "success is told as \\(dqcustrpc\\-server: configuration reloaded from "
          "\\(aq\\fIFILE\\fR\\(aq\\(dq. Adding or removing \\fB<root password\\-file>\\fR "
          "switches open local mode, which decides the addresses the server may listen on, and "
          "is refused until a restart. Read only at start\\-up (a line names "
          "\\fB<listen>\\fR, \\fB<database>\\fR, \\fB<partner\\-root>\\fR or "
          "\\fB<partner\\-user>\\fR when they changed; they take effect at restart): the "
          "listen address, the database, the partner API's users, the TLS files and every "
          "command\\-line option. With \\fB\\-\\-user\\fR the files are read again as "
          "that user, so they must be readable by it. Under systemd the reload is told as "
          "RELOADING=1 then READY=1.\n"
          ".TP\n.B SIGPIPE\n"
          "Ignored: a client that disconnects early does not stop the server.\n",
          out);
    fputs(".SH SYSTEMD\n"
          "When \\fBNOTIFY_SOCKET\\fR is set (\\fBType=notify\\fR), the server sends "
          "READY=1 once it listens, RELOADING=1 and READY=1 around a SIGHUP reload, and "
          "STOPPING=1 at SIGINT or SIGTERM (the protocol of sd_notify(3), without libsystemd). "
          "contrib/custrpc\\-server.service in the source is such a unit, with hardening "
          "options (checked with systemd\\-analyze verify); it runs the server as "
          "\\fBUser=custrpc\\fR, so it needs no "
          "\\fB\\-\\-user\\fR. \\fB\\-\\-user\\fR is for starting it as root without "
          "systemd: the socket is bound first (a port below 1024 needs root), then the server "
          "becomes the user and its groups for good, and only then reads the password files and "
          "opens or creates the database, its \\-wal and key and the log file, all mode 0600 "
          "and owned by the user. The TLS files are read before, as root.\n",
          out);
    fputs(".SH EXIT STATUS\n", out);
    for (const struct server_exit_doc *d = server_exits; d->text; d++) {
        fprintf(out, ".TP\n.B %d\n", d->code);
        man_text(out, d->text);
        fputc('\n', out);
    }
    fputs(".SH SEE ALSO\n.BR custrpc (1),\n.BR custrpc\\-conform (1)\n", out);
    return 0;
}
