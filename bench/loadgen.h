/* loadgen.h — the keep-alive HTTP/1.1 load generator of bench/run: what a connection holds and
 * the wire half (requests built from a body template, answers parsed, Digest, visas). */
#ifndef CUSTRPC_BENCH_LOADGEN_H
#define CUSTRPC_BENCH_LOADGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What every connection of a run shares; read-only once the threads start. */
struct lg_config {
    char host[256];
    int port;
    char path[1024];
    const char *content_type;
    char *body;       /* the template: "@N@" becomes a unique token, "@VISA@" the newest visa */
    const char *user; /* Digest login, or NULL */
    char password[256];
    const char *visa; /* the first visa (JSON-RPC), or NULL */
    bool json;        /* an answer with a top-level "error" member is an error */
};

struct lg_buf {
    char *data;
    size_t len, cap;
};

/* A Digest challenge as the server sent it, and the count this connection is at. */
struct lg_digest {
    bool have;
    bool sha256;
    char realm[128];
    char nonce[256];
    char opaque[256];
    char cnonce[33];
    uint32_t nc;
};

/* One answer, parsed when its head and Content-Length body are in. */
struct lg_answer {
    int status;
    bool close; /* Connection: close */
    bool stale; /* a Digest challenge with stale=true */
    size_t head_len, body_len;
    char challenge[512]; /* the first WWW-Authenticate: Digest value, or "" */
};

int lg_buf_reserve(struct lg_buf *b, size_t more);

/* Writes the request for token into out (emptied first): the head, an Authorization header
 * when d has a challenge (its nc incremented), the body with the markers replaced. */
int lg_build_request(const struct lg_config *cfg, const char *token, const char *visa,
                     struct lg_digest *d, struct lg_buf *out);

/* 1 when in holds a whole answer (a is filled), 0 when more bytes are needed, -1 when the
 * answer is not one this generator reads (no Content-Length, chunked, a broken head). */
int lg_parse_answer(const char *in, size_t len, struct lg_answer *a);

/* Takes a Digest challenge into d (nc back to 0); -1 when it cannot be read. */
int lg_digest_take(struct lg_digest *d, const char *challenge);

/* Whether a 200 answer's body is the API's success: no XML-RPC <fault>, no JSON "error". */
bool lg_body_ok(const struct lg_config *cfg, const char *body, size_t len);

/* Copies the answer's top-level "visa" string into visa (size cap); false when it has none. */
bool lg_take_visa(const char *body, size_t len, char *visa, size_t cap);

#endif
