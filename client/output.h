/* output.h — printing results for people (text) and for programs (one line of JSON). */
#ifndef CUSTRPC_OUTPUT_H
#define CUSTRPC_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include <custrpc/custrpc.h>

/* Writes s as a JSON string literal (quotes included). */
void output_json_string(FILE *out, const char *s);

/* {"i_customer": N, "<field>": value, ...} on one line: strings, numbers (doubles in their
 * shortest exact form, positional), true/false, null for nil; rights as their number; then the
 * extras (members the model could not take) as the server sent them. extras may be NULL. */
void output_customer_json(FILE *out, int64_t i_customer, const struct custrpc_customer *c,
                          const struct custrpc_extras *extras);

/* "field: value" lines for every field of c that is set or nil, i_customer first, then the
 * extras. extras may be NULL. */
/* in with control characters made visible (\n, \t, \x01, \u0085), so a value a server
 * sends cannot forge lines or rows of the output; cut to fit size. */
void output_visible(const char *in, char *out, size_t size);

void output_customer_text(FILE *out, int64_t i_customer, const struct custrpc_customer *c,
                          const struct custrpc_extras *extras);

/* The shortest decimal text that reads back as exactly v. */
void output_double(FILE *out, double v);

#endif
