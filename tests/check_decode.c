/* check_decode.c — the XML-RPC decoder (lib/xmlrpc_decode.c): every document of
 * tests/data/decode decodes to the outcome its file name starts with (0, or the fault code),
 * then the limits at their edges, exact numbers, responses, and secrets kept out of messages. */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/xmlrpc.h>

#include "check_suites.h"
#include "testutil.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    ck_assert_msg(fp != NULL, "cannot open %s", path);
    char *buf = malloc(1 << 16);
    *len = fread(buf, 1, 1 << 16, fp);
    fclose(fp);
    return buf;
}

/* The code custrpc_xmlrpc_parse_call gives a document: 0 or the error's code. */
static int decode_code(const char *xml, size_t len, struct custrpc_error *err)
{
    char *method = NULL;
    xmlrpc_value *params = NULL;
    if (custrpc_xmlrpc_parse_call(xml, len, &method, &params, err) < 0) {
        ck_assert_ptr_null(method);
        ck_assert_ptr_null(params);
        return err->code;
    }
    ck_assert_ptr_nonnull(method);
    ck_assert_int_eq(xmlrpc_value_type(params), XMLRPC_TYPE_ARRAY);
    free(method);
    xmlrpc_DECREF(params);
    return 0;
}

START_TEST(test_data_directory)
{
    const char *dir = CUSTRPC_TEST_DATA "/decode";
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    int seen = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strstr(e->d_name, ".xml"))
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        char *xml = slurp(path, &len);
        struct custrpc_error err = {0};
        int want = atoi(e->d_name), got = decode_code(xml, len, &err);
        ck_assert_msg(got == want, "%s: expected %d, got %d (%s)", e->d_name, want, got,
                      err.message);
        free(xml);
        seen++;
    }
    closedir(d);
    ck_assert_int_ge(seen, 30);
}
END_TEST

/* A createCustomer-shaped call whose param is `levels` nested arrays around inner. */
static char *nested(int levels, const char *inner)
{
    size_t n = 200 + (size_t)levels * 60 + strlen(inner);
    char *s = malloc(n), *p = s;
    p += sprintf(p, "<methodCall><methodName>m</methodName><params><param><value>");
    for (int i = 0; i < levels; i++)
        p += sprintf(p, "<array><data><value>");
    p += sprintf(p, "%s", inner);
    for (int i = 0; i < levels; i++)
        p += sprintf(p, "</value></data></array>");
    sprintf(p, "</value></param></params></methodCall>");
    return s;
}

START_TEST(test_depth_limit_edge)
{
    /* methodCall, params, param, value: 4 elements; each array level adds 3. */
    struct custrpc_error err;
    char *at = nested(20, "1"), *over = nested(20, "<int>1</int>");
    ck_assert_int_eq(decode_code(at, strlen(at), &err), 0);
    ck_assert_int_eq(decode_code(over, strlen(over), &err), CUSTRPC_E_TOO_LARGE);
    ck_assert_str_eq(err.message, "XML nested deeper than 64 elements");
    free(at);
    free(over);
}
END_TEST

START_TEST(test_member_limit_edge)
{
    size_t cap = 100 + (size_t)(CUSTRPC_XML_MAX_MEMBERS + 1) * 64;
    for (int n = CUSTRPC_XML_MAX_MEMBERS; n <= CUSTRPC_XML_MAX_MEMBERS + 1; n++) {
        char *s = malloc(cap), *p = s;
        p += sprintf(p, "<methodCall><methodName>m</methodName><params><param><value><struct>");
        for (int i = 0; i < n; i++)
            p += sprintf(p, "<member><name>m%d</name><value>1</value></member>", i);
        sprintf(p, "</struct></value></param></params></methodCall>");
        struct custrpc_error err;
        ck_assert_int_eq(decode_code(s, strlen(s), &err),
                         n > CUSTRPC_XML_MAX_MEMBERS ? CUSTRPC_E_TOO_LARGE : 0);
        free(s);
    }
}
END_TEST

/* The double a <double> text decodes to. */
static double decoded_double(const char *text)
{
    char xml[256];
    snprintf(xml, sizeof xml,
             "<methodCall><methodName>m</methodName><params><param><value><double>%s</double>"
             "</value></param></params></methodCall>",
             text);
    char *method;
    xmlrpc_value *params, *v;
    struct custrpc_error err;
    ck_assert_msg(custrpc_xmlrpc_parse_call(xml, strlen(xml), &method, &params, &err) == 0, "%s",
                  err.message);
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    double d;
    xmlrpc_array_read_item(&env, params, 0, &v);
    xmlrpc_read_double(&env, v, &d);
    ck_assert(!env.fault_occurred);
    xmlrpc_DECREF(v);
    xmlrpc_DECREF(params);
    free(method);
    return d;
}

START_TEST(test_doubles_exact)
{
    static const char *const texts[] = {
        "33.333333333",           "0.1",     "-0.25", "100", "12.5", "1e-05",
        "1.7976931348623157e308", "4.9e-324"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        ck_assert_msg(decoded_double(texts[i]) == strtod(texts[i], NULL), "%s", texts[i]);
}
END_TEST

START_TEST(test_responses)
{
    static const char ok[] = "<methodResponse><params><param><value><struct><member><name>result"
                             "</name><value>OK</value></member></struct></value></param></params>"
                             "</methodResponse>";
    static const char fault[] = "<methodResponse><fault><value><struct><member><name>faultCode"
                                "</name><value><int>1010</int></value></member><member><name>"
                                "faultString</name><value>name: exists</value></member></struct>"
                                "</value></fault></methodResponse>";
    static const char two[] = "<methodResponse><params><param><value>1</value></param><param>"
                              "<value>2</value></param></params></methodResponse>";
    xmlrpc_value *result;
    int code;
    char *text;
    struct custrpc_error err;
    ck_assert_int_eq(custrpc_xmlrpc_parse_response(ok, strlen(ok), &result, &code, &text, &err), 0);
    ck_assert_int_eq(xmlrpc_value_type(result), XMLRPC_TYPE_STRUCT);
    ck_assert_int_eq(code, 0);
    xmlrpc_DECREF(result);
    ck_assert_int_eq(
        custrpc_xmlrpc_parse_response(fault, strlen(fault), &result, &code, &text, &err), 0);
    ck_assert_ptr_null(result);
    ck_assert_int_eq(code, 1010);
    ck_assert_str_eq(text, "name: exists");
    free(text);
    ck_assert_int_eq(custrpc_xmlrpc_parse_response(two, strlen(two), &result, &code, &text, &err),
                     -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_REQUEST);
    char *method;
    ck_assert_int_eq(custrpc_xmlrpc_parse_call(ok, strlen(ok), &method, &result, &err), -1);
}
END_TEST

START_TEST(test_secret_values_not_quoted)
{
    static const char *const values[] = {"<int>S3CRETX</int>", "<double>S3CRETX</double>",
                                         "<boolean>S3CRETX</boolean>", "<i8>S3CRETX</i8>",
                                         "<dateTime.iso8601>S3CRETX</dateTime.iso8601>"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char xml[512];
        snprintf(xml, sizeof xml,
                 "<methodCall><methodName>createCustomer</methodName><params><param><value><struct>"
                 "<member><name>api_password</name><value>%s</value></member></struct></value>"
                 "</param></params></methodCall>",
                 values[i]);
        struct custrpc_error err;
        ck_assert_int_eq(decode_code(xml, strlen(xml), &err), CUSTRPC_E_REQUEST);
        ck_assert_str_eq(err.field, "api_password");
        ck_assert_msg(!strstr(err.message, "S3CRETX"), "%s", err.message);
        /* The same shape in a member that is not secret shows the value, for debugging. */
        char *other = strstr(xml, "api_password");
        memcpy(other, "description_", 12);
        ck_assert_int_eq(decode_code(xml, strlen(xml), &err), CUSTRPC_E_REQUEST);
        ck_assert_msg(strstr(err.message, "S3CRETX"), "%s", err.message);
    }
}
END_TEST

static const struct custrpc_message *select_create(void *ctx, const char *method)
{
    (void)ctx;
    return strcmp(method, "createCustomer") == 0 ? &custrpc_customer_message : NULL;
}

/* A createCustomer body read straight into the struct and through the value tree. */
static void both_paths(const char *xml, size_t len, int want)
{
    struct custrpc_call call;
    struct custrpc_error err;
    int rc = custrpc_xmlrpc_decode_call(xml, len, select_create, NULL, &call, &err);
    ck_assert_msg(rc == 0 ? want == 0 : err.code == want, "direct: want %d, got %d (%s)", want,
                  rc ? err.code : 0, err.message);
    if (rc < 0) {
        custrpc_call_free(&call); /* the method name, read before the failure */
        return;
    }
    ck_assert_ptr_eq(call.request, &custrpc_customer_message);
    char *method;
    xmlrpc_value *params, *arg;
    ck_assert_int_eq(custrpc_xmlrpc_parse_call(xml, len, &method, &params, &err), 0);
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_array_read_item(&env, params, 0, &arg);
    struct custrpc_customer tree;
    custrpc_customer_init(&tree);
    ck_assert_int_eq(custrpc_customer_from_value(&tree, arg, 0, &err), 0);
    ck_assert(custrpc_customer_equal(&tree, call.message));
    custrpc_customer_free(&tree);
    xmlrpc_DECREF(arg);
    xmlrpc_DECREF(params);
    free(method);
    custrpc_call_free(&call);
}

START_TEST(test_direct_decoding)
{
    static const char head[] = "<methodCall><methodName>createCustomer</methodName><params>";
    char xml[2048];
    /* Arguments are evaluated in no set order: the document is written first, then measured. */
#define CALL(params) snprintf(xml, sizeof xml, "%s%s</params></methodCall>", head, params)
    CALL("<param><value><struct><member><name>name</name><value>A &amp; B</value>"
         "</member><member><name>i_tariff</name><value><nil/></value></member><member>"
         "<name>balance</name><value><int>3</int></value></member><member><name>"
         "callshop_enabled</name><value><boolean>1</boolean></value></member><member>"
         "<name>description</name><value><string><![CDATA[a\r\nb]]></string></value>"
         "</member></struct></value></param>");
    both_paths(xml, strlen(xml), 0);
    CALL("<param><value><struct><member><name>nickname</name><value>x</value>"
         "</member></struct></value></param>");
    both_paths(xml, strlen(xml), CUSTRPC_E_UNKNOWN);
    CALL("<param><value><struct><member><name>name</name><value>x</value></member>"
         "<member><name>name</name><value>y</value></member></struct></value></param>");
    both_paths(xml, strlen(xml), CUSTRPC_E_DUPLICATE);
    CALL("<param><value><struct><member><name>i_tariff</name><value>1</value>"
         "</member></struct></value></param>");
    both_paths(xml, strlen(xml), CUSTRPC_E_TYPE);
    CALL("<param><value><struct><member><name>max_depth</name><value><nil/></value>"
         "</member></struct></value></param>");
    both_paths(xml, strlen(xml), CUSTRPC_E_TYPE);
    CALL("<param><value><struct><member><name>i_tariff</name><value><i8>9999999999"
         "</i8></value></member></struct></value></param>");
    both_paths(xml, strlen(xml), CUSTRPC_E_VALUE);
    CALL("");
    both_paths(xml, strlen(xml), CUSTRPC_E_PARAMS);
    CALL("<param><value><array><data/></array></value></param>");
    both_paths(xml, strlen(xml), CUSTRPC_E_PARAMS);
    CALL("<param><value><struct/></value></param><param><value><struct/></value></param>");
    both_paths(xml, strlen(xml), CUSTRPC_E_PARAMS);
    /* Two params are -32602 whatever the first one holds (a wrong type, an unknown member), as
     * on the value-tree path: the struct's own faults wait until the params are known. */
    CALL("<param><value><struct><member><name>description</name><value><int>1</int></value>"
         "</member></struct></value></param><param><value><struct/></value></param>");
    both_paths(xml, strlen(xml), CUSTRPC_E_PARAMS);
    CALL("<param><value><struct><member><name>nickname</name><value>x</value></member>"
         "<member><name>name</name><value>y</value></member></struct></value></param>"
         "<param><value>2</value></param>");
    both_paths(xml, strlen(xml), CUSTRPC_E_PARAMS);
#undef CALL
    /* A method without a descriptor keeps its value tree (system.multicall, say). */
    static const char other[] = "<methodCall><methodName>system.listMethods</methodName>"
                                "</methodCall>";
    struct custrpc_call call;
    ck_assert_int_eq(
        custrpc_xmlrpc_decode_call(other, strlen(other), select_create, NULL, &call, NULL), 0);
    ck_assert_ptr_null(call.request);
    ck_assert_int_eq(xmlrpc_value_type(call.params), XMLRPC_TYPE_ARRAY);
    custrpc_call_free(&call);
}
END_TEST

static const struct custrpc_message *select_update(void *ctx, const char *method)
{
    (void)ctx;
    return strcmp(method, "updateCustomer") == 0 ? &custrpc_update_request_message : NULL;
}

/* updateCustomer's request: i_customer beside an inline customer, read on both paths alike,
 * written back flat. */
START_TEST(test_inline_members)
{
    static const char xml[] =
        "<methodCall><methodName>updateCustomer</methodName><params><param><value><struct>"
        "<member><name>name</name><value>New</value></member><member><name>i_customer</name>"
        "<value><int>7</int></value></member><member><name>balance</name><value><double>1.5"
        "</double></value></member></struct></value></param></params></methodCall>";
    struct custrpc_call call;
    struct custrpc_error err;
    ck_assert_msg(custrpc_xmlrpc_decode_call(xml, strlen(xml), select_update, NULL, &call, &err) ==
                      0,
                  "%s", err.message);
    const struct custrpc_update_request *r = call.message;
    ck_assert_int_eq(r->i_customer, 7);
    ck_assert_str_eq(r->changes.name, "New");
    ck_assert(r->changes.balance == 1.5);
    ck_assert_int_eq(r->presence[1], CUSTRPC_SET);
    /* The tree path reads the same. */
    char *method;
    xmlrpc_value *params, *arg, *back;
    ck_assert_int_eq(custrpc_xmlrpc_parse_call(xml, strlen(xml), &method, &params, &err), 0);
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_array_read_item(&env, params, 0, &arg);
    struct custrpc_update_request tree;
    custrpc_msg_init(&custrpc_update_request_message, &tree);
    ck_assert_int_eq(custrpc_msg_from_value(&custrpc_update_request_message, &tree, arg, 0, &err),
                     0);
    ck_assert(custrpc_msg_equal(&custrpc_update_request_message, &tree, r));
    /* Written back flat: three members, no "changes". */
    ck_assert_int_eq(custrpc_msg_to_value(&custrpc_update_request_message, r, &back, &err), 0);
    ck_assert_int_eq(xmlrpc_struct_size(&env, back), 3);
    ck_assert(!xmlrpc_struct_has_key(&env, back, "changes"));
    const char *required[] = {"i_customer", NULL};
    ck_assert_int_eq(custrpc_msg_validate(&custrpc_update_request_message, r, required, &err), 0);
    xmlrpc_DECREF(back);
    custrpc_msg_free(&custrpc_update_request_message, &tree);
    xmlrpc_DECREF(arg);
    xmlrpc_DECREF(params);
    free(method);
    custrpc_call_free(&call);
    /* Unknown and repeated members of the inline part are refused as at the top level. */
    static const char twice[] =
        "<methodCall><methodName>updateCustomer</methodName><params><param><value><struct>"
        "<member><name>name</name><value>a</value></member><member><name>name</name><value>b"
        "</value></member></struct></value></param></params></methodCall>";
    ck_assert_int_eq(
        custrpc_xmlrpc_decode_call(twice, strlen(twice), select_update, NULL, &call, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_DUPLICATE);
    custrpc_call_free(&call);
}
END_TEST

Suite *decode_suite(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_data_directory);
    tcase_add_test(tc, test_depth_limit_edge);
    tcase_add_test(tc, test_member_limit_edge);
    tcase_add_test(tc, test_doubles_exact);
    tcase_add_test(tc, test_responses);
    tcase_add_test(tc, test_secret_values_not_quoted);
    tcase_add_test(tc, test_direct_decoding);
    tcase_add_test(tc, test_inline_members);
    suite_add_tcase(s, tc);
    return s;
}
