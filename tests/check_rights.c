/* check_rights.c — rights bitmask text: names, all/none, numbers 0..7, and every rejection. */
#include <config.h>

#include "check_suites.h"
#include "testutil.h"

static int parse(const char *text, struct custrpc_error *err)
{
    int mask = -99;
    custrpc_error_clear(err);
    if (custrpc_rights_parse(text, "customers_mgmt", &mask, err) < 0)
        return -1;
    return mask;
}

START_TEST(accepted_forms)
{
    struct custrpc_error err;
    ck_assert_int_eq(parse("add", &err), CUSTRPC_RIGHT_ADD);
    ck_assert_int_eq(parse("edit", &err), CUSTRPC_RIGHT_EDIT);
    ck_assert_int_eq(parse("delete", &err), CUSTRPC_RIGHT_DELETE);
    ck_assert_int_eq(parse("add,edit", &err), 3);
    ck_assert_int_eq(parse("delete,add", &err), 5);
    ck_assert_int_eq(parse(" add , edit ,delete", &err), 7);
    ck_assert_int_eq(parse("all", &err), 7);
    ck_assert_int_eq(parse("none", &err), 0);
    for (int i = 0; i <= 7; i++) {
        char text[4] = {(char)('0' + i), 0};
        ck_assert_int_eq(parse(text, &err), i);
    }
}
END_TEST

START_TEST(rejected_forms)
{
    static const char *const bad[] = {
        "",    "8",       "-1",   "9",        "07x", "add,",    ",add", "add,,edit",
        "ADD", "add,add", "read", "add edit", "0x7", "all,add", " ",    "100000000000000000000"};
    struct custrpc_error err;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(parse(bad[i], &err) == -1, "\"%s\" was accepted", bad[i]);
        ck_assert_int_eq(err.code, CUSTRPC_E_VALUE);
        ck_assert_str_eq(err.field, "customers_mgmt");
    }
    parse("9", &err);
    ck_assert_str_eq(err.message, "customers_mgmt: bitmask 9 out of range 0..7");
    parse("add,add", &err);
    ck_assert_str_eq(err.message, "customers_mgmt: right \"add\" given twice");
}
END_TEST

START_TEST(format_round_trips)
{
    struct custrpc_error err;
    char buf[32];
    for (int mask = 0; mask <= 7; mask++) {
        ck_assert_int_gt(custrpc_rights_format(mask, buf, sizeof buf, &err), 0);
        ck_assert_int_eq(parse(buf, &err), mask);
    }
    custrpc_rights_format(3, buf, sizeof buf, &err);
    ck_assert_str_eq(buf, "add,edit");
    custrpc_rights_format(0, buf, sizeof buf, &err);
    ck_assert_str_eq(buf, "none");
    custrpc_rights_format(7, buf, sizeof buf, &err);
    ck_assert_str_eq(buf, "all");
    ck_assert_int_eq(custrpc_rights_format(8, buf, sizeof buf, &err), -1);
    ck_assert_int_eq(custrpc_rights_format(-1, buf, sizeof buf, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_VALUE);
}
END_TEST

Suite *rights_suite(void)
{
    Suite *s = suite_create("rights");
    TCase *tc = tcase_create("text");
    tcase_add_test(tc, accepted_forms);
    tcase_add_test(tc, rejected_forms);
    tcase_add_test(tc, format_round_trips);
    suite_add_tcase(s, tc);
    return s;
}
