/* fields.c — the descriptor array generated from fields.def, and lookups into it. */
#include <config.h>

#include <string.h>

#include <custrpc/customer.h>
#include <custrpc/fields.h>

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
     help},
#include <custrpc/fields.def>
#undef CUSTRPC_FIELD
};

const struct custrpc_field *custrpc_field_get(enum custrpc_field_id id)
{
    if ((int)id < 0 || id >= CUSTRPC_FIELD_COUNT)
        return NULL;
    return &field_table[id];
}

const struct custrpc_field *custrpc_field_find(const char *name)
{
    if (!name)
        return NULL;
    /* 63 short names: a linear scan costs less than building any index would save. */
    for (size_t i = 0; i < CUSTRPC_FIELD_COUNT; i++)
        if (strcmp(field_table[i].name, name) == 0)
            return &field_table[i];
    return NULL;
}

const char *custrpc_type_name(enum custrpc_type type)
{
    switch (type) {
    case CUSTRPC_TYPE_STRING: return "string";
    case CUSTRPC_TYPE_INT: return "int";
    case CUSTRPC_TYPE_DOUBLE: return "double";
    case CUSTRPC_TYPE_BOOL: return "boolean";
    }
    return "?";
}
