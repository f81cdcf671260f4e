/* methods.c — createCustomer and getCustomerInfo, and the method table with the lifecycle
 * methods of methods_lifecycle.c: unpack the one struct argument with libcustrpc, apply
 * identity and hierarchy rules in one store transaction, build the answer. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <custrpc/xmlrpc.h>

#include "method_util.h"
#include <custrpc/requests.h>
#include <custrpc/responses.h>

#include "methods.h"
#include "policy.h"

int methods_hash_passwords(const uint8_t web_key[SECRETS_KEY_LEN], const struct custrpc_customer *c,
                           struct web_password_hash *web, struct digest_ha1 *api, bool *has_api,
                           struct custrpc_error *err)
{
    if (secrets_hash_web_password(web_key, c->web_password, web, err) < 0)
        return -1;
    /* Digest needs a user name: an api_password without web_login cannot be used to log in,
     * but it is still only kept hashed. */
    *has_api = custrpc_customer_presence(c, CUSTRPC_F_api_password) == CUSTRPC_SET;
    if (*has_api)
        return secrets_ha1(c->web_login ? c->web_login : "", c->api_password, api, err);
    return 0;
}

int methods_create_below(struct store_tx *tx, const struct store_customer *parent,
                         struct custrpc_customer *c, const struct web_password_hash *web,
                         const struct digest_ha1 *api, int64_t *id, struct custrpc_error *err)
{
    if (policy_admit_child(tx, parent, c, err) < 0)
        return -1;
    return store_insert(tx, c, parent->i_customer, parent->depth + 1, web, api, id, err);
}

/* createCustomer's argument arrives decoded and validated (the dispatcher reads it into the
 * customer message and checks the members it requires); the answer is a create response. */
static int create_customer(void *request, void *response, void *server_info, void *call_info,
                           struct custrpc_error *err)
{
    struct methods_env *menv = server_info;
    struct call_identity *who = call_info;
    struct custrpc_customer *c = request;
    struct custrpc_create_response *out = response;
    struct store_customer parent;
    custrpc_customer_init(&parent.c);
    bool has_wholesaler = custrpc_customer_presence(c, CUSTRPC_F_i_wholesaler) == CUSTRPC_SET;
    struct web_password_hash web;
    struct digest_ha1 api;
    bool has_api = false;
    int rc = methods_hash_passwords(menv->web_key, c, &web, &api, &has_api, err);
    /* Checks and insert in one write transaction: what the checks saw cannot change before the
     * insert (a parent updated or deleted meanwhile). */
    struct store_tx tx;
    int64_t id = 0;
    if (rc == 0)
        rc = store_begin_write(menv->store, &tx, err);
    if (rc == 0) {
        rc = method_acting(&tx, who, has_wholesaler, c->i_wholesaler, &parent, err);
        if (rc == 0)
            rc = methods_create_below(&tx, &parent, c, &web, has_api ? &api : NULL, &id, err);
        if (rc == 0)
            rc = store_commit(&tx, err);
        store_end(&tx);
    }
    if (rc == 0) {
        who->i_customer = id;
        out->i_customer = id;
        custrpc_msg_set_presence(&custrpc_create_response_message, out,
                                 &custrpc_create_response_message.fields[1], CUSTRPC_SET);
        rc = custrpc_response_ok(&custrpc_create_response_message, out, err);
    }
    custrpc_customer_free(&parent.c);
    return rc;
}

/* getCustomerInfo's customer from a stored row: the fields (never passwords: the store does not
 * load them), balance with its sign inverted as the real API returns it, i_customer, i_parent
 * (nil for the root) and blocked. */
static int info_of(struct store_customer *row, struct custrpc_customer_info *info,
                   struct custrpc_error *err)
{
    const struct custrpc_message *d = &custrpc_customer_info_message;
    if (custrpc_customer_copy(&info->details, &row->c, err) < 0)
        return -1;
    if (custrpc_customer_presence(&info->details, CUSTRPC_F_balance) == CUSTRPC_SET)
        info->details.balance = -info->details.balance;
    info->i_customer = row->i_customer;
    info->i_parent = row->i_parent;
    info->blocked = row->blocked;
    custrpc_msg_set_presence(d, info, &d->fields[0], CUSTRPC_SET);
    custrpc_msg_set_presence(d, info, &d->fields[1], row->i_parent ? CUSTRPC_SET : CUSTRPC_NIL);
    custrpc_msg_set_presence(d, info, &d->fields[2], CUSTRPC_SET);
    custrpc_msg_set_presence(d, info, &d->fields[3], CUSTRPC_SET);
    return 0;
}

/* getCustomerInfo, decoded and validated into custrpc_info_request: exactly one of i_customer
 * and name (which a message cannot say) is checked here. */
static int get_customer_info(void *request, void *response, void *server_info, void *call_info,
                             struct custrpc_error *err)
{
    struct custrpc_info_response *out = response;
    const struct custrpc_info_request *q = request;
    struct methods_env *menv = server_info;
    struct call_identity *who = call_info;
    struct store_customer scope, row;
    custrpc_customer_init(&scope.c);
    custrpc_customer_init(&row.c);
    bool by_id = q->presence[0] == CUSTRPC_SET, by_name = q->presence[1] == CUSTRPC_SET;
    bool visible = false;
    int rc = 0;
    if (by_id == by_name)
        rc = custrpc_fail(err, CUSTRPC_E_MISSING, "i_customer",
                          "give exactly one of i_customer and name");
    struct store_tx tx;
    if (rc == 0)
        rc = store_begin_read(menv->store, &tx, err);
    if (rc == 0) {
        rc = method_acting(&tx, who, q->presence[2] == CUSTRPC_SET, q->i_wholesaler, &scope, err);
        if (rc == 0)
            rc = by_name ? store_find_name(&tx, q->name, &row, err)
                         : store_get(&tx, q->i_customer, &row, err);
        if (rc == 0)
            rc = store_in_subtree(&tx, scope.i_customer, row.i_customer, &visible, err);
        if (rc == 0)
            rc = store_commit(&tx, err);
        store_end(&tx);
    }
    if (rc == 0 && !visible)
        rc = custrpc_fail(err, CUSTRPC_E_NOT_FOUND, NULL, "customer %s not found",
                          by_name ? "with that name" : "");
    if (rc == 0)
        rc = info_of(&row, &out->customer, err);
    if (rc == 0) {
        who->i_customer = row.i_customer;
        custrpc_msg_set_presence(&custrpc_info_response_message, out,
                                 &custrpc_info_response_message.fields[1], CUSTRPC_SET);
        rc = custrpc_response_ok(&custrpc_info_response_message, out, err);
    }
    custrpc_customer_free(&scope.c);
    custrpc_customer_free(&row.c);
    return rc;
}

/* What createCustomer requires: the API text's mandatory parameters. */
const char *const methods_create_required[] = {"name", "web_password", "i_tariff", NULL};

static const struct method_row rows[] = {
    {API_SIPPY, CUSTRPC_METHOD_CREATE,
     "Creates a customer under the caller (or, in trusted mode, under i_wholesaler). Takes one "
     "struct with name, web_password, i_tariff and optional fields; returns {result: \"OK\", "
     "i_customer: int} or a fault.",
     &custrpc_customer_message, methods_create_required, &custrpc_create_response_message, create_customer},
    {API_SIPPY, "getCustomerInfo",
     "Returns {result: \"OK\", customer: {...}} for {i_customer} or {name} within the caller's "
     "subtree; passwords are never returned, balance has its sign inverted and blocked says "
     "whether the customer itself is blocked.",
     &custrpc_info_request_message, NULL, &custrpc_info_response_message, get_customer_info},
    {API_SIPPY, "updateCustomer",
     "Changes a sub-customer of the caller: {i_customer, any createCustomer member... [, "
     "i_wholesaler]}, at least one member besides i_customer. Needs the edit right "
     "(customers_mgmt 2); the createCustomer rules apply to the members given, and the "
     "customer's own sub-customers must still fit below new rights and max_depth. A new "
     "web_login needs api_password too when the customer has one. Returns {result: \"OK\"}.",
     &custrpc_update_request_message, custrpc_id_request_required, &custrpc_ok_response_message,
     methods_update_customer},
    {API_SIPPY, "listCustomers",
     "Lists the caller's sub-customers at any depth, by i_customer ascending: {[offset] (0), "
     "[limit] (100, at most 1000), [name_pattern] (SQL LIKE, '\\' escapes) [, i_wholesaler]} -> "
     "{result: \"OK\", customers: [{i_customer, name, web_login, description, balance "
     "(sign inverted, as getCustomerInfo), credit_limit, base_currency}...]}.",
     &custrpc_list_query_message, NULL, &custrpc_list_response_message, methods_list_customers},
    {API_SIPPY, "deleteCustomer",
     "Deletes a sub-customer of the caller that has no sub-customers of its own (fault 1034 "
     "otherwise): {i_customer [, i_wholesaler]}. Needs the delete right (customers_mgmt 4). "
     "Returns {result: \"OK\"}.",
     &custrpc_id_request_message, custrpc_id_request_required, &custrpc_ok_response_message,
     methods_delete_customer},
    {API_SIPPY, "blockCustomer",
     "Blocks a sub-customer of the caller: {i_customer [, i_wholesaler]}; it and every customer "
     "below it can no longer log in (HTTP 401). Needs the edit right. Returns {result: \"OK\"}.",
     &custrpc_id_request_message, custrpc_id_request_required, &custrpc_ok_response_message,
     methods_block_customer},
    {API_SIPPY, "unblockCustomer",
     "Lifts blockCustomer: {i_customer [, i_wholesaler]}. Needs the edit right. Returns "
     "{result: \"OK\"}.",
     &custrpc_id_request_message, custrpc_id_request_required, &custrpc_ok_response_message,
     methods_unblock_customer},
    {API_SIPPY, "customerAddFunds",
     "Adds a payment to a sub-customer's balance: {i_customer, amount (double > 0), currency "
     "(the customer's payment_currency) [, payment_notes] [, payment_time] [, i_wholesaler]}; "
     "the real balance rises by amount. Needs the edit right. Returns {result: \"OK\"}.",
     &custrpc_funds_request_message, custrpc_funds_request_required, &custrpc_ok_response_message,
     methods_customer_add_funds},
    {API_SIPPY, "customerCredit",
     "Credits a sub-customer: as customerAddFunds, the real balance rises by amount. Returns "
     "{result: \"OK\"}.",
     &custrpc_funds_request_message, custrpc_funds_request_required, &custrpc_ok_response_message,
     methods_customer_credit},
    {API_SIPPY, "customerDebit",
     "Debits a sub-customer: as customerAddFunds, but the real balance falls by amount. "
     "Returns {result: \"OK\"}.",
     &custrpc_funds_request_message, custrpc_funds_request_required, &custrpc_ok_response_message,
     methods_customer_debit},
};

struct dispatcher methods_dispatcher(struct methods_env *menv)
{
    return (struct dispatcher){rows, sizeof rows / sizeof rows[0], menv, API_SIPPY};
}
