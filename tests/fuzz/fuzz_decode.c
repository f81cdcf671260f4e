/* fuzz_decode.c — libFuzzer target for the server's decoding path: a request body goes
 * through custrpc_xmlrpc_parse_call and custrpc_customer_decode_request; whatever is accepted must
 * survive custrpc_create_request_xml and a second decode unchanged, and its text form
 * (custrpc_customer_format, then custrpc_customer_set_text) too (round-trip properties).
 * Build and run with tests/fuzz/run.sh (clang); not part of make check. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/custrpc.h>
#include <custrpc/xmlrpc.h>

/* Decodes the first param of a methodCall; 0 when it is a valid createCustomer struct. */
static int decode(const char *xml, size_t len, struct custrpc_customer *c)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    char *method = NULL;
    xmlrpc_value *params = NULL, *arg = NULL;
    int rc = -1;
    custrpc_customer_init(c);
    if (custrpc_xmlrpc_parse_call(xml, len, &method, &params, NULL) < 0 ||
        xmlrpc_array_size(&env, params) != 1)
        goto done;
    xmlrpc_array_read_item(&env, params, 0, &arg);
    if (env.fault_occurred)
        goto done;
    rc = custrpc_customer_decode_request(c, arg, NULL);
done:
    if (arg)
        xmlrpc_DECREF(arg);
    if (params)
        xmlrpc_DECREF(params);
    free(method);
    xmlrpc_env_clean(&env);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct custrpc_customer first, second;
    if (decode((const char *)data, size, &first) == 0) {
        char *xml;
        size_t len;
        if (custrpc_create_request_xml(&first, &xml, &len, NULL) != 0)
            abort(); /* a valid customer must serialize */
        if (decode(xml, len, &second) != 0 || !custrpc_customer_equal(&first, &second))
            abort(); /* and read back the same */
        free(xml);
        custrpc_customer_free(&second);
        /* The text forms too (CLI, CSV): every field's formatted value parses back. */
        struct custrpc_customer third;
        custrpc_customer_init(&third);
        for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
            static char buf[70000];
            if (custrpc_customer_format(&first, (enum custrpc_field_id)i, buf, sizeof buf, NULL) >=
                    0 &&
                custrpc_customer_set_text(&third, (enum custrpc_field_id)i, buf, NULL) != 0)
                abort();
        }
        if (!custrpc_customer_equal(&first, &third))
            abort();
        custrpc_customer_free(&third);
    }
    custrpc_customer_free(&first);
    return 0;
}
