/* methods.h — the XML-RPC methods of the reference server (createCustomer, getCustomerInfo,
 * updateCustomer, listCustomers, deleteCustomer, block/unblock, funds) as rows of a method table
 * (dispatch.h), which also answers introspection and multicall. */
#ifndef CUSTRPC_SERVER_METHODS_H
#define CUSTRPC_SERVER_METHODS_H

#include <stdbool.h>
#include <stdint.h>

#include <xmlrpc-c/server.h>

#include "dispatch.h"
#include "store.h"

/* Shared by every request: the store and the key for web_password hashes. */
struct methods_env {
    struct store *store;
    uint8_t web_key[SECRETS_KEY_LEN];
};

/* Who is calling; passed as xmlrpc-c's callInfo. The methods fill the outcome fields for the
 * request log (the last call wins inside a multicall). */
struct call_identity {
    int64_t caller; /* authenticated customer; 0 in trusted mode; partner API: the partner */
    int64_t user;   /* partner API: the user of the visa or Login */
    bool trusted;   /* trusted host, no credentials: i_wholesaler names the parent */
    const char *method;
    int fault_code;
    int64_t i_customer; /* created or read customer, for the log */
};

/* The lifecycle methods (methods_lifecycle.c), rows of the method table: each gets its request
 * message (custrpc/requests.h) decoded and validated. */
method_answer_fn methods_list_customers, methods_update_customer, methods_delete_customer,
    methods_block_customer, methods_unblock_customer, methods_customer_add_funds,
    methods_customer_credit, methods_customer_debit;

/* createCustomer's parts, for the server's fixtures (fixtures.c) too. The members it requires
 * (NULL-terminated), checked with custrpc_msg_validate as the dispatcher does. */
extern const char *const methods_create_required[];
/* Hashes a new customer's passwords (api only when it has api_password: *has_api); runs before
 * the store lock is taken. */
int methods_hash_passwords(const uint8_t web_key[SECRETS_KEY_LEN], const struct custrpc_customer *c,
                           struct web_password_hash *web, struct digest_ha1 *api, bool *has_api,
                           struct custrpc_error *err);
/* Inside a write transaction: the hierarchy rules for c (validated) below parent, which
 * complete it (policy_admit_child), then the insert; *id is the new i_customer. */
int methods_create_below(struct store_tx *tx, const struct store_customer *parent,
                         struct custrpc_customer *c, const struct web_password_hash *web,
                         const struct digest_ha1 *api, int64_t *id, struct custrpc_error *err);

/* The method table, with menv as every handler's server_info. */
struct dispatcher methods_dispatcher(struct methods_env *menv);

#endif
