/* jsonrpc.c — strict JSON text and the JSON-RPC 2.0 envelope of the partner API (json.h): the
 * one place that decides what a request, an answer and an error look like, for the server, the
 * client and the conformance suite alike. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <custrpc/json.h>

json_t *custrpc_json_parse(const char *text, size_t len, size_t *position,
                           struct custrpc_error *err)
{
    json_error_t je;
    /* jansson keeps to RFC 8259 (no leading zeros, NaN, trailing commas, raw control
     * characters, lone surrogates), refuses integers beyond 64 bits and, with the flag,
     * duplicate keys; nesting is bounded by its compile-time depth limit (2048). */
    json_t *v = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (v)
        return v;
    if (position)
        *position = (size_t)je.position;
    /* jansson ends its text with the token it stopped at ("near '\"hunter2\u0000\"'"): inside
     * a string, that is the string, a password as well as a name. The line and column say
     * where; the token itself is left out, so an error answer and the log lines that show it
     * never quote a secret member. jansson's own words never contain " near '". */
    char *near = strstr(je.text, " near '");
    if (near)
        *near = '\0';
    custrpc_fail(err, CUSTRPC_E_PARSE, NULL, "not valid JSON: line %d, column %d: %s", je.line,
                 je.column, je.text);
    return NULL;
}

/* A member that may hold a secret, spelled right or not: "password", "Password", "pass",
 * "passwd", "visa", "secret", "token" in any case. A log shows too little rather than a
 * password a client misspelled. */
static bool secret_key(const char *key)
{
    static const char *const words[] = {"pass", "visa", "secret", "token"};
    for (const char *p = key; *p; p++)
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (strncasecmp(p, words[i], strlen(words[i])) == 0)
                return true;
    return false;
}

static void mask(json_t *v)
{
    const char *key;
    json_t *member;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach(v, key, member)
        {
            if (secret_key(key)) {
                if (!json_is_null(member))
                    json_object_set_new(v, key, json_string("(masked)"));
            } else {
                mask(member);
            }
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, member) mask(member);
    }
}

char *custrpc_json_masked(const json_t *v)
{
    json_t *copy = json_deep_copy(v);
    if (!copy)
        return NULL;
    mask(copy);
    char *text = json_dumps(copy, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(copy);
    return text;
}

static bool valid_id(const json_t *id)
{
    return json_is_string(id) || json_is_number(id) || json_is_null(id);
}

int custrpc_jsonrpc_parse_request(const char *text, size_t len,
                                  struct custrpc_jsonrpc_request *rq, struct custrpc_error *err)
{
    memset(rq, 0, sizeof *rq);
    rq->root = custrpc_json_parse(text, len, NULL, err);
    if (!rq->root)
        return -1;
    if (json_is_array(rq->root))
        return custrpc_fail(err, CUSTRPC_E_REQUEST, NULL,
                            "batch requests are not supported: send one call per request");
    if (!json_is_object(rq->root))
        return custrpc_fail(err, CUSTRPC_E_REQUEST, NULL, "a request is a JSON object");
    json_t *id = json_object_get(rq->root, "id");
    if (id && valid_id(id))
        rq->id = id;
    const char *key;
    json_t *v;
    json_object_foreach(rq->root, key, v)
    {
        if (strcmp(key, "jsonrpc") == 0) {
            if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0)
                return custrpc_fail(err, CUSTRPC_E_REQUEST, "jsonrpc", "must be \"2.0\"");
        } else if (strcmp(key, "id") == 0) {
            if (!valid_id(v))
                return custrpc_fail(err, CUSTRPC_E_REQUEST, "id",
                                    "must be a string, a number or null");
        } else if (strcmp(key, "method") == 0) {
            if (!json_is_string(v))
                return custrpc_fail(err, CUSTRPC_E_REQUEST, "method", "must be a string");
            rq->method = json_string_value(v);
        } else if (strcmp(key, "params") == 0) {
            /* PHP's json_encode(array()) writes [] for "no parameters": read as {} (ours). */
            if (json_is_array(v) && json_array_size(v) == 0) {
                json_object_set_new(rq->root, "params", json_object());
                v = json_object_get(rq->root, "params");
            } else if (json_is_array(v)) {
                return custrpc_fail(err, CUSTRPC_E_PARAMS, "params",
                                    "must be an object of named parameters");
            }
            if (!json_is_object(v))
                return custrpc_fail(err, CUSTRPC_E_REQUEST, "params", "must be an object");
            rq->params = v;
        } else if (strcmp(key, "visa") == 0) {
            if (!json_is_string(v))
                return custrpc_fail(err, CUSTRPC_E_REQUEST, "visa", "must be a string");
            rq->visa = json_string_value(v);
        } else {
            return custrpc_fail(err, CUSTRPC_E_REQUEST, key,
                                "unknown member of the request (it has jsonrpc, id, method, "
                                "params, visa)");
        }
    }
    if (!json_object_get(rq->root, "jsonrpc"))
        return custrpc_fail(err, CUSTRPC_E_REQUEST, "jsonrpc", "missing: must be \"2.0\"");
    if (!rq->method)
        return custrpc_fail(err, CUSTRPC_E_REQUEST, "method", "missing");
    if (!rq->params) {
        json_object_set_new(rq->root, "params", json_object());
        rq->params = json_object_get(rq->root, "params");
    }
    return 0;
}

void custrpc_jsonrpc_request_free(struct custrpc_jsonrpc_request *rq)
{
    json_decref(rq->root);
    memset(rq, 0, sizeof *rq);
}

void custrpc_jsonrpc_error_code(int custrpc_code, int *code, int *data)
{
    switch (custrpc_code) {
    case CUSTRPC_E_PARSE:
    case CUSTRPC_E_REQUEST:
    case CUSTRPC_E_METHOD:
    case CUSTRPC_E_PARAMS:
        *code = custrpc_code;
        *data = 0;
        return;
    case CUSTRPC_E_MISSING:
    case CUSTRPC_E_TYPE:
    case CUSTRPC_E_VALUE:
    case CUSTRPC_E_UNKNOWN:
    case CUSTRPC_E_DUPLICATE: *code = CUSTRPC_E_PARAMS; break;
    default: *code = -32603; break; /* JSON-RPC's "internal error", as the API uses it */
    }
    *data = custrpc_code;
}

static char *dump(json_t *root)
{
    char *text = json_dumps(root, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(root);
    return text;
}

static json_t *envelope(const json_t *id)
{
    json_t *root = json_object();
    json_object_set_new(root, "jsonrpc", json_string("2.0"));
    json_object_set_new(root, "id", id ? json_deep_copy(id) : json_null());
    return root;
}

char *custrpc_jsonrpc_answer(const json_t *id, json_t *result, const char *visa)
{
    json_t *root = envelope(id);
    json_object_set_new(root, "result", result ? result : json_null());
    if (visa)
        json_object_set_new(root, "visa", json_string(visa));
    return dump(root);
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong forms, surrogates or
 * code points above U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        n = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        n = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        n = 4;
    else
        return 0;
    /* The second byte's range excludes overlong forms (E0, F0), surrogates (ED) and code
     * points above U+10FFFF (F4). */
    unsigned char lo = s[0] == 0xE0 ? 0xA0 : s[0] == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = s[0] == 0xED ? 0x9F : s[0] == 0xF4 ? 0x8F : 0xBF;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* A message as a JSON string. Messages quote client values with byte limits ("%.100s"), which
 * can cut a character in two; the broken bytes become U+FFFD rather than the whole message
 * being lost (jansson refuses a string that is not UTF-8). */
static json_t *message_string(const char *message)
{
    char text[3 * CUSTRPC_ERROR_MESSAGE_MAX + 1];
    size_t out = 0;
    for (const unsigned char *s = (const unsigned char *)message; *s && out + 4 < sizeof text;) {
        size_t n = utf8_sequence(s);
        if (n) {
            memcpy(text + out, s, n);
            out += n;
            s += n;
        } else {
            memcpy(text + out, "\xEF\xBF\xBD", 3);
            out += 3;
            s++;
        }
    }
    text[out] = '\0';
    return json_string(text);
}

char *custrpc_jsonrpc_fault(const json_t *id, const struct custrpc_error *err, const char *visa)
{
    int code, data;
    custrpc_jsonrpc_error_code(err->code, &code, &data);
    json_t *e = json_object();
    json_object_set_new(e, "code", json_integer(code));
    /* The API's own codes keep the API's own words, which clients match on. */
    const char *message = data == CUSTRPC_E_VISA || data == CUSTRPC_E_LOGIN ||
                                  data == CUSTRPC_E_SECURITY || !err->message[0]
                              ? custrpc_code_name(err->code)
                              : err->message;
    json_t *text = message_string(message);
    json_object_set_new(e, "message", text ? text : json_string(custrpc_code_name(err->code)));
    if (data)
        json_object_set_new(e, "data", json_integer(data));
    json_t *root = envelope(id);
    json_object_set_new(root, "error", e);
    if (visa)
        json_object_set_new(root, "visa", json_string(visa));
    return dump(root);
}

char *custrpc_jsonrpc_call(const char *method, const json_t *id, json_t *params, const char *visa)
{
    json_t *root = envelope(id);
    json_object_set_new(root, "method", json_string(method));
    json_object_set_new(root, "params", params ? params : json_object());
    if (visa)
        json_object_set_new(root, "visa", json_string(visa));
    return dump(root);
}

static int protocol(struct custrpc_error *err, const char *what)
{
    custrpc_fail(err, CUSTRPC_E_PROTOCOL, NULL, "not a JSON-RPC 2.0 answer: %s", what);
    err->kind = CUSTRPC_KIND_TRANSPORT;
    return -1;
}

int custrpc_jsonrpc_parse_answer(const char *text, size_t len, json_t **result, char **visa,
                                 struct custrpc_error *err)
{
    *result = NULL;
    if (visa)
        *visa = NULL;
    struct custrpc_error parse;
    json_t *root = custrpc_json_parse(text, len, NULL, &parse);
    if (!root)
        return protocol(err, parse.message);
    int rc = -1;
    json_t *v = json_object_get(root, "jsonrpc");
    json_t *e = json_object_get(root, "error");
    json_t *r = json_object_get(root, "result");
    json_t *vs = json_object_get(root, "visa");
    if (visa && json_is_string(vs))
        *visa = strdup(json_string_value(vs));
    if (!json_is_object(root)) {
        protocol(err, "not an object");
    } else if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0) {
        protocol(err, "jsonrpc is not \"2.0\"");
    } else if (e && r) {
        protocol(err, "both result and error");
    } else if (e) {
        json_t *code = json_object_get(e, "code"), *data = json_object_get(e, "data");
        json_t *message = json_object_get(e, "message");
        if (!json_is_integer(code)) {
            protocol(err, "error without an integer code");
        } else {
            int c = json_is_integer(data) ? (int)json_integer_value(data)
                                          : (int)json_integer_value(code);
            custrpc_fail(err, c, NULL, "%s",
                         json_is_string(message) ? json_string_value(message) : "");
            err->kind = CUSTRPC_KIND_FAULT;
        }
    } else if (r) {
        *result = json_incref(r);
        rc = 0;
    } else {
        protocol(err, "neither result nor error");
    }
    json_decref(root);
    return rc; /* *visa stays: an error to a valid session carries the next visa too */
}
