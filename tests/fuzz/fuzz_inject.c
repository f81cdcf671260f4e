/* fuzz_inject.c — libFuzzer target for POST /admin/inject's rule parser (server/inject.c,
 * inject_add_json). Any body must give 200, 400 or 409 with an answer that is JSON (a 400's
 * "member", when given, a short string), never a crash or a leak; a rule it takes is listed
 * with its checked bounds and is taken by a matching call of its namespace only. The first byte
 * picks the namespace (none, a short one, one of 64 characters); the rest is the body. Build
 * and run with tests/fuzz/run.sh. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../server/inject.h"

static struct inject_table *table;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!(table = inject_new()))
        abort();
    return 0;
}

/* The answer's document, or abort(): every answer is a JSON object. */
static json_t *answer_doc(const char *answer)
{
    if (!answer)
        abort();
    json_t *doc = json_loads(answer, 0, NULL);
    if (!json_is_object(doc))
        abort();
    return doc;
}

/* The one rule listed: its bounds as the parser promised. */
static void check_listed(const char *ns)
{
    char *list = inject_list_json(table, ns, false);
    json_t *doc = answer_doc(list);
    json_t *rules = json_object_get(doc, "rules");
    if (json_array_size(rules) != 1)
        abort();
    json_t *r = json_array_get(rules, 0);
    const char *method = json_string_value(json_object_get(r, "method"));
    const char *kind = json_string_value(json_object_get(r, "kind"));
    json_t *listed_ns = json_object_get(r, "namespace");
    if (!method || !*method || strlen(method) > 128 || !kind || strcmp(kind, "none") == 0)
        abort();
    if (ns ? !json_is_string(listed_ns) || strcmp(json_string_value(listed_ns), ns) != 0
           : !json_is_null(listed_ns))
        abort();
    json_t *times = json_object_get(r, "times"), *p = json_object_get(r, "probability");
    if (!times == !p)
        abort();
    if (times && (json_integer_value(times) < 1 || json_integer_value(times) > 1000000000))
        abort();
    if (p && !(json_real_value(p) > 0 && json_real_value(p) <= 1))
        abort();
    json_t *delay = json_object_get(r, "delay_ms");
    if (delay && (json_integer_value(delay) < 0 || json_integer_value(delay) > INJECT_DELAY_MAX_MS))
        abort();
    json_t *text = json_object_get(r, "fault_string");
    if (text && json_string_length(text) > INJECT_FAULT_STRING_MAX)
        abort();

    /* Another namespace's call never takes it; a call of its own, for times rules, does. */
    struct inject_action a;
    if (inject_take(table, method, ns ? NULL : "other", &a) || a.kind != INJECT_NONE)
        abort();
    if (times && (!inject_take(table, method, ns, &a) || a.kind == INJECT_NONE ||
                  (a.kind == INJECT_DELAY && a.delay_ms > INJECT_DELAY_MAX_MS)))
        abort();
    json_decref(doc); /* method pointed into it */
    free(list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const namespaces[] = {
        NULL, "run-1", "0123456789012345678901234567890123456789012345678901234567890123"};
    const char *ns = size ? namespaces[data[0] % 3] : NULL;
    const char *body = size ? (const char *)data + 1 : "";
    const size_t len = size ? size - 1 : 0;
    char *answer = (char *)1;
    const unsigned status = inject_add_json(table, body, len, ns, &answer);
    json_t *doc = answer_doc(answer);
    if (status == 200) {
        const char *ok = json_string_value(json_object_get(doc, "status"));
        if (!ok || strcmp(ok, "ok") != 0)
            abort();
        check_listed(ns);
    } else if (status == 400) {
        if (!json_is_string(json_object_get(doc, "error")))
            abort();
        json_t *member = json_object_get(doc, "member");
        if (member && (!json_is_string(member) || json_string_length(member) > 63))
            abort();
    } else {
        abort(); /* 409 cannot happen: the table is emptied after every input */
    }
    json_decref(doc);
    free(answer);
    inject_clear(table, ns);
    if (inject_active(table))
        abort(); /* a rule of another namespace than the one it was posted for */
    return 0;
}
