/* secrets.c — password hashing and the server key, with GnuTLS (see secrets.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "secrets.h"

int secrets_ha1(const char *login, const char *password, struct digest_ha1 *out,
                struct custrpc_error *err)
{
    size_t n = strlen(login) + strlen(SECRETS_REALM) + strlen(password) + 3;
    char *text = malloc(n);
    if (!text)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    snprintf(text, n, "%s:%s:%s", login, SECRETS_REALM, password);
    int rc = gnutls_hash_fast(GNUTLS_DIG_MD5, text, strlen(text), out->md5);
    if (rc == 0)
        rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, text, strlen(text), out->sha256);
    memset(text, 0, n);
    free(text);
    if (rc < 0)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "hashing failed: %s",
                            gnutls_strerror(rc));
    return 0;
}

int secrets_hash_web_password(const uint8_t key[SECRETS_KEY_LEN], const char *password,
                              struct web_password_hash *out, struct custrpc_error *err)
{
    int rc = gnutls_rnd(GNUTLS_RND_NONCE, out->salt, sizeof out->salt);
    gnutls_hmac_hd_t h = NULL;
    if (rc == 0)
        rc = gnutls_hmac_init(&h, GNUTLS_MAC_SHA256, key, SECRETS_KEY_LEN);
    if (rc == 0)
        rc = gnutls_hmac(h, out->salt, sizeof out->salt);
    if (rc == 0)
        rc = gnutls_hmac(h, password, strlen(password));
    if (h)
        gnutls_hmac_deinit(h, rc == 0 ? out->hmac : NULL);
    if (rc < 0)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "hashing failed: %s",
                            gnutls_strerror(rc));
    return 0;
}

bool secrets_same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint8_t diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= a[i] ^ b[i];
    return diff == 0;
}

bool secrets_check_web_password(const uint8_t key[SECRETS_KEY_LEN], const char *password,
                                const struct web_password_hash *h)
{
    uint8_t mac[SECRETS_SHA256_LEN];
    gnutls_hmac_hd_t hd = NULL;
    int rc = gnutls_hmac_init(&hd, GNUTLS_MAC_SHA256, key, SECRETS_KEY_LEN);
    if (rc == 0)
        rc = gnutls_hmac(hd, h->salt, sizeof h->salt);
    if (rc == 0)
        rc = gnutls_hmac(hd, password, strlen(password));
    if (hd)
        gnutls_hmac_deinit(hd, rc == 0 ? mac : NULL);
    return rc == 0 && secrets_same_bytes(mac, h->hmac, sizeof mac);
}

static int read_exactly(int fd, uint8_t *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

int secrets_load_key(const char *path, bool may_create, uint8_t key[SECRETS_KEY_LEN],
                     struct custrpc_error *err)
{
    if (!path) {
        int rc = gnutls_rnd(GNUTLS_RND_KEY, key, SECRETS_KEY_LEN);
        return rc < 0 ? custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "random bytes: %s",
                                     gnutls_strerror(rc))
                      : 0;
    }
    /* O_NONBLOCK: a FIFO in its place must be refused, not waited on (at start, with SIGTERM
     * already blocked). */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL,
                            "%s: the server key file must be a regular file", path);
    }
    if (fd >= 0) {
        int rc = read_exactly(fd, key, SECRETS_KEY_LEN);
        close(fd);
        if (rc < 0)
            return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL,
                                "%s: server key file is shorter than %d bytes", path,
                                SECRETS_KEY_LEN);
        return 0;
    }
    if (errno != ENOENT)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "%s: %s", path, strerror(errno));
    /* A new key would leave every stored web_password hash unverifiable without a word. */
    if (!may_create)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL,
                            "%s: the server key is missing, but the database beside it exists and "
                            "its web_password hashes were made with that key; restore the key "
                            "file, or move the database away to start a new one",
                            path);
    int rc = gnutls_rnd(GNUTLS_RND_KEY, key, SECRETS_KEY_LEN);
    if (rc < 0)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "random bytes: %s", gnutls_strerror(rc));
    /* O_EXCL: two servers starting at once must not write two different keys. */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "%s: cannot create server key: %s", path,
                            strerror(errno));
    ssize_t w = write(fd, key, SECRETS_KEY_LEN);
    int synced = fsync(fd);
    close(fd);
    if (w != SECRETS_KEY_LEN || synced != 0) {
        unlink(path);
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "%s: cannot write server key", path);
    }
    return 0;
}
