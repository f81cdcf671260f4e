/* methods.c — createCustomer and getCustomerInfo, and the method table with the lifecycle
 * methods of methods_lifecycle.c: unpack the one struct argument with libcustrpc, apply
 * identity and hierarchy rules in one store transaction, build the answer. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <custrpc/xmlrpc.h>

#include "method_util.h"
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

/* Reads getCustomerInfo's selector: exactly one of i_customer and name, and i_wholesaler. */
static int info_selector(xmlrpc_value *arg, int64_t *id, char **name, bool *has_wholesaler,
                         int64_t *wholesaler, struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    int n = xmlrpc_struct_size(&env, arg);
    *id = 0;
    *name = NULL;
    *has_wholesaler = false;
    for (int i = 0; i < n; i++) {
        xmlrpc_value *key, *v;
        const char *k;
        xmlrpc_struct_read_member(&env, arg, (unsigned)i, &key, &v);
        xmlrpc_read_string(&env, key, &k);
        xmlrpc_DECREF(key);
        int rc = 0;
        xmlrpc_type t = xmlrpc_value_type(v);
        if (strcmp(k, "name") == 0 && t == XMLRPC_TYPE_STRING) {
            xmlrpc_read_string(&env, v, (const char **)name);
        } else if ((strcmp(k, "i_customer") == 0 || strcmp(k, "i_wholesaler") == 0) &&
                   t == XMLRPC_TYPE_INT) {
            int value;
            xmlrpc_read_int(&env, v, &value);
            if (k[2] == 'c')
                *id = value;
            else {
                *has_wholesaler = true;
                *wholesaler = value;
            }
        } else if (strcmp(k, "name") == 0 || strcmp(k, "i_customer") == 0 ||
                   strcmp(k, "i_wholesaler") == 0) {
            rc = custrpc_fail(err, CUSTRPC_E_TYPE, k, "wrong type %s, expected %s",
                              custrpc_xmlrpc_type_name(t), k[0] == 'n' ? "string" : "int");
        } else {
            rc = custrpc_fail(err, CUSTRPC_E_UNKNOWN, k, "unknown member");
        }
        free((void *)k);
        xmlrpc_DECREF(v);
        if (rc < 0 || env.fault_occurred) {
            if (rc == 0)
                custrpc_error_from_xmlrpc(&env, err);
            xmlrpc_env_clean(&env);
            free(*name);
            *name = NULL;
            return -1;
        }
    }
    if ((*id != 0) == (*name != NULL)) {
        free(*name);
        *name = NULL;
        return custrpc_fail(err, CUSTRPC_E_MISSING, "i_customer",
                            "give exactly one of i_customer and name");
    }
    return 0;
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

static xmlrpc_value *get_customer_info(xmlrpc_env *env, xmlrpc_value *params, void *server_info,
                                       void *call_info)
{
    struct methods_env *menv = server_info;
    struct call_identity *who = call_info;
    struct custrpc_error err;
    struct store_customer scope, row;
    xmlrpc_value *arg, *result = NULL;
    who->method = "getCustomerInfo";
    custrpc_customer_init(&scope.c);
    custrpc_customer_init(&row.c);
    if (method_one_struct(params, &arg, &err) < 0)
        return method_fault(env, who, &err);
    int64_t id, wholesaler = 0;
    char *name;
    bool has_wholesaler, visible = false;
    int rc = info_selector(arg, &id, &name, &has_wholesaler, &wholesaler, &err);
    xmlrpc_DECREF(arg);
    struct store_tx tx;
    if (rc == 0)
        rc = store_begin_read(menv->store, &tx, &err);
    if (rc == 0) {
        rc = method_acting(&tx, who, has_wholesaler, wholesaler, &scope, &err);
        if (rc == 0)
            rc = name ? store_find_name(&tx, name, &row, &err) : store_get(&tx, id, &row, &err);
        if (rc == 0)
            rc = store_in_subtree(&tx, scope.i_customer, row.i_customer, &visible, &err);
        if (rc == 0)
            rc = store_commit(&tx, &err);
        store_end(&tx);
    }
    if (rc == 0 && !visible)
        rc = custrpc_fail(&err, CUSTRPC_E_NOT_FOUND, NULL, "customer %s not found",
                          name ? "with that name" : "");
    xmlrpc_value *customer = NULL;
    if (rc == 0 && !(customer = info_value(env, &row, &err)))
        rc = -1;
    if (rc == 0) {
        who->i_customer = row.i_customer;
        result = xmlrpc_build_value(env, "{s:s,s:V}", "result", "OK", "customer", customer);
        xmlrpc_DECREF(customer);
    }
    free(name);
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
    {"getCustomerInfo", get_customer_info, "S:S",
     "Returns {result: \"OK\", customer: {...}} for {i_customer} or {name} within the caller's "
     "subtree; passwords are never returned, balance has its sign inverted and blocked says "
     "whether the customer itself is blocked.",
     NULL, NULL, NULL},
    {"updateCustomer", methods_update_customer, "S:S",
     "Changes a sub-customer of the caller: {i_customer, any createCustomer member... [, "
     "i_wholesaler]}, at least one member besides i_customer. Needs the edit right "
     "(customers_mgmt 2); the createCustomer rules apply to the members given, and the "
     "customer's own sub-customers must still fit below new rights and max_depth. A new "
     "web_login needs api_password too when the customer has one. Returns {result: \"OK\"}.",
     NULL, NULL, NULL},
    {"listCustomers", methods_list_customers, "S:S",
     "Lists the caller's sub-customers at any depth, by i_customer ascending: {[offset] (0), "
     "[limit] (100, at most 1000), [name_pattern] (SQL LIKE, '\\' escapes) [, i_wholesaler]} -> "
     "{result: \"OK\", customers: [{i_customer, name, web_login, description, balance "
     "(sign inverted, as getCustomerInfo), credit_limit, base_currency}...]}.",
     NULL, NULL, NULL},
    {"deleteCustomer", methods_delete_customer, "S:S",
     "Deletes a sub-customer of the caller that has no sub-customers of its own (fault 1034 "
     "otherwise): {i_customer [, i_wholesaler]}. Needs the delete right (customers_mgmt 4). "
     "Returns {result: \"OK\"}.",
     NULL, NULL, NULL},
    {"blockCustomer", methods_block_customer, "S:S",
     "Blocks a sub-customer of the caller: {i_customer [, i_wholesaler]}; it and every customer "
     "below it can no longer log in (HTTP 401). Needs the edit right. Returns {result: \"OK\"}.",
     NULL, NULL, NULL},
    {"unblockCustomer", methods_unblock_customer, "S:S",
     "Lifts blockCustomer: {i_customer [, i_wholesaler]}. Needs the edit right. Returns "
     "{result: \"OK\"}.",
     NULL, NULL, NULL},
    {"customerAddFunds", methods_customer_add_funds, "S:S",
     "Adds a payment to a sub-customer's balance: {i_customer, amount (double > 0), currency "
     "(the customer's payment_currency) [, payment_notes] [, payment_time] [, i_wholesaler]}; "
     "the real balance rises by amount. Needs the edit right. Returns {result: \"OK\"}.",
     NULL, NULL, NULL},
    {"customerCredit", methods_customer_credit, "S:S",
     "Credits a sub-customer: as customerAddFunds, the real balance rises by amount. Returns "
     "{result: \"OK\"}.",
     NULL, NULL, NULL},
    {"customerDebit", methods_customer_debit, "S:S",
     "Debits a sub-customer: as customerAddFunds, but the real balance falls by amount. "
     "Returns {result: \"OK\"}.",
     NULL, NULL, NULL},
};

struct dispatcher methods_dispatcher(struct methods_env *menv)
{
    return (struct dispatcher){rows, sizeof rows / sizeof rows[0], menv};
}
