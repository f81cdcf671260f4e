/* xmlrpc_decode.c — XML-RPC documents to xmlrpc-c values with libxml2's SAX parser (see
 * xmlrpc_decode.h). SAX, not the reader: the internalSubset event arrives at "<!DOCTYPE name",
 * before libxml2 reads any declaration, so the parse stops before an entity exists. An explicit
 * stack of open elements replaces recursion: depth costs a frame up to the limit and no
 * further, and the value tree built is never deeper than the limit, so neither parsing nor
 * freeing can run out of stack. */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include <custrpc/fields.h>
#include <custrpc/xmlrpc.h>

#include "types.h"
#include "wire.h"

enum kind {
    K_DOC,
    K_CALL,
    K_RESPONSE,
    K_METHODNAME,
    K_PARAMS,
    K_PARAM,
    K_FAULT,
    K_VALUE,
    K_SCALAR,
    K_STRUCT,
    K_MEMBER,
    K_NAME,
    K_ARRAY,
    K_DATA
};

enum scalar { S_INT, S_I8, S_BOOL, S_STRING, S_DOUBLE, S_DATETIME, S_BASE64, S_NIL };

/* The scalar elements, with the "ex:" spellings of xmlrpc-c's extensions. */
static const struct {
    const char *element;
    enum scalar type;
} scalars[] = {
    {"int", S_INT},       {"i4", S_INT},        {"i8", S_I8},
    {"ex:i8", S_I8},      {"boolean", S_BOOL},  {"string", S_STRING},
    {"double", S_DOUBLE}, {"base64", S_BASE64}, {"dateTime.iso8601", S_DATETIME},
    {"nil", S_NIL},       {"ex:nil", S_NIL},
};

struct frame {
    enum kind kind;
    enum scalar scalar;
    const char *element; /* the element's name, for messages (static storage) */
    xmlrpc_value *value; /* the value held (VALUE, PARAM, MEMBER, FAULT, ARRAY) or being
                            filled (STRUCT, DATA, PARAMS) */
    char *name;          /* MEMBER: its name */
    unsigned children;   /* child elements seen */
    /* Decoding straight into the request struct (custrpc_xmlrpc_decode_call): */
    bool direct;                           /* STRUCT: the request's own struct, read into fields */
    const struct custrpc_field *field;     /* MEMBER of that struct: the field its value goes to */
    const struct custrpc_message *owner_d; /* and the message holding it (an inline one, say) */
    void *owner;
    bool done; /* VALUE, MEMBER, PARAM: the value went into the struct */
    bool skip; /* MEMBER: refused (unknown, given twice): read, dropped */
};

struct parser {
    xmlParserCtxtPtr ctxt;
    bool failed; /* err is set; the parser was told to stop */
    bool want_response;
    struct frame stack[CUSTRPC_XML_MAX_DEPTH + 1]; /* stack[0] is the document */
    int top;
    char *text; /* character data of the innermost open element */
    size_t text_len, text_cap;
    char *method;
    xmlrpc_value *result;      /* a call's params array, or a response's one value */
    custrpc_select_fn *select; /* NULL: always a value tree */
    void *select_ctx;
    const struct custrpc_message *request; /* the method's, once select named one */
    void *message;                         /* the struct being filled (request->size bytes) */
    bool direct_param;                     /* the first param was read into it */
    /* The first member the struct refused. Reported only once the params are known to be one
     * struct, so a call of two params is -32602 whatever its first one holds, as on the value
     * tree path. */
    struct custrpc_error deferred;
    bool has_deferred;
    int fault_code;
    char *fault_string;
    struct custrpc_error *err;
};

/* The member being decoded, innermost first: the field errors are about. */
static const char *current_member(const struct parser *p)
{
    for (int i = p->top; i > 0; i--)
        if (p->stack[i].kind == K_MEMBER && p->stack[i].name)
            return p->stack[i].name;
    return NULL;
}

/* Whether any enclosing member is a secret one: its value then never reaches a message. */
static bool inside_secret(const struct parser *p)
{
    for (int i = p->top; i > 0; i--) {
        if (p->stack[i].kind != K_MEMBER || !p->stack[i].name)
            continue;
        const struct custrpc_field *f = custrpc_field_find(p->stack[i].name);
        if (f && (f->flags & CUSTRPC_FLAG_SECRET))
            return true;
    }
    return false;
}

#define fail(p, code, ...) custrpc_fail((p)->err, (code), current_member(p), __VA_ARGS__)

/* A short, quoted sample of a bad value for a message, or "(hidden)" inside a secret. */
static const char *sample(const struct parser *p, const char *text, char *buf, size_t size)
{
    if (inside_secret(p))
        return "(hidden)";
    size_t n = strlen(text);
    snprintf(buf, size, "\"%.*s%s\"", (int)(n > 40 ? 40 : n), text, n > 40 ? "..." : "");
    return buf;
}

static bool is_blank_char(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool text_blank(const struct parser *p)
{
    for (size_t i = 0; i < p->text_len; i++)
        if (!is_blank_char(p->text[i]))
            return false;
    return true;
}

static int append_text(struct parser *p, const char *s, size_t n)
{
    if (p->text_len + n + 1 > p->text_cap) {
        size_t cap = (p->text_len + n + 1) * 2;
        char *t = realloc(p->text, cap);
        if (!t)
            return fail(p, CUSTRPC_E_INTERNAL, "out of memory");
        p->text = t;
        p->text_cap = cap;
    }
    memcpy(p->text + p->text_len, s, n);
    p->text_len += n;
    p->text[p->text_len] = '\0';
    return 0;
}

static void clear_text(struct parser *p)
{
    p->text_len = 0;
    if (p->text)
        p->text[0] = '\0';
}

/* The text without surrounding white space (in place); numbers may be pretty-printed. */
static char *trimmed(struct parser *p)
{
    char *s = p->text ? p->text : (char *)"";
    size_t n = p->text_len;
    while (n > 0 && is_blank_char(s[n - 1]))
        s[--n] = '\0';
    while (*s && is_blank_char(*s))
        s++;
    return s;
}

/* Turns an xmlrpc-c failure while building a value into err. */
static int env_failed(struct parser *p, xmlrpc_env *env, const char *what)
{
    int rc = fail(p, CUSTRPC_E_REQUEST, "%s: %s", what, env->fault_string);
    xmlrpc_env_clean(env);
    return rc;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static int read_integer(struct parser *p, const char *s, const char *element, int64_t lo,
                        int64_t hi, int64_t *out)
{
    char buf[64];
    const char *digits = (*s == '-' || *s == '+') ? s + 1 : s;
    if (!all_digits(digits))
        return fail(p, CUSTRPC_E_REQUEST, "<%s> value %s is not an integer", element,
                    sample(p, s, buf, sizeof buf));
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE || v < lo || v > hi)
        return fail(p, CUSTRPC_E_REQUEST, "<%s> value %s is out of range %lld..%lld", element,
                    sample(p, s, buf, sizeof buf), (long long)lo, (long long)hi);
    *out = v;
    return 0;
}

/* XML-RPC's decimal, plus the exponent that Python's repr() writes for large values; never
 * inf, nan or hexadecimal, which strtod alone would take. */
static bool double_syntax(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    size_t before = strspn(s, "0123456789");
    s += before;
    size_t after = 0;
    if (*s == '.') {
        after = strspn(s + 1, "0123456789");
        s += 1 + after;
    }
    if (before + after == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        size_t exp = strspn(s, "0123456789");
        if (exp == 0)
            return false;
        s += exp;
    }
    return *s == '\0';
}

static int base64_digit(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes base64 (white space ignored, padding optional) into out, which holds at least
 * strlen(s) * 3 / 4 + 3 bytes; -1 on a character outside the alphabet or data after '='. */
static long base64_decode(const char *s, unsigned char *out)
{
    unsigned acc = 0;
    int bits = 0;
    long n = 0;
    bool padded = false;
    for (; *s; s++) {
        if (is_blank_char(*s))
            continue;
        if (*s == '=') {
            padded = true;
            continue;
        }
        int d = base64_digit(*s);
        if (d < 0 || padded)
            return -1;
        acc = (acc << 6) | (unsigned)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return n;
}

/* XML-RPC's YYYYMMDDThh:mm:ss with optional fractional seconds (at most 6 digits), fields in
 * range. Years before 1000 are refused too: xmlrpc-c writes them without leading zeros, which no
 * parser reads back (found by fuzz_xmlrpc_decode's round trip). */
bool lib_datetime_syntax(const char *s)
{
    static const char shape[] = "DDDDDDDDTDD:DD:DD";
    size_t i = 0;
    for (; shape[i]; i++) {
        if (shape[i] == 'D' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return false;
    }
    if (s[i] == '.') {
        /* Up to microseconds: xmlrpc-c 1.33's xmlrpc_datetime_new_str does not come back from
         * a long fraction (fuzz_decode found 117 digits taking more than 10 s). */
        size_t frac = strspn(s + i + 1, "0123456789");
        if (frac == 0 || frac > 6)
            return false;
        i += 1 + frac;
    }
    if (s[i] != '\0')
        return false;
    int year = atoi((char[5]){s[0], s[1], s[2], s[3], 0});
    int month = (s[4] - '0') * 10 + (s[5] - '0'), day = (s[6] - '0') * 10 + (s[7] - '0');
    int hour = (s[9] - '0') * 10 + (s[10] - '0'), minute = (s[12] - '0') * 10 + (s[13] - '0');
    int second = (s[15] - '0') * 10 + (s[16] - '0');
    return year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 &&
           minute <= 59 && second <= 60;
}

/* The value of a scalar element from its text. */
static int deliver(struct parser *p, struct frame *parent, xmlrpc_value *v);
static int refuse_member(struct parser *p, const struct custrpc_error *e);

/* CR LF and a lone CR become LF in string values, in place, as xmlrpc-c's string values have
 * them (XML normalizes them in text, though libxml2 keeps a CR inside CDATA): both decoding
 * paths must read the same string (found by fuzz_decode_direct). */
static void normalize_newlines(struct parser *p)
{
    size_t out = 0;
    for (size_t in = 0; in < p->text_len; in++) {
        char c = p->text[in];
        if (c == '\r') {
            c = '\n';
            if (in + 1 < p->text_len && p->text[in + 1] == '\n')
                in++;
        }
        p->text[out++] = c;
    }
    p->text_len = out;
    if (p->text)
        p->text[out] = '\0';
}

/* A scalar element's text read into a wire scalar, with the syntax of its type checked.
 * *owned is what w points into and the caller frees (base64 bytes); the text stays p's. */
static int scalar_wire(struct parser *p, const struct frame *f, struct lib_wire *w,
                       unsigned char **owned)
{
    char buf[64];
    const char *s;
    memset(w, 0, sizeof *w);
    *owned = NULL;
    switch (f->scalar) {
    case S_STRING:
        normalize_newlines(p);
        w->type = XMLRPC_TYPE_STRING;
        w->s = p->text ? p->text : "";
        w->len = p->text_len;
        return 0;
    case S_INT:
    case S_I8:
        w->type = f->scalar == S_INT ? XMLRPC_TYPE_INT : XMLRPC_TYPE_I8;
        return read_integer(p, trimmed(p), f->element, f->scalar == S_INT ? INT32_MIN : INT64_MIN,
                            f->scalar == S_INT ? INT32_MAX : INT64_MAX, &w->i);
    case S_BOOL:
        s = trimmed(p);
        if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0)
            return fail(p, CUSTRPC_E_REQUEST, "<boolean> value %s is not 0 or 1",
                        sample(p, s, buf, sizeof buf));
        w->type = XMLRPC_TYPE_BOOL;
        w->b = s[0] == '1';
        return 0;
    case S_DOUBLE:
        s = trimmed(p);
        if (double_syntax(s))
            w->d = strtod(s, NULL);
        if (!double_syntax(s) || !isfinite(w->d))
            return fail(p, CUSTRPC_E_REQUEST, "<double> value %s is not a finite decimal number",
                        sample(p, s, buf, sizeof buf));
        w->type = XMLRPC_TYPE_DOUBLE;
        return 0;
    case S_DATETIME:
        s = trimmed(p);
        if (!lib_datetime_syntax(s))
            return fail(p, CUSTRPC_E_REQUEST,
                        "<dateTime.iso8601> value %s is not YYYYMMDDThh:mm:ss",
                        sample(p, s, buf, sizeof buf));
        w->type = XMLRPC_TYPE_DATETIME;
        w->s = s;
        w->len = strlen(s);
        return 0;
    case S_BASE64: {
        unsigned char *bytes = malloc(p->text_len * 3 / 4 + 3);
        if (!bytes)
            return fail(p, CUSTRPC_E_INTERNAL, "out of memory");
        long len = base64_decode(p->text ? p->text : "", bytes);
        if (len < 0) {
            free(bytes);
            return fail(p, CUSTRPC_E_REQUEST, "<base64> value is not base64");
        }
        *owned = bytes;
        w->type = XMLRPC_TYPE_BASE64;
        w->s = (const char *)bytes;
        w->len = (size_t)len;
        return 0;
    }
    case S_NIL:
        if (!text_blank(p))
            return fail(p, CUSTRPC_E_REQUEST, "<nil/> has content");
        w->type = XMLRPC_TYPE_NIL;
        return 0;
    }
    return fail(p, CUSTRPC_E_INTERNAL, "unknown scalar");
}

/* The xmlrpc-c value of a wire scalar, for the value tree. */
static int tree_value(struct parser *p, const struct frame *f, const struct lib_wire *w,
                      xmlrpc_value **out)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    switch (w->type) {
    case XMLRPC_TYPE_STRING: *out = xmlrpc_string_new_lp(&env, w->len, w->s); break;
    case XMLRPC_TYPE_INT: *out = xmlrpc_int_new(&env, (int)w->i); break;
    case XMLRPC_TYPE_I8: *out = xmlrpc_i8_new(&env, w->i); break;
    case XMLRPC_TYPE_BOOL: *out = xmlrpc_bool_new(&env, w->b); break;
    case XMLRPC_TYPE_DOUBLE: *out = xmlrpc_double_new(&env, w->d); break;
    case XMLRPC_TYPE_DATETIME: *out = xmlrpc_datetime_new_str(&env, w->s); break;
    case XMLRPC_TYPE_BASE64:
        *out = xmlrpc_base64_new(&env, w->len, (const unsigned char *)w->s);
        break;
    default: *out = xmlrpc_nil_new(&env); break;
    }
    if (env.fault_occurred)
        return env_failed(p, &env, f->element);
    return 0;
}

/* The member frame whose value is being read straight into the request struct, or NULL. */
static struct frame *direct_member(struct parser *p, int value_frame)
{
    if (value_frame < 2 || value_frame > p->top || p->stack[value_frame].kind != K_VALUE)
        return NULL;
    struct frame *m = &p->stack[value_frame - 1];
    return m->kind == K_MEMBER && m->field ? m : NULL;
}

/* A scalar element's value: into the request struct's field when its member is read
 * directly, else into the value tree (delivered to its <value>). */
static int end_scalar(struct parser *p, struct frame *f, struct frame *parent)
{
    struct lib_wire w;
    unsigned char *owned;
    if (scalar_wire(p, f, &w, &owned) < 0)
        return -1;
    int rc;
    struct frame *m = direct_member(p, p->top - 1);
    if (m) {
        struct custrpc_error e;
        rc = lib_decode_wire(m->owner_d, m->owner, m->field, &w, m->name, &e);
        if (rc < 0)
            rc = refuse_member(p, &e);
        parent->done = true;
    } else {
        xmlrpc_value *v = NULL;
        rc = tree_value(p, f, &w, &v);
        if (rc == 0)
            rc = deliver(p, parent, v);
    }
    free(owned);
    return rc;
}

/* XML-RPC's grammar as data: which element may stand where, at which position among its
 * parent's children (ANY: at every one), and what it is. A document of a call starts with a
 * methodCall, one of a response with a methodResponse; <value> takes the scalars as well. */
#define ANY (-1)
static const struct {
    enum kind parent;
    bool response; /* K_DOC only: the document of a methodResponse */
    int position;
    const char *element;
    enum kind kind;
} grammar[] = {
    {K_DOC, false, 0, "methodCall", K_CALL},        {K_DOC, true, 0, "methodResponse", K_RESPONSE},
    {K_CALL, false, 0, "methodName", K_METHODNAME}, {K_CALL, false, 1, "params", K_PARAMS},
    {K_RESPONSE, false, 0, "params", K_PARAMS},     {K_RESPONSE, false, 0, "fault", K_FAULT},
    {K_PARAMS, false, ANY, "param", K_PARAM},       {K_PARAM, false, 0, "value", K_VALUE},
    {K_FAULT, false, 0, "value", K_VALUE},          {K_DATA, false, ANY, "value", K_VALUE},
    {K_VALUE, false, 0, "struct", K_STRUCT},        {K_VALUE, false, 0, "array", K_ARRAY},
    {K_STRUCT, false, ANY, "member", K_MEMBER},     {K_MEMBER, false, 0, "name", K_NAME},
    {K_MEMBER, false, 1, "value", K_VALUE},         {K_ARRAY, false, 0, "data", K_DATA},
};

/* What an element may be inside its parent; -1 (with err set) when it may not be there. */
static int child_kind(struct parser *p, struct frame *parent, const char *name, struct frame *f)
{
    f->element = NULL;
    for (size_t i = 0; !f->element && i < sizeof grammar / sizeof grammar[0]; i++)
        if (grammar[i].parent == parent->kind &&
            (parent->kind != K_DOC || grammar[i].response == p->want_response) &&
            (grammar[i].position == ANY || grammar[i].position == (int)parent->children) &&
            strcmp(name, grammar[i].element) == 0) {
            f->kind = grammar[i].kind;
            f->element = grammar[i].element;
        }
    for (size_t i = 0; parent->kind == K_VALUE && parent->children == 0 && !f->element &&
                       i < sizeof scalars / sizeof scalars[0];
         i++)
        if (strcmp(name, scalars[i].element) == 0) {
            f->kind = K_SCALAR;
            f->scalar = scalars[i].type;
            f->element = scalars[i].element;
        }
    if (!f->element) {
        char shown[64];
        snprintf(shown, sizeof shown, "%.40s", name);
        return fail(p, CUSTRPC_E_REQUEST, "unexpected <%s> in %s%s%s", shown,
                    parent->kind == K_DOC ? "the document" : "<",
                    parent->kind == K_DOC ? "" : parent->element, parent->kind == K_DOC ? "" : ">");
    }
    return 0;
}

static int start_element(struct parser *p, const char *name)
{
    struct frame *parent = &p->stack[p->top];
    if (p->top == CUSTRPC_XML_MAX_DEPTH)
        return fail(p, CUSTRPC_E_TOO_LARGE, "XML nested deeper than %d elements",
                    CUSTRPC_XML_MAX_DEPTH);
    if (parent->kind != K_VALUE && parent->kind != K_DOC && !text_blank(p))
        return fail(p, CUSTRPC_E_REQUEST, "text inside <%s>", parent->element);
    if (parent->kind == K_VALUE && !text_blank(p))
        return fail(p, CUSTRPC_E_REQUEST, "text beside the typed value in <value>");
    struct frame f = {0};
    if (child_kind(p, parent, name, &f) < 0)
        return -1;
    if (parent->kind == K_STRUCT && parent->children == CUSTRPC_XML_MAX_MEMBERS)
        return fail(p, CUSTRPC_E_TOO_LARGE, "struct with more than %d members",
                    CUSTRPC_XML_MAX_MEMBERS);
    parent->children++;
    clear_text(p);
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    /* The first param's struct of a method with a request descriptor: read into the struct. */
    f.direct = f.kind == K_STRUCT && p->request && p->top == 4 && p->stack[3].kind == K_PARAM &&
               p->stack[2].children == 1 && p->stack[1].kind == K_CALL;
    if (f.kind == K_STRUCT && !f.direct)
        f.value = xmlrpc_struct_new(&env);
    else if (f.kind == K_DATA || f.kind == K_PARAMS)
        f.value = xmlrpc_array_new(&env);
    if (env.fault_occurred)
        return env_failed(p, &env, f.element);
    p->stack[++p->top] = f;
    return 0;
}

/* Hands a finished value to the frame that holds it. Takes the reference. */
static int deliver(struct parser *p, struct frame *parent, xmlrpc_value *v)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    if (parent->kind == K_DATA || parent->kind == K_PARAMS) {
        xmlrpc_array_append_item(&env, parent->value, v);
        xmlrpc_DECREF(v);
    } else {
        parent->value = v;
    }
    return env.fault_occurred ? env_failed(p, &env, parent->element) : 0;
}

static int end_member(struct parser *p, struct frame *f, struct frame *parent)
{
    if (!f->name || !f->value)
        return fail(p, CUSTRPC_E_REQUEST, "<member> needs a <name> and a <value>");
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    if (xmlrpc_struct_has_key(&env, parent->value, f->name))
        return fail(p, CUSTRPC_E_DUPLICATE, "member given twice");
    xmlrpc_struct_set_value(&env, parent->value, f->name, f->value);
    return env.fault_occurred ? env_failed(p, &env, "member") : 0;
}

static int end_fault(struct parser *p, struct frame *f)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *code = NULL, *text = NULL;
    int rc = -1;
    if (!f->value || xmlrpc_value_type(f->value) != XMLRPC_TYPE_STRUCT)
        return fail(p, CUSTRPC_E_REQUEST, "<fault> needs a struct value");
    xmlrpc_struct_find_value(&env, f->value, "faultCode", &code);
    xmlrpc_struct_find_value(&env, f->value, "faultString", &text);
    if (!env.fault_occurred && code && text && xmlrpc_value_type(code) == XMLRPC_TYPE_INT &&
        xmlrpc_value_type(text) == XMLRPC_TYPE_STRING) {
        xmlrpc_read_int(&env, code, &p->fault_code);
        xmlrpc_read_string(&env, text, (const char **)&p->fault_string);
        rc = env.fault_occurred ? -1 : 0;
    }
    if (code)
        xmlrpc_DECREF(code);
    if (text)
        xmlrpc_DECREF(text);
    xmlrpc_env_clean(&env);
    if (rc < 0)
        return fail(p, CUSTRPC_E_REQUEST,
                    "<fault> needs an int faultCode and a string faultString");
    if (p->fault_code == 0)
        return fail(p, CUSTRPC_E_REQUEST, "<fault> with faultCode 0");
    return 0;
}

/* XML-RPC method names: letters, digits, '_', '.', ':' and '/'. */
static int end_method_name(struct parser *p)
{
    const char *s = p->text ? p->text : "";
    if (!*s || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:/") !=
                   p->text_len)
        return fail(p, CUSTRPC_E_REQUEST,
                    "<methodName> must be letters, digits, '_', '.', ':' "
                    "or '/'");
    p->method = strdup(s);
    if (!p->method)
        return fail(p, CUSTRPC_E_INTERNAL, "out of memory");
    p->request = p->select ? p->select(p->select_ctx, p->method) : NULL;
    if (p->request) {
        p->message = malloc(p->request->size);
        if (!p->message)
            return fail(p, CUSTRPC_E_INTERNAL, "out of memory");
        custrpc_msg_init(p->request, p->message);
    }
    return 0;
}

/* A member the request struct refused: kept for later (see parser.deferred), the parse goes
 * on. An internal failure (memory) stops it at once. */
static int refuse_member(struct parser *p, const struct custrpc_error *e)
{
    if (e->code == CUSTRPC_E_INTERNAL) {
        if (p->err)
            *p->err = *e;
        return -1;
    }
    if (!p->has_deferred) {
        p->deferred = *e;
        p->has_deferred = true;
    }
    return 0;
}

/* The <name> of a member of the request's own struct: its field, which must exist and not
 * have been given already. */
static int direct_field(struct parser *p, struct frame *member)
{
    const struct custrpc_message *od = NULL;
    void *owner = NULL;
    const struct custrpc_field *f =
        custrpc_msg_member(p->request, p->message, member->name, true, &od, &owner);
    struct custrpc_error e;
    if (!f || custrpc_msg_presence(od, owner, f) != CUSTRPC_ABSENT) {
        custrpc_fail(&e, f ? CUSTRPC_E_DUPLICATE : CUSTRPC_E_UNKNOWN, member->name, "%s",
                     f ? "member given twice" : "unknown member");
        member->skip = true;
        return refuse_member(p, &e);
    }
    member->field = f;
    member->owner_d = od;
    member->owner = owner;
    return 0;
}

/* The end of a <value> read into the request struct: a scalar is already there; a struct or
 * array read as a value tree goes in now; no type element is a string. */
static int end_direct_value(struct parser *p, struct frame *f, struct frame *parent)
{
    struct frame *m = direct_member(p, p->top);
    int rc = 0;
    if (!text_blank(p) && (f->done || f->value))
        return fail(p, CUSTRPC_E_REQUEST, "text beside the typed value in <value>");
    struct custrpc_error e;
    if (m && f->value) {
        if (lib_decode_member(m->owner_d, m->owner, m->field, f->value, m->name, 0, &e) < 0)
            rc = refuse_member(p, &e);
    } else if (m && !f->done) {
        struct frame as_string = {.kind = K_SCALAR, .scalar = S_STRING, .element = "value"};
        struct lib_wire w;
        unsigned char *owned;
        rc = scalar_wire(p, &as_string, &w, &owned);
        if (rc == 0 && lib_decode_wire(m->owner_d, m->owner, m->field, &w, m->name, &e) < 0)
            rc = refuse_member(p, &e);
    }
    parent->done = true;
    return rc;
}

/* A call with a request descriptor takes exactly one struct, read into the request. */
static int check_one_struct(struct parser *p, const struct frame *params)
{
    if (params->children == 1 && p->direct_param && p->has_deferred) {
        if (p->err)
            *p->err = p->deferred;
        return -1;
    }
    if (params->children == 1 && p->direct_param)
        return 0;
    if (params->children != 1)
        return custrpc_fail(p->err, CUSTRPC_E_PARAMS, NULL,
                            "expected exactly one struct argument, got %u", params->children);
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *v = NULL;
    xmlrpc_array_read_item(&env, params->value, 0, &v);
    int t = v ? (int)xmlrpc_value_type(v) : (int)XMLRPC_TYPE_NIL;
    if (v)
        xmlrpc_DECREF(v);
    xmlrpc_env_clean(&env);
    return custrpc_fail(p->err, CUSTRPC_E_PARAMS, NULL,
                        "expected exactly one struct argument, got %s",
                        custrpc_xmlrpc_type_name(t));
}

static int end_element(struct parser *p)
{
    struct frame *f = &p->stack[p->top];
    struct frame *parent = &p->stack[p->top - 1];
    int rc = 0;
    switch (f->kind) {
    case K_METHODNAME: rc = end_method_name(p); break;
    case K_NAME:
        if (!(parent->name = strdup(p->text ? p->text : "")))
            rc = fail(p, CUSTRPC_E_INTERNAL, "out of memory");
        else if (p->stack[p->top - 2].direct)
            rc = direct_field(p, parent);
        break;
    case K_SCALAR: rc = end_scalar(p, f, parent); break;
    case K_VALUE:
        if (direct_member(p, p->top) || f->done) {
            rc = end_direct_value(p, f, parent);
            break;
        }
        if (!f->value) {
            /* No type element: a string, as the XML-RPC text says. */
            struct frame as_string = {.kind = K_SCALAR, .scalar = S_STRING, .element = "value"};
            struct lib_wire w;
            unsigned char *owned;
            rc = scalar_wire(p, &as_string, &w, &owned);
            if (rc == 0)
                rc = tree_value(p, &as_string, &w, &f->value);
        } else if (!text_blank(p)) {
            rc = fail(p, CUSTRPC_E_REQUEST, "text beside the typed value in <value>");
        }
        if (rc == 0) {
            rc = deliver(p, parent, f->value);
            f->value = NULL;
        }
        break;
    case K_ARRAY:
        if (!f->value) {
            rc = fail(p, CUSTRPC_E_REQUEST, "<array> without <data>");
            break;
        }
        rc = deliver(p, parent, f->value);
        f->value = NULL;
        break;
    case K_STRUCT:
        if (f->direct) {
            parent->done = true;
            break;
        }
        rc = deliver(p, parent, f->value);
        f->value = NULL;
        break;
    case K_DATA:
        rc = deliver(p, parent, f->value);
        f->value = NULL;
        break;
    case K_MEMBER:
        if (f->skip)
            break; /* refused when its name was read; its value is dropped with the frame */
        if (f->field && !f->done)
            rc = fail(p, CUSTRPC_E_REQUEST, "<member> needs a <name> and a <value>");
        else if (!f->field)
            rc = end_member(p, f, parent);
        break;
    case K_PARAM:
        if (f->done) {
            p->direct_param = true;
            break;
        }
        if (!f->value) {
            rc = fail(p, CUSTRPC_E_REQUEST, "<param> without <value>");
            break;
        }
        rc = deliver(p, parent, f->value);
        f->value = NULL;
        break;
    case K_PARAMS:
        if (p->request) {
            rc = check_one_struct(p, f);
        } else if (parent->kind == K_RESPONSE) {
            xmlrpc_env env;
            xmlrpc_env_init(&env);
            if (xmlrpc_array_size(&env, f->value) != 1)
                rc = fail(p, CUSTRPC_E_REQUEST, "a methodResponse holds exactly one <param>");
            else
                xmlrpc_array_read_item(&env, f->value, 0, &p->result);
            xmlrpc_env_clean(&env);
        } else {
            p->result = f->value;
            f->value = NULL;
        }
        break;
    case K_FAULT: rc = end_fault(p, f); break;
    case K_CALL:
        if (f->children == 0)
            rc = fail(p, CUSTRPC_E_REQUEST, "<methodCall> without <methodName>");
        else if (f->children == 1 && p->request)
            rc = custrpc_fail(p->err, CUSTRPC_E_PARAMS, NULL,
                              "expected exactly one struct argument, got 0");
        break;
    case K_RESPONSE:
        if (f->children == 0)
            rc = fail(p, CUSTRPC_E_REQUEST, "<methodResponse> without <params> or <fault>");
        break;
    case K_DOC: break;
    }
    if (rc == 0 && f->kind != K_SCALAR && f->kind != K_VALUE && f->kind != K_NAME &&
        f->kind != K_METHODNAME && !text_blank(p))
        rc = fail(p, CUSTRPC_E_REQUEST, "text inside <%s>", f->element);
    clear_text(p);
    if (rc == 0) {
        if (f->value)
            xmlrpc_DECREF(f->value);
        free(f->name);
        p->top--;
    }
    return rc;
}

/* Frees whatever the open frames still hold (after a failure). */
static void unwind(struct parser *p)
{
    for (; p->top >= 0; p->top--) {
        if (p->stack[p->top].value)
            xmlrpc_DECREF(p->stack[p->top].value);
        free(p->stack[p->top].name);
    }
}

/* After a handler failed: err is set, and libxml2 must not call us again. */
static void stop(struct parser *p)
{
    p->failed = true;
    xmlStopParser(p->ctxt);
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    (void)atts; /* XML-RPC elements carry none; xmlrpc-c's own ignore them too */
    struct parser *p = ctx;
    if (!p->failed && start_element(p, (const char *)name) < 0)
        stop(p);
}

static void on_end(void *ctx, const xmlChar *name)
{
    (void)name; /* libxml2 has matched it to the start tag */
    struct parser *p = ctx;
    if (!p->failed && end_element(p) < 0)
        stop(p);
}

static void on_text(void *ctx, const xmlChar *text, int len)
{
    struct parser *p = ctx;
    if (!p->failed && append_text(p, (const char *)text, (size_t)len) < 0)
        stop(p);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *public_id,
                       const xmlChar *system_id)
{
    (void)name;
    (void)public_id;
    (void)system_id;
    struct parser *p = ctx;
    if (!p->failed) {
        custrpc_fail(p->err, CUSTRPC_E_REQUEST, NULL, "DOCTYPE declarations are not accepted");
        stop(p);
    }
}

static xmlEntityPtr no_entity(void *ctx, const xmlChar *name)
{
    (void)ctx;
    (void)name;
    return NULL; /* only the five predefined ones, which libxml2 resolves itself */
}

static void init_libxml(void)
{
    xmlInitParser();
}

static int run(struct parser *p, const char *xml, size_t len)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_libxml);
    if (len > INT32_MAX)
        return custrpc_fail(p->err, CUSTRPC_E_TOO_LARGE, NULL, "document larger than 2 GiB");
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.internalSubset = on_doctype;
    sax.getEntity = no_entity;
    sax.startElement = on_start;
    sax.endElement = on_end;
    sax.characters = on_text;
    sax.cdataBlock = on_text;
    sax.ignorableWhitespace = on_text;
    p->stack[0] = (struct frame){.kind = K_DOC};
    p->top = 0;
    /* The first bytes go in at creation, for the encoding to be detected (BOM, UTF-16). */
    int head = len < 4 ? (int)len : 4;
    p->ctxt = xmlCreatePushParserCtxt(&sax, p, xml, head, NULL);
    if (!p->ctxt)
        return custrpc_fail(p->err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    /* No NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR/XINCLUDE, NONET, no HUGE: the
     * parser's own limits stay on. Errors are collected, not printed. */
    xmlCtxtUseOptions(p->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    int parsed = xmlParseChunk(p->ctxt, xml + head, (int)len - head, 1);
    int rc = p->failed ? -1 : 0;
    if (rc == 0 && (parsed != 0 || !p->ctxt->wellFormed)) {
        const xmlError *e = xmlCtxtGetLastError(p->ctxt);
        char msg[160] = "malformed document";
        if (e && e->message)
            snprintf(msg, sizeof msg, "%s", e->message);
        size_t n = strlen(msg);
        while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
            msg[--n] = '\0';
        rc = custrpc_fail(p->err, CUSTRPC_E_PARSE, NULL,
                          "not well-formed XML: line %d, column %d: %s", e ? e->line : 0,
                          e ? e->int2 : 0, msg);
    }
    if (rc == 0 && (p->top != 0 || p->stack[0].children == 0))
        rc =
            custrpc_fail(p->err, CUSTRPC_E_PARSE, NULL, "not well-formed XML: no document element");
    xmlFreeParserCtxt(p->ctxt);
    unwind(p);
    free(p->text);
    return rc;
}

int custrpc_xmlrpc_parse_call(const char *xml, size_t len, char **method, xmlrpc_value **params,
                              struct custrpc_error *err)
{
    struct parser p = {.err = err};
    *method = NULL;
    *params = NULL;
    if (run(&p, xml, len) < 0) {
        free(p.method);
        if (p.result)
            xmlrpc_DECREF(p.result);
        return -1;
    }
    if (!p.result) {
        xmlrpc_env env;
        xmlrpc_env_init(&env);
        p.result = xmlrpc_array_new(&env);
        if (env.fault_occurred) {
            xmlrpc_env_clean(&env);
            free(p.method);
            return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        }
    }
    *method = p.method;
    *params = p.result;
    return 0;
}

int custrpc_xmlrpc_parse_response(const char *xml, size_t len, xmlrpc_value **result,
                                  int *fault_code, char **fault_string, struct custrpc_error *err)
{
    struct parser p = {.err = err, .want_response = true};
    *result = NULL;
    *fault_code = 0;
    *fault_string = NULL;
    if (run(&p, xml, len) < 0) {
        if (p.result)
            xmlrpc_DECREF(p.result);
        free(p.fault_string);
        return -1;
    }
    *result = p.result;
    *fault_code = p.fault_code;
    *fault_string = p.fault_string;
    return 0;
}

int custrpc_xmlrpc_decode_call(const char *xml, size_t len, custrpc_select_fn *select, void *ctx,
                               struct custrpc_call *out, struct custrpc_error *err)
{
    struct parser p = {.err = err, .select = select, .select_ctx = ctx};
    memset(out, 0, sizeof *out);
    if (run(&p, xml, len) < 0) {
        out->method = p.method; /* when it was read: for the caller's log */
        if (p.result)
            xmlrpc_DECREF(p.result);
        if (p.message) {
            custrpc_msg_free(p.request, p.message);
            free(p.message);
        }
        return -1;
    }
    out->method = p.method;
    out->request = p.request;
    out->message = p.message;
    if (p.request) {
        if (p.result)
            xmlrpc_DECREF(p.result);
        return 0;
    }
    if (!p.result) {
        xmlrpc_env env;
        xmlrpc_env_init(&env);
        p.result = xmlrpc_array_new(&env);
        if (env.fault_occurred) {
            xmlrpc_env_clean(&env);
            free(p.method);
            memset(out, 0, sizeof *out);
            return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        }
    }
    out->params = p.result;
    return 0;
}

void custrpc_call_free(struct custrpc_call *c)
{
    if (!c)
        return;
    if (c->message) {
        custrpc_msg_free(c->request, c->message);
        free(c->message);
    }
    if (c->params)
        xmlrpc_DECREF(c->params);
    free(c->method);
    memset(c, 0, sizeof *c);
}
