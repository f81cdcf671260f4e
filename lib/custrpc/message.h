/* message.h — messages described once, after protobuf-c's two levels: a message descriptor
 * (name, size, presence, fields) and per field a descriptor (fields.h) whose type may refer to
 * a value table (enums, flags) or to a nested message. One set of generic routines walks
 * (descriptor, struct) for every message: init, free, copy, equal, validate, text forms, and
 * (marshal.h) the XML-RPC codec. Errors name the path of the field: "company.post_address.zip".
 *
 * A message struct holds one member per field, in any order, and a presence array of
 * unsigned char (enum custrpc_presence) with one entry per field, in descriptor order:
 *   STRING char *   INT int64_t   DOUBLE double   BOOL bool   ENUM int   FLAGS int64_t
 *   MESSAGE the nested struct itself   repeated: struct custrpc_array of those. */
#ifndef CUSTRPC_MESSAGE_H
#define CUSTRPC_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <custrpc/error.h>
#include <custrpc/fields.h>

#ifdef __cplusplus
extern "C" {
#endif

enum custrpc_presence {
    CUSTRPC_ABSENT = 0, /* not set: not sent on the wire */
    CUSTRPC_SET,        /* has a value */
    CUSTRPC_NIL         /* explicit <nil/>; only fields with CUSTRPC_FLAG_NIL_OK */
};

/* The fields in name order, built by the library on first lookup (CUSTRPC_MESSAGE provides
 * the storage; callers never touch it). */
struct custrpc_name_index {
    int ready;
    unsigned short *order;
};

struct custrpc_message {
    const char *name; /* "customer", "PartnerInfo" */
    size_t size;      /* sizeof the struct */
    size_t presence_offset;
    size_t n_fields;
    const struct custrpc_field *fields;
    struct custrpc_name_index *by_name; /* NULL: lookups scan the fields */
};

/* The storage of a repeated field: n items of the field's storage type, contiguous. */
struct custrpc_array {
    size_t n;
    void *items;
};

/* Every field of a message; for the X-macro tables of a message's .def file. */
#define CUSTRPC_MESSAGE(cname, wire_name, field_array)                                             \
    {                                                                                              \
        wire_name, sizeof(struct cname), offsetof(struct cname, presence),                         \
            sizeof(field_array) / sizeof((field_array)[0]), field_array,                           \
            &(struct custrpc_name_index)                                                           \
        {                                                                                          \
            0, NULL                                                                                \
        }                                                                                          \
    }

void custrpc_msg_init(const struct custrpc_message *d, void *m);
/* Frees what m holds and leaves it as after custrpc_msg_init; m NULL: nothing. */
void custrpc_msg_free(const struct custrpc_message *d, void *m);
/* dst (initialised, or holding a value that is freed) becomes a deep copy of src. */
int custrpc_msg_copy(const struct custrpc_message *d, void *dst, const void *src,
                     struct custrpc_error *err);
/* Applies src's present members to dst: SET ones replace dst's (nested messages member by
 * member), NIL ones become nil; members src lacks stay as they are. On error dst holds what
 * was merged so far. */
int custrpc_msg_merge(const struct custrpc_message *d, void *dst, const void *src,
                      struct custrpc_error *err);
bool custrpc_msg_equal(const struct custrpc_message *d, const void *a, const void *b);

/* The field of a wire name (exact, case-sensitive); NULL when the message has none. Members of
 * an inline sub-message are not found here: see custrpc_msg_member. */
const struct custrpc_field *custrpc_msg_field(const struct custrpc_message *d, const char *name);
/* The field a wire member name stands for, looking into inline sub-messages too, with the
 * message that holds it (*owner_d) and that message inside m (*owner, which may be NULL when m
 * is). With mark, an inline sub-message on the way is marked present. */
const struct custrpc_field *custrpc_msg_member(const struct custrpc_message *d, void *m,
                                               const char *name, bool mark,
                                               const struct custrpc_message **owner_d,
                                               void **owner);
/* The field a dotted path names ("company.post_address.city"), and the message struct it lives
 * in (*owner, inside m); NULL when the path names no field. */
const struct custrpc_field *custrpc_msg_path(const struct custrpc_message *d, void *m,
                                             const char *path, void **owner);

/* Whether the member a dotted path names is SET, every nested message on the way too. */
bool custrpc_msg_is_set(const struct custrpc_message *d, const void *m, const char *path);

enum custrpc_presence custrpc_msg_presence(const struct custrpc_message *d, const void *m,
                                           const struct custrpc_field *f);
void custrpc_msg_set_presence(const struct custrpc_message *d, void *m,
                              const struct custrpc_field *f, enum custrpc_presence p);
/* Frees a field's value and marks it absent. */
void custrpc_msg_unset(const struct custrpc_message *d, void *m, const struct custrpc_field *f);
/* The address of a field's storage inside m. */
void *custrpc_msg_slot(void *m, const struct custrpc_field *f);
const void *custrpc_msg_cslot(const void *m, const struct custrpc_field *f);

/* Applies the field rules (ranges, lengths, syntax, enum values) to every field present, at
 * any depth, and requires the fields named in required (a NULL-terminated list of wire names
 * or dotted paths; NULL: none). Whether a field is required is the method's business. */
int custrpc_msg_validate(const struct custrpc_message *d, const void *m,
                         const char *const *required, struct custrpc_error *err);
/* The rules of one field that is present (nothing when absent or nil). */
int custrpc_msg_validate_field(const struct custrpc_message *d, const void *m,
                               const struct custrpc_field *f, const char *path,
                               struct custrpc_error *err);

/* Text forms (CLI options, CSV cells): sets a field, named by its dotted path, from text.
 * Integers and decimals; booleans yes/no, true/false, on/off, 1/0; enums by name; flags and
 * BITMASK rights as comma-separated names, "all", "none" or a number; repeated fields as a
 * comma-separated list; nil as "nil" or the field's nil word ("own", "unlimited"). */
int custrpc_msg_set_text(const struct custrpc_message *d, void *m, const char *path,
                         const char *text, struct custrpc_error *err);
/* Writes the text form of a scalar or repeated field that is SET or NIL into buf (snprintf's
 * return); -1 with err for an absent field or a nested message. */
int custrpc_msg_format(const struct custrpc_message *d, const void *m,
                       const struct custrpc_field *f, char *buf, size_t size,
                       struct custrpc_error *err);

/* The JSON form of a field's value that is SET or NIL (null), for people's tools and JSON
 * codecs: strings escaped, numbers as their text forms, booleans, enums by name, flags as
 * their bitmask, arrays, nested messages as objects of their present fields. */
void custrpc_msg_write_json_field(const struct custrpc_message *d, const void *m,
                                  const struct custrpc_field *f, FILE *out);
/* A whole message as a JSON object of its present fields. */
void custrpc_msg_write_json(const struct custrpc_message *d, const void *m, FILE *out);
/* s as a JSON string literal, quotes included. */
void custrpc_json_write_string(FILE *out, const char *s);

/* How a scalar field's value is stored in SQL, and the value in that class. */
enum custrpc_storage {
    CUSTRPC_STORE_TEXT,
    CUSTRPC_STORE_INTEGER,
    CUSTRPC_STORE_REAL,
    CUSTRPC_STORE_NONE /* nested messages and arrays */
};
struct custrpc_scalar {
    enum custrpc_storage storage;
    const char *text; /* STORE_TEXT: borrowed from the message (or, to set, from the caller) */
    int64_t integer;
    double real;
};
enum custrpc_storage custrpc_field_storage(const struct custrpc_field *f);
/* A SET scalar field's value in its storage class; -1 when not SET or not a scalar. */
int custrpc_msg_get_scalar(const struct custrpc_message *d, const void *m,
                           const struct custrpc_field *f, struct custrpc_scalar *out);
/* Sets a scalar field from its storage class, with the setters' checks (32 bits, UTF-8, an
 * enum name). */
int custrpc_msg_set_scalar(const struct custrpc_message *d, void *m, const struct custrpc_field *f,
                           const struct custrpc_scalar *in, struct custrpc_error *err);

/* The name of a field's type for messages ("string", "int", "Level", "PostAddressInfo"). */
const char *custrpc_field_type_name(const struct custrpc_field *f);

#ifdef __cplusplus
}
#endif
#endif
