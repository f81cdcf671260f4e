/* responses.h — the answers of the customer methods, each a message described once (message.h):
 * the server fills them and the generic codec writes them; a client can read them with the same
 * descriptors. Every answer carries result "OK" (the API's own word for success). */
#ifndef CUSTRPC_RESPONSES_H
#define CUSTRPC_RESPONSES_H

#include <stdbool.h>
#include <stdint.h>

#include <custrpc/customer.h>
#include <custrpc/message.h>

#ifdef __cplusplus
extern "C" {
#endif

/* {result: "OK"}: updateCustomer, deleteCustomer, block/unblockCustomer, the funds methods. */
struct custrpc_ok_response {
    char *result;
    unsigned char presence[1];
};
extern const struct custrpc_message custrpc_ok_response_message;

/* createCustomer: {result: "OK", i_customer}. */
struct custrpc_create_response {
    char *result;
    int64_t i_customer;
    unsigned char presence[2];
};
extern const struct custrpc_message custrpc_create_response_message;

/* getCustomerInfo's customer: the stored fields (never passwords; balance with its sign
 * inverted, as the API returns it), beside i_customer, i_parent (nil for the root) and blocked
 * (whether this customer itself is). */
struct custrpc_customer_info {
    int64_t i_customer;
    int64_t i_parent;
    bool blocked;
    struct custrpc_customer details; /* inline: its members stand beside the three above */
    unsigned char presence[4];
};
extern const struct custrpc_message custrpc_customer_info_message;

/* getCustomerInfo: {result: "OK", customer: {...}}. */
struct custrpc_info_response {
    char *result;
    struct custrpc_customer_info customer;
    unsigned char presence[2];
};
extern const struct custrpc_message custrpc_info_response_message;

/* One customer of a listCustomers answer (custrpc_customer_entry_message). Members are as the
 * server sends them; in particular balance is NOT inverted: the public documentation inverts
 * getCustomerInfo's balance "for historical reasons" but says nothing of listCustomers, so the
 * value is shown as sent. */
struct custrpc_customer_entry {
    int64_t i_customer;
    char *name;
    char *web_login;
    char *description;
    double balance;
    double credit_limit;
    char *base_currency;
    unsigned char presence[7];
};
extern const struct custrpc_message custrpc_customer_entry_message;

/* listCustomers: {result: "OK", customers: [entry...]}. */
struct custrpc_list_response {
    char *result;
    struct custrpc_array customers; /* of struct custrpc_customer_entry */
    unsigned char presence[2];
};
extern const struct custrpc_message custrpc_list_response_message;

/* Sets result to "OK" (for a response struct whose first field is result). */
int custrpc_response_ok(const struct custrpc_message *d, void *response, struct custrpc_error *err);

#ifdef __cplusplus
}
#endif
#endif
