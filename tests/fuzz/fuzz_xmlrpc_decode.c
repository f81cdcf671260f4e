/* fuzz_xmlrpc_decode.c — libFuzzer target for the XML-RPC document decoder alone: any bytes,
 * read as a methodCall and as a methodResponse. Whatever decodes must serialize with xmlrpc-c
 * and decode again to the same document (a round-trip property), and nothing may crash, leak
 * or recurse without bound. Build and run with tests/fuzz/run.sh. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/custrpc.h>
#include <custrpc/xmlrpc.h>

/* The methodCall document xmlrpc-c writes for (method, params); NULL when it cannot. */
static char *serialized(const char *method, xmlrpc_value *params, size_t *len)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_mem_block *mb = XMLRPC_MEMBLOCK_NEW(char, &env, 0);
    char *out = NULL;
    if (!env.fault_occurred)
        xmlrpc_serialize_call2(&env, mb, method, params, xmlrpc_dialect_i8);
    if (!env.fault_occurred) {
        *len = XMLRPC_MEMBLOCK_SIZE(char, mb);
        out = malloc(*len + 1);
        memcpy(out, XMLRPC_MEMBLOCK_CONTENTS(char, mb), *len);
        out[*len] = '\0';
    }
    if (mb)
        XMLRPC_MEMBLOCK_FREE(char, mb);
    xmlrpc_env_clean(&env);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *method = NULL, *text = NULL;
    xmlrpc_value *params = NULL, *result = NULL;
    int code;
    if (custrpc_xmlrpc_parse_call((const char *)data, size, &method, &params, NULL) == 0) {
        size_t len1, len2;
        char *once = serialized(method, params, &len1);
        if (once) {
            char *method2 = NULL;
            xmlrpc_value *params2 = NULL;
            if (custrpc_xmlrpc_parse_call(once, len1, &method2, &params2, NULL) != 0)
                abort(); /* what xmlrpc-c writes from a decoded call must decode */
            char *twice = serialized(method2, params2, &len2);
            if (!twice || len1 != len2 || memcmp(once, twice, len1) != 0)
                abort(); /* and decode to the same values */
            free(twice);
            free(method2);
            xmlrpc_DECREF(params2);
            free(once);
        }
        free(method);
        xmlrpc_DECREF(params);
    }
    if (custrpc_xmlrpc_parse_response((const char *)data, size, &result, &code, &text, NULL) == 0) {
        if ((result == NULL) == (code == 0))
            abort(); /* exactly one of a result and a fault */
        if (result)
            xmlrpc_DECREF(result);
        free(text);
    }
    return 0;
}
