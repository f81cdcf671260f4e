/* decode_bench.c — what decoding a createCustomer request costs, step by step, so the choice
 * between decoding into an xmlrpc-c value tree and decoding straight into the struct rests on
 * figures: xmlrpc-c's own parser (the old path), libcustrpc's SAX decoder to a value tree, the
 * tree into struct custrpc_customer and validation, and the SAX decoder straight into the
 * struct (custrpc_xmlrpc_decode_call) and validation. Prints microseconds per request and
 * allocations are left to `valgrind --tool=callgrind` / `ltrace` when needed.
 * Usage: bench/decode_bench [ITERATIONS]   (not part of the tests) */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <custrpc/custrpc.h>
#include <custrpc/xmlrpc.h>

static const struct custrpc_message *select_create(void *ctx, const char *method)
{
    (void)ctx;
    return strcmp(method, "createCustomer") == 0 ? &custrpc_customer_message : NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A createCustomer body of 15 members, about 1.4 KB, as the performance issue measured. */
static char *request(size_t *len)
{
    struct custrpc_customer c;
    custrpc_customer_init(&c);
    static const char *const members[][2] = {
        {"name", "Bench Customer 1"},
        {"web_password", "s3cret-Pw"},
        {"i_tariff", "1"},
        {"web_login", "bench1"},
        {"balance", "10.5"},
        {"credit_limit", "100"},
        {"customers_mgmt", "add"},
        {"company_name", "Acme Ltd"},
        {"first_name", "Jane"},
        {"last_name", "Doe"},
        {"email", "jane@example.com"},
        {"city", "Paris"},
        {"country", "FR"},
        {"max_sessions", "unlimited"},
        {"callshop_enabled", "yes"},
    };
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
        custrpc_customer_set_text_by_name(&c, members[i][0], members[i][1], NULL);
    char *xml = NULL;
    custrpc_create_request_xml(&c, &xml, len, NULL);
    custrpc_customer_free(&c);
    return xml;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    /* With a second argument (old, tree, struct or direct) only that stage runs: for instruction
     * counts with `valgrind --tool=callgrind bench/decode_bench 2000 tree`, which a loaded machine
     * does not disturb. */
    const char *only = argc > 2 ? argv[2] : NULL;
    long n_old = !only || strcmp(only, "old") == 0 ? n : 0;
    long n_tree = !only || strcmp(only, "tree") == 0 ? n : 0;
    long n_struct = !only || strcmp(only, "struct") == 0 ? n : 0;
    long n_direct = !only || strcmp(only, "direct") == 0 ? n : 0;
    size_t len;
    char *xml = request(&len);
    double t0 = now();
    for (long i = 0; i < n_old; i++) {
        xmlrpc_env env;
        xmlrpc_env_init(&env);
        const char *method;
        xmlrpc_value *params;
        xmlrpc_parse_call(&env, xml, len, &method, &params);
        xmlrpc_DECREF(params);
        free((void *)method);
        xmlrpc_env_clean(&env);
    }
    double t1 = now();
    for (long i = 0; i < n_tree; i++) {
        char *method;
        xmlrpc_value *params;
        custrpc_xmlrpc_parse_call(xml, len, &method, &params, NULL);
        xmlrpc_DECREF(params);
        free(method);
    }
    double t2 = now();
    for (long i = 0; i < n_struct; i++) {
        char *method;
        xmlrpc_value *params, *arg;
        xmlrpc_env env;
        xmlrpc_env_init(&env);
        struct custrpc_customer c;
        custrpc_customer_init(&c);
        custrpc_xmlrpc_parse_call(xml, len, &method, &params, NULL);
        xmlrpc_array_read_item(&env, params, 0, &arg);
        custrpc_customer_decode_request(&c, arg, NULL);
        custrpc_customer_free(&c);
        xmlrpc_DECREF(arg);
        xmlrpc_DECREF(params);
        free(method);
    }
    double t3 = now();
    for (long i = 0; i < n_direct; i++) {
        struct custrpc_call call;
        custrpc_xmlrpc_decode_call(xml, len, select_create, NULL, &call, NULL);
        custrpc_customer_validate(call.message, NULL);
        custrpc_call_free(&call);
    }
    double t4 = now();
    if (only)
        return 0;
    printf("request: %zu bytes, 15 members; %ld iterations, one core\n", len, n);
    printf("xmlrpc-c xmlrpc_parse_call (the old path)          %7.2f us\n", (t1 - t0) / n * 1e6);
    printf("custrpc_xmlrpc_parse_call (SAX to a value tree)     %7.2f us\n", (t2 - t1) / n * 1e6);
    printf("  + tree to struct + validation (the server's path) %7.2f us\n", (t3 - t2) / n * 1e6);
    printf("straight into the struct + validation               %7.2f us\n", (t4 - t3) / n * 1e6);
    free(xml);
    return 0;
}
