/* check_guard.c — the server's pure request-head checks (server/http_guard.c): each framing
 * shape that a proxy could read differently, and the loopback Host/Origin rules of the open
 * local mode. The same shapes go over the wire in tests/server/test_frontdoor.py. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "../server/http_guard.h"
#include "check_suites.h"

/* Runs the framing check over name/value pairs ending in a NULL name; returns its verdict. */
static int framing(const char *const *pairs, struct custrpc_error *err)
{
    struct http_guard_head head = {0};
    for (size_t i = 0; pairs[i]; i += 2)
        http_guard_add(&head, pairs[i], pairs[i + 1]);
    custrpc_error_clear(err);
    return http_guard_framing(&head, err);
}

START_TEST(plain_requests_pass)
{
    struct custrpc_error err;
    const char *const with_length[] = {
        "Host", "localhost", "Content-Length", "120", "Content-Type", "text/xml", NULL};
    ck_assert_int_eq(framing(with_length, &err), 0);
    const char *const chunked[] = {"Host", "127.0.0.1:8000", "transfer-encoding", "Chunked", NULL};
    ck_assert_int_eq(framing(chunked, &err), 0);
    const char *const none[] = {NULL};
    ck_assert_int_eq(framing(none, &err), 0);
    const char *const odd_token[] = {"X-Weird!#$%&'*+.^_`|~", "v", NULL};
    ck_assert_int_eq(framing(odd_token, &err), 0);
}
END_TEST

START_TEST(smuggling_shapes_refused)
{
    static const struct {
        const char *pairs[8];
        const char *reason;
    } cases[] = {
        {{"Content-Length", "5", "Transfer-Encoding", "chunked", NULL}, "together"},
        {{"Transfer-Encoding", "chunked", "Content-Length", "5", NULL}, "together"},
        {{"Content-Length", "5", "Content-Length", "6", NULL}, "more than one Content-Length"},
        {{"Content-Length", "5", "content-length", "5", NULL}, "more than one Content-Length"},
        {{"Content-Length", "+5", NULL}, "plain digits"},
        {{"Content-Length", "5, 5", NULL}, "plain digits"},
        {{"Content-Length", "0x10", NULL}, "plain digits"},
        {{"Content-Length", "", NULL}, "plain digits"},
        {{"Transfer-Encoding", "gzip, chunked", NULL}, "other than"},
        {{"Transfer-Encoding", "identity", NULL}, "other than"},
        {{"Transfer-Encoding", "chunked", "Transfer-Encoding", "chunked", NULL}, "more than one"},
        {{"Transfer-Encoding ", "chunked", NULL}, "not a token"},
        {{"Content-Length\t", "5", NULL}, "not a token"},
        {{" Host", "localhost", NULL}, "not a token"},
        {{"X-ATransfer-Encoding: chunked", "1", NULL}, "not a token"},
        {{"", "x", NULL}, "not a token"},
        {{"Host", "a", "Host", "b", NULL}, "more than one Host"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct custrpc_error err;
        ck_assert_msg(framing(cases[i].pairs, &err) == -1, "case %zu passed", i);
        ck_assert_int_eq(err.code, CUSTRPC_E_REQUEST);
        ck_assert_msg(strstr(err.message, cases[i].reason), "case %zu: %s", i, err.message);
    }
}
END_TEST

START_TEST(loopback_hosts)
{
    static const char *const good[] = {
        "localhost", "LOCALHOST",   "localhost:8000",
        "127.0.0.1", "127.0.0.1:1", "127.1.2.3:65535",
        "[::1]",     "[::1]:80",    "[::ffff:127.0.0.1]:8000",
    };
    static const char *const bad[] = {
        "evil.example",
        "evil.example:8000",
        "localhost.",
        "a.localhost",
        "localhost.evil",
        "127.0.0.1.evil",
        "128.0.0.1",
        "10.0.0.1",
        "0.0.0.0",
        "[::2]",
        "[::1",
        "::1",
        "127.1",
        "2130706433",
        "127.0.0.01",
        "localhost:",
        "localhost:65536",
        "localhost:80x",
        "localhost:123456",
        "",
        "[::1]x",
        "[]",
        "localhost/",
        "user@localhost",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_msg(http_guard_loopback_host(good[i]), "%s refused", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!http_guard_loopback_host(bad[i]), "%s accepted", bad[i]);
    ck_assert(!http_guard_loopback_host(NULL));
}
END_TEST

START_TEST(loopback_origins)
{
    static const char *const good[] = {
        "http://localhost",
        "https://localhost:8443",
        "http://127.0.0.1:8000",
        "HTTP://[::1]:8000",
    };
    static const char *const bad[] = {
        "http://evil.example",
        "null",
        "file://",
        "localhost",
        "ftp://localhost",
        "http://localhost/",
        "http://localhost:8000/RPC2",
        "http://evil.example@127.0.0.1",
        "http://127.0.0.1.nip.io",
        "",
        "http://",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_msg(http_guard_loopback_origin(good[i]), "%s refused", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!http_guard_loopback_origin(bad[i]), "%s accepted", bad[i]);
    ck_assert(!http_guard_loopback_origin(NULL));
}
END_TEST

Suite *guard_suite(void)
{
    Suite *s = suite_create("guard");
    TCase *tc = tcase_create("request head");
    tcase_add_test(tc, plain_requests_pass);
    tcase_add_test(tc, smuggling_shapes_refused);
    tcase_add_test(tc, loopback_hosts);
    tcase_add_test(tc, loopback_origins);
    suite_add_tcase(s, tc);
    return s;
}
