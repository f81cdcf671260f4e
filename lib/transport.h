/* transport.h — one HTTP POST exchange over libcurl, shared by the XML-RPC client (client.c)
 * and the partner API's JSON-RPC session (partner_client.c): one curl handle per client (the
 * connection and a Digest nonce are kept across calls), the answer read whatever its status,
 * and the transport errors told apart (nothing sent, timed out, cut off midway). Not installed;
 * the names are not exported (the library exports custrpc_* only). */
#ifndef CUSTRPC_TRANSPORT_H
#define CUSTRPC_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <custrpc/client.h>
#include <custrpc/error.h>

struct transport_options {
    const char *url;
    const char *content_type; /* "text/xml; charset=utf-8", "application/json" */
    const char *user;         /* HTTP authentication; NULL: none */
    const char *password;
    enum custrpc_auth auth;
    const char *cacert;
    bool insecure;
    unsigned timeout_ms; /* 0: 30000 */
};

struct transport;

/* The options' strings are copied; *out is NULL on failure. */
int transport_new(struct transport **out, const struct transport_options *o,
                  struct custrpc_error *err);
void transport_free(struct transport *t);
const char *transport_url(const struct transport *t);

/* POSTs body and waits for the whole answer: 0 with *status and *answer (NUL-terminated,
 * owned by t, valid until the next post) whatever the HTTP status; -1 with err when there is
 * no answer: CUSTRPC_E_CONNECT (nothing was sent), CUSTRPC_E_TIMEOUT or CUSTRPC_E_TRANSPORT
 * (the server may or may not have acted), CUSTRPC_E_PROTOCOL (an answer over 64 MiB). */
int transport_post(struct transport *t, const char *body, size_t len, long *status,
                   const char **answer, size_t *answer_len, struct custrpc_error *err);

/* As transport_post, to url (NULL: the transport's own) and with GET when body is NULL: the
 * admin interface's endpoints, beside the API's one URL. */
int transport_request(struct transport *t, const char *url, const char *body, size_t len,
                      long *status, const char **answer, size_t *answer_len,
                      struct custrpc_error *err);

/* libcurl's text of the last failed exchange ("" when none), for traces. */
const char *transport_last_error(const struct transport *t);

/* The error of an HTTP status other than 200 whose body is not the API's: CUSTRPC_E_AUTH for
 * 401, else CUSTRPC_E_HTTP; kind HTTP, http_status set. hint_404 (may be NULL) is added to a
 * 404's message ("no XML-RPC endpoint there; ..."). Returns -1. */
int transport_status_error(const struct transport *t, long status, const char *hint_404,
                           struct custrpc_error *err);

/* A CUSTRPC_E_PROTOCOL error of kind TRANSPORT: what followed by detail. Returns -1. */
int transport_protocol_error(struct custrpc_error *err, const char *what, const char *detail);

#endif
