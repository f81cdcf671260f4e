#include <config.h>
#include "check_suites.h"
START_TEST(placeholder) { ck_assert_int_eq(1, 1); }
END_TEST
Suite *validate_suite(void) { Suite *s = suite_create("validate"); TCase *tc = tcase_create("x"); tcase_add_test(tc, placeholder); suite_add_tcase(s, tc); return s; }
