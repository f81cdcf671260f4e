/* check_validate.c — the table's rules: mandatory members, ranges and lengths generated from the
 * table, bitmask boundaries, and the syntax checks with their exact messages. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "testutil.h"

/* Validates the minimal customer with one field set from text; returns the error code. */
static int with_field(const char *field, const char *text, struct custrpc_error *err)
{
    struct custrpc_customer c;
    customer_minimal(&c);
    custrpc_error_clear(err);
    int rc = custrpc_customer_set_text_by_name(&c, field, text, err);
    if (rc == 0)
        rc = custrpc_customer_validate(&c, err);
    custrpc_customer_free(&c);
    return rc < 0 ? err->code : 0;
}

START_TEST(minimal_is_valid)
{
    struct custrpc_customer c;
    struct custrpc_error err;
    customer_minimal(&c);
    ck_assert_msg(custrpc_customer_validate(&c, &err) == 0, "%s", err.message);
    custrpc_customer_set_nil(&c, CUSTRPC_F_i_tariff, &err);
    ck_assert_msg(custrpc_customer_validate(&c, &err) == 0, "nil i_tariff: %s", err.message);
    custrpc_customer_free(&c);
}
END_TEST

START_TEST(each_mandatory_missing_or_empty)
{
    int mandatory = 0;
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (!(f->flags & CUSTRPC_FLAG_MANDATORY))
            continue;
        mandatory++;
        struct custrpc_customer c;
        struct custrpc_error err;
        customer_minimal(&c);
        custrpc_customer_unset(&c, f->id);
        ck_assert_int_eq(custrpc_customer_validate(&c, &err), -1);
        ck_assert_int_eq(err.code, CUSTRPC_E_MISSING);
        ck_assert_str_eq(err.field, f->name);
        char want[128];
        snprintf(want, sizeof want, "%s: mandatory member is missing", f->name);
        ck_assert_str_eq(err.message, want);
        if (f->type == CUSTRPC_TYPE_STRING) {
            custrpc_customer_set_string(&c, f->id, "", &err);
            ck_assert_int_eq(custrpc_customer_validate(&c, &err), -1);
            ck_assert_int_eq(err.code, CUSTRPC_E_MISSING);
            snprintf(want, sizeof want, "%s: mandatory member is empty", f->name);
            ck_assert_str_eq(err.message, want);
        }
        custrpc_customer_free(&c);
    }
    ck_assert_int_eq(mandatory, 3);
}
END_TEST

/* Every numeric field: its bounds pass and one step beyond them fails, naming the field. */
START_TEST(numeric_bounds_from_table)
{
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (f->type != CUSTRPC_TYPE_INT && f->type != CUSTRPC_TYPE_DOUBLE)
            continue;
        double step = f->type == CUSTRPC_TYPE_INT ? 1 : 0.001 * (f->max - f->min) + 0.01;
        double probes[4] = {f->min, f->max, f->min - step, f->max + step};
        for (int k = 0; k < 4; k++) {
            if (f->type == CUSTRPC_TYPE_INT && (probes[k] < INT32_MIN || probes[k] > INT32_MAX))
                continue; /* not representable: the setter's job, tested elsewhere */
            struct custrpc_customer c;
            struct custrpc_error err;
            customer_minimal(&c);
            if (f->type == CUSTRPC_TYPE_INT)
                ck_assert_int_eq(custrpc_customer_set_int(&c, f->id, (int64_t)probes[k], &err), 0);
            else
                ck_assert_int_eq(custrpc_customer_set_double(&c, f->id, probes[k], &err), 0);
            int rc = custrpc_customer_validate(&c, &err);
            if (k < 2) {
                ck_assert_msg(rc == 0, "%s = %g refused: %s", f->name, probes[k], err.message);
            } else {
                ck_assert_msg(rc == -1, "%s = %g accepted", f->name, probes[k]);
                ck_assert_int_eq(err.code, CUSTRPC_E_VALUE);
                ck_assert_str_eq(err.field, f->name);
            }
            custrpc_customer_free(&c);
        }
    }
}
END_TEST

START_TEST(bitmask_boundaries)
{
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (!(f->flags & CUSTRPC_FLAG_BITMASK))
            continue;
        static const int64_t values[] = {0, 7, 8, -1, 9};
        for (size_t k = 0; k < 5; k++) {
            struct custrpc_customer c;
            struct custrpc_error err;
            customer_minimal(&c);
            custrpc_customer_set_int(&c, f->id, values[k], &err);
            int rc = custrpc_customer_validate(&c, &err);
            if (k < 2) {
                ck_assert_int_eq(rc, 0);
            } else {
                char want[128];
                snprintf(want, sizeof want, "%s: bitmask %lld out of range 0..7", f->name,
                         (long long)values[k]);
                ck_assert_int_eq(rc, -1);
                ck_assert_str_eq(err.message, want);
            }
            custrpc_customer_free(&c);
        }
    }
}
END_TEST

/* Every string field: its maximum length in characters (multi-byte ones count once) passes,
 * one more fails. */
START_TEST(string_lengths_from_table)
{
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (f->type != CUSTRPC_TYPE_STRING || f->check != CUSTRPC_CHECK_NONE)
            continue;
        size_t max = (size_t)f->max;
        char *s = malloc(2 * (max + 1) + 1);
        for (size_t k = 0; k <= max; k++)
            memcpy(s + 2 * k, "\xc3\xa9", 2); /* é: two bytes, one character */
        struct custrpc_customer c;
        struct custrpc_error err;
        customer_minimal(&c);
        s[2 * max] = '\0';
        ck_assert_int_eq(custrpc_customer_set_string(&c, f->id, s, &err), 0);
        ck_assert_msg(custrpc_customer_validate(&c, &err) == 0, "%s: %s", f->name, err.message);
        s[2 * max] = '\xc3';
        s[2 * max + 2] = '\0';
        ck_assert_int_eq(custrpc_customer_set_string(&c, f->id, s, &err), 0);
        ck_assert_int_eq(custrpc_customer_validate(&c, &err), -1);
        ck_assert_int_eq(err.code, CUSTRPC_E_VALUE);
        ck_assert_str_eq(err.field, f->name);
        custrpc_customer_free(&c);
        free(s);
    }
    struct custrpc_error err;
    char name[200];
    memset(name, 'n', 129);
    name[129] = '\0';
    ck_assert_int_eq(with_field("name", name, &err), CUSTRPC_E_VALUE);
    ck_assert_str_eq(err.message, "name: length 129 out of range 1..128 characters");
}
END_TEST

START_TEST(syntax_checks)
{
    static const struct {
        const char *field, *text;
        int code;
        const char *message; /* NULL: only the code is checked */
    } cases[] = {
        {"name", " Acme", CUSTRPC_E_VALUE, "name: has leading or trailing white space"},
        {"name", "Acme\t", CUSTRPC_E_VALUE, NULL},
        {"name", "Zeus & Sons \xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1", 0, NULL},
        {"web_login", "jane doe", CUSTRPC_E_VALUE,
         "web_login: may not contain white space, ':', '\"' or '\\'"},
        {"web_login", "jane:doe", CUSTRPC_E_VALUE, NULL},
        {"web_login", "", CUSTRPC_E_VALUE, "web_login: length 0 out of range 1..64 characters"},
        {"web_login", "jane.doe@acme", 0, NULL},
        {"i_lang", "en", 0, NULL},
        {"i_lang", "EN", CUSTRPC_E_VALUE,
         "i_lang: \"EN\" is not a two-letter lower-case language code"},
        {"i_lang", "eng", CUSTRPC_E_VALUE, "i_lang: length 3, must be exactly 2 characters"},
        {"payment_currency", "EUR", 0, NULL},
        {"payment_currency", "eur", CUSTRPC_E_VALUE,
         "payment_currency: \"eur\" is not an ISO 4217 code (three upper-case letters)"},
        {"payment_currency", "E1R", CUSTRPC_E_VALUE, NULL},
        {"email", "", 0, NULL},
        {"email", "a@b.co", 0, NULL},
        {"email", "first.last+tag@mail.example.org", 0, NULL},
        {"email", "no-at-sign", CUSTRPC_E_VALUE,
         "email: \"no-at-sign\" is not a plausible e-mail address"},
        {"email", "a@localhost", CUSTRPC_E_VALUE, NULL},
        {"email", "a b@example.com", CUSTRPC_E_VALUE, NULL},
        {"email", "a@exa mple.com", CUSTRPC_E_VALUE, NULL},
        {"email", "@example.com", CUSTRPC_E_VALUE, NULL},
        {"email", "a@example..com", CUSTRPC_E_VALUE, NULL},
        {"email", "a@-example.com", CUSTRPC_E_VALUE, NULL},
        {"email", "a@example.com, b@example.com", CUSTRPC_E_VALUE, NULL},
        {"cc", "a@example.com, b@example.com", 0, NULL},
        {"cc", "a@example.com,", CUSTRPC_E_VALUE,
         "cc: \"a@example.com,\" is not a comma-separated list of e-mail addresses"},
        {"bcc", "a@example.com; b@example.com", CUSTRPC_E_VALUE, NULL},
        {"mail_from", "billing@example.com", 0, NULL},
        {"mail_from", "Acme Billing <billing@example.com>", 0, NULL},
        {"mail_from", "Acme Billing <billing@example.com", CUSTRPC_E_VALUE, NULL},
        {"mail_from", "Acme Billing", CUSTRPC_E_VALUE,
         "mail_from: \"Acme Billing\" is not an e-mail address or \"Name <address>\""},
        {"dns_alias", "billing.example.com", 0, NULL},
        {"dns_alias", "billing_example.com", CUSTRPC_E_VALUE,
         "dns_alias: \"billing_example.com\" is not a valid DNS name"},
        {"dns_alias", "-bad.example.com", CUSTRPC_E_VALUE, NULL},
        {"commission_size", "100", 0, NULL},
        {"commission_size", "100.5", CUSTRPC_E_VALUE,
         "commission_size: value 100.5 out of range 0..100"},
        {"overcommit_limit", "-0.5", CUSTRPC_E_VALUE, NULL},
        {"credit_limit", "-1", CUSTRPC_E_VALUE, NULL},
        {"max_depth", "-1", CUSTRPC_E_VALUE, "max_depth: value -1 must be at least 0"},
        {"max_depth", "0", 0, NULL},
        {"api_access", "2", CUSTRPC_E_VALUE, "api_access: value 2 out of range 0..1"},
        {"i_tariff", "0", CUSTRPC_E_VALUE, "i_tariff: value 0 must be at least 1"},
        {"max_sessions", "unlimited", 0, NULL},
        {"max_calls_per_second", "-1", CUSTRPC_E_VALUE, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct custrpc_error err;
        int code = with_field(cases[i].field, cases[i].text, &err);
        ck_assert_msg(code == cases[i].code, "%s = \"%s\": code %d, want %d (%s)", cases[i].field,
                      cases[i].text, code, cases[i].code, err.message);
        if (code)
            ck_assert_str_eq(err.field, cases[i].field);
        if (cases[i].message)
            ck_assert_str_eq(err.message, cases[i].message);
    }
}
END_TEST

START_TEST(error_helpers)
{
    struct custrpc_error err;
    ck_assert_int_eq(custrpc_fail(&err, CUSTRPC_E_VALUE, "city", "too %s", "long"), -1);
    ck_assert_str_eq(err.message, "city: too long");
    ck_assert_int_eq(custrpc_fail(&err, CUSTRPC_E_PARAMS, NULL, "two params"), -1);
    ck_assert_str_eq(err.message, "two params");
    ck_assert_str_eq(err.field, "");
    ck_assert_int_eq(custrpc_fail(NULL, CUSTRPC_E_VALUE, "x", "ignored"), -1);
    custrpc_error_clear(&err);
    ck_assert_int_eq(err.code, CUSTRPC_OK);
    ck_assert_str_eq(custrpc_code_name(CUSTRPC_E_DUP_NAME), "name already exists");
    ck_assert_str_eq(custrpc_code_name(4242), "unknown error");
    ck_assert_str_eq(custrpc_code_name(CUSTRPC_E_CHILDREN), "customer has sub-customers");
    ck_assert_str_eq(custrpc_code_name(CUSTRPC_E_CURRENCY), "currency is not the customer's");
}
END_TEST

/* updateCustomer's rules: the fields given are checked, absent mandatory ones are not missing. */
START_TEST(validate_fields_only_present)
{
    struct custrpc_customer c;
    struct custrpc_error err;
    custrpc_customer_init(&c);
    ck_assert_int_eq(custrpc_customer_validate_fields(&c, &err), 0);
    ck_assert_int_eq(custrpc_customer_set_string(&c, CUSTRPC_F_email, "ops@example.com", &err), 0);
    ck_assert_int_eq(custrpc_customer_validate_fields(&c, &err), 0);
    ck_assert_int_eq(custrpc_customer_validate(&c, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_MISSING);
    ck_assert_int_eq(custrpc_customer_set_int(&c, CUSTRPC_F_customers_mgmt, 9, &err), 0);
    ck_assert_int_eq(custrpc_customer_validate_fields(&c, &err), -1);
    ck_assert_str_eq(err.message, "customers_mgmt: bitmask 9 out of range 0..7");
    custrpc_customer_unset(&c, CUSTRPC_F_customers_mgmt);
    ck_assert_int_eq(custrpc_customer_set_string(&c, CUSTRPC_F_name, "", &err), 0);
    ck_assert_int_eq(custrpc_customer_validate_fields(&c, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_MISSING); /* a mandatory string given empty */
    custrpc_customer_free(&c);
}
END_TEST

Suite *validate_suite(void)
{
    Suite *s = suite_create("validate");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, minimal_is_valid);
    tcase_add_test(tc, each_mandatory_missing_or_empty);
    tcase_add_test(tc, numeric_bounds_from_table);
    tcase_add_test(tc, bitmask_boundaries);
    tcase_add_test(tc, string_lengths_from_table);
    tcase_add_test(tc, syntax_checks);
    tcase_add_test(tc, error_helpers);
    tcase_add_test(tc, validate_fields_only_present);
    suite_add_tcase(s, tc);
    return s;
}
