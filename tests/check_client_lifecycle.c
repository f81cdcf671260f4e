/* check_client_lifecycle.c — the lifecycle functions of the client API against canned servers:
 * local validation sends nothing (a server that never answers would time the call out), the
 * listCustomers entries are read tolerantly (a member of a wrong type is a problem of its entry,
 * unknown members are skipped, balance is as sent), result must be "OK", faults keep their
 * code. */
#include <config.h>

#include <string.h>

#include "canned_server.h"
#include "check_suites.h"
#include "testutil.h"

#define XML_200(body)                                                                              \
    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n<?xml "                 \
    "version=\"1.0\"?>" body

static struct custrpc_client *client_for(const char *url)
{
    struct custrpc_client_options o = {.url = url, .timeout_ms = 3000};
    struct custrpc_client *cl;
    struct custrpc_error err;
    ck_assert_msg(custrpc_client_new(&cl, &o, &err) == 0, "%s", err.message);
    return cl;
}

static void expect_local(int rc, const struct custrpc_error *err, int code, const char *field)
{
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(err->kind == CUSTRPC_KIND_LOCAL && err->code == code &&
                      strcmp(err->field, field) == 0,
                  "kind %d code %d field '%s': %s", err->kind, err->code, err->field, err->message);
}

START_TEST(invalid_arguments_are_not_sent)
{
    struct canned_server cs;
    canned_server_start(&cs, NULL); /* never answers: anything sent would time out */
    struct custrpc_client *cl = client_for(cs.url);
    struct custrpc_error err;
    struct custrpc_customer c;
    custrpc_customer_init(&c);
    expect_local(custrpc_client_update(cl, 5, &c, 0, &err), &err, CUSTRPC_E_MISSING, "");
    ck_assert(custrpc_customer_set_int(&c, CUSTRPC_F_i_wholesaler, 3, &err) == 0);
    expect_local(custrpc_client_update(cl, 5, &c, 0, &err), &err, CUSTRPC_E_MISSING, "");
    ck_assert(custrpc_customer_set_text(&c, CUSTRPC_F_email, "no address", &err) == 0);
    expect_local(custrpc_client_update(cl, 5, &c, 0, &err), &err, CUSTRPC_E_VALUE, "email");
    expect_local(custrpc_client_update(cl, 0, &c, 0, &err), &err, CUSTRPC_E_VALUE, "i_customer");
    custrpc_customer_free(&c);
    expect_local(custrpc_client_delete(cl, -1, 0, &err), &err, CUSTRPC_E_VALUE, "i_customer");
    expect_local(custrpc_client_add_funds(cl, 5, 0, "USD", NULL, 0, &err), &err, CUSTRPC_E_VALUE,
                 "amount");
    expect_local(custrpc_client_debit(cl, 5, 1, "usd", NULL, 0, &err), &err, CUSTRPC_E_VALUE,
                 "currency");
    expect_local(custrpc_client_credit(cl, 5, 1, NULL, NULL, 0, &err), &err, CUSTRPC_E_MISSING,
                 "currency");
    struct custrpc_list_query q;
    struct custrpc_customer_list l;
    custrpc_msg_init(&custrpc_list_query_message, &q);
    ck_assert(custrpc_msg_set_text(&custrpc_list_query_message, &q, "limit", "1001", &err) == 0);
    expect_local(custrpc_client_list(cl, &q, 0, &l, &err), &err, CUSTRPC_E_VALUE, "limit");
    ck_assert_int_eq(l.n, 0);
    custrpc_client_free(cl);
    canned_server_stop(&cs);
}
END_TEST

static const char list_answer[] =
    XML_200("<methodResponse><params><param><value><struct>"
            "<member><name>result</name><value>OK</value></member>"
            "<member><name>customers</name><value><array><data>"
            "<value><struct><member><name>i_customer</name><value><int>7</int></value></member>"
            "<member><name>name</name><value>Seven</value></member>"
            "<member><name>balance</name><value><double>-2.5</double></value></member>"
            "<member><name>i_parent</name><value><int>1</int></value></member></struct></value>"
            "<value><struct><member><name>i_customer</name><value><i8>8</i8></value></member>"
            "<member><name>name</name><value>Eight</value></member>"
            "<member><name>balance</name><value><string>lots</string></value></member>"
            "<member><name>base_currency</name><value>EUR</value></member></struct></value>"
            "<value><int>9</int></value>"
            "</data></array></value></member></struct></value></param></params></methodResponse>");

START_TEST(list_read_tolerantly)
{
    struct canned_server cs;
    canned_server_start(&cs, list_answer);
    struct custrpc_client *cl = client_for(cs.url);
    struct custrpc_customer_list l;
    struct custrpc_error err;
    ck_assert_msg(custrpc_client_list(cl, NULL, 0, &l, &err) == 0, "%s", err.message);
    ck_assert_int_eq(l.n, 2);
    ck_assert_int_eq(l.items[0].i_customer, 7);
    ck_assert_str_eq(l.items[0].name, "Seven");
    ck_assert(l.items[0].balance == -2.5); /* as sent: not inverted */
    ck_assert_int_eq(l.items[1].i_customer, 8);
    ck_assert_str_eq(l.items[1].base_currency, "EUR");
    const struct custrpc_field *balance =
        custrpc_msg_field(&custrpc_customer_entry_message, "balance");
    ck_assert_int_eq(custrpc_msg_presence(&custrpc_customer_entry_message, &l.items[1], balance),
                     CUSTRPC_ABSENT);
    ck_assert_int_eq(l.problems.n, 2);
    ck_assert_str_eq(l.problems.items[0].name, "customers[1].balance");
    ck_assert_str_eq(l.problems.items[0].json, "\"lots\"");
    ck_assert_str_eq(l.problems.items[1].name, "customers[2]");
    ck_assert_str_eq(l.problems.items[1].problem, "not a struct");
    custrpc_customer_list_free(&l);
    custrpc_client_free(cl);
    canned_server_stop(&cs);
}
END_TEST

static void expect_answer(const char *reply, int code, int kind)
{
    struct canned_server cs;
    canned_server_start(&cs, reply);
    struct custrpc_client *cl = client_for(cs.url);
    struct custrpc_error err;
    ck_assert_int_eq(custrpc_client_delete(cl, 5, 0, &err), code ? -1 : 0);
    if (code)
        ck_assert_msg(err.code == code && (int)err.kind == kind, "code %d kind %d: %s", err.code,
                      err.kind, err.message);
    custrpc_client_free(cl);
    canned_server_stop(&cs);
}

START_TEST(answers_need_result_ok)
{
    expect_answer(XML_200("<methodResponse><params><param><value><struct><member><name>result"
                          "</name><value>OK</value></member></struct></value></param></params>"
                          "</methodResponse>"),
                  0, 0);
    expect_answer(XML_200("<methodResponse><params><param><value><struct><member><name>result"
                          "</name><value>ok</value></member></struct></value></param></params>"
                          "</methodResponse>"),
                  CUSTRPC_E_PROTOCOL, CUSTRPC_KIND_TRANSPORT);
    expect_answer(XML_200("<methodResponse><fault><value><struct><member><name>faultCode</name>"
                          "<value><int>1034</int></value></member><member><name>faultString"
                          "</name><value>i_customer: has sub-customers</value></member></struct>"
                          "</value></fault></methodResponse>"),
                  1034, CUSTRPC_KIND_FAULT);
}
END_TEST

Suite *client_lifecycle_suite(void)
{
    Suite *s = suite_create("client lifecycle");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, invalid_arguments_are_not_sent);
    tcase_add_test(tc, list_read_tolerantly);
    tcase_add_test(tc, answers_need_result_ok);
    suite_add_tcase(s, tc);
    return s;
}
