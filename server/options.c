/* options.c — custrpc-server's options and --help (see options.h). */
#include <config.h>

#include "options.h"

const struct optdoc server_options[] = {
    {{"listen", required_argument, NULL, SOPT_LISTEN},
     "HOST:PORT",
     "address to listen on (default 127.0.0.1:8000; port 0 picks a free port; IPv6 as "
     "[::1]:8000)",
     0},
    {{"db", required_argument, NULL, SOPT_DB},
     "PATH",
     "SQLite database file (default: in memory)",
     0},
    {{"config", required_argument, NULL, SOPT_CONFIG},
     "FILE",
     "XML configuration (root login, trusted hosts, tariffs, the partner API's root partner and "
     "users; see CONFIGURATION FILE in custrpc-server(1))",
     0},
    {{"log-level", required_argument, NULL, SOPT_LOG_LEVEL},
     "LEVEL",
     "error, warn, info (one line per request; default), debug",
     0},
    {{"log-file", required_argument, NULL, SOPT_LOG_FILE},
     "FILE",
     "append the request log and the server's messages to FILE (created 0600) once the server "
     "serves, instead of standard error; SIGHUP reopens it, for logrotate",
     0},
    {{"max-body", required_argument, NULL, SOPT_MAX_BODY},
     "BYTES",
     "largest request body accepted (default 1048576)",
     0},
    {{"tls-cert", required_argument, NULL, SOPT_TLS_CERT},
     "FILE",
     "serve HTTPS with this PEM certificate (needs --tls-key)",
     0},
    {{"tls-key", required_argument, NULL, SOPT_TLS_KEY},
     "FILE",
     "PEM private key for --tls-cert",
     0},
    {{"auth", required_argument, NULL, SOPT_AUTH},
     "digest|basic",
     "digest (default), or also accept Basic for old clients",
     0},
    {{"digest-algorithm", required_argument, NULL, SOPT_DIGEST_ALGORITHM},
     "LIST",
     "Digest algorithms offered, one challenge each, in this order: MD5, SHA-256 or both "
     "(default MD5,SHA-256)",
     0},
    {{"threads", required_argument, NULL, SOPT_THREADS},
     "N",
     "request threads (default: one per CPU, at least 2)",
     0},
    {{"header-timeout", required_argument, NULL, SOPT_HEADER_TIMEOUT},
     "SECONDS",
     "a request's head must be complete this long after the connection opened or the previous "
     "answer went out (default 30); slower connections are closed",
     0},
    {{"body-timeout", required_argument, NULL, SOPT_BODY_TIMEOUT},
     "SECONDS",
     "a request's body must be complete this long after its head (default 60), however many "
     "bytes trickle in",
     0},
    {{"max-connections", required_argument, NULL, SOPT_MAX_CONNECTIONS},
     "N",
     "open connections in all (default 4096); at the cap the connection waiting longest for its "
     "request's head or body is closed to admit the new one",
     0},
    {{"max-connections-per-address", required_argument, NULL, SOPT_MAX_PER_ADDRESS},
     "N",
     "open connections from one client address (default 1024); more are refused (503 on plain "
     "HTTP)",
     0},
    {{"visa-ttl", required_argument, NULL, SOPT_VISA_TTL},
     "SECONDS",
     "partner API: a visa is valid this long from its issue (default 900, the API's 15 minutes)",
     0},
    {{"admin", no_argument, NULL, SOPT_ADMIN},
     NULL,
     "serve the admin interface: GET /admin/journal, POST /admin/reset and GET and POST "
     "/admin/inject (injected failures), with the root's "
     "Digest credentials or those of <admin login password-file/> (GET /health and GET /metrics "
     "are always served, without credentials)",
     0},
    {{"journal-size", required_argument, NULL, SOPT_JOURNAL_SIZE},
     "N",
     "--admin: requests the journal keeps, the oldest evicted first (1..10000000, default "
     "10000)",
     0},
    {{"max-namespaces", required_argument, NULL, SOPT_MAX_NAMESPACES},
     "N",
     "--admin: namespaces that may exist at once (X-Custrpc-Namespace: NAME or /ns/NAME/: a "
     "store and journal of their own for each parallel test run); past it a new one gets 503 "
     "(1..100000, default 64)",
     0},
    {{"user", required_argument, NULL, SOPT_USER},
     "NAME",
     "started as root: bind the listening socket, then become NAME and its groups for good "
     "before opening the database or reading password and key files, so files it creates "
     "belong to NAME (mode 0600)",
     0},
    {{"fixtures", required_argument, NULL, SOPT_FIXTURES},
     "FILE",
     "customers to start with and to return to at POST /admin/reset: custrpc import's CSV or "
     "JSON plus the column \"parent\" (ours: the name of a customer on an earlier row; empty: "
     "the root), each row created by its parent as its createCustomer would. A bad row refuses "
     "to start (exit 78); a --db that already holds customers or partners keeps them",
     0},
    {{"partner-fixtures", required_argument, NULL, SOPT_PARTNER_FIXTURES},
     "FILE",
     "partners to start with, as --fixtures: custrpc partner import's format plus \"parent\" "
     "(the Name of a partner on an earlier row; empty: the root partner, or ParentId), each "
     "added by the root partner as its AddPartner would, after the --fixtures customers",
     0},
    {{"help", no_argument, NULL, SOPT_HELP}, NULL, "show this help and exit", 'h'},
    {{"version", no_argument, NULL, SOPT_VERSION}, NULL, "show the version and exit", 0},
    {{NULL, 0, NULL, 0}, NULL, NULL, 0},
};

const char *const server_notes[] = {
    "Without <partner-root> in the configuration, the partner API's root partner is \"root\" "
    "with the login \"root\", whose Login takes any password in open local mode.",
    "Without a configured root password, requests without credentials from loopback act as the "
    "root customer, and the server refuses non-loopback addresses; requests whose Origin or Host "
    "header is not loopback then get 403 (DNS rebinding defence).",
    "Ambiguous request framing (Content-Length with Transfer-Encoding, repeated or non-numeric "
    "Content-Length, a coding other than chunked, a header name with whitespace) gets 400 and a "
    "closed connection.",
    "Command-line options override the configuration file.",
    NULL,
};

const struct server_exit_doc server_exits[] = {
    {0, "stopped by SIGINT or SIGTERM"},
    {64, "usage error"},
    {69, "cannot listen or open the store"},
    {78, "configuration error"},
    {-1, NULL},
};

void server_usage(FILE *out)
{
    fputs("Usage: custrpc-server [OPTION]...\n"
          "The custrpc reference server for the createCustomer() XML-RPC API and the AddPartner\n"
          "JSON-RPC API. Serves POST /RPC2 and /xmlapi/xmlapi (XML-RPC) and /jsonapi (JSON-RPC\n"
          "2.0 with visas); prints \"listening on URL\" (the XML-RPC URL) when ready.\n\n",
          out);
    optdoc_help(out, server_options);
    fputc('\n', out);
    for (const char *const *p = server_notes; *p; p++)
        optdoc_wrap(out, *p, 0);
    fputs("SIGINT or SIGTERM: finish the requests in flight, close the store, exit 0.\n"
          "SIGHUP: reopen --log-file, re-read --config (tariffs, trusted hosts, credentials);\n"
          "connections stay open, and a bad configuration keeps the previous one.\n",
          out);
    fputs("\nExit status:\n", out);
    for (const struct server_exit_doc *d = server_exits; d->text; d++)
        fprintf(out, "  %-3d %s\n", d->code, d->text);
}
