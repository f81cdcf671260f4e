/* conform.h — custrpc-conform as a function, and its options described once (optdoc): the
 * program (main.c), --help and the custrpc-conform(1) man page (gen_man.c) share them. */
#ifndef CUSTRPC_CONFORM_H
#define CUSTRPC_CONFORM_H

#include <stdio.h>

#include "common/cli.h"
#include "common/optdoc.h"

/* The shared connection options conform has; -v and --output are its own (they mean something
 * else here: request and answer bodies, and a JSON report). */
#define CONFORM_CONN (CONN_URL | CONN_USER | CONN_WHOLESALER | CONN_TLS | CONN_TIMEOUT)

extern const struct optdoc conform_options[];   /* ends with opt.name NULL */
extern const char *const conform_description[]; /* paragraphs; ends with NULL */
void conform_usage(FILE *out);

int conform_main(int argc, char **argv);

#endif
