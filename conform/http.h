/* http.h — the conformance runner's HTTP: one POST of raw bytes with libcurl, so malformed and
 * oddly typed requests go out exactly as the case file has them. */
#ifndef CUSTRPC_CONFORM_HTTP_H
#define CUSTRPC_CONFORM_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct http_target {
    const char *url;
    const char *user; /* NULL: no credentials */
    const char *password;
    const char *cacert;
    bool insecure;
    long timeout_ms;
    bool verbose;
    const char *content_type; /* of the request; NULL: text/xml */
};

struct http_reply {
    long status; /* 0 when no answer came */
    char content_type[128];
    char *body; /* NUL-terminated */
    size_t len;
    char error[256]; /* transport failure text when status is 0 */
};

/* POSTs body to the target's URL (with path instead of its own when not NULL). */
void http_post(const struct http_target *t, const char *path, const char *body, size_t len,
               struct http_reply *out);
void http_reply_free(struct http_reply *r);

#endif
