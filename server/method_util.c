/* method_util.c — shared by the method handlers (see method_util.h). */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/marshal.h>

#include "method_util.h"
#include "policy.h"

xmlrpc_value *method_fault(xmlrpc_env *env, struct call_identity *who,
                           const struct custrpc_error *err)
{
    who->fault_code = err->code;
    custrpc_error_to_fault(err, env);
    return NULL;
}

int method_one_struct(xmlrpc_value *params, xmlrpc_value **out, struct custrpc_error *err)
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

static const char *const param_type_names[] = {"int", "double", "string", "dateTime.iso8601"};

/* Reads one member value v as spec says into out. */
static int read_param(xmlrpc_env *env, const struct param_spec *spec, xmlrpc_value *v,
                      struct param_value *out, struct custrpc_error *err)
{
    xmlrpc_type t = xmlrpc_value_type(v);
    bool is_int = t == XMLRPC_TYPE_INT || t == XMLRPC_TYPE_I8;
    int64_t i = 0;
    if (is_int && t == XMLRPC_TYPE_INT) {
        int value;
        xmlrpc_read_int(env, v, &value);
        i = value;
    } else if (is_int) {
        xmlrpc_int64 value;
        xmlrpc_read_i8(env, v, &value);
        i = value;
    }
    switch (spec->type) {
    case PARAM_INT:
        if (!is_int)
            break;
        if (i < INT32_MIN || i > INT32_MAX)
            return custrpc_fail(err, CUSTRPC_E_VALUE, spec->name, "%lld does not fit 32 bits",
                                (long long)i);
        out->i = i;
        return 0;
    case PARAM_DOUBLE:
        if (t == XMLRPC_TYPE_DOUBLE)
            xmlrpc_read_double(env, v, &out->d);
        else if (is_int)
            out->d = (double)i;
        else
            break;
        if (!isfinite(out->d))
            return custrpc_fail(err, CUSTRPC_E_VALUE, spec->name, "must be a finite number");
        return 0;
    case PARAM_STRING:
        if (t != XMLRPC_TYPE_STRING)
            break;
        xmlrpc_read_string(env, v, &out->s);
        return 0;
    case PARAM_DATETIME:
        if (t != XMLRPC_TYPE_DATETIME)
            break;
        xmlrpc_read_datetime_str(env, v, &out->s);
        return 0;
    }
    return custrpc_fail(err, CUSTRPC_E_TYPE, spec->name, "wrong type %s, expected %s",
                        custrpc_xmlrpc_type_name(t), param_type_names[spec->type]);
}

int method_params(xmlrpc_value *arg, const struct param_spec *spec, size_t n,
                  struct param_value *out, struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    memset(out, 0, n * sizeof *out);
    int members = xmlrpc_struct_size(&env, arg), rc = 0;
    for (int m = 0; m < members && rc == 0 && !env.fault_occurred; m++) {
        xmlrpc_value *key, *v;
        const char *k;
        xmlrpc_struct_read_member(&env, arg, (unsigned)m, &key, &v);
        if (env.fault_occurred)
            break;
        xmlrpc_read_string(&env, key, &k);
        xmlrpc_DECREF(key);
        if (env.fault_occurred) {
            xmlrpc_DECREF(v);
            break;
        }
        size_t i = 0;
        while (i < n && strcmp(spec[i].name, k) != 0)
            i++;
        if (i == n)
            rc = custrpc_fail(err, CUSTRPC_E_UNKNOWN, k, "unknown member");
        else if ((rc = read_param(&env, &spec[i], v, &out[i], err)) == 0)
            out[i].present = !env.fault_occurred;
        free((void *)k);
        xmlrpc_DECREF(v);
    }
    if (rc == 0 && env.fault_occurred) {
        custrpc_error_from_xmlrpc(&env, err);
        rc = -1;
    }
    xmlrpc_env_clean(&env);
    for (size_t i = 0; i < n && rc == 0; i++)
        if (spec[i].required && !out[i].present)
            rc = custrpc_fail(err, CUSTRPC_E_MISSING, spec[i].name, "mandatory member is missing");
    if (rc < 0)
        method_params_free(out, n);
    return rc;
}

void method_params_free(struct param_value *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((void *)v[i].s);
        v[i].s = NULL;
    }
}

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
    if (store_get(tx, id, out, err) < 0) {
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

xmlrpc_value *method_ok(xmlrpc_env *env)
{
    return xmlrpc_build_value(env, "{s:s}", "result", "OK");
}
