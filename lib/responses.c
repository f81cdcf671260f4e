/* responses.c — the descriptors of responses.h: the answers of the customer methods. */
#include <config.h>

#include <stddef.h>

#include <custrpc/responses.h>

#define RESULT(T)                                                                                  \
    {                                                                                              \
        .name = "result", .type = CUSTRPC_TYPE_STRING, .max = 16, .offset = offsetof(T, result),   \
        .basis = CUSTRPC_BASIS_API, .help = "\"OK\""                                               \
    }

static const struct custrpc_field ok_fields[] = {RESULT(struct custrpc_ok_response)};
const struct custrpc_message custrpc_ok_response_message =
    CUSTRPC_MESSAGE(custrpc_ok_response, "OK answer", ok_fields);

static const struct custrpc_field create_fields[] = {
    RESULT(struct custrpc_create_response),
    {.name = "i_customer",
     .type = CUSTRPC_TYPE_INT,
     .min = 1,
     .max = INT32_MAX,
     .offset = offsetof(struct custrpc_create_response, i_customer),
     .help = "the new customer's id"},
};
const struct custrpc_message custrpc_create_response_message =
    CUSTRPC_MESSAGE(custrpc_create_response, "createCustomer answer", create_fields);

static const struct custrpc_field info_fields[] = {
    {.name = "i_customer",
     .type = CUSTRPC_TYPE_INT,
     .min = 1,
     .max = INT32_MAX,
     .offset = offsetof(struct custrpc_customer_info, i_customer)},
    /* nil for the root, which has no parent */
    {.name = "i_parent",
     .type = CUSTRPC_TYPE_INT,
     .flags = CUSTRPC_FLAG_NIL_UNLIMITED,
     .min = 1,
     .max = INT32_MAX,
     .offset = offsetof(struct custrpc_customer_info, i_parent)},
    {.name = "blocked",
     .type = CUSTRPC_TYPE_BOOL,
     .offset = offsetof(struct custrpc_customer_info, blocked)},
    {.name = "details",
     .type = CUSTRPC_TYPE_MESSAGE,
     .flags = CUSTRPC_FLAG_INLINE,
     .message = &custrpc_customer_message,
     .offset = offsetof(struct custrpc_customer_info, details)},
};
const struct custrpc_message custrpc_customer_info_message =
    CUSTRPC_MESSAGE(custrpc_customer_info, "customer", info_fields);

static const struct custrpc_field info_response_fields[] = {
    RESULT(struct custrpc_info_response),
    {.name = "customer",
     .type = CUSTRPC_TYPE_MESSAGE,
     .message = &custrpc_customer_info_message,
     .offset = offsetof(struct custrpc_info_response, customer)},
};
const struct custrpc_message custrpc_info_response_message =
    CUSTRPC_MESSAGE(custrpc_info_response, "getCustomerInfo answer", info_response_fields);

/* Answers are read, not judged: the limits are only the types' own. */
static const struct custrpc_field entry_fields[] = {
    {.name = "i_customer",
     .type = CUSTRPC_TYPE_INT,
     .min = 1,
     .max = INT32_MAX,
     .offset = offsetof(struct custrpc_customer_entry, i_customer)},
    {.name = "name",
     .type = CUSTRPC_TYPE_STRING,
     .max = 65536,
     .offset = offsetof(struct custrpc_customer_entry, name)},
    {.name = "web_login",
     .type = CUSTRPC_TYPE_STRING,
     .max = 65536,
     .offset = offsetof(struct custrpc_customer_entry, web_login)},
    {.name = "description",
     .type = CUSTRPC_TYPE_STRING,
     .max = 65536,
     .offset = offsetof(struct custrpc_customer_entry, description)},
    {.name = "balance",
     .type = CUSTRPC_TYPE_DOUBLE,
     .min = -1e300,
     .max = 1e300,
     .offset = offsetof(struct custrpc_customer_entry, balance)},
    {.name = "credit_limit",
     .type = CUSTRPC_TYPE_DOUBLE,
     .min = -1e300,
     .max = 1e300,
     .offset = offsetof(struct custrpc_customer_entry, credit_limit)},
    {.name = "base_currency",
     .type = CUSTRPC_TYPE_STRING,
     .max = 65536,
     .offset = offsetof(struct custrpc_customer_entry, base_currency)},
};
const struct custrpc_message custrpc_customer_entry_message =
    CUSTRPC_MESSAGE(custrpc_customer_entry, "customer", entry_fields);

static const struct custrpc_field list_fields[] = {
    RESULT(struct custrpc_list_response),
    {.name = "customers",
     .type = CUSTRPC_TYPE_MESSAGE,
     .repeated = true,
     .message = &custrpc_customer_entry_message,
     .offset = offsetof(struct custrpc_list_response, customers)},
};
const struct custrpc_message custrpc_list_response_message =
    CUSTRPC_MESSAGE(custrpc_list_response, "listCustomers answer", list_fields);

int custrpc_response_ok(const struct custrpc_message *d, void *response, struct custrpc_error *err)
{
    return custrpc_msg_set_text(d, response, "result", "OK", err);
}
