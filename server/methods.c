/* methods.c — createCustomer and getCustomerInfo: unpack the one struct argument with
 * libcustrpc, apply identity and hierarchy rules, talk to the store, build the answer. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <custrpc/xmlrpc.h>

#include "methods.h"
#include "policy.h"

/* Turns err into the method's fault and records it for the log; returns NULL for xmlrpc-c. */
static xmlrpc_value *fault(xmlrpc_env *env, struct call_identity *who,
                           const struct custrpc_error *err)
{
    who->fault_code = err->code;
    custrpc_error_to_fault(err, env);
    return NULL;
}

/* The single struct argument every method of the API takes. */
static int one_struct(xmlrpc_value *params, xmlrpc_value **out, struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    int n = xmlrpc_array_size(&env, params);
    if (env.fault_occurred || n != 1) {
        xmlrpc_env_clean(&env);
        return custrpc_fail(err, CUSTRPC_E_PARAMS, NULL,
                            "expected exactly one struct argument, got %d", n);
    }
    xmlrpc_array_read_item(&env, params, 0, out);
    if (xmlrpc_value_type(*out) != XMLRPC_TYPE_STRUCT) {
        int t = xmlrpc_value_type(*out);
        xmlrpc_DECREF(*out);
        return custrpc_fail(err, CUSTRPC_E_PARAMS, NULL,
                            "expected exactly one struct argument, got %s",
                            custrpc_xmlrpc_type_name(t));
    }
    return 0;
}

/* The customer a request acts for: the authenticated caller, or in trusted mode the
 * i_wholesaler it names (required there, refused elsewhere). */
static int acting_parent(struct store *s, const struct call_identity *who, bool has_wholesaler,
                         int64_t wholesaler, struct store_customer *out, struct custrpc_error *err)
{
    if (who->trusted && !has_wholesaler)
        return custrpc_fail(err, CUSTRPC_E_MISSING, "i_wholesaler",
                            "mandatory member is missing in trusted mode");
    if (!who->trusted && has_wholesaler)
        return custrpc_fail(err, CUSTRPC_E_PERMISSION, "i_wholesaler",
                            "only allowed in trusted mode (a trusted host sending no credentials)");
    int64_t id = who->trusted ? wholesaler : who->caller;
    if (store_get(s, id, out, err) < 0) {
        if (err->code == CUSTRPC_E_NOT_FOUND && who->trusted)
            custrpc_fail(err, CUSTRPC_E_WHOLESALER, "i_wholesaler", "customer %lld does not exist",
                         (long long)id);
        return -1;
    }
    return 0;
}

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

static xmlrpc_value *create_customer(xmlrpc_env *env, xmlrpc_value *params, void *server_info,
                                     void *call_info)
{
    struct methods_env *menv = server_info;
    struct call_identity *who = call_info;
    struct custrpc_error err;
    struct custrpc_customer c;
    struct store_customer parent;
    xmlrpc_value *arg, *result = NULL;
    who->method = CUSTRPC_METHOD_CREATE;
    custrpc_customer_init(&c);
    custrpc_customer_init(&parent.c);
    if (one_struct(params, &arg, &err) < 0)
        return fault(env, who, &err);
    int rc = custrpc_customer_decode_request(&c, arg, &err);
    xmlrpc_DECREF(arg);
    bool has_wholesaler = custrpc_customer_presence(&c, CUSTRPC_F_i_wholesaler) == CUSTRPC_SET;
    if (rc == 0)
        rc = acting_parent(menv->store, who, has_wholesaler, c.i_wholesaler, &parent, &err);
    if (rc == 0)
        rc = policy_admit_child(menv->store, &parent, &c, &err);
    struct web_password_hash web;
    struct digest_ha1 api;
    bool has_api = false;
    if (rc == 0)
        rc = hash_passwords(menv, &c, &web, &api, &has_api, &err);
    int64_t id = 0;
    if (rc == 0)
        rc = store_insert(menv->store, &c, parent.i_customer, parent.depth + 1, &web,
                          has_api ? &api : NULL, &id, &err);
    if (rc == 0) {
        who->i_customer = id;
        result =
            xmlrpc_build_value(env, "{s:s,s:i}", "result", "OK", "i_customer", (xmlrpc_int32)id);
    }
    custrpc_customer_free(&c);
    custrpc_customer_free(&parent.c);
    return rc == 0 ? result : fault(env, who, &err);
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

/* The customer struct of getCustomerInfo: stored fields (never passwords), i_customer and
 * i_parent, and balance with its sign inverted, as the real API returns it. */
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
    xmlrpc_struct_set_value(env, v, "i_parent", parent);
    xmlrpc_DECREF(id);
    xmlrpc_DECREF(parent);
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
    if (one_struct(params, &arg, &err) < 0)
        return fault(env, who, &err);
    int64_t id, wholesaler = 0;
    char *name;
    bool has_wholesaler, visible = false;
    int rc = info_selector(arg, &id, &name, &has_wholesaler, &wholesaler, &err);
    xmlrpc_DECREF(arg);
    if (rc == 0)
        rc = acting_parent(menv->store, who, has_wholesaler, wholesaler, &scope, &err);
    if (rc == 0)
        rc = name ? store_find_name(menv->store, name, &row, &err)
                  : store_get(menv->store, id, &row, &err);
    if (rc == 0)
        rc = store_in_subtree(menv->store, scope.i_customer, row.i_customer, &visible, &err);
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
    return rc == 0 ? result : fault(env, who, &err);
}

static const struct method_row rows[] = {
    {CUSTRPC_METHOD_CREATE, create_customer, "S:S",
     "Creates a customer under the caller (or, in trusted mode, under i_wholesaler). Takes one "
     "struct with name, web_password, i_tariff and optional fields; returns {result: \"OK\", "
     "i_customer: int} or a fault."},
    {"getCustomerInfo", get_customer_info, "S:S",
     "Returns {result: \"OK\", customer: {...}} for {i_customer} or {name} within the caller's "
     "subtree; passwords are never returned and balance has its sign inverted."},
};

struct dispatcher methods_dispatcher(struct methods_env *menv)
{
    return (struct dispatcher){rows, sizeof rows / sizeof rows[0], menv};
}
