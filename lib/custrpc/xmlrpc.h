/* xmlrpc.h — everything of libcustrpc that speaks in xmlrpc-c's types (xmlrpc_value,
 * xmlrpc_env): the XML-RPC codec of messages, reading XML-RPC documents safely, and the single
 * place where custrpc errors and XML-RPC faults convert. Kept apart so that custrpc.h, and
 * programs that only use the model and the client, need no xmlrpc-c headers. */
#ifndef CUSTRPC_XMLRPC_H
#define CUSTRPC_XMLRPC_H

#include <stddef.h>

#include <xmlrpc-c/base.h>

#include <custrpc/customer.h>
#include <custrpc/error.h>
#include <custrpc/message.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CUSTRPC_METHOD_CREATE "createCustomer"

/* Any message as an XML-RPC struct and back: the generic codec, walking the descriptor
 * recursively (nested messages as structs, repeated fields as arrays, enums as their names,
 * flags as int bitmasks). The customer functions below are these for the customer message. */
int custrpc_msg_to_value(const struct custrpc_message *d, const void *m, xmlrpc_value **out,
                         struct custrpc_error *err);
int custrpc_msg_from_value(const struct custrpc_message *d, void *m, xmlrpc_value *value,
                           unsigned flags, struct custrpc_error *err);

/* Builds the XML-RPC struct of every field that is SET (typed as the table says) or NIL
 * (<nil/>); absent fields are left out. *out is the caller's to xmlrpc_DECREF. */
int custrpc_customer_to_value(const struct custrpc_customer *c, xmlrpc_value **out,
                              struct custrpc_error *err);

enum custrpc_decode_flag {
    CUSTRPC_DECODE_ALLOW_UNKNOWN = 1u << 0 /* skip members the table lacks (read-back of
                                              getCustomerInfo, which returns more fields) */
};

/* Reads an XML-RPC struct into c (initialised by the caller; fields already set are replaced).
 * Strict: a non-struct is CUSTRPC_E_PARAMS; an unknown member CUSTRPC_E_UNKNOWN (unless
 * allowed); a wrong type, or nil where the table forbids it, CUSTRPC_E_TYPE; invalid UTF-8 or an
 * int beyond 32 bits CUSTRPC_E_VALUE. <int>/<i4>/<i8> fit INT fields, and DOUBLE fields also
 * take integers, as real clients send them. The field's rules are not applied here: call
 * custrpc_customer_validate (custrpc_customer_decode_request does both). */
int custrpc_customer_from_value(struct custrpc_customer *c, xmlrpc_value *value, unsigned flags,
                                struct custrpc_error *err);

/* What a server does with the createCustomer argument: strict decode, then validation. */
int custrpc_customer_decode_request(struct custrpc_customer *c, xmlrpc_value *value,
                                    struct custrpc_error *err);

/* The complete createCustomer methodCall document (one struct param; nil as <nil/>).
 * *xml is NUL-terminated, *len its length (len may be NULL); the caller frees *xml. */
int custrpc_create_request_xml(const struct custrpc_customer *c, char **xml, size_t *len,
                               struct custrpc_error *err);

/* A copy of v for logs and traces: every struct member the table marks secret (at any depth,
 * so multicall arguments too) has its value replaced by the string "********". The caller
 * DECREFs it; on failure env is set. */
xmlrpc_value *custrpc_mask_secrets(xmlrpc_env *env, xmlrpc_value *v);

/* "int", "i8", "struct", ...: the element name of an xmlrpc-c value type (xmlrpc_type). */
const char *custrpc_xmlrpc_type_name(int type);

/* Sets env to the XML-RPC fault of err (code and message as they are). */
void custrpc_error_to_fault(const struct custrpc_error *err, xmlrpc_env *env);

/* Converts a fault that a server sent (env as an xmlrpc-c client left it) into err, keeping
 * the code and text as they are; err->field is recovered from a "field: problem" text. */
void custrpc_error_from_fault(const xmlrpc_env *env, struct custrpc_error *err);

/* Converts an error raised locally by xmlrpc-c (parsing a request, a limit) into err, mapping
 * its own codes to the contract's: parse -> CUSTRPC_E_PARSE, no such method ->
 * CUSTRPC_E_METHOD, limit exceeded -> CUSTRPC_E_TOO_LARGE, other type/index errors ->
 * CUSTRPC_E_REQUEST, anything else -> CUSTRPC_E_INTERNAL. */
void custrpc_error_from_xmlrpc(const xmlrpc_env *env, struct custrpc_error *err);

/* --- reading documents -------------------------------------------------------------------- */

/* Limits of this project (the XML-RPC text sets none). */
#define CUSTRPC_XML_MAX_DEPTH 64     /* elements nested deeper: CUSTRPC_E_TOO_LARGE */
#define CUSTRPC_XML_MAX_MEMBERS 4096 /* members of one struct: CUSTRPC_E_TOO_LARGE */

/* Parses a methodCall. On success *method (caller frees) and *params (an array, caller
 * DECREFs) are set. Errors, each naming the member when there is one:
 *   CUSTRPC_E_PARSE     not well-formed XML (the message gives line and column);
 *   CUSTRPC_E_REQUEST   a DOCTYPE, or well-formed XML that is not an XML-RPC call (an unknown
 *                       element, text where none belongs, a scalar that is not its type: an
 *                       <int> beyond 32 bits, a <double> that is not finite, bad base64);
 *   CUSTRPC_E_TOO_LARGE elements nested deeper than CUSTRPC_XML_MAX_DEPTH, or a struct with
 *                       more than CUSTRPC_XML_MAX_MEMBERS members;
 *   CUSTRPC_E_DUPLICATE a struct member given twice.
 * Values of members the field table marks secret never appear in a message. Numbers are read
 * with strtod/strtoll, exactly; a UTF-8 or UTF-16 byte-order mark is accepted. */
int custrpc_xmlrpc_parse_call(const char *xml, size_t len, char **method, xmlrpc_value **params,
                              struct custrpc_error *err);

/* A methodCall decoded for a server: when the caller's select names a request descriptor for
 * the method, its one struct argument is read straight into a struct of that message (no value
 * tree: members go into their fields as they are read, with the same type rules as
 * custrpc_msg_from_value; an unknown member is CUSTRPC_E_UNKNOWN, anything but one struct
 * argument CUSTRPC_E_PARAMS); otherwise (system.* methods, say) params holds the value tree. */
struct custrpc_call {
    char *method;
    const struct custrpc_message *request; /* NULL: params holds the value tree */
    void *message;                         /* request->size bytes: the argument */
    xmlrpc_value *params;
};
typedef const struct custrpc_message *custrpc_select_fn(void *ctx, const char *method);
int custrpc_xmlrpc_decode_call(const char *xml, size_t len, custrpc_select_fn *select, void *ctx,
                               struct custrpc_call *out, struct custrpc_error *err);
/* Frees what a call holds; also after a failed decode, which leaves out->method set when the
 * method name was read (for logs) and nothing else. */
void custrpc_call_free(struct custrpc_call *c);

/* Parses a methodResponse: either *result is set (caller DECREFs) and *fault_code is 0, or the
 * response is a fault and *fault_code / *fault_string (caller frees) are set, *result NULL.
 * Errors as for custrpc_xmlrpc_parse_call. */
int custrpc_xmlrpc_parse_response(const char *xml, size_t len, xmlrpc_value **result,
                                  int *fault_code, char **fault_string, struct custrpc_error *err);

#ifdef __cplusplus
}
#endif
#endif
