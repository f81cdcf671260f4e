/* check_json.c — the partner messages through the JSON codec and the JSON-RPC envelope: the
 * vendor's own AddPartner sample (Country directly in partnerInfo, createDefaultAccount
 * omitted) reads, normalises and validates; every JSON the API text calls invalid is refused
 * with a position; errors name the member and list the allowed names. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <custrpc/custrpc.h>
#include <custrpc/json.h>

#include "check_suites.h"

/* The vendor reference page's sample request, byte for byte but for the visa. */
static const char vendor_sample[] = "{\n"
                                    "    \"id\": \"jsonrpc\",\n"
                                    "    \"visa\": \"V\",\n"
                                    "    \"method\": \"AddPartner\",\n"
                                    "    \"jsonrpc\": \"2.0\",\n"
                                    "    \"params\": {\n"
                                    "\t\"partnerInfo\": {\n"
                                    "\t    \"ParentId\": 12345,\n"
                                    "\t    \"Name\": \"Zeus & Sons\",\n"
                                    "\t    \"Level\": \"EndCustomer\",\n"
                                    "\t    \"ServiceType\": \"AllInclusive\",\n"
                                    "\t    \"ChildServiceTypes\": [\n"
                                    "\t\t\"AllInclusive\"\n"
                                    "\t    ],\n"
                                    "\t    \"Country\": \"Greece\"\n"
                                    "\t    }\n"
                                    "    }\n"
                                    "}";

static int read_params(const char *text, struct custrpc_partner_params *p,
                       struct custrpc_error *err)
{
    struct custrpc_jsonrpc_request rq;
    int rc = custrpc_jsonrpc_parse_request(text, strlen(text), &rq, err);
    custrpc_msg_init(&custrpc_add_partner_params_message, p);
    if (rc == 0)
        rc = custrpc_msg_from_json(&custrpc_add_partner_params_message, p, rq.params, NULL, err);
    custrpc_jsonrpc_request_free(&rq);
    return rc;
}

START_TEST(vendor_sample_reads_and_normalises)
{
    struct custrpc_error err;
    struct custrpc_partner_params p;
    ck_assert_int_eq(read_params(vendor_sample, &p, &err), 0);
    ck_assert_int_eq(custrpc_msg_validate(&custrpc_add_partner_params_message, &p,
                                          custrpc_add_partner_params_required, &err),
                     0);
    struct custrpc_partner_info *pi = &p.partner_info;
    ck_assert_str_eq(pi->name, "Zeus & Sons");
    ck_assert_int_eq(pi->parent_id, 12345);
    ck_assert_int_eq(pi->level, CUSTRPC_LEVEL_ENDCUSTOMER);
    ck_assert_int_eq(pi->child_service_types, 1 << 1); /* AllInclusive */
    ck_assert_str_eq(pi->country, "Greece");
    custrpc_partner_normalize(pi);
    ck_assert_ptr_null(pi->country);
    ck_assert_str_eq(pi->company.post_address.country, "Greece");
    ck_assert_int_eq(custrpc_country_location("Greece", NULL), custrpc_country_location("gr", NULL));
    ck_assert_int_ne(custrpc_country_location("GR", NULL), 0);
    ck_assert_int_eq(custrpc_country_location("Atlantis", NULL), 0);

    /* Written back: Country is gone, Company.PostAddress.Country answers it. */
    json_t *j = custrpc_msg_to_json(&custrpc_partner_info_message, pi);
    char *text = json_dumps(j, JSON_COMPACT);
    ck_assert_str_eq(text, "{\"ParentId\":12345,\"Name\":\"Zeus & Sons\",\"Level\":\"EndCustomer\","
                           "\"ServiceType\":\"AllInclusive\",\"ChildServiceTypes\":[\"AllInclusive\"],"
                           "\"Company\":{\"PostAddress\":{\"Country\":\"Greece\"}}}");
    free(text);
    json_decref(j);
    custrpc_msg_free(&custrpc_add_partner_params_message, &p);
}
END_TEST

START_TEST(round_trip_every_member)
{
    const char *in = "{\"Id\":7,\"ParentId\":1,\"Name\":\"n\",\"Level\":\"Reseller\","
                     "\"ServiceType\":\"SoftwareOnly\",\"ChildServiceTypes\":[\"AllInclusive\","
                     "\"SoftwareOnly\"],\"State\":\"InTrial\",\"DeviceCountry\":\"DE\","
                     "\"LocationId\":1,\"Flags\":[\"HasCustomBranding\",\"CanInvoiceOthers\"],"
                     "\"Company\":{\"PostAddress\":{\"Country\":\"DE\",\"State\":\"BY\","
                     "\"District\":\"d\",\"City\":\"M\\u00fcnchen\",\"ZipCode\":\"80331\","
                     "\"Address\":\"a\"},\"PhoneNumber\":\"p\",\"FaxNumber\":\"f\","
                     "\"WebsiteAddress\":\"w\",\"LegalCompanyName\":\"l\","
                     "\"ChamberOfCommerceNumber\":\"c\",\"VatNumber\":\"v\","
                     "\"BankAccountNumber\":\"b\",\"BillingContactPersonId\":\"i\"},"
                     "\"TrialRegistrationTime\":1535673599,\"TrialExpirationTime\":4102444800,"
                     "\"AdvancedPartnerProperties\":{\"RegionId\":3,\"ResponsibleUserId\":4}}";
    struct custrpc_error err;
    json_t *j = custrpc_json_parse(in, strlen(in), NULL, &err);
    ck_assert_ptr_nonnull(j);
    struct custrpc_partner_info p;
    custrpc_msg_init(&custrpc_partner_info_message, &p);
    ck_assert_int_eq(custrpc_msg_from_json(&custrpc_partner_info_message, &p, j, NULL, &err), 0);
    ck_assert_int_eq(custrpc_msg_validate(&custrpc_partner_info_message, &p, NULL, &err), 0);
    ck_assert_int_eq(p.trial_expiration_time, 4102444800LL); /* beyond 32 bits */
    json_t *back = custrpc_msg_to_json(&custrpc_partner_info_message, &p);
    ck_assert(json_equal(j, back));
    json_decref(back);
    json_decref(j);
    custrpc_msg_free(&custrpc_partner_info_message, &p);
}
END_TEST

static void expect_member_error(const char *partner_info, int code, const char *field,
                                const char *text)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"AddPartner\",\"params\":{"
             "\"partnerInfo\":%s}}",
             partner_info);
    struct custrpc_error err;
    struct custrpc_partner_params p;
    int rc = read_params(body, &p, &err);
    if (rc == 0)
        rc = custrpc_msg_validate(&custrpc_add_partner_params_message, &p,
                                  custrpc_add_partner_params_required, &err);
    custrpc_msg_free(&custrpc_add_partner_params_message, &p);
    ck_assert_msg(rc == -1, "%s was accepted", partner_info);
    ck_assert_int_eq(err.code, code);
    ck_assert_str_eq(err.field, field);
    ck_assert_msg(strstr(err.message, text), "%s: \"%s\" lacks \"%s\"", partner_info, err.message,
                  text);
}

START_TEST(member_errors_name_the_member)
{
    expect_member_error("{\"Name\":\"x\",\"Level\":\"Boss\"}", CUSTRPC_E_VALUE,
                        "partnerInfo.Level",
                        "Undefined, Root, SubRoot, Distributor, SubDistributor, Reseller, "
                        "EndCustomer, Site");
    expect_member_error("{\"Name\":\"x\",\"Level\":\"reseller\"}", CUSTRPC_E_VALUE,
                        "partnerInfo.Level", "\"reseller\" is not a Level");
    expect_member_error("{\"Name\":\"x\",\"Flags\":[\"HasCustomBranding\",\"Shiny\"]}",
                        CUSTRPC_E_VALUE, "partnerInfo.Flags[1]", "CanInvoiceOthers");
    expect_member_error("{\"Name\":\"x\",\"Flags\":\"HasCustomBranding\"}", CUSTRPC_E_TYPE,
                        "partnerInfo.Flags", "expected array of strings");
    expect_member_error("{\"Name\":\"x\",\"Company\":{\"PostAddress\":{\"Cty\":\"M\"}}}",
                        CUSTRPC_E_UNKNOWN, "partnerInfo.Company.PostAddress.Cty",
                        "unknown member");
    expect_member_error("{\"Name\":\"x\",\"ParentId\":\"5\"}", CUSTRPC_E_TYPE,
                        "partnerInfo.ParentId", "wrong type string, expected integer");
    expect_member_error("{\"Name\":\"x\",\"ParentId\":5.0}", CUSTRPC_E_TYPE,
                        "partnerInfo.ParentId", "expected integer");
    expect_member_error("{\"Name\":\"x\",\"ParentId\":4294967296}", CUSTRPC_E_VALUE,
                        "partnerInfo.ParentId", "out of range");
    expect_member_error("{\"Name\":\"\"}", CUSTRPC_E_VALUE, "partnerInfo.Name", "");
    expect_member_error("{\"Level\":\"Reseller\"}", CUSTRPC_E_MISSING, "partnerInfo.Name", "");
    expect_member_error("{\"Name\":null}", CUSTRPC_E_TYPE, "partnerInfo.Name", "null");
    expect_member_error("{\"name\":\"x\"}", CUSTRPC_E_UNKNOWN, "partnerInfo.name", "");
}
END_TEST

static void expect_request_error(const char *text, size_t len, int code, const char *message)
{
    struct custrpc_jsonrpc_request rq;
    struct custrpc_error err;
    ck_assert_int_eq(custrpc_jsonrpc_parse_request(text, len, &rq, &err), -1);
    custrpc_jsonrpc_request_free(&rq);
    ck_assert_int_eq(err.code, code);
    ck_assert_msg(strstr(err.message, message), "\"%s\" lacks \"%s\"", err.message, message);
}

START_TEST(invalid_json_and_envelopes)
{
#define REQ(s) s, sizeof s - 1
    /* The vendor guide's own sample id has a leading zero. */
    expect_request_error(REQ("{\"jsonrpc\":\"2.0\",\"id\":019283,\"method\":\"Login\"}"),
                         CUSTRPC_E_PARSE, "line 1, column 23");
    expect_request_error(REQ("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"Login\"}"),
                         CUSTRPC_E_PARSE, "duplicate object key");
    expect_request_error(REQ("{\"jsonrpc\":\"2.0\",\"id\":99999999999999999999,\"method\":\"x\"}"),
                         CUSTRPC_E_PARSE, "too big integer");
    expect_request_error(REQ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",}"), CUSTRPC_E_PARSE,
                         "line 1");
    expect_request_error(REQ("{\"jsonrpc\":\"2.0\",\"id\":NaN,\"method\":\"x\"}"),
                         CUSTRPC_E_PARSE, "invalid token");
    expect_request_error(REQ("{\"jsonrpc\":\"2.0\",\"method\":\"x\\u0000\"}"), CUSTRPC_E_PARSE,
                         "\\u0000");
    expect_request_error(REQ("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}\0"), CUSTRPC_E_PARSE,
                         "line 1");
    expect_request_error(REQ("{\"jsonrpc\":\"2.0\",\"method\":\"\xff\"}"), CUSTRPC_E_PARSE,
                         "unable to decode byte 0xff");
    /* The token jansson stopped at is not quoted: it can be a password. */
    struct custrpc_jsonrpc_request rq;
    struct custrpc_error err;
    static const char *const secret_bodies[] = {
        "{\"params\":{\"password\":\"hunter2\\u0000\"}}",
        "{\"params\":{\"password\":\"hunter2\\ud800\"}}",
        "{\"params\":{\"password\":\"hunter2\x01\"}}",
        "{\"params\":{\"password\":\"hunter2\\q\"}}",
        "{\"params\":{\"password\":hunter2}}",
        "{\"params\":{\"password\":\"hunter2",
    };
    for (size_t i = 0; i < sizeof secret_bodies / sizeof secret_bodies[0]; i++) {
        ck_assert_int_eq(custrpc_jsonrpc_parse_request(secret_bodies[i], strlen(secret_bodies[i]),
                                                       &rq, &err),
                         -1);
        ck_assert_int_eq(err.code, CUSTRPC_E_PARSE);
        ck_assert_msg(!strstr(err.message, "hunter"), "%s", err.message);
        ck_assert_msg(strstr(err.message, "line 1, column "), "%s", err.message);
        custrpc_jsonrpc_request_free(&rq);
    }
    expect_request_error(REQ("[{\"jsonrpc\":\"2.0\",\"method\":\"x\"}]"), CUSTRPC_E_REQUEST,
                         "batch");
    expect_request_error(REQ("\"Login\""), CUSTRPC_E_REQUEST, "object");
    expect_request_error(REQ("{\"jsonrpc\":\"1.0\",\"method\":\"x\"}"), CUSTRPC_E_REQUEST,
                         "jsonrpc");
    expect_request_error(REQ("{\"method\":\"x\"}"), CUSTRPC_E_REQUEST, "jsonrpc");
    expect_request_error(REQ("{\"jsonrpc\":\"2.0\",\"method\":7}"), CUSTRPC_E_REQUEST, "method");
    expect_request_error(REQ("{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":[1]}"),
                         CUSTRPC_E_PARAMS, "named");
    expect_request_error(REQ("{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"visa\":5}"),
                         CUSTRPC_E_REQUEST, "visa");
    expect_request_error(REQ("{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"Visa\":\"v\"}"),
                         CUSTRPC_E_REQUEST, "Visa");
#undef REQ
}
END_TEST

START_TEST(error_answers_carry_the_api_words)
{
    struct custrpc_error err;
    custrpc_fail(&err, CUSTRPC_E_VISA, NULL, "expired");
    json_t *id = json_string("jsonrpc");
    char *text = custrpc_jsonrpc_fault(id, &err, NULL);
    ck_assert_str_eq(text, "{\"jsonrpc\":\"2.0\",\"id\":\"jsonrpc\",\"error\":{\"code\":-32603,"
                           "\"message\":\"Visa is inconsistent/corrupted.\",\"data\":1701}}");
    /* ... and a client reads the code from data. */
    json_t *result;
    char *visa;
    struct custrpc_error got;
    ck_assert_int_eq(custrpc_jsonrpc_parse_answer(text, strlen(text), &result, &visa, &got), -1);
    ck_assert_int_eq(got.code, CUSTRPC_E_VISA);
    ck_assert_int_eq(got.kind, CUSTRPC_KIND_FAULT);
    ck_assert_ptr_null(visa);
    free(text);

    custrpc_fail(&err, CUSTRPC_E_VALUE, "partnerInfo.Level", "\"Boss\" is not a Level");
    text = custrpc_jsonrpc_fault(NULL, &err, "next");
    ck_assert_str_eq(text, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32602,"
                           "\"message\":\"partnerInfo.Level: \\\"Boss\\\" is not a Level\","
                           "\"data\":1003},\"visa\":\"next\"}");
    ck_assert_int_eq(custrpc_jsonrpc_parse_answer(text, strlen(text), &result, &visa, &got), -1);
    ck_assert_str_eq(visa, "next");
    free(visa);
    free(text);

    text = custrpc_jsonrpc_answer(id, json_pack("{s:i}", "result", 55806), "v2");
    ck_assert_str_eq(text, "{\"jsonrpc\":\"2.0\",\"id\":\"jsonrpc\",\"result\":{\"result\":55806},"
                           "\"visa\":\"v2\"}");
    ck_assert_int_eq(custrpc_jsonrpc_parse_answer(text, strlen(text), &result, &visa, &got), 0);
    struct custrpc_id_result r;
    custrpc_msg_init(&custrpc_id_result_message, &r);
    ck_assert_int_eq(custrpc_msg_from_json(&custrpc_id_result_message, &r, result, NULL, &got), 0);
    ck_assert_int_eq(r.result, 55806);
    json_decref(result);
    free(visa);
    free(text);
    json_decref(id);

    const char *html = "<html>502</html>";
    ck_assert_int_eq(custrpc_jsonrpc_parse_answer(html, strlen(html), &result, NULL, &got), -1);
    ck_assert_int_eq(got.code, CUSTRPC_E_PROTOCOL);
}
END_TEST

/* A message cut inside a character by a "%.Ns" limit keeps its words; the broken bytes (and any
 * other byte that is not UTF-8) become U+FFFD. */
START_TEST(fault_messages_cut_inside_a_character)
{
    struct custrpc_error err;
    custrpc_fail(&err, CUSTRPC_E_DUP_NAME, "partnerInfo.Name", "named \"%.4s\" exists",
                 "a\xc3\xa9\xc3\xa9");
    char *text = custrpc_jsonrpc_fault(NULL, &err, NULL);
    ck_assert_str_eq(text, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,\"message\":"
                           "\"partnerInfo.Name: named \\\"a\xc3\xa9\xef\xbf\xbd\\\" exists\","
                           "\"data\":1010}}");
    free(text);
    /* Overlong forms, surrogates, stray continuation bytes and a cut at the very end. */
    custrpc_fail(&err, CUSTRPC_E_METHOD, NULL, "m \xc0\xaf \xed\xa0\x80 \x80 \xf0\x9f\x98\x80 \xe2\x82");
    text = custrpc_jsonrpc_fault(NULL, &err, NULL);
    json_t *root = json_loads(text, 0, NULL);
    ck_assert_ptr_nonnull(root);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(root, "error"), "message")),
                     "m \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd "
                     "\xf0\x9f\x98\x80 \xef\xbf\xbd\xef\xbf\xbd");
    json_decref(root);
    free(text);
}
END_TEST

START_TEST(logs_mask_every_secret_looking_member)
{
    const char *in = "{\"visa\":\"V\",\"params\":{\"username\":\"u\",\"password\":\"p1\","
                     "\"pass\":\"p2\",\"Passwd\":\"p3\",\"api_token\":\"p4\",\"x\":[{\"SECRET\":\"p5\"}],"
                     "\"Password\":null}}";
    json_t *j = custrpc_json_parse(in, strlen(in), NULL, NULL);
    ck_assert_ptr_nonnull(j);
    char *shown = custrpc_json_masked(j);
    ck_assert_str_eq(shown, "{\"visa\":\"(masked)\",\"params\":{\"username\":\"u\",\"password\":"
                            "\"(masked)\",\"pass\":\"(masked)\",\"Passwd\":\"(masked)\",\"api_token\":"
                            "\"(masked)\",\"x\":[{\"SECRET\":\"(masked)\"}],\"Password\":null}}");
    free(shown);
    json_decref(j);
}
END_TEST

START_TEST(null_result_and_locations)
{
    struct custrpc_null_result n;
    custrpc_msg_init(&custrpc_null_result_message, &n);
    custrpc_msg_set_presence(&custrpc_null_result_message, &n,
                             &custrpc_null_result_message.fields[0], CUSTRPC_NIL);
    json_t *j = custrpc_msg_to_json(&custrpc_null_result_message, &n);
    char *text = json_dumps(j, JSON_COMPACT);
    ck_assert_str_eq(text, "{\"result\":null}");
    free(text);
    json_decref(j);
    size_t count;
    const struct custrpc_location_def *l = custrpc_locations(&count);
    ck_assert_uint_ge(count, 2);
    for (size_t i = 0; i < count; i++)
        ck_assert(custrpc_location_exists(l[i].id));
    ck_assert(!custrpc_location_exists(0));
    char code[3];
    ck_assert_int_ne(custrpc_country_location("United States of America", code), 0);
    ck_assert_str_eq(code, "US");
}
END_TEST

Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("partner");
    tcase_add_test(tc, vendor_sample_reads_and_normalises);
    tcase_add_test(tc, round_trip_every_member);
    tcase_add_test(tc, member_errors_name_the_member);
    tcase_add_test(tc, invalid_json_and_envelopes);
    tcase_add_test(tc, error_answers_carry_the_api_words);
    tcase_add_test(tc, fault_messages_cut_inside_a_character);
    tcase_add_test(tc, null_result_and_locations);
    tcase_add_test(tc, logs_mask_every_secret_looking_member);
    suite_add_tcase(s, tc);
    return s;
}
