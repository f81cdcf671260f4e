/* loadgen.c — a keep-alive HTTP/1.1 load generator for bench/run: N connections over T threads
 * (epoll each), every request a unique body, Digest once per connection then its nonce with nc
 * incremented, JSON-RPC visas followed per connection; prints req/s, p50/p99/max and errors.
 * Usage: bench/loadgen --url URL --body FILE [-c N] [-t T] [-d SECONDS] [...] (see --help) */
#define _GNU_SOURCE /* memmem */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "loadgen.h"

#define MAX_CONNECT_FAILURES 3

struct conn {
    int fd;
    int index;
    struct lg_buf out, in;
    size_t out_off;
    struct lg_digest digest;
    char visa[512];
    char token[64];
    uint64_t t_start; /* when the request (its Digest round included) was first sent */
    unsigned long seq;
    int challenged; /* 401s answered for the request in flight */
    int connect_failures;
    bool busy, writing, served;
};

struct worker {
    int id;
    const char *run_id; /* tokens of this run differ from every earlier run's */
    const struct lg_config *cfg;
    const struct sockaddr_storage *addr;
    socklen_t addr_len;
    uint64_t deadline;
    int epfd;
    int n_conns;
    struct conn *conns;
    /* results */
    uint64_t *lat; /* nanoseconds of each request completed before the deadline */
    size_t n_lat, cap_lat;
    unsigned long errors, challenges, reconnects, unfinished, served;
    char first_error[200];
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Counts an error; the first one is kept, on one line: "fault CODE: TEXT" for an XML-RPC fault,
 * else the start of the answer. */
static void error_note(struct worker *w, const char *what, const char *detail, size_t n)
{
    w->errors++;
    if (w->first_error[0])
        return;
    const char *code = memmem(detail, n, "faultCode", 9);
    const char *text = memmem(detail, n, "faultString", 11);
    if (code && text) {
        /* <value><i4>CODE or <value><int>CODE: the number after the type's tag */
        const char *v = strstr(code, "<value>");
        code = v && (v = strchr(v + 7, '>')) ? v + 1 : code;
        text = strstr(text, "<string>");
        size_t tl = text ? strcspn(text += 8, "<") : 0;
        snprintf(w->first_error, sizeof w->first_error, "fault %ld: %.*s", strtol(code, NULL, 10),
                 (int)(tl > 150 ? 150 : tl), text ? text : "");
        return;
    }
    int len = snprintf(w->first_error, sizeof w->first_error, "%s: %.*s", what,
                       (int)(n > 150 ? 150 : n), detail);
    for (int i = 0; i < len && i < (int)sizeof w->first_error; i++)
        if (w->first_error[i] == '\n' || w->first_error[i] == '\r')
            w->first_error[i] = ' ';
}

static void watch(struct worker *w, struct conn *c, bool out, int op)
{
    struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0u), .data.ptr = c};
    c->writing = out;
    epoll_ctl(w->epfd, op, c->fd, &ev);
}

static void conn_open(struct worker *w, struct conn *c)
{
    c->fd = socket(w->addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (const struct sockaddr *)w->addr, w->addr_len) < 0 && errno != EINPROGRESS) {
        error_note(w, "connect", strerror(errno), strlen(strerror(errno)));
        close(c->fd);
        c->fd = -1;
        c->connect_failures++;
        return;
    }
    c->in.len = 0;
    c->digest.have = false; /* a new connection logs in again: one challenge per connection */
    watch(w, c, true, EPOLL_CTL_ADD);
}

static void conn_close(struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static void flush_out(struct worker *w, struct conn *c);

static void send_request(struct worker *w, struct conn *c, bool fresh)
{
    if (fresh) {
        c->seq++;
        snprintf(c->token, sizeof c->token, "%s-%dn%lu", w->run_id, c->index, c->seq);
        c->t_start = now_ns();
        c->challenged = 0;
    }
    if (lg_build_request(w->cfg, c->token, c->visa, &c->digest, &c->out) < 0) {
        fprintf(stderr, "loadgen: out of memory\n");
        exit(70);
    }
    c->out_off = 0;
    c->busy = true;
    c->in.len = 0;
    flush_out(w, c);
}

/* The connection broke or was closed: a request in flight is an error; open another. */
static void conn_reopen(struct worker *w, struct conn *c, const char *why)
{
    if (c->busy)
        error_note(w, "connection lost", why, strlen(why));
    c->busy = false;
    conn_close(c);
    /* A connection that never got an answer: the server is not there; give up on it soon. */
    if (!c->served && ++c->connect_failures >= MAX_CONNECT_FAILURES) {
        return;
    }
    w->reconnects++;
    conn_open(w, c);
    if (c->fd >= 0)
        send_request(w, c, true);
}

static void flush_out(struct worker *w, struct conn *c)
{
    while (c->out_off < c->out.len) {
        ssize_t n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN)) {
            if (!c->writing)
                watch(w, c, true, EPOLL_CTL_MOD);
            return;
        }
        if (n < 0) {
            conn_reopen(w, c, strerror(errno));
            return;
        }
        c->out_off += (size_t)n;
    }
    if (c->writing)
        watch(w, c, false, EPOLL_CTL_MOD);
}

static void record(struct worker *w, uint64_t ns)
{
    if (w->n_lat == w->cap_lat) {
        w->cap_lat = w->cap_lat ? 2 * w->cap_lat : 65536;
        w->lat = realloc(w->lat, w->cap_lat * sizeof *w->lat);
        if (!w->lat) {
            fprintf(stderr, "loadgen: out of memory\n");
            exit(70);
        }
    }
    w->lat[w->n_lat++] = ns;
}

/* A whole answer is in c->in: count it, follow a challenge or a visa, send the next request. */
static void answered(struct worker *w, struct conn *c, const struct lg_answer *a)
{
    const char *body = c->in.data + a->head_len;
    uint64_t t = now_ns();
    c->busy = false;
    if (a->status == 401 && w->cfg->user && a->challenge[0] && c->challenged < 2 &&
        (!c->digest.have || a->stale) && lg_digest_take(&c->digest, a->challenge) == 0) {
        w->challenges++;
        c->challenged++;
        if (a->close)
            conn_reopen(w, c, "closed after 401");
        else
            send_request(w, c, false);
        return;
    }
    if (t > w->deadline)
        return;
    record(w, t - c->t_start);
    if (!c->served) {
        c->served = true;
        w->served++;
    }
    char what[32];
    snprintf(what, sizeof what, "HTTP %d", a->status);
    if (a->status != 200)
        error_note(w, what, body, a->body_len);
    else if (!lg_body_ok(w->cfg, body, a->body_len))
        error_note(w, "fault", body, a->body_len);
    if (w->cfg->visa)
        lg_take_visa(body, a->body_len, c->visa, sizeof c->visa);
    if (a->close)
        conn_reopen(w, c, "Connection: close");
    else
        send_request(w, c, true);
}

static void readable(struct worker *w, struct conn *c)
{
    for (;;) {
        if (lg_buf_reserve(&c->in, 16384) < 0) {
            fprintf(stderr, "loadgen: out of memory\n");
            exit(70);
        }
        ssize_t n = recv(c->fd, c->in.data + c->in.len, c->in.cap - c->in.len - 1, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            conn_reopen(w, c, n == 0 ? "closed by the server" : strerror(errno));
            return;
        }
        c->in.len += (size_t)n;
        c->in.data[c->in.len] = '\0'; /* the body is searched as a string */
        struct lg_answer a;
        int rc = lg_parse_answer(c->in.data, c->in.len, &a);
        if (rc < 0) {
            error_note(w, "unreadable answer", c->in.data, c->in.len);
            c->busy = false;
            conn_reopen(w, c, "unreadable answer");
            return;
        }
        if (rc == 1) {
            answered(w, c, &a);
            return;
        }
    }
}

static void *run(void *arg)
{
    struct worker *w = arg;
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i < w->n_conns; i++) {
        struct conn *c = &w->conns[i];
        c->fd = -1;
        if (w->cfg->visa)
            snprintf(c->visa, sizeof c->visa, "%s", w->cfg->visa);
        conn_open(w, c);
        if (c->fd >= 0)
            send_request(w, c, true);
    }
    struct epoll_event ev[64];
    for (;;) {
        uint64_t t = now_ns();
        int open = 0;
        for (int i = 0; i < w->n_conns; i++)
            open += w->conns[i].fd >= 0;
        if (t >= w->deadline || open == 0)
            break;
        int ms = (int)((w->deadline - t) / 1000000u) + 1;
        int n = epoll_wait(w->epfd, ev, 64, ms);
        for (int i = 0; i < n; i++) {
            struct conn *c = ev[i].data.ptr;
            if (c->fd < 0)
                continue;
            if (ev[i].events & (EPOLLERR | EPOLLHUP) && !(ev[i].events & EPOLLIN)) {
                int err = 0;
                socklen_t len = sizeof err;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
                conn_reopen(w, c, strerror(err));
                continue;
            }
            if (ev[i].events & EPOLLOUT)
                flush_out(w, c);
            if (c->fd >= 0 && (ev[i].events & EPOLLIN))
                readable(w, c);
        }
    }
    for (int i = 0; i < w->n_conns; i++) {
        w->unfinished += w->conns[i].busy;
        conn_close(&w->conns[i]);
    }
    close(w->epfd);
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest latency at or above fraction q of the requests. */
static double pct_us(const uint64_t *v, size_t n, double q)
{
    if (n == 0)
        return 0;
    size_t k = (size_t)(q * (double)n + 0.999999);
    return (double)v[(k ? k : 1) - 1] / 1000.0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct lg_buf b = {0};
    size_t n;
    char chunk[8192];
    if (lg_buf_reserve(&b, 0) < 0) { /* an empty file is an empty string */
        fclose(f);
        return NULL;
    }
    b.data[0] = '\0';
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (lg_buf_reserve(&b, n) < 0)
            break;
        memcpy(b.data + b.len, chunk, n);
        b.len += n;
        b.data[b.len] = '\0';
    }
    fclose(f);
    return b.data;
}

static int parse_url(const char *url, struct lg_config *cfg)
{
    const char *p = url;
    if (strncmp(p, "http://", 7) != 0)
        return -1;
    p += 7;
    size_t hl = strcspn(p, ":/");
    if (hl == 0 || hl >= sizeof cfg->host || p[hl] != ':')
        return -1;
    memcpy(cfg->host, p, hl);
    cfg->host[hl] = '\0';
    char *end;
    long port = strtol(p + hl + 1, &end, 10);
    if (port <= 0 || port > 65535 || (*end != '/' && *end != '\0'))
        return -1;
    cfg->port = (int)port;
    snprintf(cfg->path, sizeof cfg->path, "%s", *end ? end : "/");
    return 0;
}

static void usage(FILE *out)
{
    fputs("Usage: loadgen --url http://HOST:PORT/PATH --body FILE [OPTION]...\n"
          "Keeps N HTTP/1.1 connections busy with POSTs of FILE for a bounded time and prints\n"
          "one line: requests, errors, req/s, p50/p99/max latency.\n\n"
          "  --body FILE           request body template: @N@ becomes a token unique across\n"
          "                        runs, @VISA@ the connection's newest visa\n"
          "  -c, --connections N   keep-alive connections (default 1)\n"
          "  -t, --threads N       threads sharing the connections (default min(2, N))\n"
          "  -d, --seconds S       length of the run (default 5; decimals allowed)\n"
          "  --content-type TYPE   default text/xml\n"
          "  --user LOGIN          answer Digest challenges as LOGIN: once per connection,\n"
          "                        then the same nonce with nc incremented\n"
          "  --password-file FILE  the password for --user (first line)\n"
          "  --visa VISA           JSON-RPC: the first visa; each answer's visa is used next\n"
          "  --json                a JSON-RPC \"error\" member is an error (default: XML-RPC\n"
          "                        <fault>)\n"
          "A request is an error when its answer is not 200, is a fault, or its connection\n"
          "breaks. Exit status: 0 when it ran, 64 usage, 69 cannot reach the server.\n",
          out);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"url", required_argument, NULL, 'u'},
                                         {"body", required_argument, NULL, 'b'},
                                         {"connections", required_argument, NULL, 'c'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"seconds", required_argument, NULL, 'd'},
                                         {"content-type", required_argument, NULL, 'T'},
                                         {"user", required_argument, NULL, 'U'},
                                         {"password-file", required_argument, NULL, 'P'},
                                         {"visa", required_argument, NULL, 'V'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct lg_config cfg = {.content_type = "text/xml"};
    const char *url = NULL, *body_path = NULL, *pw_path = NULL;
    int n_conns = 1, n_threads = 0;
    double seconds = 5;
    int opt;
    while ((opt = getopt_long(argc, argv, "c:t:d:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'u': url = optarg; break;
        case 'b': body_path = optarg; break;
        case 'c': n_conns = atoi(optarg); break;
        case 't': n_threads = atoi(optarg); break;
        case 'd': seconds = atof(optarg); break;
        case 'T': cfg.content_type = optarg; break;
        case 'U': cfg.user = optarg; break;
        case 'P': pw_path = optarg; break;
        case 'V': cfg.visa = optarg; break;
        case 'j': cfg.json = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 64;
        }
    }
    if (!url || !body_path || optind != argc || n_conns < 1 || seconds <= 0 ||
        (cfg.user && !pw_path) || parse_url(url, &cfg) < 0) {
        usage(stderr);
        return 64;
    }
    if (n_threads <= 0)
        n_threads = n_conns < 2 ? n_conns : 2;
    if (n_threads > n_conns)
        n_threads = n_conns;
    cfg.body = slurp(body_path);
    if (!cfg.body) {
        fprintf(stderr, "loadgen: cannot read %s\n", body_path);
        return 64;
    }
    if (pw_path) {
        char *pw = slurp(pw_path);
        if (!pw) {
            fprintf(stderr, "loadgen: cannot read %s\n", pw_path);
            return 64;
        }
        pw[strcspn(pw, "\r\n")] = '\0';
        snprintf(cfg.password, sizeof cfg.password, "%s", pw);
        free(pw);
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
    char port[16];
    snprintf(port, sizeof port, "%d", cfg.port);
    if (getaddrinfo(cfg.host, port, &hints, &ai) != 0) {
        fprintf(stderr, "loadgen: cannot resolve %s\n", cfg.host);
        return 69;
    }
    struct sockaddr_storage addr;
    memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
    socklen_t addr_len = ai->ai_addrlen;
    freeaddrinfo(ai);

    struct worker *w = calloc((size_t)n_threads, sizeof *w);
    struct conn *conns = calloc((size_t)n_conns, sizeof *conns);
    pthread_t *tid = calloc((size_t)n_threads, sizeof *tid);
    if (!w || !conns || !tid)
        return 70;
    uint64_t start = now_ns(), deadline = start + (uint64_t)(seconds * 1e9);
    char run_id[32];
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    snprintf(run_id, sizeof run_id, "%lx%lx", (unsigned long)wall.tv_sec,
             (unsigned long)(wall.tv_nsec / 1000) ^ (unsigned long)getpid());
    for (int i = 0, first = 0; i < n_threads; i++) {
        int share = n_conns / n_threads + (i < n_conns % n_threads);
        w[i] = (struct worker){.id = i,
                               .run_id = run_id,
                               .cfg = &cfg,
                               .addr = &addr,
                               .addr_len = addr_len,
                               .deadline = deadline,
                               .n_conns = share,
                               .conns = conns + first};
        for (int k = 0; k < share; k++)
            conns[first + k].index = first + k;
        first += share;
        pthread_create(&tid[i], NULL, run, &w[i]);
    }
    size_t total = 0;
    for (int i = 0; i < n_threads; i++) {
        pthread_join(tid[i], NULL);
        total += w[i].n_lat;
    }
    uint64_t *lat = malloc((total ? total : 1) * sizeof *lat);
    unsigned long errors = 0, challenges = 0, reconnects = 0, unfinished = 0, served = 0;
    const char *first_error = "";
    size_t k = 0;
    for (int i = 0; i < n_threads; i++) {
        memcpy(lat + k, w[i].lat, w[i].n_lat * sizeof *lat);
        k += w[i].n_lat;
        errors += w[i].errors;
        challenges += w[i].challenges;
        reconnects += w[i].reconnects;
        unfinished += w[i].unfinished;
        served += w[i].served;
        if (!first_error[0] && w[i].first_error[0])
            first_error = w[i].first_error;
    }
    qsort(lat, total, sizeof *lat, cmp_u64);
    printf("requests=%zu errors=%lu seconds=%.3f rps=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f "
           "connections=%d served=%lu unfinished=%lu challenges=%lu reconnects=%lu\n",
           total, errors, seconds, (double)total / seconds, pct_us(lat, total, 0.50),
           pct_us(lat, total, 0.99), total ? (double)lat[total - 1] / 1000.0 : 0.0, n_conns, served,
           unfinished, challenges, reconnects);
    if (first_error[0])
        fprintf(stderr, "loadgen: first error: %s\n", first_error);
    int status = total == 0 && errors > 0 ? 69 : 0;
    /* Everything freed, so the sanitizer build's leak check passes (make check runs this). */
    for (int i = 0; i < n_conns; i++) {
        free(conns[i].out.data);
        free(conns[i].in.data);
    }
    for (int i = 0; i < n_threads; i++)
        free(w[i].lat);
    free(lat);
    free(w);
    free(conns);
    free(tid);
    free(cfg.body);
    return status;
}
