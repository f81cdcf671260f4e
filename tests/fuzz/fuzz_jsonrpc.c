/* fuzz_jsonrpc.c — libFuzzer target for the partner API's JSON path: any bytes, read as a
 * JSON-RPC request the way the server reads one, its params into every params message of
 * custrpc/partner.h and checked by each message's rules; and read as an answer the way the
 * client reads one, its result into every result message. Properties: whatever decodes writes
 * back to JSON text that decodes to an equal message, which the rules judge as they judged the
 * first; every error becomes an answer a client reads back with the same code. Build and run
 * with tests/fuzz/run.sh. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/json.h>
#include <custrpc/partner.h>

struct row {
    const struct custrpc_message *d;
    const char *const *required;
};

static const struct row params[] = {
    {&custrpc_login_params_message, custrpc_login_params_required},
    {&custrpc_add_partner_params_message, custrpc_add_partner_params_required},
    {&custrpc_modify_partner_params_message, custrpc_modify_partner_params_required},
    {&custrpc_partner_name_params_message, custrpc_partner_name_params_required},
    {&custrpc_partner_id_params_message, custrpc_partner_id_params_required},
    {&custrpc_enumerate_params_message, custrpc_enumerate_params_required},
    {&custrpc_no_params_message, NULL},
};

/* The client reads an answer's result into these, with the same codec. */
static const struct row results[] = {
    {&custrpc_login_result_message, NULL},       {&custrpc_id_result_message, NULL},
    {&custrpc_null_result_message, NULL},        {&custrpc_partner_result_message, NULL},
    {&custrpc_partner_list_result_message, NULL}, {&custrpc_partner_state_result_message, NULL},
    {&custrpc_location_list_result_message, NULL},
};

/* An error answer must be JSON-RPC a client reads back with the same code. */
static void check_fault(const json_t *id, const struct custrpc_error *err)
{
    char *text = custrpc_jsonrpc_fault(id, err, "1-1-1-1-00");
    if (!text)
        abort();
    json_t *result;
    char *visa;
    struct custrpc_error back;
    if (custrpc_jsonrpc_parse_answer(text, strlen(text), &result, &visa, &back) != -1 ||
        back.code != err->code || !visa || strcmp(visa, "1-1-1-1-00") != 0 || !back.message[0])
        abort();
    free(visa);
    free(text);
}

/* m (decoded from JSON) written as text and read again must be equal, and judged alike. */
static void round_trip(const struct custrpc_message *d, const char *const *required, const void *m,
                       int verdict)
{
    json_t *j = custrpc_msg_to_json(d, m);
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (!text)
        abort(); /* everything decoded can be written */
    struct custrpc_error err;
    json_t *again = custrpc_json_parse(text, strlen(text), NULL, &err);
    if (!again)
        abort(); /* and what is written is JSON */
    void *copy = calloc(1, d->size);
    custrpc_msg_init(d, copy);
    if (custrpc_msg_from_json(d, copy, again, NULL, &err) != 0)
        abort(); /* and decodes */
    if (!custrpc_msg_equal(d, m, copy))
        abort(); /* to the same message */
    if ((custrpc_msg_validate(d, copy, required, &err) == 0) != (verdict == 0))
        abort(); /* which the rules judge alike */
    custrpc_msg_free(d, copy);
    free(copy);
    json_decref(again);
    free(text);
}

/* obj read into each message of rows: decoded ones round-trip, errors answer. */
static void decode_each(const struct row *rows, size_t n, const json_t *obj, const json_t *id)
{
    struct custrpc_error err;
    for (size_t i = 0; i < n; i++) {
        const struct custrpc_message *d = rows[i].d;
        void *m = calloc(1, d->size);
        custrpc_msg_init(d, m);
        if (custrpc_msg_from_json(d, m, obj, NULL, &err) == 0) {
            int verdict = custrpc_msg_validate(d, m, rows[i].required, &err);
            if (verdict < 0)
                check_fault(id, &err);
            round_trip(d, rows[i].required, m, verdict);
        } else {
            check_fault(id, &err);
        }
        custrpc_msg_free(d, m);
        free(m);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct custrpc_jsonrpc_request rq;
    struct custrpc_error err;
    if (custrpc_jsonrpc_parse_request((const char *)data, size, &rq, &err) < 0) {
        check_fault(rq.id, &err);
    } else {
        if (!rq.method || !json_is_object(rq.params))
            abort(); /* a request that parsed has both */
        decode_each(params, sizeof params / sizeof params[0], rq.params, rq.id);
    }
    custrpc_jsonrpc_request_free(&rq);

    /* The same bytes as an answer, as the client reads one. */
    json_t *result = NULL;
    char *visa = NULL;
    if (custrpc_jsonrpc_parse_answer((const char *)data, size, &result, &visa, &err) == 0) {
        if (!result)
            abort();
        if (json_is_object(result))
            decode_each(results, sizeof results / sizeof results[0], result, NULL);
        json_decref(result);
    }
    free(visa);
    return 0;
}
