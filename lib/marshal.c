/* marshal.c — one generic loop over the field table each way between struct custrpc_customer
 * and an xmlrpc-c struct value, and the createCustomer request document. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <custrpc/marshal.h>

/* Converts the env fault of a failed xmlrpc-c call into err; always -1. */
static int xmlrpc_failed(xmlrpc_env *env, const char *field, struct custrpc_error *err)
{
    custrpc_fail(err, CUSTRPC_E_INTERNAL, field, "xmlrpc-c: %s", env->fault_string);
    xmlrpc_env_clean(env);
    return -1;
}

/* A new xmlrpc_value for a field that is SET or NIL; NULL with env set on failure. */
static xmlrpc_value *field_value(xmlrpc_env *env, const struct custrpc_customer *c,
                                 const struct custrpc_field *f)
{
    const char *member = (const char *)c + f->offset;
    if (c->presence[f->id] == CUSTRPC_NIL)
        return xmlrpc_nil_new(env);
    switch (f->type) {
    case CUSTRPC_TYPE_STRING: {
        const char *s = *(char *const *)member;
        return xmlrpc_string_new_lp(env, strlen(s), s);
    }
    case CUSTRPC_TYPE_INT:
        return xmlrpc_int_new(env, (xmlrpc_int32) * (const int64_t *)(const void *)member);
    case CUSTRPC_TYPE_DOUBLE: return xmlrpc_double_new(env, *(const double *)(const void *)member);
    case CUSTRPC_TYPE_BOOL: return xmlrpc_bool_new(env, *(const bool *)(const void *)member);
    }
    xmlrpc_faultf(env, "field has no known type");
    return NULL;
}

int custrpc_customer_to_value(const struct custrpc_customer *c, xmlrpc_value **out,
                              struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *s = xmlrpc_struct_new(&env);
    if (env.fault_occurred)
        return xmlrpc_failed(&env, NULL, err);
    for (size_t i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (c->presence[i] == CUSTRPC_ABSENT)
            continue;
        xmlrpc_value *v = field_value(&env, c, f);
        if (!env.fault_occurred) {
            xmlrpc_struct_set_value(&env, s, f->name, v);
            xmlrpc_DECREF(v);
        }
        if (env.fault_occurred) {
            xmlrpc_DECREF(s);
            return xmlrpc_failed(&env, f->name, err);
        }
    }
    *out = s;
    return 0;
}

/* Reads one member value into the field, checking its XML-RPC type against the table. */
static int decode_member(struct custrpc_customer *c, const struct custrpc_field *f, xmlrpc_value *v,
                         struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_type t = xmlrpc_value_type(v);
    int rc = -2; /* -2: the wire type does not fit the field */
    if (t == XMLRPC_TYPE_NIL) {
        if (f->flags & CUSTRPC_FLAG_NIL_OK)
            return custrpc_customer_set_nil(c, f->id, err);
        return custrpc_fail(err, CUSTRPC_E_TYPE, f->name, "nil is not allowed, expected %s",
                            custrpc_type_name(f->type));
    }
    switch (f->type) {
    case CUSTRPC_TYPE_STRING:
        if (t == XMLRPC_TYPE_STRING) {
            const char *s;
            size_t len;
            xmlrpc_read_string_lp(&env, v, &len, &s);
            if (env.fault_occurred)
                return xmlrpc_failed(&env, f->name, err);
            rc = custrpc_customer_set_string_len(c, f->id, s, len, err);
            free((void *)s);
        }
        break;
    case CUSTRPC_TYPE_INT:
    case CUSTRPC_TYPE_DOUBLE:
        if (t == XMLRPC_TYPE_INT) {
            int i;
            xmlrpc_read_int(&env, v, &i);
            rc = f->type == CUSTRPC_TYPE_INT ? custrpc_customer_set_int(c, f->id, i, err)
                                             : custrpc_customer_set_double(c, f->id, i, err);
        } else if (t == XMLRPC_TYPE_I8) {
            xmlrpc_int64 i;
            xmlrpc_read_i8(&env, v, &i);
            rc = f->type == CUSTRPC_TYPE_INT
                     ? custrpc_customer_set_int(c, f->id, i, err)
                     : custrpc_customer_set_double(c, f->id, (double)i, err);
        } else if (t == XMLRPC_TYPE_DOUBLE && f->type == CUSTRPC_TYPE_DOUBLE) {
            double d;
            xmlrpc_read_double(&env, v, &d);
            rc = custrpc_customer_set_double(c, f->id, d, err);
        }
        break;
    case CUSTRPC_TYPE_BOOL:
        if (t == XMLRPC_TYPE_BOOL) {
            xmlrpc_bool b;
            xmlrpc_read_bool(&env, v, &b);
            rc = custrpc_customer_set_bool(c, f->id, b != 0, err);
        }
        break;
    }
    if (env.fault_occurred)
        return xmlrpc_failed(&env, f->name, err);
    if (rc == -2)
        return custrpc_fail(err, CUSTRPC_E_TYPE, f->name, "wrong type %s, expected %s",
                            custrpc_xmlrpc_type_name(t), custrpc_type_name(f->type));
    return rc;
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

int custrpc_customer_from_value(struct custrpc_customer *c, xmlrpc_value *value, unsigned flags,
                                struct custrpc_error *err)
{
    if (xmlrpc_value_type(value) != XMLRPC_TYPE_STRUCT)
        return custrpc_fail(err, CUSTRPC_E_PARAMS, NULL, "expected a struct, got %s",
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
        int rc = 0;
        const struct custrpc_field *f = strlen(name) == len ? custrpc_field_find(name) : NULL;
        if (!f && !(flags & CUSTRPC_DECODE_ALLOW_UNKNOWN))
            rc = custrpc_fail(err, CUSTRPC_E_UNKNOWN, name, "unknown member");
        else if (f)
            rc = decode_member(c, f, member, err);
        free((void *)name);
        xmlrpc_DECREF(member);
        if (rc < 0)
            return -1;
    }
    if (env.fault_occurred)
        return xmlrpc_failed(&env, NULL, err);
    return 0;
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
