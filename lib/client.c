/* client.c — createCustomer and getCustomerInfo over xmlrpc-c's curl transport. The request
 * is serialized here (so -v can show it, passwords masked) and the response parsed here (so a
 * fault, an HTTP error, a broken answer and a transport failure stay distinct). */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xmlrpc-c/client.h>

#include <custrpc/client.h>
#include <custrpc/marshal.h>
#include <custrpc/xmlrpc_decode.h>

#define DEFAULT_TIMEOUT_MS 30000

struct custrpc_client {
    xmlrpc_client *xc;
    xmlrpc_server_info *server;
    FILE *trace;
    char url[512];
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static int global_ready;

/* libcurl's global setup must run once per process, before any thread uses it. */
static void global_setup(void)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_client_setup_global_const(&env);
    global_ready = !env.fault_occurred;
    xmlrpc_env_clean(&env);
}

int custrpc_client_new(struct custrpc_client **out, const struct custrpc_client_options *o,
                       struct custrpc_error *err)
{
    if (!o->url || !*o->url)
        return custrpc_fail(err, CUSTRPC_E_TRANSPORT, NULL, "no server URL");
    pthread_once(&global_once, global_setup);
    if (!global_ready)
        return custrpc_fail(err, CUSTRPC_E_TRANSPORT, NULL, "cannot initialise libcurl");
    struct custrpc_client *cl = calloc(1, sizeof *cl);
    if (!cl)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    snprintf(cl->url, sizeof cl->url, "%s", o->url);
    cl->trace = o->trace;
    struct xmlrpc_curl_xportparms cx;
    memset(&cx, 0, sizeof cx);
    cx.user_agent = "custrpc/" PACKAGE_VERSION;
    cx.dont_advertise = 1; /* the User-Agent is ours alone */
    cx.no_ssl_verifypeer = o->insecure;
    cx.no_ssl_verifyhost = o->insecure;
    cx.cainfo = o->cacert;
    cx.timeout = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
    struct xmlrpc_clientparms cp;
    memset(&cp, 0, sizeof cp);
    cp.transport = "curl";
    cp.transportparmsP = &cx;
    cp.transportparm_size = XMLRPC_CXPSIZE(dont_advertise);
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_client_create(&env, XMLRPC_CLIENT_NO_FLAGS, "custrpc", PACKAGE_VERSION, &cp,
                         XMLRPC_CPSIZE(transportparm_size), &cl->xc);
    if (!env.fault_occurred)
        cl->server = xmlrpc_server_info_new(&env, o->url);
    if (!env.fault_occurred && o->user) {
        xmlrpc_server_info_set_user(&env, cl->server, o->user, o->password ? o->password : "");
        if (o->auth != CUSTRPC_AUTH_BASIC)
            xmlrpc_server_info_allow_auth_digest(&env, cl->server);
        if (o->auth == CUSTRPC_AUTH_DIGEST)
            xmlrpc_server_info_disallow_auth_basic(&env, cl->server);
        else
            xmlrpc_server_info_allow_auth_basic(&env, cl->server);
    }
    if (env.fault_occurred) {
        custrpc_fail(err, CUSTRPC_E_TRANSPORT, NULL, "%s", env.fault_string);
        xmlrpc_env_clean(&env);
        custrpc_client_free(cl);
        return -1;
    }
    *out = cl;
    return 0;
}

void custrpc_client_free(struct custrpc_client *cl)
{
    if (!cl)
        return;
    if (cl->server)
        xmlrpc_server_info_free(cl->server);
    if (cl->xc)
        xmlrpc_client_destroy(cl->xc);
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
        fprintf(cl->trace, "> POST %s\n%.*s\n", cl->url, (int)XMLRPC_MEMBLOCK_SIZE(char, mb),
                XMLRPC_MEMBLOCK_CONTENTS(char, mb));
    if (mb)
        XMLRPC_MEMBLOCK_FREE(char, mb);
    xmlrpc_DECREF(params);
    xmlrpc_DECREF(shown);
    xmlrpc_env_clean(&env);
}

/* Sorts a failure of the HTTP exchange (xmlrpc-c's curl transport text) into our codes. */
static int transport_failed(const char *text, struct custrpc_error *err)
{
    const char *status_at = strstr(text, "HTTP response code is ");
    int status = 0;
    if (status_at && sscanf(status_at, "HTTP response code is %d", &status) == 1) {
        custrpc_fail(err, status == 401 ? CUSTRPC_E_AUTH : CUSTRPC_E_HTTP, NULL, "%s",
                     status == 401
                         ? "authentication failed (HTTP 401): check the login and API password, "
                           "and that the customer has API access"
                         : text);
        if (err) {
            err->kind = CUSTRPC_KIND_HTTP;
            err->http_status = status;
        }
        return -1;
    }
    bool timeout = strstr(text, "Timeout") || strstr(text, "timed out");
    custrpc_fail(err, timeout ? CUSTRPC_E_TIMEOUT : CUSTRPC_E_TRANSPORT, NULL, "%s", text);
    if (err)
        err->kind = CUSTRPC_KIND_TRANSPORT;
    return -1;
}

static int protocol_error(struct custrpc_error *err, const char *what, const char *detail)
{
    custrpc_fail(err, CUSTRPC_E_PROTOCOL, NULL, "%s%s", what, detail);
    if (err)
        err->kind = CUSTRPC_KIND_TRANSPORT;
    return -1;
}

/* One call with one struct argument (a reference is taken); *result is the response value. */
static int rpc(struct custrpc_client *cl, const char *method, xmlrpc_value *arg,
               xmlrpc_value **result, struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_mem_block *call = NULL, *response = NULL;
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
    xmlrpc_client_transport_call2(&env, cl->xc, cl->server, call, &response);
    if (env.fault_occurred) {
        response = NULL; /* xmlrpc-c leaves it undefined on failure */
        if (cl->trace)
            fprintf(cl->trace, "< (no response) %s\n", env.fault_string);
        transport_failed(env.fault_string, err);
        goto done;
    }
    const char *xml = XMLRPC_MEMBLOCK_CONTENTS(char, response);
    size_t len = XMLRPC_MEMBLOCK_SIZE(char, response);
    if (cl->trace)
        fprintf(cl->trace, "< HTTP 200\n%.*s\n", (int)len, xml);
    int fault_code = 0;
    char *fault_text = NULL;
    struct custrpc_error parse;
    /* Our decoder, not xmlrpc-c's: a server's answer is input like any other (no entities, no
     * unbounded depth), and decimals are read exactly. */
    if (custrpc_xmlrpc_parse_response(xml, len, result, &fault_code, &fault_text, &parse) < 0) {
        protocol_error(err, "the answer is not an XML-RPC response: ", parse.message);
    } else if (fault_text) {
        xmlrpc_env fault;
        xmlrpc_env_init(&fault);
        xmlrpc_env_set_fault(&fault, fault_code, fault_text);
        custrpc_error_from_fault(&fault, err);
        xmlrpc_env_clean(&fault);
        free(fault_text);
    } else {
        rc = 0;
    }
done:
    if (response)
        XMLRPC_MEMBLOCK_FREE(char, response);
    if (call)
        XMLRPC_MEMBLOCK_FREE(char, call);
    if (params)
        xmlrpc_DECREF(params);
    xmlrpc_env_clean(&env);
    return rc;
}

/* The "result" member must be exactly the string "OK", as the API documents. */
static int check_ok(xmlrpc_value *result, struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *v = NULL;
    if (xmlrpc_value_type(result) == XMLRPC_TYPE_STRUCT)
        xmlrpc_struct_find_value(&env, result, "result", &v);
    int rc = 0;
    const char *s = NULL;
    if (!v || xmlrpc_value_type(v) != XMLRPC_TYPE_STRING)
        rc = protocol_error(err, "the answer has no string member ", "\"result\"");
    else if (xmlrpc_read_string(&env, v, &s), env.fault_occurred || strcmp(s, "OK") != 0)
        rc = protocol_error(err,
                            "the answer's \"result\" is not \"OK\": ", s ? s : "(not a string)");
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
        rc = protocol_error(err, "the answer has no integer ", name);
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
    int rc = rpc(cl, CUSTRPC_METHOD_CREATE, arg, &result, err);
    xmlrpc_DECREF(arg);
    if (rc == 0)
        rc = check_ok(result, err) < 0 ? -1 : answer_int(result, "i_customer", i_customer, err);
    if (result)
        xmlrpc_DECREF(result);
    return rc;
}

int custrpc_client_get(struct custrpc_client *cl, int64_t i_customer, const char *name,
                       int64_t i_wholesaler, struct custrpc_customer *out, int64_t *out_id,
                       struct custrpc_error *err)
{
    custrpc_customer_init(out);
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
    int rc = rpc(cl, "getCustomerInfo", arg, &result, err);
    xmlrpc_DECREF(arg);
    if (rc == 0)
        rc = check_ok(result, err);
    if (rc == 0) {
        xmlrpc_struct_find_value(&env, result, "customer", &customer);
        if (!customer || xmlrpc_value_type(customer) != XMLRPC_TYPE_STRUCT)
            rc = protocol_error(err, "the answer has no ", "customer struct");
    }
    if (rc == 0 &&
        custrpc_customer_from_value(out, customer, CUSTRPC_DECODE_ALLOW_UNKNOWN, err) < 0) {
        if (err) /* the server sent it: a decoding problem is the server's, not a local one */
            err->kind = CUSTRPC_KIND_TRANSPORT, err->code = CUSTRPC_E_PROTOCOL;
        rc = -1;
    }
    if (rc == 0 && out_id)
        rc = answer_int(customer, "i_customer", out_id, err);
    if (rc == 0 && custrpc_customer_presence(out, CUSTRPC_F_balance) == CUSTRPC_SET)
        out->balance = -out->balance; /* the API inverts it "for historical reasons" */
    if (rc < 0)
        custrpc_customer_free(out);
    if (customer)
        xmlrpc_DECREF(customer);
    if (result)
        xmlrpc_DECREF(result);
    xmlrpc_env_clean(&env);
    return rc;
}
