/* output.c — see output.h. */
#include <config.h>

#include <inttypes.h>

#include "output.h"

void output_json_string(FILE *out, const char *s)
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

void output_customer_json(FILE *out, int64_t i_customer, const struct custrpc_customer *c,
                          const struct custrpc_extras *extras)
{
    fprintf(out, "{\"i_customer\": %" PRId64, i_customer);
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        const char *m = (const char *)c + f->offset;
        enum custrpc_presence p = custrpc_customer_presence(c, f->id);
        if (p == CUSTRPC_ABSENT)
            continue;
        fprintf(out, ", \"%s\": ", f->name);
        if (p == CUSTRPC_NIL) {
            fputs("null", out);
            continue;
        }
        char num[400]; /* a double in positional notation: up to 309 digits */
        switch (f->type) {
        case CUSTRPC_TYPE_STRING: output_json_string(out, *(char *const *)m); break;
        case CUSTRPC_TYPE_INT: fprintf(out, "%" PRId64, *(const int64_t *)(const void *)m); break;
        case CUSTRPC_TYPE_DOUBLE:
            custrpc_customer_format(c, f->id, num, sizeof num, NULL);
            fputs(num, out);
            break;
        case CUSTRPC_TYPE_BOOL:
            fputs(*(const bool *)(const void *)m ? "true" : "false", out);
            break;
        }
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
