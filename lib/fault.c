/* fault.c — the one place where struct custrpc_error and XML-RPC faults convert. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <custrpc/xmlrpc.h>

void custrpc_error_to_fault(const struct custrpc_error *err, xmlrpc_env *env)
{
    xmlrpc_env_set_fault(env, err->code,
                         err->message[0] ? err->message : custrpc_code_name(err->code));
}

/* Copies text into err->message and recovers err->field from a "field: problem" text when
 * the prefix is a member of the table. */
static void take_text(struct custrpc_error *err, const char *text)
{
    snprintf(err->message, sizeof err->message, "%s", text ? text : "");
    err->field[0] = '\0';
    const char *colon = strstr(err->message, ": ");
    size_t n = colon ? (size_t)(colon - err->message) : 0;
    if (n > 0 && n < sizeof err->field) {
        char name[CUSTRPC_ERROR_FIELD_MAX];
        memcpy(name, err->message, n);
        name[n] = '\0';
        if (custrpc_field_find(name))
            memcpy(err->field, name, n + 1);
    }
}

/* xmlrpc-c's client puts this before the fault string the server sent. */
#define CLIENT_FAULT_PREFIX "RPC failed at server.  "

void custrpc_error_from_fault(const xmlrpc_env *env, struct custrpc_error *err)
{
    if (!err)
        return;
    const char *text = env->fault_string ? env->fault_string : "";
    if (strncmp(text, CLIENT_FAULT_PREFIX, strlen(CLIENT_FAULT_PREFIX)) == 0)
        text += strlen(CLIENT_FAULT_PREFIX);
    err->code = env->fault_code;
    err->kind = CUSTRPC_KIND_FAULT;
    err->http_status = 0;
    take_text(err, text);
}

void custrpc_error_from_xmlrpc(const xmlrpc_env *env, struct custrpc_error *err)
{
    if (!err)
        return;
    switch (env->fault_code) {
    case XMLRPC_PARSE_ERROR:
    case XMLRPC_INVALID_UTF8_ERROR: err->code = CUSTRPC_E_PARSE; break;
    case XMLRPC_NO_SUCH_METHOD_ERROR: err->code = CUSTRPC_E_METHOD; break;
    case XMLRPC_LIMIT_EXCEEDED_ERROR: err->code = CUSTRPC_E_TOO_LARGE; break;
    case XMLRPC_TYPE_ERROR:
    case XMLRPC_INDEX_ERROR: err->code = CUSTRPC_E_REQUEST; break;
    default: err->code = CUSTRPC_E_INTERNAL; break;
    }
    err->kind = CUSTRPC_KIND_LOCAL;
    err->http_status = 0;
    take_text(err, env->fault_string);
}
