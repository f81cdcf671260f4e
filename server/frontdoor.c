/* frontdoor.c — connection caps, head and body deadlines, and head checks (see frontdoor.h).
 * libmicrohttpd 0.9.75's only timer is an idle timeout that every received byte restarts, so a
 * client sending a byte every few seconds holds a connection for ever. Here every connection is
 * tracked from MHD's connection notifications, and a watchdog thread shuts down the socket of
 * one that is past its deadline. shutdown(), never close(): the descriptor stays MHD's, which
 * then sees end-of-file and closes it itself. The table's mutex is held across each shutdown,
 * and MHD reports a connection closed (removing it here, under the mutex) before it closes the
 * descriptor, so a descriptor number is never shut down after it could have been reused. */
#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "frontdoor.h"
#include "http_guard.h"

enum phase {
    WAIT_HEAD, /* connected or kept alive, the next request's head not complete */
    WAIT_BODY, /* head complete, body still arriving */
    BUSY,      /* the request is being processed or answered: never cut */
    CUT        /* shut down here; MHD has yet to report it closed */
};

struct door_conn {
    struct door_conn *prev, *next; /* in order of arrival */
    struct frontdoor *door;
    int fd;
    unsigned char addr[16]; /* IPv6, or IPv4 as IPv4-mapped IPv6 */
    enum phase phase;
    double waiting_since, deadline; /* CLOCK_MONOTONIC seconds, for WAIT_HEAD and WAIT_BODY */
};

/* Why connections were cut or refused since the last summary line. */
struct door_counts {
    unsigned long head_late, body_late, dropped, per_address, full;
};

struct frontdoor {
    struct frontdoor_limits lim;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t watchdog;
    bool stopping;
    struct door_conn *head, *tail;
    unsigned live; /* tracked connections not cut */
    struct door_counts counts;
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void address_key(struct MHD_Connection *conn, unsigned char key[16])
{
    memset(key, 0, 16);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) {
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        memcpy(key, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
    }
}

/* Stops a connection whose descriptor MHD still owns (the caller holds the lock). */
static void cut(struct frontdoor *d, struct door_conn *c)
{
    shutdown(c->fd, SHUT_RDWR);
    if (c->phase != CUT)
        d->live--;
    c->phase = CUT;
}

/* A refused new connection learns why when it is plain HTTP and nothing was read from it yet;
 * best effort, the socket buffer of a fresh connection has room. */
static void refuse(struct frontdoor *d, struct door_conn *c, const char *why)
{
    if (!d->lim.tls) {
        char msg[256];
        int n = snprintf(msg, sizeof msg,
                         "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                         "Content-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n\r\n%s",
                         strlen(why), why);
        if (n > 0 && (size_t)n < sizeof msg)
            (void)!send(c->fd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    cut(d, c);
}

static void set_phase(struct door_conn *c, enum phase p, unsigned timeout)
{
    if (c->phase == CUT)
        return;
    c->phase = p;
    c->waiting_since = now_s();
    c->deadline = c->waiting_since + timeout;
}

/* Admits c, or refuses it; at the total cap the connection waiting longest for its request
 * (head or body) is cut to make room, so connections that hold a slot without completing a
 * request cannot keep out the next client. */
static void admit(struct frontdoor *d, struct door_conn *c)
{
    /* c is counted in live already and not yet in the list. */
    unsigned same = 0;
    struct door_conn *oldest = NULL;
    for (struct door_conn *o = d->head; o; o = o->next) {
        if (o->phase == CUT)
            continue;
        if (memcmp(o->addr, c->addr, 16) == 0)
            same++;
        if ((o->phase == WAIT_HEAD || o->phase == WAIT_BODY) &&
            (!oldest || o->waiting_since < oldest->waiting_since))
            oldest = o;
    }
    if (same >= d->lim.max_per_address) {
        d->counts.per_address++;
        refuse(d, c, "too many connections from your address\n");
    } else if (d->live > d->lim.max_connections && !oldest) {
        d->counts.full++;
        refuse(d, c, "too many connections, all of them busy\n");
    } else if (d->live > d->lim.max_connections) {
        d->counts.dropped++;
        cut(d, oldest);
    }
}

void frontdoor_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                             enum MHD_ConnectionNotificationCode code)
{
    struct frontdoor *d = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fi =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct door_conn *c = calloc(1, sizeof *c);
        if (!c) {
            if (fi) /* untracked, it would escape every limit */
                shutdown(fi->connect_fd, SHUT_RDWR);
            return;
        }
        c->door = d;
        c->fd = fi ? fi->connect_fd : -1;
        address_key(conn, c->addr);
        c->phase = WAIT_HEAD;
        pthread_mutex_lock(&d->lock);
        set_phase(c, WAIT_HEAD, d->lim.header_timeout);
        d->live++;
        if (c->fd >= 0)
            admit(d, c);
        c->prev = d->tail;
        if (d->tail)
            d->tail->next = c;
        else
            d->head = c;
        d->tail = c;
        pthread_mutex_unlock(&d->lock);
        *socket_context = c;
        return;
    }
    struct door_conn *c = *socket_context;
    if (!c)
        return;
    pthread_mutex_lock(&d->lock);
    if (c->phase != CUT)
        d->live--;
    if (c->prev)
        c->prev->next = c->next;
    else
        d->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        d->tail = c->prev;
    pthread_mutex_unlock(&d->lock);
    *socket_context = NULL; /* a late phase call finds nothing rather than freed memory */
    free(c);
}

/* Moves the connection to phase p; false when it was cut already (the deadline and the last
 * byte can cross), so the caller does not go on to act on a request nobody will hear about. */
static bool enter(struct MHD_Connection *conn, enum phase p)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct door_conn *c = ci ? ci->socket_context : NULL;
    if (!c)
        return true;
    struct frontdoor *d = c->door;
    pthread_mutex_lock(&d->lock);
    bool alive = c->phase != CUT;
    set_phase(c, p, p == WAIT_BODY ? d->lim.body_timeout : d->lim.header_timeout);
    pthread_mutex_unlock(&d->lock);
    return alive;
}

bool frontdoor_head_done(struct MHD_Connection *conn)
{
    return enter(conn, WAIT_BODY);
}

bool frontdoor_body_done(struct MHD_Connection *conn)
{
    return enter(conn, BUSY);
}

void frontdoor_request_done(struct MHD_Connection *conn)
{
    enter(conn, WAIT_HEAD);
}

/* Appends ", N what (LIMIT UNIT)" to line when n is not 0. */
static void count_part(char *line, size_t size, unsigned long n, const char *what, unsigned limit,
                       const char *unit)
{
    size_t len = strlen(line);
    if (n && len < size)
        snprintf(line + len, size - len, "%s%lu %s (%u%s)", len ? ", " : "", n, what, limit, unit);
}

/* One line a second at most, and only when something happened, so a flood of slow clients
 * does not flood the log as well. */
static void log_counts(const struct frontdoor *d, const struct door_counts *c)
{
    char cuts[400] = "", refused[200] = "";
    count_part(cuts, sizeof cuts, c->head_late, "past the header deadline", d->lim.header_timeout,
               " s");
    count_part(cuts, sizeof cuts, c->body_late, "past the body deadline", d->lim.body_timeout,
               " s");
    count_part(cuts, sizeof cuts, c->dropped, "waiting longest at the total cap",
               d->lim.max_connections, "");
    count_part(refused, sizeof refused, c->per_address, "over the per-address cap",
               d->lim.max_per_address, "");
    count_part(refused, sizeof refused, c->full, "with every slot busy", d->lim.max_connections,
               "");
    if (!d->lim.log || (!cuts[0] && !refused[0]))
        return;
    fprintf(stderr, "custrpc-server: connections%s%s%s%s\n", cuts[0] ? " cut: " : "", cuts,
            refused[0] ? (cuts[0] ? "; refused: " : " refused: ") : "", refused);
}

static void *watchdog(void *arg)
{
    struct frontdoor *d = arg;
    double last_log = 0;
    pthread_mutex_lock(&d->lock);
    while (!d->stopping) {
        double now = now_s();
        for (struct door_conn *c = d->head; c; c = c->next) {
            if ((c->phase == WAIT_HEAD || c->phase == WAIT_BODY) && now >= c->deadline) {
                if (c->phase == WAIT_HEAD)
                    d->counts.head_late++;
                else
                    d->counts.body_late++;
                cut(d, c);
            }
        }
        if (now - last_log >= 1.0) {
            struct door_counts counts = d->counts;
            memset(&d->counts, 0, sizeof d->counts);
            last_log = now;
            pthread_mutex_unlock(&d->lock);
            log_counts(d, &counts);
            pthread_mutex_lock(&d->lock);
        }
        /* Deadlines are whole seconds; a quarter-second tick is slack enough. */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250 * 1000 * 1000;
        if (until.tv_nsec >= 1000 * 1000 * 1000) {
            until.tv_sec++;
            until.tv_nsec -= 1000 * 1000 * 1000;
        }
        while (!d->stopping && pthread_cond_timedwait(&d->wake, &d->lock, &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&d->lock);
    log_counts(d, &d->counts);
    return NULL;
}

int frontdoor_start(struct frontdoor **out, const struct frontdoor_limits *limits,
                    struct custrpc_error *err)
{
    struct frontdoor *d = calloc(1, sizeof *d);
    if (!d)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    d->lim = *limits;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->wake, NULL);
    int rc = pthread_create(&d->watchdog, NULL, watchdog, d);
    if (rc != 0) {
        pthread_cond_destroy(&d->wake);
        pthread_mutex_destroy(&d->lock);
        free(d);
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "cannot start the watchdog: %s",
                            strerror(rc));
    }
    *out = d;
    return 0;
}

void frontdoor_stop(struct frontdoor *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    d->stopping = true;
    pthread_cond_signal(&d->wake);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->watchdog, NULL);
    /* MHD reported every connection closed when its daemon stopped; nothing should be left. */
    for (struct door_conn *c = d->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

/* What the header walk found, for frontdoor_judge. */
struct judging {
    struct http_guard_head head;
    bool open_local;
    const char *bad_origin, *bad_host;
};

static enum MHD_Result judge_header(void *cls, enum MHD_ValueKind kind, const char *name,
                                    const char *value)
{
    (void)kind;
    struct judging *j = cls;
    http_guard_add(&j->head, name, value);
    if (!j->open_local || !value)
        return MHD_YES;
    /* Every instance counts: a second Origin must not hide behind a loopback first one. */
    if (!j->bad_origin && strcasecmp(name, "Origin") == 0 && !http_guard_loopback_origin(value))
        j->bad_origin = value;
    if (!j->bad_host && strcasecmp(name, "Host") == 0 && !http_guard_loopback_host(value))
        j->bad_host = value;
    return MHD_YES;
}

unsigned frontdoor_judge(struct MHD_Connection *conn, bool open_local, char *text, size_t size)
{
    struct judging j = {.open_local = open_local};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, judge_header, &j);
    struct custrpc_error err;
    if (http_guard_framing(&j.head, &err) < 0) {
        snprintf(text, size, "bad request: %s\n", err.message);
        return MHD_HTTP_BAD_REQUEST;
    }
    /* A browser page on another site that reached us through DNS rebinding, or a cross-site
     * form, would otherwise act as root here: the open local mode trusts loopback peers, and
     * such a request comes from a loopback peer. */
    if (j.bad_origin) {
        snprintf(text, size,
                 "forbidden: Origin \"%.100s\" is not a loopback origin; without a root password "
                 "this server takes cross-site requests only from http(s)://localhost, "
                 "127.0.0.0/8 or [::1]\n",
                 j.bad_origin);
        return MHD_HTTP_FORBIDDEN;
    }
    if (j.bad_host) {
        snprintf(text, size,
                 "forbidden: Host \"%.100s\" is not a loopback name; without a root password "
                 "this server answers only requests addressed to localhost, 127.0.0.0/8 or "
                 "[::1] (DNS rebinding defence)\n",
                 j.bad_host);
        return MHD_HTTP_FORBIDDEN;
    }
    return 0;
}
