/* output.c — see output.h. */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>

#include "output.h"

void output_json_string(FILE *out, const char *s)
{
    custrpc_json_write_string(out, s);
}

void output_customer_json(FILE *out, int64_t i_customer, const struct custrpc_customer *c,
                          const struct custrpc_extras *extras)
{
    fprintf(out, "{\"i_customer\": %" PRId64, i_customer);
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        enum custrpc_presence p = custrpc_customer_presence(c, f->id);
        if (p == CUSTRPC_ABSENT)
            continue;
        fprintf(out, ", \"%s\": ", f->name);
        custrpc_msg_write_json_field(&custrpc_customer_message, c, f, out);
    }
    for (size_t i = 0; extras && i < extras->n; i++) {
        fprintf(out, ", ");
        output_json_string(out, extras->items[i].name);
        fputs(": ", out);
        fputs(extras->items[i].json, out);
    }
    fputs("}\n", out);
}

void output_customer_text(FILE *out, int64_t i_customer, const struct custrpc_customer *c,
                          const struct custrpc_extras *extras)
{
    fprintf(out, "i_customer: %" PRId64 "\n", i_customer);
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        char buf[70000];
        if (custrpc_customer_format(c, (enum custrpc_field_id)i, buf, sizeof buf, NULL) >= 0)
            fprintf(out, "%s: %s\n", custrpc_field_get((enum custrpc_field_id)i)->name, buf);
    }
    for (size_t i = 0; extras && i < extras->n; i++)
        fprintf(out, "%s: %s\n", extras->items[i].name, extras->items[i].text);
}

void output_double(FILE *out, double v)
{
    char buf[40];
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, out);
}
