/* rights.c — text form of flag sets (FLAGS fields, and the add/edit/delete rights bitmasks,
 * which are one such set): comma-separated names, "all", "none" or the number. */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <custrpc/rights.h>

#include "types.h"

static const char *const right_names[] = {"add", "edit", "delete"};
const struct custrpc_enum custrpc_rights_names = {"right", 3, right_names};

/* Parses the decimal form; anything but digits within the set's bits is an error. */
static int parse_number(const struct custrpc_enum *e, const char *text, const char *field,
                        int64_t *out, struct custrpc_error *err)
{
    int64_t all = ((int64_t)1 << e->n) - 1, value = 0;
    char names[256];
    lib_enum_names(e, names, sizeof names);
    for (const char *p = text; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return custrpc_fail(err, CUSTRPC_E_VALUE, field,
                                "%ss \"%s\" are not %s, all, none or 0..%lld", e->name, text, names,
                                (long long)all);
        if (value <= all)
            value = value * 10 + (*p - '0');
    }
    if (value > all)
        return custrpc_fail(err, CUSTRPC_E_VALUE, field, "bitmask %s out of range 0..%lld", text,
                            (long long)all);
    *out = value;
    return 0;
}

int custrpc_flags_parse(const struct custrpc_enum *e, const char *text, const char *field,
                        int64_t *out, struct custrpc_error *err)
{
    char names[256];
    lib_enum_names(e, names, sizeof names);
    if (!text || !*text)
        return custrpc_fail(err, CUSTRPC_E_VALUE, field, "empty %ss (use none, all or %s)", e->name,
                            names);
    if (isdigit((unsigned char)text[0]))
        return parse_number(e, text, field, out, err);
    if (strcmp(text, "all") == 0) {
        *out = ((int64_t)1 << e->n) - 1;
        return 0;
    }
    if (strcmp(text, "none") == 0) {
        *out = 0;
        return 0;
    }
    int64_t mask = 0;
    const char *p = text;
    for (;;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, ", ");
        const char *item = p;
        p += n;
        while (*p == ' ')
            p++;
        int64_t bit = 0;
        for (size_t i = 0; i < e->n; i++)
            if (strlen(e->values[i]) == n && strncmp(item, e->values[i], n) == 0)
                bit = (int64_t)1 << i;
        if (!bit)
            return custrpc_fail(err, CUSTRPC_E_VALUE, field,
                                "unknown %s \"%.*s\" (expected %s, all or none)", e->name, (int)n,
                                item, names);
        if (mask & bit)
            return custrpc_fail(err, CUSTRPC_E_VALUE, field, "%s \"%.*s\" given twice", e->name,
                                (int)n, item);
        mask |= bit;
        if (*p == '\0')
            break;
        if (*p != ',')
            return custrpc_fail(err, CUSTRPC_E_VALUE, field,
                                "%ss \"%s\": expected ',' between items", e->name, text);
        p++;
    }
    *out = mask;
    return 0;
}

int custrpc_flags_format(const struct custrpc_enum *e, int64_t mask, char *buf, size_t size,
                         struct custrpc_error *err)
{
    int64_t all = ((int64_t)1 << e->n) - 1;
    if (mask < 0 || mask > all)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "bitmask %lld out of range 0..%lld",
                            (long long)mask, (long long)all);
    if (mask == 0)
        return snprintf(buf, size, "none");
    if (mask == all && e->n > 1)
        return snprintf(buf, size, "all");
    size_t used = 0;
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; i < e->n; i++)
        if (mask & ((int64_t)1 << i)) {
            int n = snprintf(buf + (used < size ? used : size), used < size ? size - used : 0,
                             "%s%s", used ? "," : "", e->values[i]);
            used += n > 0 ? (size_t)n : 0;
        }
    return (int)used;
}

int custrpc_rights_parse(const char *text, const char *field, int *out, struct custrpc_error *err)
{
    int64_t mask = 0;
    if (custrpc_flags_parse(&custrpc_rights_names, text, field, &mask, err) < 0)
        return -1;
    *out = (int)mask;
    return 0;
}

int custrpc_rights_format(int mask, char *buf, size_t size, struct custrpc_error *err)
{
    return custrpc_flags_format(&custrpc_rights_names, mask, buf, size, err);
}
