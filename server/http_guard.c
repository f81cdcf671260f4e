/* http_guard.c — pure checks on a request's head (see http_guard.h). Everything here is strict on
 * purpose: a request that two HTTP parsers could frame differently is refused rather than
 * interpreted, since the server cannot know which reading a proxy in front of it used. */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_guard.h"

/* RFC 9110 tchar. libmicrohttpd 0.9.75 splits a header line at its first colon and keeps
 * whatever precedes it as the name: "Transfer-Encoding : chunked" arrives as the name
 * "Transfer-Encoding " (which it then does not treat as chunked, while a proxy may), and a
 * folded continuation line is glued onto the previous name ("X-ATransfer-Encoding: chunked").
 * Requiring a token catches both, and anything stranger. */
static bool is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_token(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!is_tchar((unsigned char)*s))
            return false;
    return true;
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

void http_guard_add(struct http_guard_head *head, const char *name, const char *value)
{
    if (!value)
        value = "";
    if (!is_token(name)) {
        if (!head->bad_name)
            snprintf(head->bad_name_text, sizeof head->bad_name_text, "%s", name);
        head->bad_name = true;
        return;
    }
    if (strcasecmp(name, "Content-Length") == 0) {
        head->content_length++;
        /* A sign, a list ("5, 5"), spaces inside or a hex form are read differently by
         * different parsers. */
        if (!all_digits(value))
            head->bad_content_length = true;
    } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
        head->transfer_encoding++;
        /* libmicrohttpd decodes only chunked; any other coding (or a list ending in chunked)
         * leaves the body's end to interpretation. */
        if (strcasecmp(value, "chunked") != 0)
            head->bad_transfer_encoding = true;
    } else if (strcasecmp(name, "Host") == 0) {
        head->host++;
    }
}

int http_guard_framing(const struct http_guard_head *head, struct custrpc_error *err)
{
    if (head->bad_name)
        return custrpc_fail(err, CUSTRPC_E_REQUEST, NULL,
                            "header name \"%s\" is not a token (whitespace or a folded line?)",
                            head->bad_name_text);
    if (head->content_length && head->transfer_encoding)
        return custrpc_fail(err, CUSTRPC_E_REQUEST, NULL,
                            "Content-Length together with Transfer-Encoding");
    /* Equal duplicates are refused too: RFC 9112 lets a recipient merge them, but no client
     * sends them and not every proxy merges them the same way. */
    if (head->content_length > 1)
        return custrpc_fail(err, CUSTRPC_E_REQUEST, NULL, "more than one Content-Length");
    if (head->bad_content_length)
        return custrpc_fail(err, CUSTRPC_E_REQUEST, NULL, "Content-Length is not plain digits");
    if (head->transfer_encoding > 1)
        return custrpc_fail(err, CUSTRPC_E_REQUEST, NULL, "more than one Transfer-Encoding");
    if (head->bad_transfer_encoding)
        return custrpc_fail(err, CUSTRPC_E_REQUEST, NULL,
                            "Transfer-Encoding other than \"chunked\"");
    if (head->host > 1)
        return custrpc_fail(err, CUSTRPC_E_REQUEST, NULL, "more than one Host");
    return 0;
}

/* An optional ":PORT" after a host: nothing, or a colon and 1..5 digits up to 65535. */
static bool port_ok(const char *s)
{
    if (!*s)
        return true;
    if (*s != ':' || !all_digits(s + 1) || strlen(s + 1) > 5)
        return false;
    return atoi(s + 1) <= 65535;
}

static bool loopback_v6(const char *text, size_t len)
{
    char buf[INET6_ADDRSTRLEN];
    struct in6_addr a;
    if (len >= sizeof buf)
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (inet_pton(AF_INET6, buf, &a) != 1)
        return false;
    return IN6_IS_ADDR_LOOPBACK(&a) || (IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127);
}

/* Names other than "localhost" itself are refused, "*.localhost" included: browsers keep those
 * on loopback, but a resolver without that rule asks DNS, and a name that DNS answers is what
 * rebinding needs. Numeric hosts involve no DNS at all. */
bool http_guard_loopback_host(const char *host)
{
    if (!host)
        return false;
    if (host[0] == '[') {
        const char *close = strchr(host, ']');
        return close && loopback_v6(host + 1, (size_t)(close - host - 1)) && port_ok(close + 1);
    }
    size_t len = strcspn(host, ":");
    if (!port_ok(host + len))
        return false;
    if (len == 9 && strncasecmp(host, "localhost", 9) == 0)
        return true;
    char buf[INET_ADDRSTRLEN];
    struct in_addr a;
    if (len >= sizeof buf)
        return false;
    memcpy(buf, host, len);
    buf[len] = '\0';
    return inet_pton(AF_INET, buf, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

bool http_guard_loopback_origin(const char *origin)
{
    if (!origin)
        return false;
    if (strncasecmp(origin, "http://", 7) == 0)
        return http_guard_loopback_host(origin + 7);
    if (strncasecmp(origin, "https://", 8) == 0)
        return http_guard_loopback_host(origin + 8);
    return false; /* "null" (sandboxed or file: pages) and every other scheme */
}
