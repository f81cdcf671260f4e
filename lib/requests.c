/* requests.c — the descriptors of requests.h: the arguments of the customer methods beside
 * createCustomer, described once for the client and the server. */
#include <config.h>

#include <stddef.h>

#include <custrpc/requests.h>

#define ID(T, member)                                                                              \
    {                                                                                              \
        .name = #member, .type = CUSTRPC_TYPE_INT, .min = 1, .max = INT32_MAX,                     \
        .offset = offsetof(T, member), .help = "a customer's i_customer"                           \
    }
#define WHOLESALER(T)                                                                              \
    {                                                                                              \
        .name = "i_wholesaler", .type = CUSTRPC_TYPE_INT, .flags = CUSTRPC_FLAG_TRUSTED, .min = 1, \
        .max = INT32_MAX, .offset = offsetof(T, i_wholesaler),                                     \
        .help = "trusted mode: on whose behalf the call is made"                                   \
    }

static const struct custrpc_field id_fields[] = {
    ID(struct custrpc_id_request, i_customer),
    WHOLESALER(struct custrpc_id_request),
};
const struct custrpc_message custrpc_id_request_message =
    CUSTRPC_MESSAGE(custrpc_id_request, "customer id", id_fields);
const char *const custrpc_id_request_required[] = {"i_customer", NULL};

static const struct custrpc_field update_fields[] = {
    ID(struct custrpc_update_request, i_customer),
    {.name = "changes",
     .type = CUSTRPC_TYPE_MESSAGE,
     .flags = CUSTRPC_FLAG_INLINE,
     .message = &custrpc_customer_message,
     .offset = offsetof(struct custrpc_update_request, changes),
     .help = "the createCustomer members to change"},
};
const struct custrpc_message custrpc_update_request_message =
    CUSTRPC_MESSAGE(custrpc_update_request, "customer update", update_fields);

static const struct custrpc_field info_fields[] = {
    ID(struct custrpc_info_request, i_customer),
    {.name = "name",
     .type = CUSTRPC_TYPE_STRING,
     .min = 0,
     .max = 1024,
     .offset = offsetof(struct custrpc_info_request, name),
     .help = "a customer's exact name"},
    WHOLESALER(struct custrpc_info_request),
};
const struct custrpc_message custrpc_info_request_message =
    CUSTRPC_MESSAGE(custrpc_info_request, "customer selector", info_fields);

static const struct custrpc_field funds_fields[] = {
    ID(struct custrpc_funds_request, i_customer),
    /* Greater than 0 (the check) and, as a balance, at most 1e15. */
    {.name = "amount",
     .type = CUSTRPC_TYPE_DOUBLE,
     .check = CUSTRPC_CHECK_POSITIVE,
     .min = 0,
     .max = 1e15,
     .offset = offsetof(struct custrpc_funds_request, amount),
     .help = "the amount, greater than 0"},
    {.name = "currency",
     .type = CUSTRPC_TYPE_STRING,
     .check = CUSTRPC_CHECK_CURRENCY,
     .min = 3,
     .max = 3,
     .basis = CUSTRPC_BASIS_API,
     .offset = offsetof(struct custrpc_funds_request, currency),
     .help = "ISO 4217 code; the customer's payment_currency"},
    {.name = "payment_notes",
     .type = CUSTRPC_TYPE_STRING,
     .max = 1024,
     .offset = offsetof(struct custrpc_funds_request, payment_notes),
     .help = "a note kept with the payment"},
    {.name = "payment_time",
     .type = CUSTRPC_TYPE_DATETIME,
     .offset = offsetof(struct custrpc_funds_request, payment_time),
     .help = "when the payment was made (UTC)"},
    WHOLESALER(struct custrpc_funds_request),
};
const struct custrpc_message custrpc_funds_request_message =
    CUSTRPC_MESSAGE(custrpc_funds_request, "payment", funds_fields);
const char *const custrpc_funds_request_required[] = {"i_customer", "amount", "currency", NULL};

static const struct custrpc_field list_fields[] = {
    {.name = "offset",
     .type = CUSTRPC_TYPE_INT,
     .min = 0,
     .max = INT32_MAX,
     .offset = offsetof(struct custrpc_list_query, offset),
     .help = "how many customers to skip"},
    {.name = "limit",
     .type = CUSTRPC_TYPE_INT,
     .min = 1,
     .max = 1000,
     .offset = offsetof(struct custrpc_list_query, limit),
     .help = "at most this many customers (1..1000)"},
    {.name = "name_pattern",
     .type = CUSTRPC_TYPE_STRING,
     .min = 1,
     .max = 256,
     .offset = offsetof(struct custrpc_list_query, name_pattern),
     .help = "only names that match (SQL LIKE: % any run, _ one character, \\ escapes)"},
    WHOLESALER(struct custrpc_list_query),
};
const struct custrpc_message custrpc_list_query_message =
    CUSTRPC_MESSAGE(custrpc_list_query, "listCustomers", list_fields);
