/* reqlog.c — the request log, written in batches by a thread of its own (reqlog.h). */
#define _GNU_SOURCE /* pthread_timedjoin_np: a stop that does not wait forever for a stalled log */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reqlog.h"

#define REQLOG_BUFFER (64 * 1024)
#define REQLOG_LINE_MAX 2048

struct reqlog {
    int fd;
    pthread_mutex_t lock;
    pthread_cond_t wake;    /* the log thread: lines arrived, half full, or stop */
    pthread_cond_t drained; /* writers waiting for room */
    char *buf, *spare;      /* lines gathering; the buffer being written (NULL meanwhile) */
    size_t len;
    bool stopping;
    bool stalled;          /* a writer found no room for REQLOG_STALL_MS: drop, do not wait */
    unsigned long dropped; /* lines dropped since the log last moved */
    pthread_t thread;
};

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* nowhere to report a log that cannot be written */
        p += w;
        n -= (size_t)w;
    }
}

static void deadline_in_ms(struct timespec *t, long ms)
{
    clock_gettime(CLOCK_MONOTONIC, t);
    t->tv_nsec += ms * 1000000L;
    t->tv_sec += t->tv_nsec / 1000000000L;
    t->tv_nsec %= 1000000000L;
}

/* Sleeps until a line arrives, then gathers for REQLOG_FLUSH_MS (less when the buffer is half
 * full) and writes the batch with the lock released, so writers fill the other buffer. */
static void *log_main(void *arg)
{
    struct reqlog *l = arg;
    pthread_mutex_lock(&l->lock);
    for (;;) {
        while (l->len == 0 && !l->stopping)
            pthread_cond_wait(&l->wake, &l->lock);
        if (l->len == 0)
            break; /* stopping, and all written */
        struct timespec until;
        deadline_in_ms(&until, REQLOG_FLUSH_MS);
        while (l->len < REQLOG_BUFFER / 2 && !l->stopping &&
               pthread_cond_timedwait(&l->wake, &l->lock, &until) != ETIMEDOUT)
            ;
        char *full = l->buf;
        size_t n = l->len;
        l->buf = l->spare;
        l->spare = NULL;
        l->len = 0;
        pthread_cond_broadcast(&l->drained);
        pthread_mutex_unlock(&l->lock);
        write_all(l->fd, full, n);
        pthread_mutex_lock(&l->lock);
        l->spare = full;
        /* The log moved: waiting for room is worth it again. */
        l->stalled = false;
        if (l->dropped) {
            char note[160];
            int k = snprintf(note, sizeof note,
                             "custrpc-server: %lu request log lines dropped: the log was not "
                             "being read\n",
                             l->dropped);
            l->dropped = 0;
            pthread_mutex_unlock(&l->lock);
            write_all(l->fd, note, (size_t)k);
            pthread_mutex_lock(&l->lock);
        }
    }
    pthread_mutex_unlock(&l->lock);
    return NULL;
}

struct reqlog *reqlog_start(int fd, bool buffered)
{
    if (!buffered)
        return NULL;
    struct reqlog *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->fd = fd;
    l->buf = malloc(REQLOG_BUFFER);
    l->spare = malloc(REQLOG_BUFFER);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&l->wake, &ca);
    pthread_cond_init(&l->drained, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&l->lock, NULL);
    if (!l->buf || !l->spare || pthread_create(&l->thread, NULL, log_main, l) != 0) {
        pthread_mutex_destroy(&l->lock);
        pthread_cond_destroy(&l->drained);
        pthread_cond_destroy(&l->wake);
        free(l->buf);
        free(l->spare);
        free(l);
        return NULL;
    }
    return l;
}

void reqlog_line(struct reqlog *l, const char *fmt, ...)
{
    char line[REQLOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    if (len && line[len - 1] != '\n')
        line[len - 1] = '\n'; /* cut: still one line */
    if (!l) {
        write_all(STDERR_FILENO, line, len);
        return;
    }
    pthread_mutex_lock(&l->lock);
    struct timespec until;
    deadline_in_ms(&until, REQLOG_STALL_MS);
    while (l->len + len > REQLOG_BUFFER) {
        pthread_cond_signal(&l->wake);
        if (l->stalled ||
            pthread_cond_timedwait(&l->drained, &l->lock, &until) == ETIMEDOUT) {
            l->stalled = true;
            l->dropped++;
            pthread_mutex_unlock(&l->lock);
            return;
        }
    }
    bool was_empty = l->len == 0;
    memcpy(l->buf + l->len, line, len);
    l->len += len;
    if (was_empty || (l->len >= REQLOG_BUFFER / 2 && l->len - len < REQLOG_BUFFER / 2))
        pthread_cond_signal(&l->wake);
    pthread_mutex_unlock(&l->lock);
}

void reqlog_stop(struct reqlog *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->lock);
    l->stopping = true;
    pthread_cond_signal(&l->wake);
    pthread_mutex_unlock(&l->lock);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until); /* pthread_timedjoin_np's clock */
    until.tv_sec += REQLOG_STOP_MS / 1000;
    if (pthread_timedjoin_np(l->thread, NULL, &until) != 0) {
        /* Stuck in write(2) on a log nobody reads: the process is ending, so leave the thread
         * and what it uses as they are rather than wait forever. */
        pthread_detach(l->thread);
        return;
    }
    pthread_mutex_destroy(&l->lock);
    pthread_cond_destroy(&l->drained);
    pthread_cond_destroy(&l->wake);
    free(l->buf);
    free(l->spare);
    free(l);
}

int reqlog_open_file(const char *path, struct custrpc_error *err)
{
    /* O_NONBLOCK: a FIFO nobody reads is refused (ENXIO) instead of waited on, as SIGHUP's
     * reopen would on the thread that also waits for SIGTERM; writes block again after. */
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);
    if (fd < 0 || fcntl(fd, F_SETFL, O_APPEND) < 0) {
        const int e = errno;
        if (fd >= 0)
            close(fd);
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "--log-file '%s': %s", path,
                            e == ENXIO ? "a FIFO that nobody reads" : strerror(e));
    }
    return fd;
}

void reqlog_use_file(int fd)
{
    if (fd == STDERR_FILENO)
        return;
    (void)dup2(fd, STDERR_FILENO); /* cannot fail for two open descriptors */
    close(fd);
}

void reqlog_note(const char *fmt, ...)
{
    char line[1024]; /* a reload's message names a file and a libxml2 error */
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    if (line[len - 1] != '\n')
        line[len - 1] = '\n'; /* cut: still one line */
    /* A pipe with room for PIPE_BUF bytes takes a short line whole without blocking; a file
     * always can. */
    struct pollfd p = {STDERR_FILENO, POLLOUT, 0};
    if (poll(&p, 1, 0) == 1 && (p.revents & POLLOUT))
        write_all(STDERR_FILENO, line, len);
}
