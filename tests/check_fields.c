/* check_fields.c — the field table against the API text (tests/data/spec-fields.txt): same
 * members, same XML-RPC types, same flags; lookups; every example valid. */
#include <config.h>

#include <string.h>

#include "check_suites.h"
#include "testutil.h"

#define RELEVANT_FLAGS                                                                             \
    (CUSTRPC_FLAG_MANDATORY | CUSTRPC_FLAG_BITMASK | CUSTRPC_FLAG_NIL_OK | CUSTRPC_FLAG_SECRET |   \
     CUSTRPC_FLAG_UNIQUE | CUSTRPC_FLAG_TRUSTED)

START_TEST(table_matches_spec)
{
    struct spec_field spec[128];
    size_t n = spec_fields_load(spec, 128);
    ck_assert_uint_eq(n, CUSTRPC_FIELD_COUNT);
    for (size_t i = 0; i < n; i++) {
        const struct custrpc_field *f = custrpc_field_find(spec[i].name);
        ck_assert_msg(f != NULL, "%s: in the spec but not in the table", spec[i].name);
        ck_assert_msg(strcmp(custrpc_type_name(f->type), spec[i].type) == 0,
                      "%s: table type %s, spec type %s", f->name, custrpc_type_name(f->type),
                      spec[i].type);
        ck_assert_msg((f->flags & RELEVANT_FLAGS) == spec[i].flags,
                      "%s: table flags 0x%x, spec flags 0x%x", f->name, f->flags, spec[i].flags);
    }
}
END_TEST

START_TEST(ids_and_lookup_agree)
{
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(f->id, i);
        ck_assert_ptr_eq(custrpc_field_find(f->name), f);
        ck_assert_msg(f->help && *f->help, "%s has no help text", f->name);
        ck_assert_msg(f->min <= f->max, "%s: min > max", f->name);
    }
    ck_assert_ptr_null(custrpc_field_get(CUSTRPC_FIELD_COUNT));
    ck_assert_ptr_null(custrpc_field_get((enum custrpc_field_id) - 1));
    ck_assert_ptr_null(custrpc_field_find("no_such_field"));
    ck_assert_ptr_null(custrpc_field_find("Name")); /* the API's names are case-sensitive */
    ck_assert_ptr_null(custrpc_field_find("i_password_policy'"));
    ck_assert_ptr_null(custrpc_field_find(NULL));
    ck_assert_int_eq(custrpc_field_find("customers_mgmt")->id, CUSTRPC_F_customers_mgmt);
}
END_TEST

START_TEST(bitmask_fields_are_rights)
{
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (!(f->flags & CUSTRPC_FLAG_BITMASK))
            continue;
        ck_assert_int_eq(f->type, CUSTRPC_TYPE_INT);
        ck_assert(f->min == 0 && f->max == CUSTRPC_RIGHTS_ALL);
    }
}
END_TEST

START_TEST(every_example_is_valid)
{
    struct custrpc_customer c;
    customer_full(&c);
    struct custrpc_error err;
    ck_assert_msg(custrpc_customer_validate(&c, &err) == 0, "%s", err.message);
    custrpc_customer_free(&c);
}
END_TEST

START_TEST(type_names)
{
    ck_assert_str_eq(custrpc_type_name(CUSTRPC_TYPE_STRING), "string");
    ck_assert_str_eq(custrpc_type_name(CUSTRPC_TYPE_INT), "int");
    ck_assert_str_eq(custrpc_type_name(CUSTRPC_TYPE_DOUBLE), "double");
    ck_assert_str_eq(custrpc_type_name(CUSTRPC_TYPE_BOOL), "boolean");
}
END_TEST

Suite *fields_suite(void)
{
    Suite *s = suite_create("fields");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, table_matches_spec);
    tcase_add_test(tc, ids_and_lookup_agree);
    tcase_add_test(tc, bitmask_fields_are_rights);
    tcase_add_test(tc, every_example_is_valid);
    tcase_add_test(tc, type_names);
    suite_add_tcase(s, tc);
    return s;
}
