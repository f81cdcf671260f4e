/* digest_parse.c — the Authorization: Digest header, parsed strictly (see digest.h): the
 * auth-param list of RFC 7235 section 2.1 with the quoting rules of RFC 7616 section 3.4.
 * Anything a conforming client would not send is refused rather than guessed at. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "digest.h"

/* How a parameter's value may be written. RFC 7616 makes senders quote username, realm, nonce,
 * uri, response, cnonce and opaque, and not quote algorithm, qop and nc; Python's requests
 * quotes those three anyway, and RFC 7235 lets a recipient read either form, so they may be. */
enum quoting { QUOTED, EITHER };

enum param {
    P_USERNAME,
    P_REALM,
    P_NONCE,
    P_URI,
    P_RESPONSE,
    P_CNONCE,
    P_OPAQUE,
    P_ALGORITHM,
    P_QOP,
    P_NC,
    P_USERHASH,
    N_PARAMS
};

static const struct {
    const char *name;
    enum quoting quoting;
    bool required;
} params[N_PARAMS] = {
    [P_USERNAME] = {"username", QUOTED, true},
    [P_REALM] = {"realm", QUOTED, true},
    [P_NONCE] = {"nonce", QUOTED, true},
    [P_URI] = {"uri", QUOTED, true},
    [P_RESPONSE] = {"response", QUOTED, true},
    [P_CNONCE] = {"cnonce", QUOTED, true},
    [P_OPAQUE] = {"opaque", QUOTED, false},
    [P_ALGORITHM] = {"algorithm", EITHER, false},
    [P_QOP] = {"qop", EITHER, true},
    [P_NC] = {"nc", EITHER, true},
    [P_USERHASH] = {"userhash", EITHER, false},
};

/* tchar of RFC 7230 section 3.2.6. */
static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* qdtext, and what may follow a backslash in a quoted-pair. */
static bool is_qdtext(unsigned char c)
{
    return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) ||
           (c >= 0x5d && c <= 0x7e) || c >= 0x80;
}

static bool is_quotable(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

struct cursor {
    const char *p, *end;
};

static void skip_ows(struct cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

static size_t token_len(const struct cursor *c)
{
    size_t n = 0;
    while (c->p + n < c->end && is_tchar((unsigned char)c->p[n]))
        n++;
    return n;
}

/* Reads a token or a quoted-string into out (unescaped, NUL-terminated); -1 on a syntax error
 * or when it does not fit. *quoted tells which form it was. */
static int read_value(struct cursor *c, char *out, size_t size, bool *quoted)
{
    size_t n = 0;
    *quoted = c->p < c->end && *c->p == '"';
    if (!*quoted) {
        n = token_len(c);
        if (n == 0 || n >= size)
            return -1;
        memcpy(out, c->p, n);
        out[n] = '\0';
        c->p += n;
        return 0;
    }
    c->p++;
    for (;;) {
        if (c->p == c->end)
            return -1; /* unterminated */
        unsigned char ch = (unsigned char)*c->p++;
        if (ch == '"')
            break;
        if (ch == '\\') {
            if (c->p == c->end || !is_quotable((unsigned char)*c->p))
                return -1;
            ch = (unsigned char)*c->p++;
        } else if (!is_qdtext(ch)) {
            return -1;
        }
        if (n + 1 >= size)
            return -1;
        out[n++] = (char)ch;
    }
    out[n] = '\0';
    return 0;
}

static char *destination(struct digest_credentials *out, enum param p, char *scratch, size_t *size)
{
    switch (p) {
    case P_USERNAME: *size = sizeof out->username; return out->username;
    case P_REALM: *size = sizeof out->realm; return out->realm;
    case P_NONCE: *size = sizeof out->nonce; return out->nonce;
    case P_URI: *size = sizeof out->uri; return out->uri;
    case P_RESPONSE: *size = sizeof out->response; return out->response;
    case P_CNONCE: *size = sizeof out->cnonce; return out->cnonce;
    case P_OPAQUE: *size = sizeof out->opaque; return out->opaque;
    case P_NC: *size = sizeof out->nc_text; return out->nc_text;
    default: *size = 64; return scratch; /* algorithm, qop, userhash: short tokens */
    }
}

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    return true;
}

/* Checks the values that have a fixed form, once every parameter is read. */
static int check_values(struct digest_credentials *out, const char *algorithm, const char *qop,
                        const char *userhash, bool has_algorithm, bool has_userhash,
                        struct custrpc_error *err)
{
    out->algorithm = DIGEST_MD5; /* RFC 7616 section 3.4: MD5 when absent */
    if (has_algorithm) {
        if (strcasecmp(algorithm, "MD5") == 0)
            out->algorithm = DIGEST_MD5;
        else if (strcasecmp(algorithm, "SHA-256") == 0)
            out->algorithm = DIGEST_SHA256;
        else
            return custrpc_fail(err, CUSTRPC_E_VALUE, "algorithm", "\"%s\" is not offered",
                                algorithm);
    }
    if (strcmp(qop, "auth") != 0)
        return custrpc_fail(err, CUSTRPC_E_VALUE, "qop", "\"%s\" is not auth", qop);
    /* userhash=true would need a reverse lookup of hashed logins; nobody sends it unasked. */
    if (has_userhash && strcasecmp(userhash, "false") != 0)
        return custrpc_fail(err, CUSTRPC_E_VALUE, "userhash", "only false is supported");
    if (strlen(out->nc_text) != 8 || !all_hex(out->nc_text, 8))
        return custrpc_fail(err, CUSTRPC_E_VALUE, "nc", "not 8 hexadecimal digits");
    unsigned long nc = strtoul(out->nc_text, NULL, 16);
    if (nc == 0)
        return custrpc_fail(err, CUSTRPC_E_VALUE, "nc", "counts start at 1");
    out->nc = (uint32_t)nc;
    size_t want = 2 * digest_hash_len(out->algorithm);
    if (strlen(out->response) != want || !all_hex(out->response, want))
        return custrpc_fail(err, CUSTRPC_E_VALUE, "response", "not %zu hexadecimal digits", want);
    return 0;
}

int digest_parse(const char *header, size_t len, struct digest_credentials *out,
                 struct custrpc_error *err)
{
    struct cursor c = {header, header + len};
    memset(out, 0, sizeof *out);
    char algorithm[64] = "", qop[64] = "", userhash[64] = "";
    bool seen[N_PARAMS] = {false};
    /* credentials = auth-scheme 1*SP #auth-param */
    if (len < 7 || strncasecmp(header, "Digest", 6) != 0 || header[6] != ' ')
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "not a Digest header");
    c.p += 6;
    while (c.p < c.end && *c.p == ' ')
        c.p++;
    for (;;) {
        /* #rule: empty list elements ("a=b, , c=d") are allowed, RFC 7230 section 7. */
        skip_ows(&c);
        if (c.p == c.end)
            break;
        if (*c.p == ',') {
            c.p++;
            continue;
        }
        size_t n = token_len(&c);
        if (n == 0)
            return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "garbage at offset %zu",
                                (size_t)(c.p - header));
        const char *name = c.p;
        c.p += n;
        skip_ows(&c);
        if (c.p == c.end || *c.p != '=')
            return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "\"%.*s\" has no value", (int)n, name);
        c.p++;
        skip_ows(&c);
        enum param p;
        for (p = 0; p < N_PARAMS; p++)
            if (strlen(params[p].name) == n && strncasecmp(params[p].name, name, n) == 0)
                break;
        /* An extension parameter: its syntax is checked, its value unused. */
        char unknown[1024], scratch[64];
        char *dest = unknown;
        size_t size = sizeof unknown;
        if (p < N_PARAMS) {
            if (seen[p])
                return custrpc_fail(err, CUSTRPC_E_VALUE, params[p].name, "given twice");
            seen[p] = true;
            dest = destination(out, p, scratch, &size);
        }
        bool quoted;
        if (read_value(&c, dest, size, &quoted) < 0)
            return custrpc_fail(err, CUSTRPC_E_VALUE, p < N_PARAMS ? params[p].name : NULL,
                                "malformed or too long value");
        if (p < N_PARAMS && params[p].quoting == QUOTED && !quoted)
            return custrpc_fail(err, CUSTRPC_E_VALUE, params[p].name, "must be quoted");
        if (p == P_ALGORITHM)
            snprintf(algorithm, sizeof algorithm, "%s", scratch);
        else if (p == P_QOP)
            snprintf(qop, sizeof qop, "%s", scratch);
        else if (p == P_USERHASH)
            snprintf(userhash, sizeof userhash, "%s", scratch);
        skip_ows(&c);
        if (c.p < c.end && *c.p++ != ',')
            return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "garbage at offset %zu",
                                (size_t)(c.p - 1 - header));
    }
    for (enum param p = 0; p < N_PARAMS; p++)
        if (params[p].required && !seen[p])
            return custrpc_fail(err, CUSTRPC_E_MISSING, params[p].name, "missing");
    return check_values(out, algorithm, qop, userhash, seen[P_ALGORITHM], seen[P_USERHASH], err);
}
