/* http_guard.h — pure checks on a request's head, made before any body is read: framing that a
 * proxy in front could read differently (request smuggling), and the loopback Host and Origin
 * that the open local mode requires against DNS rebinding. No libmicrohttpd in here. */
#ifndef CUSTRPC_SERVER_HTTP_GUARD_H
#define CUSTRPC_SERVER_HTTP_GUARD_H

#include <stdbool.h>

#include <custrpc/error.h>

/* What the header walk has seen so far; zero-initialise, feed every header instance in order
 * to http_guard_add, then ask http_guard_framing. */
struct http_guard_head {
    unsigned content_length, transfer_encoding, host; /* instances of each */
    bool bad_content_length;                          /* a value that is not plain digits */
    bool bad_transfer_encoding;                       /* a value other than "chunked" */
    bool bad_name;                                    /* a name that is not an HTTP token */
    char bad_name_text[48];                           /* the first such name, for the answer */
};

void http_guard_add(struct http_guard_head *head, const char *name, const char *value);

/* 0 when the framing is unambiguous; otherwise -1 with err saying why (CUSTRPC_E_REQUEST), and
 * the request deserves 400 and a closed connection. */
int http_guard_framing(const struct http_guard_head *head, struct custrpc_error *err);

/* Whether a Host header value names loopback: localhost, 127.0.0.0/8 or [::1] (also an
 * IPv4-mapped loopback in brackets), each with an optional port. */
bool http_guard_loopback_host(const char *host);

/* Whether an Origin header value is http:// or https:// followed by such a loopback host. */
bool http_guard_loopback_origin(const char *origin);

#endif
