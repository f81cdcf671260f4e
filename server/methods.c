/* methods.c — createCustomer and getCustomerInfo, and the method table with the lifecycle
 * methods of methods_lifecycle.c: unpack the one struct argument with libcustrpc, apply
 * identity and hierarchy rules in one store transaction, build the answer. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <custrpc/xmlrpc.h>

#include "method_util.h"
#include <custrpc/requests.h>

#include "methods.h"
#include "policy.h"

/* Hashes the passwords of a new customer; runs before the store lock is taken. */
static int hash_passwords(const struct methods_env *menv, const struct custrpc_customer *c,
                          struct web_password_hash *web, struct digest_ha1 *api, bool *has_api,
                          struct custrpc_error *err)
{
    if (secrets_hash_web_password(menv->web_key, c->web_password, web, err) < 0)
        return -1;
    /* Digest needs a user name: an api_password without web_login cannot be used to log in,
     * but it is still only kept hashed. */
    *has_api = custrpc_customer_presence(c, CUSTRPC_F_api_password) == CUSTRPC_SET;
    if (*has_api)
        return secrets_ha1(c->web_login ? c->web_login : "", c->api_password, api, err);
    return 0;
}

/* createCustomer's argument arrives decoded and validated (the dispatcher reads it into the
 * customer message and checks the members it requires). */
static xmlrpc_value *create_customer(xmlrpc_env *env, void *request, void *server_info,
                                     void *call_info)
{
    struct methods_env *menv = server_info;
    struct call_identity *who = call_info;
    struct custrpc_error err;
    struct custrpc_customer *c = request;
    struct store_customer parent;
    xmlrpc_value *result = NULL;
    custrpc_customer_init(&parent.c);
    int rc = 0;
    bool has_wholesaler = custrpc_customer_presence(c, CUSTRPC_F_i_wholesaler) == CUSTRPC_SET;
    struct web_password_hash web;
    struct digest_ha1 api;
    bool has_api = false;
    if (rc == 0)
        rc = hash_passwords(menv, c, &web, &api, &has_api, &err);
    /* Checks and insert in one write transaction: what the checks saw cannot change before the
     * insert (a parent updated or deleted meanwhile). */
    struct store_tx tx;
    int64_t id = 0;
    if (rc == 0)
        rc = store_begin_write(menv->store, &tx, &err);
    if (rc == 0) {
        rc = method_acting(&tx, who, has_wholesaler, c->i_wholesaler, &parent, &err);
        if (rc == 0)
            rc = policy_admit_child(&tx, &parent, c, &err);
        if (rc == 0)
            rc = store_insert(&tx, c, parent.i_customer, parent.depth + 1, &web,
                              has_api ? &api : NULL, &id, &err);
        if (rc == 0)
            rc = store_commit(&tx, &err);
        store_end(&tx);
    }
    if (rc == 0) {
        who->i_customer = id;
        result =
            xmlrpc_build_value(env, "{s:s,s:i}", "result", "OK", "i_customer", (xmlrpc_int32)id);
    }
    custrpc_customer_free(&parent.c);
    return rc == 0 ? result : method_fault(env, who, &err);
}

/* The customer struct of getCustomerInfo: stored fields (never passwords), i_customer,
 * i_parent and blocked, and balance with its sign inverted, as the real API returns it. */
static xmlrpc_value *info_value(xmlrpc_env *env, struct store_customer *row,
                                struct custrpc_error *err)
{
    if (custrpc_customer_presence(&row->c, CUSTRPC_F_balance) == CUSTRPC_SET)
        row->c.balance = -row->c.balance;
    xmlrpc_value *v;
    if (custrpc_customer_to_value(&row->c, &v, err) < 0)
        return NULL;
    xmlrpc_value *id = xmlrpc_int_new(env, (xmlrpc_int32)row->i_customer);
    xmlrpc_value *parent =
        row->i_parent ? xmlrpc_int_new(env, (xmlrpc_int32)row->i_parent) : xmlrpc_nil_new(env);
    xmlrpc_struct_set_value(env, v, "i_customer", id);
    xmlrpc_value *blocked = xmlrpc_bool_new(env, row->blocked);
    xmlrpc_struct_set_value(env, v, "i_parent", parent);
    xmlrpc_struct_set_value(env, v, "blocked", blocked);
    xmlrpc_DECREF(id);
    xmlrpc_DECREF(parent);
    xmlrpc_DECREF(blocked);
    return v;
}

/* getCustomerInfo, decoded and validated into custrpc_info_request: exactly one of i_customer
 * and name (which a message cannot say) is checked here. */
static xmlrpc_value *get_customer_info(xmlrpc_env *env, void *request, void *server_info,
                                       void *call_info)
{
    const struct custrpc_info_request *q = request;
    struct methods_env *menv = server_info;
    struct call_identity *who = call_info;
    struct custrpc_error err;
    struct store_customer scope, row;
    xmlrpc_value *result = NULL;
    custrpc_customer_init(&scope.c);
    custrpc_customer_init(&row.c);
    bool by_id = q->presence[0] == CUSTRPC_SET, by_name = q->presence[1] == CUSTRPC_SET;
    bool visible = false;
    int rc = 0;
    if (by_id == by_name)
        rc = custrpc_fail(&err, CUSTRPC_E_MISSING, "i_customer",
                          "give exactly one of i_customer and name");
    struct store_tx tx;
    if (rc == 0)
        rc = store_begin_read(menv->store, &tx, &err);
    if (rc == 0) {
        rc = method_acting(&tx, who, q->presence[2] == CUSTRPC_SET, q->i_wholesaler, &scope, &err);
        if (rc == 0)
            rc = by_name ? store_find_name(&tx, q->name, &row, &err)
                         : store_get(&tx, q->i_customer, &row, &err);
        if (rc == 0)
            rc = store_in_subtree(&tx, scope.i_customer, row.i_customer, &visible, &err);
        if (rc == 0)
            rc = store_commit(&tx, &err);
        store_end(&tx);
    }
    if (rc == 0 && !visible)
        rc = custrpc_fail(&err, CUSTRPC_E_NOT_FOUND, NULL, "customer %s not found",
                          by_name ? "with that name" : "");
    xmlrpc_value *customer = NULL;
    if (rc == 0 && !(customer = info_value(env, &row, &err)))
        rc = -1;
    if (rc == 0) {
        who->i_customer = row.i_customer;
        result = xmlrpc_build_value(env, "{s:s,s:V}", "result", "OK", "customer", customer);
        xmlrpc_DECREF(customer);
    }
    custrpc_customer_free(&scope.c);
    custrpc_customer_free(&row.c);
    return rc == 0 ? result : method_fault(env, who, &err);
}

/* What createCustomer requires: the API text's mandatory parameters. */
static const char *const create_required[] = {"name", "web_password", "i_tariff", NULL};

static const struct method_row rows[] = {
    {CUSTRPC_METHOD_CREATE, NULL, "S:S",
     "Creates a customer under the caller (or, in trusted mode, under i_wholesaler). Takes one "
     "struct with name, web_password, i_tariff and optional fields; returns {result: \"OK\", "
     "i_customer: int} or a fault.",
     &custrpc_customer_message, create_required, create_customer},
    {"getCustomerInfo", NULL, "S:S",
     "Returns {result: \"OK\", customer: {...}} for {i_customer} or {name} within the caller's "
     "subtree; passwords are never returned, balance has its sign inverted and blocked says "
     "whether the customer itself is blocked.",
     &custrpc_info_request_message, NULL, get_customer_info},
    {"updateCustomer", NULL, "S:S",
     "Changes a sub-customer of the caller: {i_customer, any createCustomer member... [, "
     "i_wholesaler]}, at least one member besides i_customer. Needs the edit right "
     "(customers_mgmt 2); the createCustomer rules apply to the members given, and the "
     "customer's own sub-customers must still fit below new rights and max_depth. A new "
     "web_login needs api_password too when the customer has one. Returns {result: \"OK\"}.",
     &custrpc_update_request_message, custrpc_id_request_required, methods_update_customer},
    {"listCustomers", NULL, "S:S",
     "Lists the caller's sub-customers at any depth, by i_customer ascending: {[offset] (0), "
     "[limit] (100, at most 1000), [name_pattern] (SQL LIKE, '\\' escapes) [, i_wholesaler]} -> "
     "{result: \"OK\", customers: [{i_customer, name, web_login, description, balance "
     "(sign inverted, as getCustomerInfo), credit_limit, base_currency}...]}.",
     &custrpc_list_query_message, NULL, methods_list_customers},
    {"deleteCustomer", NULL, "S:S",
     "Deletes a sub-customer of the caller that has no sub-customers of its own (fault 1034 "
     "otherwise): {i_customer [, i_wholesaler]}. Needs the delete right (customers_mgmt 4). "
     "Returns {result: \"OK\"}.",
     &custrpc_id_request_message, custrpc_id_request_required, methods_delete_customer},
    {"blockCustomer", NULL, "S:S",
     "Blocks a sub-customer of the caller: {i_customer [, i_wholesaler]}; it and every customer "
     "below it can no longer log in (HTTP 401). Needs the edit right. Returns {result: \"OK\"}.",
     &custrpc_id_request_message, custrpc_id_request_required, methods_block_customer},
    {"unblockCustomer", NULL, "S:S",
     "Lifts blockCustomer: {i_customer [, i_wholesaler]}. Needs the edit right. Returns "
     "{result: \"OK\"}.",
     &custrpc_id_request_message, custrpc_id_request_required, methods_unblock_customer},
    {"customerAddFunds", NULL, "S:S",
     "Adds a payment to a sub-customer's balance: {i_customer, amount (double > 0), currency "
     "(the customer's payment_currency) [, payment_notes] [, payment_time] [, i_wholesaler]}; "
     "the real balance rises by amount. Needs the edit right. Returns {result: \"OK\"}.",
     &custrpc_funds_request_message, custrpc_funds_request_required, methods_customer_add_funds},
    {"customerCredit", NULL, "S:S",
     "Credits a sub-customer: as customerAddFunds, the real balance rises by amount. Returns "
     "{result: \"OK\"}.",
     &custrpc_funds_request_message, custrpc_funds_request_required, methods_customer_credit},
    {"customerDebit", NULL, "S:S",
     "Debits a sub-customer: as customerAddFunds, but the real balance falls by amount. "
     "Returns {result: \"OK\"}.",
     &custrpc_funds_request_message, custrpc_funds_request_required, methods_customer_debit},
};

struct dispatcher methods_dispatcher(struct methods_env *menv)
{
    return (struct dispatcher){rows, sizeof rows / sizeof rows[0], menv};
}
