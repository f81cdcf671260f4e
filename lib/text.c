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

/* The word that stands for nil in a field's text form ("own" or "unlimited"). */
static const char *nil_word(const struct custrpc_field *f)
{
    return (f->flags & CUSTRPC_FLAG_NIL_OWN) ? "own" : "unlimited";
}

static int is_nil_text(const struct custrpc_field *f, const char *text)
{
    return (f->flags & CUSTRPC_FLAG_NIL_OK) &&
           (strcmp(text, "nil") == 0 || strcmp(text, nil_word(f)) == 0);
}

static int parse_int(const struct custrpc_field *f, const char *text, int64_t *out,
                     struct custrpc_error *err)
{
    if (f->flags & CUSTRPC_FLAG_BITMASK) {
        int mask;
        if (custrpc_rights_parse(text, f->name, &mask, err) < 0)
            return -1;
        *out = mask;
        return 0;
    }
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || text[0] == ' ')
        return custrpc_fail(
            err, CUSTRPC_E_VALUE, f->name, "\"%s\" is not an integer%s", text,
            (f->flags & CUSTRPC_FLAG_NIL_OK)
                ? (f->flags & CUSTRPC_FLAG_NIL_OWN ? " or \"own\"" : " or \"unlimited\"")
                : "");
    if (errno == ERANGE || v < INT32_MIN || v > INT32_MAX)
        return custrpc_fail(err, CUSTRPC_E_VALUE, f->name, "%s does not fit a 32-bit int", text);
    *out = v;
    return 0;
}

static int parse_double(const struct custrpc_field *f, const char *text, double *out,
                        struct custrpc_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    /* strtod also reads "inf", "nan" and hex floats; the wire knows only decimal numbers. */
    int decimal = strspn(text, "+-0123456789.eE") == strlen(text);
    if (end == text || *end != '\0' || !decimal)
        return custrpc_fail(err, CUSTRPC_E_VALUE, f->name, "\"%s\" is not a decimal number%s", text,
                            (f->flags & CUSTRPC_FLAG_NIL_OK) ? " or \"unlimited\"" : "");
    if (errno == ERANGE && (v > 1 || v < -1))
        return custrpc_fail(err, CUSTRPC_E_VALUE, f->name, "%s is too large", text);
    *out = v;
    return 0;
}

static int parse_bool(const struct custrpc_field *f, const char *text, bool *out,
                      struct custrpc_error *err)
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
    return custrpc_fail(err, CUSTRPC_E_VALUE, f->name,
                        "\"%s\" is not yes/no, true/false, on/off or 1/0", text);
}

int custrpc_customer_set_text(struct custrpc_customer *c, enum custrpc_field_id id,
                              const char *text, struct custrpc_error *err)
{
    const struct custrpc_field *f = custrpc_field_get(id);
    if (!f)
        return custrpc_fail(err, CUSTRPC_E_UNKNOWN, NULL, "no field with id %d", (int)id);
    if (!text)
        return custrpc_fail(err, CUSTRPC_E_VALUE, f->name, "no value");
    if (f->type != CUSTRPC_TYPE_STRING && is_nil_text(f, text))
        return custrpc_customer_set_nil(c, id, err);
    switch (f->type) {
    case CUSTRPC_TYPE_STRING: return custrpc_customer_set_string(c, id, text, err);
    case CUSTRPC_TYPE_INT: {
        int64_t v = 0;
        return parse_int(f, text, &v, err) < 0 ? -1 : custrpc_customer_set_int(c, id, v, err);
    }
    case CUSTRPC_TYPE_DOUBLE: {
        double v = 0;
        return parse_double(f, text, &v, err) < 0 ? -1 : custrpc_customer_set_double(c, id, v, err);
    }
    case CUSTRPC_TYPE_BOOL: {
        bool v = false;
        return parse_bool(f, text, &v, err) < 0 ? -1 : custrpc_customer_set_bool(c, id, v, err);
    }
    }
    return custrpc_fail(err, CUSTRPC_E_INTERNAL, f->name, "field has no known type");
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
static int format_double(double v, char *buf, size_t size)
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
    const char *member = (const char *)c + f->offset;
    switch (c->presence[id]) {
    case CUSTRPC_ABSENT: return custrpc_fail(err, CUSTRPC_E_MISSING, f->name, "is not set");
    case CUSTRPC_NIL: return snprintf(buf, size, "%s", nil_word(f));
    default: break;
    }
    switch (f->type) {
    case CUSTRPC_TYPE_STRING: return snprintf(buf, size, "%s", *(char *const *)member);
    case CUSTRPC_TYPE_INT: {
        int64_t v = 0;
        memcpy(&v, member, sizeof v);
        if ((f->flags & CUSTRPC_FLAG_BITMASK) && v >= 0 && v <= CUSTRPC_RIGHTS_ALL)
            return custrpc_rights_format((int)v, buf, size, err);
        return snprintf(buf, size, "%" PRId64, v);
    }
    case CUSTRPC_TYPE_DOUBLE: {
        double v = 0;
        memcpy(&v, member, sizeof v);
        return format_double(v, buf, size);
    }
    case CUSTRPC_TYPE_BOOL: {
        bool v = false;
        memcpy(&v, member, sizeof v);
        return snprintf(buf, size, "%s", v ? "yes" : "no");
    }
    }
    return custrpc_fail(err, CUSTRPC_E_INTERNAL, f->name, "field has no known type");
}
