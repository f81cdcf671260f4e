/* check_wire.c — the createCustomer request document read back by an independent XML parser
 * (libxml2 + XPath): element names and XML-RPC types per member as the spec file states them,
 * not as the table does, so a table/marshaling drift shows here. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "check_suites.h"
#include "testutil.h"

struct wire_doc {
    xmlDocPtr doc;
    xmlXPathContextPtr xpath;
};

static void wire_parse(struct wire_doc *w, const struct custrpc_customer *c)
{
    char *xml;
    size_t len;
    struct custrpc_error err;
    ck_assert_msg(custrpc_create_request_xml(c, &xml, &len, &err) == 0, "%s", err.message);
    w->doc = xmlReadMemory(xml, (int)len, "request.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOENT);
    ck_assert_msg(w->doc != NULL, "libxml2 cannot parse the request:\n%s", xml);
    w->xpath = xmlXPathNewContext(w->doc);
    free(xml);
}

static void wire_free(struct wire_doc *w)
{
    xmlXPathFreeContext(w->xpath);
    xmlFreeDoc(w->doc);
}

/* The string value of an XPath expression (as XPath's string() gives it); caller frees. */
static char *xpath_string(struct wire_doc *w, const char *expr)
{
    char wrapped[1024];
    snprintf(wrapped, sizeof wrapped, "string(%.1000s)", expr);
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)wrapped, w->xpath);
    ck_assert_msg(o != NULL, "bad XPath %s", expr);
    char *s = strdup((const char *)o->stringval);
    xmlXPathFreeObject(o);
    return s;
}

static double xpath_number(struct wire_doc *w, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, w->xpath);
    ck_assert_msg(o != NULL, "bad XPath %s", expr);
    double d = xmlXPathCastToNumber(o);
    xmlXPathFreeObject(o);
    return d;
}

#define MEMBER_VALUE "/methodCall/params/param/value/struct/member[name='%.63s']/value"

START_TEST(request_envelope)
{
    struct custrpc_customer c;
    struct wire_doc w;
    customer_minimal(&c);
    wire_parse(&w, &c);
    char *method = xpath_string(&w, "/methodCall/methodName");
    ck_assert_str_eq(method, "createCustomer");
    free(method);
    ck_assert(xpath_number(&w, "count(/methodCall/params/param)") == 1);
    ck_assert(xpath_number(&w, "count(/methodCall/params/param/value/struct)") == 1);
    ck_assert(xpath_number(&w, "count(/methodCall/params/param/value/struct/member)") == 3);
    wire_free(&w);
    custrpc_customer_free(&c);
}
END_TEST

/* Every member of a full request has the type the spec gives it, carries the example's value,
 * and nothing else is in the struct. */
START_TEST(every_member_typed_as_spec)
{
    struct spec_field spec[128];
    size_t n = spec_fields_load(spec, 128);
    struct custrpc_customer c;
    struct wire_doc w;
    customer_full(&c);
    wire_parse(&w, &c);
    ck_assert(xpath_number(&w, "count(/methodCall/params/param/value/struct/member)") == (double)n);
    for (size_t i = 0; i < n; i++) {
        char expr[256];
        snprintf(expr, sizeof expr, "count(" MEMBER_VALUE "/*)", spec[i].name);
        ck_assert_msg(xpath_number(&w, expr) == 1, "%s: not exactly one typed value", spec[i].name);
        /* <i4> and <int> are the same type in XML-RPC; xmlrpc-c writes <i4>. */
        const char *type =
            strcmp(spec[i].type, "int") == 0 ? "*[self::int or self::i4]" : spec[i].type;
        snprintf(expr, sizeof expr, "count(" MEMBER_VALUE "/%.40s)", spec[i].name, type);
        ck_assert_msg(xpath_number(&w, expr) == 1, "%s: not sent as <%s>", spec[i].name,
                      spec[i].type);

        /* The text on the wire is the example's value in XML-RPC's own notation. */
        const struct custrpc_field *f = custrpc_field_find(spec[i].name);
        snprintf(expr, sizeof expr, MEMBER_VALUE "/%.40s", spec[i].name, type);
        char *text = xpath_string(&w, expr);
        char want[256];
        struct custrpc_error err;
        if (strcmp(spec[i].type, "string") == 0) {
            ck_assert_str_eq(text, f->example);
        } else if (strcmp(spec[i].type, "boolean") == 0) {
            custrpc_customer_format(&c, f->id, want, sizeof want, &err);
            ck_assert_str_eq(text, strcmp(want, "yes") == 0 ? "1" : "0");
        } else {
            double on_wire = strtod(text, NULL), in_model = 0;
            if (f->type == CUSTRPC_TYPE_INT) {
                int64_t v;
                custrpc_customer_get_int(&c, f->id, &v, &err);
                in_model = (double)v;
            } else {
                custrpc_customer_get_double(&c, f->id, &in_model, &err);
            }
            ck_assert_msg(on_wire == in_model, "%s: wire %s, model %g", spec[i].name, text,
                          in_model);
        }
        free(text);
    }
    wire_free(&w);
    custrpc_customer_free(&c);
}
END_TEST

START_TEST(nil_and_absent)
{
    struct custrpc_customer c;
    struct custrpc_error err;
    struct wire_doc w;
    customer_minimal(&c);
    custrpc_customer_set_nil(&c, CUSTRPC_F_i_tariff, &err);
    custrpc_customer_set_nil(&c, CUSTRPC_F_max_sessions, &err);
    wire_parse(&w, &c);
    ck_assert(xpath_number(&w,
                           "count("
                           "/methodCall/params/param/value/struct/member[name='i_tariff']/value/nil"
                           ")") == 1);
    ck_assert(
        xpath_number(
            &w,
            "count(/methodCall/params/param/value/struct/member[name='max_sessions']/value/nil)") ==
        1);
    ck_assert(
        xpath_number(
            &w,
            "count(/methodCall/params/param/value/struct/member[name='max_calls_per_second'])") ==
        0);
    ck_assert(xpath_number(&w, "count(/methodCall/params/param/value/struct/member)") == 4);
    wire_free(&w);
    custrpc_customer_free(&c);
}
END_TEST

/* Markup characters and non-ASCII text arrive byte for byte after an independent parse. */
START_TEST(text_escaping)
{
    static const char *const names[] = {
        "Zeus & Sons",
        "<script>alert(1)</script>",
        "a ]]> b",
        "quote \" and ' apostrophe",
        "\xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1 \xe2\x82\xac \xef\xbf\xbd",
        "x&amp;y",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct custrpc_customer c;
        struct custrpc_error err;
        struct wire_doc w;
        customer_minimal(&c);
        custrpc_customer_set_string(&c, CUSTRPC_F_name, names[i], &err);
        custrpc_customer_set_string(&c, CUSTRPC_F_description, "line one\nline two\ttab", &err);
        wire_parse(&w, &c);
        char *got = xpath_string(
            &w, "/methodCall/params/param/value/struct/member[name='name']/value/string");
        ck_assert_str_eq(got, names[i]);
        free(got);
        got = xpath_string(
            &w, "/methodCall/params/param/value/struct/member[name='description']/value/string");
        ck_assert_str_eq(got, "line one\nline two\ttab");
        free(got);
        wire_free(&w);
        custrpc_customer_free(&c);
    }
}
END_TEST

Suite *wire_suite(void)
{
    Suite *s = suite_create("wire");
    TCase *tc = tcase_create("libxml2");
    tcase_add_test(tc, request_envelope);
    tcase_add_test(tc, every_member_typed_as_spec);
    tcase_add_test(tc, nil_and_absent);
    tcase_add_test(tc, text_escaping);
    suite_add_tcase(s, tc);
    return s;
}
