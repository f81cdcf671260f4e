/* validate.c — the rules of the field table, shared by client (before sending) and server
 * (before storing): presence, ranges, lengths, bitmasks and the CUSTRPC_CHECK_* syntaxes. */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include <custrpc/customer.h>

#include "types.h"
#include "utf8.h"

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static int is_alnum_ascii(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* DNS name: dot-separated labels of 1..63 letters, digits or '-', not starting or ending
 * with '-'; with need_dot, at least two labels (as a mail domain has). */
static int is_hostname(const char *s, size_t len, int need_dot)
{
    if (len == 0 || len > 253)
        return 0;
    size_t label = 0, labels = 1;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '.') {
            if (label == 0 || s[i - 1] == '-')
                return 0;
            label = 0;
            labels++;
        } else if (is_alnum_ascii(ch) || (ch == '-' && label > 0)) {
            if (++label > 63)
                return 0;
        } else {
            return 0;
        }
    }
    return label > 0 && s[len - 1] != '-' && (!need_dot || labels >= 2);
}

/* local@domain with a non-empty local part free of spaces and of the characters that delimit
 * addresses in headers. Plausible, not RFC 5322 complete: the goal is to catch typos. */
static int is_email(const char *s, size_t len)
{
    const char *at = memchr(s, '@', len);
    if (!at || at == s || (size_t)(at - s) > 64)
        return 0;
    for (const char *p = s; p < at; p++)
        if (is_space(*p) || strchr("<>()[],;:\\\"@", *p))
            return 0;
    return is_hostname(at + 1, len - (size_t)(at - s) - 1, 1);
}

static void trim(const char **s, size_t *len)
{
    while (*len && is_space(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && is_space((*s)[*len - 1]))
        (*len)--;
}

static int is_email_list(const char *s)
{
    for (;;) {
        size_t n = strcspn(s, ",");
        const char *item = s;
        size_t len = n;
        trim(&item, &len);
        if (!is_email(item, len))
            return 0;
        if (s[n] == '\0')
            return 1;
        s += n + 1;
    }
}

/* "address" or "Display Name <address>". */
static int is_mailbox(const char *s)
{
    const char *open = strchr(s, '<');
    size_t len = strlen(s);
    if (!open)
        return is_email(s, len);
    if (len < 2 || s[len - 1] != '>' || strchr(open + 1, '<'))
        return 0;
    return is_email(open + 1, (size_t)(s + len - 1 - (open + 1)));
}

static int all_in(const char *s, size_t want_len, char lo, char hi)
{
    if (strlen(s) != want_len)
        return 0;
    for (; *s; s++)
        if (*s < lo || *s > hi)
            return 0;
    return 1;
}

static int check_syntax(const struct custrpc_field *f, const char *s, const char *path,
                        struct custrpc_error *err)
{
    size_t len = strlen(s);
    switch (f->check) {
    case CUSTRPC_CHECK_NONE: return 0;
    case CUSTRPC_CHECK_NAME:
        if (len && (is_space(s[0]) || is_space(s[len - 1])))
            return custrpc_fail(err, CUSTRPC_E_VALUE, path, "has leading or trailing white space");
        return 0;
    case CUSTRPC_CHECK_LOGIN:
        for (const char *p = s; *p; p++)
            if (is_space(*p) || *p == ':' || *p == '"' || *p == '\\')
                return custrpc_fail(err, CUSTRPC_E_VALUE, path,
                                    "may not contain white space, ':', '\"' or '\\'");
        return 0;
    case CUSTRPC_CHECK_EMAIL:
        if (len && !is_email(s, len))
            return custrpc_fail(err, CUSTRPC_E_VALUE, path,
                                "\"%s\" is not a plausible e-mail address", s);
        return 0;
    case CUSTRPC_CHECK_EMAIL_LIST:
        if (len && !is_email_list(s))
            return custrpc_fail(err, CUSTRPC_E_VALUE, path,
                                "\"%s\" is not a comma-separated list of e-mail addresses", s);
        return 0;
    case CUSTRPC_CHECK_MAILBOX:
        if (len && !is_mailbox(s))
            return custrpc_fail(err, CUSTRPC_E_VALUE, path,
                                "\"%s\" is not an e-mail address or \"Name <address>\"", s);
        return 0;
    case CUSTRPC_CHECK_CURRENCY:
        if (!all_in(s, 3, 'A', 'Z'))
            return custrpc_fail(err, CUSTRPC_E_VALUE, path,
                                "\"%s\" is not an ISO 4217 code (three upper-case letters)", s);
        return 0;
    case CUSTRPC_CHECK_LANG:
        if (!all_in(s, 2, 'a', 'z'))
            return custrpc_fail(err, CUSTRPC_E_VALUE, path,
                                "\"%s\" is not a two-letter lower-case language code", s);
        return 0;
    case CUSTRPC_CHECK_HOSTNAME:
        if (len && !is_hostname(s, len, 0))
            return custrpc_fail(err, CUSTRPC_E_VALUE, path, "\"%s\" is not a valid DNS name", s);
        return 0;
    case CUSTRPC_CHECK_POSITIVE: return 0; /* numbers only: lib_check_double */
    }
    return 0;
}

int lib_check_string(const struct custrpc_field *f, const char *s, const char *path,
                     struct custrpc_error *err)
{
    size_t chars = 0;
    const char *problem = lib_utf8_check(s, strlen(s), &chars, f->flags & CUSTRPC_FLAG_FULL_UNICODE);
    if (problem)
        return custrpc_fail(err, CUSTRPC_E_VALUE, path, "%s", problem);
    /* An API-mandatory string emptied (by an update too) is the missing-member fault. */
    if (chars == 0 && (f->flags & CUSTRPC_FLAG_MANDATORY))
        return custrpc_fail(err, CUSTRPC_E_MISSING, path, "mandatory member is empty");
    if ((double)chars < f->min || (double)chars > f->max) {
        if (f->min == f->max)
            return custrpc_fail(err, CUSTRPC_E_VALUE, path,
                                "length %zu, must be exactly %.0f characters", chars, f->min);
        return custrpc_fail(err, CUSTRPC_E_VALUE, path,
                            "length %zu out of range %.0f..%.0f characters", chars, f->min, f->max);
    }
    return check_syntax(f, s, path, err);
}

int lib_check_int(const struct custrpc_field *f, int64_t v, const char *path,
                  struct custrpc_error *err)
{
    if ((double)v >= f->min && (double)v <= f->max)
        return 0;
    if (f->flags & CUSTRPC_FLAG_BITMASK)
        return custrpc_fail(err, CUSTRPC_E_VALUE, path, "bitmask %lld out of range %.0f..%.0f",
                            (long long)v, f->min, f->max);
    if (f->max >= INT32_MAX && (double)v < f->min)
        return custrpc_fail(err, CUSTRPC_E_VALUE, path, "value %lld must be at least %.0f",
                            (long long)v, f->min);
    return custrpc_fail(err, CUSTRPC_E_VALUE, path, "value %lld out of range %.0f..%.0f",
                        (long long)v, f->min, f->max);
}

int lib_check_double(const struct custrpc_field *f, double v, const char *path,
                     struct custrpc_error *err)
{
    if (f->check == CUSTRPC_CHECK_POSITIVE && !(v > 0))
        return custrpc_fail(err, CUSTRPC_E_VALUE, path, "value %g must be greater than 0", v);
    if (v >= f->min && v <= f->max)
        return 0;
    return custrpc_fail(err, CUSTRPC_E_VALUE, path, "value %g out of range %g..%g", v, f->min,
                        f->max);
}

/* The fields createCustomer requires: those the table marks mandatory. */
static const char *const *create_required(void)
{
    static const char *names[CUSTRPC_FIELD_COUNT + 1];
    static int ready;
    if (!ready) { /* idempotent: racing threads write the same values */
        size_t n = 0;
        for (size_t i = 0; i < CUSTRPC_FIELD_COUNT; i++)
            if (custrpc_field_get((enum custrpc_field_id)i)->flags & CUSTRPC_FLAG_MANDATORY)
                names[n++] = custrpc_field_get((enum custrpc_field_id)i)->name;
        names[n] = NULL;
        ready = 1;
    }
    return names;
}

int custrpc_field_validate(const struct custrpc_customer *c, enum custrpc_field_id id,
                           struct custrpc_error *err)
{
    const struct custrpc_field *f = custrpc_field_get(id);
    if (!f)
        return custrpc_fail(err, CUSTRPC_E_UNKNOWN, NULL, "no field with id %d", (int)id);
    const struct custrpc_message *d = &custrpc_customer_message;
    enum custrpc_presence p = custrpc_msg_presence(d, c, f);
    bool mandatory = (f->flags & CUSTRPC_FLAG_MANDATORY) != 0;
    if (p == CUSTRPC_ABSENT && mandatory)
        return custrpc_fail(err, CUSTRPC_E_MISSING, f->name, "mandatory member is missing");
    if (p == CUSTRPC_SET && mandatory && f->type == CUSTRPC_TYPE_STRING &&
        **(char *const *)custrpc_msg_cslot(c, f) == '\0')
        return custrpc_fail(err, CUSTRPC_E_MISSING, f->name, "mandatory member is empty");
    return custrpc_msg_validate_field(d, c, f, f->name, err);
}

int custrpc_customer_validate(const struct custrpc_customer *c, struct custrpc_error *err)
{
    return custrpc_msg_validate(&custrpc_customer_message, c, create_required(), err);
}

int custrpc_customer_validate_fields(const struct custrpc_customer *c, struct custrpc_error *err)
{
    for (size_t i = 0; i < CUSTRPC_FIELD_COUNT; i++)
        if (c->presence[i] != CUSTRPC_ABSENT &&
            custrpc_field_validate(c, (enum custrpc_field_id)i, err) < 0)
            return -1;
    return 0;
}
