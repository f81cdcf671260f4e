/* check_partner_client.c — the partner session's visa rules and error mapping against a
 * scripted in-process JSON-RPC server: each request is recorded and answered with the next
 * reply of a script (the request's id filled in), over one kept-alive connection or several. */
#include <config.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <custrpc/partner_client.h>

#include "check_suites.h"

#define MAX_STEPS 16

struct scripted {
    int fd;
    pthread_t thread;
    char url[64];
    const char *const *replies; /* JSON with one %lld (the request's id), or "HTTP ..." raw */
    size_t n_replies;
    json_t *requests[MAX_STEPS];
    size_t n;
};

/* One HTTP request off c: its body (malloc'd), or NULL at EOF. */
static char *read_request(int c)
{
    static char buf[1 << 16];
    size_t len = 0;
    char *end = NULL;
    while (!(end = strstr(buf, "\r\n\r\n"))) {
        struct pollfd p = {c, POLLIN, 0};
        if (len + 1 >= sizeof buf || poll(&p, 1, 30000) != 1)
            return NULL;
        ssize_t got = read(c, buf + len, sizeof buf - len - 1);
        if (got <= 0)
            return NULL;
        len += (size_t)got;
        buf[len] = '\0';
    }
    const char *cl = strstr(buf, "Content-Length:") /* curl's spelling */;
    size_t want = cl ? strtoul(cl + 15, NULL, 10) : 0, head = (size_t)(end + 4 - buf);
    while (len < head + want) {
        ssize_t got = read(c, buf + len, sizeof buf - len - 1);
        if (got <= 0)
            return NULL;
        len += (size_t)got;
    }
    char *body = strndup(buf + head, want);
    memmove(buf, buf + head + want, len - head - want);
    buf[len - head - want] = '\0';
    return body;
}

/* The template with its one %lld replaced by id (a template is data, not a format). */
static void fill(char *out, size_t size, const char *template, long long id)
{
    const char *at = strstr(template, "%lld");
    if (!at) {
        snprintf(out, size, "%s", template);
        return;
    }
    snprintf(out, size, "%.*s%lld%s", (int)(at - template), template, id, at + 4);
}

static void *serve(void *arg)
{
    struct scripted *s = arg;
    int c;
    while ((c = accept(s->fd, NULL, NULL)) >= 0) {
        char *body;
        while ((body = read_request(c)) != NULL) {
            json_t *rq = json_loads(body, 0, NULL);
            free(body);
            long long id = json_integer_value(json_object_get(rq, "id"));
            const char *r = s->n < s->n_replies ? s->replies[s->n] : "HTTP/1.1 500 Oops\r\n";
            if (s->n < MAX_STEPS)
                s->requests[s->n++] = rq;
            else
                json_decref(rq);
            char out[4096], text[3072];
            if (strncmp(r, "HTTP", 4) == 0) {
                snprintf(out, sizeof out, "%sContent-Length: 7\r\n\r\nnot it\n", r);
            } else {
                fill(text, sizeof text, r, id);
                snprintf(out, sizeof out,
                         "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         "Content-Length: %zu\r\n\r\n%s",
                         strlen(text), text);
            }
            ssize_t w = write(c, out, strlen(out));
            (void)w;
        }
        close(c);
    }
    return NULL;
}

static void scripted_start(struct scripted *s, const char *const *replies, size_t n)
{
    memset(s, 0, sizeof *s);
    s->replies = replies;
    s->n_replies = n;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(s->fd, 16), 0);
    socklen_t len = sizeof a;
    getsockname(s->fd, (struct sockaddr *)&a, &len);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d/jsonapi", ntohs(a.sin_port));
    ck_assert_int_eq(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void scripted_stop(struct scripted *s)
{
    shutdown(s->fd, SHUT_RDWR);
    close(s->fd);
    pthread_join(s->thread, NULL);
    for (size_t i = 0; i < s->n; i++)
        json_decref(s->requests[i]);
}

static const char *method(const struct scripted *s, size_t i)
{
    return json_string_value(json_object_get(s->requests[i], "method"));
}

/* The visa request i sent at the top level; "" when none. */
static const char *visa(const struct scripted *s, size_t i)
{
    const char *v = json_string_value(json_object_get(s->requests[i], "visa"));
    ck_assert_ptr_null(json_object_get(json_object_get(s->requests[i], "params"), "visa"));
    return v ? v : "";
}

static struct custrpc_partner_session *session(const char *url, unsigned refresh)
{
    struct custrpc_partner_options o = {.url = url,
                                        .partner = "Root",
                                        .username = "admin",
                                        .password = "pass-word-1",
                                        .timeout_ms = 30000,
                                        .visa_refresh_s = refresh};
    struct custrpc_partner_session *s;
    struct custrpc_error err;
    ck_assert_msg(custrpc_partner_session_new(&s, &o, &err) == 0, "%s", err.message);
    return s;
}

#define LOGIN(V)                                                                                   \
    "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"result\":{\"result\":{\"Id\":9,\"Name\":\"admin\","        \
    "\"PartnerId\":1,\"Password\":null}},\"visa\":\"" V "\"}"
#define STATE(V)                                                                                   \
    "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"result\":{\"result\":\"InTrial\"},\"visa\":\"" V "\"}"
#define VISA_ERROR                                                                                 \
    "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"error\":{\"code\":-32603,\"data\":1701,"                   \
    "\"message\":\"Visa is inconsistent/corrupted.\"}}"

START_TEST(first_call_logs_in_and_every_call_uses_the_newest_visa)
{
    static const char *const replies[] = {
        LOGIN("visa-one-1111"),
        STATE("visa-two-2222"),
        "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"error\":{\"code\":-32603,\"data\":13501,\"message\":"
        "\"Operation failed because of security reasons\"},\"visa\":\"visa-three-3333\"}",
        STATE("visa-four-4444"),
    };
    struct scripted srv;
    scripted_start(&srv, replies, 4);
    struct custrpc_partner_session *s = session(srv.url, 0);
    struct custrpc_error err;
    int state = -1;
    ck_assert_msg(custrpc_partner_state(s, 5, &state, &err) == 0, "%s", err.message);
    ck_assert_int_eq(state, 4); /* InTrial */
    ck_assert_int_eq(custrpc_partner_state(s, 5, &state, &err), -1);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_FAULT);
    ck_assert_int_eq(err.code, CUSTRPC_E_SECURITY);
    ck_assert_int_eq(custrpc_partner_state(s, 5, &state, &err), 0);
    ck_assert_uint_eq(srv.n, 4);
    ck_assert_str_eq(method(&srv, 0), "Login");
    ck_assert_str_eq(visa(&srv, 0), "");
    ck_assert_str_eq(visa(&srv, 1), "visa-one-1111");
    ck_assert_str_eq(visa(&srv, 2), "visa-two-2222");
    ck_assert_str_eq(visa(&srv, 3), "visa-three-3333"); /* an error's visa is the newest too */
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(json_integer_value(json_object_get(srv.requests[i], "id")), (int)i + 1);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(srv.requests[0], "params"), "password")),
        "pass-word-1");
    struct custrpc_partner_stats st;
    custrpc_partner_session_stats(s, &st);
    ck_assert_uint_eq(st.logins, 1);
    custrpc_partner_session_free(s);
    scripted_stop(&srv);
}
END_TEST

START_TEST(visa_error_logs_in_once_and_retries_once)
{
    static const char *const replies[] = {
        LOGIN("visa-one-1111"),
        VISA_ERROR,
        LOGIN("visa-two-2222"),
        STATE("visa-three-3333"),
        VISA_ERROR,
        LOGIN("visa-four-4444"),
        VISA_ERROR,
        STATE("never-sent"),
    };
    struct scripted srv;
    scripted_start(&srv, replies, 8);
    struct custrpc_partner_session *s = session(srv.url, 0);
    struct custrpc_error err;
    int state;
    ck_assert_msg(custrpc_partner_state(s, 5, &state, &err) == 0, "%s", err.message);
    ck_assert_str_eq(visa(&srv, 3), "visa-two-2222");
    /* A second 1701 in a row is the caller's: no third Login. */
    ck_assert_int_eq(custrpc_partner_state(s, 5, &state, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_VISA);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_FAULT);
    ck_assert_str_eq(err.message, "Visa is inconsistent/corrupted.");
    ck_assert_uint_eq(srv.n, 7);
    ck_assert_str_eq(method(&srv, 5), "Login");
    ck_assert_str_eq(visa(&srv, 6), "visa-four-4444");
    struct custrpc_partner_stats st;
    custrpc_partner_session_stats(s, &st);
    ck_assert_uint_eq(st.requests, 7);
    ck_assert_uint_eq(st.logins, 3);
    ck_assert_uint_eq(st.visa_relogins, 2);
    custrpc_partner_session_free(s);
    scripted_stop(&srv);
}
END_TEST

START_TEST(old_visa_is_renewed_before_the_call)
{
    static const char *const replies[] = {LOGIN("visa-one-1111"), STATE("visa-two-2222"),
                                          LOGIN("visa-three-3333"), STATE("visa-four-4444")};
    struct scripted srv;
    scripted_start(&srv, replies, 4);
    struct custrpc_partner_session *s = session(srv.url, 1);
    struct custrpc_error err;
    int state;
    ck_assert_int_eq(custrpc_partner_state(s, 5, &state, &err), 0);
    sleep(2); /* past the refresh age of 1 s */
    ck_assert_msg(custrpc_partner_state(s, 5, &state, &err) == 0, "%s", err.message);
    ck_assert_str_eq(method(&srv, 2), "Login");
    ck_assert_str_eq(visa(&srv, 3), "visa-three-3333");
    struct custrpc_partner_stats st;
    custrpc_partner_session_stats(s, &st);
    ck_assert_uint_eq(st.refresh_logins, 1);
    custrpc_partner_session_free(s);
    scripted_stop(&srv);
}
END_TEST

START_TEST(errors_are_mapped_and_secrets_scrubbed)
{
    static const char *const replies[] = {
        /* Login refused; the message echoes the password (a broken server). */
        "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"error\":{\"code\":-32603,\"data\":2100,\"message\":"
        "\"bad password pass-word-1\"}}",
        LOGIN("visa-one-1111"),
        "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"error\":{\"code\":-32601,\"message\":\"no such "
        "method; your visa was visa-one-1111\"},\"visa\":\"visa-two-2222\"}",
        "HTTP/1.1 502 Bad Gateway\r\n",
        "{\"jsonrpc\":\"2.0\",\"id\":999,\"result\":{\"result\":\"InTrial\"}}",
        "<html>not JSON</html>",
        "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"result\":\"InTrial\",\"visa\":\"visa-three-3333\"}",
    };
    struct scripted srv;
    scripted_start(&srv, replies, 7);
    struct custrpc_partner_session *s = session(srv.url, 0);
    struct custrpc_error err;
    int state;
    ck_assert_int_eq(custrpc_partner_state(s, 5, &state, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_LOGIN);
    ck_assert_ptr_null(strstr(err.message, "pass-word-1"));
    ck_assert_int_eq(custrpc_partner_call(s, "NoSuchMethod", NULL, NULL, NULL, NULL, &err), -1);
    ck_assert_int_eq(err.code, -32601); /* no data: the code */
    ck_assert_ptr_null(strstr(err.message, "visa-one-1111"));
    ck_assert_int_eq(custrpc_partner_state(s, 5, &state, &err), -1);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_HTTP);
    ck_assert_int_eq(err.code, CUSTRPC_E_HTTP);
    ck_assert_int_eq(err.http_status, 502);
    ck_assert_int_eq(custrpc_partner_state(s, 5, &state, &err), -1); /* another request's id */
    ck_assert_int_eq(err.code, CUSTRPC_E_PROTOCOL);
    ck_assert_int_eq(custrpc_partner_state(s, 5, &state, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_PROTOCOL);
    ck_assert_int_eq(custrpc_partner_state(s, 5, &state, &err), -1); /* result not nested */
    ck_assert_int_eq(err.code, CUSTRPC_E_PROTOCOL);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_TRANSPORT);
    /* Invalid locally: nothing is sent. */
    size_t sent = srv.n;
    struct custrpc_partner_info p;
    custrpc_msg_init(&custrpc_partner_info_message, &p);
    int64_t id;
    ck_assert_int_eq(custrpc_partner_add(s, &p, false, &id, &err), -1);
    ck_assert_int_eq(err.kind, CUSTRPC_KIND_LOCAL);
    ck_assert_int_eq(err.code, CUSTRPC_E_MISSING);
    ck_assert_uint_eq(srv.n, sent);
    custrpc_partner_session_free(s);
    scripted_stop(&srv);

    /* Nothing listening: nothing was sent. */
    s = session("http://127.0.0.1:1/jsonapi", 0);
    ck_assert_int_eq(custrpc_partner_state(s, 5, &state, &err), -1);
    ck_assert_int_eq(err.code, CUSTRPC_E_CONNECT);
    custrpc_partner_session_free(s);
}
END_TEST

Suite *partner_client_suite(void)
{
    Suite *s = suite_create("partner_client");
    TCase *tc = tcase_create("visa");
    tcase_add_test(tc, first_call_logs_in_and_every_call_uses_the_newest_visa);
    tcase_add_test(tc, visa_error_logs_in_once_and_retries_once);
    tcase_add_test(tc, old_visa_is_renewed_before_the_call);
    tcase_add_test(tc, errors_are_mapped_and_secrets_scrubbed);
    suite_add_tcase(s, tc);
    return s;
}
