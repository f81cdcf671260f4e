/* digest.h — HTTP Digest access authentication (RFC 7616, qop=auth) done by the server itself:
 * fresh nonces per challenge, strict Authorization parsing, nonce counts accepted once each.
 * Knows nothing of the store or of libmicrohttpd, so unit tests and the fuzzer use it alone. */
#ifndef CUSTRPC_SERVER_DIGEST_H
#define CUSTRPC_SERVER_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <custrpc/error.h>

enum digest_algorithm { DIGEST_MD5, DIGEST_SHA256 };
#define DIGEST_N_ALGORITHMS 2
#define DIGEST_MAX_HASH_LEN 32

/* Room for one WWW-Authenticate value; the nonce is 88 characters. */
#define DIGEST_CHALLENGE_MAX 256

/* The fields of an Authorization: Digest header, unescaped. Lengths are bounded so a header
 * cannot make the server allocate; longer values are a parse failure. */
struct digest_credentials {
    char username[256];
    char realm[128];
    char nonce[256];
    char uri[2048];
    char response[2 * DIGEST_MAX_HASH_LEN + 1];
    char cnonce[256];
    char opaque[256];
    enum digest_algorithm algorithm; /* MD5 when the header has none */
    uint32_t nc;
    char nc_text[9]; /* as sent: it is part of the hashed text */
};

/* Parses the value of an Authorization header ("Digest username=..., ..."). 0 when it is a
 * complete qop=auth Digest answer in the grammar of RFC 7235 and RFC 7616; -1 otherwise, with
 * the reason in err (for the debug log; never sent to the client). */
int digest_parse(const char *header, size_t len, struct digest_credentials *out,
                 struct custrpc_error *err);

/* The name RFC 7616 gives an algorithm ("MD5", "SHA-256"). */
const char *digest_algorithm_name(enum digest_algorithm a);

/* Parses a comma-separated list of algorithms ("MD5,SHA-256"; case-insensitive, "sha256"
 * also accepted) into out, in order. Refuses an empty list, an unknown token and repeats,
 * naming the token in err. */
int digest_parse_algorithms(const char *text, enum digest_algorithm out[DIGEST_N_ALGORITHMS],
                            size_t *n, struct custrpc_error *err);

struct digest_config {
    const char *realm;
    enum digest_algorithm algorithms[DIGEST_N_ALGORITHMS]; /* offered, in this order */
    size_t n_algorithms;
    unsigned nonce_timeout; /* seconds a nonce is accepted after it was issued */
    size_t table_size;      /* nonces remembered; 0 gives the default, 16384 */
    /* Seconds on a clock that never goes back; NULL: CLOCK_MONOTONIC. Tests move time. */
    uint64_t (*clock)(void);
};

struct digest_state;

/* Creates the nonce table with a fresh random key (nonces of another process never verify). */
int digest_state_new(struct digest_state **out, const struct digest_config *cfg,
                     struct custrpc_error *err);
void digest_state_free(struct digest_state *d);

/* Issues a nonce and writes one WWW-Authenticate value per offered algorithm, in the configured
 * order, into out[0..*n-1]. stale adds stale=true. -1 only when randomness fails. */
int digest_challenges(struct digest_state *d, bool stale, char out[][DIGEST_CHALLENGE_MAX],
                      size_t *n);

enum digest_verdict {
    DIGEST_OK,        /* the response is right and the nonce count was fresh */
    DIGEST_STALE,     /* the response is right, but the nonce is old, unknown or its count used */
    DIGEST_CHALLENGE, /* anything else: the same answer for every kind of wrong */
};

/* Judges parsed credentials for a request (method, path as libmicrohttpd reports it). ha1 is
 * the stored H(user:realm:password) for c->algorithm, or NULL when the user does not exist or
 * may not log in: a random HA1 is used then, so the time taken does not tell. A nonce count is
 * used up only by a right response. Thread-safe. */
enum digest_verdict digest_verify(struct digest_state *d, const struct digest_credentials *c,
                                  const char *method, const char *path, const uint8_t *ha1);

/* Bytes of a hash of algorithm a (16 or 32). */
size_t digest_hash_len(enum digest_algorithm a);

#endif
