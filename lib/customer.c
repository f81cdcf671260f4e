/* customer.c — init, free, copy, compare and the typed setters/getters of the customer model;
 * every function walks the descriptor table, none names a field. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/customer.h>

#include "utf8.h"

/* The storage of field f inside c; the descriptor's offset and type say what lives there. */
static void *slot(struct custrpc_customer *c, const struct custrpc_field *f)
{
    return (char *)c + f->offset;
}

static const void *cslot(const struct custrpc_customer *c, const struct custrpc_field *f)
{
    return (const char *)c + f->offset;
}

#define MEMBER(c, f, T) ((T *)slot((c), (f)))
#define CMEMBER(c, f, T) ((const T *)cslot((c), (f)))

void custrpc_customer_init(struct custrpc_customer *c)
{
    memset(c, 0, sizeof *c);
}

void custrpc_customer_unset(struct custrpc_customer *c, enum custrpc_field_id id)
{
    const struct custrpc_field *f = custrpc_field_get(id);
    if (!f)
        return;
    if (f->type == CUSTRPC_TYPE_STRING) {
        char **s = MEMBER(c, f, char *);
        free(*s);
        *s = NULL;
    }
    c->presence[id] = CUSTRPC_ABSENT;
}

void custrpc_customer_free(struct custrpc_customer *c)
{
    for (size_t i = 0; i < CUSTRPC_FIELD_COUNT; i++)
        custrpc_customer_unset(c, (enum custrpc_field_id)i);
    custrpc_customer_init(c);
}

enum custrpc_presence custrpc_customer_presence(const struct custrpc_customer *c,
                                                enum custrpc_field_id id)
{
    if (!custrpc_field_get(id))
        return CUSTRPC_ABSENT;
    return (enum custrpc_presence)c->presence[id];
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

int custrpc_customer_set_string_len(struct custrpc_customer *c, enum custrpc_field_id id,
                                    const char *value, size_t len, struct custrpc_error *err)
{
    const struct custrpc_field *f = typed_field(id, CUSTRPC_TYPE_STRING, err);
    if (!f)
        return -1;
    if (!value)
        return custrpc_fail(err, CUSTRPC_E_VALUE, f->name, "NULL string");
    const char *problem = custrpc_utf8_check(value, len, NULL);
    if (problem)
        return custrpc_fail(err, CUSTRPC_E_VALUE, f->name, "%s", problem);
    char *copy = malloc(len + 1);
    if (!copy)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, f->name, "out of memory");
    memcpy(copy, value, len);
    copy[len] = '\0';
    custrpc_customer_unset(c, id);
    *MEMBER(c, f, char *) = copy;
    c->presence[id] = CUSTRPC_SET;
    return 0;
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
    *MEMBER(c, f, int64_t) = value;
    c->presence[id] = CUSTRPC_SET;
    return 0;
}

int custrpc_customer_set_double(struct custrpc_customer *c, enum custrpc_field_id id, double value,
                                struct custrpc_error *err)
{
    const struct custrpc_field *f = typed_field(id, CUSTRPC_TYPE_DOUBLE, err);
    if (!f)
        return -1;
    if (!isfinite(value))
        return custrpc_fail(err, CUSTRPC_E_VALUE, f->name, "value is not a finite number");
    *MEMBER(c, f, double) = value;
    c->presence[id] = CUSTRPC_SET;
    return 0;
}

int custrpc_customer_set_bool(struct custrpc_customer *c, enum custrpc_field_id id, bool value,
                              struct custrpc_error *err)
{
    const struct custrpc_field *f = typed_field(id, CUSTRPC_TYPE_BOOL, err);
    if (!f)
        return -1;
    *MEMBER(c, f, bool) = value;
    c->presence[id] = CUSTRPC_SET;
    return 0;
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
    custrpc_customer_unset(c, id);
    c->presence[id] = CUSTRPC_NIL;
    return 0;
}

/* The descriptor of id when it has type `want` and a value; otherwise fails. */
static const struct custrpc_field *readable_field(const struct custrpc_customer *c,
                                                  enum custrpc_field_id id, enum custrpc_type want,
                                                  struct custrpc_error *err)
{
    const struct custrpc_field *f = typed_field(id, want, err);
    if (f && c->presence[id] != CUSTRPC_SET) {
        custrpc_fail(err, CUSTRPC_E_MISSING, f->name,
                     c->presence[id] == CUSTRPC_NIL ? "is nil" : "is not set");
        return NULL;
    }
    return f;
}

int custrpc_customer_get_string(const struct custrpc_customer *c, enum custrpc_field_id id,
                                const char **out, struct custrpc_error *err)
{
    const struct custrpc_field *f = readable_field(c, id, CUSTRPC_TYPE_STRING, err);
    if (!f)
        return -1;
    *out = *CMEMBER(c, f, char *);
    return 0;
}

int custrpc_customer_get_int(const struct custrpc_customer *c, enum custrpc_field_id id,
                             int64_t *out, struct custrpc_error *err)
{
    const struct custrpc_field *f = readable_field(c, id, CUSTRPC_TYPE_INT, err);
    if (!f)
        return -1;
    *out = *CMEMBER(c, f, int64_t);
    return 0;
}

int custrpc_customer_get_double(const struct custrpc_customer *c, enum custrpc_field_id id,
                                double *out, struct custrpc_error *err)
{
    const struct custrpc_field *f = readable_field(c, id, CUSTRPC_TYPE_DOUBLE, err);
    if (!f)
        return -1;
    *out = *CMEMBER(c, f, double);
    return 0;
}

int custrpc_customer_get_bool(const struct custrpc_customer *c, enum custrpc_field_id id, bool *out,
                              struct custrpc_error *err)
{
    const struct custrpc_field *f = readable_field(c, id, CUSTRPC_TYPE_BOOL, err);
    if (!f)
        return -1;
    *out = *CMEMBER(c, f, bool);
    return 0;
}

int custrpc_customer_copy(struct custrpc_customer *dst, const struct custrpc_customer *src,
                          struct custrpc_error *err)
{
    if (dst == src)
        return 0;
    struct custrpc_customer tmp;
    custrpc_customer_init(&tmp);
    for (size_t i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (src->presence[i] == CUSTRPC_SET && f->type == CUSTRPC_TYPE_STRING) {
            if (custrpc_customer_set_string(&tmp, f->id, *CMEMBER(src, f, char *), err) < 0) {
                custrpc_customer_free(&tmp);
                return -1;
            }
        } else if (src->presence[i] == CUSTRPC_SET) {
            /* Scalars: copy the member's bytes; the type decides the size. */
            size_t size = f->type == CUSTRPC_TYPE_INT    ? sizeof(int64_t)
                          : f->type == CUSTRPC_TYPE_BOOL ? sizeof(bool)
                                                         : sizeof(double);
            memcpy((char *)&tmp + f->offset, (const char *)src + f->offset, size);
        }
        tmp.presence[i] = src->presence[i];
    }
    custrpc_customer_free(dst);
    *dst = tmp;
    return 0;
}

bool custrpc_customer_equal(const struct custrpc_customer *a, const struct custrpc_customer *b)
{
    for (size_t i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (a->presence[i] != b->presence[i])
            return false;
        if (a->presence[i] != CUSTRPC_SET)
            continue;
        bool same = true;
        switch (f->type) {
        case CUSTRPC_TYPE_STRING:
            same = strcmp(*CMEMBER(a, f, char *), *CMEMBER(b, f, char *)) == 0;
            break;
        case CUSTRPC_TYPE_INT: same = *CMEMBER(a, f, int64_t) == *CMEMBER(b, f, int64_t); break;
        case CUSTRPC_TYPE_DOUBLE: same = *CMEMBER(a, f, double) == *CMEMBER(b, f, double); break;
        case CUSTRPC_TYPE_BOOL: same = *CMEMBER(a, f, bool) == *CMEMBER(b, f, bool); break;
        }
        if (!same)
            return false;
    }
    return true;
}
