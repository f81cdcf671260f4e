/* check_customer.c — the model: setters and getters for every field of the table, presence and
 * nil, copy/equal/free, and the text form (set_text/format) round trip. */
#include <config.h>

#include <math.h>
#include <string.h>

#include "check_suites.h"
#include "testutil.h"

START_TEST(init_is_empty)
{
    struct custrpc_customer c;
    custrpc_customer_init(&c);
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++)
        ck_assert_int_eq(custrpc_customer_presence(&c, (enum custrpc_field_id)i), CUSTRPC_ABSENT);
    custrpc_customer_free(&c);
}
END_TEST

/* For every field: set through its typed setter, read back through its getter; the other
 * typed setters fail with a type error that names the field and leave it unchanged. */
START_TEST(typed_setters_follow_table)
{
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        struct custrpc_customer c;
        struct custrpc_error err;
        custrpc_customer_init(&c);
        int rs = custrpc_customer_set_string(&c, f->id, "x", &err);
        int ri = custrpc_customer_set_int(&c, f->id, 5, &err);
        int rd = custrpc_customer_set_double(&c, f->id, 2.5, &err);
        int rb = custrpc_customer_set_bool(&c, f->id, true, &err);
        ck_assert_int_eq(rs == 0, f->type == CUSTRPC_TYPE_STRING);
        ck_assert_int_eq(ri == 0, f->type == CUSTRPC_TYPE_INT);
        ck_assert_int_eq(rd == 0, f->type == CUSTRPC_TYPE_DOUBLE);
        ck_assert_int_eq(rb == 0, f->type == CUSTRPC_TYPE_BOOL);
        ck_assert_int_eq(custrpc_customer_presence(&c, f->id), CUSTRPC_SET);
        const char *s;
        int64_t iv;
        double dv;
        bool bv;
        switch (f->type) {
        case CUSTRPC_TYPE_STRING:
            ck_assert_int_eq(custrpc_customer_get_string(&c, f->id, &s, &err), 0);
            ck_assert_str_eq(s, "x");
            ck_assert_int_eq(custrpc_customer_get_int(&c, f->id, &iv, &err), -1);
            break;
        case CUSTRPC_TYPE_INT:
            ck_assert_int_eq(custrpc_customer_get_int(&c, f->id, &iv, &err), 0);
            ck_assert_int_eq(iv, 5);
            ck_assert_int_eq(custrpc_customer_get_double(&c, f->id, &dv, &err), -1);
            break;
        case CUSTRPC_TYPE_DOUBLE:
            ck_assert_int_eq(custrpc_customer_get_double(&c, f->id, &dv, &err), 0);
            ck_assert(dv == 2.5);
            ck_assert_int_eq(custrpc_customer_get_bool(&c, f->id, &bv, &err), -1);
            break;
        case CUSTRPC_TYPE_BOOL:
            ck_assert_int_eq(custrpc_customer_get_bool(&c, f->id, &bv, &err), 0);
            ck_assert(bv);
            ck_assert_int_eq(custrpc_customer_get_string(&c, f->id, &s, &err), -1);
            break;
        default: ck_abort_msg("%s: the customer has no such type", f->name);
        }
        ck_assert_int_eq(err.code, CUSTRPC_E_TYPE);
        ck_assert_str_eq(err.field, f->name);
        custrpc_customer_free(&c);
    }
}
END_TEST

START_TEST(nil_only_where_table_allows)
{
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        struct custrpc_customer c;
        struct custrpc_error err;
        custrpc_customer_init(&c);
        int rc = custrpc_customer_set_nil(&c, f->id, &err);
        if (f->flags & CUSTRPC_FLAG_NIL_OK) {
            ck_assert_int_eq(rc, 0);
            ck_assert_int_eq(custrpc_customer_presence(&c, f->id), CUSTRPC_NIL);
        } else {
            ck_assert_int_eq(rc, -1);
            ck_assert_int_eq(err.code, CUSTRPC_E_TYPE);
            ck_assert_str_eq(err.field, f->name);
            ck_assert_int_eq(custrpc_customer_presence(&c, f->id), CUSTRPC_ABSENT);
        }
        custrpc_customer_free(&c);
    }
    struct custrpc_customer c;
    struct custrpc_error err;
    custrpc_customer_init(&c);
    ck_assert_int_eq(custrpc_customer_set_text(&c, CUSTRPC_F_i_tariff, "own", &err), 0);
    ck_assert_int_eq(custrpc_customer_presence(&c, CUSTRPC_F_i_tariff), CUSTRPC_NIL);
    int64_t v;
    ck_assert_int_eq(custrpc_customer_get_int(&c, CUSTRPC_F_i_tariff, &v, &err), -1);
    ck_assert_str_eq(err.message, "i_tariff: is nil");
    ck_assert_int_eq(custrpc_customer_set_text(&c, CUSTRPC_F_max_sessions, "unlimited", &err), 0);
    ck_assert_int_eq(custrpc_customer_set_text(&c, CUSTRPC_F_max_calls_per_second, "nil", &err), 0);
    ck_assert_int_eq(custrpc_customer_set_text(&c, CUSTRPC_F_i_tariff, "unlimited", &err), -1);
    ck_assert_int_eq(custrpc_customer_set_text(&c, CUSTRPC_F_max_depth, "nil", &err), -1);
    ck_assert_str_eq(err.field, "max_depth");
    custrpc_customer_free(&c);
}
END_TEST

START_TEST(type_level_checks)
{
    struct custrpc_customer c;
    struct custrpc_error err;
    custrpc_customer_init(&c);
    ck_assert_int_eq(custrpc_customer_set_int(&c, CUSTRPC_F_max_depth, 2147483648LL, &err), -1);
    ck_assert_str_eq(err.message, "max_depth: value 2147483648 does not fit a 32-bit int");
    ck_assert_int_eq(custrpc_customer_set_int(&c, CUSTRPC_F_max_depth, INT32_MIN, &err), 0);
    ck_assert_int_eq(custrpc_customer_set_double(&c, CUSTRPC_F_balance, NAN, &err), -1);
    ck_assert_int_eq(custrpc_customer_set_double(&c, CUSTRPC_F_balance, INFINITY, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_VALUE);
    ck_assert_int_eq(custrpc_customer_set_string(&c, CUSTRPC_F_name, NULL, &err), -1);
    ck_assert_int_eq(custrpc_customer_set_string_len(&c, CUSTRPC_F_name, "a\0b", 3, &err), -1);
    ck_assert_str_eq(err.message, "name: contains a NUL character");
    ck_assert_int_eq(custrpc_customer_presence(&c, CUSTRPC_F_name), CUSTRPC_ABSENT);
    ck_assert_int_eq(custrpc_customer_set_int(&c, (enum custrpc_field_id)999, 1, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_UNKNOWN);
    custrpc_customer_free(&c);
}
END_TEST

/* UTF-8 edge cases: what the model must accept and what it must refuse. */
START_TEST(utf8_edges)
{
    static const char *const good[] = {
        "plain",        "Zeus & Sons", "\xc3\xa9t\xc3\xa9", "\xe2\x82\xac 100",
        "\xef\xbf\xbd", "tab\there",   "line\nbreak",       "\xef\xbf\xbc"};
    static const char *const bad[] = {
        "\xc3",             /* truncated */
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong, 3 bytes */
        "\xed\xa0\x80",     /* UTF-16 surrogate */
        "\xf4\x90\x80\x80", /* beyond U+10FFFF */
        "\xff",             /* never valid */
        "\x80",             /* lone continuation */
        "bell\x07",         /* C0 control XML cannot carry */
        "\xef\xbf\xbf",     /* U+FFFF */
        "\xf0\x9f\x93\x9e", /* U+1F4DE: beyond the BMP, which xmlrpc-c 1.33 refuses */
        "\xf4\x8f\xbf\xbf", /* U+10FFFF */
    };
    struct custrpc_customer c;
    struct custrpc_error err;
    custrpc_customer_init(&c);
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_msg(custrpc_customer_set_string(&c, CUSTRPC_F_description, good[i], &err) == 0,
                      "good[%zu] refused: %s", i, err.message);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(custrpc_customer_set_string(&c, CUSTRPC_F_description, bad[i], &err) == -1,
                      "bad[%zu] accepted", i);
        ck_assert_int_eq(err.code, CUSTRPC_E_VALUE);
        ck_assert_str_eq(err.field, "description");
    }
    /* A failed set kept the last good value. */
    const char *s;
    ck_assert_int_eq(custrpc_customer_get_string(&c, CUSTRPC_F_description, &s, &err), 0);
    ck_assert_str_eq(s, good[sizeof good / sizeof good[0] - 1]);
    custrpc_customer_free(&c);
}
END_TEST

START_TEST(copy_equal_free)
{
    struct custrpc_customer a, b;
    struct custrpc_error err;
    customer_full(&a);
    custrpc_customer_init(&b);
    custrpc_customer_set_text(&b, CUSTRPC_F_city, "old", &err);
    ck_assert_int_eq(custrpc_customer_copy(&b, &a, &err), 0);
    ck_assert(custrpc_customer_equal(&a, &b));
    ck_assert_ptr_ne(a.name, b.name); /* deep copy */
    custrpc_customer_set_text(&b, CUSTRPC_F_city, "Hot Springs", &err);
    ck_assert(!custrpc_customer_equal(&a, &b));
    custrpc_customer_unset(&b, CUSTRPC_F_city);
    ck_assert(!custrpc_customer_equal(&a, &b));
    custrpc_customer_free(&b);
    custrpc_customer_free(&a);
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++)
        ck_assert_int_eq(a.presence[i], CUSTRPC_ABSENT);
    ck_assert_ptr_null(a.name);
}
END_TEST

/* format() then set_text() gives back the same value, for every field of the table. */
START_TEST(text_form_round_trips)
{
    struct custrpc_customer a, b;
    struct custrpc_error err;
    customer_full(&a);
    custrpc_customer_set_double(&a, CUSTRPC_F_balance, 0.1 + 0.2, &err); /* needs 17 digits */
    custrpc_customer_set_nil(&a, CUSTRPC_F_max_sessions, &err);
    custrpc_customer_init(&b);
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        char buf[256];
        enum custrpc_field_id id = (enum custrpc_field_id)i;
        int n = custrpc_customer_format(&a, id, buf, sizeof buf, &err);
        ck_assert_msg(n >= 0 && (size_t)n < sizeof buf, "%s: %s", custrpc_field_get(id)->name,
                      err.message);
        ck_assert_msg(custrpc_customer_set_text(&b, id, buf, &err) == 0, "%s", err.message);
    }
    ck_assert(custrpc_customer_equal(&a, &b));
    char buf[64];
    custrpc_customer_format(&a, CUSTRPC_F_max_sessions, buf, sizeof buf, &err);
    ck_assert_str_eq(buf, "unlimited");
    custrpc_customer_format(&a, CUSTRPC_F_accounts_mgmt, buf, sizeof buf, &err);
    ck_assert_str_eq(buf, "add,edit");
    custrpc_customer_format(&a, CUSTRPC_F_callshop_enabled, buf, sizeof buf, &err);
    ck_assert_str_eq(buf, "yes");
    custrpc_customer_unset(&a, CUSTRPC_F_city);
    ck_assert_int_eq(custrpc_customer_format(&a, CUSTRPC_F_city, buf, sizeof buf, &err), -1);
    custrpc_customer_free(&a);
    custrpc_customer_free(&b);
}
END_TEST

START_TEST(text_parsing_rejects)
{
    static const struct {
        const char *field, *text, *message;
    } cases[] = {
        {"max_depth", "2x", "max_depth: \"2x\" is not an integer"},
        {"max_depth", "", "max_depth: \"\" is not an integer"},
        {"max_depth", " 2", "max_depth: \" 2\" is not an integer"},
        {"max_depth", "99999999999", "max_depth: 99999999999 does not fit a 32-bit int"},
        {"i_tariff", "x", "i_tariff: \"x\" is not an integer or \"own\""},
        {"max_sessions", "lots", "max_sessions: \"lots\" is not an integer or \"unlimited\""},
        {"balance", "nan", "balance: \"nan\" is not a decimal number"},
        {"balance", "inf", "balance: \"inf\" is not a decimal number"},
        {"balance", "0x10", "balance: \"0x10\" is not a decimal number"},
        {"balance", "1e999", "balance: 1e999 is too large"},
        {"callshop_enabled", "maybe",
         "callshop_enabled: \"maybe\" is not yes/no, true/false, on/off or 1/0"},
        {"vouchers_mgmt", "8", "vouchers_mgmt: bitmask 8 out of range 0..7"},
        {"no_such", "1", "no_such: unknown member"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct custrpc_customer c;
        struct custrpc_error err;
        custrpc_customer_init(&c);
        ck_assert_int_eq(custrpc_customer_set_text_by_name(&c, cases[i].field, cases[i].text, &err),
                         -1);
        ck_assert_str_eq(err.message, cases[i].message);
        custrpc_customer_free(&c);
    }
    struct custrpc_customer c;
    struct custrpc_error err;
    custrpc_customer_init(&c);
    ck_assert_int_eq(custrpc_customer_set_text_by_name(&c, "did_pool_enabled", "TRUE", &err), 0);
    ck_assert(c.did_pool_enabled);
    ck_assert_int_eq(custrpc_customer_set_text_by_name(&c, "did_pool_enabled", "off", &err), 0);
    ck_assert(!c.did_pool_enabled);
    ck_assert_int_eq(custrpc_customer_set_text_by_name(&c, "balance", "-12.75", &err), 0);
    ck_assert(c.balance == -12.75);
    ck_assert_int_eq(custrpc_customer_set_text_by_name(&c, "max_depth", "-3", &err), 0);
    ck_assert_int_eq(c.max_depth, -3); /* a type-level value; validation judges the range */
    custrpc_customer_free(&c);
}
END_TEST

Suite *customer_suite(void)
{
    Suite *s = suite_create("customer");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, init_is_empty);
    tcase_add_test(tc, typed_setters_follow_table);
    tcase_add_test(tc, nil_only_where_table_allows);
    tcase_add_test(tc, type_level_checks);
    tcase_add_test(tc, utf8_edges);
    tcase_add_test(tc, copy_equal_free);
    tcase_add_test(tc, text_form_round_trips);
    tcase_add_test(tc, text_parsing_rejects);
    suite_add_tcase(s, tc);
    return s;
}
