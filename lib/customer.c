/* customer.c — the customer model's functions, each the generic message routine (message.c)
 * applied to the customer's descriptor, plus the typed setters and getters by field id. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/customer.h>

#include "types.h"
#include "utf8.h"

static const struct custrpc_message *const customer = &custrpc_customer_message;

void custrpc_customer_init(struct custrpc_customer *c)
{
    custrpc_msg_init(customer, c);
}

void custrpc_customer_free(struct custrpc_customer *c)
{
    custrpc_msg_free(customer, c);
}

void custrpc_customer_unset(struct custrpc_customer *c, enum custrpc_field_id id)
{
    const struct custrpc_field *f = custrpc_field_get(id);
    if (f)
        custrpc_msg_unset(customer, c, f);
}

int custrpc_customer_copy(struct custrpc_customer *dst, const struct custrpc_customer *src,
                          struct custrpc_error *err)
{
    return custrpc_msg_copy(customer, dst, src, err);
}

bool custrpc_customer_equal(const struct custrpc_customer *a, const struct custrpc_customer *b)
{
    return custrpc_msg_equal(customer, a, b);
}

enum custrpc_presence custrpc_customer_presence(const struct custrpc_customer *c,
                                                enum custrpc_field_id id)
{
    const struct custrpc_field *f = custrpc_field_get(id);
    return f ? custrpc_msg_presence(customer, c, f) : CUSTRPC_ABSENT;
}

/* The descriptor of id when its type is `want`; otherwise fails with a type error. */
static const struct custrpc_field *typed_field(enum custrpc_field_id id, enum custrpc_type want,
                                               struct custrpc_error *err)
{
    const struct custrpc_field *f = custrpc_field_get(id);
    if (!f) {
        custrpc_fail(err, CUSTRPC_E_UNKNOWN, NULL, "no field with id %d", (int)id);
        return NULL;
    }
    if (f->type != want) {
        custrpc_fail(err, CUSTRPC_E_TYPE, f->name, "wrong type %s, expected %s",
                     custrpc_type_name(want), custrpc_type_name(f->type));
        return NULL;
    }
    return f;
}

/* Stores a value in field f and marks it set. */
static int put(struct custrpc_customer *c, const struct custrpc_field *f, const void *value)
{
    lib_msg_put(customer, c, f, value);
    return 0;
}

int custrpc_customer_set_string_len(struct custrpc_customer *c, enum custrpc_field_id id,
                                    const char *value, size_t len, struct custrpc_error *err)
{
    const struct custrpc_field *f = typed_field(id, CUSTRPC_TYPE_STRING, err);
    if (!f)
        return -1;
    if (!value)
        return custrpc_fail(err, CUSTRPC_E_VALUE, f->name, "NULL string");
    const char *problem = lib_utf8_check(value, len, NULL, false);
    if (problem)
        return custrpc_fail(err, CUSTRPC_E_VALUE, f->name, "%s", problem);
    char *copy = malloc(len + 1);
    if (!copy)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, f->name, "out of memory");
    memcpy(copy, value, len);
    copy[len] = '\0';
    return put(c, f, &copy);
}

int custrpc_customer_set_string(struct custrpc_customer *c, enum custrpc_field_id id,
                                const char *value, struct custrpc_error *err)
{
    return custrpc_customer_set_string_len(c, id, value, value ? strlen(value) : 0, err);
}

int custrpc_customer_set_int(struct custrpc_customer *c, enum custrpc_field_id id, int64_t value,
                             struct custrpc_error *err)
{
    const struct custrpc_field *f = typed_field(id, CUSTRPC_TYPE_INT, err);
    if (!f)
        return -1;
    /* XML-RPC <int> is 32 bits; a larger value could not be sent as the API types it. */
    if (value < INT32_MIN || value > INT32_MAX)
        return custrpc_fail(err, CUSTRPC_E_VALUE, f->name, "value %lld does not fit a 32-bit int",
                            (long long)value);
    return put(c, f, &value);
}

int custrpc_customer_set_double(struct custrpc_customer *c, enum custrpc_field_id id, double value,
                                struct custrpc_error *err)
{
    const struct custrpc_field *f = typed_field(id, CUSTRPC_TYPE_DOUBLE, err);
    if (!f)
        return -1;
    if (!isfinite(value))
        return custrpc_fail(err, CUSTRPC_E_VALUE, f->name, "value is not a finite number");
    return put(c, f, &value);
}

int custrpc_customer_set_bool(struct custrpc_customer *c, enum custrpc_field_id id, bool value,
                              struct custrpc_error *err)
{
    const struct custrpc_field *f = typed_field(id, CUSTRPC_TYPE_BOOL, err);
    if (!f)
        return -1;
    return put(c, f, &value);
}

int custrpc_customer_set_nil(struct custrpc_customer *c, enum custrpc_field_id id,
                             struct custrpc_error *err)
{
    const struct custrpc_field *f = custrpc_field_get(id);
    if (!f)
        return custrpc_fail(err, CUSTRPC_E_UNKNOWN, NULL, "no field with id %d", (int)id);
    if (!(f->flags & CUSTRPC_FLAG_NIL_OK))
        return custrpc_fail(err, CUSTRPC_E_TYPE, f->name, "nil is not allowed, expected %s",
                            custrpc_type_name(f->type));
    lib_msg_put(customer, c, f, NULL);
    return 0;
}

/* The storage of id when it has type `want` and a value; otherwise fails. */
static const void *readable(const struct custrpc_customer *c, enum custrpc_field_id id,
                            enum custrpc_type want, struct custrpc_error *err)
{
    const struct custrpc_field *f = typed_field(id, want, err);
    if (!f)
        return NULL;
    enum custrpc_presence p = custrpc_msg_presence(customer, c, f);
    if (p != CUSTRPC_SET) {
        custrpc_fail(err, CUSTRPC_E_MISSING, f->name, p == CUSTRPC_NIL ? "is nil" : "is not set");
        return NULL;
    }
    return custrpc_msg_cslot(c, f);
}

int custrpc_customer_get_string(const struct custrpc_customer *c, enum custrpc_field_id id,
                                const char **out, struct custrpc_error *err)
{
    const void *v = readable(c, id, CUSTRPC_TYPE_STRING, err);
    if (v)
        *out = *(char *const *)v;
    return v ? 0 : -1;
}

int custrpc_customer_get_int(const struct custrpc_customer *c, enum custrpc_field_id id,
                             int64_t *out, struct custrpc_error *err)
{
    const void *v = readable(c, id, CUSTRPC_TYPE_INT, err);
    if (v)
        memcpy(out, v, sizeof *out);
    return v ? 0 : -1;
}

int custrpc_customer_get_double(const struct custrpc_customer *c, enum custrpc_field_id id,
                                double *out, struct custrpc_error *err)
{
    const void *v = readable(c, id, CUSTRPC_TYPE_DOUBLE, err);
    if (v)
        memcpy(out, v, sizeof *out);
    return v ? 0 : -1;
}

int custrpc_customer_get_bool(const struct custrpc_customer *c, enum custrpc_field_id id, bool *out,
                              struct custrpc_error *err)
{
    const void *v = readable(c, id, CUSTRPC_TYPE_BOOL, err);
    if (v)
        memcpy(out, v, sizeof *out);
    return v ? 0 : -1;
}
