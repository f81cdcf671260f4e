/* report.c — JUnit and JSON reports of a conformance run (see report.h). Bodies come from the
 * results already masked; they are cut to a few KiB so that a 1 MiB case stays readable. */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

#define BODY_SHOWN 4096

/* Length of the valid UTF-8 sequence at s, or 0 when s does not start one. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n = s[0] < 0x80             ? 1
               : (s[0] & 0xE0) == 0xC0 ? 2
               : (s[0] & 0xF0) == 0xE0 ? 3
               : (s[0] & 0xF8) == 0xF0 ? 4
                                       : 0;
    if (n == 2 && s[0] < 0xC2)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Text for an XML attribute or element: escaped, characters XML 1.0 cannot hold and bytes
 * that are not UTF-8 shown as U+FFFD, cut after max bytes at a character boundary. */
static void xml_text(FILE *out, const char *s, size_t max)
{
    size_t done = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && done < max) {
        size_t n = utf8_len(p);
        if (n == 0 || (n == 1 && *p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')) {
            fputs("\xEF\xBF\xBD", out);
            p++;
            done++;
            continue;
        }
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\n': fputs("&#10;", out); break;
        case '\r': fputs("&#13;", out); break;
        default: fwrite(p, 1, n, out);
        }
        p += n;
        done += n;
    }
    if (*p)
        fprintf(out, "&#10;[... %zu more bytes]", strlen((const char *)p));
}

/* A JSON string, with the same treatment of bad bytes; max 0: whole. */
static void json_str(FILE *out, const char *s, size_t max)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    size_t done = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && (max == 0 || done < max)) {
        size_t n = utf8_len(p);
        if (n == 0) {
            fputs("\\ufffd", out);
            n = 1;
        } else if (*p == '"' || *p == '\\') {
            fprintf(out, "\\%c", *p);
        } else if (*p < 0x20) {
            fprintf(out, "\\u%04x", *p);
        } else {
            fwrite(p, 1, n, out);
        }
        p += n;
        done += n;
    }
    if (*p)
        fprintf(out, "\\n[... %zu more bytes]", strlen((const char *)p));
    fputc('"', out);
}

static const char *status_name(enum case_status s)
{
    switch (s) {
    case CASE_PASS: return "passed";
    case CASE_FAIL: return "failed";
    case CASE_ERROR: return "error";
    case CASE_SKIP: return "skipped";
    case CASE_NOT_RUN: return "not-run";
    }
    return "?";
}

static void junit_bodies(FILE *out, const struct case_result *r)
{
    xml_text(out, r->reason, sizeof r->reason);
    fputs("&#10;&#10;--- request (passwords masked)&#10;", out);
    xml_text(out, r->request ? r->request : "(none)", BODY_SHOWN);
    fputs("&#10;&#10;--- response&#10;", out);
    xml_text(out, r->response ? r->response : "(none)", BODY_SHOWN);
}

int report_junit(const char *path, const struct run_report *rep)
{
    FILE *out = fopen(path, "w");
    if (!out)
        return -1;
    double total = 0;
    for (size_t i = 0; i < rep->n; i++)
        total += rep->results[i].seconds;
    char stamp[32], host[256] = "";
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", localtime(&now));
    gethostname(host, sizeof host - 1);
    const struct run_totals *t = &rep->totals;
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            "<testsuites>\n<testsuite name=\"custrpc-conform\" errors=\"%zu\" failures=\"%zu\" "
            "skipped=\"%zu\" tests=\"%zu\" time=\"%.3f\" timestamp=\"%s\" hostname=\"",
            t->errors, t->failed, t->skipped, t->passed + t->failed + t->errors + t->skipped, total,
            stamp);
    xml_text(out, host, sizeof host);
    fprintf(out,
            "\">\n  <properties>\n    <property name=\"profile\" value=\"%s\"/>\n"
            "    <property name=\"api\" value=\"%s\"/>\n",
            rep->profile, rep->api);
    /* What the run left on the server, so that it can be removed. */
    for (size_t i = 0; i < rep->created->n; i++) {
        const struct created_customer *cc = &rep->created->items[i];
        fputs(cc->partner ? "    <property name=\"created-partner\" value=\"Id "
                          : "    <property name=\"created-customer\" value=\"i_customer ",
              out);
        xml_text(out, cc->i_customer, 64);
        fputs(" ", out);
        xml_text(out, cc->name, 1024);
        fputs("\"/>\n", out);
    }
    fputs("  </properties>\n", out);
    for (size_t i = 0; i < rep->n; i++) {
        const struct case_result *r = &rep->results[i];
        const struct conform_case *c = &rep->cases[i];
        if (r->status == CASE_NOT_RUN)
            continue;
        fputs("  <testcase classname=\"", out);
        xml_text(out, c->group, 256);
        fputs("\" name=\"", out);
        xml_text(out, c->name, 1024);
        fputs("\" file=\"", out);
        xml_text(out, c->file, 4096);
        fprintf(out, "\" time=\"%.3f\"", r->seconds);
        if (r->status == CASE_PASS) {
            fputs("/>\n", out);
            continue;
        }
        const char *el = r->status == CASE_FAIL    ? "failure"
                         : r->status == CASE_ERROR ? "error"
                                                   : "skipped";
        fprintf(out, ">\n    <%s message=\"", el);
        xml_text(out, r->reason, sizeof r->reason);
        if (r->status == CASE_SKIP) {
            fputs("\"/>\n  </testcase>\n", out);
            continue;
        }
        fputs("\">", out);
        junit_bodies(out, r);
        fprintf(out, "</%s>\n  </testcase>\n", el);
    }
    fputs("</testsuite>\n</testsuites>\n", out);
    return fclose(out) == 0 ? 0 : -1;
}

int report_json(FILE *out, const struct run_report *rep)
{
    const struct run_totals *t = &rep->totals;
    fprintf(out,
            "{\"profile\": \"%s\", \"api\": \"%s\", \"passed\": %zu, \"failed\": %zu, "
            "\"errors\": %zu, "
            "\"skipped\": %zu,\n \"cases\": [",
            rep->profile, rep->api, t->passed, t->failed, t->errors, t->skipped);
    bool first = true;
    for (size_t i = 0; i < rep->n; i++) {
        const struct case_result *r = &rep->results[i];
        const struct conform_case *c = &rep->cases[i];
        if (r->status == CASE_NOT_RUN)
            continue;
        fputs(first ? "\n  {\"name\": " : ",\n  {\"name\": ", out);
        first = false;
        json_str(out, c->name, 0);
        fputs(", \"group\": ", out);
        json_str(out, c->group, 0);
        fputs(", \"file\": ", out);
        json_str(out, c->file, 0);
        fprintf(out, ", \"basis\": \"%s\", \"status\": \"%s\", \"seconds\": %.3f",
                case_basis_name(c->basis), status_name(r->status), r->seconds);
        if (r->status != CASE_PASS) {
            fputs(", \"reason\": ", out);
            json_str(out, r->reason, 0);
        }
        if (r->status == CASE_FAIL || r->status == CASE_ERROR) {
            fputs(", \"request\": ", out);
            json_str(out, r->request, BODY_SHOWN);
            fputs(", \"response\": ", out);
            json_str(out, r->response, BODY_SHOWN);
        }
        fputc('}', out);
    }
    fputs("],\n \"created\": [", out);
    for (size_t i = 0; i < rep->created->n; i++) {
        const struct created_customer *cc = &rep->created->items[i];
        fprintf(out, "%s\n  {\"%s\": ", i ? "," : "", cc->partner ? "partnerId" : "i_customer");
        /* An id as a number when it is one; whatever else a server sent, as a string. */
        const char *id = cc->i_customer + (cc->i_customer[0] == '-');
        if (*id && strspn(id, "0123456789") == strlen(id) && strlen(id) < 16)
            fputs(cc->i_customer, out);
        else
            json_str(out, cc->i_customer, 0);
        fputs(", \"name\": ", out);
        json_str(out, cc->name, 0);
        fputs(", \"case\": ", out);
        json_str(out, cc->case_name, 0);
        fputc('}', out);
    }
    fputs("]}\n", out);
    return ferror(out) ? (errno = EIO, -1) : 0;
}
