/* gen_cases.c — writes the per-field conformance cases (tests/conformance/cases/f-*.xml) from
 * the field table: a valid value, a wrong XML-RPC type, an out-of-range value, nil, and for
 * mandatory members missing and empty. The files are committed; `make check` regenerates them
 * and fails when they differ, so the table and the cases cannot drift apart. Each case states
 * its basis: what the API's text says of a member (its type, mandatory, nil where the text
 * gives it a meaning, a fixed-length code) is "api" and quotes the member's line of the text;
 * lengths, ranges and the refusals the text leaves open are "custrpc", this project's.
 * Usage: gen-cases API_TEXT DIR   (API_TEXT: tests/conformance/api-text.txt) */
#include <config.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/custrpc.h>
#include <custrpc/xmlrpc.h>

#define NAME_SENTINEL "@@NAME@@"
#define TARIFF_SENTINEL 999999

static const char *dir;
static char *api_text; /* the whole of API_TEXT */

/* The member's line of the API text ("name - customer's name. String. Must be the unique
 * one."), without its bullet; the text once spells a name with a stray quote
 * ("i_password_policy' - "), which matches too. Exits when the text has no such line. */
static void api_line(const char *name, char *out, size_t size)
{
    for (const char *p = api_text; (p = strstr(p, name)); p++) {
        const char *after = p + strlen(name);
        if (*after == '\'')
            after++;
        const char *bullet = p;
        while (bullet > api_text && (bullet[-1] == ' ' || (unsigned char)bullet[-1] >= 0x80))
            bullet--;
        if (strncmp(after, " - ", 3) != 0 || (bullet > api_text && bullet[-1] != '\n'))
            continue;
        size_t len = strcspn(p, "\n");
        snprintf(out, size, "%.*s", (int)len, p);
        return;
    }
    fprintf(stderr, "gen-cases: the API text has no line for %s\n", name);
    exit(1);
}

/* The text says which member refers to a record the switch keeps (i_ + an integer id, other
 * than i_tariff, which the run is given): the table's example id may not exist there. */
static bool is_reference(const struct custrpc_field *f)
{
    return f->type == CUSTRPC_TYPE_INT && strncmp(f->name, "i_", 2) == 0 &&
           f->id != CUSTRPC_F_i_tariff;
}

struct basis {
    bool api;
    char text[1024]; /* api: quoted fragments joined by " … "; custrpc: the reason */
};

static struct basis quote(const struct custrpc_field *f, const char *before, const char *after)
{
    struct basis b = {.api = true};
    char line[700];
    api_line(f->name, line, sizeof line);
    snprintf(b.text, sizeof b.text, "%s%s%s%s%s", before ? before : "", before ? " … " : "", line,
             after ? " … " : "", after ? after : "");
    return b;
}

static struct basis ours(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct basis ours(const char *fmt, ...)
{
    struct basis b = {.api = false};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b.text, sizeof b.text, fmt, ap);
    va_end(ap);
    return b;
}

/* The request XML for c, with the placeholders a case needs in place of the sentinels and
 * extra_member (raw XML, may be "") added to the struct; without_member drops one member. */
static char *request(const struct custrpc_customer *c, const char *extra_member)
{
    char *xml;
    struct custrpc_error err;
    if (custrpc_create_request_xml(c, &xml, NULL, &err) < 0) {
        fprintf(stderr, "gen-cases: %s\n", err.message);
        exit(1);
    }
    /* Room for the longest replacement of every sentinel, and the extras. */
    size_t cap = strlen(xml) * 2 + strlen(extra_member) + 256;
    char *out = malloc(cap);
    out[0] = '\0';
    for (const char *p = xml; *p;) {
        if (strncmp(p, NAME_SENTINEL, strlen(NAME_SENTINEL)) == 0) {
            strcat(out, "{{unique_name}}");
            p += strlen(NAME_SENTINEL);
        } else if (strncmp(p, "<i4>999999</i4>", 15) == 0) {
            strcat(out, "<int>{{i_tariff}}</int>");
            p += 15;
        } else if (strncmp(p, "</struct>", 9) == 0) {
            strcat(out, extra_member);
            strcat(out, "{{wholesaler_member}}</struct>");
            p += 9;
        } else if (*p == '\r') {
            p++;
        } else {
            strncat(out, p, 1);
            p++;
        }
    }
    free(xml);
    return out;
}

static void base(struct custrpc_customer *c)
{
    struct custrpc_error err;
    custrpc_customer_init(c);
    custrpc_customer_set_string(c, CUSTRPC_F_name, NAME_SENTINEL, &err);
    custrpc_customer_set_string(c, CUSTRPC_F_web_password, "s3cret-Pw", &err);
    custrpc_customer_set_int(c, CUSTRPC_F_i_tariff, TARIFF_SENTINEL, &err);
}

static void text_escape(FILE *fp, const char *s)
{
    for (; *s; s++)
        if (*s == '&')
            fputs("&amp;", fp);
        else if (*s == '<')
            fputs("&lt;", fp);
        else if (*s == '>')
            fputs("&gt;", fp);
        else
            fputc(*s, fp);
}

static void write_case(const struct custrpc_field *f, const char *kind, const char *description,
                       const char *body, const char *expect, const struct basis *b)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/f-%s-%s.xml", dir, f->name, kind);
    const char *read_back = strstr(kind, "read-back") == NULL  ? ""
                            : strcmp(f->name, "all-refs") == 0 ? " needs=\"refs_id\""
                                                               : " needs=\"all_id\"";
    FILE *fp = fopen(path, "w");
    if (!fp) {
        perror(path);
        exit(1);
    }
    fprintf(
        fp,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!-- Generated by gen-cases from the field table; do not edit (make regenerates it). -->\n"
        "<case name=\"field %s: %s\" basis=\"%s\"%s>\n"
        "  <description>%s</description>\n"
        "  <basis>",
        f->name, kind, b->api ? "api" : "custrpc", read_back, description);
    text_escape(fp, b->text);
    fprintf(fp,
            "</basis>\n"
            "  <request>\n    <body><![CDATA[%s]]></body>\n  </request>\n"
            "  %s\n"
            "</case>\n",
            body, expect);
    fclose(fp);
}

#define EXPECT_OK                                                                                  \
    "<expect outcome=\"success\">\n"                                                               \
    "    <xpath "                                                                                  \
    "expr=\"string(/methodResponse/params/param/value/struct/member[name='result']/value)\" "      \
    "equals=\"OK\"/>\n"                                                                            \
    "  </expect>"

static void expect_fault(char *buf, size_t size, int code)
{
    snprintf(buf, size, "<expect outcome=\"fault\" fault-code=\"%d\"/>", code);
}

/* A value of an XML-RPC type the field does not take. */
static const char *wrong_type(const struct custrpc_field *f)
{
    switch (f->type) {
    case CUSTRPC_TYPE_STRING: return "<int>1</int>";
    case CUSTRPC_TYPE_INT: return "<string>1</string>";
    case CUSTRPC_TYPE_DOUBLE: return "<string>1.5</string>";
    case CUSTRPC_TYPE_BOOL: return "<string>yes</string>";
    case CUSTRPC_TYPE_ENUM: return "<int>1</int>";
    case CUSTRPC_TYPE_FLAGS: return "<string>1</string>";
    case CUSTRPC_TYPE_MESSAGE: return "<int>1</int>";
    case CUSTRPC_TYPE_DATETIME: return "<string>20260101T00:00:00</string>";
    }
    return "<base64>AA==</base64>";
}

/* Writes a raw member with a value just outside the field's range into buf; 0 when the field
 * has no range narrower than its type. */
static int out_of_range(const struct custrpc_field *f, char *buf, size_t size)
{
    switch (f->type) {
    case CUSTRPC_TYPE_INT:
        if (f->max < INT32_MAX)
            snprintf(buf, size, "<int>%.0f</int>", f->max + 1);
        else if (f->min > INT32_MIN)
            snprintf(buf, size, "<int>%.0f</int>", f->min - 1);
        else
            return 0;
        return 1;
    case CUSTRPC_TYPE_DOUBLE:
        snprintf(buf, size, "<double>%.17g</double>", f->min > -1e15 ? f->min - 1 : f->max * 2);
        return 1;
    case CUSTRPC_TYPE_STRING:
        /* One character more than allowed (or one fewer where a length is fixed). */
        if (f->min == f->max)
            snprintf(buf, size, "<string>{{repeat:%.0f:x}}</string>", f->max + 1);
        else
            snprintf(buf, size, "<string>{{repeat:%.0f:x}}</string>", f->max + 1);
        return 1;
    case CUSTRPC_TYPE_BOOL:
    case CUSTRPC_TYPE_ENUM: /* any value off the table is out of range: none to make here */
    case CUSTRPC_TYPE_FLAGS:
    case CUSTRPC_TYPE_MESSAGE:
    case CUSTRPC_TYPE_DATETIME: return 0;
    }
    return 0;
}

static void member(char *buf, size_t size, const struct custrpc_field *f, const char *value)
{
    snprintf(buf, size, "<member><name>%s</name><value>%s</value></member>", f->name, value);
}

/* XML attribute text. */
static void attr_escape(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; *in && n + 7 < size; in++) {
        const char *rep = *in == '&'   ? "&amp;"
                          : *in == '"' ? "&quot;"
                          : *in == '<' ? "&lt;"
                          : *in == '>' ? "&gt;"
                                       : NULL;
        if (rep) {
            memcpy(out + n, rep, strlen(rep));
            n += strlen(rep);
        } else {
            out[n++] = *in;
        }
    }
    out[n] = '\0';
}

/* Members of the all-fields customer (refs false) or of the all-refs one (refs true). */
static bool in_all(const struct custrpc_field *f, bool refs)
{
    if (f->flags & CUSTRPC_FLAG_TRUSTED)
        return false;
    return refs ? is_reference(f) || (f->flags & CUSTRPC_FLAG_MANDATORY) : !is_reference(f);
}

/* One customer with every member from its example, then a read-back that checks each member's
 * XML-RPC type and value (passwords absent, balance inverted as the API returns it). The
 * members that name a record of the switch go into a second customer of their own (refs): the
 * API text vouches for the first one's values, only this project for the second's ids. */
static void write_all_fields(bool refs)
{
    struct custrpc_customer c;
    struct custrpc_error err;
    custrpc_customer_init(&c);
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (in_all(f, refs))
            custrpc_customer_set_text(&c, f->id, f->example, &err);
    }
    custrpc_customer_set_string(&c, CUSTRPC_F_name, "@@ALLNAME@@", &err);
    if (!refs)
        custrpc_customer_set_string(&c, CUSTRPC_F_web_login, "@@ALLLOGIN@@", &err);
    custrpc_customer_set_int(&c, CUSTRPC_F_i_tariff, TARIFF_SENTINEL, &err);
    char *body = request(&c, "");
    /* The sentinels become stable per-run names (the read-back needs them too). */
    char *fixed = malloc(strlen(body) + 64);
    fixed[0] = '\0';
    for (const char *p = body; *p;) {
        if (strncmp(p, "@@ALLNAME@@", 11) == 0) {
            strcat(fixed, refs ? "{{name:refs}}" : "{{name:all}}");
            p += 11;
        } else if (strncmp(p, "@@ALLLOGIN@@", 12) == 0) {
            strcat(fixed, "{{name:all-login}}");
            p += 12;
        } else {
            strncat(fixed, p++, 1);
        }
    }
    struct custrpc_field all = {.name = refs ? "all-refs" : "all-fields"};
    const char *var = refs ? "refs_id" : "all_id";
    char expect_create[512];
    snprintf(expect_create, sizeof expect_create,
             "<expect outcome=\"success\"/>\n  <capture var=\"%s\" "
             "xpath=\"string(/methodResponse/params/param/value/struct/member[name='i_customer']/"
             "value)\"/>",
             var);
    struct basis create_basis =
        refs ? ours("the ids of the members that name a record of the switch (routing group, "
                    "commission agent, password policy, time zone, download format) are this "
                    "project's examples; a switch decides which exist")
             : (struct basis){.api = true,
                              .text = "This application is used to create new customer. … "
                                      "result - OK means that customer has been created. String."};
    write_case(&all, "1-create",
               refs ? "a customer with every member that names a record of the switch, set from "
                      "the table's example ids, is accepted"
                    : "a customer with every member set from the table's examples is accepted",
               fixed, expect_create, &create_basis);
    free(fixed);
    free(body);

    /* The read-back: one check per member. */
    size_t cap = 65536;
    char *expect = malloc(cap);
    size_t n = (size_t)snprintf(expect, cap, "<expect outcome=\"success\">\n");
#define C "//member[name='customer']/value/struct/member[name='%s']/value"
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        char value[512], esc[1024];
        if (!in_all(f, refs))
            continue;
        if (f->flags & CUSTRPC_FLAG_SECRET) {
            n += (size_t)snprintf(expect + n, cap - n,
                                  "    <xpath expr=\"count(//member[name='%s'])\" equals=\"0\"/>\n",
                                  f->name);
            continue;
        }
        if (f->id == CUSTRPC_F_name)
            snprintf(value, sizeof value, refs ? "{{name:refs}}" : "{{name:all}}");
        else if (f->id == CUSTRPC_F_web_login)
            snprintf(value, sizeof value, "{{name:all-login}}");
        else if (f->id == CUSTRPC_F_i_tariff)
            snprintf(value, sizeof value, "{{i_tariff}}");
        else if (f->type == CUSTRPC_TYPE_DOUBLE)
            snprintf(value, sizeof value, "%.15g",
                     f->id == CUSTRPC_F_balance
                         ? -c.balance
                         : *(const double *)(const void *)((const char *)&c + f->offset));
        else if (f->type == CUSTRPC_TYPE_BOOL)
            snprintf(value, sizeof value, "%d",
                     *(const bool *)(const void *)((const char *)&c + f->offset) ? 1 : 0);
        else if (f->type == CUSTRPC_TYPE_INT)
            snprintf(value, sizeof value, "%lld",
                     (long long)*(const int64_t *)(const void *)((const char *)&c + f->offset));
        else
            snprintf(value, sizeof value, "%s", f->example);
        attr_escape(value, esc, sizeof esc);
        const char *type = f->type == CUSTRPC_TYPE_INT      ? "*[self::int or self::i4]"
                           : f->type == CUSTRPC_TYPE_DOUBLE ? "double"
                           : f->type == CUSTRPC_TYPE_BOOL   ? "boolean"
                                                            : "*[self::string] | ";
        if (f->type == CUSTRPC_TYPE_STRING)
            /* A string may also be an untyped <value>. */
            n += (size_t)snprintf(
                expect + n, cap - n,
                "    <xpath expr=\"count(" C "[string or not(*)])\" equals=\"1\"/>\n", f->name);
        else
            n += (size_t)snprintf(expect + n, cap - n,
                                  "    <xpath expr=\"count(" C "/%s)\" equals=\"1\"/>\n", f->name,
                                  type);
        n +=
            (size_t)snprintf(expect + n, cap - n, "    <xpath expr=\"%s(" C ")\" equals=\"%s\"/>\n",
                             f->type == CUSTRPC_TYPE_DOUBLE ? "number" : "string", f->name, esc);
    }
#undef C
    snprintf(expect + n, cap - n, "  </expect>");
    char read[512];
    snprintf(read, sizeof read,
             "<?xml version=\"1.0\"?><methodCall><methodName>getCustomerInfo</methodName><params>"
             "<param><value><struct><member><name>i_customer</name><value><int>{{%s}}</int></value>"
             "</member>{{wholesaler_member}}</struct></value></param></params></methodCall>",
             var);
    struct basis read_basis =
        refs ? ours("as 1-create: the ids are this project's")
             : (struct basis){.api = true,
                              .text = "{result: \"OK\", customer: {…}}` with the createCustomer "
                                      "fields; since version 5.2 `web_password` and "
                                      "`api_password` are omitted. **`balance` is returned with "
                                      "its sign inverted** (\"for historical reasons\")."};
    write_case(&all, "2-read-back",
               "getCustomerInfo returns every member as sent, typed as the API says "
               "(no passwords; balance with its sign inverted)",
               read, expect, &read_basis);
    free(expect);
    custrpc_customer_free(&c);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen-cases API_TEXT DIR\n");
        return 64;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 66;
    }
    size_t len = 0, cap = 1 << 16;
    api_text = malloc(cap);
    for (size_t got; (got = fread(api_text + len, 1, cap - len - 1, in)) > 0;) {
        len += got;
        if (len + 1 == cap) {
            char *grown = realloc(api_text, cap *= 2);
            if (!grown) {
                fprintf(stderr, "gen-cases: out of memory\n");
                return 1;
            }
            api_text = grown;
        }
    }
    api_text[len] = '\0';
    fclose(in);
    dir = argv[2];
    write_all_fields(false);
    write_all_fields(true);
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (f->flags & CUSTRPC_FLAG_TRUSTED)
            continue; /* i_wholesaler has its own cases (trusted mode) */
        struct custrpc_customer c;
        struct custrpc_error err;
        char text[512], raw[512], expect[128];
        char *body;
        bool mandatory = f->flags & CUSTRPC_FLAG_MANDATORY;
        /* A valid value: the table's example; unique members get a value unique to the run. */
        if (!mandatory) {
            base(&c);
            if (f->flags & CUSTRPC_FLAG_UNIQUE)
                custrpc_customer_set_string(&c, f->id, NAME_SENTINEL, &err);
            else
                custrpc_customer_set_text(&c, f->id, f->example, &err);
            body = request(&c, "");
            snprintf(text, sizeof text, "%s with a valid value is accepted", f->name);
            struct basis b =
                is_reference(f)
                    ? ours("the id %s is this project's example; a switch decides which ids exist",
                           f->example)
                    : quote(f, NULL, NULL);
            write_case(f, "valid", text, body, EXPECT_OK, &b);
            free(body);
            custrpc_customer_free(&c);
        }
        /* The wrong XML-RPC type. */
        base(&c);
        custrpc_customer_unset(&c, f->id);
        member(raw, sizeof raw, f, wrong_type(f));
        body = request(&c, raw);
        snprintf(text, sizeof text, "%s sent as %s instead of %s is fault 1002", f->name,
                 wrong_type(f), custrpc_type_name(f->type));
        expect_fault(expect, sizeof expect, CUSTRPC_E_TYPE);
        struct basis b = quote(f, NULL, NULL);
        write_case(f, "wrong-type", text, body, expect, &b);
        free(body);
        /* Out of range. */
        char value[256];
        if (out_of_range(f, value, sizeof value)) {
            member(raw, sizeof raw, f, value);
            body = request(&c, raw);
            snprintf(text, sizeof text, "%s outside %.17g..%.17g%s is fault 1003", f->name, f->min,
                     f->max, f->type == CUSTRPC_TYPE_STRING ? " characters" : "");
            expect_fault(expect, sizeof expect, CUSTRPC_E_VALUE);
            /* Only a code of fixed length is the text's (two-letter languages, ISO 4217
             * currencies); other lengths and ranges are this project's. */
            if (f->type == CUSTRPC_TYPE_STRING && f->min == f->max)
                b = quote(f, NULL,
                          f->id == CUSTRPC_F_payment_currency
                              ? "Countries are ISO 3166 codes, currencies ISO 4217 codes."
                              : NULL);
            else
                b = ours("this project's %s; the API text sets none",
                         f->type == CUSTRPC_TYPE_STRING ? "length limit" : "range");
            write_case(f, "out-of-range", text, body, expect, &b);
            free(body);
        }
        /* nil: allowed where the API says what it means, a type error elsewhere. */
        member(raw, sizeof raw, f, "<nil/>");
        body = request(&c, raw);
        if (f->flags & CUSTRPC_FLAG_NIL_OK) {
            snprintf(text, sizeof text, "%s nil (%s) is accepted", f->name,
                     (f->flags & CUSTRPC_FLAG_NIL_OWN) ? "the caller's own" : "unlimited");
            b = quote(f, NULL, NULL);
            write_case(f, "nil", text, body, EXPECT_OK, &b);
        } else {
            snprintf(text, sizeof text, "%s nil is fault 1002: the API gives nil no meaning there",
                     f->name);
            expect_fault(expect, sizeof expect, CUSTRPC_E_TYPE);
            /* A mandatory member given as nil is not given; elsewhere the text gives nil no
             * meaning, and a switch may well take it as "not given". */
            b = mandatory ? quote(f, "Mandatory parameters:", NULL)
                          : ours("refusing nil where the text gives it no meaning is this "
                                 "project's choice; a switch may take it as not given");
            write_case(f, "nil", text, body, expect, &b);
        }
        free(body);
        if (mandatory) {
            body = request(&c, "");
            snprintf(text, sizeof text, "mandatory %s missing is fault 1001", f->name);
            expect_fault(expect, sizeof expect, CUSTRPC_E_MISSING);
            b = quote(f, "Mandatory parameters:", NULL);
            write_case(f, "missing", text, body, expect, &b);
            free(body);
            if (f->type == CUSTRPC_TYPE_STRING) {
                member(raw, sizeof raw, f, "<string></string>");
                body = request(&c, raw);
                snprintf(text, sizeof text, "mandatory %s empty is fault 1001", f->name);
                b = ours("the text does not say an empty string is refused; this project "
                         "takes an empty mandatory string as missing");
                write_case(f, "empty", text, body, expect, &b);
                free(body);
            }
        }
        custrpc_customer_free(&c);
    }
    return 0;
}
