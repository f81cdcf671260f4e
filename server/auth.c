/* auth.c — request identity (see auth.h). Passwords are never seen in plain text except a
 * Basic one in flight, which is hashed and compared like a Digest HA1. */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "secrets.h"

bool auth_is_loopback(const struct sockaddr *addr)
{
    if (addr->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)addr;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (addr->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)addr)->sin6_addr;
        if (IN6_IS_ADDR_LOOPBACK(a))
            return true;
        return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
    }
    return false;
}

int auth_add_trusted(struct auth_policy *p, const char *address)
{
    if (p->n_trusted == AUTH_MAX_TRUSTED)
        return -1;
    struct sockaddr_storage *ss = &p->trusted[p->n_trusted];
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *in = (struct sockaddr_in *)(void *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)ss;
    if (inet_pton(AF_INET, address, &in->sin_addr) == 1)
        in->sin_family = AF_INET;
    else if (inet_pton(AF_INET6, address, &in6->sin6_addr) == 1)
        in6->sin6_family = AF_INET6;
    else
        return -1;
    p->n_trusted++;
    return 0;
}

/* The IPv4 address of a peer, unwrapping IPv4-mapped IPv6; false when it has none. */
static bool ipv4_of(const struct sockaddr *a, struct in_addr *out)
{
    if (a->sa_family == AF_INET) {
        *out = ((const struct sockaddr_in *)(const void *)a)->sin_addr;
        return true;
    }
    const struct in6_addr *v6 = &((const struct sockaddr_in6 *)(const void *)a)->sin6_addr;
    if (a->sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(v6)) {
        memcpy(&out->s_addr, v6->s6_addr + 12, 4);
        return true;
    }
    return false;
}

static bool is_trusted(const struct auth_policy *p, const struct sockaddr *peer)
{
    struct in_addr peer4;
    bool has4 = ipv4_of(peer, &peer4);
    for (size_t i = 0; i < p->n_trusted; i++) {
        const struct sockaddr *t = (const struct sockaddr *)(const void *)&p->trusted[i];
        struct in_addr t4;
        if (ipv4_of(t, &t4)) {
            if (has4 && t4.s_addr == peer4.s_addr)
                return true;
        } else if (peer->sa_family == AF_INET6 &&
                   memcmp(&((const struct sockaddr_in6 *)(const void *)t)->sin6_addr,
                          &((const struct sockaddr_in6 *)(const void *)peer)->sin6_addr,
                          sizeof(struct in6_addr)) == 0) {
            return true;
        }
    }
    return false;
}

static void read_lock(const struct auth_policy *p)
{
    if (p->reload_lock)
        pthread_rwlock_rdlock(p->reload_lock);
}

static void read_unlock(const struct auth_policy *p)
{
    if (p->reload_lock)
        pthread_rwlock_unlock(p->reload_lock);
}

static bool is_trusted_now(const struct auth_policy *p, const struct sockaddr *peer)
{
    read_lock(p);
    bool yes = is_trusted(p, peer);
    read_unlock(p);
    return yes;
}

/* The admin login's HA1 for algorithm into out when login is the admin login; copied under the
 * reload lock, so a reload cannot change it half-way through the check. */
static bool admin_ha1_of(const struct auth_policy *p, const char *login, enum digest_algorithm a,
                         uint8_t out[SECRETS_SHA256_LEN])
{
    read_lock(p);
    bool yes = p->admin_login && strcmp(login, p->admin_login) == 0;
    if (yes && a == DIGEST_SHA256)
        memcpy(out, p->admin_ha1.sha256, SECRETS_SHA256_LEN);
    else if (yes)
        memcpy(out, p->admin_ha1.md5, SECRETS_MD5_LEN);
    read_unlock(p);
    return yes;
}

static enum auth_outcome basic(struct store *store, struct MHD_Connection *conn,
                               struct call_identity *who, char *login, size_t login_size)
{
    char *password = NULL;
    char *user = MHD_basic_auth_get_username_password(conn, &password);
    enum auth_outcome out = AUTH_CHALLENGE;
    struct store_credentials cred;
    struct digest_ha1 given;
    if (user && password && store_credentials(store, user, &cred, NULL) == 0 && cred.api_access &&
        !cred.blocked && cred.has_ha1 && secrets_ha1(user, password, &given, NULL) == 0 &&
        secrets_same_bytes(given.sha256, cred.ha1.sha256, sizeof given.sha256)) {
        who->caller = cred.i_customer;
        out = AUTH_OK;
    }
    if (user)
        snprintf(login, login_size, "%s", user);
    if (password) {
        memset(password, 0, strlen(password));
        MHD_free(password);
    }
    MHD_free(user);
    return out;
}

/* Digest, judged by digest.c; an unknown login, one without API access, a blocked one (or one
 * below a blocked customer) and a wrong password all get the same plain challenge: with no HA1
 * the response can never be right, so stale=true is never sent for them. */
static enum auth_outcome digest(const struct auth_policy *p, struct store *store, const char *authz,
                                const char *method, const char *url, struct call_identity *who,
                                char *login, size_t login_size, bool admin)
{
    struct digest_credentials c;
    if (digest_parse(authz, strlen(authz), &c, NULL) < 0)
        return AUTH_CHALLENGE;
    snprintf(login, login_size, "%s", c.username);
    struct store_credentials cred = {0};
    const uint8_t *ha1 = NULL;
    uint8_t admin_ha1[SECRETS_SHA256_LEN];
    if (admin && admin_ha1_of(p, c.username, c.algorithm, admin_ha1))
        ha1 = admin_ha1;
    else if (store_credentials(store, c.username, &cred, NULL) == 0 && cred.api_access &&
             !cred.blocked && cred.has_ha1 && (!admin || cred.i_customer == STORE_ROOT_ID))
        ha1 = c.algorithm == DIGEST_SHA256 ? cred.ha1.sha256 : cred.ha1.md5;
    switch (digest_verify(p->digest, &c, method, url, ha1)) {
    case DIGEST_OK: who->caller = cred.i_customer; return AUTH_OK;
    case DIGEST_STALE: return AUTH_STALE;
    default: return AUTH_CHALLENGE;
    }
}

enum auth_outcome auth_identify(const struct auth_policy *p, struct store *store,
                                struct MHD_Connection *conn, const char *method, const char *url,
                                struct call_identity *who, char *login, size_t login_size)
{
    if (!store)
        store = p->store;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *peer = ci ? ci->client_addr : NULL;
    const char *authz =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    login[0] = '\0';
    memset(who, 0, sizeof *who);
    if (!authz) {
        /* Real switches trust a listed host that sends no credentials: the i_wholesaler of the
         * request then names the parent. */
        if (peer && is_trusted_now(p, peer)) {
            who->trusted = true;
            return AUTH_OK;
        }
        if (p->open_local && peer && auth_is_loopback(peer)) {
            who->caller = STORE_ROOT_ID;
            return AUTH_OK;
        }
        return AUTH_CHALLENGE;
    }
    if (p->allow_basic && strncasecmp(authz, "Basic ", 6) == 0)
        return basic(store, conn, who, login, login_size);
    return digest(p, store, authz, method, url, who, login, login_size, false);
}

enum auth_outcome auth_admin(const struct auth_policy *p, struct MHD_Connection *conn,
                             const char *method, const char *url, char *login, size_t login_size)
{
    const char *authz =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    struct call_identity who;
    login[0] = '\0';
    if (!authz || strncasecmp(authz, "Digest ", 7) != 0)
        return AUTH_CHALLENGE;
    return digest(p, p->store, authz, method, url, &who, login, login_size, true);
}
