/* client.c — createCustomer and getCustomerInfo over the shared HTTP transport (transport.h).
 * The request is serialized here (so -v can show it, passwords masked) and the answer read
 * here, whatever its HTTP status (so a fault sent with status 500 is still the server's
 * fault). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xmlrpc-c/json.h>

#include <custrpc/client.h>
#include <custrpc/xmlrpc.h>

#include "client_internal.h"
#include "transport.h"

struct custrpc_client {
    struct transport *http;
    FILE *trace;
};

int custrpc_client_new(struct custrpc_client **out, const struct custrpc_client_options *o,
                       struct custrpc_error *err)
{
    if (!out)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "custrpc_client_new: out is NULL");
    *out = NULL;
    if (!o)
        return custrpc_fail(err, CUSTRPC_E_CONNECT, NULL, "no client options (no server URL)");
    struct transport_options to = {
        .url = o->url,
        .content_type = "text/xml; charset=utf-8",
        .user = o->user,
        .password = o->password,
        .auth = o->auth,
        .cacert = o->cacert,
        .insecure = o->insecure,
        .timeout_ms = o->timeout_ms,
    };
    struct transport *http;
    if (transport_new(&http, &to, err) < 0)
        return -1;
    struct custrpc_client *cl = calloc(1, sizeof *cl);
    if (!cl) {
        transport_free(http);
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    }
    cl->http = http;
    cl->trace = o->trace;
    *out = cl;
    return 0;
}

void custrpc_client_free(struct custrpc_client *cl)
{
    if (!cl)
        return;
    transport_free(cl->http);
    free(cl);
}

static void trace_call(struct custrpc_client *cl, const char *method, xmlrpc_value *arg)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *shown = custrpc_mask_secrets(&env, arg);
    xmlrpc_value *params = xmlrpc_array_new(&env);
    xmlrpc_array_append_item(&env, params, shown);
    xmlrpc_mem_block *mb = XMLRPC_MEMBLOCK_NEW(char, &env, 0);
    xmlrpc_serialize_call2(&env, mb, method, params, xmlrpc_dialect_i8);
    if (!env.fault_occurred)
        fprintf(cl->trace, "> POST %s\n%.*s\n", transport_url(cl->http),
                (int)XMLRPC_MEMBLOCK_SIZE(char, mb), XMLRPC_MEMBLOCK_CONTENTS(char, mb));
    if (mb)
        XMLRPC_MEMBLOCK_FREE(char, mb);
    xmlrpc_DECREF(params);
    xmlrpc_DECREF(shown);
    xmlrpc_env_clean(&env);
}

int client_protocol_error(struct custrpc_error *err, const char *what, const char *detail)
{
    return transport_protocol_error(err, what, detail);
}

int client_rpc(struct custrpc_client *cl, const char *method, xmlrpc_value *arg,
               xmlrpc_value **result, struct custrpc_error *err)
{
    *result = NULL;
    /* A program that goes on after a failed custrpc_client_new gets an error, not a crash. */
    if (!cl)
        return custrpc_fail(err, CUSTRPC_E_CONNECT, NULL,
                            "no client handle (custrpc_client_new failed); nothing sent");
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_mem_block *call = NULL;
    xmlrpc_value *params = xmlrpc_array_new(&env);
    int rc = -1;
    xmlrpc_array_append_item(&env, params, arg);
    call = XMLRPC_MEMBLOCK_NEW(char, &env, 0);
    if (!env.fault_occurred)
        xmlrpc_serialize_call2(&env, call, method, params, xmlrpc_dialect_i8);
    if (env.fault_occurred) {
        custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "cannot serialize the call: %s",
                     env.fault_string);
        goto done;
    }
    if (cl->trace)
        trace_call(cl, method, arg);
    long status = 0;
    const char *xml;
    size_t len;
    if (transport_post(cl->http, XMLRPC_MEMBLOCK_CONTENTS(char, call),
                       XMLRPC_MEMBLOCK_SIZE(char, call), &status, &xml, &len, err) < 0) {
        if (cl->trace)
            fprintf(cl->trace, "< (no answer) %s\n", transport_last_error(cl->http));
        goto done;
    }
    if (cl->trace)
        fprintf(cl->trace, "< HTTP %ld\n%.*s\n", status, (int)len, xml);
    int fault_code = 0;
    char *fault_text = NULL;
    struct custrpc_error parse;
    /* Our decoder, not xmlrpc-c's: a server's answer is input like any other (no entities, no
     * unbounded depth), and decimals are read exactly. A fault is the server's answer with any
     * HTTP status; anything else needs 200. */
    bool decoded =
        status != 401 && len > 0 &&
        custrpc_xmlrpc_parse_response(xml, len, result, &fault_code, &fault_text, &parse) == 0;
    if (decoded && fault_text) {
        xmlrpc_env fault;
        xmlrpc_env_init(&fault);
        xmlrpc_env_set_fault(&fault, fault_code, fault_text);
        custrpc_error_from_fault(&fault, err);
        if (err)
            err->http_status = status == 200 ? 0 : (int)status;
        xmlrpc_env_clean(&fault);
        free(fault_text);
    } else if (status != 200) {
        transport_status_error(cl->http, status,
                               "no XML-RPC endpoint at this path; try /RPC2 (custrpc-server, "
                               "Sippy) or /xmlapi/xmlapi (Sippy's XML API)",
                               err);
    } else if (!decoded) {
        client_protocol_error(err, "cannot read the answer: ", len ? parse.message : "it is empty");
    } else {
        rc = 0;
    }
    if (rc < 0 && *result) {
        xmlrpc_DECREF(*result);
        *result = NULL;
    }
done:
    if (call)
        XMLRPC_MEMBLOCK_FREE(char, call);
    if (params)
        xmlrpc_DECREF(params);
    xmlrpc_env_clean(&env);
    return rc;
}

int client_check_ok(xmlrpc_value *result, struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *v = NULL;
    if (xmlrpc_value_type(result) == XMLRPC_TYPE_STRUCT)
        xmlrpc_struct_find_value(&env, result, "result", &v);
    int rc = 0;
    const char *s = NULL;
    if (!v || xmlrpc_value_type(v) != XMLRPC_TYPE_STRING)
        rc = client_protocol_error(err, "the answer has no string member ", "\"result\"");
    else if (xmlrpc_read_string(&env, v, &s), env.fault_occurred || strcmp(s, "OK") != 0)
        rc = client_protocol_error(
            err, "the answer's \"result\" is not \"OK\": ", s ? s : "(not a string)");
    free((void *)s);
    if (v)
        xmlrpc_DECREF(v);
    xmlrpc_env_clean(&env);
    return rc;
}

/* An int member of the answer (xmlrpc-c reads <i4>, <int> and <i8>). */
static int answer_int(xmlrpc_value *s, const char *name, int64_t *out, struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *v = NULL;
    xmlrpc_struct_find_value(&env, s, name, &v);
    int rc = 0;
    if (v && xmlrpc_value_type(v) == XMLRPC_TYPE_INT) {
        int i;
        xmlrpc_read_int(&env, v, &i);
        *out = i;
    } else if (v && xmlrpc_value_type(v) == XMLRPC_TYPE_I8) {
        xmlrpc_int64 i;
        xmlrpc_read_i8(&env, v, &i);
        *out = i;
    } else {
        rc = client_protocol_error(err, "the answer has no integer ", name);
    }
    if (v)
        xmlrpc_DECREF(v);
    xmlrpc_env_clean(&env);
    return rc;
}

int custrpc_client_create(struct custrpc_client *cl, const struct custrpc_customer *c,
                          int64_t *i_customer, struct custrpc_error *err)
{
    xmlrpc_value *arg, *result = NULL;
    if (custrpc_customer_validate(c, err) < 0 || custrpc_customer_to_value(c, &arg, err) < 0)
        return -1;
    int rc = client_rpc(cl, CUSTRPC_METHOD_CREATE, arg, &result, err);
    xmlrpc_DECREF(arg);
    if (rc == 0)
        rc = client_check_ok(result, err) < 0 ? -1
                                              : answer_int(result, "i_customer", i_customer, err);
    if (result)
        xmlrpc_DECREF(result);
    return rc;
}

void custrpc_extras_free(struct custrpc_extras *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++) {
        free(x->items[i].name);
        free(x->items[i].text);
        free(x->items[i].json);
        free(x->items[i].problem);
    }
    free(x->items);
    x->items = NULL;
    x->n = 0;
}

static void value_json(FILE *out, xmlrpc_value *v)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_mem_block *mb = XMLRPC_MEMBLOCK_NEW(char, &env, 0);
    if (!env.fault_occurred)
        xmlrpc_serialize_json(&env, v, mb);
    if (!env.fault_occurred)
        fprintf(out, "%.*s", (int)XMLRPC_MEMBLOCK_SIZE(char, mb),
                XMLRPC_MEMBLOCK_CONTENTS(char, mb));
    else
        fputs("null", out);
    if (mb)
        XMLRPC_MEMBLOCK_FREE(char, mb);
    xmlrpc_env_clean(&env);
}

/* A value as text for a person: scalars as they read, structs and arrays as JSON. */
static void value_text(FILE *out, xmlrpc_value *v)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    switch (xmlrpc_value_type(v)) {
    case XMLRPC_TYPE_STRUCT:
    case XMLRPC_TYPE_ARRAY: value_json(out, v); break;
    case XMLRPC_TYPE_STRING: {
        const char *t = NULL;
        xmlrpc_read_string(&env, v, &t);
        fputs(t ? t : "", out);
        free((void *)t);
        break;
    }
    case XMLRPC_TYPE_INT: {
        int i = 0;
        xmlrpc_read_int(&env, v, &i);
        fprintf(out, "%d", i);
        break;
    }
    case XMLRPC_TYPE_I8: {
        xmlrpc_int64 i = 0;
        xmlrpc_read_i8(&env, v, &i);
        fprintf(out, "%lld", (long long)i);
        break;
    }
    case XMLRPC_TYPE_DOUBLE: {
        double d = 0;
        xmlrpc_read_double(&env, v, &d);
        fprintf(out, "%.17g", d);
        break;
    }
    case XMLRPC_TYPE_BOOL: {
        xmlrpc_bool b = 0;
        xmlrpc_read_bool(&env, v, &b);
        fputs(b ? "true" : "false", out);
        break;
    }
    case XMLRPC_TYPE_NIL: fputs("nil", out); break;
    default: fprintf(out, "(%s)", custrpc_xmlrpc_type_name(xmlrpc_value_type(v))); break;
    }
    xmlrpc_env_clean(&env);
}

int client_add_extra(struct custrpc_extras *x, const char *name, xmlrpc_value *v,
                     const char *problem)
{
    struct custrpc_extra_member *items = realloc(x->items, (x->n + 1) * sizeof *items);
    if (!items)
        return -1;
    x->items = items;
    struct custrpc_extra_member *m = &items[x->n];
    char *text = NULL, *json = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    if (out) {
        value_text(out, v);
        fclose(out);
    }
    out = open_memstream(&json, &size);
    if (out) {
        value_json(out, v);
        fclose(out);
    }
    m->name = strdup(name);
    m->text = text;
    m->json = json;
    m->problem = problem ? strdup(problem) : NULL;
    x->n++;
    return m->name && m->text && m->json ? 0 : -1;
}

/* Members the API returns beside the createCustomer fields. */
static bool answer_only(const char *name)
{
    return strcmp(name, "i_customer") == 0 || strcmp(name, "i_parent") == 0 ||
           strcmp(name, "blocked") == 0;
}

/* Reads the customer struct member by member, so one member of an unexpected type or name is
 * reported (in extras) instead of failing the whole answer. */
static int read_customer(xmlrpc_value *customer, struct custrpc_customer *out,
                         struct custrpc_extras *extras, struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    int n = xmlrpc_struct_size(&env, customer);
    for (int i = 0; i < n && !env.fault_occurred; i++) {
        xmlrpc_value *key, *member, *one;
        const char *name = NULL;
        xmlrpc_struct_read_member(&env, customer, (unsigned)i, &key, &member);
        if (env.fault_occurred)
            break;
        xmlrpc_read_string(&env, key, &name);
        xmlrpc_DECREF(key);
        struct custrpc_error why;
        const char *problem = NULL;
        if (!env.fault_occurred && !answer_only(name)) {
            if (!custrpc_field_find(name)) {
                problem = "unknown member";
            } else {
                one = xmlrpc_struct_new(&env);
                xmlrpc_struct_set_value(&env, one, name, member);
                if (!env.fault_occurred && custrpc_customer_from_value(out, one, 0, &why) < 0) {
                    size_t flen = strlen(why.field);
                    problem = why.message; /* "field: problem", without the field */
                    if (flen && strncmp(problem, why.field, flen) == 0 && problem[flen] == ':')
                        problem += flen + 2;
                }
                xmlrpc_DECREF(one);
            }
        }
        if (!env.fault_occurred && extras &&
            (problem || (answer_only(name) && strcmp(name, "i_customer") != 0)) &&
            client_add_extra(extras, name, member, problem) < 0)
            xmlrpc_faultf(&env, "out of memory");
        free((void *)name);
        xmlrpc_DECREF(member);
    }
    int rc = env.fault_occurred
                 ? client_protocol_error(err, "the customer struct: ", env.fault_string)
                 : 0;
    xmlrpc_env_clean(&env);
    return rc;
}

int custrpc_client_get(struct custrpc_client *cl, int64_t i_customer, const char *name,
                       int64_t i_wholesaler, struct custrpc_customer *out, int64_t *out_id,
                       struct custrpc_error *err)
{
    return custrpc_client_get_ex(cl, i_customer, name, i_wholesaler, out, out_id, NULL, err);
}

int custrpc_client_get_ex(struct custrpc_client *cl, int64_t i_customer, const char *name,
                          int64_t i_wholesaler, struct custrpc_customer *out, int64_t *out_id,
                          struct custrpc_extras *extras, struct custrpc_error *err)
{
    custrpc_customer_init(out);
    if (extras)
        *extras = (struct custrpc_extras){0, NULL};
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *arg =
        name ? xmlrpc_build_value(&env, "{s:s}", "name", name)
             : xmlrpc_build_value(&env, "{s:i}", "i_customer", (xmlrpc_int32)i_customer);
    if (!env.fault_occurred && i_wholesaler > 0) {
        xmlrpc_value *w = xmlrpc_int_new(&env, (xmlrpc_int32)i_wholesaler);
        xmlrpc_struct_set_value(&env, arg, "i_wholesaler", w);
        xmlrpc_DECREF(w);
    }
    if (env.fault_occurred) {
        xmlrpc_env_clean(&env);
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    }
    xmlrpc_value *result = NULL, *customer = NULL;
    int rc = client_rpc(cl, "getCustomerInfo", arg, &result, err);
    xmlrpc_DECREF(arg);
    if (rc == 0)
        rc = client_check_ok(result, err);
    if (rc == 0) {
        xmlrpc_struct_find_value(&env, result, "customer", &customer);
        if (!customer || xmlrpc_value_type(customer) != XMLRPC_TYPE_STRUCT)
            rc = client_protocol_error(err, "the answer has no ", "customer struct");
    }
    if (rc == 0)
        rc = read_customer(customer, out, extras, err);
    if (rc == 0 && out_id)
        rc = answer_int(customer, "i_customer", out_id, err);
    if (rc == 0 && custrpc_customer_presence(out, CUSTRPC_F_balance) == CUSTRPC_SET)
        out->balance = -out->balance; /* the API inverts it "for historical reasons" */
    if (rc < 0) {
        custrpc_customer_free(out);
        custrpc_extras_free(extras);
    }
    if (customer)
        xmlrpc_DECREF(customer);
    if (result)
        xmlrpc_DECREF(result);
    xmlrpc_env_clean(&env);
    return rc;
}
