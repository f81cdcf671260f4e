/* method_util.h — what every method handler shares: who a request acts for and on. Arguments
 * and answers are messages (custrpc/requests.h, responses.h) the dispatcher decodes and writes. */
#ifndef CUSTRPC_SERVER_METHOD_UTIL_H
#define CUSTRPC_SERVER_METHOD_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include <xmlrpc-c/base.h>

#include "methods.h"
#include "store.h"

/* The customer a request acts for: the authenticated caller, or in trusted mode the
 * i_wholesaler it names (required there, refused elsewhere). out->c is the caller's to free. */
int method_acting(struct store_tx *tx, const struct call_identity *who, bool has_wholesaler,
                  int64_t wholesaler, struct store_customer *out, struct custrpc_error *err);

/* For methods on one existing customer: the acting customer (whose customers_mgmt must have
 * right, unless 0) and the target, which must lie strictly below it; anything else, the actor
 * itself included, is CUSTRPC_E_NOT_FOUND as if it did not exist. Both are initialised here,
 * also on failure, and are the caller's to free. */
int method_target(struct store_tx *tx, const struct call_identity *who, bool has_wholesaler,
                  int64_t wholesaler, int right, const char *right_name, int64_t i_customer,
                  struct store_customer *actor, struct store_customer *target,
                  struct custrpc_error *err);


#endif
