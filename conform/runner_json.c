/* runner_json.c — the partner API's answers: a JSON-RPC 2.0 answer (jansson, strictly, through
 * libcustrpc's parser), result or error, the error's code and data, JSON-path checks and
 * captures; the partners a run creates and removes; visas and passwords kept out of reports. */
#include <config.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <custrpc/json.h>

#include "jsonpath.h"
#include "runner_internal.h"

enum secret { NOT_SECRET, SECRET_PASSWORD, SECRET_VISA };

static enum secret secret_name(const char *name, size_t len)
{
    if (len == 8 && strncasecmp(name, "password", 8) == 0)
        return SECRET_PASSWORD;
    if (len == 4 && strncasecmp(name, "visa", 4) == 0)
        return SECRET_VISA;
    return NOT_SECRET;
}

/* What a check's path reads, by its last member: "visa", "result.result.Password". */
static enum secret secret_path(const char *path)
{
    const char *last = strrchr(path, '.');
    last = last ? last + 1 : path;
    return secret_name(last, strcspn(last, "["));
}

/* "<visa N>": the same N for the same visa within a run. */
static void visa_alias(struct run_state *st, const char *visa, size_t len, char *out, size_t size)
{
    size_t i = 0;
    while (i < st->n_visas && (strlen(st->visas[i]) != len || memcmp(st->visas[i], visa, len)))
        i++;
    if (i == st->n_visas) {
        if (st->n_visas == st->cap_visas) {
            size_t more = st->cap_visas ? st->cap_visas * 2 : 32;
            char **grown = realloc(st->visas, more * sizeof *grown);
            if (!grown) {
                snprintf(out, size, "<visa>");
                return;
            }
            st->visas = grown;
            st->cap_visas = more;
        }
        st->visas[st->n_visas++] = strndup(visa, len);
    }
    snprintf(out, size, "<visa %zu>", i + 1);
}

/* A value for a failure message: secrets as the masks show them. */
static void shown(struct run_state *st, enum secret s, const char *text, char *out, size_t size)
{
    if (s == SECRET_VISA)
        visa_alias(st, text, strlen(text), out, size);
    else if (s == SECRET_PASSWORD)
        snprintf(out, size, "***");
    else
        snprintf(out, size, "%s", text);
}

/* The end of the JSON string starting at the quote s (after its closing quote). */
static const char *string_end(const char *s)
{
    for (s++; *s && *s != '"'; s++)
        if (*s == '\\' && s[1])
            s++;
    return *s ? s + 1 : s;
}

char *mask_json(const char *body, struct run_state *st)
{
    size_t cap = strlen(body) * 2 + 64, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    enum secret pending = NOT_SECRET; /* the next string is the value of a secret member */
    for (const char *p = body; *p;) {
        const char *end = *p == '"' ? string_end(p) : p + 1;
        char alias[48];
        const char *put = p;
        size_t n = (size_t)(end - p);
        if (*p == '"' && pending != NOT_SECRET) {
            if (pending == SECRET_VISA)
                visa_alias(st, p + 1, n >= 2 ? n - 2 : 0, alias + 1, sizeof alias - 2);
            else
                snprintf(alias + 1, sizeof alias - 2, "***");
            alias[0] = '"';
            strcat(alias, "\"");
            put = alias;
            n = strlen(alias);
            pending = NOT_SECRET;
        } else if (*p == '"') {
            const char *q = end;
            while (isspace((unsigned char)*q))
                q++;
            if (*q == ':' && n >= 2)
                pending = secret_name(p + 1, n - 2);
        } else if (pending != NOT_SECRET && !isspace((unsigned char)*p) && *p != ':') {
            pending = NOT_SECRET; /* a secret member with a value that is no string */
        }
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *grown = realloc(out, cap);
            if (!grown) {
                free(out);
                return NULL;
            }
            out = grown;
        }
        memcpy(out + len, put, n);
        len += n;
        p = end;
    }
    out[len] = '\0';
    return out;
}

/* "error -32603 (data 1701): Visa is inconsistent/corrupted." */
static void describe_error(const json_t *e, char *out, size_t size)
{
    const json_t *code = json_object_get(e, "code"), *data = json_object_get(e, "data");
    char data_text[64] = "";
    if (json_is_integer(data))
        snprintf(data_text, sizeof data_text, " (data %lld)", (long long)json_integer_value(data));
    else if (data)
        snprintf(data_text, sizeof data_text, " (data: %s)", custrpc_json_kind(data));
    snprintf(out, size, "error %lld%s: %s", (long long)json_integer_value(code), data_text,
             json_string_value(json_object_get(e, "message")));
}

/* Whether the error's code and data are judged: the custrpc profile without --any-fault-code. */
static bool judges_codes(const struct runner_options *o)
{
    return o->profile == BASIS_CUSTRPC && !o->any_fault_code;
}

/* "error -32603 data 1701", "error -32602", or "an error": what the case expects. */
static void expected_error(const struct conform_case *c, const struct runner_options *o, char *out,
                           size_t size)
{
    if (judges_codes(o) && c->has_fault_code && c->has_fault_data)
        snprintf(out, size, "error %d data %d", c->fault_code, c->fault_data);
    else if (judges_codes(o) && c->has_fault_code)
        snprintf(out, size, "error %d", c->fault_code);
    else if (judges_codes(o) && c->has_fault_data)
        snprintf(out, size, "an error with data %d", c->fault_data);
    else
        snprintf(out, size, "an error");
}

/* The envelope: an object, "jsonrpc": "2.0", one of result and error, the request's id. */
static enum case_status judge_envelope(json_t *root, const char *request, struct case_result *r)
{
    if (!json_is_object(root))
        return runner_fail(r, "the answer is a JSON %s, not a JSON-RPC 2.0 answer object",
                           custrpc_json_kind(root));
    const json_t *v = json_object_get(root, "jsonrpc"), *e = json_object_get(root, "error");
    const json_t *res = json_object_get(root, "result");
    if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0)
        return runner_fail(r, "the answer's jsonrpc is not \"2.0\"");
    if (e && res)
        return runner_fail(r, "the answer has both result and error");
    if (!e && !res)
        return runner_fail(r, "the answer has neither result nor error");
    if (e && (!json_is_object(e) || !json_is_integer(json_object_get(e, "code")) ||
              !json_is_string(json_object_get(e, "message"))))
        return runner_fail(r, "the error is not an object with an integer code and a string "
                              "message");
    /* JSON-RPC 2.0: the answer's id is the request's; null when the request's could not be
     * read (not JSON, not a request object). */
    json_t *rq = json_loads(request, JSON_REJECT_DUPLICATES, NULL);
    const json_t *want = json_object_get(rq, "id"), *got = json_object_get(root, "id");
    long long code = json_integer_value(json_object_get(e, "code"));
    bool unreadable = !json_is_object(rq) || (e && (code == -32700 || code == -32600));
    enum case_status st = CASE_PASS;
    if (!got)
        st = runner_fail(r, "the answer has no id");
    else if (want && !json_equal(want, got) && !(unreadable && json_is_null(got)))
        st = runner_fail(r, "the answer's id is not the request's");
    else if (!json_is_object(rq) && !json_is_null(got))
        st = runner_fail(r, "the request was not JSON, so the answer's id must be null");
    json_decref(rq);
    return st;
}

/* Result or error as the case expects; the error's code and data in the custrpc profile. */
static enum case_status judge_outcome(const struct conform_case *c, const struct runner_options *o,
                                      json_t *root, struct case_result *r)
{
    const json_t *e = json_object_get(root, "error");
    char want[96], got[600];
    expected_error(c, o, want, sizeof want);
    if (!e)
        return c->outcome == OUTCOME_FAULT ? runner_fail(r, "expected %s, got a result", want)
                                           : CASE_PASS;
    describe_error(e, got, sizeof got);
    if (c->outcome == OUTCOME_SUCCESS)
        return runner_fail(r, "expected success, got %s", got);
    const json_t *data = json_object_get(e, "data");
    bool codes = judges_codes(o);
    if (codes && c->has_fault_code &&
        json_integer_value(json_object_get(e, "code")) != c->fault_code)
        return runner_fail(r, "%s, expected %s", got, want);
    if (codes && c->has_fault_data &&
        (!json_is_integer(data) || json_integer_value(data) != c->fault_data))
        return runner_fail(r, "%s, expected %s", got, want);
    return CASE_PASS;
}

static enum case_status judge_check(const struct case_check *ch, const struct runner_options *o,
                                    struct run_state *st, json_t *root, struct case_result *r)
{
    char missing[256], a[400], b[400];
    char *path = fill(ch->expr, st, o, FILL_RAW, missing, sizeof missing);
    char *want = path ? fill(ch->value, st, o, FILL_RAW, missing, sizeof missing) : NULL;
    const char *bad = NULL;
    json_t *v = want ? jsonpath_get(root, path, &bad) : NULL;
    char *text = v ? jsonpath_text(v) : NULL;
    enum secret secret = path ? secret_path(path) : NOT_SECRET;
    enum case_status res = CASE_PASS;
    if (!want)
        res = runner_skip(r, "needs {{%s}}, which no earlier case captured", missing);
    else if (bad)
        res = runner_fail(r, "bad JSON path in the case (%s): %s", bad, path);
    else if (ch->op == CHECK_EXISTS)
        res = (v != NULL) == (strcmp(want, "true") == 0)
                  ? CASE_PASS
                  : runner_fail(r, "%s %s", path, v ? "is there, and must not be" : "is absent");
    else if (!v)
        res = runner_fail(r, "%s is absent", path);
    else if (ch->op == CHECK_KIND && !jsonpath_is_kind(v, want))
        res = runner_fail(r, "%s is %s %s, not %s", path,
                          json_is_integer(v) || json_is_array(v) ? "an" : "a", custrpc_json_kind(v),
                          want);
    else if (ch->op == CHECK_LENGTH && !json_is_array(v) && !json_is_object(v))
        res = runner_fail(r, "%s is %s, not an array", path, custrpc_json_kind(v));
    else if (ch->op == CHECK_LENGTH &&
             (json_is_array(v) ? json_array_size(v) : json_object_size(v)) !=
                 strtoull(want, NULL, 10))
        res = runner_fail(r, "%s has %zu elements, expected %s", path,
                          json_is_array(v) ? json_array_size(v) : json_object_size(v), want);
    else if (ch->op == CHECK_EQUALS || ch->op == CHECK_NOT_EQUALS || ch->op == CHECK_CONTAINS) {
        shown(st, secret, text ? text : "", a, sizeof a);
        shown(st, secret, want, b, sizeof b);
        if (ch->op == CHECK_EQUALS && strcmp(text, want) != 0)
            res = runner_fail(r, "%s is \"%s\", expected \"%s\"", path, a, b);
        else if (ch->op == CHECK_NOT_EQUALS && strcmp(text, want) == 0)
            res = runner_fail(r, "%s is \"%s\", which it must not be", path, a);
        else if (ch->op == CHECK_CONTAINS && !strstr(text, want))
            res = runner_fail(r, "%s is \"%s\", which does not contain \"%s\"", path, a, b);
    }
    free(text);
    free(want);
    free(path);
    return res;
}

enum case_status judge_json(const struct conform_case *c, const struct runner_options *o,
                            struct run_state *st, const char *request,
                            const struct http_reply *reply, struct case_result *r)
{
    char start[64];
    excerpt(reply->body, start, sizeof start);
    struct custrpc_error perr;
    json_t *root = custrpc_json_parse(reply->body, reply->len, NULL, &perr);
    if (!root)
        return runner_fail(r, "the answer is not JSON (%s; it starts \"%s\")", perr.message, start);
    enum case_status res = judge_envelope(root, request, r);
    bool answer = res == CASE_PASS; /* a JSON-RPC answer, whatever the case expected */
    /* The API text names the request's Content-Type only: the answer's is this project's. */
    if (res == CASE_PASS && o->profile == BASIS_CUSTRPC &&
        strncasecmp(reply->content_type, "application/json", 16) != 0)
        res = runner_fail(r, "the answer's Content-Type is \"%s\", not application/json",
                          reply->content_type);
    if (res == CASE_PASS)
        res = judge_outcome(c, o, root, r);
    for (size_t i = 0; res == CASE_PASS && i < c->n_checks; i++) {
        const struct case_check *ch = &c->checks[i];
        if ((ch->basis == BASIS_CUSTRPC && o->profile == BASIS_API) ||
            (ch->fault_code && o->any_fault_code))
            continue;
        res = judge_check(ch, o, st, root, r);
    }
    /* Captures are taken from every answer, also when a check failed: later calls carry the
     * newest visa, as a client does, and test their own rules instead of being skipped. */
    for (size_t i = 0; answer && i < c->n_captures; i++) {
        const char *bad;
        json_t *v = jsonpath_get(root, c->captures[i].expr, &bad);
        char *text = v && !json_is_null(v) ? jsonpath_text(v) : NULL;
        if (text && *text)
            var_set(st, c->captures[i].var, text);
        else if (res == CASE_PASS)
            res = runner_fail(r, "nothing to capture for {{%s}} at %s", c->captures[i].var,
                              c->captures[i].expr);
        free(text);
    }
    json_decref(root);
    return res;
}

void note_partners(const char *request, const struct http_reply *reply,
                   const struct conform_case *c, struct created_list *out)
{
    json_t *rq = json_loads(request, 0, NULL);
    json_t *rs = rq ? json_loads(reply->body, 0, NULL) : NULL;
    const char *method = json_string_value(json_object_get(rq, "method"));
    json_t *params = json_object_get(rq, "params");
    json_t *result = json_object_get(rs, "result");
    if (method && result && !json_object_get(rs, "error")) {
        /* A server that does not nest the result created a partner all the same. */
        json_t *id = json_is_object(result) ? json_object_get(result, "result") : result;
        char text[32];
        if (strcmp(method, "AddPartner") == 0 && json_is_integer(id)) {
            const char *name =
                json_string_value(json_object_get(json_object_get(params, "partnerInfo"), "Name"));
            snprintf(text, sizeof text, "%lld", (long long)json_integer_value(id));
            created_add(out, name ? name : "", text, c->name, true);
        } else if (strcmp(method, "RemovePartner") == 0 &&
                   json_is_integer(json_object_get(params, "partnerId"))) {
            snprintf(text, sizeof text, "%lld",
                     (long long)json_integer_value(json_object_get(params, "partnerId")));
            for (size_t i = 0; i < out->n; i++)
                if (out->items[i].partner && strcmp(out->items[i].i_customer, text) == 0) {
                    free(out->items[i].name);
                    free(out->items[i].i_customer);
                    memmove(&out->items[i], &out->items[i + 1],
                            (out->n - i - 1) * sizeof *out->items);
                    out->n--;
                    break;
                }
        }
    }
    json_decref(rq);
    json_decref(rs);
}
