/* policy.c — hierarchy rules (see policy.h); the rights fields are the table's bitmask fields. */
#include <config.h>

#include <custrpc/rights.h>

#include "policy.h"

/* The value of an INT field, or dflt when it is not set. */
static int64_t int_or(const struct custrpc_customer *c, enum custrpc_field_id id, int64_t dflt)
{
    int64_t v;
    return custrpc_customer_get_int(c, id, &v, NULL) == 0 ? v : dflt;
}

bool policy_reads(const struct custrpc_field *f)
{
    return (f->flags & CUSTRPC_FLAG_BITMASK) || f->id == CUSTRPC_F_api_mgmt ||
           f->id == CUSTRPC_F_max_depth || f->id == CUSTRPC_F_i_tariff;
}

int policy_may(const struct store_customer *actor, int right, const char *what,
               struct custrpc_error *err)
{
    if (int_or(&actor->c, CUSTRPC_F_customers_mgmt, 0) & right)
        return 0;
    return custrpc_fail(err, CUSTRPC_E_PERMISSION, NULL,
                        "customer %lld may not %s customers (customers_mgmt lacks %s)",
                        (long long)actor->i_customer, what, what);
}

/* The bitmasks child sets may not exceed the parent's. */
static int rights_within(const struct store_customer *parent, const struct custrpc_customer *child,
                         struct custrpc_error *err)
{
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (!(f->flags & CUSTRPC_FLAG_BITMASK))
            continue;
        int64_t mine = int_or(child, f->id, 0), theirs = int_or(&parent->c, f->id, 0);
        if (mine & ~theirs)
            return custrpc_fail(err, CUSTRPC_E_RIGHTS, f->name,
                                "rights %lld exceed the parent's %lld", (long long)mine,
                                (long long)theirs);
    }
    return 0;
}

static int check_rights(const struct store_customer *parent, const struct custrpc_customer *child,
                        struct custrpc_error *err)
{
    if (policy_may(parent, CUSTRPC_RIGHT_ADD, "add", err) < 0)
        return -1;
    return rights_within(parent, child, err);
}

/* API access is the parent's to give: a child may get api_access or api_mgmt only from a parent
 * whose api_mgmt allows managing its sub-customers' API access. */
static int check_api(const struct store_customer *parent, const struct custrpc_customer *child,
                     struct custrpc_error *err)
{
    if (int_or(&parent->c, CUSTRPC_F_api_mgmt, 0))
        return 0;
    static const enum custrpc_field_id api_fields[] = {CUSTRPC_F_api_access, CUSTRPC_F_api_mgmt};
    for (size_t i = 0; i < sizeof api_fields / sizeof api_fields[0]; i++)
        if (int_or(child, api_fields[i], 0))
            return custrpc_fail(err, CUSTRPC_E_RIGHTS, custrpc_field_get(api_fields[i])->name,
                                "customer %lld may not grant API access (its api_mgmt is 0)",
                                (long long)parent->i_customer);
    return 0;
}

/* max_depth counts the levels of sub-customers a customer may have below it; absent means
 * unlimited (the root). */
static int check_depth(const struct store_customer *parent, struct custrpc_customer *child,
                       struct custrpc_error *err)
{
    int64_t limit;
    if (custrpc_customer_get_int(&parent->c, CUSTRPC_F_max_depth, &limit, NULL) < 0)
        return 0;
    if (limit < 1)
        return custrpc_fail(err, CUSTRPC_E_DEPTH, "max_depth",
                            "customer %lld may not have sub-customers (its max_depth is %lld)",
                            (long long)parent->i_customer, (long long)limit);
    int64_t want;
    if (custrpc_customer_get_int(child, CUSTRPC_F_max_depth, &want, NULL) < 0)
        return custrpc_customer_set_int(child, CUSTRPC_F_max_depth, limit - 1, err);
    if (want >= limit)
        return custrpc_fail(err, CUSTRPC_E_DEPTH, "max_depth",
                            "%lld must be less than the parent's %lld", (long long)want,
                            (long long)limit);
    return 0;
}

static int resolve_tariff(struct store_tx *tx, const struct store_customer *parent,
                          struct custrpc_customer *child, struct custrpc_error *err)
{
    if (custrpc_customer_presence(child, CUSTRPC_F_i_tariff) == CUSTRPC_NIL)
        return custrpc_customer_set_int(child, CUSTRPC_F_i_tariff, parent->c.i_tariff, err);
    int64_t owner;
    if (store_tariff_owner(tx, child->i_tariff, &owner, err) < 0)
        return -1;
    /* A tariff is available to its owner's whole subtree. */
    bool visible;
    if (store_in_subtree(tx, owner, parent->i_customer, &visible, err) < 0)
        return -1;
    if (!visible)
        return custrpc_fail(err, CUSTRPC_E_TARIFF, "i_tariff",
                            "tariff %lld is not available to customer %lld",
                            (long long)child->i_tariff, (long long)parent->i_customer);
    return 0;
}

int policy_admit_child(struct store_tx *tx, const struct store_customer *parent,
                       struct custrpc_customer *child, struct custrpc_error *err)
{
    if (check_rights(parent, child, err) < 0 || check_api(parent, child, err) < 0 ||
        check_depth(parent, child, err) < 0)
        return -1;
    return resolve_tariff(tx, parent, child, err);
}

/* A changed max_depth is judged like a child's at create, but an absent one stays as it is. */
static int check_new_depth(const struct store_customer *parent, const struct custrpc_customer *c,
                           struct custrpc_error *err)
{
    int64_t limit, want;
    if (custrpc_customer_get_int(c, CUSTRPC_F_max_depth, &want, NULL) < 0 ||
        custrpc_customer_get_int(&parent->c, CUSTRPC_F_max_depth, &limit, NULL) < 0)
        return 0;
    if (want >= limit)
        return custrpc_fail(err, CUSTRPC_E_DEPTH, "max_depth",
                            "%lld must be less than the parent's %lld", (long long)want,
                            (long long)limit);
    return 0;
}

/* Each existing sub-customer of the target must still fit below the changed values. */
static int child_still_fits(const struct store_customer *child, void *arg,
                            struct custrpc_error *err)
{
    const struct custrpc_customer *changes = arg;
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        int64_t mine, theirs;
        if (!(f->flags & CUSTRPC_FLAG_BITMASK) ||
            custrpc_customer_get_int(changes, f->id, &mine, NULL) < 0)
            continue;
        theirs = int_or(&child->c, f->id, 0);
        if (theirs & ~mine)
            return custrpc_fail(err, CUSTRPC_E_RIGHTS, f->name,
                                "sub-customer %lld has rights %lld, beyond %lld; lower its rights "
                                "first",
                                (long long)child->i_customer, (long long)theirs, (long long)mine);
    }
    int64_t api_mgmt;
    if (custrpc_customer_get_int(changes, CUSTRPC_F_api_mgmt, &api_mgmt, NULL) == 0 && !api_mgmt &&
        (int_or(&child->c, CUSTRPC_F_api_access, 0) || int_or(&child->c, CUSTRPC_F_api_mgmt, 0)))
        return custrpc_fail(err, CUSTRPC_E_RIGHTS, "api_mgmt",
                            "sub-customer %lld has API access, which needs api_mgmt; remove its "
                            "API access first",
                            (long long)child->i_customer);
    int64_t limit, theirs_depth;
    if (custrpc_customer_get_int(changes, CUSTRPC_F_max_depth, &limit, NULL) == 0) {
        if (limit < 1)
            return custrpc_fail(err, CUSTRPC_E_DEPTH, "max_depth",
                                "%lld leaves no room for the existing sub-customer %lld",
                                (long long)limit, (long long)child->i_customer);
        if (custrpc_customer_get_int(&child->c, CUSTRPC_F_max_depth, &theirs_depth, NULL) < 0)
            return custrpc_fail(err, CUSTRPC_E_DEPTH, "max_depth",
                                "sub-customer %lld has no max_depth (unlimited); give it one "
                                "below %lld first",
                                (long long)child->i_customer, (long long)limit);
        if (theirs_depth >= limit)
            return custrpc_fail(err, CUSTRPC_E_DEPTH, "max_depth",
                                "sub-customer %lld has max_depth %lld, which must stay below "
                                "%lld; lower it first",
                                (long long)child->i_customer, (long long)theirs_depth,
                                (long long)limit);
    }
    return 0;
}

int policy_admit_changes(struct store_tx *tx, const struct store_customer *actor,
                         const struct store_customer *parent, const struct store_customer *target,
                         struct custrpc_customer *changes, struct custrpc_error *err)
{
    if (rights_within(parent, changes, err) < 0 || check_api(parent, changes, err) < 0 ||
        check_new_depth(parent, changes, err) < 0)
        return -1;
    enum custrpc_presence tariff = custrpc_customer_presence(changes, CUSTRPC_F_i_tariff);
    if (tariff == CUSTRPC_NIL &&
        custrpc_customer_set_int(changes, CUSTRPC_F_i_tariff, actor->c.i_tariff, err) < 0)
        return -1;
    if (tariff == CUSTRPC_SET && resolve_tariff(tx, parent, changes, err) < 0)
        return -1;
    return store_each_child(tx, target->i_customer, child_still_fits, changes, err);
}
