/* fields.h — the field table as C: ids, types, flags and descriptors generated from
 * fields.def, plus lookup by wire name. */
#ifndef CUSTRPC_FIELDS_H
#define CUSTRPC_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum custrpc_type {
    CUSTRPC_TYPE_STRING,
    CUSTRPC_TYPE_INT,     /* <int>/<i4>, 32 bits */
    CUSTRPC_TYPE_DOUBLE,  /* <double>; an <int> on the wire is converted */
    CUSTRPC_TYPE_BOOL,    /* <boolean> */
    CUSTRPC_TYPE_ENUM,    /* one name of the field's value table; stored as its index (int) */
    CUSTRPC_TYPE_FLAGS,   /* a set of the value table's names; stored as a bitmask (int64_t),
                             an <int> bitmask in XML-RPC, "add,edit" as text */
    CUSTRPC_TYPE_MESSAGE, /* a nested message (struct), described by its own descriptor */
    CUSTRPC_TYPE_DATETIME /* <dateTime.iso8601>, kept as its text YYYYMMDDThh:mm:ss[.f] (char *) */
};
#define CUSTRPC_N_TYPES 8

/* Whose rule a field's limits and syntax check are: the API's published text, or this
 * project's contract (conformance profiles judge by it). */
enum custrpc_basis { CUSTRPC_BASIS_CUSTRPC = 0, CUSTRPC_BASIS_API = 1 };

/* The names of an ENUM (value i is values[i]) or of a FLAGS set (bit i is values[i]). */
struct custrpc_enum {
    const char *name;
    size_t n;
    const char *const *values;
};

struct custrpc_message;

enum custrpc_field_flag {
    CUSTRPC_FLAG_MANDATORY = 1u << 0,     /* must be present (nil counts where allowed) */
    CUSTRPC_FLAG_BITMASK = 1u << 1,       /* rights bitmask: add=1, edit=2, delete=4 */
    CUSTRPC_FLAG_NIL_OWN = 1u << 2,       /* nil is allowed and means "the caller's own" */
    CUSTRPC_FLAG_NIL_UNLIMITED = 1u << 3, /* nil is allowed and means "unlimited" */
    CUSTRPC_FLAG_SECRET = 1u << 4,        /* password: never logged, echoed or returned */
    CUSTRPC_FLAG_UNIQUE = 1u << 5,        /* unique among all customers when set */
    CUSTRPC_FLAG_TRUSTED = 1u << 6,       /* trusted-mode parameter, not a customer attribute */
    CUSTRPC_FLAG_INLINE = 1u << 7,        /* a MESSAGE whose members stand at the parent's level
                                             on the wire and in paths (updateCustomer's
                                             {i_customer, <customer fields>...}) */
    CUSTRPC_FLAG_NIL_NULL = 1u << 8,      /* nil is allowed and means nothing: JSON null */
    CUSTRPC_FLAG_INPUT_ONLY = 1u << 9,    /* read from requests, never stored or answered
                                             (another member stands for it) */
    CUSTRPC_FLAG_FULL_UNICODE = 1u << 10  /* a string of a JSON API: characters beyond U+FFFF
                                             too (XML-RPC strings stop at U+FFFF: xmlrpc-c) */
};
#define CUSTRPC_FLAG_NIL_OK                                                                        \
    (CUSTRPC_FLAG_NIL_OWN | CUSTRPC_FLAG_NIL_UNLIMITED | CUSTRPC_FLAG_NIL_NULL)

/* Syntax rules beyond the range; implemented once in validate.c. */
enum custrpc_check {
    CUSTRPC_CHECK_NONE,
    CUSTRPC_CHECK_NAME,       /* no leading/trailing white space */
    CUSTRPC_CHECK_LOGIN,      /* no white space, no ':' (Digest user names) */
    CUSTRPC_CHECK_EMAIL,      /* one plausible address */
    CUSTRPC_CHECK_EMAIL_LIST, /* comma-separated plausible addresses */
    CUSTRPC_CHECK_MAILBOX,    /* address, or "Display Name <address>" */
    CUSTRPC_CHECK_CURRENCY,   /* three upper-case letters (ISO 4217) */
    CUSTRPC_CHECK_LANG,       /* two lower-case letters */
    CUSTRPC_CHECK_HOSTNAME,   /* DNS name: labels of letters, digits and '-' */
    CUSTRPC_CHECK_POSITIVE    /* a number greater than 0 (the range's minimum is inclusive) */
};

enum custrpc_field_id {
#define CUSTRPC_FIELD(wire, type, flags, check, min, max, example, help) CUSTRPC_F_##wire,
#include <custrpc/fields.def>
#undef CUSTRPC_FIELD
    CUSTRPC_FIELD_COUNT
};

struct custrpc_field {
    enum custrpc_field_id id;
    const char *name; /* wire name, e.g. "customers_mgmt" */
    enum custrpc_type type;
    unsigned flags; /* enum custrpc_field_flag */
    enum custrpc_check check;
    double min, max; /* value range (INT, DOUBLE) or length range in characters (STRING) */
    size_t offset;   /* offsetof the value in its message's struct */
    const char *example;
    const char *help;
    /* Beyond the customer table's columns (zero there unless said): */
    const char *c_name;                    /* the struct member's name (NULL: same as name) */
    bool repeated;                         /* an array: stored as struct custrpc_array */
    enum custrpc_basis basis;              /* of the limits and check */
    const struct custrpc_enum *values;     /* ENUM, FLAGS (and BITMASK ints: the rights) */
    const struct custrpc_message *message; /* MESSAGE */
};

/* The descriptor of a field id; NULL for an id out of range. */
const struct custrpc_field *custrpc_field_get(enum custrpc_field_id id);

/* The descriptor of a wire name (exact, case-sensitive as the API is); NULL when unknown. */
const struct custrpc_field *custrpc_field_find(const char *name);

/* "string", "int", "double", "boolean": the XML-RPC element name of a type. */
const char *custrpc_type_name(enum custrpc_type type);

#ifdef __cplusplus
}
#endif
#endif
