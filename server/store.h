/* store.h — the reference server's SQLite store: one customers table whose columns come from
 * the field table, the tariffs, and the few queries the methods need. Thread-safe: every call
 * holds the store's lock for its duration only. */
#ifndef CUSTRPC_SERVER_STORE_H
#define CUSTRPC_SERVER_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include <custrpc/customer.h>

#include "secrets.h"

#define STORE_ROOT_ID 1

struct store;

struct store_customer {
    int64_t i_customer;
    int64_t i_parent;          /* 0 for the root */
    int64_t depth;             /* 0 for the root */
    struct custrpc_customer c; /* stored fields; passwords are never loaded */
};

struct store_credentials {
    int64_t i_customer;
    bool api_access;
    bool has_ha1; /* false when the customer has no api_password */
    struct digest_ha1 ha1;
};

struct store_tariff {
    int64_t i_tariff;
    const char *name;
};

/* Opens (creating when needed) the store at path; NULL is an in-memory store. */
int store_open(struct store **out, const char *path, struct custrpc_error *err);
void store_close(struct store *s);

/* Makes the configured tariffs exist, owned by the root (names are updated). */
int store_put_tariffs(struct store *s, const struct store_tariff *t, size_t n,
                      struct custrpc_error *err);
/* The owner of a tariff; CUSTRPC_E_TARIFF when there is no such tariff. */
int store_tariff_owner(struct store *s, int64_t i_tariff, int64_t *owner,
                       struct custrpc_error *err);

/* Creates the root customer (i_customer 1) on a new store, or refreshes its login, API
 * credentials and tariff on an existing one. ha1 NULL: the root has no API password. */
int store_ensure_root(struct store *s, const char *login, const struct digest_ha1 *ha1,
                      int64_t i_tariff, struct custrpc_error *err);

/* One customer by id or by exact name; CUSTRPC_E_NOT_FOUND when absent. out->c is initialised
 * here and owned by the caller (custrpc_customer_free). */
int store_get(struct store *s, int64_t i_customer, struct store_customer *out,
              struct custrpc_error *err);
int store_find_name(struct store *s, const char *name, struct store_customer *out,
                    struct custrpc_error *err);

/* The API credentials of a web_login; CUSTRPC_E_NOT_FOUND when no customer has it. */
int store_credentials(struct store *s, const char *login, struct store_credentials *out,
                      struct custrpc_error *err);

/* Whether node is ancestor itself or lies below it. */
int store_in_subtree(struct store *s, int64_t ancestor, int64_t node, bool *yes,
                     struct custrpc_error *err);

/* Inserts a customer in one transaction. c must be validated, with i_tariff resolved (SET).
 * Unique violations give CUSTRPC_E_DUP_NAME / CUSTRPC_E_DUP_LOGIN; nothing is half-written. */
int store_insert(struct store *s, const struct custrpc_customer *c, int64_t i_parent, int64_t depth,
                 const struct web_password_hash *web, const struct digest_ha1 *api,
                 int64_t *i_customer, struct custrpc_error *err);

#endif
