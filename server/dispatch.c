/* dispatch.c — calls on the method table, and the system.* methods read from it (see
 * dispatch.h). Replaces xmlrpc-c's registry, which could only take unparsed XML: requests are
 * now decoded by libcustrpc's own parser before they get here. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/error.h>
#include <custrpc/xmlrpc.h>

#include "dispatch.h"
#include "methods.h"

typedef xmlrpc_value *system_fn(xmlrpc_env *env, const struct dispatcher *d, xmlrpc_value *params,
                                void *call_info);

static xmlrpc_value *fault(xmlrpc_env *env, int code, const char *message)
{
    struct custrpc_error err;
    custrpc_fail(&err, code, NULL, "%s", message);
    custrpc_error_to_fault(&err, env);
    return NULL;
}

static xmlrpc_value *not_found(xmlrpc_env *env, const char *name)
{
    char message[200];
    snprintf(message, sizeof message, "method %.150s is not known", name);
    return fault(env, CUSTRPC_E_METHOD, message);
}

static const struct method_row *find(const struct dispatcher *d, const char *name)
{
    for (size_t i = 0; i < d->n_rows; i++)
        if (d->rows[i].api == d->api && strcmp(d->rows[i].name, name) == 0)
            return &d->rows[i];
    return NULL;
}

/* The one string argument of methodHelp and methodSignature, naming a table method. */
static const struct method_row *named_method(xmlrpc_env *env, const struct dispatcher *d,
                                             xmlrpc_value *params)
{
    xmlrpc_env e;
    xmlrpc_env_init(&e);
    const char *name = NULL;
    if (xmlrpc_array_size(&e, params) == 1) {
        xmlrpc_value *v;
        xmlrpc_array_read_item(&e, params, 0, &v);
        if (!e.fault_occurred && xmlrpc_value_type(v) == XMLRPC_TYPE_STRING)
            xmlrpc_read_string(&e, v, &name);
        if (!e.fault_occurred)
            xmlrpc_DECREF(v);
    }
    xmlrpc_env_clean(&e);
    if (!name) {
        fault(env, CUSTRPC_E_PARAMS, "expected one string argument, a method name");
        return NULL;
    }
    const struct method_row *row = find(d, name);
    if (!row)
        not_found(env, name);
    free((void *)name);
    return row;
}

static xmlrpc_value *list_methods(xmlrpc_env *env, const struct dispatcher *d, xmlrpc_value *params,
                                  void *call_info);

static xmlrpc_value *method_help(xmlrpc_env *env, const struct dispatcher *d, xmlrpc_value *params,
                                 void *call_info)
{
    (void)call_info;
    const struct method_row *row = named_method(env, d, params);
    return row ? xmlrpc_string_new(env, row->help) : NULL;
}

/* Introspection's signature from the row: [[return type, argument types...]]. Every method
 * answers a message and takes one, both structs on the wire. */
static xmlrpc_value *method_signature(xmlrpc_env *env, const struct dispatcher *d,
                                      xmlrpc_value *params, void *call_info)
{
    (void)call_info;
    const struct method_row *row = named_method(env, d, params);
    if (!row)
        return NULL;
    return xmlrpc_build_value(env, "((ss))", custrpc_type_name(CUSTRPC_TYPE_MESSAGE),
                              custrpc_type_name(CUSTRPC_TYPE_MESSAGE));
}

/* A test server must not be stoppable over the wire; SIGTERM stops it. */
static xmlrpc_value *refuse_shutdown(xmlrpc_env *env, const struct dispatcher *d,
                                     xmlrpc_value *params, void *call_info)
{
    (void)d;
    (void)params;
    ((struct call_identity *)call_info)->fault_code = CUSTRPC_E_PERMISSION;
    return fault(env, CUSTRPC_E_PERMISSION,
                 "remote shutdown is disabled; stop the server with SIGTERM");
}

static xmlrpc_value *multicall(xmlrpc_env *env, const struct dispatcher *d, xmlrpc_value *params,
                               void *call_info);

static const struct {
    const char *name;
    system_fn *fn;
    const char *help;
} system_methods[] = {
    {"system.listMethods", list_methods, "Returns the names of the methods this server offers."},
    {"system.methodHelp", method_help, "Returns the help text of the method named."},
    {"system.methodSignature", method_signature,
     "Returns the signatures of the method named: arrays of the return type and argument types."},
    {"system.multicall", multicall,
     "Runs an array of {methodName, params} calls; returns, per call, [result] or a fault "
     "struct {faultCode, faultString}."},
    {"system.shutdown", refuse_shutdown, "Refused: stop the server with SIGTERM."},
};
#define N_SYSTEM (sizeof system_methods / sizeof system_methods[0])

static xmlrpc_value *list_methods(xmlrpc_env *env, const struct dispatcher *d, xmlrpc_value *params,
                                  void *call_info)
{
    (void)params;
    (void)call_info;
    xmlrpc_value *names = xmlrpc_array_new(env);
    for (size_t i = 0; !env->fault_occurred && i < d->n_rows + N_SYSTEM; i++) {
        if ((i >= d->n_rows && system_methods[i - d->n_rows].fn == refuse_shutdown) ||
            (i < d->n_rows && d->rows[i].api != d->api))
            continue;
        xmlrpc_value *s = xmlrpc_string_new(
            env, i < d->n_rows ? d->rows[i].name : system_methods[i - d->n_rows].name);
        xmlrpc_array_append_item(env, names, s);
        xmlrpc_DECREF(s);
    }
    if (env->fault_occurred) {
        xmlrpc_DECREF(names);
        return NULL;
    }
    return names;
}

/* One call of a multicall: [result] or {faultCode, faultString}. Nested multicalls are
 * refused, so one request cannot fan out without bound. */
static xmlrpc_value *one_of_many(xmlrpc_env *env, const struct dispatcher *d, xmlrpc_value *call,
                                 void *call_info)
{
    xmlrpc_env e;
    xmlrpc_env_init(&e);
    xmlrpc_value *name = NULL, *params = NULL, *result = NULL;
    const char *method = NULL;
    if (xmlrpc_value_type(call) == XMLRPC_TYPE_STRUCT) {
        xmlrpc_struct_find_value(&e, call, "methodName", &name);
        xmlrpc_struct_find_value(&e, call, "params", &params);
    }
    if (!e.fault_occurred && name && xmlrpc_value_type(name) == XMLRPC_TYPE_STRING && params &&
        xmlrpc_value_type(params) == XMLRPC_TYPE_ARRAY)
        xmlrpc_read_string(&e, name, &method);
    if (!method)
        fault(&e, CUSTRPC_E_REQUEST,
              "each call is a struct of methodName (string) and params (array)");
    else if (strcmp(method, "system.multicall") == 0)
        fault(&e, CUSTRPC_E_REQUEST, "system.multicall cannot be nested");
    else
        result = dispatch_call(&e, d, method, params, call_info);
    xmlrpc_value *out;
    if (result)
        out = xmlrpc_build_value(env, "(V)", result);
    else
        out = xmlrpc_build_value(env, "{s:i,s:s}", "faultCode", e.fault_code, "faultString",
                                 e.fault_string ? e.fault_string : "");
    if (result)
        xmlrpc_DECREF(result);
    if (name)
        xmlrpc_DECREF(name);
    if (params)
        xmlrpc_DECREF(params);
    free((void *)method);
    xmlrpc_env_clean(&e);
    return out;
}

static xmlrpc_value *multicall(xmlrpc_env *env, const struct dispatcher *d, xmlrpc_value *params,
                               void *call_info)
{
    xmlrpc_value *calls = NULL;
    if (xmlrpc_array_size(env, params) == 1)
        xmlrpc_array_read_item(env, params, 0, &calls);
    if (env->fault_occurred || !calls || xmlrpc_value_type(calls) != XMLRPC_TYPE_ARRAY) {
        xmlrpc_env_clean(env);
        xmlrpc_env_init(env);
        if (calls)
            xmlrpc_DECREF(calls);
        return fault(env, CUSTRPC_E_PARAMS, "expected one array of calls");
    }
    xmlrpc_value *results = xmlrpc_array_new(env);
    int n = xmlrpc_array_size(env, calls);
    for (int i = 0; !env->fault_occurred && i < n; i++) {
        xmlrpc_value *call, *one;
        xmlrpc_array_read_item(env, calls, (unsigned)i, &call);
        if (env->fault_occurred)
            break;
        one = one_of_many(env, d, call, call_info);
        xmlrpc_DECREF(call);
        if (one) {
            xmlrpc_array_append_item(env, results, one);
            xmlrpc_DECREF(one);
        }
    }
    xmlrpc_DECREF(calls);
    if (env->fault_occurred) {
        xmlrpc_DECREF(results);
        return NULL;
    }
    return results;
}

const char *dispatch_method_name(const struct dispatcher *d, const char *method)
{
    const struct method_row *row = method ? find(d, method) : NULL;
    return row ? row->name : NULL;
}

const struct custrpc_message *dispatch_request_of(void *ctx, const char *method)
{
    const struct method_row *row = find(ctx, method);
    return row ? row->request : NULL;
}

/* Validates a decoded request with the method's required members, then runs the handler. */
static xmlrpc_value *run_struct(xmlrpc_env *env, const struct dispatcher *d,
                                const struct method_row *row, void *request, void *call_info)
{
    struct custrpc_error err;
    if (custrpc_msg_validate(row->request, request, row->required, &err) < 0) {
        ((struct call_identity *)call_info)->fault_code = err.code;
        custrpc_error_to_fault(&err, env);
        return NULL;
    }
    void *response = calloc(1, row->response->size);
    xmlrpc_value *out = NULL;
    if (!response)
        custrpc_fail(&err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    else if (row->answer(request, response, d->server_info, call_info, &err) == 0)
        custrpc_msg_to_value(row->response, response, &out, &err);
    if (response) {
        custrpc_msg_free(row->response, response);
        free(response);
    }
    if (!out) {
        ((struct call_identity *)call_info)->fault_code = err.code;
        custrpc_error_to_fault(&err, env);
    }
    return out;
}

/* A value tree's one struct argument decoded into the method's request (multicall). */
static xmlrpc_value *run_tree_as_struct(xmlrpc_env *env, const struct dispatcher *d,
                                        const struct method_row *row, xmlrpc_value *params,
                                        void *call_info)
{
    struct custrpc_error err;
    xmlrpc_env e;
    xmlrpc_env_init(&e);
    xmlrpc_value *arg = NULL, *result = NULL;
    int n = xmlrpc_array_size(&e, params);
    void *request = calloc(1, row->request->size);
    if (!request) {
        custrpc_fail(&err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    } else if (n != 1) {
        custrpc_fail(&err, CUSTRPC_E_PARAMS, NULL, "expected exactly one struct argument, got %d",
                     n);
    } else {
        xmlrpc_array_read_item(&e, params, 0, &arg);
        if (xmlrpc_value_type(arg) != XMLRPC_TYPE_STRUCT)
            custrpc_fail(&err, CUSTRPC_E_PARAMS, NULL,
                         "expected exactly one struct argument, got %s",
                         custrpc_xmlrpc_type_name(xmlrpc_value_type(arg)));
        else if (custrpc_msg_from_value(row->request, request, arg, 0, &err) == 0)
            result = run_struct(env, d, row, request, call_info);
        else
            err.code = err.code ? err.code : CUSTRPC_E_INTERNAL;
    }
    if (!result && !env->fault_occurred) {
        ((struct call_identity *)call_info)->fault_code = err.code;
        custrpc_error_to_fault(&err, env);
    }
    if (arg)
        xmlrpc_DECREF(arg);
    if (request) {
        custrpc_msg_free(row->request, request);
        free(request);
    }
    xmlrpc_env_clean(&e);
    return result;
}

xmlrpc_value *dispatch_decoded(xmlrpc_env *env, const struct dispatcher *d,
                               const struct custrpc_call *call, void *call_info)
{
    if (!call->request)
        return dispatch_call(env, d, call->method, call->params, call_info);
    const struct method_row *row = find(d, call->method);
    ((struct call_identity *)call_info)->method = row->name;
    return run_struct(env, d, row, call->message, call_info);
}

xmlrpc_value *dispatch_call(xmlrpc_env *env, const struct dispatcher *d, const char *method,
                            xmlrpc_value *params, void *call_info)
{
    struct call_identity *who = call_info;
    const struct method_row *row = find(d, method);
    if (row) {
        who->method = row->name;
        return run_tree_as_struct(env, d, row, params, call_info);
    }
    for (size_t i = 0; i < N_SYSTEM; i++)
        if (strcmp(system_methods[i].name, method) == 0) {
            who->method = system_methods[i].name;
            return system_methods[i].fn(env, d, params, call_info);
        }
    return not_found(env, method);
}
