/* check_server.c — libcustrpc and xmlrpc-c's curl client against custrpc-server (this file),
 * the client API (check_client.c) and the server's Digest module (check_digest.c): every field
 * of the table through the wire and the store and back, faults converted to custrpc_error,
 * and Digest authentication from a C client. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xmlrpc-c/client.h>

#include "check_suites.h"
#include "server_proc.h"
#include "testutil.h"

static xmlrpc_client *client;
static xmlrpc_env env;

static void setup(void)
{
    xmlrpc_env_init(&env);
    xmlrpc_client_setup_global_const(&env);
    struct xmlrpc_clientparms parms = {.transport = "curl"};
    xmlrpc_client_create(&env, XMLRPC_CLIENT_NO_FLAGS, "custrpc-test", PACKAGE_VERSION, &parms,
                         XMLRPC_CPSIZE(transport), &client);
    ck_assert_msg(!env.fault_occurred, "%s", env.fault_string);
}

static void teardown(void)
{
    xmlrpc_client_destroy(client);
    xmlrpc_client_teardown_global_const();
    xmlrpc_env_clean(&env);
}

/* Calls method with one struct built from c (or given); returns the result or NULL with err. */
static xmlrpc_value *call(const xmlrpc_server_info *server, const char *method, xmlrpc_value *arg,
                          struct custrpc_error *err)
{
    xmlrpc_env e;
    xmlrpc_env_init(&e);
    xmlrpc_value *params = xmlrpc_array_new(&e);
    xmlrpc_array_append_item(&e, params, arg);
    xmlrpc_DECREF(arg);
    xmlrpc_value *result = NULL;
    xmlrpc_client_call2(&e, client, server, method, params, &result);
    xmlrpc_DECREF(params);
    if (e.fault_occurred)
        custrpc_error_from_fault(&e, err);
    xmlrpc_env_clean(&e);
    return result;
}

static int64_t create(const xmlrpc_server_info *server, const struct custrpc_customer *c,
                      struct custrpc_error *err)
{
    xmlrpc_value *arg;
    ck_assert_int_eq(custrpc_customer_to_value(c, &arg, err), 0);
    xmlrpc_value *r = call(server, CUSTRPC_METHOD_CREATE, arg, err);
    if (!r)
        return -1;
    const char *result;
    int id;
    xmlrpc_decompose_value(&env, r, "{s:s,s:i,*}", "result", &result, "i_customer", &id);
    ck_assert_msg(!env.fault_occurred, "%s", env.fault_string);
    ck_assert_str_eq(result, "OK");
    free((void *)result);
    xmlrpc_DECREF(r);
    return id;
}

static xmlrpc_server_info *server_at(const char *url)
{
    xmlrpc_server_info *s = xmlrpc_server_info_new(&env, url);
    ck_assert(!env.fault_occurred);
    return s;
}

START_TEST(every_field_through_the_store)
{
    struct server_proc srv;
    server_proc_start(&srv, NULL);
    xmlrpc_server_info *server = server_at(srv.url);
    struct custrpc_customer sent, got;
    struct custrpc_error err;
    customer_full(&sent);
    custrpc_customer_unset(&sent, CUSTRPC_F_i_wholesaler);
    int64_t id = create(server, &sent, &err);
    ck_assert_msg(id >= 2, "%s", err.message);

    xmlrpc_value *r = call(server, "getCustomerInfo",
                           xmlrpc_build_value(&env, "{s:i}", "i_customer", (int)id), &err);
    ck_assert_msg(r != NULL, "%s", err.message);
    xmlrpc_value *customer;
    xmlrpc_struct_find_value(&env, r, "customer", &customer);
    ck_assert_ptr_nonnull(customer);
    custrpc_customer_init(&got);
    ck_assert_msg(custrpc_customer_from_value(&got, customer, CUSTRPC_DECODE_ALLOW_UNKNOWN, &err) ==
                      0,
                  "%s", err.message);
    got.balance = -got.balance; /* the API returns balance with its sign inverted */
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (f->flags & (CUSTRPC_FLAG_SECRET | CUSTRPC_FLAG_TRUSTED)) {
            ck_assert_msg(custrpc_customer_presence(&got, f->id) == CUSTRPC_ABSENT,
                          "%s was returned", f->name);
            custrpc_customer_unset(&sent, f->id);
        }
    }
    ck_assert(custrpc_customer_equal(&sent, &got));
    custrpc_customer_free(&sent);
    custrpc_customer_free(&got);
    xmlrpc_DECREF(customer);
    xmlrpc_DECREF(r);
    xmlrpc_server_info_free(server);
    ck_assert_int_eq(server_proc_stop(&srv), 0);
}
END_TEST

START_TEST(faults_become_custrpc_errors)
{
    struct server_proc srv;
    server_proc_start(&srv, NULL);
    xmlrpc_server_info *server = server_at(srv.url);
    struct custrpc_customer c;
    struct custrpc_error err;
    customer_minimal(&c);
    ck_assert_int_ge(create(server, &c, &err), 2);
    ck_assert_int_eq(create(server, &c, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_DUP_NAME);
    ck_assert_msg(strcmp(err.field, "name") == 0, "field \"%s\" from \"%s\"", err.field,
                  err.message);
    custrpc_customer_set_int(&c, CUSTRPC_F_i_tariff, 42, &err);
    custrpc_customer_set_text(&c, CUSTRPC_F_name, "other", &err);
    ck_assert_int_eq(create(server, &c, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_TARIFF);
    ck_assert_str_eq(err.message, "i_tariff: tariff 42 does not exist");
    custrpc_customer_free(&c);
    xmlrpc_server_info_free(server);
    ck_assert_int_eq(server_proc_stop(&srv), 0);
}
END_TEST

START_TEST(digest_from_c)
{
    char dir[] = "/tmp/custrpc-check-XXXXXX", cfg[512];
    server_proc_config(dir, "c-root-pw", "", cfg, sizeof cfg);
    const char *args[] = {"--config", cfg, NULL};
    struct server_proc srv;
    server_proc_start(&srv, args);
    struct custrpc_customer c;
    struct custrpc_error err;
    customer_minimal(&c);

    xmlrpc_server_info *server = server_at(srv.url);
    xmlrpc_server_info_set_user(&env, server, "ssp-root", "c-root-pw");
    xmlrpc_server_info_allow_auth_digest(&env, server);
    xmlrpc_server_info_disallow_auth_basic(&env, server);
    ck_assert_int_ge(create(server, &c, &err), 2);
    xmlrpc_server_info_free(server);

    server = server_at(srv.url);
    xmlrpc_server_info_set_user(&env, server, "ssp-root", "wrong");
    xmlrpc_server_info_allow_auth_digest(&env, server);
    custrpc_customer_set_text(&c, CUSTRPC_F_name, "another", &err);
    ck_assert_int_eq(create(server, &c, &err), -1);
    ck_assert_msg(strstr(err.message, "401") != NULL, "%s", err.message);
    xmlrpc_server_info_free(server);
    custrpc_customer_free(&c);
    ck_assert_int_eq(server_proc_stop(&srv), 0);
    server_proc_config_remove(dir);
}
END_TEST

Suite *server_suite(void)
{
    Suite *s = suite_create("server");
    TCase *tc = tcase_create("xmlrpc-c client");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_field_through_the_store);
    tcase_add_test(tc, faults_become_custrpc_errors);
    tcase_add_test(tc, digest_from_c);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(server_suite());
    srunner_add_suite(sr, client_suite());
    srunner_add_suite(sr, client_lifecycle_suite());
    srunner_add_suite(sr, client_inject_suite());
    srunner_add_suite(sr, digest_suite());
    srunner_add_suite(sr, guard_suite());
    srunner_add_suite(sr, visa_suite());
    srunner_add_suite(sr, partner_client_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
