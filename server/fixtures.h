/* fixtures.h — --fixtures and --partner-fixtures: a known state the server starts with and
 * POST /admin/reset returns to, read from custrpc import's files (CSV or JSON) plus a column of
 * ours, "parent", and loaded through createCustomer's and AddPartner's own code. */
#ifndef CUSTRPC_SERVER_FIXTURES_H
#define CUSTRPC_SERVER_FIXTURES_H

#include <stdint.h>

#include "store.h"

struct fixtures;

/* Reads both files (either may be NULL), checks each row as createCustomer's (AddPartner's)
 * dispatcher would and its "parent", and hashes the customers' passwords with web_key once,
 * so a reset does no hashing. -1 with err naming file:line, the field and the problem. The
 * hierarchy rules run when the rows are applied. */
int fixtures_read(const char *customers, const char *partners,
                  const uint8_t web_key[SECRETS_KEY_LEN], struct fixtures **out,
                  struct custrpc_error *err);

/* struct store_seed's fixtures hook (arg: the struct fixtures): every customer row, in file
 * order, created by its parent (the root by default) as that parent's createCustomer would;
 * then every partner row added by the root partner below its parent as AddPartner. An error
 * names file:line and the field, as fixtures_read's. */
int fixtures_apply(struct store_tx *tx, int64_t partner_root, const void *arg,
                   struct custrpc_error *err);

size_t fixtures_customers(const struct fixtures *fx);
size_t fixtures_partners(const struct fixtures *fx);
void fixtures_free(struct fixtures *fx);

#endif
