/* types.h — private: the one per-type operations table of the model (message.c uses it for
 * every message; marshal.c has the XML-RPC side), and the field checks of validate.c. */
#ifndef CUSTRPC_TYPES_H
#define CUSTRPC_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <custrpc/message.h>

struct type_ops {
    size_t size; /* of the storage of one value */
    /* Frees what the value owns (strings, nested messages); the slot is left zeroed. */
    void (*release)(const struct custrpc_field *f, void *slot);
    /* dst is zeroed; on failure nothing is left owned in dst. */
    int (*copy)(const struct custrpc_field *f, void *dst, const void *src,
                struct custrpc_error *err);
    bool (*equal)(const struct custrpc_field *f, const void *a, const void *b);
    /* The field's rules (range, length, syntax, enum values); path names the field. */
    int (*check)(const struct custrpc_field *f, const void *slot, const char *path,
                 struct custrpc_error *err);
    /* Text form to value, into a zeroed slot. */
    int (*parse)(const struct custrpc_field *f, const char *text, void *slot, const char *path,
                 struct custrpc_error *err);
    /* Value to text form; snprintf's return, -1 when the type has no text form. */
    int (*format)(const struct custrpc_field *f, const void *slot, char *buf, size_t size);
    /* Value as JSON (strings quoted, enums by name, nested messages as objects). */
    void (*json)(const struct custrpc_field *f, const void *slot, FILE *out);
    enum custrpc_storage storage; /* how SQL stores it (the text form for enums) */
};

/* Room for one scalar value of any type (a slot of STRING/DATETIME, INT/FLAGS, DOUBLE, BOOL,
 * ENUM), for the codecs that read a value before storing it. */
union lib_scalar {
    char *s;
    int64_t i;
    double x;
    bool b;
    int e;
};

/* The operations of a type (never NULL for a valid type). */
const struct type_ops *lib_type_ops(enum custrpc_type t);

/* The size of one value of f (a nested message's is its descriptor's). */
size_t lib_value_size(const struct custrpc_field *f);
/* Moves a value (one value of f, or a struct custrpc_array when repeated) into f's slot,
 * freeing the old one, and marks f SET; or marks it NIL (value NULL). */
void lib_msg_put(const struct custrpc_message *d, void *m, const struct custrpc_field *f,
                 const void *value);
/* "a, b, c": the names of a value table, for messages. */
void lib_enum_names(const struct custrpc_enum *e, char *buf, size_t size);

/* "a.b" from a prefix (NULL or "" for none) and a name, truncated to fit. */
void lib_path_join(char *out, size_t size, const char *prefix, const char *name);

/* validate.c: the rules of one value of a STRING, INT, DOUBLE field. */
int lib_check_string(const struct custrpc_field *f, const char *s, const char *path,
                     struct custrpc_error *err);
int lib_check_int(const struct custrpc_field *f, int64_t v, const char *path,
                  struct custrpc_error *err);
int lib_check_double(const struct custrpc_field *f, double v, const char *path,
                     struct custrpc_error *err);

/* text.c: the text forms of INT, DOUBLE and BOOL values, and of doubles for output. */
int lib_parse_int(const struct custrpc_field *f, const char *text, int64_t *out, const char *path,
                  struct custrpc_error *err);
int lib_parse_double(const struct custrpc_field *f, const char *text, double *out, const char *path,
                     struct custrpc_error *err);
int lib_parse_bool(const char *text, bool *out, const char *path, struct custrpc_error *err);
int lib_format_double(double v, char *buf, size_t size);
/* xmlrpc_decode.c: XML-RPC's YYYYMMDDThh:mm:ss[.f], fields in range, years from 1000. */
bool lib_datetime_syntax(const char *s);
/* Whether an INT field takes 64 bits (its range is wider than XML-RPC's 32-bit <int>: Unix
 * times); others take 32. */
bool lib_int_is_wide(const struct custrpc_field *f);
/* "own" or "unlimited": the word for nil in a field's text form. */
const char *lib_nil_word(const struct custrpc_field *f);

#endif
