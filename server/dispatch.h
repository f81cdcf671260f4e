/* dispatch.h — the server's method table and the XML-RPC calls made on it: a method is a row
 * (name, request and response messages, required members, handler, help); system.listMethods,
 * methodHelp, methodSignature and multicall are answered from the table, so introspection can
 * never disagree with it. A method with a request descriptor gets its argument as a decoded,
 * validated struct (read straight from the body, or from a multicall's value tree). */
#ifndef CUSTRPC_SERVER_DISPATCH_H
#define CUSTRPC_SERVER_DISPATCH_H

#include <stddef.h>

#include <xmlrpc-c/server.h>

#include <custrpc/xmlrpc.h>

/* A method's handler: request is the decoded, validated argument; it fills response (an
 * initialised struct of the row's response message), which the dispatcher writes with the
 * generic codec. 0, or -1 with err set (the fault). Handlers never see wire values. */
typedef int method_answer_fn(void *request, void *response, void *server_info, void *call_info,
                             struct custrpc_error *err);

/* Which API a method belongs to; an endpoint serves one (the XML-RPC endpoints: the Sippy-style
 * customer API; /jsonapi: the partner API, partner_api.h). */
enum method_api { API_SIPPY, API_PARTNER };

struct method_row {
    enum method_api api;
    const char *name;
    const char *help;
    const struct custrpc_message *request;  /* the one struct argument, as a message */
    const char *const *required;            /* its members the method requires (NULL-ended) */
    const struct custrpc_message *response; /* the answer, as a message */
    method_answer_fn *answer;
};

struct dispatcher {
    const struct method_row *rows;
    size_t n_rows;
    void *server_info;   /* handed to every handler */
    enum method_api api; /* only rows of this API are called, listed and described */
};

/* Runs one call. Returns the result (caller DECREFs) or NULL with env set to the fault, whose
 * code is the contract's (custrpc_error codes). call_info is a struct call_identity; its
 * method member is set to the name of a method that was found. */
xmlrpc_value *dispatch_call(xmlrpc_env *env, const struct dispatcher *d, const char *method,
                            xmlrpc_value *params, void *call_info);

/* The table's own spelling of a method name (static, for logs), or NULL. */
const char *dispatch_method_name(const struct dispatcher *d, const char *method);

/* The request descriptor of a method, for custrpc_xmlrpc_decode_call (ctx: the dispatcher). */
const struct custrpc_message *dispatch_request_of(void *ctx, const char *method);

/* Runs a call as custrpc_xmlrpc_decode_call left it: a struct for a method with a request
 * descriptor, the value tree otherwise. As dispatch_call. */
xmlrpc_value *dispatch_decoded(xmlrpc_env *env, const struct dispatcher *d,
                               const struct custrpc_call *call, void *call_info);

#endif
