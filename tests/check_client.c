/* check_client.c — the client API against custrpc-server and against canned broken servers:
 * every error class (local, fault, HTTP/auth, transport, timeout, protocol), read-back with the
 * balance sign undone, trusted mode, and the masked wire trace. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canned_server.h"
#include "check_suites.h"
#include "server_proc.h"
#include "testutil.h"

static struct custrpc_client *client_for(const char *url, const char *user, const char *password)
{
    struct custrpc_client_options o = {
        .url = url, .user = user, .password = password, .timeout_ms = 20000};
    struct custrpc_client *cl;
    struct custrpc_error err;
    ck_assert_msg(custrpc_client_new(&cl, &o, &err) == 0, "%s", err.message);
    return cl;
}

START_TEST(create_and_read_back)
{
    struct server_proc srv;
    server_proc_start(&srv, NULL);
    struct custrpc_client *cl = client_for(srv.url, NULL, NULL);
    struct custrpc_customer c, got;
    struct custrpc_error err;
    customer_full(&c);
    custrpc_customer_unset(&c, CUSTRPC_F_i_wholesaler);
    custrpc_customer_set_double(&c, CUSTRPC_F_balance, 42.5, &err);
    int64_t id = 0, got_id = 0;
    ck_assert_msg(custrpc_client_create(cl, &c, &id, &err) == 0, "%s", err.message);
    ck_assert_int_ge(id, 2);
    ck_assert_msg(custrpc_client_get(cl, id, NULL, 0, &got, &got_id, &err) == 0, "%s", err.message);
    ck_assert_int_eq(got_id, id);
    ck_assert(got.balance == 42.5); /* the wire said -42.5; the API's inversion is undone */
    custrpc_customer_free(&got);
    ck_assert_int_eq(custrpc_client_get(cl, 0, c.name, 0, &got, &got_id, &err), 0);
    ck_assert_int_eq(got_id, id);
    ck_assert_str_eq(got.name, c.name);
    custrpc_customer_free(&got);

    /* The server's fault, with its code and text. */
    custrpc_customer_unset(&c, CUSTRPC_F_web_login);
    ck_assert_int_eq(custrpc_client_create(cl, &c, &id, &err), -1);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_FAULT);
    ck_assert_int_eq(err.code, CUSTRPC_E_DUP_NAME);
    ck_assert_str_eq(err.field, "name");
    ck_assert_int_eq(custrpc_client_get(cl, 99999, NULL, 0, &got, &got_id, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_NOT_FOUND);

    /* Invalid locally: nothing is sent. */
    custrpc_customer_set_int(&c, CUSTRPC_F_customers_mgmt, 9, &err);
    ck_assert_int_eq(custrpc_client_create(cl, &c, &id, &err), -1);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_LOCAL);
    ck_assert_str_eq(err.message, "customers_mgmt: bitmask 9 out of range 0..7");
    custrpc_customer_free(&c);
    custrpc_client_free(cl);
    ck_assert_int_eq(server_proc_stop(&srv), 0);
}
END_TEST

START_TEST(digest)
{
    char dir[] = "/tmp/custrpc-client-XXXXXX", cfg[512];
    server_proc_config(dir, "client-root-pw", "", cfg, sizeof cfg);
    const char *args[] = {"--config", cfg, NULL};
    struct server_proc srv;
    server_proc_start(&srv, args);
    struct custrpc_customer c;
    struct custrpc_error err;
    int64_t id;
    customer_minimal(&c);
    struct custrpc_client *cl = client_for(srv.url, "ssp-root", "client-root-pw");
    ck_assert_msg(custrpc_client_create(cl, &c, &id, &err) == 0, "%s", err.message);
    custrpc_client_free(cl);

    cl = client_for(srv.url, "ssp-root", "wrong");
    custrpc_customer_set_text(&c, CUSTRPC_F_name, "other name", &err);
    ck_assert_int_eq(custrpc_client_create(cl, &c, &id, &err), -1);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_HTTP);
    ck_assert_int_eq(err.code, CUSTRPC_E_AUTH);
    ck_assert_int_eq(err.http_status, 401);
    custrpc_client_free(cl);
    custrpc_customer_free(&c);
    ck_assert_int_eq(server_proc_stop(&srv), 0);
    server_proc_config_remove(dir);
}
END_TEST

START_TEST(trusted)
{
    char dir[] = "/tmp/custrpc-client-XXXXXX", cfg[512];
    server_proc_config(dir, "client-root-pw", "<trusted-host address=\"127.0.0.1\"/>", cfg,
                       sizeof cfg);
    const char *args[] = {"--config", cfg, NULL};
    struct server_proc srv;
    server_proc_start(&srv, args);
    struct custrpc_customer c;
    struct custrpc_error err;
    int64_t parent, id;
    struct custrpc_client *cl = client_for(srv.url, NULL, NULL);
    /* No credentials from a trusted host: i_wholesaler names the parent. */
    customer_minimal(&c);
    custrpc_customer_set_text(&c, CUSTRPC_F_customers_mgmt, "add", &err);
    custrpc_customer_set_int(&c, CUSTRPC_F_i_wholesaler, 1, &err);
    ck_assert_msg(custrpc_client_create(cl, &c, &parent, &err) == 0, "%s", err.message);
    custrpc_customer_set_text(&c, CUSTRPC_F_name, "grandchild", &err);
    custrpc_customer_set_int(&c, CUSTRPC_F_i_wholesaler, parent, &err);
    custrpc_customer_unset(&c, CUSTRPC_F_customers_mgmt);
    ck_assert_msg(custrpc_client_create(cl, &c, &id, &err) == 0, "%s", err.message);
    struct custrpc_customer got;
    int64_t got_id;
    ck_assert_msg(custrpc_client_get(cl, id, NULL, parent, &got, &got_id, &err) == 0, "%s",
                  err.message);
    custrpc_customer_free(&got);
    /* A missing i_wholesaler in trusted mode is the server's fault 1001. */
    custrpc_customer_unset(&c, CUSTRPC_F_i_wholesaler);
    custrpc_customer_set_text(&c, CUSTRPC_F_name, "orphan", &err);
    ck_assert_int_eq(custrpc_client_create(cl, &c, &id, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_MISSING);
    ck_assert_str_eq(err.field, "i_wholesaler");
    custrpc_client_free(cl);
    custrpc_customer_free(&c);
    ck_assert_int_eq(server_proc_stop(&srv), 0);
    server_proc_config_remove(dir);
}
END_TEST

/* What the client reports for a server that answers with these bytes. */
static void expect_broken(const char *reply, int code, int kind, int status)
{
    struct canned_server cs;
    canned_server_start(&cs, reply);
    struct custrpc_client *cl = client_for(cs.url, NULL, NULL);
    struct custrpc_customer c;
    struct custrpc_error err;
    int64_t id;
    customer_minimal(&c);
    ck_assert_int_eq(custrpc_client_create(cl, &c, &id, &err), -1);
    ck_assert_msg(err.code == code && (int)err.kind == kind && err.http_status == status,
                  "code %d kind %d status %d: %s", err.code, err.kind, err.http_status,
                  err.message);
    custrpc_customer_free(&c);
    custrpc_client_free(cl);
    canned_server_stop(&cs);
}

#define XML_200(body)                                                                              \
    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n<?xml "                 \
    "version=\"1.0\"?>" body

START_TEST(broken_servers)
{
    expect_broken("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
                  "<html><body>Internal error</body></html>",
                  CUSTRPC_E_PROTOCOL, CUSTRPC_KIND_TRANSPORT, 0);
    expect_broken(
        XML_200("<methodResponse><params><param><value><struct><member><name>result</name>"
                "<value>ok</value></member><member><name>i_customer</name><value><int>5</int>"
                "</value></member></struct></value></param></params></methodResponse>"),
        CUSTRPC_E_PROTOCOL, CUSTRPC_KIND_TRANSPORT, 0);
    expect_broken(
        XML_200("<methodResponse><params><param><value><struct><member><name>result</name>"
                "<value>OK</value></member><member><name>i_customer</name><value>5"
                "</value></member></struct></value></param></params></methodResponse>"),
        CUSTRPC_E_PROTOCOL, CUSTRPC_KIND_TRANSPORT, 0);
    expect_broken(
        XML_200(
            "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>403"
            "</int></value></member><member><name>faultString</name><value>Account is not "
            "registered</value></member></struct></value></fault></methodResponse>"),
        403, CUSTRPC_KIND_FAULT, 0);
    expect_broken(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        CUSTRPC_E_HTTP, CUSTRPC_KIND_HTTP, 500);
    /* A fault sent with status 500 (some servers do) is still the server's fault. */
    expect_broken(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n"
        "<?xml version=\"1.0\"?><methodResponse><fault><value><struct><member><name>faultCode"
        "</name><value><int>7</int></value></member><member><name>faultString</name><value>"
        "duplicate</value></member></struct></value></fault></methodResponse>",
        7, CUSTRPC_KIND_FAULT, 500);
}
END_TEST

/* A 404 is most often a wrong endpoint path: the C API's message names both real ones. */
START_TEST(not_found_names_the_endpoints)
{
    struct canned_server cs;
    canned_server_start(&cs, "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n"
                             "Connection: close\r\n\r\n<html>Not Found</html>");
    struct custrpc_client *cl = client_for(cs.url, NULL, NULL);
    struct custrpc_customer c;
    struct custrpc_error err;
    int64_t id;
    customer_minimal(&c);
    ck_assert_int_eq(custrpc_client_create(cl, &c, &id, &err), -1);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_HTTP);
    ck_assert_int_eq(err.http_status, 404);
    ck_assert_msg(strstr(err.message, "HTTP 404 from ") &&
                      strstr(err.message, "/RPC2 (custrpc-server, Sippy)") &&
                      strstr(err.message, "/xmlapi/xmlapi (Sippy's XML API)"),
                  "%s", err.message);
    custrpc_customer_free(&c);
    custrpc_client_free(cl);
    canned_server_stop(&cs);
}
END_TEST

/* A getCustomerInfo answer read through the client's own decoder: decimals exactly as strtod
 * reads them (xmlrpc-c 1.33's parser is one unit in the last place off for 33.333333333), and
 * an answer nested without bound refused, not recursed into. */
START_TEST(answers_decoded_safely)
{
    struct canned_server cs;
    canned_server_start(
        &cs, XML_200("<methodResponse><params><param><value><struct><member><name>result</name>"
                     "<value>OK</value></member><member><name>customer</name><value><struct>"
                     "<member><name>i_customer</name><value><int>7</int></value></member>"
                     "<member><name>credit_limit</name><value><double>33.333333333</double>"
                     "</value></member></struct></value></member></struct></value></param>"
                     "</params></methodResponse>"));
    struct custrpc_client *cl = client_for(cs.url, NULL, NULL);
    struct custrpc_customer c;
    struct custrpc_error err;
    int64_t id;
    ck_assert_msg(custrpc_client_get(cl, 7, NULL, 0, &c, &id, &err) == 0, "%s", err.message);
    ck_assert(c.credit_limit == strtod("33.333333333", NULL));
    custrpc_customer_free(&c);
    custrpc_client_free(cl);
    canned_server_stop(&cs);

    static char deep[200000];
    char *end = deep + sprintf(deep, "%s", XML_200("<methodResponse><params><param><value>"));
    for (int i = 0; i < 5000; i++)
        end += sprintf(end, "<array><data><value>");
    expect_broken(deep, CUSTRPC_E_PROTOCOL, CUSTRPC_KIND_TRANSPORT, 0);
}
END_TEST

START_TEST(transport_failures)
{
    /* A port nobody listens on. */
    struct canned_server cs;
    canned_server_start(&cs, "");
    char url[64];
    snprintf(url, sizeof url, "%s", cs.url);
    canned_server_stop(&cs);
    struct custrpc_client *cl = client_for(url, NULL, NULL);
    struct custrpc_customer c;
    struct custrpc_error err;
    int64_t id;
    customer_minimal(&c);
    ck_assert_int_eq(custrpc_client_create(cl, &c, &id, &err), -1);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_TRANSPORT);
    ck_assert_int_eq(err.code, CUSTRPC_E_CONNECT); /* refused: nothing was sent */
    custrpc_client_free(cl);

    /* A server that never answers. */
    canned_server_start(&cs, NULL);
    struct custrpc_client_options o = {.url = cs.url, .timeout_ms = 1000};
    ck_assert_int_eq(custrpc_client_new(&cl, &o, &err), 0);
    ck_assert_int_eq(custrpc_client_create(cl, &c, &id, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_TIMEOUT);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_TRANSPORT);
    custrpc_client_free(cl);
    canned_server_stop(&cs);
    custrpc_customer_free(&c);
}
END_TEST

START_TEST(trace_masks_passwords)
{
    struct server_proc srv;
    server_proc_start(&srv, NULL);
    FILE *trace = tmpfile();
    struct custrpc_client_options o = {.url = srv.url, .trace = trace};
    struct custrpc_client *cl;
    struct custrpc_error err;
    ck_assert_int_eq(custrpc_client_new(&cl, &o, &err), 0);
    struct custrpc_customer c;
    customer_minimal(&c);
    custrpc_customer_set_text(&c, CUSTRPC_F_web_password, "Sekrit-web-42", &err);
    custrpc_customer_set_text(&c, CUSTRPC_F_api_password, "Sekrit-api-42", &err);
    int64_t id;
    ck_assert_int_eq(custrpc_client_create(cl, &c, &id, &err), 0);
    char text[8192] = "";
    rewind(trace);
    size_t n = fread(text, 1, sizeof text - 1, trace);
    text[n] = '\0';
    ck_assert_ptr_null(strstr(text, "Sekrit"));
    ck_assert_ptr_nonnull(strstr(text, "<name>web_password</name>"));
    ck_assert_ptr_nonnull(strstr(text, "********"));
    ck_assert_ptr_nonnull(strstr(text, "<name>i_customer</name>"));
    fclose(trace);
    custrpc_customer_free(&c);
    custrpc_client_free(cl);
    ck_assert_int_eq(server_proc_stop(&srv), 0);
}
END_TEST

/* The failure path of a first program: a handle that could not be made is NULL, every free
 * takes NULL, and a call on a NULL handle is an error that sends nothing, not a crash. */
START_TEST(failed_new_is_safe)
{
    struct custrpc_client *cl = (struct custrpc_client *)&cl; /* garbage, as uninitialised */
    struct custrpc_error err;
    const struct custrpc_client_options empty = {.url = ""}, none = {.url = NULL};
    ck_assert_int_eq(custrpc_client_new(&cl, &empty, &err), -1);
    ck_assert_ptr_null(cl);
    ck_assert_int_eq(err.code, CUSTRPC_E_CONNECT);
    ck_assert_str_eq(err.message, "no server URL");
    cl = (struct custrpc_client *)&cl;
    ck_assert_int_eq(custrpc_client_new(&cl, &none, &err), -1);
    ck_assert_ptr_null(cl);
    cl = (struct custrpc_client *)&cl;
    ck_assert_int_eq(custrpc_client_new(&cl, NULL, &err), -1);
    ck_assert_ptr_null(cl);
    ck_assert_int_eq(custrpc_client_new(NULL, &empty, &err), -1);

    struct custrpc_customer c;
    int64_t id = 0;
    customer_minimal(&c);
    ck_assert_int_eq(custrpc_client_create(NULL, &c, &id, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_CONNECT);
    ck_assert_int_eq(custrpc_client_delete(NULL, 2, 0, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_CONNECT);
    custrpc_customer_free(&c);

    custrpc_client_free(NULL);
    custrpc_customer_free(NULL);
    custrpc_msg_free(&custrpc_customer_message, NULL);
    custrpc_customer_list_free(NULL);
    custrpc_extras_free(NULL);

    struct custrpc_partner_session *s = (struct custrpc_partner_session *)&s;
    const struct custrpc_partner_options po = {.url = ""};
    ck_assert_int_eq(custrpc_partner_session_new(&s, &po, &err), -1);
    ck_assert_ptr_null(s);
    s = (struct custrpc_partner_session *)&s;
    ck_assert_int_eq(custrpc_partner_session_new(&s, NULL, &err), -1);
    ck_assert_ptr_null(s);
    custrpc_partner_session_free(NULL);
}
END_TEST

Suite *client_suite(void)
{
    Suite *s = suite_create("client");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, create_and_read_back);
    tcase_add_test(tc, digest);
    tcase_add_test(tc, trusted);
    tcase_add_test(tc, broken_servers);
    tcase_add_test(tc, not_found_names_the_endpoints);
    tcase_add_test(tc, answers_decoded_safely);
    tcase_add_test(tc, transport_failures);
    tcase_add_test(tc, trace_masks_passwords);
    tcase_add_test(tc, failed_new_is_safe);
    suite_add_tcase(s, tc);
    return s;
}
