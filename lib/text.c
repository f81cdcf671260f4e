/* text.c — the text form of field values (CLI options, CSV cells, printed results): parsing
 * into the model and formatting back, driven by each field's type and flags. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <custrpc/customer.h>
#include <custrpc/rights.h>

#include "types.h"

const char *lib_nil_word(const struct custrpc_field *f)
{
    if (f->flags & CUSTRPC_FLAG_NIL_OWN)
        return "own";
    return (f->flags & CUSTRPC_FLAG_NIL_UNLIMITED) ? "unlimited" : "null";
}

bool lib_int_is_wide(const struct custrpc_field *f)
{
    return f->max > INT32_MAX || f->min < INT32_MIN;
}

int lib_parse_int(const struct custrpc_field *f, const char *text, int64_t *out, const char *path,
                  struct custrpc_error *err)
{
    if (f->flags & CUSTRPC_FLAG_BITMASK)
        return custrpc_flags_parse(f->values ? f->values : &custrpc_rights_names, text, path, out,
                                   err);
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || text[0] == ' ')
        return custrpc_fail(
            err, CUSTRPC_E_VALUE, path, "\"%s\" is not an integer%s%s%s", text,
            (f->flags & CUSTRPC_FLAG_NIL_OK) ? " or \"" : "",
            (f->flags & CUSTRPC_FLAG_NIL_OK) ? lib_nil_word(f) : "",
            (f->flags & CUSTRPC_FLAG_NIL_OK) ? "\"" : "");
    bool wide = lib_int_is_wide(f);
    if (errno == ERANGE || (!wide && (v < INT32_MIN || v > INT32_MAX)))
        return custrpc_fail(err, CUSTRPC_E_VALUE, path, "%s does not fit a %s-bit int", text,
                            wide ? "64" : "32");
    *out = v;
    return 0;
}

int lib_parse_double(const struct custrpc_field *f, const char *text, double *out, const char *path,
                     struct custrpc_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    /* strtod also reads "inf", "nan" and hex floats; the wire knows only decimal numbers. */
    int decimal = strspn(text, "+-0123456789.eE") == strlen(text);
    if (end == text || *end != '\0' || !decimal)
        return custrpc_fail(err, CUSTRPC_E_VALUE, path, "\"%s\" is not a decimal number%s", text,
                            (f->flags & CUSTRPC_FLAG_NIL_OK) ? " or \"unlimited\"" : "");
    if (errno == ERANGE && (v > 1 || v < -1))
        return custrpc_fail(err, CUSTRPC_E_VALUE, path, "%s is too large", text);
    *out = v;
    return 0;
}

int lib_parse_bool(const char *text, bool *out, const char *path, struct custrpc_error *err)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return custrpc_fail(err, CUSTRPC_E_VALUE, path,
                        "\"%s\" is not yes/no, true/false, on/off or 1/0", text);
}

int custrpc_customer_set_text(struct custrpc_customer *c, enum custrpc_field_id id,
                              const char *text, struct custrpc_error *err)
{
    const struct custrpc_field *f = custrpc_field_get(id);
    if (!f)
        return custrpc_fail(err, CUSTRPC_E_UNKNOWN, NULL, "no field with id %d", (int)id);
    return custrpc_msg_set_text(&custrpc_customer_message, c, f->name, text, err);
}

int custrpc_customer_set_text_by_name(struct custrpc_customer *c, const char *name,
                                      const char *text, struct custrpc_error *err)
{
    const struct custrpc_field *f = custrpc_field_find(name);
    if (!f)
        return custrpc_fail(err, CUSTRPC_E_UNKNOWN, name, "unknown member");
    return custrpc_customer_set_text(c, f->id, text, err);
}

/* The fewest significant digits that read back to exactly v, written in plain positional
 * notation ("100", "12.5", "-0.25", "0.00001"; never "1e+02"): people and spreadsheets read
 * it, and strtod reads it back to the same double. */
int lib_format_double(double v, char *buf, size_t size)
{
    char tmp[64];
    int digits = 1;
    for (; digits <= 17; digits++) {
        snprintf(tmp, sizeof tmp, "%.*e", digits - 1, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    const char *e = strchr(tmp, 'e');
    int exponent = e ? atoi(e + 1) : 0;
    int decimals = digits - 1 - exponent;
    return snprintf(buf, size, "%.*f", decimals > 0 ? decimals : 0, v);
}

int custrpc_customer_format(const struct custrpc_customer *c, enum custrpc_field_id id, char *buf,
                            size_t size, struct custrpc_error *err)
{
    const struct custrpc_field *f = custrpc_field_get(id);
    if (!f)
        return custrpc_fail(err, CUSTRPC_E_UNKNOWN, NULL, "no field with id %d", (int)id);
    return custrpc_msg_format(&custrpc_customer_message, c, f, buf, size, err);
}
