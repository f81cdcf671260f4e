/* fields.c — the descriptor array generated from fields.def, and lookups into it. */
#include <config.h>

#include <string.h>

#include <custrpc/customer.h>
#include <custrpc/fields.h>
#include <custrpc/rights.h>

static const struct custrpc_field field_table[CUSTRPC_FIELD_COUNT] = {
#define CUSTRPC_FIELD(wire, type, flags, check, min, max, example, help)                           \
    {CUSTRPC_F_##wire,                                                                             \
     #wire,                                                                                        \
     CUSTRPC_TYPE_##type,                                                                          \
     (flags),                                                                                      \
     CUSTRPC_CHECK_##check,                                                                        \
     (double)(min),                                                                                \
     (double)(max),                                                                                \
     offsetof(struct custrpc_customer, wire),                                                      \
     example,                                                                                      \
     help,                                                                                         \
     NULL,                                                                                         \
     false,                                                                                        \
     CUSTRPC_BASIS_CUSTRPC,                                                                        \
     ((flags)&CUSTRPC_FLAG_BITMASK) ? &custrpc_rights_names : NULL,                                \
     NULL},
#include <custrpc/fields.def>
#undef CUSTRPC_FIELD
};

const struct custrpc_message custrpc_customer_message =
    CUSTRPC_MESSAGE(custrpc_customer, "customer", field_table);

const struct custrpc_field *custrpc_field_get(enum custrpc_field_id id)
{
    if ((int)id < 0 || id >= CUSTRPC_FIELD_COUNT)
        return NULL;
    return &field_table[id];
}

const struct custrpc_field *custrpc_field_find(const char *name)
{
    return custrpc_msg_field(&custrpc_customer_message, name);
}

const char *custrpc_type_name(enum custrpc_type type)
{
    static const char *const names[CUSTRPC_N_TYPES] = {
        [CUSTRPC_TYPE_STRING] = "string",  [CUSTRPC_TYPE_INT] = "int",
        [CUSTRPC_TYPE_DOUBLE] = "double",  [CUSTRPC_TYPE_BOOL] = "boolean",
        [CUSTRPC_TYPE_ENUM] = "string",    [CUSTRPC_TYPE_FLAGS] = "int",
        [CUSTRPC_TYPE_MESSAGE] = "struct", [CUSTRPC_TYPE_DATETIME] = "dateTime.iso8601",
    };
    return (unsigned)type < CUSTRPC_N_TYPES ? names[type] : "?";
}
