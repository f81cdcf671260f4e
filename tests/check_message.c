/* check_message.c — the generic message routines on a small message that is not the customer:
 * a PartnerInfo-like message with an enum, a flag set, an array of enums and a nested message,
 * described once below and round-tripped through XML-RPC (serialized by xmlrpc-c, decoded by
 * libcustrpc) and through its text forms; errors name the path of the field. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <custrpc/custrpc.h>
#include <custrpc/xmlrpc.h>

#include "check_suites.h"

struct t_address {
    char *city;
    char *zip_code;
    unsigned char presence[2];
};

struct t_partner {
    char *name;
    int level;
    int64_t flags;
    struct custrpc_array services; /* of Level */
    struct t_address post_address;
    double credit;
    unsigned char presence[6];
};

static const char *const level_names[] = {"Undefined", "Distributor", "SubDistributor", "Reseller",
                                          "EndCustomer"};
static const struct custrpc_enum level_enum = {"Level", 5, level_names};
static const char *const flag_names[] = {"HasCustomBranding", "CanInvoiceOthers"};
static const struct custrpc_enum flag_enum = {"Flags", 2, flag_names};

static const struct custrpc_field address_fields[] = {
    {.name = "city",
     .type = CUSTRPC_TYPE_STRING,
     .max = 64,
     .offset = offsetof(struct t_address, city)},
    {.name = "zip_code",
     .type = CUSTRPC_TYPE_STRING,
     .min = 1,
     .max = 10,
     .offset = offsetof(struct t_address, zip_code)},
};
static const struct custrpc_message address_msg =
    CUSTRPC_MESSAGE(t_address, "PostAddressInfo", address_fields);

static const struct custrpc_field partner_fields[] = {
    {.name = "name",
     .type = CUSTRPC_TYPE_STRING,
     .min = 1,
     .max = 128,
     .offset = offsetof(struct t_partner, name)},
    {.name = "level",
     .type = CUSTRPC_TYPE_ENUM,
     .values = &level_enum,
     .offset = offsetof(struct t_partner, level)},
    {.name = "flags",
     .type = CUSTRPC_TYPE_FLAGS,
     .values = &flag_enum,
     .offset = offsetof(struct t_partner, flags)},
    {.name = "services",
     .type = CUSTRPC_TYPE_ENUM,
     .values = &level_enum,
     .repeated = true,
     .offset = offsetof(struct t_partner, services)},
    {.name = "post_address",
     .type = CUSTRPC_TYPE_MESSAGE,
     .message = &address_msg,
     .offset = offsetof(struct t_partner, post_address)},
    {.name = "credit",
     .type = CUSTRPC_TYPE_DOUBLE,
     .min = 0,
     .max = 1e9,
     .offset = offsetof(struct t_partner, credit)},
};
static const struct custrpc_message partner_msg =
    CUSTRPC_MESSAGE(t_partner, "PartnerInfo", partner_fields);

static void set(struct t_partner *p, const char *path, const char *text)
{
    struct custrpc_error err;
    ck_assert_msg(custrpc_msg_set_text(&partner_msg, p, path, text, &err) == 0, "%s: %s", path,
                  err.message);
}

static void example(struct t_partner *p)
{
    custrpc_msg_init(&partner_msg, p);
    set(p, "name", "Acme Backup");
    set(p, "level", "Reseller");
    set(p, "flags", "HasCustomBranding,CanInvoiceOthers");
    set(p, "services", "Reseller,EndCustomer");
    set(p, "post_address.city", "Zürich");
    set(p, "post_address.zip_code", "8001");
    set(p, "credit", "33.333333333");
}

START_TEST(set_by_path)
{
    struct t_partner p;
    example(&p);
    ck_assert_str_eq(p.name, "Acme Backup");
    ck_assert_int_eq(p.level, 3);
    ck_assert_int_eq(p.flags, 3);
    ck_assert_int_eq(p.services.n, 2);
    ck_assert_int_eq(((int *)p.services.items)[1], 4);
    ck_assert_str_eq(p.post_address.zip_code, "8001");
    ck_assert_int_eq(custrpc_msg_presence(&partner_msg, &p, &partner_fields[4]), CUSTRPC_SET);
    ck_assert(p.credit == strtod("33.333333333", NULL));
    const char *required[] = {"name", "post_address.zip_code", NULL};
    struct custrpc_error err;
    ck_assert_int_eq(custrpc_msg_validate(&partner_msg, &p, required, &err), 0);
    custrpc_msg_free(&partner_msg, &p);
}
END_TEST

START_TEST(xmlrpc_round_trip)
{
    struct t_partner p, back;
    struct custrpc_error err;
    example(&p);
    xmlrpc_value *v, *params;
    ck_assert_int_eq(custrpc_msg_to_value(&partner_msg, &p, &v, &err), 0);
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    params = xmlrpc_array_new(&env);
    xmlrpc_array_append_item(&env, params, v);
    xmlrpc_mem_block *mb = XMLRPC_MEMBLOCK_NEW(char, &env, 0);
    xmlrpc_serialize_call2(&env, mb, "AddPartner", params, xmlrpc_dialect_i8);
    ck_assert(!env.fault_occurred);
    xmlrpc_DECREF(params);
    xmlrpc_DECREF(v);
    /* Nested as a struct, the array as an array of names, the flag set as a bitmask. */
    const char *xml = XMLRPC_MEMBLOCK_CONTENTS(char, mb);
    size_t len = XMLRPC_MEMBLOCK_SIZE(char, mb);
    ck_assert(strstr(xml, "<name>post_address</name>"));
    ck_assert(strstr(xml, "<value><string>EndCustomer</string></value>"));
    char *method;
    ck_assert_int_eq(custrpc_xmlrpc_parse_call(xml, len, &method, &params, &err), 0);
    xmlrpc_array_read_item(&env, params, 0, &v);
    custrpc_msg_init(&partner_msg, &back);
    ck_assert_msg(custrpc_msg_from_value(&partner_msg, &back, v, 0, &err) == 0, "%s", err.message);
    ck_assert(custrpc_msg_equal(&partner_msg, &p, &back));
    back.post_address.city[0] = 'z';
    ck_assert(!custrpc_msg_equal(&partner_msg, &p, &back));
    xmlrpc_DECREF(v);
    xmlrpc_DECREF(params);
    free(method);
    XMLRPC_MEMBLOCK_FREE(char, mb);
    xmlrpc_env_clean(&env);
    custrpc_msg_free(&partner_msg, &p);
    custrpc_msg_free(&partner_msg, &back);
}
END_TEST

START_TEST(text_round_trip_and_copy)
{
    struct t_partner p, back, copy;
    struct custrpc_error err;
    example(&p);
    custrpc_msg_init(&partner_msg, &back);
    static const char *const paths[] = {"name",
                                        "level",
                                        "flags",
                                        "services",
                                        "credit",
                                        "post_address.city",
                                        "post_address.zip_code"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        void *owner;
        const struct custrpc_field *f = custrpc_msg_path(&partner_msg, &p, paths[i], &owner);
        const struct custrpc_message *d = strchr(paths[i], '.') ? &address_msg : &partner_msg;
        char buf[256];
        ck_assert_int_ge(custrpc_msg_format(d, owner, f, buf, sizeof buf, &err), 0);
        set(&back, paths[i], buf);
    }
    ck_assert(custrpc_msg_equal(&partner_msg, &p, &back));
    custrpc_msg_init(&partner_msg, &copy);
    ck_assert_int_eq(custrpc_msg_copy(&partner_msg, &copy, &p, &err), 0);
    ck_assert(custrpc_msg_equal(&partner_msg, &p, &copy));
    ck_assert_ptr_ne(copy.post_address.city, p.post_address.city);
    char *json = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&json, &size);
    custrpc_msg_write_json(&partner_msg, &p, out);
    fclose(out);
    ck_assert_str_eq(json, "{\"name\": \"Acme Backup\", \"level\": \"Reseller\", \"flags\": 3, "
                           "\"services\": [\"Reseller\", \"EndCustomer\"], \"post_address\": "
                           "{\"city\": \"Zürich\", \"zip_code\": \"8001\"}, \"credit\": "
                           "33.333333333}");
    free(json);
    custrpc_msg_free(&partner_msg, &p);
    custrpc_msg_free(&partner_msg, &back);
    custrpc_msg_free(&partner_msg, &copy);
}
END_TEST

/* The fault a one-member struct of this raw XML value gives, decoded as a PartnerInfo. */
static void decode_fails(const char *members, int code, const char *message)
{
    char xml[1024];
    snprintf(xml, sizeof xml,
             "<methodCall><methodName>m</methodName><params><param><value><struct>%s</struct>"
             "</value></param></params></methodCall>",
             members);
    char *method;
    xmlrpc_value *params, *v;
    struct custrpc_error err;
    ck_assert_int_eq(custrpc_xmlrpc_parse_call(xml, strlen(xml), &method, &params, &err), 0);
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_array_read_item(&env, params, 0, &v);
    struct t_partner p;
    custrpc_msg_init(&partner_msg, &p);
    ck_assert_int_eq(custrpc_msg_from_value(&partner_msg, &p, v, 0, &err), -1);
    ck_assert_int_eq(err.code, code);
    ck_assert_str_eq(err.message, message);
    custrpc_msg_free(&partner_msg, &p);
    xmlrpc_DECREF(v);
    xmlrpc_DECREF(params);
    free(method);
}

START_TEST(errors_name_the_path)
{
    decode_fails("<member><name>post_address</name><value><struct><member><name>city</name>"
                 "<value><int>5</int></value></member></struct></value></member>",
                 CUSTRPC_E_TYPE, "post_address.city: wrong type int, expected string");
    decode_fails("<member><name>post_address</name><value><struct><member><name>street</name>"
                 "<value>x</value></member></struct></value></member>",
                 CUSTRPC_E_UNKNOWN, "post_address.street: unknown member");
    decode_fails("<member><name>level</name><value>Boss</value></member>", CUSTRPC_E_VALUE,
                 "level: \"Boss\" is not a Level (allowed: Undefined, Distributor, "
                 "SubDistributor, Reseller, EndCustomer)");
    decode_fails("<member><name>services</name><value><array><data><value>Reseller</value>"
                 "<value><int>2</int></value></data></array></value></member>",
                 CUSTRPC_E_TYPE, "services[1]: wrong type int, expected string");
    struct t_partner p;
    struct custrpc_error err;
    example(&p);
    set(&p, "post_address.zip_code", "");
    ck_assert_int_eq(custrpc_msg_validate(&partner_msg, &p, NULL, &err), -1);
    ck_assert_str_eq(err.message, "post_address.zip_code: length 0 out of range 1..10 characters");
    custrpc_msg_unset(&address_msg, &p.post_address, &address_fields[1]);
    const char *required[] = {"post_address.zip_code", NULL};
    ck_assert_int_eq(custrpc_msg_validate(&partner_msg, &p, required, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_MISSING);
    ck_assert_str_eq(err.field, "post_address.zip_code");
    ck_assert_int_eq(custrpc_msg_set_text(&partner_msg, &p, "flags", "Gold", &err), -1);
    ck_assert_str_eq(err.message, "flags: unknown Flags \"Gold\" (expected HasCustomBranding, "
                                  "CanInvoiceOthers, all or none)");
    ck_assert_int_eq(custrpc_msg_set_text(&partner_msg, &p, "post_address", "x", &err), -1);
    ck_assert_int_eq(custrpc_msg_set_text(&partner_msg, &p, "nope.city", "x", &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_UNKNOWN);
    custrpc_msg_free(&partner_msg, &p);
}
END_TEST

Suite *message_suite(void)
{
    Suite *s = suite_create("message");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, set_by_path);
    tcase_add_test(tc, xmlrpc_round_trip);
    tcase_add_test(tc, text_round_trip_and_copy);
    tcase_add_test(tc, errors_name_the_path);
    suite_add_tcase(s, tc);
    return s;
}
