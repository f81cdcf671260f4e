/* check_digest.c — the server's Digest module (server/digest.c) on its own: the RFC 7616
 * examples, headers a strict parser must refuse, nonce counts out of order and replayed, the
 * oldest nonce evicted first, expiry, and one answer for every kind of wrong credential. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "../server/digest.h"
#include "check_suites.h"

/* RFC 7616 section 3.9.1. */
#define RFC_REALM "http-auth@example.org"
#define RFC_NONCE "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define RFC_CNONCE "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
#define RFC_OPAQUE "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
#define RFC_MD5_RESPONSE "8ca523f5e9506fed4657c9700eebdbec"
#define RFC_SHA256_RESPONSE "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"

static uint64_t fake_now = 1000;
static uint64_t fake_clock(void)
{
    return fake_now;
}

static struct digest_state *state(const char *realm, size_t table_size)
{
    struct digest_config cfg = {.realm = realm,
                                .algorithms = {DIGEST_MD5, DIGEST_SHA256},
                                .n_algorithms = 2,
                                .nonce_timeout = 300,
                                .table_size = table_size,
                                .clock = fake_clock};
    struct digest_state *d = NULL;
    struct custrpc_error err;
    ck_assert_msg(digest_state_new(&d, &cfg, &err) == 0, "%s", err.message);
    return d;
}

static void hex(const uint8_t *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", in[i]);
}

static void ha1_of(enum digest_algorithm a, const char *user, const char *realm, const char *pw,
                   uint8_t out[DIGEST_MAX_HASH_LEN])
{
    char text[256];
    snprintf(text, sizeof text, "%s:%s:%s", user, realm, pw);
    gnutls_hash_fast(a == DIGEST_SHA256 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_MD5, text, strlen(text),
                     out);
}

/* An Authorization header as a client computes it (written here independently of digest.c). */
static void answer(char *out, size_t size, enum digest_algorithm a, const char *user,
                   const char *realm, const char *pw, const char *nonce, unsigned nc,
                   const char *uri)
{
    gnutls_digest_algorithm_t g = a == DIGEST_SHA256 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_MD5;
    size_t n = digest_hash_len(a);
    uint8_t h[DIGEST_MAX_HASH_LEN];
    char ha1[65], ha2[65], resp[65], text[1024];
    ha1_of(a, user, realm, pw, h);
    hex(h, n, ha1);
    snprintf(text, sizeof text, "POST:%s", uri);
    gnutls_hash_fast(g, text, strlen(text), h);
    hex(h, n, ha2);
    snprintf(text, sizeof text, "%s:%s:%08x:cn0nce:auth:%s", ha1, nonce, nc, ha2);
    gnutls_hash_fast(g, text, strlen(text), h);
    hex(h, n, resp);
    snprintf(out, size,
             "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", algorithm=%s, "
             "response=\"%s\", qop=auth, nc=%08x, cnonce=\"cn0nce\"",
             user, realm, nonce, uri, digest_algorithm_name(a), resp, nc);
}

/* A fresh nonce from d, read back out of its first challenge. */
static void nonce_of(struct digest_state *d, char nonce[128])
{
    char ch[DIGEST_N_ALGORITHMS][DIGEST_CHALLENGE_MAX];
    size_t n;
    ck_assert_int_eq(digest_challenges(d, false, ch, &n), 0);
    const char *p = strstr(ch[0], "nonce=\"");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(sscanf(p, "nonce=\"%127[^\"]\"", nonce), 1);
}

/* Parses header and judges it for user "u" whose password is "pw" (ha1 NULL: no such user). */
static enum digest_verdict judge(struct digest_state *d, const char *header, const char *realm,
                                 bool user_exists)
{
    struct digest_credentials c;
    struct custrpc_error err;
    ck_assert_msg(digest_parse(header, strlen(header), &c, &err) == 0, "%s: %s", header,
                  err.message);
    uint8_t ha1[DIGEST_MAX_HASH_LEN];
    ha1_of(c.algorithm, "u", realm, "pw", ha1);
    return digest_verify(d, &c, "POST", "/RPC2", user_exists ? ha1 : NULL);
}

static enum digest_verdict try_nc(struct digest_state *d, const char *nonce, unsigned nc)
{
    char h[1024];
    answer(h, sizeof h, DIGEST_MD5, "u", "custrpc", "pw", nonce, nc, "/RPC2");
    return judge(d, h, "custrpc", true);
}

START_TEST(rfc7616_examples)
{
    static const struct {
        const char *algorithm, *response;
        enum digest_algorithm a;
    } ex[] = {{"MD5", RFC_MD5_RESPONSE, DIGEST_MD5},
              {"SHA-256", RFC_SHA256_RESPONSE, DIGEST_SHA256}};
    struct digest_state *d = state(RFC_REALM, 0);
    for (size_t i = 0; i < 2; i++) {
        char h[1024];
        /* As printed in the RFC, line breaks folded to spaces. */
        snprintf(h, sizeof h,
                 "Digest username=\"Mufasa\", realm=\"" RFC_REALM "\", uri=\"/dir/index.html\", "
                 "algorithm=%s, nonce=\"" RFC_NONCE "\", nc=00000001, cnonce=\"" RFC_CNONCE "\", "
                 "qop=auth, response=\"%s\", opaque=\"" RFC_OPAQUE "\"",
                 ex[i].algorithm, ex[i].response);
        struct digest_credentials c;
        struct custrpc_error err;
        ck_assert_msg(digest_parse(h, strlen(h), &c, &err) == 0, "%s", err.message);
        ck_assert_str_eq(c.username, "Mufasa");
        ck_assert_str_eq(c.uri, "/dir/index.html");
        ck_assert_str_eq(c.opaque, RFC_OPAQUE);
        ck_assert_int_eq(c.algorithm, ex[i].a);
        ck_assert_uint_eq(c.nc, 1);
        uint8_t ha1[DIGEST_MAX_HASH_LEN];
        ha1_of(ex[i].a, "Mufasa", RFC_REALM, "Circle of Life", ha1);
        /* The nonce is not one of ours, so a right response is exactly what gives stale. */
        ck_assert_int_eq(digest_verify(d, &c, "GET", "/dir/index.html", ha1), DIGEST_STALE);
        ck_assert_int_eq(digest_verify(d, &c, "POST", "/dir/index.html", ha1), DIGEST_CHALLENGE);
        ck_assert_int_eq(digest_verify(d, &c, "GET", "/dir/index.html", NULL), DIGEST_CHALLENGE);
        ha1_of(ex[i].a, "Mufasa", RFC_REALM, "Circle of life", ha1);
        ck_assert_int_eq(digest_verify(d, &c, "GET", "/dir/index.html", ha1), DIGEST_CHALLENGE);
    }
    digest_state_free(d);
}
END_TEST

#define GOOD_REST                                                                                  \
    "realm=\"custrpc\", nonce=\"n\", uri=\"/RPC2\", "                                              \
    "response=\"0123456789abcdef0123456789abcdef\", "                                              \
    "qop=auth, nc=00000001, cnonce=\"c\""

START_TEST(parse_accepts)
{
    static const char *const good[] = {
        "Digest username=\"u\", " GOOD_REST,
        "digest   USERNAME = \"u\" ,, " GOOD_REST ", ",
        /* Python's requests quotes algorithm, qop and nc. */
        "Digest username=\"u\", realm=\"custrpc\", nonce=\"n\", uri=\"/RPC2\", "
        "response=\"0123456789abcdef0123456789abcdef\", algorithm=\"MD5\", qop=\"auth\", "
        "nc=\"00000001\", cnonce=\"c\"",
        "Digest username=\"\\u\", " GOOD_REST ", userhash=false, extension=\"x\\\"y\", ext2=tok",
        "Digest username=\"u\",algorithm=md5," GOOD_REST,
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        struct digest_credentials c;
        struct custrpc_error err;
        ck_assert_msg(digest_parse(good[i], strlen(good[i]), &c, &err) == 0, "%s: %s", good[i],
                      err.message);
        ck_assert_str_eq(c.username, "u");
        ck_assert_str_eq(c.realm, "custrpc");
        ck_assert_int_eq(c.algorithm, DIGEST_MD5);
    }
}
END_TEST

START_TEST(parse_refuses)
{
    static const char *const bad[] = {
        "",
        "Digest",
        "Digest ",
        "Basic dTpw",
        "Digestusername=\"u\", " GOOD_REST,
        "Digest username=u, " GOOD_REST,                     /* must be quoted */
        "Digest username=\"u\", username=\"u\", " GOOD_REST, /* twice */
        "Digest username=\"u\", USERNAME=\"v\", " GOOD_REST, /* twice, other case */
        "Digest " GOOD_REST,                                 /* no username */
        "Digest username=\"u\", " GOOD_REST " garbage",      /* no comma */
        "Digest username=\"u\", " GOOD_REST ", =\"x\"",      /* no name */
        "Digest username=\"u\", " GOOD_REST ", x",           /* no value */
        "Digest username=\"u\", " GOOD_REST ", x=",          /* empty value */
        "Digest username=\"u, " GOOD_REST,                   /* unterminated, then more */
        "Digest username=\"u\", " GOOD_REST ", x=\"\\",      /* escape at the end */
        "Digest username=\"u\", " GOOD_REST ", x=\"a\x01\"", /* control character */
        "Digest username=\"u\", " GOOD_REST ", algorithm=MD5-sess",
        "Digest username=\"u\", " GOOD_REST ", algorithm=SHA-512-256",
        "Digest username=\"u\", " GOOD_REST ", userhash=true",
        "Digest username=\"u\", " GOOD_REST ", x=a;b",
        "Digest username=\"u\", realm=\"custrpc\", nonce=\"n\", uri=\"/RPC2\", "
        "response=\"0123456789abcdef0123456789abcdef\", qop=auth-int, nc=00000001, cnonce=\"c\"",
        "Digest username=\"u\", realm=\"custrpc\", nonce=\"n\", uri=\"/RPC2\", "
        "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=0000001, cnonce=\"c\"",
        "Digest username=\"u\", realm=\"custrpc\", nonce=\"n\", uri=\"/RPC2\", "
        "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=0000000g, cnonce=\"c\"",
        "Digest username=\"u\", realm=\"custrpc\", nonce=\"n\", uri=\"/RPC2\", "
        "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=00000000, cnonce=\"c\"",
        "Digest username=\"u\", realm=\"custrpc\", nonce=\"n\", uri=\"/RPC2\", "
        "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=00000001",
        /* An MD5-sized response with SHA-256. */
        "Digest username=\"u\", " GOOD_REST ", algorithm=SHA-256",
        "Digest username=\"u\", realm=\"custrpc\", nonce=\"n\", uri=\"/RPC2\", "
        "response=\"0123456789abcdef0123456789abcdeg\", qop=auth, nc=00000001, cnonce=\"c\"",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct digest_credentials c;
        ck_assert_msg(digest_parse(bad[i], strlen(bad[i]), &c, NULL) == -1, "accepted: %s", bad[i]);
    }
    /* Too long for its field, and a NUL inside. */
    char h[4096];
    char long_user[300];
    memset(long_user, 'a', sizeof long_user - 1);
    long_user[sizeof long_user - 1] = '\0';
    snprintf(h, sizeof h, "Digest username=\"%s\", " GOOD_REST, long_user);
    ck_assert_int_eq(digest_parse(h, strlen(h), &(struct digest_credentials){0}, NULL), -1);
    snprintf(h, sizeof h, "Digest username=\"u\", " GOOD_REST);
    size_t len = strlen(h);
    h[16] = '\0';
    ck_assert_int_eq(digest_parse(h, len, &(struct digest_credentials){0}, NULL), -1);
}
END_TEST

START_TEST(algorithm_lists)
{
    enum digest_algorithm a[DIGEST_N_ALGORITHMS];
    size_t n;
    struct custrpc_error err;
    ck_assert_int_eq(digest_parse_algorithms("sha256, md5", a, &n, &err), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(a[0], DIGEST_SHA256);
    ck_assert_int_eq(a[1], DIGEST_MD5);
    ck_assert_int_eq(digest_parse_algorithms("SHA-256", a, &n, &err), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(digest_parse_algorithms("MD5,SHA-1", a, &n, &err), -1);
    ck_assert_str_eq(err.message, "\"SHA-1\" is not MD5 or SHA-256");
    ck_assert_int_eq(digest_parse_algorithms("md5,MD5", a, &n, &err), -1);
    ck_assert_str_eq(err.message, "\"MD5\" is listed twice");
    ck_assert_int_eq(digest_parse_algorithms("", a, &n, &err), -1);
    ck_assert_int_eq(digest_parse_algorithms("MD5,", a, &n, &err), -1);
}
END_TEST

START_TEST(challenges)
{
    struct digest_state *d = state("custrpc", 0);
    char ch[DIGEST_N_ALGORITHMS][DIGEST_CHALLENGE_MAX],
        again[DIGEST_N_ALGORITHMS][DIGEST_CHALLENGE_MAX];
    size_t n;
    ck_assert_int_eq(digest_challenges(d, false, ch, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_ptr_nonnull(strstr(ch[0], "algorithm=MD5,"));
    ck_assert_ptr_nonnull(strstr(ch[1], "algorithm=SHA-256,"));
    ck_assert_ptr_eq(strstr(ch[0], "Digest realm=\"custrpc\", qop=\"auth\", "), ch[0]);
    ck_assert_ptr_null(strstr(ch[0], "stale"));
    ck_assert_int_eq(digest_challenges(d, true, again, &n), 0);
    ck_assert_ptr_nonnull(strstr(again[1], ", stale=true"));
    ck_assert_str_ne(strstr(ch[0], "nonce="), strstr(again[0], "nonce=")); /* fresh each time */
    digest_state_free(d);
}
END_TEST

START_TEST(nonce_counts)
{
    struct digest_state *d = state("custrpc", 0);
    char nonce[128];
    nonce_of(d, nonce);
    ck_assert_int_eq(try_nc(d, nonce, 1), DIGEST_OK);
    ck_assert_int_eq(try_nc(d, nonce, 1), DIGEST_STALE); /* replayed */
    /* Parallel requests arrive out of order: each count once, in any order. */
    static const unsigned order[] = {5, 3, 2, 4, 9, 6, 8, 7};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        ck_assert_int_eq(try_nc(d, nonce, order[i]), DIGEST_OK);
    for (unsigned nc = 1; nc <= 9; nc++)
        ck_assert_int_eq(try_nc(d, nonce, nc), DIGEST_STALE);
    ck_assert_int_eq(try_nc(d, nonce, 200), DIGEST_OK);
    ck_assert_int_eq(try_nc(d, nonce, 73), DIGEST_OK);    /* 127 below the highest: in */
    ck_assert_int_eq(try_nc(d, nonce, 72), DIGEST_STALE); /* 128 below: out of the window */
    ck_assert_int_eq(try_nc(d, nonce, 10), DIGEST_STALE);
    ck_assert_int_eq(try_nc(d, nonce, 199), DIGEST_OK);
    ck_assert_int_eq(try_nc(d, nonce, 0xffffffffu), DIGEST_OK); /* a jump clears the window */
    ck_assert_int_eq(try_nc(d, nonce, 0xffffffffu), DIGEST_STALE);
    ck_assert_int_eq(try_nc(d, nonce, 0xfffffffeu), DIGEST_OK);
    ck_assert_int_eq(try_nc(d, nonce, 200), DIGEST_STALE);
    /* A wrong password does not use a count up. */
    char h[1024];
    answer(h, sizeof h, DIGEST_MD5, "u", "custrpc", "wrong", nonce, 0xfffffffdu, "/RPC2");
    ck_assert_int_eq(judge(d, h, "custrpc", true), DIGEST_CHALLENGE);
    ck_assert_int_eq(try_nc(d, nonce, 0xfffffffdu), DIGEST_OK);
    digest_state_free(d);
}
END_TEST

START_TEST(oldest_evicted_first)
{
    struct digest_state *d = state("custrpc", 4);
    char n[6][128];
    for (int i = 0; i < 6; i++)
        nonce_of(d, n[i]);
    /* Six issued into four slots: the first two are gone, the last four answer. */
    ck_assert_int_eq(try_nc(d, n[0], 1), DIGEST_STALE);
    ck_assert_int_eq(try_nc(d, n[1], 1), DIGEST_STALE);
    for (int i = 2; i < 6; i++)
        ck_assert_int_eq(try_nc(d, n[i], 1), DIGEST_OK);
    /* Using a nonce does not keep it: the next one issued replaces n[2]. */
    nonce_of(d, n[0]);
    ck_assert_int_eq(try_nc(d, n[2], 2), DIGEST_STALE);
    ck_assert_int_eq(try_nc(d, n[3], 2), DIGEST_OK);
    ck_assert_int_eq(try_nc(d, n[0], 1), DIGEST_OK);
    digest_state_free(d);
}
END_TEST

START_TEST(expiry)
{
    struct digest_state *d = state("custrpc", 0);
    char nonce[128];
    fake_now = 5000;
    nonce_of(d, nonce);
    fake_now += 300;
    ck_assert_int_eq(try_nc(d, nonce, 1), DIGEST_OK);
    fake_now += 1;
    ck_assert_int_eq(try_nc(d, nonce, 2), DIGEST_STALE);
    digest_state_free(d);
}
END_TEST

START_TEST(foreign_and_forged_nonces)
{
    struct digest_state *d = state("custrpc", 0), *earlier = state("custrpc", 0);
    char nonce[128], h[1024];
    nonce_of(earlier, nonce); /* as if from a previous server process: another key */
    ck_assert_int_eq(try_nc(d, nonce, 1), DIGEST_STALE);
    nonce_of(d, nonce); /* one of ours, tampered with */
    nonce[20] = nonce[20] == '0' ? '1' : '0';
    ck_assert_int_eq(try_nc(d, nonce, 1), DIGEST_STALE);
    ck_assert_int_eq(try_nc(d, "made-up", 1), DIGEST_STALE);
    /* Without the password, every made-up nonce gets the same plain challenge, whether the
     * login exists or not. */
    answer(h, sizeof h, DIGEST_MD5, "u", "custrpc", "guess", "made-up", 1, "/RPC2");
    ck_assert_int_eq(judge(d, h, "custrpc", true), DIGEST_CHALLENGE);
    ck_assert_int_eq(judge(d, h, "custrpc", false), DIGEST_CHALLENGE);
    digest_state_free(earlier);
    digest_state_free(d);
}
END_TEST

START_TEST(one_answer_for_every_wrong)
{
    struct digest_state *d = state("custrpc", 0);
    char nonce[128], h[1024];
    nonce_of(d, nonce);
    /* Right for the password, but the user does not exist (or may not log in). */
    answer(h, sizeof h, DIGEST_MD5, "u", "custrpc", "pw", nonce, 1, "/RPC2");
    ck_assert_int_eq(judge(d, h, "custrpc", false), DIGEST_CHALLENGE);
    answer(h, sizeof h, DIGEST_SHA256, "u", "custrpc", "wrong", nonce, 1, "/RPC2");
    ck_assert_int_eq(judge(d, h, "custrpc", true), DIGEST_CHALLENGE);
    answer(h, sizeof h, DIGEST_MD5, "u", "other", "pw", nonce, 1, "/RPC2");
    ck_assert_int_eq(judge(d, h, "other", true), DIGEST_CHALLENGE); /* realm */
    answer(h, sizeof h, DIGEST_MD5, "u", "custrpc", "pw", nonce, 1, "/xmlapi/xmlapi");
    ck_assert_int_eq(judge(d, h, "custrpc", true), DIGEST_CHALLENGE); /* uri */
    answer(h, sizeof h, DIGEST_MD5, "u", "custrpc", "pw", nonce, 1, "/RPC2?x=1");
    ck_assert_int_eq(judge(d, h, "custrpc", true), DIGEST_OK); /* the query is not compared */
    answer(h, sizeof h, DIGEST_SHA256, "u", "custrpc", "pw", nonce, 2, "/RPC2");
    ck_assert_int_eq(judge(d, h, "custrpc", true), DIGEST_OK);
    digest_state_free(d);

    /* An algorithm not offered is refused even with the right password. */
    struct digest_config cfg = {
        .realm = "custrpc", .algorithms = {DIGEST_SHA256}, .n_algorithms = 1, .nonce_timeout = 300};
    struct digest_state *sha_only;
    ck_assert_int_eq(digest_state_new(&sha_only, &cfg, NULL), 0);
    nonce_of(sha_only, nonce);
    answer(h, sizeof h, DIGEST_MD5, "u", "custrpc", "pw", nonce, 1, "/RPC2");
    ck_assert_int_eq(judge(sha_only, h, "custrpc", true), DIGEST_CHALLENGE);
    digest_state_free(sha_only);
}
END_TEST

/* Eight threads share one nonce and 128 counts between them, in whatever order the scheduler
 * gives: every count is accepted exactly once. */
struct worker {
    struct digest_state *d;
    const char *nonce;
    unsigned first;
    int ok;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    for (unsigned i = 0; i < 16; i++)
        w->ok += try_nc(w->d, w->nonce, w->first + 8 * i) == DIGEST_OK;
    return NULL;
}

START_TEST(threads_share_a_nonce)
{
    struct digest_state *d = state("custrpc", 0);
    char nonce[128];
    nonce_of(d, nonce);
    pthread_t t[8];
    struct worker w[8];
    for (unsigned i = 0; i < 8; i++) {
        w[i] = (struct worker){d, nonce, i + 1, 0};
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    int ok = 0;
    for (unsigned i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        ok += w[i].ok;
    }
    ck_assert_int_eq(ok, 128);
    for (unsigned nc = 1; nc <= 128; nc++)
        ck_assert_int_eq(try_nc(d, nonce, nc), DIGEST_STALE);
    digest_state_free(d);
}
END_TEST

Suite *digest_suite(void)
{
    Suite *s = suite_create("digest");
    TCase *tc = tcase_create("rfc7616");
    tcase_add_test(tc, rfc7616_examples);
    tcase_add_test(tc, parse_accepts);
    tcase_add_test(tc, parse_refuses);
    tcase_add_test(tc, algorithm_lists);
    tcase_add_test(tc, challenges);
    tcase_add_test(tc, nonce_counts);
    tcase_add_test(tc, oldest_evicted_first);
    tcase_add_test(tc, expiry);
    tcase_add_test(tc, foreign_and_forged_nonces);
    tcase_add_test(tc, one_answer_for_every_wrong);
    tcase_add_test(tc, threads_share_a_nonce);
    suite_add_tcase(s, tc);
    return s;
}
