/* method_util.c — shared by the method handlers (see method_util.h). */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/marshal.h>

#include "method_util.h"
#include "policy.h"

int method_acting(struct store_tx *tx, const struct call_identity *who, bool has_wholesaler,
                  int64_t wholesaler, struct store_customer *out, struct custrpc_error *err)
{
    custrpc_customer_init(&out->c);
    if (who->trusted && !has_wholesaler)
        return custrpc_fail(err, CUSTRPC_E_MISSING, "i_wholesaler",
                            "mandatory member is missing in trusted mode");
    if (!who->trusted && has_wholesaler)
        return custrpc_fail(err, CUSTRPC_E_PERMISSION, "i_wholesaler",
                            "only allowed in trusted mode (a trusted host sending no credentials)");
    int64_t id = who->trusted ? wholesaler : who->caller;
    if (store_get_actor(tx, id, out, err) < 0) {
        if (err->code == CUSTRPC_E_NOT_FOUND && who->trusted)
            custrpc_fail(err, CUSTRPC_E_WHOLESALER, "i_wholesaler", "customer %lld does not exist",
                         (long long)id);
        return -1;
    }
    return 0;
}

int method_target(struct store_tx *tx, const struct call_identity *who, bool has_wholesaler,
                  int64_t wholesaler, int right, const char *right_name, int64_t i_customer,
                  struct store_customer *actor, struct store_customer *target,
                  struct custrpc_error *err)
{
    custrpc_customer_init(&target->c);
    if (method_acting(tx, who, has_wholesaler, wholesaler, actor, err) < 0 ||
        (right && policy_may(actor, right, right_name, err) < 0))
        return -1;
    bool below = false;
    if (i_customer != actor->i_customer &&
        store_in_subtree(tx, actor->i_customer, i_customer, &below, err) < 0)
        return -1;
    /* Outside the subtree looks exactly like absent: ids of others' customers do not leak. */
    if (!below)
        return custrpc_fail(err, CUSTRPC_E_NOT_FOUND, "i_customer",
                            "customer %lld not found among your sub-customers",
                            (long long)i_customer);
    return store_get(tx, i_customer, target, err);
}

