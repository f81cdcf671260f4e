/* fuzz_xmlrpc_decode.c — libFuzzer target for the XML-RPC document decoder alone: any bytes,
 * read as a methodCall and as a methodResponse. Whatever decodes must serialize with xmlrpc-c
 * and decode again to the same document (a round-trip property), and nothing may crash, leak
 * or recurse without bound. Build and run with tests/fuzz/run.sh. */
#include <config.h>

#include <math.h>
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

/* Whether two documents xmlrpc-c wrote are the same, but for the last digits of <double>
 * values: its writer keeps about 15 significant digits (-6.66666666666666e127 came back as
 * ...665e127, 1e-214 as a neighbour; found here), a limit of xmlrpc-c, not of the decoder,
 * which reads what is written with strtod. Everything else must match byte for byte. */
static int same_document(const char *a, const char *b)
{
    static const char tag[] = "<double>";
    for (;;) {
        const char *da = strstr(a, tag), *db = strstr(b, tag);
        size_t na = da ? (size_t)(da - a) : strlen(a), nb = db ? (size_t)(db - b) : strlen(b);
        if (na != nb || memcmp(a, b, na) != 0 || !da != !db)
            return 0;
        if (!da)
            return 1;
        char *ea, *eb;
        double x = strtod(da + sizeof tag - 1, &ea), y = strtod(db + sizeof tag - 1, &eb);
        if (!(x == y || fabs(x - y) <= 1e-13 * fmax(fabs(x), fabs(y))))
            return 0;
        a = ea;
        b = eb;
    }
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
            (void)len2;
            if (!twice || !same_document(once, twice))
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
