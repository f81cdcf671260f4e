/* error.c — filling struct custrpc_error, and the names of the contract's fault codes. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <custrpc/error.h>

void custrpc_error_clear(struct custrpc_error *err)
{
    if (!err)
        return;
    err->code = CUSTRPC_OK;
    err->kind = CUSTRPC_KIND_NONE;
    err->http_status = 0;
    err->field[0] = '\0';
    err->message[0] = '\0';
}

int custrpc_fail(struct custrpc_error *err, int code, const char *field, const char *fmt, ...)
{
    if (!err)
        return -1;
    err->code = code;
    err->kind = CUSTRPC_KIND_LOCAL;
    err->http_status = 0;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    size_t used = 0;
    if (err->field[0]) {
        int n = snprintf(err->message, sizeof err->message, "%s: ", err->field);
        used = n > 0 ? (size_t)n : 0;
        if (used >= sizeof err->message)
            used = sizeof err->message - 1;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message + used, sizeof err->message - used, fmt, ap);
    va_end(ap);
    return -1;
}

const char *custrpc_code_name(int code)
{
    switch (code) {
    case CUSTRPC_OK: return "success";
    case CUSTRPC_E_PARSE: return "parse error";
    case CUSTRPC_E_REQUEST: return "invalid request";
    case CUSTRPC_E_METHOD: return "method not found";
    case CUSTRPC_E_PARAMS: return "invalid params";
    case CUSTRPC_E_MISSING: return "mandatory member missing";
    case CUSTRPC_E_TYPE: return "wrong type";
    case CUSTRPC_E_VALUE: return "invalid value";
    case CUSTRPC_E_UNKNOWN: return "unknown member";
    case CUSTRPC_E_DUPLICATE: return "member given twice";
    case CUSTRPC_E_DUP_NAME: return "name already exists";
    case CUSTRPC_E_DUP_LOGIN: return "web_login already exists";
    case CUSTRPC_E_TARIFF: return "tariff not available";
    case CUSTRPC_E_PERMISSION: return "permission denied";
    case CUSTRPC_E_DEPTH: return "hierarchy depth exceeded";
    case CUSTRPC_E_RIGHTS: return "rights exceed the parent's";
    case CUSTRPC_E_WHOLESALER: return "wholesaler not found";
    case CUSTRPC_E_CHILDREN: return "customer has sub-customers";
    case CUSTRPC_E_CURRENCY: return "currency is not the customer's";
    case CUSTRPC_E_LEVEL: return "Level not below the parent's";
    case CUSTRPC_E_LOCATION: return "unknown location or country";
    case CUSTRPC_E_NOT_FOUND: return "customer not found";
    case CUSTRPC_E_TOO_LARGE: return "request too large";
    case CUSTRPC_E_INTERNAL: return "internal error";
    case CUSTRPC_E_VISA: return "Visa is inconsistent/corrupted.";
    case CUSTRPC_E_LOGIN: return "Unknown partner/username or bad password";
    case CUSTRPC_E_SECURITY: return "Operation failed because of security reasons";
    case CUSTRPC_E_TRANSPORT: return "transport failure";
    case CUSTRPC_E_TIMEOUT: return "timed out";
    case CUSTRPC_E_HTTP: return "HTTP error";
    case CUSTRPC_E_AUTH: return "authentication failed";
    case CUSTRPC_E_PROTOCOL: return "not an XML-RPC response";
    case CUSTRPC_E_CONNECT: return "cannot connect";
    default: return "unknown error";
    }
}
