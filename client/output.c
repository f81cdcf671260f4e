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

void output_visible(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && n + 7 < size; p++) {
        int w;
        if (*p == '\n' || *p == '\r' || *p == '\t')
            w = snprintf(out + n, size - n, "\\%c", *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't');
        else if (*p < 0x20 || *p == 0x7f)
            w = snprintf(out + n, size - n, "\\x%02x", *p);
        else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) /* C1 controls: U+0080..U+009F */
            w = snprintf(out + n, size - n, "\\u%04x", *++p);
        else
            out[n] = (char)*p, w = 1;
        n += (size_t)w;
    }
    out[n < size ? n : size - 1] = '\0';
}

void output_customer_text(FILE *out, int64_t i_customer, const struct custrpc_customer *c,
                          const struct custrpc_extras *extras)
{
    fprintf(out, "i_customer: %" PRId64 "\n", i_customer);
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        static char buf[70000], shown[4 * 70000];
        if (custrpc_customer_format(c, (enum custrpc_field_id)i, buf, sizeof buf, NULL) >= 0) {
            output_visible(buf, shown, sizeof shown);
            fprintf(out, "%s: %s\n", custrpc_field_get((enum custrpc_field_id)i)->name, shown);
        }
    }
    for (size_t i = 0; extras && i < extras->n; i++) {
        static char name[1024], shown[4 * 70000];
        output_visible(extras->items[i].name, name, sizeof name);
        output_visible(extras->items[i].text, shown, sizeof shown);
        fprintf(out, "%s: %s\n", name, shown);
    }
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
