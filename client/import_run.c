/* import_run.c — the import's worker pool. Each worker has its own client handle (handles are
 * per thread) and takes the next row from a shared counter. Whether a row is already there is
 * decided by looking its name up (getCustomerInfo), never by a fault code, which servers other
 * than custrpc-server do not share; a create that times out is never re-sent blindly. */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "import_run.h"
#include "output.h"

#define MAX_ATTEMPTS 3

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
    signal(SIGINT, SIG_DFL); /* a second Ctrl-C ends the program at once */
}

struct run {
    struct import_file *f;
    const struct import_options *o;
    atomic_size_t next, done;
    atomic_bool stop;
    pthread_mutex_t lock; /* results file and totals */
    FILE *results;
    struct import_totals *t;
    char **lines;     /* per row: its result line, once written */
    int open_error;   /* exit code when a worker could not open a client */
    double next_send; /* --rate: when the next create may start (monotonic seconds) */
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --rate: a token bucket holding one token, refilled every 1/rate seconds and shared by the
 * workers, so creates are evenly spaced whatever --jobs is. A worker reserves its start time
 * under the lock and sleeps outside it, waking every 100 ms to see a Ctrl-C. false: stopped
 * while waiting (the row is left unsent). */
static bool wait_turn(struct run *r)
{
    if (r->o->rate <= 0)
        return true;
    pthread_mutex_lock(&r->lock);
    double t = now(), at = r->next_send > t ? r->next_send : t;
    r->next_send = at + 1.0 / r->o->rate;
    pthread_mutex_unlock(&r->lock);
    for (double left; (left = at - now()) > 0;) {
        if (interrupted || atomic_load(&r->stop))
            return false;
        double step = left < 0.1 ? left : 0.1;
        nanosleep(&(struct timespec){0, (long)(step * 1e9)}, NULL);
    }
    return true;
}

/* One line of the results file, appended at once (so a run stopped any way leaves an accurate
 * file) and kept for the final, row-ordered rewrite; the caller holds the lock. */
static void result_line(struct run *r, size_t i, const char *status, int64_t id,
                        const struct custrpc_error *err)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    if (!out)
        return;
    const struct import_row *row = &r->f->rows[i];
    fprintf(out, "%zu,%zu,", i + 1, row->line);
    /* CSV quoting: double the quotes inside a quoted cell. */
    fputc('"', out);
    for (const char *p = import_row_name(r->f, row); *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fprintf(out, "\",%s,", status);
    if (id > 0)
        fprintf(out, "%lld", (long long)id);
    fputc(',', out);
    if (err && err->kind == CUSTRPC_KIND_FAULT)
        fprintf(out, "%d", err->code);
    fputs(",\"", out);
    for (const char *p = err ? err->message : ""; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p == '\n' ? ' ' : *p, out);
    }
    fputs("\"\n", out);
    fclose(out);
    fputs(text, r->results);
    fflush(r->results);
    r->lines[i] = text;
}

static void record(struct run *r, size_t i, const char *status, int64_t id,
                   const struct custrpc_error *err, size_t *counter)
{
    pthread_mutex_lock(&r->lock);
    result_line(r, i, status, id, err);
    (*counter)++;
    pthread_mutex_unlock(&r->lock);
    atomic_fetch_add(&r->done, 1);
}

/* --- customers: the default kind ------------------------------------------------------------ */

static int customer_open(const struct conn_options *conn, void **client)
{
    struct custrpc_client *cl;
    int status = conn_open(conn, &cl);
    *client = cl;
    return status;
}

static void customer_close(void *client)
{
    custrpc_client_free(client);
}

static int customer_create(void *client, const struct import_file *f, const struct import_row *row,
                           int64_t *id, struct custrpc_error *err)
{
    (void)f;
    return custrpc_client_create(client, &row->c, id, err);
}

static int customer_lookup(void *client, const struct conn_options *conn, const char *name,
                           int64_t *id, struct custrpc_error *err)
{
    struct custrpc_customer c;
    if (custrpc_client_get_ex(client, 0, name, conn->wholesaler, &c, id, NULL, err) == 0) {
        custrpc_customer_free(&c);
        return 1;
    }
    return err->kind == CUSTRPC_KIND_FAULT ? 0 : -1;
}

static const struct import_kind customers = {customer_open, customer_close, customer_create,
                                             customer_lookup};

static int exists(void *cl, const struct run *r, const char *name, int64_t *id,
                  struct custrpc_error *err)
{
    return r->o->kind->lookup(cl, r->o->conn, name, id, err);
}

/* Nothing was sent and nothing more can be: stop every worker, keep the first reason. */
static void connect_failed(struct run *r, const struct custrpc_error *err)
{
    pthread_mutex_lock(&r->lock);
    if (!r->t->connect_failed) {
        r->t->connect_failed = true;
        r->t->connect_error = *err;
    }
    pthread_mutex_unlock(&r->lock);
    atomic_store(&r->stop, true);
}

static void send_row(struct run *r, void *cl, size_t i)
{
    struct import_row *row = &r->f->rows[i];
    const char *name = import_row_name(r->f, row);
    struct custrpc_error err, lookup;
    int64_t id = 0;
    for (int attempt = 1;; attempt++) {
        if (!wait_turn(r))
            return;
        if (r->o->kind->create(cl, r->f, row, &id, &err) == 0) {
            record(r, i, "created", id, NULL, &r->t->created);
            return;
        }
        if (err.code == CUSTRPC_E_CONNECT) {
            connect_failed(r, &err); /* the row stays unsent, and is reported so */
            return;
        }
        /* Refused credentials (HTTP 401; the partner API's Login error 2100) refuse every row. */
        if ((err.kind == CUSTRPC_KIND_HTTP && err.code == CUSTRPC_E_AUTH) ||
            (err.kind == CUSTRPC_KIND_FAULT && err.code == CUSTRPC_E_LOGIN)) {
            r->t->auth_failed = true;
            atomic_store(&r->stop, true);
            break;
        }
        if (err.kind == CUSTRPC_KIND_FAULT) {
            /* Refused: because it is already there (a re-run), or for a reason of its own. */
            if (exists(cl, r, name, &id, &lookup) == 1) {
                record(r, i, "exists", id, NULL, &r->t->existing);
                return;
            }
            break;
        }
        if (!cli_outcome_unknown(&err))
            break;
        /* Cut off midway, timed out, or an answer that cannot be read (an HTTP 5xx, a broken
         * body): the create may have landed. Look before sending again. A server that answers
         * nothing readable is looked at once, not waited for. */
        int found = -1;
        const int looks =
            err.kind == CUSTRPC_KIND_TRANSPORT && err.code != CUSTRPC_E_PROTOCOL ? MAX_ATTEMPTS : 1;
        for (int look = 0; look < looks && found < 0; look++) {
            found = exists(cl, r, name, &id, &lookup);
            if (found < 0 && lookup.code == CUSTRPC_E_CONNECT)
                break;
            if (found < 0)
                sleep(1);
        }
        if (found == 1) {
            record(r, i, "created", id, NULL, &r->t->created);
            return;
        }
        if (found < 0) {
            custrpc_fail(&err, err.code, NULL, "unknown whether created: %s; lookup: %s",
                         err.message, lookup.message);
            err.kind = CUSTRPC_KIND_TRANSPORT;
            if (lookup.code == CUSTRPC_E_CONNECT)
                connect_failed(r, &lookup);
            break;
        }
        if (attempt == MAX_ATTEMPTS)
            break; /* not there after the last attempt: failed */
    }
    record(r, i, "failed", 0, &err, &r->t->failed);
}

static void *worker(void *arg)
{
    struct run *r = arg;
    void *cl = NULL;
    int status = r->o->kind->open(r->o->conn, &cl);
    if (status != EXIT_OK) {
        pthread_mutex_lock(&r->lock);
        r->open_error = status;
        pthread_mutex_unlock(&r->lock);
        atomic_store(&r->stop, true);
        return NULL;
    }
    for (;;) {
        if (interrupted || atomic_load(&r->stop))
            break;
        size_t i = atomic_fetch_add(&r->next, 1);
        if (i >= r->f->n)
            break;
        if (r->f->rows[i].valid)
            send_row(r, cl, i);
    }
    r->o->kind->close(cl);
    return NULL;
}

/* n with thousands separators: 12,000 (people read the line, not scripts: they have the
 * results file). */
static const char *grouped(size_t n, char buf[32])
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%zu", n), k = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            buf[k++] = ',';
        buf[k++] = digits[i];
    }
    buf[k] = '\0';
    return buf;
}

static void progress(struct run *r, size_t total, double start, bool final)
{
    size_t done = atomic_load(&r->done);
    pthread_mutex_lock(&r->lock);
    size_t created = r->t->created, existing = r->t->existing, failed = r->t->failed;
    pthread_mutex_unlock(&r->lock);
    double secs = now() - start;
    double rate = secs > 0 ? (double)done / secs : 0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0;
    char b[6][32];
    fprintf(stderr, "%simport: %s/%s rows  %s created  %s exist  %s failed  %s rows/s  ETA %.0fs%s",
            r->o->progress_tty ? "\r" : "", grouped(done, b[0]), grouped(total, b[1]),
            grouped(created, b[2]), grouped(existing, b[3]), grouped(failed, b[4]),
            grouped((size_t)(rate + 0.5), b[5]), eta,
            !r->o->progress_tty ? "\n"
            : final             ? "   \n"
                                : "   ");
}

#define RESULTS_HEADER "row,line,name,status,i_customer,fault_code,message\n"

/* Replaces the completion-ordered results file with one in row order, atomically. */
static int rewrite_in_row_order(const struct run *r, const char *path)
{
    size_t n = strlen(path) + 5;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    int rc = out ? 0 : -1;
    if (out) {
        fputs(RESULTS_HEADER, out);
        for (size_t i = 0; i < r->f->n; i++)
            if (r->lines[i])
                fputs(r->lines[i], out);
        rc = fflush(out) == 0 && fsync(fileno(out)) == 0 ? 0 : -1;
        rc = fclose(out) == 0 ? rc : -1;
        rc = rc == 0 ? rename(tmp, path) : rc;
    }
    free(tmp);
    return rc;
}

/* An earlier results file is kept, renamed to PATH.N with N the first number free (as wget
 * does): it may be the only record of a run that created customers. */
static int keep_previous(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    size_t size = strlen(path) + 24;
    char *to = malloc(size);
    int rc = -1;
    for (unsigned n = 1; to && n < 1000000; n++) {
        snprintf(to, size, "%s.%u", path, n);
        if (lstat(to, &st) == 0)
            continue;
        rc = rename(path, to);
        if (rc == 0)
            fprintf(stderr, "custrpc import: the earlier %s is kept as %s\n", path, to);
        else
            fprintf(stderr, "custrpc import: cannot keep the earlier %s as %s: %s\n", path, to,
                    strerror(errno));
        break;
    }
    free(to);
    return rc;
}

int import_run(struct import_file *f, const struct import_options *options, struct import_totals *t)
{
    struct import_options with_kind = *options;
    if (!with_kind.kind)
        with_kind.kind = &customers;
    const struct import_options *o = &with_kind;
    struct run r = {.f = f, .o = o, .t = t};
    memset(t, 0, sizeof *t);
    if (keep_previous(o->results_path) < 0)
        return EXIT_USAGE;
    r.results = fopen(o->results_path, "w");
    if (!r.results) {
        perror(o->results_path);
        return EXIT_USAGE;
    }
    pthread_mutex_init(&r.lock, NULL);
    r.lines = calloc(f->n ? f->n : 1, sizeof *r.lines);
    if (!r.lines) {
        fclose(r.results);
        return EXIT_DATA;
    }
    fputs(RESULTS_HEADER, r.results);
    for (size_t i = 0; i < f->n; i++)
        if (!f->rows[i].valid) {
            result_line(&r, i, "invalid", 0, &f->rows[i].err);
            t->invalid++;
        }
    size_t to_send = f->n - f->invalid;
    interrupted = 0;
    struct sigaction sa = {.sa_handler = on_sigint}, old;
    sigaction(SIGINT, &sa, &old);
    unsigned jobs = o->jobs ? o->jobs : 1;
    pthread_t *threads = calloc(jobs, sizeof *threads);
    unsigned started = 0;
    for (; threads && started < jobs; started++)
        if (pthread_create(&threads[started], NULL, worker, &r) != 0)
            break;
    double start = now(), last = start;
    while (atomic_load(&r.done) < to_send && !atomic_load(&r.stop) && !interrupted && started) {
        nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
        /* A terminal gets a redrawn line 5 times a second; a log a line every 10 seconds. */
        if (now() - last >= (o->progress_tty ? 0.2 : 10.0)) {
            progress(&r, to_send, start, false);
            last = now();
        }
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    progress(&r, to_send, start, true);
    sigaction(SIGINT, &old, NULL);
    t->interrupted = interrupted != 0;
    for (size_t i = 0; i < f->n; i++)
        if (!r.lines[i]) {
            struct custrpc_error why;
            custrpc_fail(&why, CUSTRPC_E_TRANSPORT, NULL, "%s",
                         t->interrupted      ? "not sent: interrupted"
                         : t->auth_failed    ? "not sent: authentication failed"
                         : t->connect_failed ? "not sent: cannot connect"
                                             : "not sent");
            result_line(&r, i, "not-sent", 0, &why);
            t->not_sent++;
        }
    fclose(r.results);
    if (rewrite_in_row_order(&r, o->results_path) < 0)
        fprintf(stderr,
                "custrpc import: could not rewrite %s in row order (it is complete, in completion "
                "order)\n",
                o->results_path);
    for (size_t i = 0; i < f->n; i++)
        free(r.lines[i]);
    free(threads);
    free(r.lines);
    pthread_mutex_destroy(&r.lock);
    return r.open_error;
}
