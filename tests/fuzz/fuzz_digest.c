/* fuzz_digest.c — libFuzzer target for the server's Authorization: Digest parser
 * (server/digest_parse.c). Whatever it accepts must be well-formed (bounded strings, a known
 * algorithm, nc of 8 hex digits and not 0, a response of the algorithm's length), must parse
 * again to the same fields when written back in canonical form (round trip), and must get a
 * verdict from digest_verify without trouble. Build and run with tests/fuzz/run.sh (clang). */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/digest.h"

/* Writes s as a quoted-string, escaping what must be. */
static size_t quote(char *out, const char *s)
{
    size_t n = 0;
    out[n++] = '"';
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            out[n++] = '\\';
        out[n++] = *s;
    }
    out[n++] = '"';
    return n;
}

static size_t field(char *out, const char *name, const char *value)
{
    size_t n = (size_t)sprintf(out, "%s=", name);
    n += quote(out + n, value);
    out[n++] = ',';
    out[n++] = ' ';
    return n;
}

static void check_bounded(const char *s, size_t size)
{
    if (!memchr(s, '\0', size))
        abort();
}

static struct digest_state *state(void)
{
    static struct digest_state *d;
    if (!d) {
        struct digest_config cfg = {.realm = "custrpc",
                                    .algorithms = {DIGEST_MD5, DIGEST_SHA256},
                                    .n_algorithms = 2,
                                    .nonce_timeout = 300,
                                    .table_size = 64};
        if (digest_state_new(&d, &cfg, NULL) < 0)
            abort();
    }
    return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct digest_credentials c, again;
    if (digest_parse((const char *)data, size, &c, NULL) < 0)
        return 0;
    check_bounded(c.username, sizeof c.username);
    check_bounded(c.realm, sizeof c.realm);
    check_bounded(c.nonce, sizeof c.nonce);
    check_bounded(c.uri, sizeof c.uri);
    check_bounded(c.cnonce, sizeof c.cnonce);
    check_bounded(c.opaque, sizeof c.opaque);
    if (c.nc == 0 || strlen(c.nc_text) != 8 || strtoul(c.nc_text, NULL, 16) != c.nc)
        abort();
    if (c.algorithm != DIGEST_MD5 && c.algorithm != DIGEST_SHA256)
        abort();
    if (strlen(c.response) != 2 * digest_hash_len(c.algorithm))
        abort();

    /* Round trip through the canonical form. Every value at most doubles when escaped. */
    static char text[2 * sizeof c + 256];
    size_t n = (size_t)sprintf(text, "Digest ");
    n += field(text + n, "username", c.username);
    n += field(text + n, "realm", c.realm);
    n += field(text + n, "nonce", c.nonce);
    n += field(text + n, "uri", c.uri);
    n += field(text + n, "response", c.response);
    n += field(text + n, "cnonce", c.cnonce);
    if (c.opaque[0])
        n += field(text + n, "opaque", c.opaque);
    n += (size_t)sprintf(text + n, "algorithm=%s, qop=auth, nc=%s",
                         digest_algorithm_name(c.algorithm), c.nc_text);
    if (digest_parse(text, n, &again, NULL) < 0)
        abort();
    if (strcmp(c.username, again.username) || strcmp(c.realm, again.realm) ||
        strcmp(c.nonce, again.nonce) || strcmp(c.uri, again.uri) ||
        strcmp(c.response, again.response) || strcmp(c.cnonce, again.cnonce) ||
        strcmp(c.opaque, again.opaque) || c.nc != again.nc || c.algorithm != again.algorithm)
        abort();

    /* A made-up nonce with a stored HA1 that cannot match: never accepted. */
    static const uint8_t ha1[DIGEST_MAX_HASH_LEN] = {1, 2, 3};
    if (digest_verify(state(), &c, "POST", "/RPC2", ha1) == DIGEST_OK)
        abort();
    return 0;
}
