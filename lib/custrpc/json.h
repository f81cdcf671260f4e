/* json.h — the JSON codec of messages (message.h) and the JSON-RPC 2.0 envelope of the partner
 * API, on jansson. The only public header with jansson types.
 *
 * Types on the wire: STRING and DATETIME a string; INT an integer (a JSON number with a
 * fraction or exponent is not one); DOUBLE a number; BOOL true/false; ENUM a name of its table;
 * FLAGS an array of names of its table (the schema's FlagsType); MESSAGE an object (INLINE: its
 * members beside the parent's); repeated fields an array; nil null where the field allows it.
 * Errors name the member's path ("partnerInfo.Company.PostAddress.City") and, for enums and
 * flags, list the allowed names. */
#ifndef CUSTRPC_JSON_H
#define CUSTRPC_JSON_H

#include <stddef.h>

#include <jansson.h>

#include <custrpc/error.h>
#include <custrpc/message.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The name of v's JSON type for messages: object, array, string, integer, number (a real),
 * boolean, null. */
const char *custrpc_json_kind(const json_t *v);

/* A message as a new JSON object of its present fields (secret fields too: the caller decides
 * what is sent; logs use custrpc_msg_write_json's masking). */
json_t *custrpc_msg_to_json(const struct custrpc_message *d, const void *m);

/* Reads obj into m (initialised; fields read are replaced). path prefixes error paths (NULL or
 * ""). Unknown members are CUSTRPC_E_UNKNOWN, wrong JSON types CUSTRPC_E_TYPE, names outside a
 * table and numbers outside 64 bits CUSTRPC_E_VALUE; the field rules are custrpc_msg_validate's
 * business. On error m holds what was read so far (free it as usual). */
int custrpc_msg_from_json(const struct custrpc_message *d, void *m, const json_t *obj,
                          const char *path, struct custrpc_error *err);

/* JSON text of v for logs (malloc'd, compact): every member whose name contains pass, visa,
 * secret or token (any case), at any depth, is replaced by "(masked)". */
char *custrpc_json_masked(const json_t *v);

/* --- JSON-RPC 2.0 ------------------------------------------------------------------------ */

/* Parses JSON text strictly: RFC 8259 only (no leading zeros, NaN, trailing commas or control
 * characters in strings), duplicate keys refused, integers within 64 bits, text up to len
 * bytes (NUL bytes inside are refused). CUSTRPC_E_PARSE with "line L, column C: ..." (and
 * *position, when not NULL, the byte offset) on failure. */
json_t *custrpc_json_parse(const char *text, size_t len, size_t *position,
                           struct custrpc_error *err);

/* A request as a server reads it. The strings point into root. */
struct custrpc_jsonrpc_request {
    json_t *root;
    json_t *id;         /* borrowed; NULL for a notification (no "id" member) */
    const char *method;
    json_t *params;     /* borrowed; an object (an absent params is read as {}) */
    const char *visa;   /* top-level visa, or NULL */
};

/* Reads a JSON-RPC 2.0 request: CUSTRPC_E_PARSE for text that is not JSON, CUSTRPC_E_REQUEST
 * for a JSON value that is not a request object (jsonrpc must be "2.0", method a string, id a
 * string, number or null, params an object (an empty array, as PHP's json_encode writes "no
 * parameters", is read as {}: ours), visa a string; other top-level members are refused). A batch (array) is CUSTRPC_E_REQUEST: the API has none (ours). rq->id is set
 * whenever the text had a usable id, also on error, so the answer can carry it. */
int custrpc_jsonrpc_parse_request(const char *text, size_t len,
                                  struct custrpc_jsonrpc_request *rq, struct custrpc_error *err);
void custrpc_jsonrpc_request_free(struct custrpc_jsonrpc_request *rq);

/* The JSON-RPC error of a custrpc error: protocol codes (-32700..-32600) as themselves;
 * member errors (missing, type, value, unknown, duplicate) as -32602 invalid params with the
 * custrpc code as data; every other code as -32603 with the code as data, as the API sends
 * 1701, 2100 and 13501. */
void custrpc_jsonrpc_error_code(int custrpc_code, int *code, int *data);

/* Answer texts (malloc'd, compact JSON, no newline). id may be NULL (null); visa NULL leaves
 * it out. result is stolen. */
char *custrpc_jsonrpc_answer(const json_t *id, json_t *result, const char *visa);
char *custrpc_jsonrpc_fault(const json_t *id, const struct custrpc_error *err, const char *visa);
/* A call's text: {"jsonrpc":"2.0","id":id,"method":...,"params":params[,"visa":visa]}.
 * params is stolen. */
char *custrpc_jsonrpc_call(const char *method, const json_t *id, json_t *params,
                           const char *visa);

/* Reads an answer: 0 with *result (new reference; the API's {"result": X} object, or whatever
 * the server sent as "result") or -1 with err: the server's error (kind CUSTRPC_KIND_FAULT,
 * code = its data when that is an integer, else its code; message = its message) or
 * CUSTRPC_E_PROTOCOL for a body that is not a JSON-RPC 2.0 answer. *visa (may be NULL)
 * receives a malloc'd copy of the top-level visa, or NULL; in both cases. */
int custrpc_jsonrpc_parse_answer(const char *text, size_t len, json_t **result, char **visa,
                                 struct custrpc_error *err);

#ifdef __cplusplus
}
#endif
#endif
