/* customer.h — struct custrpc_customer, the one customer model of client and server, and its
 * table-driven setters and getters (by field id, or by wire name through custrpc_field_find). */
#ifndef CUSTRPC_CUSTOMER_H
#define CUSTRPC_CUSTOMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <custrpc/error.h>
#include <custrpc/fields.h>
#include <custrpc/message.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Member types per XML-RPC type; INT values always fit 32 bits (the setters enforce it). */
#define CUSTRPC_CTYPE_STRING char *
#define CUSTRPC_CTYPE_INT int64_t
#define CUSTRPC_CTYPE_DOUBLE double
#define CUSTRPC_CTYPE_BOOL bool

/* Read the members freely; change them only through the setters, which keep `presence` and
 * ownership right. Strings are owned by the struct (UTF-8, NUL-terminated). */
struct custrpc_customer {
#define CUSTRPC_FIELD(wire, type, flags, check, min, max, example, help) CUSTRPC_CTYPE_##type wire;
#include <custrpc/fields.def>
#undef CUSTRPC_FIELD
    unsigned char presence[CUSTRPC_FIELD_COUNT]; /* enum custrpc_presence per field id */
};

/* The customer's message descriptor: the field table as a message (message.h). */
extern const struct custrpc_message custrpc_customer_message;

void custrpc_customer_init(struct custrpc_customer *c);
/* Frees the strings and leaves c as after custrpc_customer_init; c NULL: nothing. */
void custrpc_customer_free(struct custrpc_customer *c);
/* Deep copy; dst must be initialised (its old content is freed). */
int custrpc_customer_copy(struct custrpc_customer *dst, const struct custrpc_customer *src,
                          struct custrpc_error *err);
/* Same presence and same values in every field. */
bool custrpc_customer_equal(const struct custrpc_customer *a, const struct custrpc_customer *b);

enum custrpc_presence custrpc_customer_presence(const struct custrpc_customer *c,
                                                enum custrpc_field_id id);

/* Typed setters. They check only what the type demands (UTF-8 without NUL or control
 * characters for strings, 32-bit range for ints, finite doubles, nil only where the table allows
 * it); the field's rules (ranges, syntax, mandatory) are custrpc_customer_validate's job.
 * A failed set leaves the field unchanged. */
int custrpc_customer_set_string(struct custrpc_customer *c, enum custrpc_field_id id,
                                const char *value, struct custrpc_error *err);
int custrpc_customer_set_string_len(struct custrpc_customer *c, enum custrpc_field_id id,
                                    const char *value, size_t len, struct custrpc_error *err);
int custrpc_customer_set_int(struct custrpc_customer *c, enum custrpc_field_id id, int64_t value,
                             struct custrpc_error *err);
int custrpc_customer_set_double(struct custrpc_customer *c, enum custrpc_field_id id, double value,
                                struct custrpc_error *err);
int custrpc_customer_set_bool(struct custrpc_customer *c, enum custrpc_field_id id, bool value,
                              struct custrpc_error *err);
int custrpc_customer_set_nil(struct custrpc_customer *c, enum custrpc_field_id id,
                             struct custrpc_error *err);
void custrpc_customer_unset(struct custrpc_customer *c, enum custrpc_field_id id);

/* Typed getters: 0 and *out when the field is CUSTRPC_SET with that type, else -1 and err. */
int custrpc_customer_get_string(const struct custrpc_customer *c, enum custrpc_field_id id,
                                const char **out, struct custrpc_error *err);
int custrpc_customer_get_int(const struct custrpc_customer *c, enum custrpc_field_id id,
                             int64_t *out, struct custrpc_error *err);
int custrpc_customer_get_double(const struct custrpc_customer *c, enum custrpc_field_id id,
                                double *out, struct custrpc_error *err);
int custrpc_customer_get_bool(const struct custrpc_customer *c, enum custrpc_field_id id, bool *out,
                              struct custrpc_error *err);

/* Sets a field from its text form, as the CLI and CSV import take it:
 *   STRING  the text itself;  INT  a decimal integer;  DOUBLE  a decimal number;
 *   BOOL    yes/no, true/false, on/off, 1/0;
 *   bitmask fields  rights text (see rights.h): "add,edit", "all", "none", 0..7;
 *   nil-able fields "nil", and "own" (i_tariff) or "unlimited" (max_sessions, ...). */
int custrpc_customer_set_text(struct custrpc_customer *c, enum custrpc_field_id id,
                              const char *text, struct custrpc_error *err);
/* The same by wire name; an unknown name fails with CUSTRPC_E_UNKNOWN. */
int custrpc_customer_set_text_by_name(struct custrpc_customer *c, const char *name,
                                      const char *text, struct custrpc_error *err);

/* Writes the text form of a field that is SET or NIL into buf (set_text reads it back to the
 * same value; doubles use the shortest exact form). Returns the length that the whole text
 * needs, as snprintf does, or -1 with err when the field is absent. */
int custrpc_customer_format(const struct custrpc_customer *c, enum custrpc_field_id id, char *buf,
                            size_t size, struct custrpc_error *err);

/* Applies the table's rules: mandatory fields present (and strings non-empty), ranges, lengths,
 * bitmasks, syntax checks. Stops at the first failing field, in table order. */
int custrpc_customer_validate(const struct custrpc_customer *c, struct custrpc_error *err);

/* The rules of the fields c has, skipping the check that mandatory ones are present: for
 * methods whose mandatory members are not createCustomer's (updateCustomer changes some
 * fields). A mandatory string that is present must still be non-empty. */
int custrpc_customer_validate_fields(const struct custrpc_customer *c, struct custrpc_error *err);

/* The rules of one field only; 0 when it is absent or nil. */
int custrpc_field_validate(const struct custrpc_customer *c, enum custrpc_field_id id,
                           struct custrpc_error *err);

#ifdef __cplusplus
}
#endif
#endif
