/* marshal.c — one generic loop over the field table each way between struct custrpc_customer
 * and an xmlrpc-c struct value, and the createCustomer request document. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/xmlrpc.h>

#include "types.h"
#include "utf8.h"
#include "wire.h"

/* Converts the env fault of a failed xmlrpc-c call into err; always -1. */
static int xmlrpc_failed(xmlrpc_env *env, const char *field, struct custrpc_error *err)
{
    custrpc_fail(err, CUSTRPC_E_INTERNAL, field, "xmlrpc-c: %s", env->fault_string);
    xmlrpc_env_clean(env);
    return -1;
}

const char *custrpc_xmlrpc_type_name(int type)
{
    switch ((xmlrpc_type)type) {
    case XMLRPC_TYPE_INT: return "int";
    case XMLRPC_TYPE_BOOL: return "boolean";
    case XMLRPC_TYPE_DOUBLE: return "double";
    case XMLRPC_TYPE_DATETIME: return "dateTime.iso8601";
    case XMLRPC_TYPE_STRING: return "string";
    case XMLRPC_TYPE_BASE64: return "base64";
    case XMLRPC_TYPE_ARRAY: return "array";
    case XMLRPC_TYPE_STRUCT: return "struct";
    case XMLRPC_TYPE_C_PTR: return "C pointer";
    case XMLRPC_TYPE_NIL: return "nil";
    case XMLRPC_TYPE_I8: return "i8";
    default: return "unknown";
    }
}

/* --- the XML-RPC side of each type ------------------------------------------------------------ */

static xmlrpc_value *encode_value(xmlrpc_env *env, const struct custrpc_field *f, const void *slot);
static int decode_struct(const struct custrpc_message *d, void *m, xmlrpc_value *value,
                         const char *prefix, unsigned flags, struct custrpc_error *err);

static xmlrpc_value *encode_one(xmlrpc_env *env, const struct custrpc_field *f, const void *slot)
{
    switch (f->type) {
    case CUSTRPC_TYPE_STRING: {
        const char *s = *(char *const *)slot;
        return xmlrpc_string_new_lp(env, strlen(s), s);
    }
    case CUSTRPC_TYPE_INT:
    case CUSTRPC_TYPE_FLAGS: return xmlrpc_int_new(env, (xmlrpc_int32) * (const int64_t *)slot);
    case CUSTRPC_TYPE_DOUBLE: return xmlrpc_double_new(env, *(const double *)slot);
    case CUSTRPC_TYPE_BOOL: return xmlrpc_bool_new(env, *(const bool *)slot);
    case CUSTRPC_TYPE_DATETIME: return xmlrpc_datetime_new_str(env, *(char *const *)slot);
    case CUSTRPC_TYPE_ENUM: {
        int v = *(const int *)slot;
        return xmlrpc_string_new(env,
                                 v >= 0 && (size_t)v < f->values->n ? f->values->values[v] : "");
    }
    case CUSTRPC_TYPE_MESSAGE: {
        xmlrpc_value *out = NULL;
        struct custrpc_error err;
        if (custrpc_msg_to_value(f->message, slot, &out, &err) < 0)
            xmlrpc_faultf(env, "%s", err.message);
        return out;
    }
    }
    xmlrpc_faultf(env, "field has no known type");
    return NULL;
}

/* A value of f (an array of them when repeated). */
static xmlrpc_value *encode_value(xmlrpc_env *env, const struct custrpc_field *f, const void *slot)
{
    if (!f->repeated)
        return encode_one(env, f, slot);
    const struct custrpc_array *a = slot;
    size_t size = lib_value_size(f);
    xmlrpc_value *array = xmlrpc_array_new(env);
    for (size_t i = 0; i < a->n && !env->fault_occurred; i++) {
        xmlrpc_value *item = encode_one(env, f, (const char *)a->items + i * size);
        if (!env->fault_occurred)
            xmlrpc_array_append_item(env, array, item);
        if (item)
            xmlrpc_DECREF(item);
    }
    if (env->fault_occurred && array) {
        xmlrpc_DECREF(array);
        return NULL;
    }
    return array;
}

/* The members of m into the struct s; an inline sub-message's members go in at this level. */
static int encode_into(xmlrpc_env *env, const struct custrpc_message *d, const void *m,
                       xmlrpc_value *s, const char **failed)
{
    for (size_t i = 0; i < d->n_fields && !env->fault_occurred; i++) {
        const struct custrpc_field *f = &d->fields[i];
        enum custrpc_presence p = custrpc_msg_presence(d, m, f);
        if (p == CUSTRPC_ABSENT)
            continue;
        if ((f->flags & CUSTRPC_FLAG_INLINE) && p == CUSTRPC_SET) {
            if (encode_into(env, f->message, custrpc_msg_cslot(m, f), s, failed) < 0)
                return -1;
            continue;
        }
        xmlrpc_value *v =
            p == CUSTRPC_NIL ? xmlrpc_nil_new(env) : encode_value(env, f, custrpc_msg_cslot(m, f));
        if (!env->fault_occurred) {
            xmlrpc_struct_set_value(env, s, f->name, v);
            xmlrpc_DECREF(v);
        }
        if (env->fault_occurred)
            *failed = f->name;
    }
    return env->fault_occurred ? -1 : 0;
}

int custrpc_msg_to_value(const struct custrpc_message *d, const void *m, xmlrpc_value **out,
                         struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    const char *failed = NULL;
    xmlrpc_value *s = xmlrpc_struct_new(&env);
    if (env.fault_occurred)
        return xmlrpc_failed(&env, NULL, err);
    if (encode_into(&env, d, m, s, &failed) < 0) {
        xmlrpc_DECREF(s);
        return xmlrpc_failed(&env, failed, err);
    }
    *out = s;
    return 0;
}

int custrpc_customer_to_value(const struct custrpc_customer *c, xmlrpc_value **out,
                              struct custrpc_error *err)
{
    return custrpc_msg_to_value(&custrpc_customer_message, c, out, err);
}

/* A scalar xmlrpc_value as the wire scalar it carries (strings borrowed: free *owned). */
static int wire_of(xmlrpc_value *v, struct lib_wire *w, char **owned, const char *path,
                   struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    memset(w, 0, sizeof *w);
    *owned = NULL;
    w->type = xmlrpc_value_type(v);
    switch (w->type) {
    case XMLRPC_TYPE_STRING: {
        const char *s;
        xmlrpc_read_string_lp(&env, v, &w->len, &s);
        *owned = (char *)s;
        w->s = s;
        break;
    }
    case XMLRPC_TYPE_INT: {
        int i32;
        xmlrpc_read_int(&env, v, &i32);
        w->i = i32;
        break;
    }
    case XMLRPC_TYPE_I8: {
        xmlrpc_int64 i64;
        xmlrpc_read_i8(&env, v, &i64);
        w->i = i64;
        break;
    }
    case XMLRPC_TYPE_DOUBLE: xmlrpc_read_double(&env, v, &w->d); break;
    case XMLRPC_TYPE_DATETIME: {
        const char *s;
        xmlrpc_read_datetime_str(&env, v, &s);
        if (!env.fault_occurred) {
            *owned = (char *)s;
            w->s = s;
            w->len = strlen(s);
        }
        break;
    }
    case XMLRPC_TYPE_BOOL: {
        xmlrpc_bool b;
        xmlrpc_read_bool(&env, v, &b);
        w->b = b != 0;
        break;
    }
    default: break;
    }
    return env.fault_occurred ? xmlrpc_failed(&env, path, err) : 0;
}

/* A wire scalar into a zeroed slot of f. -2: the wire type does not fit the field. */
static int wire_to_slot(const struct custrpc_field *f, const struct lib_wire *w, void *slot,
                        const char *path, struct custrpc_error *err)
{
    bool is_int = w->type == XMLRPC_TYPE_INT || w->type == XMLRPC_TYPE_I8;
    switch (f->type) {
    case CUSTRPC_TYPE_STRING:
    case CUSTRPC_TYPE_ENUM: {
        if (w->type != XMLRPC_TYPE_STRING)
            return -2;
        const char *problem = lib_utf8_check(w->s, w->len, NULL, false);
        if (problem)
            return custrpc_fail(err, CUSTRPC_E_VALUE, path, "%s", problem);
        return lib_type_ops(f->type)->parse(f, w->s, slot, path, err);
    }
    case CUSTRPC_TYPE_INT:
    case CUSTRPC_TYPE_FLAGS:
        if (!is_int)
            return -2;
        if (w->i < INT32_MIN || w->i > INT32_MAX)
            return custrpc_fail(err, CUSTRPC_E_VALUE, path, "value %lld does not fit a 32-bit int",
                                (long long)w->i);
        *(int64_t *)slot = w->i;
        return 0;
    case CUSTRPC_TYPE_DOUBLE:
        /* Real clients send whole numbers as <int>. */
        if (!is_int && w->type != XMLRPC_TYPE_DOUBLE)
            return -2;
        *(double *)slot = is_int ? (double)w->i : w->d;
        return 0;
    case CUSTRPC_TYPE_BOOL:
        if (w->type != XMLRPC_TYPE_BOOL)
            return -2;
        *(bool *)slot = w->b;
        return 0;
    case CUSTRPC_TYPE_DATETIME:
        if (w->type != XMLRPC_TYPE_DATETIME)
            return -2;
        return lib_type_ops(f->type)->parse(f, w->s, slot, path, err);
    case CUSTRPC_TYPE_MESSAGE: return -2;
    }
    return -2;
}

/* Reads one wire value of f into a zeroed slot. -2: the wire type does not fit the field. */
static int decode_one(const struct custrpc_field *f, xmlrpc_value *v, void *slot, const char *path,
                      unsigned flags, struct custrpc_error *err)
{
    if (f->type == CUSTRPC_TYPE_MESSAGE) {
        if (xmlrpc_value_type(v) != XMLRPC_TYPE_STRUCT)
            return -2;
        custrpc_msg_init(f->message, slot);
        return decode_struct(f->message, slot, v, path, flags, err);
    }
    struct lib_wire w;
    char *owned;
    if (wire_of(v, &w, &owned, path, err) < 0)
        return -1;
    int rc = wire_to_slot(f, &w, slot, path, err);
    free(owned);
    return rc;
}

static const char *expected_name(const struct custrpc_field *f)
{
    return f->repeated ? "array" : custrpc_type_name(f->type);
}

int lib_decode_wire(const struct custrpc_message *d, void *m, const struct custrpc_field *f,
                    const struct lib_wire *w, const char *path, struct custrpc_error *err)
{
    if (w->type == XMLRPC_TYPE_NIL) {
        if (!(f->flags & CUSTRPC_FLAG_NIL_OK))
            return custrpc_fail(err, CUSTRPC_E_TYPE, path, "nil is not allowed, expected %s",
                                expected_name(f));
        lib_msg_put(d, m, f, NULL);
        return 0;
    }
    union lib_scalar value;
    memset(&value, 0, sizeof value);
    int rc = f->repeated ? -2 : wire_to_slot(f, w, &value, path, err);
    if (rc == -2)
        return custrpc_fail(err, CUSTRPC_E_TYPE, path, "wrong type %s, expected %s",
                            custrpc_xmlrpc_type_name(w->type), expected_name(f));
    if (rc == 0)
        lib_msg_put(d, m, f, &value);
    return rc;
}

/* Reads one member into f: nil where allowed, an array item by item, else one value. */
int lib_decode_member(const struct custrpc_message *d, void *m, const struct custrpc_field *f,
                      xmlrpc_value *v, const char *path, unsigned flags, struct custrpc_error *err)
{
    xmlrpc_type t = xmlrpc_value_type(v);
    if (!f->repeated && f->type != CUSTRPC_TYPE_MESSAGE) {
        struct lib_wire w;
        char *owned;
        if (wire_of(v, &w, &owned, path, err) < 0)
            return -1;
        int rc = lib_decode_wire(d, m, f, &w, path, err);
        free(owned);
        return rc;
    }
    if (t == XMLRPC_TYPE_NIL) {
        if (!(f->flags & CUSTRPC_FLAG_NIL_OK))
            return custrpc_fail(err, CUSTRPC_E_TYPE, path, "nil is not allowed, expected %s",
                                expected_name(f));
        lib_msg_put(d, m, f, NULL);
        return 0;
    }
    union {
        struct custrpc_array a;
        char bytes[64];
    } small;
    memset(&small, 0, sizeof small);
    void *value = f->type == CUSTRPC_TYPE_MESSAGE && !f->repeated ? calloc(1, f->message->size)
                                                                  : (void *)&small;
    if (!value)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, path, "out of memory");
    int rc;
    if (f->repeated && t == XMLRPC_TYPE_ARRAY) {
        xmlrpc_env env;
        xmlrpc_env_init(&env);
        int n = xmlrpc_array_size(&env, v);
        size_t size = lib_value_size(f);
        small.a.items = calloc(n > 0 ? (size_t)n : 1, size);
        rc = small.a.items ? 0 : custrpc_fail(err, CUSTRPC_E_INTERNAL, path, "out of memory");
        for (int i = 0; rc == 0 && i < n; i++) {
            xmlrpc_value *item;
            char item_path[CUSTRPC_ERROR_FIELD_MAX];
            snprintf(item_path, sizeof item_path, "%.50s[%d]", path, i);
            xmlrpc_array_read_item(&env, v, (unsigned)i, &item);
            rc = decode_one(f, item, (char *)small.a.items + small.a.n * size, item_path, flags,
                            err);
            xmlrpc_DECREF(item);
            if (rc == -2)
                rc = custrpc_fail(err, CUSTRPC_E_TYPE, item_path, "wrong type %s, expected %s",
                                  custrpc_xmlrpc_type_name(xmlrpc_value_type(item)),
                                  custrpc_type_name(f->type));
            if (rc == 0)
                small.a.n++;
        }
        xmlrpc_env_clean(&env);
    } else {
        rc = f->repeated ? -2 : decode_one(f, v, value, path, flags, err);
    }
    if (rc == -2)
        rc = custrpc_fail(err, CUSTRPC_E_TYPE, path, "wrong type %s, expected %s",
                          custrpc_xmlrpc_type_name(t), expected_name(f));
    if (rc == 0) {
        lib_msg_put(d, m, f, value);
    } else if (f->repeated) {
        /* what was decoded before the failure */
        for (size_t i = 0; i < small.a.n; i++)
            lib_type_ops(f->type)->release(f, (char *)small.a.items + i * lib_value_size(f));
        free(small.a.items);
    } else if (f->type == CUSTRPC_TYPE_MESSAGE) {
        custrpc_msg_free(f->message, value);
    }
    if (value != (void *)&small)
        free(value);
    return rc;
}

static int decode_struct(const struct custrpc_message *d, void *m, xmlrpc_value *value,
                         const char *prefix, unsigned flags, struct custrpc_error *err)
{
    if (xmlrpc_value_type(value) != XMLRPC_TYPE_STRUCT)
        return custrpc_fail(err, CUSTRPC_E_PARAMS, prefix, "expected a struct, got %s",
                            custrpc_xmlrpc_type_name(xmlrpc_value_type(value)));
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    int n = xmlrpc_struct_size(&env, value);
    for (int i = 0; i < n && !env.fault_occurred; i++) {
        xmlrpc_value *key, *member;
        xmlrpc_struct_read_member(&env, value, (unsigned)i, &key, &member);
        if (env.fault_occurred)
            break;
        const char *name = NULL;
        size_t len = 0;
        xmlrpc_read_string_lp(&env, key, &len, &name);
        xmlrpc_DECREF(key);
        if (env.fault_occurred) {
            xmlrpc_DECREF(member);
            break;
        }
        char path[CUSTRPC_ERROR_FIELD_MAX];
        lib_path_join(path, sizeof path, prefix, name);
        int rc = 0;
        const struct custrpc_message *od = d;
        void *owner = m;
        const struct custrpc_field *f =
            strlen(name) == len ? custrpc_msg_member(d, m, name, true, &od, &owner) : NULL;
        if (!f && !(flags & CUSTRPC_DECODE_ALLOW_UNKNOWN))
            rc = custrpc_fail(err, CUSTRPC_E_UNKNOWN, path, "unknown member");
        else if (f)
            rc = lib_decode_member(od, owner, f, member, path, flags, err);
        free((void *)name);
        xmlrpc_DECREF(member);
        if (rc < 0)
            return -1;
    }
    if (env.fault_occurred)
        return xmlrpc_failed(&env, prefix, err);
    return 0;
}

int custrpc_msg_from_value(const struct custrpc_message *d, void *m, xmlrpc_value *value,
                           unsigned flags, struct custrpc_error *err)
{
    return decode_struct(d, m, value, NULL, flags, err);
}

int custrpc_customer_from_value(struct custrpc_customer *c, xmlrpc_value *value, unsigned flags,
                                struct custrpc_error *err)
{
    return custrpc_msg_from_value(&custrpc_customer_message, c, value, flags, err);
}

int custrpc_customer_decode_request(struct custrpc_customer *c, xmlrpc_value *value,
                                    struct custrpc_error *err)
{
    if (custrpc_customer_from_value(c, value, 0, err) < 0)
        return -1;
    return custrpc_customer_validate(c, err);
}

int custrpc_create_request_xml(const struct custrpc_customer *c, char **xml, size_t *len,
                               struct custrpc_error *err)
{
    xmlrpc_value *params = NULL, *s = NULL;
    xmlrpc_mem_block *out = NULL;
    int rc = -1;
    if (custrpc_customer_to_value(c, &s, err) < 0)
        return -1;
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    params = xmlrpc_array_new(&env);
    if (env.fault_occurred)
        goto fail_env;
    xmlrpc_array_append_item(&env, params, s);
    if (env.fault_occurred)
        goto fail_env;
    out = XMLRPC_MEMBLOCK_NEW(char, &env, 0);
    if (env.fault_occurred)
        goto fail_env;
    /* The i8 dialect writes nil as <nil/>, the form the API documents. */
    xmlrpc_serialize_call2(&env, out, CUSTRPC_METHOD_CREATE, params, xmlrpc_dialect_i8);
    if (env.fault_occurred)
        goto fail_env;
    size_t n = XMLRPC_MEMBLOCK_SIZE(char, out);
    char *text = malloc(n + 1);
    if (!text) {
        custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        goto done;
    }
    memcpy(text, XMLRPC_MEMBLOCK_CONTENTS(char, out), n);
    text[n] = '\0';
    *xml = text;
    if (len)
        *len = n;
    rc = 0;
    goto done;
fail_env:
    xmlrpc_failed(&env, NULL, err);
done:
    if (out)
        XMLRPC_MEMBLOCK_FREE(char, out);
    if (params)
        xmlrpc_DECREF(params);
    xmlrpc_DECREF(s);
    return rc;
}

xmlrpc_value *custrpc_mask_secrets(xmlrpc_env *env, xmlrpc_value *v)
{
    xmlrpc_type t = xmlrpc_value_type(v);
    if (t == XMLRPC_TYPE_ARRAY) {
        xmlrpc_value *copy = xmlrpc_array_new(env);
        int n = xmlrpc_array_size(env, v);
        for (int i = 0; i < n && !env->fault_occurred; i++) {
            xmlrpc_value *item, *shown;
            xmlrpc_array_read_item(env, v, (unsigned)i, &item);
            if (env->fault_occurred)
                break;
            shown = custrpc_mask_secrets(env, item);
            if (!env->fault_occurred)
                xmlrpc_array_append_item(env, copy, shown);
            if (shown)
                xmlrpc_DECREF(shown);
            xmlrpc_DECREF(item);
        }
        return copy;
    }
    if (t != XMLRPC_TYPE_STRUCT) {
        xmlrpc_INCREF(v);
        return v;
    }
    xmlrpc_value *copy = xmlrpc_struct_new(env);
    int n = xmlrpc_struct_size(env, v);
    for (int i = 0; i < n && !env->fault_occurred; i++) {
        xmlrpc_value *key, *member, *shown = NULL;
        const char *name = NULL;
        xmlrpc_struct_read_member(env, v, (unsigned)i, &key, &member);
        if (env->fault_occurred)
            break;
        xmlrpc_read_string(env, key, &name);
        const struct custrpc_field *f = env->fault_occurred ? NULL : custrpc_field_find(name);
        if (!env->fault_occurred)
            shown = (f && (f->flags & CUSTRPC_FLAG_SECRET)) ? xmlrpc_string_new(env, "********")
                                                            : custrpc_mask_secrets(env, member);
        if (!env->fault_occurred)
            xmlrpc_struct_set_value(env, copy, name, shown);
        if (shown)
            xmlrpc_DECREF(shown);
        free((void *)name);
        xmlrpc_DECREF(key);
        xmlrpc_DECREF(member);
    }
    return copy;
}
