/* digest.c — Digest nonces, challenges and verdicts (see digest.h). A nonce names a slot of a
 * bounded ring, so lookup is O(1) and the nonce pushed out is always the oldest issued; an
 * HMAC under a per-process key makes nonces unforgeable and those of another process unknown. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "digest.h"
#include "secrets.h"

#define KEY_LEN 32
#define ID_LEN 16
#define TAG_LEN 16
/* slot (4) | issued (8) | random id | truncated HMAC-SHA-256 of the three */
#define NONCE_BIN_LEN (4 + 8 + ID_LEN + TAG_LEN)
#define NONCE_HEX_LEN (2 * NONCE_BIN_LEN)
/* Nonce counts accepted out of order: the clients of one nonce send requests in parallel, so
 * nc=5 may arrive before nc=3. A count this far below the highest seen is refused (stale). */
#define NC_WINDOW 128
#define DEFAULT_TABLE_SIZE 16384

struct slot {
    uint8_t id[ID_LEN]; /* all zero: never issued */
    uint64_t issued;
    uint32_t max_nc;               /* highest count accepted, 0 before the first */
    uint64_t used[NC_WINDOW / 64]; /* bit nc % NC_WINDOW: that count was accepted */
};

struct digest_state {
    struct digest_config cfg;
    uint8_t key[KEY_LEN];
    uint8_t dummy_ha1[DIGEST_MAX_HASH_LEN]; /* for users that do not exist */
    pthread_mutex_t lock;
    struct slot *slots;
    size_t next; /* where the next nonce goes: the oldest slot */
};

const char *digest_algorithm_name(enum digest_algorithm a)
{
    return a == DIGEST_SHA256 ? "SHA-256" : "MD5";
}

size_t digest_hash_len(enum digest_algorithm a)
{
    return a == DIGEST_SHA256 ? 32 : 16;
}

static gnutls_digest_algorithm_t gnutls_alg(enum digest_algorithm a)
{
    return a == DIGEST_SHA256 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_MD5;
}

int digest_parse_algorithms(const char *text, enum digest_algorithm out[DIGEST_N_ALGORITHMS],
                            size_t *n, struct custrpc_error *err)
{
    *n = 0;
    const char *p = text;
    for (;;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, ",");
        while (len > 0 && p[len - 1] == ' ')
            len--;
        enum digest_algorithm a;
        if (len == 3 && strncasecmp(p, "MD5", 3) == 0)
            a = DIGEST_MD5;
        else if ((len == 7 && strncasecmp(p, "SHA-256", 7) == 0) ||
                 (len == 6 && strncasecmp(p, "sha256", 6) == 0))
            a = DIGEST_SHA256;
        else
            return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "\"%.*s\" is not MD5 or SHA-256",
                                (int)len, p);
        for (size_t i = 0; i < *n; i++)
            if (out[i] == a)
                return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "\"%.*s\" is listed twice",
                                    (int)len, p);
        out[(*n)++] = a;
        p += strcspn(p, ",");
        if (!*p)
            return 0;
        p++;
    }
}

static uint64_t monotonic_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec;
}

int digest_state_new(struct digest_state **out, const struct digest_config *cfg,
                     struct custrpc_error *err)
{
    struct digest_state *d = calloc(1, sizeof *d);
    if (!d)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    d->cfg = *cfg;
    if (!d->cfg.table_size)
        d->cfg.table_size = DEFAULT_TABLE_SIZE;
    if (!d->cfg.clock)
        d->cfg.clock = monotonic_seconds;
    d->slots = calloc(d->cfg.table_size, sizeof *d->slots);
    if (!d->slots)
        goto fail_memory;
    int rc = gnutls_rnd(GNUTLS_RND_KEY, d->key, sizeof d->key);
    if (rc == 0)
        rc = gnutls_rnd(GNUTLS_RND_KEY, d->dummy_ha1, sizeof d->dummy_ha1);
    if (rc < 0) {
        custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "no randomness: %s", gnutls_strerror(rc));
        goto fail;
    }
    if (pthread_mutex_init(&d->lock, NULL) != 0)
        goto fail_memory;
    *out = d;
    return 0;
fail_memory:
    custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
fail:
    free(d->slots);
    free(d);
    return -1;
}

void digest_state_free(struct digest_state *d)
{
    if (!d)
        return;
    pthread_mutex_destroy(&d->lock);
    memset(d->key, 0, sizeof d->key);
    free(d->slots);
    free(d);
}

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static void to_hex(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes exactly 2*n hex digits; -1 on any other text. */
static int from_hex(const char *in, uint8_t *out, size_t n)
{
    if (strlen(in) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_value(in[2 * i]), lo = hex_value(in[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* Constant-time comparison: how long it takes must not tell how much matched. */
static int nonce_tag(const struct digest_state *d, const uint8_t *bin, uint8_t tag[TAG_LEN])
{
    uint8_t mac[32];
    int rc = gnutls_hmac_fast(GNUTLS_MAC_SHA256, d->key, sizeof d->key, bin,
                              NONCE_BIN_LEN - TAG_LEN, mac);
    memcpy(tag, mac, TAG_LEN);
    return rc;
}

/* A fresh nonce in the oldest slot, as hex text. */
static int issue_nonce(struct digest_state *d, char hex[NONCE_HEX_LEN + 1])
{
    uint8_t bin[NONCE_BIN_LEN];
    uint8_t *id = bin + 12;
    if (gnutls_rnd(GNUTLS_RND_NONCE, id, ID_LEN) < 0)
        return -1;
    uint64_t now = d->cfg.clock();
    pthread_mutex_lock(&d->lock);
    size_t i = d->next;
    d->next = (d->next + 1) % d->cfg.table_size;
    struct slot *s = &d->slots[i];
    memcpy(s->id, id, ID_LEN);
    s->issued = now;
    s->max_nc = 0;
    memset(s->used, 0, sizeof s->used);
    pthread_mutex_unlock(&d->lock);
    put_be(bin, i, 4);
    put_be(bin + 4, now, 8);
    if (nonce_tag(d, bin, bin + NONCE_BIN_LEN - TAG_LEN) < 0)
        return -1;
    to_hex(bin, sizeof bin, hex);
    return 0;
}

int digest_challenges(struct digest_state *d, bool stale, char out[][DIGEST_CHALLENGE_MAX],
                      size_t *n)
{
    char nonce[NONCE_HEX_LEN + 1];
    *n = 0;
    if (issue_nonce(d, nonce) < 0)
        return -1;
    /* One nonce for all the algorithms: a client answers one challenge only. */
    for (size_t i = 0; i < d->cfg.n_algorithms; i++)
        snprintf(out[(*n)++], DIGEST_CHALLENGE_MAX,
                 "Digest realm=\"%s\", qop=\"auth\", algorithm=%s, nonce=\"%s\"%s", d->cfg.realm,
                 digest_algorithm_name(d->cfg.algorithms[i]), nonce, stale ? ", stale=true" : "");
    return 0;
}

static bool nc_bit(const struct slot *s, uint32_t nc)
{
    return (s->used[(nc % NC_WINDOW) / 64] >> (nc % 64)) & 1;
}

static void nc_set(struct slot *s, uint32_t nc, bool on)
{
    uint64_t bit = (uint64_t)1 << (nc % 64);
    uint64_t *w = &s->used[(nc % NC_WINDOW) / 64];
    *w = on ? *w | bit : *w & ~bit;
}

/* Accepts nc once: above the highest count seen, or below it within the window and unused. */
static bool take_nc(struct slot *s, uint32_t nc)
{
    if (nc > s->max_nc) {
        if (nc - s->max_nc >= NC_WINDOW)
            memset(s->used, 0, sizeof s->used);
        else
            for (uint32_t k = s->max_nc + 1; k != nc; k++)
                nc_set(s, k, false);
        nc_set(s, nc, true);
        s->max_nc = nc;
        return true;
    }
    if (s->max_nc - nc >= NC_WINDOW || nc_bit(s, nc))
        return false;
    nc_set(s, nc, true);
    return true;
}

/* Whether the nonce is one of ours, current, and nc is fresh for it (then it is used up). */
static bool nonce_fresh(struct digest_state *d, const char *hex, uint32_t nc)
{
    uint8_t bin[NONCE_BIN_LEN], tag[TAG_LEN];
    if (from_hex(hex, bin, sizeof bin) < 0 || nonce_tag(d, bin, tag) < 0 ||
        !secrets_same_bytes(tag, bin + NONCE_BIN_LEN - TAG_LEN, TAG_LEN))
        return false; /* not ours: made up, or from an earlier server process */
    uint64_t slot = get_be(bin, 4), issued = get_be(bin + 4, 8);
    if (slot >= d->cfg.table_size)
        return false;
    uint64_t now = d->cfg.clock();
    bool fresh = false;
    pthread_mutex_lock(&d->lock);
    struct slot *s = &d->slots[slot];
    /* A different id: the slot was reused, this nonce was pushed out. */
    if (memcmp(s->id, bin + 12, ID_LEN) == 0 && s->issued == issued &&
        now - issued <= d->cfg.nonce_timeout)
        fresh = take_nc(s, nc);
    pthread_mutex_unlock(&d->lock);
    return fresh;
}

/* uri must name the request target. libmicrohttpd gives the path without its query, and the
 * server ignores queries, so a query in uri is allowed after the same path. */
static bool uri_matches(const char *uri, const char *path)
{
    size_t n = strlen(path);
    return strncmp(uri, path, n) == 0 && (uri[n] == '\0' || uri[n] == '?');
}

/* H(HA1:nonce:nc:cnonce:qop:H(method:uri)) with HA1 and the inner hash as lower-case hex. */
static int expected_response(const struct digest_credentials *c, const char *method,
                             const uint8_t *ha1, uint8_t out[DIGEST_MAX_HASH_LEN])
{
    gnutls_digest_algorithm_t alg = gnutls_alg(c->algorithm);
    size_t hlen = digest_hash_len(c->algorithm);
    char a2[sizeof c->uri + 32], ha1_hex[2 * DIGEST_MAX_HASH_LEN + 1];
    char ha2_hex[2 * DIGEST_MAX_HASH_LEN + 1];
    char text[sizeof ha1_hex + sizeof c->nonce + sizeof c->nc_text + sizeof c->cnonce +
              sizeof ha2_hex + 16];
    uint8_t ha2[DIGEST_MAX_HASH_LEN];
    int n = snprintf(a2, sizeof a2, "%s:%s", method, c->uri);
    if (n < 0 || (size_t)n >= sizeof a2 || gnutls_hash_fast(alg, a2, (size_t)n, ha2) < 0)
        return -1;
    to_hex(ha1, hlen, ha1_hex);
    to_hex(ha2, hlen, ha2_hex);
    n = snprintf(text, sizeof text, "%s:%s:%s:%s:auth:%s", ha1_hex, c->nonce, c->nc_text, c->cnonce,
                 ha2_hex);
    if (n < 0 || (size_t)n >= sizeof text)
        return -1;
    return gnutls_hash_fast(alg, text, (size_t)n, out) < 0 ? -1 : 0;
}

enum digest_verdict digest_verify(struct digest_state *d, const struct digest_credentials *c,
                                  const char *method, const char *path, const uint8_t *ha1)
{
    bool offered = false;
    for (size_t i = 0; i < d->cfg.n_algorithms; i++)
        offered |= d->cfg.algorithms[i] == c->algorithm;
    if (!offered || strcmp(c->realm, d->cfg.realm) != 0 || !uri_matches(c->uri, path))
        return DIGEST_CHALLENGE;
    size_t hlen = digest_hash_len(c->algorithm);
    uint8_t want[DIGEST_MAX_HASH_LEN], given[DIGEST_MAX_HASH_LEN];
    /* An unknown user costs the same hashing as a known one. */
    if (expected_response(c, method, ha1 ? ha1 : d->dummy_ha1, want) < 0 ||
        from_hex(c->response, given, hlen) < 0)
        return DIGEST_CHALLENGE;
    if (!secrets_same_bytes(want, given, hlen) || !ha1)
        return DIGEST_CHALLENGE;
    /* Only now may the answer differ: whoever computed this response knows the password. */
    return nonce_fresh(d, c->nonce, c->nc) ? DIGEST_OK : DIGEST_STALE;
}
