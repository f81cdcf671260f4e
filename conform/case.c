/* case.c — reading conformance case files with libxml2 (see case.h and cases/README.md): XML-RPC
 * cases with XPath checks, partner (JSON-RPC) cases with JSON-path checks. */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "case.h"
#include "jsonpath.h"

static char *prop(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static char *content(const xmlNode *n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = strdup(v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

static int bad(struct custrpc_error *err, const char *path, const xmlNode *n, const char *what,
               const char *detail)
{
    return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s:%ld: %s%s", path, n ? xmlGetLineNo(n) : 0L,
                        what, detail ? detail : "");
}

const char *case_basis_name(enum case_basis b)
{
    return b == BASIS_API ? "api" : "custrpc";
}

const char *case_api_name(enum case_api a)
{
    return a == API_PARTNER ? "partner" : "xmlrpc";
}

/* basis="api|custrpc" into *out; 1 when absent. */
static int read_basis(const char *path, const xmlNode *n, enum case_basis *out,
                      struct custrpc_error *err)
{
    char *b = prop(n, "basis");
    int rc = 0;
    if (!b)
        rc = 1;
    else if (strcmp(b, "api") == 0)
        *out = BASIS_API;
    else if (strcmp(b, "custrpc") == 0)
        *out = BASIS_CUSTRPC;
    else
        rc = bad(err, path, n, "basis must be api or custrpc, not ", b);
    free(b);
    return rc;
}

/* "uniqueness: the same name..." -> "uniqueness"; "field name: wrong-type" -> "fields.name". */
static char *group_of(const char *name)
{
    size_t len = strcspn(name, ":");
    char *g = malloc(len + 2);
    if (strncmp(name, "field ", 6) == 0 && len > 6)
        snprintf(g, len + 2, "fields.%.*s", (int)(len - 6), name + 6);
    else
        snprintf(g, len + 2, "%.*s", (int)len, name);
    return g;
}

/* A check of an <xpath> or <json> element; the basis it may narrow the case's to. */
static struct case_check *add_check(const char *path, const xmlNode *k, struct conform_case *c,
                                    bool json, char *expr, enum check_op op, char *value,
                                    struct custrpc_error *err)
{
    if (c->n_checks == CASE_MAX_CHECKS) {
        free(expr);
        free(value);
        bad(err, path, k, "too many checks", NULL);
        return NULL;
    }
    struct case_check *ch = &c->checks[c->n_checks++];
    *ch = (struct case_check){.json = json, .expr = expr, .op = op, .value = value};
    /* A check may narrow an api case to custrpc (a fault code inside multicall), never
     * widen a custrpc case: what the case as a whole rests on bounds its parts. */
    ch->basis = c->basis;
    int b = read_basis(path, k, &ch->basis, err);
    if (b < 0)
        return NULL;
    if (b == 0 && ch->basis == BASIS_API && c->basis != BASIS_API) {
        bad(err, path, k, "a check of a custrpc case cannot have basis api", NULL);
        return NULL;
    }
    return ch;
}

static int read_xpath(const char *path, const xmlNode *k, struct conform_case *c,
                      struct custrpc_error *err)
{
    char *expr = prop(k, "expr"), *eq = prop(k, "equals"), *ne = prop(k, "not-equals");
    char *kind = prop(k, "kind");
    int rc = 0;
    if (!expr || (!eq && !ne)) {
        rc = bad(err, path, k, "<xpath> needs expr and equals or not-equals", NULL);
    } else if (kind && strcmp(kind, "fault-code") != 0) {
        rc = bad(err, path, k, "<xpath> kind must be fault-code, not ", kind);
    } else {
        struct case_check *ch = add_check(path, k, c, false, expr,
                                          ne ? CHECK_NOT_EQUALS : CHECK_EQUALS, ne ? ne : eq, err);
        expr = NULL;
        if (ne)
            ne = NULL;
        else
            eq = NULL;
        if (!ch)
            rc = -1;
        else if (kind) {
            ch->fault_code = true;
            ch->basis = BASIS_CUSTRPC; /* the API publishes no fault codes */
        }
    }
    free(expr);
    free(eq);
    free(ne);
    free(kind);
    return rc;
}

/* <json path="P" equals|not-equals|contains|kind|exists|length="…"/>: one check per test given.
 * A path reading error.code or error.data judges a code, as kind="fault-code" does. */
static int read_json_check(const char *path, const xmlNode *k, struct conform_case *c,
                           struct custrpc_error *err)
{
    static const struct {
        const char *attr;
        enum check_op op;
    } tests[] = {{"equals", CHECK_EQUALS},     {"not-equals", CHECK_NOT_EQUALS},
                 {"contains", CHECK_CONTAINS}, {"kind", CHECK_KIND},
                 {"exists", CHECK_EXISTS},     {"length", CHECK_LENGTH}};
    char *jpath = prop(k, "path");
    const char *why = jpath ? jsonpath_syntax(jpath) : "<json> needs a path";
    if (why) {
        int rc = bad(err, path, k, why, jpath ? jpath : NULL);
        free(jpath);
        return rc;
    }
    bool code = strcmp(jpath, "error.code") == 0 || strcmp(jpath, "error.data") == 0;
    size_t given = 0;
    for (size_t i = 0; i < sizeof tests / sizeof *tests; i++) {
        char *value = prop(k, tests[i].attr);
        if (!value)
            continue;
        if ((tests[i].op == CHECK_KIND && !jsonpath_kind_known(value)) ||
            (tests[i].op == CHECK_EXISTS && strcmp(value, "true") != 0 &&
             strcmp(value, "false") != 0)) {
            int rc = bad(err, path, k,
                         tests[i].op == CHECK_KIND
                             ? "kind is object, array, string, integer, number, boolean or null, "
                               "not "
                             : "exists is true or false, not ",
                         value);
            free(value);
            free(jpath);
            return rc;
        }
        struct case_check *ch = add_check(path, k, c, true, strdup(jpath), tests[i].op, value, err);
        if (!ch) {
            free(jpath);
            return -1;
        }
        given++;
        if (code) {
            ch->fault_code = true;
            ch->basis = BASIS_CUSTRPC;
        }
    }
    free(jpath);
    return given ? 0
                 : bad(err, path, k,
                       "<json> needs equals, not-equals, contains, kind, exists or length", NULL);
}

static int read_expect(const char *path, const xmlNode *n, struct conform_case *c,
                       struct custrpc_error *err)
{
    char *status = prop(n, "status"), *outcome = prop(n, "outcome"), *code = prop(n, "fault-code");
    char *data = prop(n, "fault-data");
    int rc = 0;
    c->status = status ? atoi(status) : 200;
    if (!outcome || strcmp(outcome, "any") == 0)
        c->outcome = OUTCOME_ANY;
    else if (strcmp(outcome, "success") == 0)
        c->outcome = OUTCOME_SUCCESS;
    else if (strcmp(outcome, "fault") == 0)
        c->outcome = OUTCOME_FAULT;
    else
        rc = bad(err, path, n, "outcome must be success, fault or any, not ", outcome);
    if (code) {
        c->has_fault_code = true;
        c->fault_code = atoi(code);
        c->outcome = OUTCOME_FAULT;
    }
    if (data && c->api != API_PARTNER)
        rc = bad(err, path, n, "fault-data is JSON-RPC's error.data: partner cases only", NULL);
    else if (data) {
        c->has_fault_data = true;
        c->fault_data = atoi(data);
        c->outcome = OUTCOME_FAULT;
    }
    for (const xmlNode *k = n->children; rc == 0 && k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        const char *el = (const char *)k->name;
        bool want_json = c->api == API_PARTNER;
        if (strcmp(el, "xpath") == 0 && !want_json)
            rc = read_xpath(path, k, c, err);
        else if (strcmp(el, "json") == 0 && want_json)
            rc = read_json_check(path, k, c, err);
        else
            rc = bad(err, path, k,
                     want_json ? "unknown element in <expect> (a partner case checks with <json>): "
                               : "unknown element in <expect> (an XML-RPC case checks with "
                                 "<xpath>): ",
                     el);
    }
    free(status);
    free(outcome);
    free(code);
    free(data);
    return rc;
}

int case_load(const char *path, struct conform_case *c, struct custrpc_error *err)
{
    memset(c, 0, sizeof *c);
    c->file = strdup(path);
    c->status = 200;
    xmlDocPtr doc =
        xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s:%d: %s", path, e ? e->line : 0,
                            e && e->message ? e->message : "cannot read");
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    int rc = 0;
    if (!root || strcmp((const char *)root->name, "case") != 0) {
        rc = bad(err, path, root, "the root element must be <case>", NULL);
        goto done;
    }
    c->name = prop(root, "name");
    c->requires = prop(root, "requires");
    c->needs = prop(root, "needs");
    if (!c->name) {
        rc = bad(err, path, root, "<case> needs a name", NULL);
        goto done;
    }
    c->group = group_of(c->name);
    char *api = prop(root, "api");
    if (api && strcmp(api, "partner") == 0)
        c->api = API_PARTNER;
    else if (api && strcmp(api, "xmlrpc") != 0)
        rc = bad(err, path, root, "api must be xmlrpc or partner, not ", api);
    free(api);
    if (rc < 0)
        goto done;
    rc = read_basis(path, root, &c->basis, err);
    if (rc > 0)
        rc = bad(err, path, root, "<case> needs basis=\"api\" or basis=\"custrpc\"", NULL);
    if (rc < 0)
        goto done;
    for (const xmlNode *n = root->children; rc == 0 && n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *el = (const char *)n->name;
        if (strcmp(el, "description") == 0) {
            c->description = content(n);
        } else if (strcmp(el, "basis") == 0) {
            free(c->basis_text);
            c->basis_text = content(n);
        } else if (strcmp(el, "request") == 0) {
            char *auth = prop(n, "auth");
            c->path = prop(n, "path");
            c->user = prop(n, "user");
            c->password = prop(n, "password");
            if (!auth || strcmp(auth, "default") == 0)
                c->auth = AUTH_DEFAULT;
            else if (strcmp(auth, "none") == 0)
                c->auth = AUTH_NONE;
            else if (strcmp(auth, "wrong-password") == 0)
                c->auth = AUTH_WRONG_PASSWORD;
            else
                rc = bad(err, path, n, "auth must be default, none or wrong-password, not ", auth);
            free(auth);
            /* The partner API has no HTTP authentication: its login is a Login call. */
            if (rc == 0 && c->api == API_PARTNER &&
                (c->auth != AUTH_DEFAULT || c->user || c->password))
                rc = bad(err, path, n,
                         "a partner case logs in with a Login call, not auth, user or password",
                         NULL);
            for (const xmlNode *b = n->children; b; b = b->next)
                if (b->type == XML_ELEMENT_NODE && strcmp((const char *)b->name, "body") == 0)
                    c->body = content(b);
            if (rc == 0 && !c->body)
                rc = bad(err, path, n, "<request> needs a <body>", NULL);
        } else if (strcmp(el, "expect") == 0) {
            rc = read_expect(path, n, c, err);
        } else if (strcmp(el, "capture") == 0) {
            if (c->n_captures == CASE_MAX_CAPTURES) {
                rc = bad(err, path, n, "too many <capture> elements", NULL);
                break;
            }
            struct case_capture *cap = &c->captures[c->n_captures++];
            cap->var = prop(n, "var");
            cap->json = c->api == API_PARTNER;
            cap->expr = prop(n, cap->json ? "json" : "xpath");
            if (!cap->var || !cap->expr)
                rc = bad(err, path, n,
                         cap->json ? "<capture> of a partner case needs var and json (a path)"
                                   : "<capture> needs var and xpath",
                         NULL);
            else if (cap->json && jsonpath_syntax(cap->expr))
                rc = bad(err, path, n, jsonpath_syntax(cap->expr), NULL);
        } else {
            rc = bad(err, path, n, "unknown element ", el);
        }
    }
    if (rc == 0 && !c->body)
        rc = bad(err, path, root, "the case has no <request>", NULL);
    if (rc == 0 && c->basis == BASIS_API &&
        (!c->basis_text || !c->basis_text[strspn(c->basis_text, " \t\r\n")]))
        rc = bad(err, path, root,
                 "basis=\"api\" needs a <basis> quoting the API text or vendor fact it rests on",
                 NULL);
done:
    xmlFreeDoc(doc);
    if (rc < 0)
        case_free(c);
    return rc;
}

void case_free(struct conform_case *c)
{
    free(c->file);
    free(c->name);
    free(c->description);
    free(c->basis_text);
    free(c->group);
    free(c->requires);
    free(c->needs);
    free(c->path);
    free(c->user);
    free(c->password);
    free(c->body);
    for (size_t i = 0; i < c->n_checks; i++) {
        free(c->checks[i].expr);
        free(c->checks[i].value);
    }
    for (size_t i = 0; i < c->n_captures; i++) {
        free(c->captures[i].var);
        free(c->captures[i].expr);
    }
    memset(c, 0, sizeof *c);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int case_load_dir(const char *dir, struct conform_case **cases, size_t *n,
                  struct custrpc_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: cannot open the cases directory", dir);
    char **names = NULL;
    size_t count = 0, cap = 0;
    bool oom = false;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".xml") != 0)
            continue;
        if (count == cap) {
            size_t more = cap ? cap * 2 : 64;
            char **grown = realloc(names, more * sizeof *names);
            if (!grown) {
                oom = true;
                break;
            }
            names = grown;
            cap = more;
        }
        names[count++] = strdup(e->d_name);
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof *names, by_name);
    *cases = calloc(count ? count : 1, sizeof **cases);
    *n = 0;
    int rc = oom ? custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory") : 0;
    for (size_t i = 0; i < count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (rc == 0 && case_load(path, &(*cases)[*n], err) == 0)
            (*n)++;
        else
            rc = -1;
        free(names[i]);
    }
    free(names);
    if (rc == 0 && *n == 0)
        rc = custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: no case files (*.xml)", dir);
    if (rc == 0)
        rc = case_check_basis(*cases, *n, err);
    if (rc < 0) {
        for (size_t i = 0; i < *n; i++)
            case_free(&(*cases)[i]);
        free(*cases);
        *cases = NULL;
        *n = 0;
    }
    return rc;
}

/* Whether case i uses variable var (in needs, the body, a credential or an expected value). */
static bool uses(const struct conform_case *c, const char *var)
{
    char braced[300];
    snprintf(braced, sizeof braced, "{{%s}}", var);
    bool hit = (c->body && strstr(c->body, braced)) || (c->user && strstr(c->user, braced)) ||
               (c->password && strstr(c->password, braced));
    for (size_t k = 0; !hit && k < c->n_checks; k++)
        hit = strstr(c->checks[k].value, braced) ||
              (c->checks[k].json && strstr(c->checks[k].expr, braced));
    size_t n = strlen(var);
    for (const char *p = c->needs; !hit && p && (p = strstr(p, var)); p += n)
        hit = (p == c->needs || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ');
    return hit;
}

int case_check_basis(const struct conform_case *cases, size_t n, struct custrpc_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (cases[i].basis != BASIS_API)
            continue;
        for (size_t j = 0; j < n; j++)
            for (size_t k = 0; k < cases[j].n_captures; k++) {
                const char *var = cases[j].captures[k].var;
                if (!uses(&cases[i], var))
                    continue;
                bool from_api = false;
                for (size_t e = 0; e < i && !from_api; e++)
                    for (size_t m = 0; m < cases[e].n_captures && !from_api; m++)
                        from_api = cases[e].basis == BASIS_API && cases[e].api == cases[i].api &&
                                   strcmp(cases[e].captures[m].var, var) == 0;
                if (!from_api)
                    return custrpc_fail(err, CUSTRPC_E_VALUE, NULL,
                                        "%s: an api case uses {{%s}}, which no earlier api case "
                                        "of its API captures (the api profile would skip it)",
                                        cases[i].file, var);
            }
    }
    return 0;
}
