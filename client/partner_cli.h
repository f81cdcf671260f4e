/* partner_cli.h — what the partner commands (custrpc partner ..., custrpc import --partners)
 * share: opening a session from the connection options, reading a PartnerInfo from a JSON
 * file, and printing partners as "Path: value" lines or JSON. */
#ifndef CUSTRPC_PARTNER_CLI_H
#define CUSTRPC_PARTNER_CLI_H

#include <stdio.h>

#include <custrpc/custrpc.h>

#include "common/cli.h"

/* A session from --url, --partner, --user and the password (--password-file, $CUSTRPC_PASSWORD
 * or a prompt); nothing is sent yet. Returns an exit code. */
int partner_open(const struct conn_options *o, struct custrpc_partner_session **out);

/* Reads a PartnerInfo object from a JSON file into p (initialised); errors name the line and
 * column, or the member ("FILE: Company.PostAddress.Cty: unknown member of PostAddressInfo"). */
int partner_load_json(const char *path, struct custrpc_partner_info *p, struct custrpc_error *err);

/* Every member present, "Company.PostAddress.City: Athens", control characters made visible. */
void partner_print_text(FILE *out, const struct custrpc_message *d, const void *m,
                        const char *prefix);
/* The message as one line of JSON. */
void partner_print_json(FILE *out, const struct custrpc_message *d, const void *m);

#endif
