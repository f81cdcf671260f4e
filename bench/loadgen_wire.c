/* loadgen_wire.c — the bytes of bench/loadgen: a request from the body template (a unique token,
 * the newest visa, Digest with this connection's nonce and the next nc), and the answer's head. */
#define _GNU_SOURCE /* memmem */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "loadgen.h"

int lg_buf_reserve(struct lg_buf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

static int put(struct lg_buf *b, const char *s, size_t n)
{
    if (lg_buf_reserve(b, n) < 0)
        return -1;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static int putf(struct lg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int putf(struct lg_buf *b, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return -1;
    return put(b, tmp, (size_t)n);
}

static void hash_hex(bool sha256, const char *text, char *hex)
{
    unsigned char raw[32];
    size_t n = sha256 ? 32 : 16;
    gnutls_hash_fast(sha256 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_MD5, text, strlen(text), raw);
    for (size_t i = 0; i < n; i++)
        sprintf(hex + 2 * i, "%02x", raw[i]);
}

/* RFC 7616 qop=auth: H(H(user:realm:password):nonce:nc:cnonce:auth:H(POST:uri)). */
static int put_authorization(const struct lg_config *cfg, struct lg_digest *d, struct lg_buf *out)
{
    char text[2048], ha1[65], ha2[65], response[65];
    d->nc++;
    snprintf(text, sizeof text, "%s:%s:%s", cfg->user, d->realm, cfg->password);
    hash_hex(d->sha256, text, ha1);
    snprintf(text, sizeof text, "POST:%s", cfg->path);
    hash_hex(d->sha256, text, ha2);
    snprintf(text, sizeof text, "%s:%s:%08x:%s:auth:%s", ha1, d->nonce, d->nc, d->cnonce, ha2);
    hash_hex(d->sha256, text, response);
    if (putf(out,
             "Authorization: Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
             "algorithm=%s, response=\"%s\", qop=auth, nc=%08x, cnonce=\"%s\"",
             cfg->user, d->realm, d->nonce, cfg->path, d->sha256 ? "SHA-256" : "MD5", response,
             d->nc, d->cnonce) < 0)
        return -1;
    if (d->opaque[0] && putf(out, ", opaque=\"%s\"", d->opaque) < 0)
        return -1;
    return put(out, "\r\n", 2);
}

/* The body with every "@N@" and "@VISA@" replaced, appended to out. */
static int put_body(const char *tmpl, const char *token, const char *visa, struct lg_buf *out)
{
    const char *p = tmpl;
    for (;;) {
        const char *at = strchr(p, '@');
        if (!at)
            return put(out, p, strlen(p));
        if (put(out, p, (size_t)(at - p)) < 0)
            return -1;
        if (strncmp(at, "@N@", 3) == 0) {
            if (put(out, token, strlen(token)) < 0)
                return -1;
            p = at + 3;
        } else if (strncmp(at, "@VISA@", 6) == 0) {
            if (put(out, visa ? visa : "", visa ? strlen(visa) : 0) < 0)
                return -1;
            p = at + 6;
        } else {
            if (put(out, "@", 1) < 0)
                return -1;
            p = at + 1;
        }
    }
}

int lg_build_request(const struct lg_config *cfg, const char *token, const char *visa,
                     struct lg_digest *d, struct lg_buf *out)
{
    struct lg_buf body = {0};
    int rc = -1;
    out->len = 0;
    if (put_body(cfg->body, token, visa, &body) < 0)
        goto done;
    if (putf(out, "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: %s\r\nContent-Length: %zu\r\n",
             cfg->path, cfg->host, cfg->port, cfg->content_type, body.len) < 0)
        goto done;
    if (cfg->user && d->have && put_authorization(cfg, d, out) < 0)
        goto done;
    if (put(out, "\r\n", 2) < 0 || put(out, body.data, body.len) < 0)
        goto done;
    rc = 0;
done:
    free(body.data);
    return rc;
}

/* The value of header name in head [p, end), or NULL; *n is its length. */
static const char *header(const char *p, const char *end, const char *name, size_t *n)
{
    size_t nl = strlen(name);
    while (p < end) {
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        if (!eol)
            eol = end;
        if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            *n = (size_t)(eol - v);
            return v;
        }
        p = eol + 2;
    }
    return NULL;
}

int lg_parse_answer(const char *in, size_t len, struct lg_answer *a)
{
    const char *end = memmem(in, len, "\r\n\r\n", 4);
    if (!end)
        return len > 65536 ? -1 : 0;
    memset(a, 0, sizeof *a);
    if (len < 12 || strncmp(in, "HTTP/1.", 7) != 0)
        return -1;
    a->status = atoi(in + 9);
    a->head_len = (size_t)(end - in) + 4;
    const char *first = (const char *)memchr(in, '\n', a->head_len) + 1;
    size_t n;
    const char *v = header(first, end, "Connection", &n);
    a->close = v && n == 5 && strncasecmp(v, "close", 5) == 0;
    if (header(first, end, "Transfer-Encoding", &n))
        return -1;
    /* The first Digest challenge, as curl answers it; its stale flag comes with it. */
    for (const char *p = first; (v = header(p, end, "WWW-Authenticate", &n)) != NULL; p = v + n) {
        if (n > 7 && strncasecmp(v, "Digest ", 7) == 0 && n < sizeof a->challenge) {
            memcpy(a->challenge, v, n);
            a->challenge[n] = '\0';
            a->stale = strcasestr(a->challenge, "stale=true") != NULL;
            break;
        }
    }
    v = header(first, end, "Content-Length", &n);
    if (v)
        a->body_len = strtoul(v, NULL, 10);
    else if (a->status != 204 && a->status != 304)
        return -1;
    return len >= a->head_len + a->body_len ? 1 : 0;
}

/* Copies parameter name's value (quoted or a token) of a challenge into out. */
static void param(const char *challenge, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    size_t nl = strlen(name);
    for (const char *p = challenge + 7; (p = strcasestr(p, name)) != NULL; p += nl) {
        if ((p[-1] != ' ' && p[-1] != ',') || p[nl] != '=')
            continue;
        const char *v = p + nl + 1;
        size_t n = *v == '"' ? strcspn(++v, "\"") : strcspn(v, ", ");
        if (n < cap) {
            memcpy(out, v, n);
            out[n] = '\0';
        }
        return;
    }
}

int lg_digest_take(struct lg_digest *d, const char *challenge)
{
    char algorithm[32];
    param(challenge, "realm", d->realm, sizeof d->realm);
    param(challenge, "nonce", d->nonce, sizeof d->nonce);
    param(challenge, "opaque", d->opaque, sizeof d->opaque);
    param(challenge, "algorithm", algorithm, sizeof algorithm);
    if (!d->nonce[0])
        return -1;
    d->sha256 = strcasecmp(algorithm, "SHA-256") == 0;
    if (!d->cnonce[0]) {
        unsigned char raw[16];
        gnutls_rnd(GNUTLS_RND_NONCE, raw, sizeof raw);
        for (size_t i = 0; i < sizeof raw; i++)
            sprintf(d->cnonce + 2 * i, "%02x", raw[i]);
    }
    d->nc = 0;
    d->have = true;
    return 0;
}

bool lg_body_ok(const struct lg_config *cfg, const char *body, size_t len)
{
    if (cfg->json)
        return memmem(body, len, "\"error\"", 7) == NULL && memmem(body, len, "\"result\"", 8);
    return memmem(body, len, "<fault>", 7) == NULL && memmem(body, len, "<methodResponse>", 16);
}

bool lg_take_visa(const char *body, size_t len, char *visa, size_t cap)
{
    const char *p = memmem(body, len, "\"visa\"", 6);
    if (!p)
        return false;
    p += 6;
    const char *end = body + len;
    while (p < end && (*p == ' ' || *p == ':'))
        p++;
    if (p >= end || *p != '"')
        return false;
    p++;
    const char *q = memchr(p, '"', (size_t)(end - p));
    if (!q || (size_t)(q - p) >= cap)
        return false;
    memcpy(visa, p, (size_t)(q - p));
    visa[q - p] = '\0';
    return true;
}
