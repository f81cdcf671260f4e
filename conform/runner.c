/* runner.c — fills each case's placeholders, sends it, and judges the answer: HTTP status,
 * a well-formed methodResponse, success or fault with an <int> code, XPath checks; captured
 * values feed later cases. Partner (JSON-RPC) answers are judged in runner_json.c. */
#include <config.h>

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <custrpc/custrpc.h>
#include <custrpc/xmlrpc.h>

#include "runner_internal.h"

/* The string value of an XPath expression (numbers as XPath prints them); caller frees. */
static char *xpath_value(xmlXPathContextPtr ctx, const char *expr)
{
    xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    if (!obj)
        return NULL;
    xmlChar *s = xmlXPathCastToString(obj);
    xmlXPathFreeObject(obj);
    char *out = strdup((const char *)s);
    xmlFree(s);
    return out;
}

enum case_status runner_fail(struct case_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
    return r->status = CASE_FAIL;
}

enum case_status runner_skip(struct case_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
    return r->status = CASE_SKIP;
}

static bool requires_word(const struct conform_case *c, const char *word)
{
    if (!c->requires)
        return false;
    size_t n = strlen(word);
    for (const char *p = c->requires; (p = strstr(p, word)); p += n)
        if ((p == c->requires || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return true;
    return false;
}

void excerpt(const char *body, char *out, size_t size)
{
    size_t i = 0;
    for (; body[i] && i + 1 < size && i < 60; i++)
        out[i] = (body[i] == '\n' || body[i] == '\r') ? ' ' : body[i];
    out[i] = '\0';
}

/* Fault codes are this project's: the api profile judges faults by presence only. */
static bool exact_codes(const struct conform_case *c, const struct runner_options *o)
{
    return c->has_fault_code && o->profile == BASIS_CUSTRPC && !o->any_fault_code;
}

void created_add(struct created_list *l, const char *name, const char *id, const char *case_name,
                 bool partner)
{
    if (l->n == l->cap) {
        size_t more = l->cap ? l->cap * 2 : 32;
        struct created_customer *grown = realloc(l->items, more * sizeof *grown);
        if (!grown)
            return;
        l->items = grown;
        l->cap = more;
    }
    l->items[l->n++] = (struct created_customer){strdup(name), strdup(id), case_name, partner};
}

void created_list_free(struct created_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].i_customer);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

void case_result_free(struct case_result *r)
{
    free(r->request);
    free(r->response);
    r->request = r->response = NULL;
}

/* Notes every customer an answer says was created: a createCustomer, or the createCustomer
 * calls of a system.multicall. Whatever the case expected, a customer that exists is left. */
static void note_created(const char *request, const struct http_reply *reply,
                         const struct conform_case *c, struct created_list *out)
{
    xmlDocPtr rq = xmlReadMemory(request, (int)strlen(request), "request.xml", NULL,
                                 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlDocPtr rs = rq ? xmlReadMemory(reply->body, (int)reply->len, "response.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
                      : NULL;
    if (!rs) {
        xmlFreeDoc(rq);
        return;
    }
    xmlXPathContextPtr q = xmlXPathNewContext(rq), a = xmlXPathNewContext(rs);
    char *method = xpath_value(q, "normalize-space(/methodCall/methodName)");
    if (method && strcmp(method, "createCustomer") == 0) {
        char *name = xpath_value(
            q, "string(/methodCall/params/param/value/struct/member[name='name']/value)");
        char *id = xpath_value(
            a, "string(/methodResponse/params/param/value/struct/member[name='i_customer']/value)");
        if (name && id && *id)
            created_add(out, name, id, c->name, false);
        free(name);
        free(id);
    } else if (method && strcmp(method, "system.multicall") == 0) {
        for (int k = 1; k <= 64; k++) {
            char expr[512];
            snprintf(expr, sizeof expr,
                     "normalize-space(/methodCall/params/param/value/array/data/value[%d]/struct/"
                     "member[name='methodName']/value)",
                     k);
            char *m = xpath_value(q, expr);
            bool create = m && strcmp(m, "createCustomer") == 0, end = !m || !*m;
            free(m);
            if (end)
                break;
            if (!create)
                continue;
            snprintf(
                expr, sizeof expr,
                "string(/methodCall/params/param/value/array/data/value[%d]/struct/"
                "member[name='params']/value/array/data/value[1]/struct/member[name='name']/value)",
                k);
            char *name = xpath_value(q, expr);
            snprintf(expr, sizeof expr,
                     "string(/methodResponse/params/param/value/array/data/value[%d]/array/data/"
                     "value[1]/struct/member[name='i_customer']/value)",
                     k);
            char *id = xpath_value(a, expr);
            if (name && id && *id)
                created_add(out, name, id, c->name, false);
            free(name);
            free(id);
        }
    }
    free(method);
    xmlXPathFreeContext(q);
    xmlXPathFreeContext(a);
    xmlFreeDoc(rq);
    xmlFreeDoc(rs);
}

/* -v: the bodies as custrpc -v shows them, passwords masked; huge ones cut. */
static void trace_body(FILE *out, const char *head, const char *masked)
{
    size_t len = strlen(masked), show = len < 65536 ? len : 65536;
    fprintf(out, "%s\n%.*s%s\n", head, (int)show, masked, len > show ? "\n[... cut]" : "");
}

/* Judges a 200 answer; fills r and captures. */
static enum case_status judge(const struct conform_case *c, const struct runner_options *o,
                              struct run_state *v, const struct http_reply *reply,
                              struct case_result *r)
{
    char start[64];
    excerpt(reply->body, start, sizeof start);
    xmlDocPtr doc = xmlReadMemory(reply->body, (int)reply->len, "response.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return runner_fail(r, "the answer is not well-formed XML (it starts \"%s\")", start);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    enum case_status st = CASE_PASS;
    char *root = xpath_value(ctx, "name(/*)");
    char *is_fault = xpath_value(ctx, "count(/methodResponse/fault)");
    char *params = xpath_value(ctx, "count(/methodResponse/params/param/value)");
    char *code_type = xpath_value(
        ctx, "name(/methodResponse/fault/value/struct/member[name='faultCode']/value/*)");
    char *code = xpath_value(
        ctx, "string(/methodResponse/fault/value/struct/member[name='faultCode']/value)");
    char *text = xpath_value(
        ctx, "string(/methodResponse/fault/value/struct/member[name='faultString']/value)");
    if (!root || strcmp(root, "methodResponse") != 0) {
        st = runner_fail(r, "the answer is <%s>, not an XML-RPC <methodResponse>",
                         root ? root : "?");
    } else if (strcmp(is_fault, "1") == 0) {
        /* The fault struct itself: an <int>/<i4> code and a string text, as XML-RPC says. */
        if (strcmp(code_type, "int") != 0 && strcmp(code_type, "i4") != 0)
            st =
                runner_fail(r, "faultCode is <%s>, not <int>", code_type[0] ? code_type : "string");
        else if (c->outcome == OUTCOME_SUCCESS)
            st = runner_fail(r, "expected success, got fault %s: %s", code, text);
        else if (exact_codes(c, o) && atoi(code) != c->fault_code)
            st = runner_fail(r, "fault %s (%s), expected fault %d", code, text, c->fault_code);
        else if (text[0] == '\0')
            st = runner_fail(r, "fault %s has an empty faultString", code);
    } else if (strcmp(params, "1") != 0) {
        st = runner_fail(r, "the methodResponse has %s <param> values, not exactly 1", params);
    } else if (c->outcome == OUTCOME_FAULT) {
        if (exact_codes(c, o))
            st = runner_fail(r, "expected fault %d, got success", c->fault_code);
        else
            st = runner_fail(r, "expected a fault, got success");
    }
    for (size_t i = 0; st == CASE_PASS && i < c->n_checks; i++) {
        if (c->checks[i].basis == BASIS_CUSTRPC && o->profile == BASIS_API)
            continue; /* this project's rule inside an api case */
        if (c->checks[i].fault_code && o->any_fault_code)
            continue;
        char missing[256];
        char *want = fill(c->checks[i].value, v, o, FILL_RAW, missing, sizeof missing);
        char *got = xpath_value(ctx, c->checks[i].expr);
        if (!want)
            st = runner_skip(r, "needs {{%s}}, which no earlier case captured", missing);
        else if (!got)
            st = runner_fail(r, "bad XPath in the case: %s", c->checks[i].expr);
        else if (c->checks[i].op == CHECK_EQUALS && strcmp(got, want) != 0)
            st = runner_fail(r, "%s is \"%s\", expected \"%s\"", c->checks[i].expr, got, want);
        else if (c->checks[i].op == CHECK_NOT_EQUALS && strcmp(got, want) == 0)
            st = runner_fail(r, "%s is \"%s\", which it must not be", c->checks[i].expr, got);
        free(want);
        free(got);
    }
    for (size_t i = 0; st == CASE_PASS && i < c->n_captures; i++) {
        char *got = xpath_value(ctx, c->captures[i].expr);
        if (got && *got)
            var_set(v, c->captures[i].var, got);
        else
            st = runner_fail(r, "nothing to capture for {{%s}} at %s", c->captures[i].var,
                             c->captures[i].expr);
        free(got);
    }
    free(root);
    free(is_fault);
    free(params);
    free(code_type);
    free(code);
    free(text);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return st;
}

/* The methods the server says it offers (system.listMethods), when it answers that. */
struct offered {
    bool known;
    char **names;
    size_t n;
};

static void ask_offered(const struct runner_options *o, struct offered *out)
{
    static const char body[] = "<?xml version=\"1.0\"?><methodCall><methodName>"
                               "system.listMethods</methodName><params/></methodCall>";
    struct http_reply reply;
    memset(out, 0, sizeof *out);
    http_post(&o->target, NULL, body, sizeof body - 1, &reply);
    xmlrpc_value *list = NULL;
    int code = 0;
    char *text = NULL;
    if (reply.status == 200 &&
        custrpc_xmlrpc_parse_response(reply.body, strlen(reply.body), &list, &code, &text, NULL) ==
            0 &&
        list && xmlrpc_value_type(list) == XMLRPC_TYPE_ARRAY) {
        xmlrpc_env env;
        xmlrpc_env_init(&env);
        int n = xmlrpc_array_size(&env, list);
        out->names = calloc(n > 0 ? (size_t)n : 1, sizeof *out->names);
        for (int i = 0; out->names && i < n && !env.fault_occurred; i++) {
            xmlrpc_value *item;
            xmlrpc_array_read_item(&env, list, (unsigned)i, &item);
            if (!env.fault_occurred && xmlrpc_value_type(item) == XMLRPC_TYPE_STRING)
                xmlrpc_read_string(&env, item, (const char **)&out->names[out->n++]);
            if (!env.fault_occurred)
                xmlrpc_DECREF(item);
        }
        out->known = out->names != NULL && !env.fault_occurred;
        xmlrpc_env_clean(&env);
    }
    if (list)
        xmlrpc_DECREF(list);
    free(text);
    http_reply_free(&reply);
}

static void offered_free(struct offered *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->names[i]);
    free(m->names);
}

/* Whether a case's method is one the server does not offer: such a case says nothing about
 * the server (a switch may offer a reseller only some methods). Cases that expect "method
 * not found" are about exactly that, and run. */
static bool not_offered(const struct conform_case *c, const struct offered *m, char *method,
                        size_t size)
{
    const char *start = strstr(c->body, "<methodName>"), *end;
    if (!m->known || !start || (c->has_fault_code && c->fault_code == CUSTRPC_E_METHOD))
        return false;
    start += strlen("<methodName>");
    if (!(end = strstr(start, "</methodName>")) || (size_t)(end - start) >= size)
        return false;
    snprintf(method, size, "%.*s", (int)(end - start), start);
    /* createCustomer is what the suite is for, and getCustomerInfo reads its work back: a
     * server that leaves them out of its list is judged on them anyway, so hiding a method
     * cannot hide a createCustomer failure. */
    if (strncmp(method, "system.", 7) == 0 || strcmp(method, "createCustomer") == 0 ||
        strcmp(method, "getCustomerInfo") == 0)
        return false;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->names[i], method) == 0)
            return false;
    return true;
}

static enum case_status run_one(const struct conform_case *c, size_t index,
                                const struct runner_options *o, struct run_state *v,
                                struct case_result *r, struct created_list *created,
                                const struct offered *offered)
{
    bool trusted = o->wholesaler > 0;
    char method[128];
    if (not_offered(c, offered, method, sizeof method))
        return runner_skip(r, RUNNER_NOT_OFFERED "%s (system.listMethods)", method);
    if (requires_word(c, "auth") && !o->target.user)
        return runner_skip(r, "needs credentials (--user)");
    if (requires_word(c, "trusted") && !trusted)
        return runner_skip(r, "needs trusted mode (--wholesaler)");
    if (requires_word(c, "not-trusted") && trusted)
        return runner_skip(r, "does not apply in trusted mode");
    /* A case that builds on an earlier one says so; without that one it means nothing. */
    char needs[256];
    snprintf(needs, sizeof needs, "%s", c->needs ? c->needs : "");
    for (char *save = NULL, *w = strtok_r(needs, " ", &save); w; w = strtok_r(NULL, " ", &save))
        if (!var_get(v, w))
            return runner_skip(r, "needs {{%s}}, which no earlier case captured", w);
    char unique[512];
    snprintf(unique, sizeof unique, "%s%s-%03zu", o->name_prefix, var_get(v, "run"), index + 1);
    var_set(v, "unique_name", unique);
    char missing[256];
    bool partner = c->api == API_PARTNER;
    char *body = fill(c->body, v, o, partner ? FILL_JSON : FILL_XML, missing, sizeof missing);
    if (!body)
        return runner_skip(r, "needs {{%s}}, which no earlier case captured", missing);
    struct http_target t = o->target;
    char wrong[64];
    /* A case may log in as a customer an earlier case created (hierarchy rules). */
    char *user = c->user ? fill(c->user, v, o, FILL_RAW, missing, sizeof missing) : NULL;
    char *password =
        c->password ? fill(c->password, v, o, FILL_RAW, missing, sizeof missing) : NULL;
    if ((c->user && !user) || (c->password && !password)) {
        free(user);
        free(password);
        free(body);
        return runner_skip(r, "needs {{%s}}, which no earlier case captured", missing);
    }
    if (c->user) {
        t.user = user;
        t.password = password;
    }
    if (c->auth == AUTH_NONE) {
        t.user = NULL;
    } else if (c->auth == AUTH_WRONG_PASSWORD) {
        snprintf(wrong, sizeof wrong, "wrong-%s", var_get(v, "run"));
        t.password = wrong;
    }
    struct http_reply reply;
    r->request = partner ? mask_json(body, v) : mask_passwords(body);
    if (o->trace) {
        char head[2100];
        snprintf(head, sizeof head, "> POST %s%s", c->path ? c->path : o->target.url,
                 t.user || partner ? "" : " (no credentials)");
        trace_body(o->trace, head, r->request);
    }
    http_post(&t, c->path, body, strlen(body), &reply);
    free(user);
    free(password);
    enum case_status st;
    if (reply.status != 0) {
        r->response = partner ? mask_json(reply.body, v) : mask_passwords(reply.body);
        if (o->trace) {
            char head[64];
            snprintf(head, sizeof head, "< HTTP %ld", reply.status);
            trace_body(o->trace, head, r->response);
        }
        if (reply.status == 200 && partner)
            note_partners(body, &reply, c, created);
        else if (reply.status == 200)
            note_created(body, &reply, c, created);
    } else if (o->trace) {
        fprintf(o->trace, "< (no response) %s\n", reply.error);
    }
    if (reply.status == 0) {
        snprintf(r->reason, sizeof r->reason, "no answer: %s", reply.error);
        st = CASE_ERROR;
    } else if (reply.status != c->status)
        st = runner_fail(r, "HTTP %ld, expected %d", reply.status, c->status);
    else if (reply.status != 200)
        st = CASE_PASS;
    else if (partner)
        st = judge_json(c, o, v, body, &reply, r);
    else if (strncasecmp(reply.content_type, "text/xml", 8) != 0)
        /* XML-RPC answers are text/xml; an HTML error page usually shows itself here first. */
        st =
            runner_fail(r, "the answer's Content-Type is \"%s\", not text/xml", reply.content_type);
    else
        st = judge(c, o, v, &reply, r);
    free(body);
    http_reply_free(&reply);
    return r->status = st;
}

void runner_run(const struct conform_case *cases, size_t n, const struct runner_options *o,
                struct case_result *results, struct created_list *created)
{
    struct run_state v = {0};
    char run[32], number[32];
    srand((unsigned)time(NULL) ^ (unsigned)clock());
    snprintf(run, sizeof run, "%06x", (unsigned)rand() & 0xffffff);
    var_set(&v, "run", run);
    var_set(&v, "name_prefix", o->name_prefix);
    snprintf(number, sizeof number, "%lld", (long long)o->tariff);
    var_set(&v, "i_tariff", number);
    snprintf(number, sizeof number, "%lld", (long long)o->wholesaler);
    var_set(&v, "wholesaler", number);
    /* Creates carry i_wholesaler only in trusted mode; case bodies say where it goes. */
    char member[160] = "";
    if (o->wholesaler > 0)
        snprintf(member, sizeof member,
                 "<member><name>i_wholesaler</name><value><int>%lld</int></value></member>",
                 (long long)o->wholesaler);
    var_set(&v, "wholesaler_member", member);
    /* The partner API's Login; nothing when not given (main requires them for that API). */
    var_set(&v, "partner", o->partner ? o->partner : "");
    var_set(&v, "login", o->login ? o->login : "");
    var_set(&v, "password", o->password ? o->password : "");
    struct offered offered = {0};
    if (o->api == API_XMLRPC)
        ask_offered(o, &offered);
    for (size_t i = 0; i < n; i++) {
        struct case_result *r = &results[i];
        memset(r, 0, sizeof *r);
        if (!runner_selects(o, &cases[i])) {
            r->status = CASE_NOT_RUN;
            continue;
        }
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        run_one(&cases[i], i, o, &v, r, created, &offered);
        clock_gettime(CLOCK_MONOTONIC, &b);
        r->seconds = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        if (r->status == CASE_PASS)
            fprintf(o->lines, "ok   %s\n", cases[i].name);
        else
            fprintf(o->lines, "%s %s: %s\n",
                    r->status == CASE_FAIL    ? "FAIL"
                    : r->status == CASE_ERROR ? "ERROR"
                                              : "skip",
                    cases[i].name, r->reason);
        fflush(o->lines);
    }
    offered_free(&offered);
    for (size_t i = 0; i < v.n; i++) {
        free(v.name[i]);
        /* The password was a variable too: not left in freed memory. */
        memset(v.value[i], 0, strlen(v.value[i]));
        free(v.value[i]);
    }
    for (size_t i = 0; i < v.n_visas; i++)
        free(v.visas[i]);
    free(v.visas);
}

bool runner_selects(const struct runner_options *o, const struct conform_case *c)
{
    return c->api == o->api && (!o->only || fnmatch(o->only, c->name, 0) == 0) &&
           (o->profile == BASIS_CUSTRPC || c->basis == BASIS_API);
}
