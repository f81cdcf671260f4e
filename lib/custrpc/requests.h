/* requests.h — the arguments of the customer methods beside createCustomer, each a message
 * described once (message.h): the client builds and validates them before sending, the server
 * reads its requests into them, so both judge a member by the same rule. i_wholesaler is the
 * trusted-mode parameter (CUSTRPC_FLAG_TRUSTED) of every one. */
#ifndef CUSTRPC_REQUESTS_H
#define CUSTRPC_REQUESTS_H

#include <stdint.h>

#include <custrpc/customer.h>
#include <custrpc/message.h>

#ifdef __cplusplus
extern "C" {
#endif

/* deleteCustomer, blockCustomer, unblockCustomer: {i_customer [, i_wholesaler]}. */
struct custrpc_id_request {
    int64_t i_customer;
    int64_t i_wholesaler;
    unsigned char presence[2];
};
extern const struct custrpc_message custrpc_id_request_message;
extern const char *const custrpc_id_request_required[]; /* i_customer */

/* updateCustomer: {i_customer, <any createCustomer member>... [, i_wholesaler]}: the changes are
 * an inline customer (its members stand beside i_customer on the wire); nothing of them is
 * mandatory, the field rules apply to what is given, and at least one must be (the method's
 * check). i_wholesaler is changes.i_wholesaler. */
struct custrpc_update_request {
    int64_t i_customer;
    struct custrpc_customer changes;
    unsigned char presence[2];
};
extern const struct custrpc_message custrpc_update_request_message;

/* getCustomerInfo: {i_customer | name [, i_wholesaler]} (exactly one of the two: the method
 * checks that, a message cannot say it). */
struct custrpc_info_request {
    int64_t i_customer;
    char *name;
    int64_t i_wholesaler;
    unsigned char presence[3];
};
extern const struct custrpc_message custrpc_info_request_message;

/* customerAddFunds, customerCredit, customerDebit: {i_customer, amount (> 0), currency (ISO
 * 4217) [, payment_notes] [, payment_time] [, i_wholesaler]}. */
struct custrpc_funds_request {
    int64_t i_customer;
    double amount;
    char *currency;
    char *payment_notes;
    char *payment_time; /* YYYYMMDDThh:mm:ss, <dateTime.iso8601> on the wire */
    int64_t i_wholesaler;
    unsigned char presence[6];
};
extern const struct custrpc_message custrpc_funds_request_message;
extern const char *const custrpc_funds_request_required[]; /* i_customer, amount, currency */

/* listCustomers: {[offset], [limit], [name_pattern] [, i_wholesaler]}: offset >= 0, limit
 * 1..1000 (100 when absent), name_pattern SQL LIKE with "\\" escapes, 1..256 characters. Set
 * members with custrpc_msg_set_text or directly (marking presence); absent ones are not sent. */
struct custrpc_list_query {
    int64_t offset;
    int64_t limit;
    char *name_pattern;
    int64_t i_wholesaler;
    unsigned char presence[4];
};
extern const struct custrpc_message custrpc_list_query_message;

#ifdef __cplusplus
}
#endif
#endif
