/* method_util.h — what every method handler shares: the fault answer, the one struct argument,
 * members read by a small spec (for methods whose arguments are not customer fields), and who
 * a request acts for and on. */
#ifndef CUSTRPC_SERVER_METHOD_UTIL_H
#define CUSTRPC_SERVER_METHOD_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include <xmlrpc-c/base.h>

#include "methods.h"
#include "store.h"

/* Turns err into the method's fault and records it for the log; returns NULL for xmlrpc-c. */
xmlrpc_value *method_fault(xmlrpc_env *env, struct call_identity *who,
                           const struct custrpc_error *err);

/* The single struct argument every method of the API takes (*out is the caller's to DECREF). */
int method_one_struct(xmlrpc_value *params, xmlrpc_value **out, struct custrpc_error *err);

enum param_type { PARAM_INT, PARAM_DOUBLE, PARAM_STRING, PARAM_DATETIME };

struct param_spec {
    const char *name;
    enum param_type type;
    bool required;
};

struct param_value {
    bool present;
    int64_t i;     /* PARAM_INT (32 bits, <int>, <i4> or <i8>) */
    double d;      /* PARAM_DOUBLE (an integer is taken too, as for createCustomer's doubles) */
    const char *s; /* PARAM_STRING, PARAM_DATETIME (as sent); owned, see method_params_free */
};

/* Reads the members of arg by spec into out[n]: a member spec lacks is CUSTRPC_E_UNKNOWN, a
 * wrong type (nil included) CUSTRPC_E_TYPE, a required one missing CUSTRPC_E_MISSING. */
int method_params(xmlrpc_value *arg, const struct param_spec *spec, size_t n,
                  struct param_value *out, struct custrpc_error *err);
void method_params_free(struct param_value *v, size_t n);

/* The customer a request acts for: the authenticated caller, or in trusted mode the
 * i_wholesaler it names (required there, refused elsewhere). out->c is the caller's to free. */
int method_acting(struct store_tx *tx, const struct call_identity *who, bool has_wholesaler,
                  int64_t wholesaler, struct store_customer *out, struct custrpc_error *err);

/* For methods on one existing customer: the acting customer (whose customers_mgmt must have
 * right, unless 0) and the target, which must lie strictly below it; anything else, the actor
 * itself included, is CUSTRPC_E_NOT_FOUND as if it did not exist. Both are initialised here,
 * also on failure, and are the caller's to free. */
int method_target(struct store_tx *tx, const struct call_identity *who, bool has_wholesaler,
                  int64_t wholesaler, int right, const char *right_name, int64_t i_customer,
                  struct store_customer *actor, struct store_customer *target,
                  struct custrpc_error *err);

/* {result: "OK"} */
xmlrpc_value *method_ok(xmlrpc_env *env);

#endif
