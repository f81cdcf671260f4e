/* xmlrpc_decode.h — reading XML-RPC documents (methodCall, methodResponse) safely: libxml2's
 * streaming reader with DTDs, entities and network access off in every encoding, and the depth
 * and size limits enforced while parsing, so no input can make it recurse or expand. */
#ifndef CUSTRPC_XMLRPC_DECODE_H
#define CUSTRPC_XMLRPC_DECODE_H

#include <stddef.h>

#include <xmlrpc-c/base.h>

#include <custrpc/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Limits of this project (the XML-RPC text sets none). */
#define CUSTRPC_XML_MAX_DEPTH 64          /* elements nested deeper: CUSTRPC_E_TOO_LARGE */
#define CUSTRPC_XML_MAX_MEMBERS 4096      /* members of one struct: CUSTRPC_E_TOO_LARGE */

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

/* Parses a methodResponse: either *result is set (caller DECREFs) and *fault_code is 0, or the
 * response is a fault and *fault_code / *fault_string (caller frees) are set, *result NULL.
 * Errors as for custrpc_xmlrpc_parse_call. */
int custrpc_xmlrpc_parse_response(const char *xml, size_t len, xmlrpc_value **result,
                                  int *fault_code, char **fault_string,
                                  struct custrpc_error *err);

#ifdef __cplusplus
}
#endif
#endif
