/* client_internal.h — what client.c shares with the other methods' file (client_lifecycle.c):
 * one call on the wire, the result check and the reporting of answers that are not the API's.
 * Not installed; the names are not exported (the library exports custrpc_* only). */
#ifndef CUSTRPC_CLIENT_INTERNAL_H
#define CUSTRPC_CLIENT_INTERNAL_H

#include <xmlrpc-c/base.h>

#include <custrpc/client.h>

/* One call with one struct argument (a reference is taken); *result is the response value. */
int client_rpc(struct custrpc_client *cl, const char *method, xmlrpc_value *arg,
               xmlrpc_value **result, struct custrpc_error *err);
/* The "result" member must be exactly the string "OK", as the API documents. */
int client_check_ok(xmlrpc_value *result, struct custrpc_error *err);
/* A CUSTRPC_E_PROTOCOL error of kind TRANSPORT: "what" followed by detail. */
int client_protocol_error(struct custrpc_error *err, const char *what, const char *detail);
/* Appends a member the model could not take to x (problem NULL: returned beside the fields). */
int client_add_extra(struct custrpc_extras *x, const char *name, xmlrpc_value *v,
                     const char *problem);

#endif
