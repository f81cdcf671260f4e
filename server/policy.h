/* policy.h — the hierarchy rules of createCustomer and updateCustomer: who may add or edit,
 * rights that may not exceed the parent's, depth limits, and which tariffs a parent may hand
 * out. Every check runs inside the caller's write transaction, with the write that follows. */
#ifndef CUSTRPC_SERVER_POLICY_H
#define CUSTRPC_SERVER_POLICY_H

#include <stdbool.h>

#include "store.h"

/* Whether the rules read field f of an acting customer or a parent: the rights bitmasks,
 * api_mgmt, max_depth and i_tariff. store_get_actor loads just these. */
bool policy_reads(const struct custrpc_field *f);

/* Checks a validated child against its parent and completes it: i_tariff nil becomes the
 * parent's own tariff, an absent max_depth becomes the parent's minus one. Faults:
 * CUSTRPC_E_PERMISSION (parent lacks the add right), CUSTRPC_E_RIGHTS (a bitmask beyond the
 * parent's, or API access the parent may not grant), CUSTRPC_E_DEPTH,
 * CUSTRPC_E_TARIFF. */
int policy_admit_child(struct store_tx *tx, const struct store_customer *parent,
                       struct custrpc_customer *child, struct custrpc_error *err);

/* CUSTRPC_E_PERMISSION unless actor's customers_mgmt has right (CUSTRPC_RIGHT_*); what names
 * the right in the message ("edit", "delete"). */
int policy_may(const struct store_customer *actor, int right, const char *what,
               struct custrpc_error *err);

/* Checks validated changes to target, whose parent is parent, for updateCustomer, as create
 * checks a child against its parent, and against target's own sub-customers: their rights,
 * API access and max_depth must still fit below the new values (CUSTRPC_E_RIGHTS,
 * CUSTRPC_E_DEPTH). i_tariff nil becomes actor's own tariff. */
int policy_admit_changes(struct store_tx *tx, const struct store_customer *actor,
                         const struct store_customer *parent, const struct store_customer *target,
                         struct custrpc_customer *changes, struct custrpc_error *err);

#endif
