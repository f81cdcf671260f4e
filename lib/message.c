/* message.c — the generic routines over (descriptor, struct) of message.h, and the one
 * per-type operations table they and every other walker use (types.h). No function here names
 * a field or a message: adding either is adding data. */
#include <config.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/rights.h>

#include "types.h"
#include "utf8.h"

void lib_path_join(char *out, size_t size, const char *prefix, const char *name)
{
    if (prefix && *prefix)
        snprintf(out, size, "%s.%s", prefix, name);
    else
        snprintf(out, size, "%s", name);
}

/* --- the operations of each type ------------------------------------------------------------ */

static void no_release(const struct custrpc_field *f, void *slot)
{
    (void)f;
    (void)slot;
}

static int copy_bytes(const struct custrpc_field *f, void *dst, const void *src,
                      struct custrpc_error *err)
{
    (void)err;
    memcpy(dst, src, lib_type_ops(f->type)->size);
    return 0;
}

static bool no_check_needed(const struct custrpc_field *f, const void *slot)
{
    (void)f;
    (void)slot;
    return true;
}

static int check_none(const struct custrpc_field *f, const void *slot, const char *path,
                      struct custrpc_error *err)
{
    (void)path;
    (void)err;
    return no_check_needed(f, slot) ? 0 : -1;
}

/* STRING: char *, owned. */
static void string_release(const struct custrpc_field *f, void *slot)
{
    (void)f;
    free(*(char **)slot);
    *(char **)slot = NULL;
}

static int string_copy(const struct custrpc_field *f, void *dst, const void *src,
                       struct custrpc_error *err)
{
    const char *s = *(char *const *)src;
    if (s && !(*(char **)dst = strdup(s)))
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, f->name, "out of memory");
    return 0;
}

static bool string_equal(const struct custrpc_field *f, const void *a, const void *b)
{
    (void)f;
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

static int string_check(const struct custrpc_field *f, const void *slot, const char *path,
                        struct custrpc_error *err)
{
    return lib_check_string(f, *(char *const *)slot, path, err);
}

static int string_parse(const struct custrpc_field *f, const char *text, void *slot,
                        const char *path, struct custrpc_error *err)
{
    const char *problem = lib_utf8_check(text, strlen(text), NULL, f->flags & CUSTRPC_FLAG_FULL_UNICODE);
    if (problem)
        return custrpc_fail(err, CUSTRPC_E_VALUE, path, "%s", problem);
    return string_copy(f, slot, &text, err);
}

static int string_format(const struct custrpc_field *f, const void *slot, char *buf, size_t size)
{
    (void)f;
    return snprintf(buf, size, "%s", *(char *const *)slot);
}

/* DATETIME: the text, char * like a string, in XML-RPC's form. */
static int datetime_check(const struct custrpc_field *f, const void *slot, const char *path,
                          struct custrpc_error *err)
{
    (void)f;
    const char *s = *(char *const *)slot;
    if (lib_datetime_syntax(s))
        return 0;
    return custrpc_fail(err, CUSTRPC_E_VALUE, path, "\"%.40s\" is not YYYYMMDDThh:mm:ss", s);
}

static int datetime_parse(const struct custrpc_field *f, const char *text, void *slot,
                          const char *path, struct custrpc_error *err)
{
    if (!lib_datetime_syntax(text))
        return custrpc_fail(err, CUSTRPC_E_VALUE, path, "\"%.40s\" is not YYYYMMDDThh:mm:ss", text);
    return string_copy(f, slot, &text, err);
}

/* INT: int64_t (32 bits on the XML-RPC wire); BITMASK ints are the rights flag set. */
static bool int_equal(const struct custrpc_field *f, const void *a, const void *b)
{
    (void)f;
    return *(const int64_t *)a == *(const int64_t *)b;
}

static int int_check(const struct custrpc_field *f, const void *slot, const char *path,
                     struct custrpc_error *err)
{
    return lib_check_int(f, *(const int64_t *)slot, path, err);
}

static int int_parse(const struct custrpc_field *f, const char *text, void *slot, const char *path,
                     struct custrpc_error *err)
{
    return lib_parse_int(f, text, (int64_t *)slot, path, err);
}

static int int_format(const struct custrpc_field *f, const void *slot, char *buf, size_t size)
{
    int64_t v = *(const int64_t *)slot;
    if ((f->flags & CUSTRPC_FLAG_BITMASK) && v >= 0 && v <= CUSTRPC_RIGHTS_ALL)
        return custrpc_flags_format(f->values ? f->values : &custrpc_rights_names, v, buf, size,
                                    NULL);
    return snprintf(buf, size, "%" PRId64, v);
}

/* DOUBLE */
static bool double_equal(const struct custrpc_field *f, const void *a, const void *b)
{
    (void)f;
    return *(const double *)a == *(const double *)b;
}

static int double_check(const struct custrpc_field *f, const void *slot, const char *path,
                        struct custrpc_error *err)
{
    return lib_check_double(f, *(const double *)slot, path, err);
}

static int double_parse(const struct custrpc_field *f, const char *text, void *slot,
                        const char *path, struct custrpc_error *err)
{
    return lib_parse_double(f, text, (double *)slot, path, err);
}

static int double_format(const struct custrpc_field *f, const void *slot, char *buf, size_t size)
{
    (void)f;
    return lib_format_double(*(const double *)slot, buf, size);
}

/* BOOL */
static bool bool_equal(const struct custrpc_field *f, const void *a, const void *b)
{
    (void)f;
    return *(const bool *)a == *(const bool *)b;
}

static int bool_parse(const struct custrpc_field *f, const char *text, void *slot, const char *path,
                      struct custrpc_error *err)
{
    (void)f;
    return lib_parse_bool(text, (bool *)slot, path, err);
}

static int bool_format(const struct custrpc_field *f, const void *slot, char *buf, size_t size)
{
    (void)f;
    return snprintf(buf, size, "%s", *(const bool *)slot ? "yes" : "no");
}

/* ENUM: int, the index of a name in the field's value table. */
void lib_enum_names(const struct custrpc_enum *e, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < e->n && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", e->values[i]);
        used += n > 0 ? (size_t)n : 0;
    }
}

static bool enum_equal(const struct custrpc_field *f, const void *a, const void *b)
{
    (void)f;
    return *(const int *)a == *(const int *)b;
}

static int enum_check(const struct custrpc_field *f, const void *slot, const char *path,
                      struct custrpc_error *err)
{
    int v = *(const int *)slot;
    if (v >= 0 && (size_t)v < f->values->n)
        return 0;
    return custrpc_fail(err, CUSTRPC_E_VALUE, path, "value %d is not a %s", v, f->values->name);
}

static int enum_parse(const struct custrpc_field *f, const char *text, void *slot, const char *path,
                      struct custrpc_error *err)
{
    for (size_t i = 0; i < f->values->n; i++)
        if (strcmp(text, f->values->values[i]) == 0) {
            *(int *)slot = (int)i;
            return 0;
        }
    char names[512];
    lib_enum_names(f->values, names, sizeof names);
    return custrpc_fail(err, CUSTRPC_E_VALUE, path, "\"%.60s\" is not a %s (allowed: %s)", text,
                        f->values->name, names);
}

static int enum_format(const struct custrpc_field *f, const void *slot, char *buf, size_t size)
{
    int v = *(const int *)slot;
    if (v < 0 || (size_t)v >= f->values->n)
        return snprintf(buf, size, "%d", v);
    return snprintf(buf, size, "%s", f->values->values[v]);
}

/* FLAGS: int64_t, bit i for the value table's name i. */
static int flags_check(const struct custrpc_field *f, const void *slot, const char *path,
                       struct custrpc_error *err)
{
    int64_t v = *(const int64_t *)slot, all = ((int64_t)1 << f->values->n) - 1;
    if (v >= 0 && v <= all)
        return 0;
    return custrpc_fail(err, CUSTRPC_E_VALUE, path, "bitmask %" PRId64 " out of range 0..%" PRId64,
                        v, all);
}

static int flags_parse(const struct custrpc_field *f, const char *text, void *slot,
                       const char *path, struct custrpc_error *err)
{
    return custrpc_flags_parse(f->values, text, path, (int64_t *)slot, err);
}

static int flags_format(const struct custrpc_field *f, const void *slot, char *buf, size_t size)
{
    return custrpc_flags_format(f->values, *(const int64_t *)slot, buf, size, NULL);
}

/* MESSAGE: the nested struct, walked with its own descriptor. */
static void message_release(const struct custrpc_field *f, void *slot)
{
    custrpc_msg_free(f->message, slot);
}

static int message_copy(const struct custrpc_field *f, void *dst, const void *src,
                        struct custrpc_error *err)
{
    custrpc_msg_init(f->message, dst);
    return custrpc_msg_copy(f->message, dst, src, err);
}

static bool message_equal(const struct custrpc_field *f, const void *a, const void *b)
{
    return custrpc_msg_equal(f->message, a, b);
}

static int validate_at(const struct custrpc_message *d, const void *m, const char *prefix,
                       struct custrpc_error *err);

static int message_check(const struct custrpc_field *f, const void *slot, const char *path,
                         struct custrpc_error *err)
{
    return validate_at(f->message, slot, path, err);
}

static int message_parse(const struct custrpc_field *f, const char *text, void *slot,
                         const char *path, struct custrpc_error *err)
{
    (void)text;
    (void)slot;
    return custrpc_fail(err, CUSTRPC_E_VALUE, path, "is a %s: set its members (%s.MEMBER)",
                        f->message->name, path);
}

static int message_format(const struct custrpc_field *f, const void *slot, char *buf, size_t size)
{
    (void)f;
    (void)slot;
    (void)buf;
    (void)size;
    return -1;
}

/* JSON forms. */
void custrpc_json_write_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\r')
            fputs("\\r", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out); /* UTF-8 passes through: JSON text is UTF-8 */
    }
    fputc('"', out);
}

static void string_json(const struct custrpc_field *f, const void *slot, FILE *out)
{
    (void)f;
    custrpc_json_write_string(out, *(char *const *)slot);
}

static void number_json(const struct custrpc_field *f, const void *slot, FILE *out)
{
    char buf[400];
    /* Rights as their number in JSON: programs compare bits, people read the text form. */
    if (f->type == CUSTRPC_TYPE_INT || f->type == CUSTRPC_TYPE_FLAGS)
        snprintf(buf, sizeof buf, "%" PRId64, *(const int64_t *)slot);
    else
        lib_format_double(*(const double *)slot, buf, sizeof buf);
    fputs(buf, out);
}

static void bool_json(const struct custrpc_field *f, const void *slot, FILE *out)
{
    (void)f;
    fputs(*(const bool *)slot ? "true" : "false", out);
}

static void enum_json(const struct custrpc_field *f, const void *slot, FILE *out)
{
    char buf[256];
    enum_format(f, slot, buf, sizeof buf);
    custrpc_json_write_string(out, buf);
}

static void message_json(const struct custrpc_field *f, const void *slot, FILE *out)
{
    custrpc_msg_write_json(f->message, slot, out);
}

static const struct type_ops ops_table[CUSTRPC_N_TYPES] = {
    [CUSTRPC_TYPE_STRING] = {sizeof(char *), string_release, string_copy, string_equal,
                             string_check, string_parse, string_format, string_json,
                             CUSTRPC_STORE_TEXT},
    [CUSTRPC_TYPE_INT] = {sizeof(int64_t), no_release, copy_bytes, int_equal, int_check, int_parse,
                          int_format, number_json, CUSTRPC_STORE_INTEGER},
    [CUSTRPC_TYPE_DOUBLE] = {sizeof(double), no_release, copy_bytes, double_equal, double_check,
                             double_parse, double_format, number_json, CUSTRPC_STORE_REAL},
    [CUSTRPC_TYPE_BOOL] = {sizeof(bool), no_release, copy_bytes, bool_equal, check_none, bool_parse,
                           bool_format, bool_json, CUSTRPC_STORE_INTEGER},
    [CUSTRPC_TYPE_ENUM] = {sizeof(int), no_release, copy_bytes, enum_equal, enum_check, enum_parse,
                           enum_format, enum_json, CUSTRPC_STORE_TEXT},
    [CUSTRPC_TYPE_FLAGS] = {sizeof(int64_t), no_release, copy_bytes, int_equal, flags_check,
                            flags_parse, flags_format, number_json, CUSTRPC_STORE_INTEGER},
    [CUSTRPC_TYPE_MESSAGE] = {0, message_release, message_copy, message_equal, message_check,
                              message_parse, message_format, message_json, CUSTRPC_STORE_NONE},
    [CUSTRPC_TYPE_DATETIME] = {sizeof(char *), string_release, string_copy, string_equal,
                               datetime_check, datetime_parse, string_format, string_json,
                               CUSTRPC_STORE_TEXT},
};

const struct type_ops *lib_type_ops(enum custrpc_type t)
{
    return &ops_table[(unsigned)t < CUSTRPC_N_TYPES ? t : CUSTRPC_TYPE_STRING];
}

size_t lib_value_size(const struct custrpc_field *f)
{
    return f->type == CUSTRPC_TYPE_MESSAGE ? f->message->size : lib_type_ops(f->type)->size;
}

/* --- slots, presence ------------------------------------------------------------------------ */

void *custrpc_msg_slot(void *m, const struct custrpc_field *f)
{
    return (char *)m + f->offset;
}

const void *custrpc_msg_cslot(const void *m, const struct custrpc_field *f)
{
    return (const char *)m + f->offset;
}

static size_t index_of(const struct custrpc_message *d, const struct custrpc_field *f)
{
    return (size_t)(f - d->fields);
}

enum custrpc_presence custrpc_msg_presence(const struct custrpc_message *d, const void *m,
                                           const struct custrpc_field *f)
{
    const unsigned char *p = (const unsigned char *)m + d->presence_offset;
    return (enum custrpc_presence)p[index_of(d, f)];
}

void custrpc_msg_set_presence(const struct custrpc_message *d, void *m,
                              const struct custrpc_field *f, enum custrpc_presence p)
{
    ((unsigned char *)m + d->presence_offset)[index_of(d, f)] = (unsigned char)p;
}

/* Frees one value of f at slot (an array's items each, then the array). */
static void release_value(const struct custrpc_field *f, void *slot)
{
    const struct type_ops *ops = lib_type_ops(f->type);
    if (!f->repeated) {
        ops->release(f, slot);
        return;
    }
    struct custrpc_array *a = slot;
    for (size_t i = 0; i < a->n; i++)
        ops->release(f, (char *)a->items + i * lib_value_size(f));
    free(a->items);
    a->items = NULL;
    a->n = 0;
}

void custrpc_msg_unset(const struct custrpc_message *d, void *m, const struct custrpc_field *f)
{
    if (custrpc_msg_presence(d, m, f) == CUSTRPC_SET)
        release_value(f, custrpc_msg_slot(m, f));
    memset(custrpc_msg_slot(m, f), 0,
           f->repeated ? sizeof(struct custrpc_array) : lib_value_size(f));
    custrpc_msg_set_presence(d, m, f, CUSTRPC_ABSENT);
}

void lib_msg_put(const struct custrpc_message *d, void *m, const struct custrpc_field *f,
                 const void *value)
{
    custrpc_msg_unset(d, m, f);
    if (value)
        memcpy(custrpc_msg_slot(m, f), value,
               f->repeated ? sizeof(struct custrpc_array) : lib_value_size(f));
    custrpc_msg_set_presence(d, m, f, value ? CUSTRPC_SET : CUSTRPC_NIL);
}

void custrpc_msg_init(const struct custrpc_message *d, void *m)
{
    memset(m, 0, d->size);
}

void custrpc_msg_free(const struct custrpc_message *d, void *m)
{
    if (!m)
        return;
    /* Only SET members own memory; the one memset after clears every slot and presence (a
     * customer has 63 fields, most of them absent: unsetting each cost 4% of a create). */
    for (size_t i = 0; i < d->n_fields; i++)
        if (custrpc_msg_presence(d, m, &d->fields[i]) == CUSTRPC_SET)
            release_value(&d->fields[i], custrpc_msg_slot(m, &d->fields[i]));
    custrpc_msg_init(d, m);
}

/* --- copy, equal ---------------------------------------------------------------------------- */

static int copy_value(const struct custrpc_field *f, void *dst, const void *src,
                      struct custrpc_error *err)
{
    const struct type_ops *ops = lib_type_ops(f->type);
    if (!f->repeated)
        return ops->copy(f, dst, src, err);
    const struct custrpc_array *from = src;
    struct custrpc_array *to = dst;
    size_t size = lib_value_size(f);
    to->items = calloc(from->n ? from->n : 1, size);
    if (!to->items)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, f->name, "out of memory");
    for (to->n = 0; to->n < from->n; to->n++)
        if (ops->copy(f, (char *)to->items + to->n * size, (const char *)from->items + to->n * size,
                      err) < 0) {
            release_value(f, dst);
            return -1;
        }
    return 0;
}

int custrpc_msg_copy(const struct custrpc_message *d, void *dst, const void *src,
                     struct custrpc_error *err)
{
    if (dst == src)
        return 0;
    void *tmp = calloc(1, d->size);
    if (!tmp)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct custrpc_field *f = &d->fields[i];
        enum custrpc_presence p = custrpc_msg_presence(d, src, f);
        if (p == CUSTRPC_SET &&
            copy_value(f, custrpc_msg_slot(tmp, f), custrpc_msg_cslot(src, f), err) < 0) {
            custrpc_msg_free(d, tmp);
            free(tmp);
            return -1;
        }
        custrpc_msg_set_presence(d, tmp, f, p);
    }
    custrpc_msg_free(d, dst);
    memcpy(dst, tmp, d->size);
    free(tmp);
    return 0;
}

int custrpc_msg_merge(const struct custrpc_message *d, void *dst, const void *src,
                      struct custrpc_error *err)
{
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct custrpc_field *f = &d->fields[i];
        enum custrpc_presence p = custrpc_msg_presence(d, src, f);
        if (p == CUSTRPC_ABSENT)
            continue;
        if (p == CUSTRPC_NIL) {
            lib_msg_put(d, dst, f, NULL);
            continue;
        }
        const void *from = custrpc_msg_cslot(src, f);
        if (f->type == CUSTRPC_TYPE_MESSAGE && !f->repeated) {
            /* Member by member: what src leaves out of a nested message stays. */
            if (custrpc_msg_presence(d, dst, f) != CUSTRPC_SET)
                custrpc_msg_unset(d, dst, f);
            custrpc_msg_set_presence(d, dst, f, CUSTRPC_SET);
            if (custrpc_msg_merge(f->message, custrpc_msg_slot(dst, f), from, err) < 0)
                return -1;
            continue;
        }
        union {
            struct custrpc_array a;
            char bytes[64];
        } value;
        memset(&value, 0, sizeof value);
        if (copy_value(f, &value, from, err) < 0)
            return -1;
        lib_msg_put(d, dst, f, &value);
    }
    return 0;
}

static bool equal_value(const struct custrpc_field *f, const void *a, const void *b)
{
    const struct type_ops *ops = lib_type_ops(f->type);
    if (!f->repeated)
        return ops->equal(f, a, b);
    const struct custrpc_array *x = a, *y = b;
    if (x->n != y->n)
        return false;
    size_t size = lib_value_size(f);
    for (size_t i = 0; i < x->n; i++)
        if (!ops->equal(f, (const char *)x->items + i * size, (const char *)y->items + i * size))
            return false;
    return true;
}

bool custrpc_msg_equal(const struct custrpc_message *d, const void *a, const void *b)
{
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct custrpc_field *f = &d->fields[i];
        enum custrpc_presence p = custrpc_msg_presence(d, a, f);
        if (p != custrpc_msg_presence(d, b, f))
            return false;
        if (p == CUSTRPC_SET && !equal_value(f, custrpc_msg_cslot(a, f), custrpc_msg_cslot(b, f)))
            return false;
    }
    return true;
}

/* --- lookup --------------------------------------------------------------------------------- */

const struct custrpc_field *custrpc_msg_member(const struct custrpc_message *d, void *m,
                                               const char *name, bool mark,
                                               const struct custrpc_message **owner_d, void **owner)
{
    const struct custrpc_field *f = custrpc_msg_field(d, name);
    if (f) {
        *owner_d = d;
        *owner = m;
        return f;
    }
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct custrpc_field *in = &d->fields[i];
        if (!(in->flags & CUSTRPC_FLAG_INLINE))
            continue;
        void *sub = m ? custrpc_msg_slot(m, in) : NULL;
        f = custrpc_msg_member(in->message, sub, name, mark, owner_d, owner);
        if (f) {
            if (mark && m)
                custrpc_msg_set_presence(d, m, in, CUSTRPC_SET);
            return f;
        }
    }
    return NULL;
}

static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct custrpc_message *sorting; /* qsort has no context argument */

static int by_field_name(const void *a, const void *b)
{
    return strcmp(sorting->fields[*(const unsigned short *)a].name,
                  sorting->fields[*(const unsigned short *)b].name);
}

/* The message's fields in name order, built once (a decoder looks a name up for every member it
 * reads); NULL when there is no index or no memory, and lookups then scan. */
static const unsigned short *name_order(const struct custrpc_message *d)
{
    struct custrpc_name_index *x = d->by_name;
    if (!x || d->n_fields > 65535)
        return NULL;
    if (!__atomic_load_n(&x->ready, __ATOMIC_ACQUIRE)) {
        pthread_mutex_lock(&index_lock);
        if (!x->ready) {
            unsigned short *order = malloc((d->n_fields ? d->n_fields : 1) * sizeof *order);
            if (order) {
                for (size_t i = 0; i < d->n_fields; i++)
                    order[i] = (unsigned short)i;
                sorting = d;
                qsort(order, d->n_fields, sizeof *order, by_field_name);
                x->order = order;
                __atomic_store_n(&x->ready, 1, __ATOMIC_RELEASE);
            }
        }
        pthread_mutex_unlock(&index_lock);
    }
    return x->ready ? x->order : NULL;
}

const struct custrpc_field *custrpc_msg_field(const struct custrpc_message *d, const char *name)
{
    if (!name)
        return NULL;
    const unsigned short *order = name_order(d);
    if (!order) {
        for (size_t i = 0; i < d->n_fields; i++)
            if (strcmp(d->fields[i].name, name) == 0)
                return &d->fields[i];
        return NULL;
    }
    size_t lo = 0, hi = d->n_fields;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(d->fields[order[mid]].name, name);
        if (c == 0)
            return &d->fields[order[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The field a dotted path names, the descriptor of the message holding it (*od) and that
 * message inside m (*owner); with mark, the nested messages on the way are marked present. */
static const struct custrpc_field *resolve(const struct custrpc_message *d, void *m,
                                           const char *path, bool mark,
                                           const struct custrpc_message **od, void **owner)
{
    char part[128];
    for (;;) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof part)
            return NULL;
        memcpy(part, path, n);
        part[n] = '\0';
        const struct custrpc_field *f = custrpc_msg_field(d, part);
        if (!f || path[n] == '\0') {
            *od = d;
            *owner = m;
            return f;
        }
        if (f->type != CUSTRPC_TYPE_MESSAGE || f->repeated)
            return NULL;
        if (mark && m)
            custrpc_msg_set_presence(d, m, f, CUSTRPC_SET);
        m = m ? custrpc_msg_slot(m, f) : NULL;
        d = f->message;
        path += n + 1;
    }
}

bool custrpc_msg_is_set(const struct custrpc_message *d, const void *m, const char *path)
{
    char part[128];
    for (;;) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof part)
            return false;
        memcpy(part, path, n);
        part[n] = '\0';
        const struct custrpc_field *f = custrpc_msg_field(d, part);
        if (!f || custrpc_msg_presence(d, m, f) != CUSTRPC_SET)
            return false;
        if (path[n] == '\0')
            return true;
        if (f->type != CUSTRPC_TYPE_MESSAGE || f->repeated)
            return false;
        m = custrpc_msg_cslot(m, f);
        d = f->message;
        path += n + 1;
    }
}

const struct custrpc_field *custrpc_msg_path(const struct custrpc_message *d, void *m,
                                             const char *path, void **owner)
{
    const struct custrpc_message *od;
    void *o;
    const struct custrpc_field *f = resolve(d, m, path, false, &od, &o);
    if (owner)
        *owner = o;
    return f;
}

/* --- validation ----------------------------------------------------------------------------- */

int custrpc_msg_validate_field(const struct custrpc_message *d, const void *m,
                               const struct custrpc_field *f, const char *path,
                               struct custrpc_error *err)
{
    if (custrpc_msg_presence(d, m, f) != CUSTRPC_SET)
        return 0; /* the setters admit nil only where the table allows it */
    const struct type_ops *ops = lib_type_ops(f->type);
    const void *slot = custrpc_msg_cslot(m, f);
    if (!f->repeated)
        return ops->check(f, slot, path, err);
    const struct custrpc_array *a = slot;
    for (size_t i = 0; i < a->n; i++) {
        char item[CUSTRPC_ERROR_FIELD_MAX];
        snprintf(item, sizeof item, "%.40s[%zu]", path, i);
        if (ops->check(f, (const char *)a->items + i * lib_value_size(f), item, err) < 0)
            return -1;
    }
    return 0;
}

static int validate_at(const struct custrpc_message *d, const void *m, const char *prefix,
                       struct custrpc_error *err)
{
    for (size_t i = 0; i < d->n_fields; i++) {
        char path[CUSTRPC_ERROR_FIELD_MAX];
        if (d->fields[i].flags & CUSTRPC_FLAG_INLINE) /* its members are this level's */
            snprintf(path, sizeof path, "%s", prefix ? prefix : "");
        else
            lib_path_join(path, sizeof path, prefix, d->fields[i].name);
        if (custrpc_msg_validate_field(d, m, &d->fields[i], path, err) < 0)
            return -1;
    }
    return 0;
}

/* Whether a required path is present (and every message on the way), and, for a string, not
 * empty. */
static int require(const struct custrpc_message *d, const void *m, const char *path,
                   struct custrpc_error *err)
{
    const struct custrpc_message *od = NULL;
    void *owner = NULL;
    const struct custrpc_field *f;
    for (const char *dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.')) {
        char head[CUSTRPC_ERROR_FIELD_MAX];
        snprintf(head, sizeof head, "%.*s", (int)(dot - path), path);
        f = resolve(d, (void *)m, head, false, &od, &owner);
        if (f && custrpc_msg_presence(od, owner, f) != CUSTRPC_SET)
            return custrpc_fail(err, CUSTRPC_E_MISSING, path, "mandatory member is missing");
    }
    f = resolve(d, (void *)m, path, false, &od, &owner);
    if (!f)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, path, "no such member in %s", d->name);
    enum custrpc_presence p = custrpc_msg_presence(od, owner, f);
    if (p == CUSTRPC_ABSENT)
        return custrpc_fail(err, CUSTRPC_E_MISSING, path, "mandatory member is missing");
    if (p == CUSTRPC_SET && f->type == CUSTRPC_TYPE_STRING && !f->repeated &&
        **(char *const *)custrpc_msg_cslot(owner, f) == '\0')
        return custrpc_fail(err, CUSTRPC_E_MISSING, path, "mandatory member is empty");
    return 0;
}

int custrpc_msg_validate(const struct custrpc_message *d, const void *m,
                         const char *const *required, struct custrpc_error *err)
{
    /* Field by field in table order, a required one first checked for presence, so the first
     * problem reported is the first member's. */
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct custrpc_field *f = &d->fields[i];
        for (const char *const *r = required; r && *r; r++)
            if (strcmp(*r, f->name) == 0 && require(d, m, *r, err) < 0)
                return -1;
        if (custrpc_msg_validate_field(d, m, f, (f->flags & CUSTRPC_FLAG_INLINE) ? "" : f->name,
                                       err) < 0)
            return -1;
    }
    for (const char *const *r = required; r && *r; r++)
        if (strchr(*r, '.') && require(d, m, *r, err) < 0)
            return -1;
    return 0;
}

/* --- text forms ----------------------------------------------------------------------------- */

const char *custrpc_field_type_name(const struct custrpc_field *f)
{
    if (f->type == CUSTRPC_TYPE_MESSAGE)
        return f->message->name;
    if (f->type == CUSTRPC_TYPE_ENUM || f->type == CUSTRPC_TYPE_FLAGS)
        return f->values->name;
    return custrpc_type_name(f->type);
}

static bool is_nil_text(const struct custrpc_field *f, const char *text)
{
    return (f->flags & CUSTRPC_FLAG_NIL_OK) &&
           (strcmp(text, "nil") == 0 || strcmp(text, lib_nil_word(f)) == 0);
}

/* A repeated field's text: its items' text forms separated by commas. */
static int parse_array(const struct custrpc_field *f, const char *text, struct custrpc_array *a,
                       const char *path, struct custrpc_error *err)
{
    const struct type_ops *ops = lib_type_ops(f->type);
    size_t size = lib_value_size(f), cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    a->items = calloc(cap, size);
    a->n = 0;
    if (!a->items)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, path, "out of memory");
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, path, "out of memory");
    int rc = 0;
    for (char *item = strtok_r(copy, ",", &save); item && rc == 0;
         item = strtok_r(NULL, ",", &save)) {
        while (*item == ' ')
            item++;
        rc = ops->parse(f, item, (char *)a->items + a->n * size, path, err);
        if (rc == 0)
            a->n++;
    }
    free(copy);
    return rc;
}

int custrpc_msg_set_text(const struct custrpc_message *d, void *m, const char *path,
                         const char *text, struct custrpc_error *err)
{
    void *owner = NULL;
    const struct custrpc_message *od = NULL;
    if (!text)
        return custrpc_fail(err, CUSTRPC_E_VALUE, path, "no value");
    const struct custrpc_field *f = resolve(d, m, path, false, &od, &owner);
    if (!f)
        return custrpc_fail(err, CUSTRPC_E_UNKNOWN, path, "unknown member");
    if (f->type != CUSTRPC_TYPE_STRING && is_nil_text(f, text)) {
        resolve(d, m, path, true, &od, &owner);
        lib_msg_put(od, owner, f, NULL);
        return 0;
    }
    union {
        struct custrpc_array a;
        char bytes[64];
    } small;
    void *value = f->type == CUSTRPC_TYPE_MESSAGE && !f->repeated ? NULL : &small;
    memset(&small, 0, sizeof small);
    int rc = f->repeated ? parse_array(f, text, &small.a, path, err)
                         : lib_type_ops(f->type)->parse(f, text, value, path, err);
    if (rc < 0) {
        if (f->repeated)
            release_value(f, &small.a);
        return -1;
    }
    resolve(d, m, path, true, &od, &owner); /* the nested messages on the way now exist */
    lib_msg_put(od, owner, f, &small);
    return 0;
}

int custrpc_msg_format(const struct custrpc_message *d, const void *m,
                       const struct custrpc_field *f, char *buf, size_t size,
                       struct custrpc_error *err)
{
    switch (custrpc_msg_presence(d, m, f)) {
    case CUSTRPC_ABSENT: return custrpc_fail(err, CUSTRPC_E_MISSING, f->name, "is not set");
    case CUSTRPC_NIL: return snprintf(buf, size, "%s", lib_nil_word(f));
    case CUSTRPC_SET: break;
    }
    const struct type_ops *ops = lib_type_ops(f->type);
    const void *slot = custrpc_msg_cslot(m, f);
    if (f->type == CUSTRPC_TYPE_MESSAGE)
        return custrpc_fail(err, CUSTRPC_E_VALUE, f->name, "is a %s, not a single value",
                            f->message->name);
    if (!f->repeated)
        return ops->format(f, slot, buf, size);
    const struct custrpc_array *a = slot;
    size_t used = 0;
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; i < a->n; i++) {
        if (i && used + 1 < size)
            buf[used] = ',', buf[used + 1] = '\0';
        used += i ? 1 : 0;
        int n = ops->format(f, (const char *)a->items + i * lib_value_size(f),
                            buf + (used < size ? used : size), used < size ? size - used : 0);
        used += n > 0 ? (size_t)n : 0;
    }
    return (int)used;
}

/* --- JSON and SQL storage --------------------------------------------------------------------- */

void custrpc_msg_write_json_field(const struct custrpc_message *d, const void *m,
                                  const struct custrpc_field *f, FILE *out)
{
    if (custrpc_msg_presence(d, m, f) != CUSTRPC_SET) {
        fputs("null", out);
        return;
    }
    const struct type_ops *ops = lib_type_ops(f->type);
    const void *slot = custrpc_msg_cslot(m, f);
    if (!f->repeated) {
        ops->json(f, slot, out);
        return;
    }
    const struct custrpc_array *a = slot;
    fputc('[', out);
    for (size_t i = 0; i < a->n; i++) {
        if (i)
            fputs(", ", out);
        ops->json(f, (const char *)a->items + i * lib_value_size(f), out);
    }
    fputc(']', out);
}

void custrpc_msg_write_json(const struct custrpc_message *d, const void *m, FILE *out)
{
    fputc('{', out);
    bool first = true;
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct custrpc_field *f = &d->fields[i];
        if (custrpc_msg_presence(d, m, f) == CUSTRPC_ABSENT)
            continue;
        fputs(first ? "" : ", ", out);
        first = false;
        custrpc_json_write_string(out, f->name);
        fputs(": ", out);
        custrpc_msg_write_json_field(d, m, f, out);
    }
    fputc('}', out);
}

enum custrpc_storage custrpc_field_storage(const struct custrpc_field *f)
{
    return f->repeated ? CUSTRPC_STORE_NONE : lib_type_ops(f->type)->storage;
}

int custrpc_msg_get_scalar(const struct custrpc_message *d, const void *m,
                           const struct custrpc_field *f, struct custrpc_scalar *out)
{
    memset(out, 0, sizeof *out);
    out->storage = custrpc_field_storage(f);
    if (custrpc_msg_presence(d, m, f) != CUSTRPC_SET || out->storage == CUSTRPC_STORE_NONE)
        return -1;
    const void *slot = custrpc_msg_cslot(m, f);
    switch (f->type) {
    case CUSTRPC_TYPE_STRING:
    case CUSTRPC_TYPE_DATETIME: out->text = *(char *const *)slot; break;
    case CUSTRPC_TYPE_ENUM: out->text = f->values->values[*(const int *)slot]; break;
    case CUSTRPC_TYPE_BOOL: out->integer = *(const bool *)slot; break;
    case CUSTRPC_TYPE_DOUBLE: out->real = *(const double *)slot; break;
    default: memcpy(&out->integer, slot, sizeof out->integer); break;
    }
    return 0;
}

int custrpc_msg_set_scalar(const struct custrpc_message *d, void *m, const struct custrpc_field *f,
                           const struct custrpc_scalar *in, struct custrpc_error *err)
{
    union lib_scalar v;
    memset(&v, 0, sizeof v);
    int rc = 0;
    switch (f->type) {
    case CUSTRPC_TYPE_STRING:
    case CUSTRPC_TYPE_ENUM:
    case CUSTRPC_TYPE_DATETIME:
        rc = lib_type_ops(f->type)->parse(f, in->text ? in->text : "", &v, f->name, err);
        break;
    case CUSTRPC_TYPE_BOOL: v.b = in->integer != 0; break;
    case CUSTRPC_TYPE_DOUBLE: v.x = in->real; break;
    case CUSTRPC_TYPE_MESSAGE:
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, f->name, "not a scalar");
    default:
        if (!lib_int_is_wide(f) && (in->integer < INT32_MIN || in->integer > INT32_MAX))
            return custrpc_fail(err, CUSTRPC_E_VALUE, f->name,
                                "value %" PRId64 " does not fit a 32-bit int", in->integer);
        v.i = in->integer;
        break;
    }
    if (rc < 0)
        return -1;
    lib_msg_put(d, m, f, &v);
    return 0;
}
