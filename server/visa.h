/* visa.h — the partner API's session tokens. A visa names the partner and the user it was
 * issued to and when; it is valid for the TTL from its issue (the API's 15 minutes by default,
 * --visa-ttl), and every answer carries a new one. Visas are not stored: each is signed with
 * an HMAC under a key derived from the server key, so a forged or altered one is refused and
 * visas issued before a restart stay valid for a file store (whose key persists).
 *
 * Layout (ours; the API's is undocumented, its sample reads "33491-50121-1-1512736778-A99E…"):
 *   <partner id>-<user id>-<serial>-<issued, Unix seconds>-<32 hex digits of HMAC-SHA-256>
 * The serial makes two visas issued in the same second differ. */
#ifndef CUSTRPC_SERVER_VISA_H
#define CUSTRPC_SERVER_VISA_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include <custrpc/error.h>

#include "secrets.h"

#define VISA_MAX 128

struct visa_keys {
    uint8_t key[SECRETS_KEY_LEN];
    unsigned ttl; /* seconds */
    atomic_uint_fast64_t serial;
};

/* Derives the visa key from the server key. */
int visa_init(struct visa_keys *k, const uint8_t server_key[SECRETS_KEY_LEN], unsigned ttl,
              struct custrpc_error *err);

/* A new visa for (partner, user) issued at now. */
int visa_issue(struct visa_keys *k, int64_t partner, int64_t user, time_t now,
               char out[VISA_MAX], struct custrpc_error *err);

/* The partner and user of a visa that is well formed, signed with this key, issued no later
 * than now (plus a few seconds of skew) and not older than the TTL; CUSTRPC_E_VISA otherwise
 * (the message says which, for the server's log; the client sees the API's one text). */
int visa_check(const struct visa_keys *k, const char *visa, time_t now, int64_t *partner,
               int64_t *user, struct custrpc_error *err);

#endif
