/* check_client_inject.c — the client API under failures custrpc-server injects
 * (custrpc_admin_inject): a delay longer than timeout_ms is CUSTRPC_E_TIMEOUT and the call was
 * carried out all the same; an injected fault arrives with its code and text; an answer dropped
 * on a reused connection is a transport error, not a second create; a bad rule is the server's
 * 400 naming the member. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/admin.h>

#include "check_suites.h"
#include "server_proc.h"
#include "testutil.h"

#define ROOT_PW "inject-root-pw"

static struct custrpc_client *client_for(const char *url, unsigned timeout_ms)
{
    struct custrpc_client_options o = {
        .url = url, .user = "ssp-root", .password = ROOT_PW, .timeout_ms = timeout_ms};
    struct custrpc_client *cl;
    struct custrpc_error err;
    ck_assert_msg(custrpc_client_new(&cl, &o, &err) == 0, "%s", err.message);
    return cl;
}

static struct custrpc_admin *admin_for(const char *url)
{
    const struct custrpc_admin_options o = {
        .url = url, .user = "ssp-root", .password = ROOT_PW, .timeout_ms = 20000};
    struct custrpc_admin *a;
    struct custrpc_error err;
    ck_assert_msg(custrpc_admin_new(&a, &o, &err) == 0, "%s", err.message);
    return a;
}

static void inject(struct custrpc_admin *a, const struct custrpc_inject_rule *r)
{
    struct custrpc_error err;
    uint64_t id = 0;
    ck_assert_msg(custrpc_admin_inject(a, r, &id, &err) == 0, "%s", err.message);
    ck_assert_int_ge(id, 1);
}

/* Whether a customer of this name exists (getCustomerInfo by name). */
static bool exists(struct custrpc_client *cl, const char *name)
{
    struct custrpc_customer got;
    struct custrpc_error err;
    int64_t id = 0;
    if (custrpc_client_get(cl, 0, name, 0, &got, &id, &err) < 0) {
        ck_assert_msg(err.code == CUSTRPC_E_NOT_FOUND, "%s", err.message);
        return false;
    }
    custrpc_customer_free(&got);
    return true;
}

START_TEST(injected_failures)
{
    char dir[] = "/tmp/custrpc-inject-XXXXXX", cfg[512];
    server_proc_config(dir, ROOT_PW, "", cfg, sizeof cfg);
    const char *args[] = {"--config", cfg, "--admin", NULL};
    struct server_proc srv;
    server_proc_start(&srv, args);
    struct custrpc_admin *a = admin_for(srv.url);
    struct custrpc_client *fast = client_for(srv.url, 20000);
    struct custrpc_customer c;
    struct custrpc_error err;
    int64_t id;
    customer_minimal(&c);

    /* A delay over the client's timeout: CUSTRPC_E_TIMEOUT, and the create landed. */
    const struct custrpc_inject_rule delay = {
        .method = "createCustomer", .times = 1, .kind = CUSTRPC_INJECT_DELAY, .delay_ms = 4000};
    inject(a, &delay);
    struct custrpc_client *hasty = client_for(srv.url, 500);
    custrpc_customer_set_text(&c, CUSTRPC_F_name, "inject slow", &err);
    ck_assert_int_eq(custrpc_client_create(hasty, &c, &id, &err), -1);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_TRANSPORT);
    ck_assert_int_eq(err.code, CUSTRPC_E_TIMEOUT);
    custrpc_client_free(hasty);
    ck_assert(exists(fast, "inject slow"));

    /* A fault, as the rule says. */
    const struct custrpc_inject_rule fault = {.method = "createCustomer",
                                              .times = 1,
                                              .kind = CUSTRPC_INJECT_FAULT,
                                              .fault_code = 4321,
                                              .fault_string = "injected: try later"};
    inject(a, &fault);
    custrpc_customer_set_text(&c, CUSTRPC_F_name, "inject fault", &err);
    ck_assert_int_eq(custrpc_client_create(fast, &c, &id, &err), -1);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_FAULT);
    ck_assert_int_eq(err.code, 4321);
    ck_assert_str_eq(err.message, "injected: try later");
    ck_assert(!exists(fast, "inject fault"));

    /* On the same (reused) connection: the answer dropped after the create. The client says it
     * does not know, and does not send it again (a second create would be a duplicate). */
    const struct custrpc_inject_rule drop = {
        .method = "createCustomer", .times = 1, .kind = CUSTRPC_INJECT_DROP, .after = true};
    inject(a, &drop);
    custrpc_customer_set_text(&c, CUSTRPC_F_name, "inject drop", &err);
    ck_assert_int_eq(custrpc_client_create(fast, &c, &id, &err), -1);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_TRANSPORT);
    ck_assert_int_eq(err.code, CUSTRPC_E_TRANSPORT);
    ck_assert(exists(fast, "inject drop"));
    const struct custrpc_journal_query q = {.method = "createCustomer", .limit = 1};
    struct custrpc_journal j;
    ck_assert_msg(custrpc_admin_journal(a, &q, &j, &err) == 0, "%s", err.message);
    ck_assert_uint_eq(j.n, 1);
    ck_assert_str_eq(j.entries[0].outcome, "http_error"); /* the dropped one, not a duplicate */
    ck_assert_str_eq(j.entries[0].injected, "drop");
    ck_assert(j.entries[0].injected_carried_out);
    ck_assert_ptr_null(j.entries[0].test_namespace);
    custrpc_journal_free(&j);

    /* A rule the server refuses: its 400, naming the member. */
    const struct custrpc_inject_rule bad = {
        .method = "createCustomer", .times = 1, .kind = CUSTRPC_INJECT_FAULT, .fault_string = "x"};
    ck_assert_int_eq(custrpc_admin_inject(a, &bad, NULL, &err), -1);
    ck_assert_int_eq(err.http_status, 400);
    ck_assert_msg(strstr(err.message, "fault_code:") != NULL, "%s", err.message);
    char *rules = NULL;
    ck_assert_msg(custrpc_admin_injections(a, &rules, &err) == 0, "%s", err.message);
    ck_assert_str_eq(rules, "{\"rules\":[]}");
    free(rules);

    custrpc_customer_free(&c);
    custrpc_client_free(fast);
    custrpc_admin_free(a);
    ck_assert_int_eq(server_proc_stop(&srv), 0);
    server_proc_config_remove(dir);
}
END_TEST

Suite *client_inject_suite(void)
{
    Suite *s = suite_create("client_inject");
    TCase *tc = tcase_create("inject");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, injected_failures);
    suite_add_tcase(s, tc);
    return s;
}
