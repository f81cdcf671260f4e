/* rights.h — the add/edit/delete rights bitmasks of accounts_mgmt, customers_mgmt, tariffs_mgmt
 * and vouchers_mgmt, and their text form ("add,edit", "all", "none", or a number 0..7). */
#ifndef CUSTRPC_RIGHTS_H
#define CUSTRPC_RIGHTS_H

#include <stddef.h>

#include <custrpc/error.h>
#include <custrpc/fields.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum custrpc_right {
    CUSTRPC_RIGHT_ADD = 1 << 0,
    CUSTRPC_RIGHT_EDIT = 1 << 1,
    CUSTRPC_RIGHT_DELETE = 1 << 2
};
#define CUSTRPC_RIGHTS_NONE 0
#define CUSTRPC_RIGHTS_ALL (CUSTRPC_RIGHT_ADD | CUSTRPC_RIGHT_EDIT | CUSTRPC_RIGHT_DELETE)

/* The rights as a flag set: bit 0 add, bit 1 edit, bit 2 delete. */
extern const struct custrpc_enum custrpc_rights_names;

/* Parses a flag set's text: a comma-separated list of its names (each at most once, spaces
 * allowed), "all", "none", or the bitmask as a decimal number. field names the error. */
int custrpc_flags_parse(const struct custrpc_enum *e, const char *text, const char *field,
                        int64_t *out, struct custrpc_error *err);

/* The canonical text of a mask ("none", "add,edit", "all"); snprintf's return value. */
int custrpc_flags_format(const struct custrpc_enum *e, int64_t mask, char *buf, size_t size,
                         struct custrpc_error *err);

/* Parses rights text: a comma-separated list of add, edit, delete (each at most once, spaces
 * around items allowed), "all", "none", or a decimal number 0..7. field names the member in
 * the error (may be NULL). */
int custrpc_rights_parse(const char *text, const char *field, int *out, struct custrpc_error *err);

/* Writes the canonical text of mask ("none", "add,edit", "all") into buf; returns the length
 * needed as snprintf does, or -1 with err when mask is outside 0..7. */
int custrpc_rights_format(int mask, char *buf, size_t size, struct custrpc_error *err);

#ifdef __cplusplus
}
#endif
#endif
