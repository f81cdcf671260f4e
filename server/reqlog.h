/* reqlog.h — the request log (one line per request, to standard error or --log-file), written in batches.
 *
 * A write(2) per request cost about 6% of createCustomer throughput at c=64 (bench, log level
 * info against warn). Request threads append their line to a buffer under a mutex; a thread of
 * the log's own writes the buffer with one write(2) every REQLOG_FLUSH_MS, or sooner when it is
 * half full, so a line reaches the file at most that long after its answer — as nginx's
 * `access_log ... buffer= flush=` does. A full buffer makes writers wait for the flush, up to
 * REQLOG_STALL_MS: a log nobody reads (a pipe to a stopped collector) must not stop the service,
 * so past that the log is stalled, lines that find no room are dropped and counted, and a line
 * says how many once the log moves again. reqlog_stop writes what is left, waiting at most
 * REQLOG_STOP_MS for a stalled log. Unbuffered (every line written at once,
 * by its own thread) when the buffer could not start, and at log level debug, where the
 * exchanges printed beside the lines must stay in order with them. */
#ifndef CUSTRPC_SERVER_REQLOG_H
#define CUSTRPC_SERVER_REQLOG_H

#include <stdbool.h>

#include <custrpc/error.h>

#ifndef REQLOG_FLUSH_MS
#define REQLOG_FLUSH_MS 20
#endif
#define REQLOG_STALL_MS 1000
#define REQLOG_STOP_MS 2000

struct reqlog;

/* A log writing to fd; NULL when buffered is false or the thread cannot start (then
 * reqlog_line writes directly). */
struct reqlog *reqlog_start(int fd, bool buffered);
void reqlog_line(struct reqlog *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes what is buffered, stops the thread, frees l (NULL allowed). */
void reqlog_stop(struct reqlog *l);

/* --log-file: path opened for appending, created 0600 (the server's umask); the descriptor, or
 * -1 with err naming the file. */
int reqlog_open_file(const char *path, struct custrpc_error *err);
/* Makes fd the process's standard error (and closes fd): the request log, which writes to
 * descriptor 2, and every server message follow it. dup2 swaps the descriptor atomically, so
 * after a SIGHUP reopen a write already under way ends in the old file and every later one,
 * buffered lines included, goes to the new file: none is lost or written twice. */
void reqlog_use_file(int fd);

/* A server message (up to 1 KiB, one line) to standard error that must not block (the stop's
 * own message, a reload's) when the log is not being read: written only when standard error
 * can take it at once. */
void reqlog_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
