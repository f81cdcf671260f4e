/* error.h — the one error convention of libcustrpc: every fallible function returns 0 or -1 and
 * fills a caller-owned struct custrpc_error; the codes double as the XML-RPC fault contract. */
#ifndef CUSTRPC_ERROR_H
#define CUSTRPC_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fault codes of the createCustomer contract (README, "Faults"). The real API publishes none,
 * so these are this project's; a server sends exactly these and clients report them. */
enum custrpc_code {
    CUSTRPC_OK = 0,
    CUSTRPC_E_PARSE = -32700,    /* not well-formed XML */
    CUSTRPC_E_REQUEST = -32600,  /* not a valid XML-RPC request */
    CUSTRPC_E_METHOD = -32601,   /* method not found */
    CUSTRPC_E_PARAMS = -32602,   /* not exactly one struct argument */
    CUSTRPC_E_MISSING = 1001,    /* mandatory member missing or empty */
    CUSTRPC_E_TYPE = 1002,       /* member has the wrong XML-RPC type */
    CUSTRPC_E_VALUE = 1003,      /* member value invalid or out of range */
    CUSTRPC_E_UNKNOWN = 1004,    /* unknown member */
    CUSTRPC_E_DUPLICATE = 1005,  /* a struct member given twice */
    CUSTRPC_E_DUP_NAME = 1010,   /* name already exists */
    CUSTRPC_E_DUP_LOGIN = 1011,  /* web_login already exists */
    CUSTRPC_E_TARIFF = 1020,     /* i_tariff unknown or not available to the parent */
    CUSTRPC_E_PERMISSION = 1030, /* caller lacks add/edit/delete, or not in trusted mode */
    CUSTRPC_E_DEPTH = 1031,      /* hierarchy depth exceeded */
    CUSTRPC_E_RIGHTS = 1032,     /* rights exceed the parent's */
    CUSTRPC_E_WHOLESALER = 1033, /* i_wholesaler does not exist */
    CUSTRPC_E_CHILDREN = 1034,   /* customer has sub-customers (deleteCustomer) */
    CUSTRPC_E_CURRENCY = 1035,   /* currency is not the customer's payment_currency */
    CUSTRPC_E_LEVEL = 1036,      /* partner API: Level not strictly below the parent's (ours) */
    CUSTRPC_E_LOCATION = 1037,   /* partner API: unknown country or LocationId (ours) */
    CUSTRPC_E_NOT_FOUND = 1040,  /* customer not found or outside the caller's subtree */
    CUSTRPC_E_TOO_LARGE = 1050,  /* request too large or too deeply nested */
    CUSTRPC_E_INTERNAL = 1099,   /* internal error (store, memory); nothing half-written */
    /* The partner API's published codes, sent as the JSON-RPC error's data: */
    CUSTRPC_E_VISA = 1701,      /* "Visa is inconsistent/corrupted.": missing, expired, forged */
    CUSTRPC_E_LOGIN = 2100,     /* "Unknown partner/username or bad password" */
    CUSTRPC_E_SECURITY = 13501, /* "Operation failed because of security reasons" */

    /* Client-side outcomes, never sent by a server as faults (see custrpc_error.kind). */
    CUSTRPC_E_TRANSPORT = 2000, /* could not connect, TLS failure, connection lost */
    CUSTRPC_E_TIMEOUT = 2001,   /* no complete answer within the timeout */
    CUSTRPC_E_HTTP = 2002,      /* an HTTP status other than 200 */
    CUSTRPC_E_AUTH = 2003,      /* HTTP 401: credentials missing or refused */
    CUSTRPC_E_PROTOCOL = 2004,  /* HTTP 200 but not an XML-RPC response (an HTML page, ...) */
    CUSTRPC_E_CONNECT = 2005    /* could not connect (refused, no such host, TLS handshake):
                                   the request was never sent */
};

/* Where an error comes from, so a caller can tell "nothing was sent" from "the server said no"
 * from "we do not know whether the server acted". */
enum custrpc_error_kind {
    CUSTRPC_KIND_NONE = 0,
    CUSTRPC_KIND_LOCAL,    /* found here (validation, usage, memory): nothing was sent */
    CUSTRPC_KIND_FAULT,    /* the server answered with an XML-RPC fault: code and text are its */
    CUSTRPC_KIND_HTTP,     /* the server answered with an HTTP error status (http_status) */
    CUSTRPC_KIND_TRANSPORT /* no usable answer: connect, TLS, timeout or a broken response */
};

#define CUSTRPC_ERROR_FIELD_MAX 64
#define CUSTRPC_ERROR_MESSAGE_MAX 512

struct custrpc_error {
    int code; /* enum custrpc_code, or a foreign fault code */
    enum custrpc_error_kind kind;
    int http_status;                         /* with CUSTRPC_KIND_HTTP; else 0 */
    char field[CUSTRPC_ERROR_FIELD_MAX];     /* member the error is about; "" when none */
    char message[CUSTRPC_ERROR_MESSAGE_MAX]; /* "field: problem", ready to show a person */
};

/* Resets err to CUSTRPC_OK with empty texts. NULL is accepted and ignored. */
void custrpc_error_clear(struct custrpc_error *err);

/* Fills err (when not NULL) with code, field and a message "field: <printf text>" (just the
 * text when field is NULL or empty); the kind is CUSTRPC_KIND_LOCAL. Always returns -1, so
 * callers can `return custrpc_fail(...)`. */
int custrpc_fail(struct custrpc_error *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Short English name of a code ("unknown member"); "unknown error" for foreign codes. */
const char *custrpc_code_name(int code);

#ifdef __cplusplus
}
#endif
#endif
