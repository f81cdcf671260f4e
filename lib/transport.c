/* transport.c — see transport.h. The answer is read whatever its HTTP status (an XML-RPC fault
 * sent with status 500 is still the server's fault), and a refused connection, which sent
 * nothing, is told apart from a call cut off midway. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "transport.h"

#define DEFAULT_TIMEOUT_MS 30000
#define MAX_ANSWER (64u << 20) /* a bigger answer is a broken server, not a customer */

struct answer {
    char *data;
    size_t len, cap;
    bool too_big;
};

/* A request body as libcurl reads it. libcurl re-sends a request by itself when a reused
 * keep-alive connection closes before any byte of an answer: for a POST the server may have
 * carried the call out (a create, a payment), so that re-send is refused (rewind_body). */
struct upload {
    const char *data;
    size_t len, off;
    bool answered; /* a header line of an answer arrived in this exchange */
    bool refused;  /* a rewind was refused: the call was not sent again */
};

struct transport {
    CURL *curl;
    struct curl_slist *headers;
    struct answer answer;
    struct upload upload;
    char url[512];
    char curl_error[CURL_ERROR_SIZE];
};

static size_t give_body(char *buf, size_t size, size_t n, void *arg)
{
    struct upload *u = arg;
    size_t k = u->len - u->off < size * n ? u->len - u->off : size * n;
    memcpy(buf, u->data + u->off, k);
    u->off += k;
    return k;
}

/* libcurl rewinds the body to send it again: after a 401 (Digest's second round, an answer
 * came) that is right; with no answer at all it is libcurl retrying on a fresh connection, a
 * blind re-send of a call that may have been carried out. The caller hears of the lost answer
 * instead (CUSTRPC_E_TRANSPORT) and can look before trying again. */
static int rewind_body(void *arg, curl_off_t offset, int origin)
{
    struct upload *u = arg;
    if (!u->answered) {
        u->refused = true;
        return CURL_SEEKFUNC_FAIL;
    }
    if (origin != SEEK_SET || offset < 0 || (size_t)offset > u->len)
        return CURL_SEEKFUNC_CANTSEEK;
    u->off = (size_t)offset;
    /* The 401 allowed this one send again, not the next: Digest's authenticated request goes
     * on the same kept-alive connection, and if it too loses its answer, libcurl's re-send of
     * it is the blind one above. */
    u->answered = false;
    return CURL_SEEKFUNC_OK;
}

static size_t see_header(char *data, size_t size, size_t n, void *arg)
{
    (void)data;
    ((struct upload *)arg)->answered = true;
    return size * n;
}

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static int global_ready;

/* libcurl's global setup must run once per process, before any thread uses it. */
static void global_setup(void)
{
    global_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

static size_t take_answer(char *data, size_t size, size_t n, void *arg)
{
    struct answer *a = arg;
    size_t len = size * n;
    if (a->len + len > MAX_ANSWER) {
        a->too_big = true;
        return 0; /* libcurl stops with CURLE_WRITE_ERROR */
    }
    if (a->len + len + 1 > a->cap) {
        size_t cap = (a->len + len + 1) * 2;
        char *p = realloc(a->data, cap);
        if (!p)
            return 0;
        a->data = p;
        a->cap = cap;
    }
    memcpy(a->data + a->len, data, len);
    a->len += len;
    a->data[a->len] = '\0';
    return len;
}

int transport_new(struct transport **out, const struct transport_options *o,
                  struct custrpc_error *err)
{
    *out = NULL;
    if (!o->url || !*o->url)
        return custrpc_fail(err, CUSTRPC_E_CONNECT, NULL, "no server URL");
    pthread_once(&global_once, global_setup);
    if (!global_ready)
        return custrpc_fail(err, CUSTRPC_E_TRANSPORT, NULL, "cannot initialise libcurl");
    struct transport *t = calloc(1, sizeof *t);
    if (!t || !(t->curl = curl_easy_init())) {
        free(t);
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    }
    snprintf(t->url, sizeof t->url, "%s", o->url);
    char content_type[128];
    snprintf(content_type, sizeof content_type, "Content-Type: %s", o->content_type);
    /* "Expect:" off: waiting for 100-continue costs a round trip that no API server needs. */
    t->headers = curl_slist_append(NULL, content_type);
    if (t->headers)
        t->headers = curl_slist_append(t->headers, "Expect:");
    CURL *c = t->curl;
    CURLcode rc = curl_easy_setopt(c, CURLOPT_URL, o->url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for timeouts */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "custrpc/" PACKAGE_VERSION);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                     (long)(o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS));
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->curl_error);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take_answer);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t->answer);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, give_body);
    curl_easy_setopt(c, CURLOPT_READDATA, &t->upload);
    curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, rewind_body);
    curl_easy_setopt(c, CURLOPT_SEEKDATA, &t->upload);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, see_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t->upload);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
    if (o->cacert)
        curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
    if (o->user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, o->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, o->password ? o->password : "");
        long how = o->auth == CUSTRPC_AUTH_DIGEST  ? CURLAUTH_DIGEST
                   : o->auth == CUSTRPC_AUTH_BASIC ? CURLAUTH_BASIC
                                                   : CURLAUTH_DIGEST | CURLAUTH_BASIC;
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, how);
    }
    if (rc != CURLE_OK || !t->headers) {
        custrpc_fail(err, CUSTRPC_E_CONNECT, NULL, "%s", curl_easy_strerror(rc));
        transport_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

void transport_free(struct transport *t)
{
    if (!t)
        return;
    if (t->curl)
        curl_easy_cleanup(t->curl);
    curl_slist_free_all(t->headers);
    free(t->answer.data);
    free(t);
}

const char *transport_url(const struct transport *t)
{
    return t->url;
}

static int transport_error(struct custrpc_error *err, int code, const char *what,
                           const char *detail)
{
    custrpc_fail(err, code, NULL, "%s%s", what, detail);
    if (err)
        err->kind = CUSTRPC_KIND_TRANSPORT;
    return -1;
}

int transport_protocol_error(struct custrpc_error *err, const char *what, const char *detail)
{
    return transport_error(err, CUSTRPC_E_PROTOCOL, what, detail);
}

/* A failed exchange: CUSTRPC_E_CONNECT when the request was never sent (nothing can have
 * happened on the server), else a timeout or a transport failure (it may have). */
static int exchange_failed(struct transport *t, CURLcode rc, struct custrpc_error *err)
{
    curl_off_t sent_at = 0;
    curl_easy_getinfo(t->curl, CURLINFO_PRETRANSFER_TIME_T, &sent_at);
    const char *why = t->curl_error[0] ? t->curl_error : curl_easy_strerror(rc);
    if (t->answer.too_big)
        return transport_protocol_error(err, "the answer is larger than 64 MiB", "");
    if (t->upload.refused)
        return transport_error(err, CUSTRPC_E_TRANSPORT,
                               "the connection closed without an answer after the request was "
                               "sent",
                               " (the server may or may not have acted; not sent again)");
    if (sent_at == 0 || rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
        rc == CURLE_COULDNT_RESOLVE_PROXY) {
        char what[600];
        snprintf(what, sizeof what, "cannot connect to %s: ", t->url);
        return transport_error(err, CUSTRPC_E_CONNECT, what, why);
    }
    return transport_error(err,
                           rc == CURLE_OPERATION_TIMEDOUT ? CUSTRPC_E_TIMEOUT : CUSTRPC_E_TRANSPORT,
                           why, " (the server may or may not have acted)");
}

int transport_status_error(const struct transport *t, long status, const char *hint_404,
                           struct custrpc_error *err)
{
    if (status == 401)
        custrpc_fail(err, CUSTRPC_E_AUTH, NULL, "%s",
                     "authentication failed (HTTP 401): check the login and API password, and "
                     "that the customer has API access");
    else if (status == 404 && hint_404)
        custrpc_fail(err, CUSTRPC_E_HTTP, NULL, "HTTP 404 from %s: %s", t->url, hint_404);
    else
        custrpc_fail(err, CUSTRPC_E_HTTP, NULL, "HTTP %ld from %s", status, t->url);
    if (err) {
        err->kind = CUSTRPC_KIND_HTTP;
        err->http_status = (int)status;
    }
    return -1;
}

int transport_post(struct transport *t, const char *body, size_t len, long *status,
                   const char **answer, size_t *answer_len, struct custrpc_error *err)
{
    t->answer.len = 0;
    t->answer.too_big = false;
    t->curl_error[0] = '\0';
    *status = 0;
    *answer = "";
    *answer_len = 0;
    t->upload = (struct upload){body, len, 0, false, false};
    curl_easy_setopt(t->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(t->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    CURLcode crc = curl_easy_perform(t->curl);
    if (crc != CURLE_OK)
        return exchange_failed(t, crc, err);
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, status);
    *answer = t->answer.data ? t->answer.data : "";
    *answer_len = t->answer.len;
    return 0;
}

int transport_request(struct transport *t, const char *url, const char *body, size_t len,
                      long *status, const char **answer, size_t *answer_len,
                      struct custrpc_error *err)
{
    if (body) {
        curl_easy_setopt(t->curl, CURLOPT_URL, url ? url : t->url);
        int rc = transport_post(t, body, len, status, answer, answer_len, err);
        curl_easy_setopt(t->curl, CURLOPT_URL, t->url);
        return rc;
    }
    t->answer.len = 0;
    t->answer.too_big = false;
    t->curl_error[0] = '\0';
    *status = 0;
    *answer = "";
    *answer_len = 0;
    curl_easy_setopt(t->curl, CURLOPT_URL, url ? url : t->url);
    curl_easy_setopt(t->curl, CURLOPT_HTTPGET, 1L);
    t->upload = (struct upload){"", 0, 0, false, false};
    CURLcode crc = curl_easy_perform(t->curl);
    curl_easy_setopt(t->curl, CURLOPT_URL, t->url);
    if (crc != CURLE_OK)
        return exchange_failed(t, crc, err);
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, status);
    *answer = t->answer.data ? t->answer.data : "";
    *answer_len = t->answer.len;
    return 0;
}

const char *transport_last_error(const struct transport *t)
{
    return t->curl_error;
}
