/* check_main.c — runs every libcustrpc Check suite; exit status 0 only when all pass. */
#include <config.h>

#include <stdlib.h>

#include "check_suites.h"

int main(void)
{
    SRunner *sr = srunner_create(fields_suite());
    srunner_add_suite(sr, customer_suite());
    srunner_add_suite(sr, rights_suite());
    srunner_add_suite(sr, validate_suite());
    srunner_add_suite(sr, marshal_suite());
    srunner_add_suite(sr, wire_suite());
    srunner_add_suite(sr, decode_suite());
    srunner_add_suite(sr, message_suite());
    srunner_add_suite(sr, json_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
