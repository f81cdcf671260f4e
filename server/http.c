/* http.c — libmicrohttpd request handling (see http.h). Each request's body is collected up to
 * the limit, decoded by libcustrpc's parser (no DTD, no entities, limits while parsing), run on
 * the method table, and answered; one log line per request goes to stderr. */
#include <config.h>

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <custrpc/json.h>
#include <custrpc/xmlrpc.h>

#include "admin.h"
#include "delay_timer.h"
#include "frontdoor.h"
#include "namespaces.h"
#include "http.h"
#include "partner_api.h"
#include "reqlog.h"

/* libmicrohttpd's memory pool per connection, which holds a request's head and its read and
 * write buffers, and is zeroed for every request: its 32 KiB default cost about 49,000
 * instructions a request in memset alone (callgrind, createCustomer: 363,500 instructions a
 * request with 32 KiB, 339,800 with 16, 326,700 with 8). 8 KiB holds a head of about 7.5 KiB,
 * as nginx's and Apache's 8 KiB header limits do; a larger one gets 431. API clients send
 * far less (a Digest Authorization header is under 600 bytes). */
#ifndef HTTP_CONNECTION_MEMORY
#define HTTP_CONNECTION_MEMORY (8 * 1024)
#endif

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_options opt;
    const struct auth_policy *auth;
    struct dispatcher methods;
    struct partner_env *partner;
    atomic_int in_flight; /* requests begun and not yet completed */
    atomic_bool stopping; /* http_stop has begun: new connections are closed at once */
    atomic_int held;      /* of those in flight, the ones whose answer waits for a flush */
    struct frontdoor *door;
    struct reqlog *log;             /* NULL: lines written at once */
    struct admin_env admin;         /* /health, /metrics, /admin/...: counters, journal */
    struct ns_registry *namespaces; /* --admin only */
    const char **method_names;      /* the metrics' method labels */
    struct delay_timer *timer;      /* --admin: injected delays */
};

/* An answer held until the writes its request made are on disk (store_when_durable). */
struct held_answer {
    struct MHD_Connection *conn;
    unsigned status;
    const char *type;
    char *body;
    size_t len;
    struct store_durable_wait wait;
    atomic_int flushed; /* 0 while waiting; then 1, or 1 + the errno of the failed flush */
    bool counted;       /* in the server's held, until the request completes */
};

struct request {
    struct timespec start;
    struct held_answer held;
    char *body;
    size_t len, cap;
    int too_large;
    bool json;              /* /jsonapi: the partner API, no HTTP authentication (visas instead) */
    enum auth_outcome auth; /* not AUTH_OK: the body is read and dropped, then a 401 answers */
    struct call_identity who;
    char login[128];
    char peer[64];
    enum admin_route route;        /* not ROUTE_API: neither counted nor journaled */
    char *j_request, *j_response;  /* masked, for the journal (--admin only) */
    char ns_name[NS_NAME_MAX + 1]; /* the namespace the request names; "" the default */
    struct ns_space *ns;           /* an API request's namespace, held; NULL the default */
    uint64_t epoch;                /* its store's when its work was done (store_last_epoch) */
    bool post;                     /* the HTTP method was POST (admin routes) */
    struct inject_action inj;      /* POST /admin/inject's rule for this call; kind NONE: none */
    struct MHD_Connection *conn;   /* for an injected delay's resume */
    struct delay_wait delay;
    atomic_int delay_state; /* an injected delay: 0 none, 1 waiting, 2 due, 3 sent */
    struct {                /* the delayed answer */
        unsigned status;
        const char *type;
        char *body;
        size_t len;
    } late;
    bool delay_counted; /* in the server's held, until the request completes */
};

/* A request body as the decoder left it: the call (a struct for methods with a request
 * descriptor, a value tree otherwise), or the error that stopped it. */
struct decoded {
    struct custrpc_call call;
    bool ok;
    struct custrpc_error error;
};

static double elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 +
           (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

struct journal_add_call {
    struct journal *journal;
    struct journal_entry *entry;
};

static void journal_add_it(void *arg)
{
    struct journal_add_call *c = arg;
    journal_add(c->journal, c->entry);
}

/* Counts an answered API request and, with --admin, journals it (taking its masked bodies). */
static void record(const struct http_server *h, struct request *rq, unsigned status)
{
    if (rq->route != ROUTE_API)
        return;
    /* An injected transport failure is an HTTP error whatever status it sent: the client had
     * no answer it could read. */
    const bool broken = rq->inj.kind >= INJECT_DROP;
    const enum metrics_outcome outcome = broken || (status != 200 && status != 204)
                                             ? OUTCOME_HTTP_ERROR
                                         : rq->who.fault_code ? OUTCOME_FAULT
                                                              : OUTCOME_OK;
    metrics_count(h->admin.metrics, rq->who.method, outcome, elapsed_ms(&rq->start) / 1e3);
    if (!h->admin.journal)
        return;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct journal_entry e = {
        .time_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000,
        .method = rq->who.method,
        .outcome = outcome,
        .fault_code = rq->who.fault_code,
        .status = status,
        .request = rq->j_request,
        .response = rq->j_response,
        .epoch = rq->epoch,
        .injected = rq->inj.kind != INJECT_NONE ? inject_kind_name(rq->inj.kind) : NULL,
        .injected_after = rq->inj.after,
    };
    snprintf(e.peer, sizeof e.peer, "%s", rq->peer);
    snprintf(e.ns, sizeof e.ns, "%s", rq->ns_name);
    snprintf(e.login, sizeof e.login, "%s", rq->who.trusted ? "(trusted)" : rq->login);
    rq->j_request = rq->j_response = NULL;
    if (!rq->ns) {
        journal_add(h->admin.journal, &e);
        return;
    }
    /* A request that ran in a namespace reset meanwhile is not journaled: the reset cleared
     * the namespace's entries, and the next namespace of that name is a new one. */
    struct journal_add_call call = {h->admin.journal, &e};
    if (!ns_if_current(h->namespaces, rq->ns, journal_add_it, &call)) {
        free(e.request);
        free(e.response);
    }
}

/* A login as the client sent it, fit for a log line: a Basic username is any bytes, so a
 * newline would start a line of the client's making. Controls, space, DEL and '%' are written
 * %XX. */
static void loggable(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; *in && n + 4 <= size; in++) {
        unsigned char c = (unsigned char)*in;
        if (c <= ' ' || c == 0x7f || c == '%')
            n += (size_t)snprintf(out + n, size - n, "%%%02X", c);
        else
            out[n++] = (char)c;
    }
    out[n] = '\0';
}

/* One line per request: time, peer, login, method, outcome, HTTP status, duration. */
static void log_request(const struct http_server *h, struct request *rq, unsigned status)
{
    record(h, rq, status);
    if (h->opt.log_level < LOG_INFO)
        return;
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char shown[3 * sizeof rq->login + 1];
    loggable(rq->login, shown, sizeof shown);
    const char *login = rq->who.trusted ? "(trusted)" : shown[0] ? shown : "-";
    char outcome[64];
    if (status == 0)
        snprintf(outcome, sizeof outcome, "no-answer");
    else if (status != 200 || rq->inj.kind >= INJECT_DROP)
        snprintf(outcome, sizeof outcome, "http=%u", status);
    else if (rq->who.fault_code)
        snprintf(outcome, sizeof outcome, "fault=%d", rq->who.fault_code);
    else
        snprintf(outcome, sizeof outcome, "OK");
    /* A namespace's name is of a safe alphabet (ns_name_valid): written as it is. */
    char ns[sizeof rq->ns_name + 4] = "";
    if (rq->ns_name[0])
        snprintf(ns, sizeof ns, "ns=%s ", rq->ns_name);
    if (rq->inj.kind != INJECT_NONE) {
        const size_t n = strlen(outcome);
        snprintf(outcome + n, sizeof outcome - n, " injected=%s", inject_kind_name(rq->inj.kind));
    }
    /* /jsonapi: the caller's partner, and the partner created (AddPartner). /health, /metrics
     * and /admin/...: the path, or a probe's lines could not be told from the API's. */
    if (rq->route != ROUTE_API)
        reqlog_line(h->log, "%s %s login=%s path=%s %s %s%.1fms\n", when, rq->peer, login,
                    admin_route_path(rq->route), outcome, ns, elapsed_ms(&rq->start));
    else if (rq->json)
        reqlog_line(h->log, "%s %s login=%s method=%s %s partner=%lld id=%lld %s%.1fms\n", when,
                    rq->peer, login, rq->who.method ? rq->who.method : "-", outcome,
                    (long long)rq->who.caller, (long long)rq->who.i_customer, ns,
                    elapsed_ms(&rq->start));
    else
        reqlog_line(h->log, "%s %s login=%s method=%s %s i_customer=%lld %s%.1fms\n", when,
                    rq->peer, login, rq->who.method ? rq->who.method : "-", outcome,
                    (long long)rq->who.i_customer, ns, elapsed_ms(&rq->start));
}

/* A serialized call or response as a string (malloc'd; NULL when out of memory). */
static char *memblock_text(xmlrpc_mem_block *mb)
{
    const size_t n = XMLRPC_MEMBLOCK_SIZE(char, mb);
    char *text = malloc(n + 1);
    if (text) {
        memcpy(text, XMLRPC_MEMBLOCK_CONTENTS(char, mb), n);
        text[n] = '\0';
    }
    return text;
}

/* The request as decoded, secret members masked (malloc'd XML), or NULL when it cannot be
 * shown. */
static char *masked_call(const struct decoded *dc)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *params = NULL, *shown = NULL;
    xmlrpc_mem_block *mb = NULL;
    struct custrpc_error err;
    if (dc->ok && dc->call.request) {
        /* Read straight into a struct: shown as the struct it became. */
        xmlrpc_value *arg = NULL;
        if (custrpc_msg_to_value(dc->call.request, dc->call.message, &arg, &err) == 0) {
            params = xmlrpc_array_new(&env);
            xmlrpc_array_append_item(&env, params, arg);
            xmlrpc_DECREF(arg);
        }
    } else if (dc->ok) {
        params = dc->call.params;
        xmlrpc_INCREF(params);
    }
    if (params && !env.fault_occurred) {
        shown = custrpc_mask_secrets(&env, params);
        if (!env.fault_occurred)
            mb = XMLRPC_MEMBLOCK_NEW(char, &env, 0);
        if (!env.fault_occurred)
            xmlrpc_serialize_call2(&env, mb, dc->call.method, shown, xmlrpc_dialect_i8);
    }
    char *text = mb && !env.fault_occurred ? memblock_text(mb) : NULL;
    if (mb)
        XMLRPC_MEMBLOCK_FREE(char, mb);
    if (shown)
        xmlrpc_DECREF(shown);
    if (params)
        xmlrpc_DECREF(params);
    xmlrpc_env_clean(&env);
    return text;
}

/* --log-level debug: the request as decoded (secret members masked, whatever their type) and
 * the answer, for users debugging an integration; the same masked request for the journal. A
 * request that could not be decoded is shown by its size and the decoder's message, which
 * never quotes a secret member's value. */
static void log_exchange(const struct http_server *h, struct request *rq, const struct decoded *dc,
                         const char *answer, size_t len)
{
    if (h->opt.log_level < LOG_DEBUG && !h->admin.journal)
        return;
    char *shown = masked_call(dc);
    char note[sizeof dc->error.message + 64];
    snprintf(note, sizeof note, "(%zu bytes, not decoded: %s)", rq->len,
             dc->ok ? "cannot show it" : dc->error.message);
    if (h->opt.log_level >= LOG_DEBUG) {
        if (shown)
            fprintf(stderr, "> %s request (passwords masked)\n%s\n", rq->peer, shown);
        else
            fprintf(stderr, "> %s request %s\n", rq->peer, note);
        fprintf(stderr, "< %s answer\n%.*s\n", rq->peer, (int)len, answer);
    }
    if (!shown && h->admin.journal)
        shown = strdup(note);
    if (h->admin.journal) {
        free(rq->j_request);
        rq->j_request = shown;
        shown = NULL;
        /* A fault names no secret's value; a result was masked by process() before. */
        if (!rq->j_response && (rq->j_response = malloc(len + 1))) {
            memcpy(rq->j_response, answer, len);
            rq->j_response[len] = '\0';
        }
    }
    free(shown);
}

static enum MHD_Result send_now(struct MHD_Connection *conn, unsigned status, const char *type,
                                char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "POST");
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* On the store's sync thread: the flush is done; libmicrohttpd calls on_request again for the
 * connection, which sends the held answer. */
static void on_flushed(void *arg, int error)
{
    struct held_answer *held = arg;
    atomic_store(&held->flushed, 1 + error);
    MHD_resume_connection(held->conn);
}

static enum MHD_Result send_held(struct http_server *h, struct request *rq);

/* Set on a request thread that closes a connection for an injected drop or reset: libmicrohttpd
 * then warns "Application reported internal error" on the same thread, which is no error of
 * the server's (the request log tells of the injection). */
static _Thread_local bool closing_on_purpose;

/* On the timer's thread: an injected delay is over; libmicrohttpd calls on_request again. */
static void on_delay_due(void *arg)
{
    struct request *rq = arg;
    atomic_store(&rq->delay_state, 2);
    MHD_resume_connection(rq->conn);
}

/* An injected reset: on Linux, connect() to AF_UNSPEC disconnects a TCP socket at once with an
 * RST; the FIN that libmicrohttpd's close would send first (it shuts the socket down for
 * writing before closing it) never goes, so the client sees a reset, not an end of file. */
static void reset_connection(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci)
        return;
    const struct linger abort_close = {1, 0};
    (void)setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    (void)connect(ci->connect_fd, &unspec, sizeof unspec);
}

/* Logs and sends an answer (takes body), as POST /admin/inject's rule for the call says: a
 * delay suspends the connection until the timer resumes it; a transport failure replaces the
 * answer, or closes the connection (MHD_NO) without one. */
static enum MHD_Result finish(struct http_server *h, struct MHD_Connection *conn,
                              struct request *rq, unsigned status, const char *type, char *body,
                              size_t len)
{
    const char *replacement = NULL;
    switch (rq->inj.kind) {
    case INJECT_DELAY:
        /* Stopping: sent now, never suspended (see http_stop). */
        if (atomic_load(&rq->delay_state) != 0 || !h->timer || atomic_load(&h->stopping))
            break;
        rq->late.status = status;
        rq->late.type = type;
        rq->late.body = body;
        rq->late.len = len;
        rq->conn = conn;
        clock_gettime(CLOCK_MONOTONIC, &rq->delay.due);
        rq->delay.due.tv_sec += rq->inj.delay_ms / 1000;
        rq->delay.due.tv_nsec += (long)(rq->inj.delay_ms % 1000) * 1000000L;
        if (rq->delay.due.tv_nsec >= 1000000000L) {
            rq->delay.due.tv_sec++;
            rq->delay.due.tv_nsec -= 1000000000L;
        }
        rq->delay.fire = on_delay_due;
        rq->delay.arg = rq;
        atomic_store(&rq->delay_state, 1);
        rq->delay_counted = true;
        atomic_fetch_add(&h->held, 1); /* the stop waits for it (the timer is hurried then) */
        MHD_suspend_connection(conn);
        delay_timer_add(h->timer, &rq->delay);
        return MHD_YES;
    case INJECT_DROP:
    case INJECT_RESET:
        free(body);
        free(rq->j_response);
        rq->j_response = NULL;
        log_request(h, rq, 0);
        if (rq->inj.kind == INJECT_RESET)
            reset_connection(conn);
        closing_on_purpose = true;
        return MHD_NO; /* libmicrohttpd closes the connection, answering nothing */
    case INJECT_MALFORMED:
        status = 200;
        replacement = rq->json ? "{\"jsonrpc\": \"2.0\", \"result\": {\"Id\": "
                               : "<?xml version=\"1.0\"?>\r\n<methodResponse><params><param>"
                                 "<value><struct><member><name>";
        break;
    case INJECT_EMPTY:
        status = 200;
        replacement = "";
        break;
    case INJECT_HTTP500:
        status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        type = "text/plain; charset=utf-8";
        replacement = "injected failure (POST /admin/inject): HTTP 500\n";
        break;
    default: break;
    }
    if (replacement) {
        free(body);
        free(rq->j_response);
        body = strdup(replacement);
        rq->j_response = h->admin.journal ? strdup(replacement) : NULL;
        len = strlen(replacement);
        if (!body)
            return MHD_NO;
    }
    log_request(h, rq, status);
    return send_now(conn, status, type, body, len);
}

/* After an injected delay: the answer it held. */
static enum MHD_Result send_late(struct http_server *h, struct MHD_Connection *conn,
                                 struct request *rq)
{
    atomic_store(&rq->delay_state, 3);
    char *body = rq->late.body;
    rq->late.body = NULL;
    log_request(h, rq, rq->late.status); /* its time includes the delay */
    return send_now(conn, rq->late.status, rq->late.type, body, rq->late.len);
}

/* Sends an answer (takes body) and logs the request. When this request committed a write to a file
 * store, the answer waits, with the connection suspended, for the flush that makes the write
 * durable: an acknowledged change is never lost, and one flush serves every request waiting
 * meanwhile. */
static enum MHD_Result queue(struct http_server *h, struct MHD_Connection *conn, struct request *rq,
                             unsigned status, const char *type, char *body, size_t len)
{
    /* The thread's last transaction may be an earlier request's (this one was answered from
     * its head and began none): that epoch is never newer than the one set when this request
     * came, so the newer of the two is this request's. */
    uint64_t epoch;
    if (store_last_epoch(&epoch) && epoch > rq->epoch)
        rq->epoch = epoch;
    if (!store_unsynced())
        return finish(h, conn, rq, status, type, body, len);
    rq->held = (struct held_answer){conn, status, type, body, len, {on_flushed, &rq->held, 0, NULL},
                                    0,    true};
    atomic_fetch_add(&h->held, 1);
    if (atomic_load(&h->in_flight) == 1 || atomic_load(&h->stopping)) {
        /* Alone in the server: nobody shares the flush, and nobody waits behind this thread
         * while it flushes; handing over to the sync thread and back would only add two
         * wake-ups (c=1 with --db: 2,021 req/s that way, bench/run). Stopping: never
         * suspended (see http_stop). */
        atomic_store(&rq->held.flushed, 1 + store_flush_now(h->opt.store));
        return send_held(h, rq);
    }
    MHD_suspend_connection(conn);
    store_when_durable(h->opt.store, &rq->held.wait);
    return MHD_YES;
}

/* The second call after a held answer's flush. A failed flush leaves the change committed but
 * perhaps not on disk: the client hears that, not a success. */
static enum MHD_Result send_held(struct http_server *h, struct request *rq)
{
    struct held_answer *held = &rq->held;
    int error = atomic_load(&held->flushed) - 1;
    char *body = held->body;
    held->body = NULL;
    if (error == 0) /* its time includes the wait for the flush */
        return finish(h, held->conn, rq, held->status, held->type, body, held->len);
    free(body);
    log_request(h, rq, MHD_HTTP_INTERNAL_SERVER_ERROR);
    const char *text;
    if (error == ECANCELED) {
        text = "the change was not stored: the database rolled back the transaction it was in "
               "(a full disk or an I/O error: see the server's log); try again\n";
        fprintf(stderr, "custrpc-server: store: a group of writes was rolled back: %s\n",
                "the disk is full or failing");
    } else {
        text = "the change was stored but flushing it to disk failed; it may be lost if the "
               "machine stops\n";
        fprintf(stderr, "custrpc-server: store: flushing the write-ahead log failed: %s\n",
                strerror(error));
    }
    char *copy = strdup(text);
    return copy ? send_now(held->conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8",
                           copy, strlen(copy))
                : MHD_NO;
}

static enum MHD_Result queue_text(struct http_server *h, struct MHD_Connection *conn,
                                  struct request *rq, unsigned status, const char *text)
{
    char *body = strdup(text);
    return body ? queue(h, conn, rq, status, "text/plain; charset=utf-8", body, strlen(body))
                : MHD_NO;
}

/* A refused request head: its body is never read, so whatever follows on the connection could
 * be a smuggled request; the connection is closed after the answer. */
static enum MHD_Result queue_refusal(struct http_server *h, struct MHD_Connection *conn,
                                     struct request *rq, unsigned status, const char *text)
{
    log_request(h, rq, status);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result queue_challenge(struct http_server *h, struct MHD_Connection *conn,
                                       struct request *rq, int stale)
{
    log_request(h, rq, MHD_HTTP_UNAUTHORIZED);
    static const char text[] = "authentication required\n";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof text - 1, (void *)text, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    if (h->auth->allow_basic)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Basic realm=\"" SECRETS_REALM "\"");
    char challenge[DIGEST_N_ALGORITHMS][DIGEST_CHALLENGE_MAX];
    size_t n = 0;
    enum MHD_Result ret = MHD_NO;
    if (digest_challenges(h->auth->digest, stale, challenge, &n) == 0) {
        for (size_t i = 0; i < n; i++)
            MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, challenge[i]);
        ret = MHD_queue_response(conn, MHD_HTTP_UNAUTHORIZED, r);
    }
    MHD_destroy_response(r);
    return ret;
}

/* The Content-Length of the request; 0 when it has none (chunked, or no body). */
static unsigned long long declared_length(struct MHD_Connection *conn)
{
    const char *v =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    return v ? strtoull(v, NULL, 10) : 0;
}

/* The calls after a refused request's headers: its body is read and dropped, so the 401 can
 * keep the connection open (clients send the body anyway), up to the body limit. A chunked
 * body that grows past it is not worth reading: the connection is closed. */
static enum MHD_Result refuse(struct http_server *h, struct MHD_Connection *conn,
                              struct request *rq, size_t *upload_size)
{
    if (*upload_size == 0)
        return queue_challenge(h, conn, rq, rq->auth == AUTH_STALE);
    rq->len += *upload_size;
    *upload_size = 0;
    if (rq->len > h->opt.max_body) {
        log_request(h, rq, MHD_HTTP_UNAUTHORIZED);
        return MHD_NO; /* not worth reading: close */
    }
    return MHD_YES;
}

/* Whether POST /admin/inject has a rule for this call (taken into rq->inj): one of the
 * request's namespace (namespace_of: the header or the /ns/NAME/ prefix). */
static bool take_injection(struct http_server *h, struct request *rq, const char *method)
{
    return inject_take(h->admin.inject, method, rq->ns_name[0] ? rq->ns_name : NULL, &rq->inj);
}

/* Whether the injected rule replaces the call: a fault or a transport failure whose call is not
 * carried out (a delay's always is). */
static bool injected_instead(const struct request *rq)
{
    return rq->inj.kind != INJECT_NONE && rq->inj.kind != INJECT_DELAY && !rq->inj.after;
}

/* Sends an XML-RPC document (answer or fault) with status 200; takes the memory block. */
static enum MHD_Result queue_xml(struct http_server *h, struct MHD_Connection *conn,
                                 struct request *rq, const struct decoded *call,
                                 xmlrpc_mem_block *out)
{
    size_t len = XMLRPC_MEMBLOCK_SIZE(char, out);
    char *body = malloc(len ? len : 1);
    if (body)
        memcpy(body, XMLRPC_MEMBLOCK_CONTENTS(char, out), len);
    XMLRPC_MEMBLOCK_FREE(char, out);
    if (!body) {
        log_request(h, rq, 200);
        return MHD_NO;
    }
    log_exchange(h, rq, call, body, len);
    return queue(h, conn, rq, 200, "text/xml; charset=utf-8", body, len);
}

/* An XML-RPC fault response for err. */
static enum MHD_Result queue_fault(struct http_server *h, struct MHD_Connection *conn,
                                   struct request *rq, const struct decoded *call,
                                   const struct custrpc_error *err)
{
    xmlrpc_env env, fault;
    xmlrpc_env_init(&env);
    xmlrpc_env_init(&fault);
    custrpc_error_to_fault(err, &fault);
    rq->who.fault_code = err->code;
    xmlrpc_mem_block *out = XMLRPC_MEMBLOCK_NEW(char, &env, 0);
    if (!env.fault_occurred)
        xmlrpc_serialize_fault(&env, out, &fault);
    xmlrpc_env_clean(&fault);
    if (env.fault_occurred) {
        xmlrpc_env_clean(&env);
        if (out)
            XMLRPC_MEMBLOCK_FREE(char, out);
        return queue_text(h, conn, rq, 500, "cannot serialize fault\n");
    }
    return queue_xml(h, conn, rq, call, out);
}

/* The contract's error for a fault a method left in env: our codes pass as they are, xmlrpc-c's
 * own (a value that could not be built) are mapped. */
static void fault_of(const xmlrpc_env *env, struct custrpc_error *err)
{
    if (env->fault_code <= XMLRPC_INTERNAL_ERROR && env->fault_code >= XMLRPC_INVALID_UTF8_ERROR) {
        custrpc_error_from_xmlrpc(env, err);
        return;
    }
    custrpc_fail(err, env->fault_code, NULL, "%s", env->fault_string ? env->fault_string : "");
}

/* --log-level debug for /jsonapi: the request and the answer with passwords and visas
 * masked (a visa is a bearer credential for its lifetime). */
static void log_json_exchange(const struct http_server *h, const struct request *rq,
                              const char *answer)
{
    if (h->opt.log_level < LOG_DEBUG)
        return;
    const char *texts[2] = {rq->body ? rq->body : "", answer ? answer : ""};
    size_t lens[2] = {rq->len, answer ? strlen(answer) : 0};
    for (int i = 0; i < 2; i++) {
        json_t *j = custrpc_json_parse(texts[i], lens[i], NULL, NULL);
        char *shown = j ? custrpc_json_masked(j) : NULL;
        if (shown)
            fprintf(stderr, "%s %s %s (passwords and visas masked)\n%s\n", i ? "<" : ">", rq->peer,
                    i ? "answer" : "request", shown);
        else
            fprintf(stderr, "%s %s %s (%zu bytes, not JSON)\n", i ? "<" : ">", rq->peer,
                    i ? "answer" : "request", lens[i]);
        free(shown);
        json_decref(j);
    }
}

/* A result as the journal keeps it: secret members masked, serialized (malloc'd; NULL when
 * it cannot be). */
static char *masked_response(xmlrpc_value *result)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *shown = custrpc_mask_secrets(&env, result);
    xmlrpc_mem_block *mb = env.fault_occurred ? NULL : XMLRPC_MEMBLOCK_NEW(char, &env, 0);
    if (mb && !env.fault_occurred)
        xmlrpc_serialize_response2(&env, mb, shown, xmlrpc_dialect_i8);
    char *text = mb && !env.fault_occurred ? memblock_text(mb) : NULL;
    if (mb)
        XMLRPC_MEMBLOCK_FREE(char, mb);
    if (shown)
        xmlrpc_DECREF(shown);
    xmlrpc_env_clean(&env);
    return text;
}

/* The masked JSON text of a /jsonapi body for the journal (malloc'd), or a note when it is
 * not JSON. */
static char *masked_json(const char *text, size_t len)
{
    json_t *j = custrpc_json_parse(text, len, NULL, NULL);
    char *shown = j ? custrpc_json_masked(j) : NULL;
    json_decref(j);
    if (!shown) {
        char note[64];
        snprintf(note, sizeof note, "(%zu bytes, not JSON)", len);
        shown = strdup(note);
    }
    return shown;
}

/* An XML-RPC call's injected answer: the rule's fault, or a placeholder that finish() replaces
 * by the transport failure. */
static enum MHD_Result queue_injected(struct http_server *h, struct MHD_Connection *conn,
                                      struct request *rq, const struct decoded *dc)
{
    if (rq->inj.kind == INJECT_FAULT) {
        struct custrpc_error err;
        custrpc_fail(&err, rq->inj.fault_code, NULL, "%s", rq->inj.fault_string);
        return queue_fault(h, conn, rq, dc, &err);
    }
    log_exchange(h, rq, dc, "", 0);
    return queue(h, conn, rq, 200, "text/xml; charset=utf-8", strdup(""), 0);
}

/* The JSON-RPC error of an injected fault: its code and message as they are (no mapping), with
 * the visa the real answer carried when the call was carried out. */
static char *injected_json_error(const struct request *rq, const json_t *id, const char *answer)
{
    json_t *real = answer ? json_loads(answer, 0, NULL) : NULL;
    json_t *visa = real ? json_object_get(real, "visa") : NULL;
    json_t *doc = json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id",
                            id ? (json_t *)id : json_null(), "error", "code", rq->inj.fault_code,
                            "message", rq->inj.fault_string);
    if (doc && json_is_string(visa))
        json_object_set(doc, "visa", visa);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    json_decref(real);
    return text;
}

/* A /jsonapi request's rule from POST /admin/inject, if any; *id: the request's id (a new
 * reference, or NULL). The body is parsed twice only while rules exist. */
static void json_injection(struct http_server *h, struct request *rq, json_t **id)
{
    *id = NULL;
    if (!inject_active(h->admin.inject) || rq->too_large)
        return;
    struct custrpc_jsonrpc_request jr;
    struct custrpc_error err;
    if (custrpc_jsonrpc_parse_request(rq->body ? rq->body : "", rq->len, &jr, &err) == 0 &&
        take_injection(h, rq, jr.method)) {
        *id = json_incref(jr.id);
        for (size_t i = 0; i < partner_method_count; i++)
            if (strcmp(partner_method_rows[i].name, jr.method) == 0)
                rq->who.method = partner_method_rows[i].name;
    }
    custrpc_jsonrpc_request_free(&jr);
}

/* A /jsonapi request: its JSON-RPC answer with status 200 (errors too, as the API sends
 * them), or 204 for a notification. */
static enum MHD_Result process_json(struct http_server *h, struct MHD_Connection *conn,
                                    struct request *rq)
{
    char *answer = NULL;
    json_t *id;
    json_injection(h, rq, &id);
    if (injected_instead(rq)) {
        if (rq->inj.kind == INJECT_FAULT) {
            rq->who.fault_code = rq->inj.fault_code;
            answer = injected_json_error(rq, id, NULL);
        } else {
            answer = strdup(""); /* finish() replaces it */
        }
    } else if (rq->too_large) {
        struct custrpc_error err;
        custrpc_fail(&err, CUSTRPC_E_TOO_LARGE, NULL, "request body larger than %zu bytes",
                     h->opt.max_body);
        rq->who.fault_code = err.code;
        answer = custrpc_jsonrpc_fault(NULL, &err, NULL);
    } else {
        partner_api_answer(rq->ns ? &rq->ns->partner : h->partner, rq->body ? rq->body : "",
                           rq->len, &answer, &rq->who, rq->login, sizeof rq->login);
        if (rq->inj.kind == INJECT_FAULT) { /* carried out, and its answer replaced */
            char *real = answer;
            rq->who.fault_code = rq->inj.fault_code;
            answer = injected_json_error(rq, id, real);
            free(real);
        }
    }
    json_decref(id);
    log_json_exchange(h, rq, answer);
    if (h->admin.journal) {
        rq->j_request = masked_json(rq->body ? rq->body : "", rq->len);
        rq->j_response = answer ? masked_json(answer, strlen(answer)) : NULL;
    }
    if (!answer)
        return queue(h, conn, rq, MHD_HTTP_NO_CONTENT, "application/json", strdup(""), 0);
    return queue(h, conn, rq, 200, "application/json", answer, strlen(answer));
}

/* GET /health, GET /metrics, /admin/...: authenticated (admin routes) and read by now. */
static enum MHD_Result process_admin(struct http_server *h, struct MHD_Connection *conn,
                                     struct request *rq)
{
    struct admin_answer a;
    const char *ns = rq->ns_name[0] ? rq->ns_name : NULL;
    if (rq->route == ROUTE_INJECT && rq->too_large)
        return queue_text(h, conn, rq, 413, "request body too large\n");
    if (rq->route == ROUTE_INJECT)
        admin_inject(&h->admin, conn, rq->post, rq->body, rq->len, ns, &a);
    else
        admin_answer(&h->admin, rq->route, conn, ns, &a);
    if (!a.body)
        return queue_text(h, conn, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    return queue(h, conn, rq, a.status, a.type, a.body, a.len);
}

static enum MHD_Result process(struct http_server *h, struct MHD_Connection *conn,
                               struct request *rq)
{
    if (rq->route != ROUTE_API)
        return process_admin(h, conn, rq);
    if (rq->json)
        return process_json(h, conn, rq);
    struct decoded dc = {0};
    struct custrpc_error err;
    enum MHD_Result ret;
    if (rq->too_large) {
        custrpc_fail(&dc.error, CUSTRPC_E_TOO_LARGE, NULL, "request body larger than %zu bytes",
                     h->opt.max_body);
        return queue_fault(h, conn, rq, &dc, &dc.error);
    }
    /* Methods with a request descriptor are read straight into their struct (no value tree:
     * about 40% fewer instructions a request, bench/decode_bench); system.* keep the tree. */
    if (custrpc_xmlrpc_decode_call(rq->body ? rq->body : "", rq->len, dispatch_request_of,
                                   (void *)&h->methods, &dc.call, &dc.error) < 0) {
        rq->who.method = dispatch_method_name(&h->methods, dc.call.method); /* for the log */
        ret = queue_fault(h, conn, rq, &dc, &dc.error);
        custrpc_call_free(&dc.call);
        return ret;
    }
    dc.ok = true;
    if (take_injection(h, rq, dc.call.method) && injected_instead(rq)) {
        rq->who.method = dispatch_method_name(&h->methods, dc.call.method);
        ret = queue_injected(h, conn, rq, &dc);
        custrpc_call_free(&dc.call);
        return ret;
    }
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *result =
        dispatch_decoded(&env, rq->ns ? &rq->ns->methods : &h->methods, &dc.call, &rq->who);
    if (rq->inj.kind == INJECT_FAULT) { /* carried out, and its answer replaced */
        if (result)
            xmlrpc_DECREF(result);
        xmlrpc_env_clean(&env);
        free(rq->j_response);
        rq->j_response = NULL;
        rq->who.fault_code = 0;
        ret = queue_injected(h, conn, rq, &dc);
        custrpc_call_free(&dc.call);
        return ret;
    }
    if (result && h->admin.journal)
        rq->j_response = masked_response(result);
    xmlrpc_mem_block *out = NULL;
    if (!env.fault_occurred)
        out = XMLRPC_MEMBLOCK_NEW(char, &env, 0);
    if (!env.fault_occurred)
        xmlrpc_serialize_response2(&env, out, result, xmlrpc_dialect_i8);
    if (result)
        xmlrpc_DECREF(result);
    if (env.fault_occurred) {
        if (out)
            XMLRPC_MEMBLOCK_FREE(char, out);
        fault_of(&env, &err);
        ret = queue_fault(h, conn, rq, &dc, &err);
    } else {
        ret = queue_xml(h, conn, rq, &dc, out);
    }
    xmlrpc_env_clean(&env);
    custrpc_call_free(&dc.call);
    return ret;
}

static void peer_text(struct MHD_Connection *conn, char *buf, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, size, "-");
    if (ci && ci->client_addr)
        getnameinfo(ci->client_addr,
                    ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                           : sizeof(struct sockaddr_in),
                    buf, (socklen_t)size, NULL, 0, NI_NUMERICHOST);
}

static enum MHD_Result queue_not_allowed(struct http_server *h, struct MHD_Connection *conn,
                                         struct request *rq, const char *allow)
{
    log_request(h, rq, MHD_HTTP_METHOD_NOT_ALLOWED);
    char text[64];
    snprintf(text, sizeof text, "this endpoint takes %s only\n", allow);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, r);
    MHD_destroy_response(r);
    return ret;
}

/* The head of a request for /health, /metrics or /admin/...: /admin/... is not there without
 * --admin, and needs the root's or <admin>'s Digest credentials with it (a refused request's
 * body is read and dropped, as on the API's endpoints). */
static enum MHD_Result admin_head(struct http_server *h, struct MHD_Connection *conn,
                                  struct request *rq, const char *method, const char *url)
{
    const bool is_admin = admin_route_is_admin(rq->route);
    if (is_admin && !h->admin.journal)
        return queue_text(h, conn, rq, MHD_HTTP_NOT_FOUND,
                          "not found: the admin interface is off (custrpc-server --admin)\n");
    const char *allow = admin_route_method(rq->route);
    if (!admin_route_allows(rq->route, method))
        return queue_not_allowed(h, conn, rq, allow);
    rq->post = strcmp(method, "POST") == 0;
    if (is_admin) {
        rq->auth = auth_admin(h->auth, conn, method, url, rq->login, sizeof rq->login);
        if (rq->auth != AUTH_OK && declared_length(conn) > h->opt.max_body)
            return queue_challenge(h, conn, rq, rq->auth == AUTH_STALE);
    }
    return MHD_YES;
}

static enum MHD_Result count_ns_header(void *cls, enum MHD_ValueKind kind, const char *name,
                                       const char *value)
{
    (void)kind;
    (void)value;
    if (strcasecmp(name, NS_HEADER) == 0)
        ++*(unsigned *)cls;
    return MHD_YES;
}

/* The namespace a request names (ours: the test double's), by the header or a path prefix
 * /ns/NAME/, into name ("" for none), and its path past the prefix into *path: 0, or the HTTP
 * status of a refusal with its text in why. */
static unsigned namespace_of(const struct http_server *h, struct MHD_Connection *conn,
                             const char *url, char name[NS_NAME_MAX + 1], const char **path,
                             char *why, size_t why_size)
{
    const char *header = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, NS_HEADER);
    const bool prefixed = strncmp(url, NS_PATH_PREFIX, strlen(NS_PATH_PREFIX)) == 0;
    *path = url;
    name[0] = '\0';
    if (!header && !prefixed)
        return 0;
    if (!h->namespaces) {
        snprintf(why, why_size,
                 "%s: namespaces belong to the test double: start custrpc-server with --admin\n",
                 header ? "header " NS_HEADER : "not found: /ns/NAME/");
        return header ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_NOT_FOUND;
    }
    /* libmicrohttpd's look-up finds the first of two headers: a second one, naming another
     * namespace perhaps, must not be ignored quietly. */
    unsigned headers = 0;
    if (header)
        MHD_get_connection_values(conn, MHD_HEADER_KIND, count_ns_header, &headers);
    if (headers > 1) {
        snprintf(why, why_size, "header " NS_HEADER ": given %u times; give it once\n", headers);
        return MHD_HTTP_BAD_REQUEST;
    }
    if (header && !ns_name_valid(header, strlen(header))) {
        snprintf(why, why_size, "header " NS_HEADER ": a namespace name is " NS_NAME_RULE "\n");
        return MHD_HTTP_BAD_REQUEST;
    }
    if (!prefixed) {
        snprintf(name, NS_NAME_MAX + 1, "%s", header);
        return 0;
    }
    const char *start = url + strlen(NS_PATH_PREFIX), *slash = strchr(start, '/');
    const size_t len = slash ? (size_t)(slash - start) : strlen(start);
    if (!slash || !ns_name_valid(start, len)) {
        snprintf(why, why_size,
                 "path /ns/NAME/ENDPOINT: a namespace name is " NS_NAME_RULE
                 ", and an endpoint follows it (/ns/NAME/RPC2)\n");
        return MHD_HTTP_BAD_REQUEST;
    }
    if (header && (strlen(header) != len || memcmp(header, start, len) != 0)) {
        snprintf(why, why_size,
                 "header " NS_HEADER " names namespace \"%s\", the path /ns/%.*s/: give one, or "
                 "both the same\n",
                 header, (int)len, start);
        return MHD_HTTP_BAD_REQUEST;
    }
    snprintf(name, NS_NAME_MAX + 1, "%.*s", (int)len, start);
    *path = slash;
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **state)
{
    (void)version;
    struct http_server *h = cls;
    struct request *rq = *state;
    closing_on_purpose = false;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &rq->start);
        /* A request answered from its head (a 401, a 404) reaches no transaction: without this
         * it would carry epoch 0, older than any reset, and the journal would drop it. */
        rq->epoch = store_epoch(h->opt.store);
        peer_text(conn, rq->peer, sizeof rq->peer);
        *state = rq;
        atomic_fetch_add(&h->in_flight, 1);
        if (!frontdoor_head_done(conn))
            return MHD_NO;
        char why[320];
        unsigned refused = frontdoor_judge(conn, h->auth->open_local, why, sizeof why);
        if (refused)
            return queue_refusal(h, conn, rq, refused, why);
        /* path: the url past a namespace's prefix; Digest is checked against the url itself,
         * which is what the client hashed. */
        const char *path = url;
        refused = namespace_of(h, conn, url, rq->ns_name, &path, why, sizeof why);
        if (refused)
            return queue_text(h, conn, rq, refused, why);
        rq->route = admin_route_of(path);
        if (rq->route != ROUTE_API)
            return admin_head(h, conn, rq, method, url);
        rq->json = strcmp(path, "/jsonapi") == 0;
        if (!rq->json && strcmp(path, "/RPC2") != 0 && strcmp(path, "/xmlapi/xmlapi") != 0)
            return queue_text(h, conn, rq, MHD_HTTP_NOT_FOUND,
                              "not found: the endpoints are /RPC2 and /xmlapi/xmlapi (XML-RPC) "
                              "and /jsonapi (JSON-RPC)\n");
        if (strcmp(method, "POST") != 0)
            return queue_text(h, conn, rq, MHD_HTTP_METHOD_NOT_ALLOWED,
                              rq->json ? "JSON-RPC takes POST only\n"
                                       : "XML-RPC takes POST only\n");
        if (rq->ns_name[0]) {
            struct custrpc_error err;
            const enum ns_result got = ns_acquire(h->namespaces, rq->ns_name, &rq->ns, &err);
            if (got != NS_OK) {
                char text[sizeof err.message + 1];
                snprintf(text, sizeof text, "%s\n", err.message);
                return queue_text(h, conn, rq,
                                  got == NS_FULL ? MHD_HTTP_SERVICE_UNAVAILABLE
                                                 : MHD_HTTP_INTERNAL_SERVER_ERROR,
                                  text);
            }
        }
        /* The partner API authenticates by Login and visas, not here. A body over the limit
         * is read and dropped, as on the XML-RPC endpoints, so the client can read the 1050
         * answer: closing early would reset the connection under its unsent bytes. */
        if (rq->json)
            return MHD_YES;
        /* Credentials are judged before the body is read: a wrong password never reaches
         * the XML-RPC layer. */
        rq->auth = auth_identify(h->auth, rq->ns ? rq->ns->store : NULL, conn, method, url,
                                 &rq->who, rq->login, sizeof rq->login);
        /* Announced too large: not worth reading, so answer at once (libmicrohttpd closes). */
        if (rq->auth != AUTH_OK && declared_length(conn) > h->opt.max_body)
            return queue_challenge(h, conn, rq, rq->auth == AUTH_STALE);
        return MHD_YES;
    }
    switch (atomic_load(&rq->delay_state)) {
    case 1: return MHD_YES; /* resumed before the delay is over: cannot happen, but wait on */
    case 2: return send_late(h, conn, rq);
    default: break;
    }
    if (atomic_load(&rq->held.flushed))
        return send_held(h, rq);
    if (rq->held.conn)
        return MHD_YES; /* resumed before the flush: cannot happen, but wait on */
    if (rq->auth != AUTH_OK)
        return refuse(h, conn, rq, upload_size);
    if (*upload_size) {
        if (!rq->too_large && rq->len + *upload_size > h->opt.max_body) {
            rq->too_large = 1;
            free(rq->body);
            rq->body = NULL;
            rq->len = rq->cap = 0;
        }
        if (!rq->too_large) {
            if (rq->len + *upload_size > rq->cap) {
                size_t cap = (rq->len + *upload_size) * 2;
                char *p = realloc(rq->body, cap);
                if (!p)
                    return MHD_NO;
                rq->body = p;
                rq->cap = cap;
            }
            memcpy(rq->body + rq->len, upload, *upload_size);
            rq->len += *upload_size;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (!frontdoor_body_done(conn))
        return MHD_NO;     /* cut at its deadline: nothing is done that nobody would hear about */
    store_defer_commits(); /* this thread's writes join the group commit; answers wait */
    rq->epoch = store_epoch(h->opt.store); /* a request that reaches no transaction */
    return process(h, conn, rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
                         enum MHD_RequestTerminationCode code)
{
    (void)code;
    struct http_server *h = cls;
    struct request *rq = *state;
    frontdoor_request_done(conn);
    if (rq) {
        /* A held answer never sent: the client hung up while it waited, and libmicrohttpd
         * closed the resumed connection without calling on_request again. The write was made
         * all the same, so the request is logged (and counted) like any other. */
        if (rq->held.body)
            log_request(h, rq,
                        atomic_load(&rq->held.flushed) == 1 ? rq->held.status
                                                            : MHD_HTTP_INTERNAL_SERVER_ERROR);
        free(rq->held.body);
        if (rq->held.counted)
            atomic_fetch_sub(&h->held, 1);
        /* The same for a delayed answer never sent. */
        if (rq->late.body)
            log_request(h, rq, rq->late.status);
        free(rq->late.body);
        if (rq->delay_counted)
            atomic_fetch_sub(&h->held, 1);
        free(rq->body);
        free(rq->j_request);
        free(rq->j_response);
        ns_release(h->namespaces, rq->ns);
        free(rq);
        *state = NULL;
        atomic_fetch_sub(&h->in_flight, 1);
    }
}

/* libmicrohttpd's warnings, but not the one that follows an injected drop or reset. */
static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
    const struct http_server *h = cls;
    if (closing_on_purpose) {
        /* libmicrohttpd 0.9.75 passes the text as an argument of "%s\n". */
        va_list copy;
        va_copy(copy, ap);
        const char *text = strcmp(fmt, "%s\n") == 0 ? va_arg(copy, const char *) : fmt;
        va_end(copy);
        if (text && strstr(text, "Application reported internal error")) {
            closing_on_purpose = false;
            return;
        }
    }
    if (h->opt.log_level >= LOG_WARN) {
        fputs("custrpc-server: ", stderr);
        vfprintf(stderr, fmt, ap);
    }
}

/* "127.0.0.1:8080", "[::1]:8080": the address as --listen takes it. */
static void format_address(char *buf, size_t size, const struct http_options *o)
{
    const bool v6 = strchr(o->host, ':') != NULL;
    snprintf(buf, size, "%s%s%s:%d", v6 ? "[" : "", o->host, v6 ? "]" : "", o->port);
}

/* The listening socket is bound here and handed to libmicrohttpd, so a failure is told by its
 * own errno and names the address; libmicrohttpd, binding for itself, says only "Failed to
 * bind to port 0". The options are libmicrohttpd's defaults: SO_REUSEADDR, and IPv6 only on
 * an IPv6 address. */
static int listen_socket(const struct addrinfo *ai, const struct http_options *o,
                         struct custrpc_error *err)
{
    char where[300];
    format_address(where, sizeof where, o);
    const int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "%s: socket: %s", where,
                            strerror(errno));
    const int on = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (ai->ai_family == AF_INET6)
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0)
        return fd;
    const int e = errno;
    close(fd);
    const char *hint = "";
    if (e == EADDRINUSE)
        hint = " (another program is listening there: stop it, or choose another port with "
               "--listen HOST:PORT, 0 for a free one)";
    else if (e == EACCES)
        hint = " (ports below 1024 need privileges: choose a port above 1023 with --listen)";
    else if (e == EADDRNOTAVAIL)
        hint = " (no interface of this machine has that address)";
    if (e == EADDRINUSE)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "%s: address already in use%s", where,
                            hint);
    return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "%s: %s%s", where, strerror(e), hint);
}

/* The counters (labelled by the names of both method tables and the system.* methods) and,
 * with --admin, the journal. */
static int admin_setup(struct http_server *h, struct custrpc_error *err)
{
    static const char *const system_names[] = {"system.listMethods", "system.methodHelp",
                                               "system.methodSignature", "system.multicall"};
    const size_t n_system = sizeof system_names / sizeof system_names[0];
    const size_t n = h->methods.n_rows + partner_method_count + n_system;
    size_t k = 0;
    if (!(h->method_names = calloc(n, sizeof *h->method_names)))
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < h->methods.n_rows; i++)
        h->method_names[k++] = h->methods.rows[i].name;
    for (size_t i = 0; i < partner_method_count; i++)
        h->method_names[k++] = partner_method_rows[i].name;
    for (size_t i = 0; i < n_system; i++)
        h->method_names[k++] = system_names[i];
    h->admin = (struct admin_env){
        .store = h->opt.store,
        .file_store = h->opt.file_store,
        .metrics = metrics_new(h->method_names, k),
        .seed = h->opt.seed,
    };
    clock_gettime(CLOCK_MONOTONIC, &h->admin.started);
    if (h->opt.admin) {
        h->admin.journal =
            journal_new(h->opt.journal_size ? h->opt.journal_size : JOURNAL_DEFAULT_SIZE);
        h->admin.inject = inject_new();
        h->timer = delay_timer_start();
        const struct ns_template t = {&h->methods, h->partner, h->opt.seed, h->opt.max_namespaces};
        h->admin.namespaces = h->namespaces = ns_registry_new(&t);
    }
    if (!h->admin.metrics ||
        (h->opt.admin && (!h->admin.journal || !h->namespaces || !h->admin.inject || !h->timer)))
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    return 0;
}

static void admin_teardown(struct http_server *h)
{
    metrics_free(h->admin.metrics);
    journal_free(h->admin.journal);
    ns_registry_free(h->namespaces);
    h->namespaces = h->admin.namespaces = NULL;
    inject_free(h->admin.inject);
    delay_timer_stop(h->timer);
    free(h->method_names);
    h->admin.metrics = NULL;
    h->admin.journal = NULL;
    h->admin.inject = NULL;
    h->timer = NULL;
    h->method_names = NULL;
}

/* No new connection once the server stops. libmicrohttpd's own way, MHD_quiesce_daemon, races
 * with its pool threads (0.9.75: both take the listening socket out of a thread's epoll set, and
 * the loser aborts the process: "Failed to remove listen FD from epoll set", seen in CI). */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
    (void)addr;
    (void)len;
    const struct http_server *h = cls;
    return atomic_load(&h->stopping) ? MHD_NO : MHD_YES;
}

int http_listen(const struct http_options *o, bool open_local, struct custrpc_error *err)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    char port[16];
    snprintf(port, sizeof port, "%d", o->port);
    int gai = getaddrinfo(o->host, port, &hints, &ai);
    if (gai != 0)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "listen address %s: %s", o->host,
                            gai_strerror(gai));
    if (open_local && !auth_is_loopback(ai->ai_addr)) {
        freeaddrinfo(ai);
        return custrpc_fail(
            err, CUSTRPC_E_PERMISSION, NULL,
            "refusing to listen on %s without a root password: requests without "
            "credentials act as root in that mode (configure <root password-file=...>)",
            o->host);
    }
    const int fd = listen_socket(ai, o, err);
    freeaddrinfo(ai);
    return fd;
}

int http_start(struct http_server **out, const struct http_options *o,
               const struct auth_policy *auth, const struct dispatcher *methods,
               struct partner_env *partner, struct custrpc_error *err)
{
    const int fd = o->listen_fd;
    struct http_server *h = calloc(1, sizeof *h);
    if (!h) {
        close(fd);
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    }
    h->opt = *o;
    h->auth = auth;
    h->methods = *methods;
    h->partner = partner;
    if (admin_setup(h, err) < 0) {
        close(fd);
        admin_teardown(h);
        free(h);
        return -1;
    }
    const struct frontdoor_limits limits = {
        .header_timeout = o->header_timeout,
        .body_timeout = o->body_timeout,
        .max_connections = o->max_connections,
        .max_per_address = o->max_per_address,
        .tls = o->tls_cert_pem != NULL,
        .log = o->log_level >= LOG_INFO,
    };
    /* Buffered at level info only: at debug, exchanges are printed beside the lines. */
    h->log = reqlog_start(STDERR_FILENO, o->log_level == LOG_INFO);
    if (frontdoor_start(&h->door, &limits, err) < 0) {
        close(fd);
        admin_teardown(h);
        reqlog_stop(h->log);
        free(h);
        return -1;
    }
    unsigned flags =
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
    if (o->tls_cert_pem)
        flags |= MHD_USE_TLS;
    /* A pool of epoll threads: idle keep-alive connections cost no thread, so no fixed number
     * of clients can starve the next one. Digest nonces are digest.c's, not libmicrohttpd's. */
    struct MHD_OptionItem tls[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->tls_cert_pem},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->tls_key_pem},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_OptionItem plain[] = {{MHD_OPTION_END, 0, NULL}};
    /* The front door enforces the connection caps. MHD's own limit is divided among the pool
     * threads, which do not share connections evenly, and it counts connections the front door
     * has already cut but MHD not yet closed: twice the cap per thread stays out of the way. */
    const unsigned mhd_limit = 2 * o->max_connections * o->threads;
    h->daemon = MHD_start_daemon(
        /* The logger first: libmicrohttpd reports problems with later options through it. */
        flags, 0, accept_policy, h, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, h,
        MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE, o->threads,
        MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout, MHD_OPTION_CONNECTION_LIMIT, mhd_limit,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONNECTION_MEMORY,
        MHD_OPTION_NOTIFY_CONNECTION, frontdoor_on_connection, h->door, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, h, MHD_OPTION_ARRAY, o->tls_cert_pem ? tls : plain, MHD_OPTION_END);
    if (!h->daemon) {
        admin_teardown(h);
        frontdoor_stop(h->door);
        reqlog_stop(h->log);
        free(h);
        /* The address is bound by now, so what is left to fail is the TLS setup or the
         * threads; libmicrohttpd has closed the socket it was given. */
        char where[300];
        format_address(where, sizeof where, o);
        if (o->tls_cert_pem)
            return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL,
                                "%s: cannot start HTTPS: is the certificate (--tls-cert) "
                                "with its key (--tls-key) valid PEM, and do they match?",
                                where);
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL,
                            "%s: cannot start the HTTP server (see the message above)", where);
    }
    *out = h;
    return 0;
}

int http_port(const struct http_server *h)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : -1;
}

void http_stop(struct http_server *h)
{
    if (!h)
        return;
    /* No new connections first (accept_policy closes them). Then let the requests in flight (a
     * body still arriving, an answer being sent) complete, for at most the idle timeout; idle
     * keep-alive connections hold no request and do not delay the stop. A held answer waits on
     * past the idle timeout, however slow the disk: the sync thread resumes it once its flush
     * returns, and libmicrohttpd aborts the process when stopped with a connection still
     * suspended. */
    /* A request that a keep-alive connection begins after the wait below saw none in flight
     * must not suspend its connection: libmicrohttpd aborts the process when stopped with one
     * suspended. Such a request counts itself in flight before it reads stopping, and the
     * wait reads in_flight after stopping is set, so it sees stopping and answers at once
     * (finish, queue). */
    atomic_store(&h->stopping, true);
    delay_timer_hurry(h->timer); /* injected delays end now: their answers go out */
    for (unsigned waited = 0; atomic_load(&h->in_flight) > 0 &&
                              (waited < h->opt.idle_timeout * 100 || atomic_load(&h->held) > 0);
         waited++)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    MHD_stop_daemon(h->daemon);
    frontdoor_stop(h->door);
    reqlog_stop(h->log);
    admin_teardown(h);
    free(h);
}
