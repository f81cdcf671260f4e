/* testutil.h — helpers shared by the Check suites: the independent spec expectations
 * (tests/data/spec-fields.txt) and customers built from the table's examples. */
#ifndef CUSTRPC_TESTUTIL_H
#define CUSTRPC_TESTUTIL_H

#include <custrpc/custrpc.h>
#include <custrpc/xmlrpc.h>

struct spec_field {
    char name[64];
    char type[16];  /* XML-RPC element name: string, int, double, boolean */
    unsigned flags; /* CUSTRPC_FLAG_* */
};

/* Reads the spec expectations; returns how many (aborts the test on a malformed file). */
size_t spec_fields_load(struct spec_field *out, size_t max);

/* Every field set from its example (i_wholesaler included). */
void customer_full(struct custrpc_customer *c);

/* Just the mandatory fields, from their examples: a valid minimal request. */
void customer_minimal(struct custrpc_customer *c);

/* Builds an XML-RPC struct holding one member; the caller DECREFs it. */
xmlrpc_value *struct_with(const char *name, xmlrpc_value *member);

#endif
