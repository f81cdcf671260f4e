/* options.h — custrpc-server's command-line options, described once: getopt's table,
 * --help and the custrpc-server(1) man page (server/gen_man.c) all read server_options. */
#ifndef CUSTRPC_SERVER_OPTIONS_H
#define CUSTRPC_SERVER_OPTIONS_H

#include <stdio.h>

#include "common/optdoc.h"

enum server_option {
    SOPT_LISTEN = 0x100,
    SOPT_DB,
    SOPT_CONFIG,
    SOPT_LOG_LEVEL,
    SOPT_MAX_BODY,
    SOPT_TLS_CERT,
    SOPT_TLS_KEY,
    SOPT_AUTH,
    SOPT_DIGEST_ALGORITHM,
    SOPT_THREADS,
    SOPT_HEADER_TIMEOUT,
    SOPT_BODY_TIMEOUT,
    SOPT_MAX_CONNECTIONS,
    SOPT_MAX_PER_ADDRESS,
    SOPT_VISA_TTL,
    SOPT_ADMIN,
    SOPT_JOURNAL_SIZE,
    SOPT_MAX_NAMESPACES,
    SOPT_LOG_FILE,
    SOPT_USER,
    SOPT_FIXTURES,
    SOPT_PARTNER_FIXTURES,
    SOPT_VERSION,
    SOPT_HELP = 'h'
};

extern const struct optdoc server_options[]; /* ends with opt.name NULL */

/* What the server does without configuration, as paragraphs (--help and DESCRIPTION). */
extern const char *const server_notes[]; /* ends with NULL */

/* The exit codes and their meaning. */
struct server_exit_doc {
    int code;
    const char *text;
};
extern const struct server_exit_doc server_exits[]; /* ends with text NULL */

void server_usage(FILE *out);

#endif
