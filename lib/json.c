/* json.c — messages to and from JSON (json.h), walking the descriptors as the XML-RPC codec
 * does; text forms (strings, enum names) go through the model's own parsers, so a value is
 * judged by the same rule whatever the wire. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/json.h>

#include "types.h"

const char *custrpc_json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    case JSON_NULL: return "null";
    }
    return "value";
}

/* What a field takes, for "wrong type" errors: "string", "integer", "Level name", ... */
static void expected(const struct custrpc_field *f, bool item, char *buf, size_t size)
{
    const char *what;
    switch (f->type) {
    case CUSTRPC_TYPE_INT: what = "integer"; break;
    case CUSTRPC_TYPE_DOUBLE: what = "number"; break;
    case CUSTRPC_TYPE_BOOL: what = "boolean"; break;
    case CUSTRPC_TYPE_ENUM: what = "string"; break;
    case CUSTRPC_TYPE_FLAGS: what = "array of strings"; break;
    case CUSTRPC_TYPE_MESSAGE: what = "object"; break;
    default: what = "string"; break;
    }
    const char *of = f->type == CUSTRPC_TYPE_MESSAGE                                ? f->message->name
                     : f->type == CUSTRPC_TYPE_ENUM || f->type == CUSTRPC_TYPE_FLAGS ? f->values->name
                                                                                     : NULL;
    snprintf(buf, size, "%s%s%s%s%s", f->repeated && !item ? "array of " : "", what,
             f->repeated && !item ? "s" : "", of ? " " : "", of ? of : "");
}

static int wrong_type(const struct custrpc_field *f, bool item, const json_t *v, const char *path,
                      struct custrpc_error *err)
{
    char want[128];
    expected(f, item, want, sizeof want);
    return custrpc_fail(err, CUSTRPC_E_TYPE, path, "wrong type %s, expected %s", custrpc_json_kind(v),
                        want);
}

/* --- to JSON ---------------------------------------------------------------------------- */

static json_t *flags_to_json(const struct custrpc_field *f, int64_t mask)
{
    json_t *a = json_array();
    for (size_t i = 0; i < f->values->n && i < 63; i++)
        if (mask & ((int64_t)1 << i))
            json_array_append_new(a, json_string(f->values->values[i]));
    return a;
}

static void put_fields(const struct custrpc_message *d, const void *m, json_t *obj);

static json_t *value_to_json(const struct custrpc_field *f, const void *slot)
{
    switch (f->type) {
    case CUSTRPC_TYPE_STRING:
    case CUSTRPC_TYPE_DATETIME: {
        const char *s = *(char *const *)slot;
        return s ? json_string(s) : json_null(); /* json_string: NULL for bad UTF-8 */
    }
    case CUSTRPC_TYPE_INT: return json_integer(*(const int64_t *)slot);
    case CUSTRPC_TYPE_DOUBLE: return json_real(*(const double *)slot);
    case CUSTRPC_TYPE_BOOL: return json_boolean(*(const bool *)slot);
    case CUSTRPC_TYPE_ENUM: {
        int i = *(const int *)slot;
        return i >= 0 && (size_t)i < f->values->n ? json_string(f->values->values[i])
                                                  : json_null();
    }
    case CUSTRPC_TYPE_FLAGS: return flags_to_json(f, *(const int64_t *)slot);
    case CUSTRPC_TYPE_MESSAGE: return custrpc_msg_to_json(f->message, slot);
    }
    return json_null();
}

static json_t *field_to_json(const struct custrpc_field *f, const void *slot)
{
    if (!f->repeated)
        return value_to_json(f, slot);
    const struct custrpc_array *a = slot;
    json_t *arr = json_array();
    size_t size = lib_value_size(f);
    for (size_t i = 0; i < a->n; i++) {
        json_t *item = value_to_json(f, (const char *)a->items + i * size);
        json_array_append_new(arr, item ? item : json_null());
    }
    return arr;
}

static void put_fields(const struct custrpc_message *d, const void *m, json_t *obj)
{
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct custrpc_field *f = &d->fields[i];
        enum custrpc_presence p = custrpc_msg_presence(d, m, f);
        if (p == CUSTRPC_ABSENT)
            continue;
        if (p == CUSTRPC_SET && (f->flags & CUSTRPC_FLAG_INLINE)) {
            put_fields(f->message, custrpc_msg_cslot(m, f), obj);
            continue;
        }
        json_t *v = p == CUSTRPC_NIL ? json_null() : field_to_json(f, custrpc_msg_cslot(m, f));
        json_object_set_new(obj, f->name, v ? v : json_null());
    }
}

json_t *custrpc_msg_to_json(const struct custrpc_message *d, const void *m)
{
    json_t *obj = json_object();
    if (obj)
        put_fields(d, m, obj);
    return obj;
}

/* --- from JSON -------------------------------------------------------------------------- */

static int flags_from_json(const struct custrpc_field *f, const json_t *v, int64_t *out,
                           const char *path, struct custrpc_error *err)
{
    if (!json_is_array(v))
        return wrong_type(f, true, v, path, err);
    int64_t mask = 0;
    size_t i;
    const json_t *item;
    json_array_foreach(v, i, item)
    {
        char item_path[CUSTRPC_ERROR_FIELD_MAX];
        snprintf(item_path, sizeof item_path, "%.40s[%zu]", path, i);
        if (!json_is_string(item))
            return custrpc_fail(err, CUSTRPC_E_TYPE, item_path, "wrong type %s, expected a %s name",
                                custrpc_json_kind(item), f->values->name);
        size_t k = 0;
        while (k < f->values->n && strcmp(f->values->values[k], json_string_value(item)) != 0)
            k++;
        if (k == f->values->n) {
            char names[512];
            lib_enum_names(f->values, names, sizeof names);
            return custrpc_fail(err, CUSTRPC_E_VALUE, item_path,
                                "\"%.60s\" is not a %s (allowed: %s)",
                                json_string_value(item), f->values->name, names);
        }
        mask |= (int64_t)1 << k; /* a set: a name given twice counts once */
    }
    *out = mask;
    return 0;
}

/* One value (not an array of them) into a zeroed slot. */
static int value_from_json(const struct custrpc_field *f, const json_t *v, void *slot,
                           const char *path, struct custrpc_error *err)
{
    switch (f->type) {
    case CUSTRPC_TYPE_STRING:
    case CUSTRPC_TYPE_DATETIME:
    case CUSTRPC_TYPE_ENUM:
        if (!json_is_string(v))
            break;
        /* jansson has checked the UTF-8; NUL inside is refused by the parser already, but a
         * tree built in memory may hold one. */
        if (strlen(json_string_value(v)) != json_string_length(v))
            return custrpc_fail(err, CUSTRPC_E_VALUE, path, "contains a NUL character");
        return lib_type_ops(f->type)->parse(f, json_string_value(v), slot, path, err);
    case CUSTRPC_TYPE_INT:
        if (!json_is_integer(v))
            break;
        *(int64_t *)slot = json_integer_value(v);
        return 0;
    case CUSTRPC_TYPE_DOUBLE:
        if (!json_is_number(v))
            break;
        *(double *)slot = json_number_value(v);
        return 0;
    case CUSTRPC_TYPE_BOOL:
        if (!json_is_boolean(v))
            break;
        *(bool *)slot = json_is_true(v);
        return 0;
    case CUSTRPC_TYPE_FLAGS: return flags_from_json(f, v, (int64_t *)slot, path, err);
    case CUSTRPC_TYPE_MESSAGE:
        if (!json_is_object(v))
            break;
        custrpc_msg_init(f->message, slot);
        return custrpc_msg_from_json(f->message, slot, v, path, err);
    }
    return wrong_type(f, true, v, path, err);
}

static void release_items(const struct custrpc_field *f, struct custrpc_array *a)
{
    for (size_t i = 0; i < a->n; i++)
        lib_type_ops(f->type)->release(f, (char *)a->items + i * lib_value_size(f));
    free(a->items);
}

static int member_from_json(const struct custrpc_message *d, void *m, const struct custrpc_field *f,
                            const json_t *v, const char *path, struct custrpc_error *err)
{
    if (json_is_null(v)) {
        if (!(f->flags & CUSTRPC_FLAG_NIL_OK))
            return wrong_type(f, false, v, path, err);
        lib_msg_put(d, m, f, NULL);
        return 0;
    }
    if (f->repeated) {
        if (!json_is_array(v))
            return wrong_type(f, false, v, path, err);
        size_t size = lib_value_size(f);
        struct custrpc_array a = {0, calloc(json_array_size(v) + 1, size)};
        if (!a.items)
            return custrpc_fail(err, CUSTRPC_E_INTERNAL, path, "out of memory");
        size_t i;
        const json_t *item;
        json_array_foreach(v, i, item)
        {
            char item_path[CUSTRPC_ERROR_FIELD_MAX];
            snprintf(item_path, sizeof item_path, "%.40s[%zu]", path, i);
            void *slot = (char *)a.items + i * size;
            if (value_from_json(f, item, slot, item_path, err) < 0) {
                if (f->type == CUSTRPC_TYPE_MESSAGE)
                    custrpc_msg_free(f->message, slot); /* what it read before failing */
                release_items(f, &a);
                return -1;
            }
            a.n++;
        }
        lib_msg_put(d, m, f, &a);
        return 0;
    }
    if (f->type == CUSTRPC_TYPE_MESSAGE) {
        if (!json_is_object(v))
            return wrong_type(f, false, v, path, err);
        /* Into the field itself: members read before an error stay, and are freed with m. */
        void *sub = custrpc_msg_slot(m, f);
        if (custrpc_msg_presence(d, m, f) == CUSTRPC_NIL)
            custrpc_msg_init(f->message, sub);
        custrpc_msg_set_presence(d, m, f, CUSTRPC_SET);
        return custrpc_msg_from_json(f->message, sub, v, path, err);
    }
    union lib_scalar value;
    memset(&value, 0, sizeof value);
    if (value_from_json(f, v, &value, path, err) < 0)
        return -1;
    lib_msg_put(d, m, f, &value);
    return 0;
}

int custrpc_msg_from_json(const struct custrpc_message *d, void *m, const json_t *obj,
                          const char *path, struct custrpc_error *err)
{
    if (!json_is_object(obj))
        return custrpc_fail(err, CUSTRPC_E_TYPE, path, "wrong type %s, expected object %s",
                            custrpc_json_kind(obj), d->name);
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        char member[CUSTRPC_ERROR_FIELD_MAX];
        lib_path_join(member, sizeof member, path, key);
        const struct custrpc_message *od = d;
        void *owner = m;
        const struct custrpc_field *f = custrpc_msg_member(d, m, key, true, &od, &owner);
        if (!f)
            return custrpc_fail(err, CUSTRPC_E_UNKNOWN, member, "unknown member of %s", d->name);
        if (member_from_json(od, owner, f, v, member, err) < 0)
            return -1;
    }
    return 0;
}
