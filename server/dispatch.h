/* dispatch.h — the server's method table and the XML-RPC calls made on it: a method is a row
 * (name, handler, signature, help); system.listMethods, methodHelp, methodSignature and
 * multicall are answered from the table, so introspection can never disagree with it. */
#ifndef CUSTRPC_SERVER_DISPATCH_H
#define CUSTRPC_SERVER_DISPATCH_H

#include <stddef.h>

#include <xmlrpc-c/server.h>

struct method_row {
    const char *name;
    xmlrpc_method2 handler; /* (env, params array, server_info, call_info) */
    const char *signature;  /* xmlrpc-c notation: "S:S" is struct f(struct) */
    const char *help;
};

struct dispatcher {
    const struct method_row *rows;
    size_t n_rows;
    void *server_info; /* handed to every handler */
};

/* Runs one call. Returns the result (caller DECREFs) or NULL with env set to the fault, whose
 * code is the contract's (custrpc_error codes). call_info is a struct call_identity; its
 * method member is set to the name of a method that was found. */
xmlrpc_value *dispatch_call(xmlrpc_env *env, const struct dispatcher *d, const char *method,
                            xmlrpc_value *params, void *call_info);

#endif
