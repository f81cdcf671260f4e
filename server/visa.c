/* visa.c — signed, stateless visas (see visa.h). */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "visa.h"

#define TAG_LEN 16 /* bytes of the HMAC kept: 128 bits */
#define SKEW 5     /* seconds a visa may seem to come from the future (clock steps) */

int visa_init(struct visa_keys *k, const uint8_t server_key[SECRETS_KEY_LEN], unsigned ttl,
              struct custrpc_error *err)
{
    static const char label[] = "custrpc partner API visa key v1";
    /* A key of its own: a visa's MAC can never be mistaken for a password hash or a nonce. */
    int rc = gnutls_hmac_fast(GNUTLS_MAC_SHA256, server_key, SECRETS_KEY_LEN, label,
                              sizeof label - 1, k->key);
    if (rc < 0)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "visa key: %s", gnutls_strerror(rc));
    k->ttl = ttl;
    atomic_init(&k->serial, 0);
    return 0;
}

static int tag(const struct visa_keys *k, const char *body, size_t len, char hex[2 * TAG_LEN + 1])
{
    uint8_t mac[SECRETS_SHA256_LEN];
    if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, k->key, sizeof k->key, body, len, mac) < 0)
        return -1;
    for (int i = 0; i < TAG_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02X", mac[i]);
    return 0;
}

int visa_issue(struct visa_keys *k, int64_t partner, int64_t user, time_t now,
               char out[VISA_MAX], struct custrpc_error *err)
{
    uint64_t serial = atomic_fetch_add(&k->serial, 1) + 1;
    int n = snprintf(out, VISA_MAX, "%" PRId64 "-%" PRId64 "-%" PRIu64 "-%lld-", partner, user,
                     serial, (long long)now);
    char hex[2 * TAG_LEN + 1];
    if (n <= 0 || n + 2 * TAG_LEN >= VISA_MAX || tag(k, out, (size_t)n, hex) < 0)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "cannot issue a visa");
    memcpy(out + n, hex, sizeof hex);
    return 0;
}

/* One decimal field of 1..19 digits, no sign, no leading zero; advances *p past its '-'. */
static int field(const char **p, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9' && n < 19)
        v = v * 10 + (uint64_t)(s[n++] - '0');
    if (n == 0 || (n > 1 && s[0] == '0') || s[n] != '-')
        return -1;
    *out = v;
    *p = s + n + 1;
    return 0;
}

int visa_check(const struct visa_keys *k, const char *visa, time_t now, int64_t *partner,
               int64_t *user, struct custrpc_error *err)
{
    uint64_t f[4];
    const char *p = visa;
    for (int i = 0; i < 4; i++)
        if (field(&p, &f[i]) < 0)
            return custrpc_fail(err, CUSTRPC_E_VISA, "visa", "malformed");
    char hex[2 * TAG_LEN + 1];
    if (strlen(p) != 2 * TAG_LEN || tag(k, visa, (size_t)(p - visa), hex) < 0 ||
        !secrets_same_bytes((const uint8_t *)hex, (const uint8_t *)p, 2 * TAG_LEN))
        return custrpc_fail(err, CUSTRPC_E_VISA, "visa", "not signed by this server");
    if (f[0] > INT64_MAX || f[1] > INT64_MAX || f[3] > (uint64_t)now + SKEW)
        return custrpc_fail(err, CUSTRPC_E_VISA, "visa", "issued in the future");
    if ((uint64_t)now >= f[3] && (uint64_t)now - f[3] >= k->ttl)
        return custrpc_fail(err, CUSTRPC_E_VISA, "visa", "expired %llu s ago",
                            (unsigned long long)((uint64_t)now - f[3] - k->ttl));
    *partner = (int64_t)f[0];
    *user = (int64_t)f[1];
    return 0;
}
