/* fuzz_decode_direct.c — differential libFuzzer target: a request body decoded straight into
 * struct custrpc_customer (custrpc_xmlrpc_decode_call with the customer as createCustomer's
 * request) and through the value tree (custrpc_xmlrpc_parse_call, one struct argument,
 * custrpc_customer_from_value) must agree: both succeed with equal customers, or both fail
 * (which error comes first may differ when a body has several). Build and run with
 * tests/fuzz/run.sh. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/custrpc.h>
#include <custrpc/xmlrpc.h>

static const struct custrpc_message *select_create(void *ctx, const char *method)
{
    (void)ctx;
    return strcmp(method, "createCustomer") == 0 ? &custrpc_customer_message : NULL;
}

/* The tree path; 0 when the body is a createCustomer call of one valid-typed struct. */
static int by_tree(const char *xml, size_t len, struct custrpc_customer *c, int *is_create)
{
    char *method = NULL;
    xmlrpc_value *params = NULL, *arg = NULL;
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    int rc = -1;
    custrpc_customer_init(c);
    *is_create = 0;
    if (custrpc_xmlrpc_parse_call(xml, len, &method, &params, NULL) < 0)
        goto done;
    *is_create = strcmp(method, "createCustomer") == 0;
    if (xmlrpc_array_size(&env, params) != 1)
        goto done;
    xmlrpc_array_read_item(&env, params, 0, &arg);
    if (!env.fault_occurred && xmlrpc_value_type(arg) == XMLRPC_TYPE_STRUCT)
        rc = custrpc_customer_from_value(c, arg, 0, NULL);
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
    struct custrpc_customer tree;
    int is_create;
    int tree_rc = by_tree((const char *)data, size, &tree, &is_create);
    struct custrpc_call call;
    int direct_rc =
        custrpc_xmlrpc_decode_call((const char *)data, size, select_create, NULL, &call, NULL);
    if (direct_rc == 0 && call.request) {
        if (tree_rc != 0 || !custrpc_customer_equal(&tree, call.message))
            abort(); /* the direct path took what the tree path refused, or read it otherwise */
    } else if (tree_rc == 0 && is_create) {
        abort(); /* the tree path took a createCustomer the direct path refused */
    }
    custrpc_call_free(&call);
    custrpc_customer_free(&tree);
    return 0;
}
