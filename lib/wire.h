/* wire.h — private: one XML-RPC scalar as the decoder read it, and the one routine that stores
 * it in a message field with the codec's type rules (marshal.c). The value-tree decoder and the
 * direct one (xmlrpc_decode.c, decoding straight into a struct) both go through it, so they
 * cannot disagree on a type. */
#ifndef CUSTRPC_WIRE_H
#define CUSTRPC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <custrpc/xmlrpc.h>

struct lib_wire {
    xmlrpc_type type; /* STRING, INT, I8, DOUBLE, BOOL, NIL; others are a type mismatch */
    const char *s;    /* STRING: the text (not NUL-terminated necessarily: len counts) */
    size_t len;
    int64_t i; /* INT, I8 */
    double d;  /* DOUBLE */
    bool b;    /* BOOL */
};

/* Stores a scalar wire value (or nil) in field f of message d at m, replacing what was there:
 * nil only where the field allows it, the types the field takes (a DOUBLE field also an int,
 * an INT field 32 bits), the text form rules for strings and enums. Errors name path. */
int lib_decode_wire(const struct custrpc_message *d, void *m, const struct custrpc_field *f,
                    const struct lib_wire *w, const char *path, struct custrpc_error *err);

/* Decodes one member value (any XML-RPC value, scalar or not) into field f of d at m. */
int lib_decode_member(const struct custrpc_message *d, void *m, const struct custrpc_field *f,
                      xmlrpc_value *v, const char *path, unsigned flags, struct custrpc_error *err);

#endif
