/* policy.h — the hierarchy rules of createCustomer: who may add, rights that may not exceed
 * the parent's, depth limits, and which tariffs a parent may hand out. */
#ifndef CUSTRPC_SERVER_POLICY_H
#define CUSTRPC_SERVER_POLICY_H

#include "store.h"

/* Checks a validated child against its parent and completes it: i_tariff nil becomes the
 * parent's own tariff, an absent max_depth becomes the parent's minus one. Faults:
 * CUSTRPC_E_PERMISSION (parent lacks the add right), CUSTRPC_E_RIGHTS (a bitmask beyond the
 * parent's, or API access the parent may not grant), CUSTRPC_E_DEPTH,
 * CUSTRPC_E_TARIFF. */
int policy_admit_child(struct store *s, const struct store_customer *parent,
                       struct custrpc_customer *child, struct custrpc_error *err);

#endif
