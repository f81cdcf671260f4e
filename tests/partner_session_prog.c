/* partner_session_prog.c — test helper: one partner API session kept across an idle time, which
 * a command (one session per run) cannot show. Logs in, sleeps IDLE seconds, reads the user's
 * partner by name, and prints what the session did:
 *   partner_session_prog URL PARTNER USER PASSWORD_FILE IDLE [REFRESH]
 * stdout: "ok requests=N logins=N visa_relogins=N refresh_logins=N" or "error CODE: message";
 * exit 0 or 1. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <custrpc/partner_client.h>

static void stats(const struct custrpc_partner_session *s)
{
    struct custrpc_partner_stats st;
    custrpc_partner_session_stats(s, &st);
    printf(" requests=%u logins=%u visa_relogins=%u refresh_logins=%u\n", st.requests, st.logins,
           st.visa_relogins, st.refresh_logins);
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: %s URL PARTNER USER PASSWORD_FILE IDLE [REFRESH]\n", argv[0]);
        return 64;
    }
    char password[1024] = "";
    FILE *fp = fopen(argv[4], "r");
    if (!fp || !fgets(password, sizeof password, fp))
        return 64;
    fclose(fp);
    password[strcspn(password, "\r\n")] = '\0';
    struct custrpc_partner_options o = {.url = argv[1],
                                        .partner = argv[2],
                                        .username = argv[3],
                                        .password = password,
                                        .timeout_ms = 60000,
                                        .visa_refresh_s = argc > 6 ? (unsigned)atoi(argv[6]) : 0};
    struct custrpc_partner_session *s;
    struct custrpc_error err;
    struct custrpc_partner_info p;
    struct custrpc_partner_user u;
    int rc = custrpc_partner_session_new(&s, &o, &err);
    if (rc == 0)
        rc = custrpc_partner_login(s, &u, &err);
    if (rc == 0) {
        custrpc_msg_free(&custrpc_partner_user_message, &u);
        sleep((unsigned)atoi(argv[5]));
        rc = custrpc_partner_get_by_name(s, argv[2], &p, &err);
        custrpc_msg_free(&custrpc_partner_info_message, &p);
    }
    if (rc == 0)
        printf("ok");
    else
        printf("error %d: %s;", err.code, err.message);
    if (s)
        stats(s);
    custrpc_partner_session_free(s);
    return rc == 0 ? 0 : 1;
}
