/* secrets.h — how the server keeps passwords: Digest HA1 values for api_password (checked by
 * libmicrohttpd without the plain text) and salted HMAC-SHA-256 for web_password, keyed by a
 * server secret kept outside the database. All hashing and randomness come from GnuTLS. */
#ifndef CUSTRPC_SERVER_SECRETS_H
#define CUSTRPC_SERVER_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <custrpc/error.h>

#define SECRETS_REALM "custrpc"
#define SECRETS_MD5_LEN 16
#define SECRETS_SHA256_LEN 32
#define SECRETS_SALT_LEN 16
#define SECRETS_KEY_LEN 32

/* H(login:realm:password) for MD5 and SHA-256, as htdigest stores them. */
struct digest_ha1 {
    uint8_t md5[SECRETS_MD5_LEN];
    uint8_t sha256[SECRETS_SHA256_LEN];
};

struct web_password_hash {
    uint8_t salt[SECRETS_SALT_LEN];
    uint8_t hmac[SECRETS_SHA256_LEN];
};

int secrets_ha1(const char *login, const char *password, struct digest_ha1 *out,
                struct custrpc_error *err);

/* HMAC-SHA-256(key, salt || password) with a fresh random salt. */
int secrets_hash_web_password(const uint8_t key[SECRETS_KEY_LEN], const char *password,
                              struct web_password_hash *out, struct custrpc_error *err);

/* Whether password hashes to h (same key, h's salt); constant time in the hash. */
bool secrets_check_web_password(const uint8_t key[SECRETS_KEY_LEN], const char *password,
                                const struct web_password_hash *h);

/* a and b equal, in time that does not depend on where they differ. */
bool secrets_same_bytes(const uint8_t *a, const uint8_t *b, size_t n);

/* Loads the server key from path, or, when absent and may_create, creates it (mode 0600) with
 * random bytes; absent and not may_create (its database already exists) is an error. path NULL
 * gives a random key for this process only (the in-memory store). */
int secrets_load_key(const char *path, bool may_create, uint8_t key[SECRETS_KEY_LEN],
                     struct custrpc_error *err);

#endif
