/* check_visa.c — the partner API's visas (server/visa.c) on their own: a visa names its partner
 * and user, every one issued differs, any change to one character (or a key other than the
 * server's) is refused, and the TTL is kept to the second at both ends. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "../server/visa.h"
#include "check_suites.h"

static void keys(struct visa_keys *k, unsigned char fill, unsigned ttl)
{
    uint8_t server_key[SECRETS_KEY_LEN];
    memset(server_key, fill, sizeof server_key);
    ck_assert_int_eq(visa_init(k, server_key, ttl, NULL), 0);
}

START_TEST(round_trip_and_rotation)
{
    struct visa_keys k;
    keys(&k, 7, 900);
    char a[VISA_MAX], b[VISA_MAX];
    ck_assert_int_eq(visa_issue(&k, 33491, 50121, 1512736778, a, NULL), 0);
    ck_assert_int_eq(visa_issue(&k, 33491, 50121, 1512736778, b, NULL), 0);
    ck_assert_str_ne(a, b); /* same second, same user: still a new visa */
    ck_assert_int_eq(strncmp(a, "33491-50121-", 12), 0);
    int64_t partner = 0, user = 0;
    ck_assert_int_eq(visa_check(&k, a, 1512736778 + 899, &partner, &user, NULL), 0);
    ck_assert_int_eq(partner, 33491);
    ck_assert_int_eq(user, 50121);
}
END_TEST

START_TEST(ttl_boundaries)
{
    struct visa_keys k;
    keys(&k, 7, 900);
    char v[VISA_MAX];
    ck_assert_int_eq(visa_issue(&k, 1, 1, 100000, v, NULL), 0);
    int64_t p, u;
    struct custrpc_error err;
    ck_assert_int_eq(visa_check(&k, v, 100000 + 899, &p, &u, &err), 0);
    ck_assert_int_eq(visa_check(&k, v, 100000 + 900, &p, &u, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_VISA);
    ck_assert_ptr_nonnull(strstr(err.message, "expired"));
    ck_assert_int_eq(visa_check(&k, v, 100000 - 5, &p, &u, &err), 0); /* clock skew */
    ck_assert_int_eq(visa_check(&k, v, 100000 - 6, &p, &u, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "future"));
}
END_TEST

START_TEST(every_altered_character_is_refused)
{
    struct visa_keys k, other;
    keys(&k, 7, 900);
    keys(&other, 8, 900);
    char v[VISA_MAX];
    ck_assert_int_eq(visa_issue(&k, 12, 34, 5000, v, NULL), 0);
    int64_t p, u;
    struct custrpc_error err;
    ck_assert_int_eq(visa_check(&other, v, 5000, &p, &u, &err), -1);
    size_t n = strlen(v);
    for (size_t i = 0; i < n; i++) {
        static const char repl[] = "0123456789ABCDEFa-x";
        for (const char *r = repl; *r; r++) {
            if (*r == v[i])
                continue;
            char t[VISA_MAX];
            memcpy(t, v, n + 1);
            t[i] = *r;
            ck_assert_msg(visa_check(&k, t, 5000, &p, &u, &err) == -1, "accepted %s", t);
            ck_assert_int_eq(err.code, CUSTRPC_E_VISA);
        }
        char cut[VISA_MAX];
        memcpy(cut, v, i);
        cut[i] = '\0';
        ck_assert_int_eq(visa_check(&k, cut, 5000, &p, &u, &err), -1);
    }
    static const char *const junk[] = {
        "", "-", "----", "1-1-1-1-", "01-1-1-5000-00000000000000000000000000000000",
        "99999999999999999999-1-1-5000-00000000000000000000000000000000",
        "18446744073709551615-1-1-5000-00000000000000000000000000000000", "1-1-1-5000-\xff"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
        ck_assert_int_eq(visa_check(&k, junk[i], 5000, &p, &u, &err), -1);
}
END_TEST

Suite *visa_suite(void)
{
    Suite *s = suite_create("visa");
    TCase *tc = tcase_create("visa");
    tcase_add_test(tc, round_trip_and_rotation);
    tcase_add_test(tc, ttl_boundaries);
    tcase_add_test(tc, every_altered_character_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
