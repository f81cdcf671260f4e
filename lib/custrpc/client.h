/* client.h — the createCustomer client: a handle per server URL, on libcurl (one connection
 * and one Digest nonce kept across calls), with Digest/Basic auth, TLS verification and
 * timeouts. Errors: CUSTRPC_E_CONNECT when nothing was sent; CUSTRPC_E_TIMEOUT and
 * CUSTRPC_E_TRANSPORT when the server may or may not have acted; a fault is reported as the
 * server's fault whatever the HTTP status it came with.
 *
 * Thread safety: a handle must be used by one thread at a time; use one handle per thread
 * (handles share nothing). The process-wide libcurl setup is done once, safely. */
#ifndef CUSTRPC_CLIENT_H
#define CUSTRPC_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <custrpc/customer.h>
#include <custrpc/error.h>
#include <custrpc/requests.h>
#include <custrpc/responses.h>
#include <custrpc/message.h>

#ifdef __cplusplus
extern "C" {
#endif

enum custrpc_auth {
    CUSTRPC_AUTH_ANY = 0, /* whatever the server asks for: Digest or Basic */
    CUSTRPC_AUTH_DIGEST,  /* Digest only (what real switches use) */
    CUSTRPC_AUTH_BASIC    /* Basic only */
};

struct custrpc_client_options {
    const char *url;      /* e.g. https://switch.example.com/xmlapi/xmlapi */
    const char *user;     /* the customer's web_login; NULL: no credentials (trusted mode) */
    const char *password; /* its api_password */
    enum custrpc_auth auth;
    const char *cacert;  /* PEM file of CAs to trust instead of the system's */
    bool insecure;       /* skip TLS certificate and host checks (self-signed switches) */
    unsigned timeout_ms; /* whole call, connecting included; 0: 30000 */
    FILE *trace;         /* when set, the XML of each call goes here, passwords masked */
};

struct custrpc_client;

/* Creates a handle; nothing is sent yet. The options' strings are copied. *out is NULL on
 * failure (an empty or NULL url included: CUSTRPC_E_CONNECT), so custrpc_client_free(*out) is
 * always safe; a call made with a NULL handle fails with CUSTRPC_E_CONNECT, sending nothing. */
int custrpc_client_new(struct custrpc_client **out, const struct custrpc_client_options *o,
                       struct custrpc_error *err);
/* Accepts NULL. */
void custrpc_client_free(struct custrpc_client *cl);

/* Validates c locally (nothing is sent when it is invalid), then calls createCustomer.
 * On success *i_customer is the new id. Errors tell their origin in err->kind:
 * CUSTRPC_KIND_LOCAL (nothing sent), CUSTRPC_KIND_FAULT (the server's code and text),
 * CUSTRPC_KIND_HTTP (err->http_status; 401 as CUSTRPC_E_AUTH), CUSTRPC_KIND_TRANSPORT
 * (connect, TLS, timeout: the server may or may not have acted). For trusted mode set
 * i_wholesaler in c and give no user. */
int custrpc_client_create(struct custrpc_client *cl, const struct custrpc_customer *c,
                          int64_t *i_customer, struct custrpc_error *err);

/* getCustomerInfo by id (name NULL) or by name. out is initialised here and owned by the
 * caller; fields the API returns beyond createCustomer's are skipped. The API returns balance
 * with its sign inverted "for historical reasons": this function inverts it back, so
 * out->balance is the customer's real balance. i_wholesaler > 0 adds it (trusted mode). */
int custrpc_client_get(struct custrpc_client *cl, int64_t i_customer, const char *name,
                       int64_t i_wholesaler, struct custrpc_customer *out, int64_t *out_id,
                       struct custrpc_error *err);

/* A member of a getCustomerInfo answer that the model could not take: one the field table does
 * not know, or one of an unexpected type. Shown to a person, never silently dropped. */
struct custrpc_extra_member {
    char *name;
    char *text;    /* the value as text for people (JSON for structs and arrays) */
    char *json;    /* the value as a JSON value */
    char *problem; /* "unknown member", "wrong type string, expected int", ...; NULL for
                      members the API returns beside the fields (i_parent) */
};

struct custrpc_extras {
    size_t n;
    struct custrpc_extra_member *items;
};

void custrpc_extras_free(struct custrpc_extras *x);

/* custrpc_client_get, also returning (when extras is not NULL) the members the model could not
 * take; the caller frees them with custrpc_extras_free. Both functions read answers
 * tolerantly: such members never make the whole answer fail. */
int custrpc_client_get_ex(struct custrpc_client *cl, int64_t i_customer, const char *name,
                          int64_t i_wholesaler, struct custrpc_customer *out, int64_t *out_id,
                          struct custrpc_extras *extras, struct custrpc_error *err);

/* --- The customer lifecycle: updateCustomer, listCustomers, deleteCustomer, blockCustomer,
 * unblockCustomer, customerAddFunds, customerCredit, customerDebit. Each validates its
 * arguments locally first (nothing is sent when they are invalid; the error names the member,
 * kind CUSTRPC_KIND_LOCAL), requires {result: "OK"} in the answer and reports faults, HTTP and
 * transport errors as custrpc_client_create does. i_wholesaler > 0 adds it (trusted mode). */

/* updateCustomer {i_customer, <the fields SET or NIL in changes>… [, i_wholesaler]}: at least
 * one field (CUSTRPC_E_MISSING otherwise); the field rules apply to the fields given, none is
 * mandatory. changes' own i_wholesaler field is not taken: use the parameter. */
int custrpc_client_update(struct custrpc_client *cl, int64_t i_customer,
                          const struct custrpc_customer *changes, int64_t i_wholesaler,
                          struct custrpc_error *err);

struct custrpc_customer_list {
    size_t n;
    struct custrpc_customer_entry *items;
    /* Entry members of an unexpected type, named "customers[I].member" with the problem; the
     * rest of the list still counts. Members the entry does not describe are skipped. */
    struct custrpc_extras problems;
};
void custrpc_customer_list_free(struct custrpc_customer_list *l);

/* listCustomers {[offset], [limit], [name_pattern] [, i_wholesaler]}; q NULL sends {}. out is
 * initialised here and the caller's to free (also after a failure). */
int custrpc_client_list(struct custrpc_client *cl, const struct custrpc_list_query *q,
                        int64_t i_wholesaler, struct custrpc_customer_list *out,
                        struct custrpc_error *err);

/* deleteCustomer, blockCustomer, unblockCustomer {i_customer [, i_wholesaler]}. */
int custrpc_client_delete(struct custrpc_client *cl, int64_t i_customer, int64_t i_wholesaler,
                          struct custrpc_error *err);
int custrpc_client_block(struct custrpc_client *cl, int64_t i_customer, int64_t i_wholesaler,
                         struct custrpc_error *err);
int custrpc_client_unblock(struct custrpc_client *cl, int64_t i_customer, int64_t i_wholesaler,
                           struct custrpc_error *err);

/* customerAddFunds, customerCredit, customerDebit {i_customer, amount, currency
 * [, payment_notes] [, i_wholesaler]}: amount a finite double > 0, currency an ISO 4217 code
 * (three upper-case letters), payment_notes NULL to leave it out. */
int custrpc_client_add_funds(struct custrpc_client *cl, int64_t i_customer, double amount,
                             const char *currency, const char *payment_notes, int64_t i_wholesaler,
                             struct custrpc_error *err);
int custrpc_client_credit(struct custrpc_client *cl, int64_t i_customer, double amount,
                          const char *currency, const char *payment_notes, int64_t i_wholesaler,
                          struct custrpc_error *err);
int custrpc_client_debit(struct custrpc_client *cl, int64_t i_customer, double amount,
                         const char *currency, const char *payment_notes, int64_t i_wholesaler,
                         struct custrpc_error *err);

#ifdef __cplusplus
}
#endif
#endif
