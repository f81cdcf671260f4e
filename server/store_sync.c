/* store_sync.c — group commit and background checkpoints for the file store (store_sync.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_sync.h"

/* WAL pages after which the checkpoint thread is woken: SQLite's own automatic threshold. */
#define CHECKPOINT_PAGES 1000

struct store_sync {
    struct store_sync_hooks hooks;
    sqlite3 *writer;  /* whose WAL hook points here */
    sqlite3 *ckpt_db; /* the checkpoint thread's own connection */
    int wal_fd;       /* the WAL, for fdatasync (any descriptor of the file flushes it) */
    pthread_mutex_t lock;
    pthread_cond_t wake_syncer, wake_checkpointer;
    struct store_durable_wait *queue;
    bool checkpoint_wanted, stopping;
    atomic_int wal_pages;
    pthread_t syncer, checkpointer;
    bool syncer_started, checkpointer_started;
};

void store_sync_wait(struct store_sync *y, struct store_durable_wait *w)
{
    pthread_mutex_lock(&y->lock);
    w->next = y->queue;
    y->queue = w;
    pthread_cond_signal(&y->wake_syncer);
    pthread_mutex_unlock(&y->lock);
}

int store_sync_wal_pages(struct store_sync *y)
{
    return atomic_load(&y->wal_pages);
}

int store_sync_flush(struct store_sync *y)
{
    return fdatasync(y->wal_fd) == 0 ? 0 : errno;
}

/* Takes the whole queue, commits the open batch, flushes the WAL once, answers all of it;
 * writes made meanwhile wait for the next round. Every waiter was queued after its write was in
 * the batch then open or an earlier one, so the commit and the flush, which come after the
 * queue is taken, cover it. Stops once stopping and drained. */
static void *sync_main(void *arg)
{
    struct store_sync *y = arg;
    pthread_mutex_lock(&y->lock);
    for (;;) {
        while (!y->queue && !y->stopping)
            pthread_cond_wait(&y->wake_syncer, &y->lock);
        struct store_durable_wait *batch = y->queue;
        if (!batch)
            break;
        y->queue = NULL;
        pthread_mutex_unlock(&y->lock);
        y->hooks.commit_batch(y->hooks.store);
        int error = fdatasync(y->wal_fd) == 0 ? 0 : errno;
        while (batch) {
            /* done may free the waiter (the request it belongs to completes): next first. */
            struct store_durable_wait *next = batch->next;
            bool lost = y->hooks.batch_lost(y->hooks.store, batch->batch);
            batch->done(batch->arg, lost ? ECANCELED : error);
            batch = next;
        }
        pthread_mutex_lock(&y->lock);
    }
    pthread_mutex_unlock(&y->lock);
    return NULL;
}

/* A PASSIVE checkpoint copies what it can without waiting for readers or blocking the writer;
 * what it cannot copy yet is copied next time. SQLite restarts the WAL from its beginning at
 * the next write once a checkpoint has copied all of it, so the file stops growing. */
static void *checkpoint_main(void *arg)
{
    struct store_sync *y = arg;
    pthread_mutex_lock(&y->lock);
    for (;;) {
        while (!y->checkpoint_wanted && !y->stopping)
            pthread_cond_wait(&y->wake_checkpointer, &y->lock);
        if (y->stopping)
            break;
        y->checkpoint_wanted = false;
        pthread_mutex_unlock(&y->lock);
        sqlite3_wal_checkpoint_v2(y->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&y->lock);
    }
    pthread_mutex_unlock(&y->lock);
    return NULL;
}

/* The writer's WAL hook, after each COMMIT (under the store's write lock): setting it also
 * turns off SQLite's automatic checkpoint on that connection, which is the point. */
static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
    (void)db;
    (void)name;
    struct store_sync *y = arg;
    atomic_store(&y->wal_pages, pages);
    if (pages >= CHECKPOINT_PAGES) {
        pthread_mutex_lock(&y->lock);
        y->checkpoint_wanted = true;
        pthread_cond_signal(&y->wake_checkpointer);
        pthread_mutex_unlock(&y->lock);
    }
    return SQLITE_OK;
}

/* The directory entry of the WAL, which SQLite created, on disk too: after a power loss the
 * flushed file must still have a name. */
static int sync_directory_of(const char *path, struct custrpc_error *err)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;
    if (fd < 0 || fsync(fd) < 0)
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: %s: %s", dir, strerror(errno));
    if (fd >= 0)
        close(fd);
    free(dir);
    return rc;
}

int store_sync_start(struct store_sync **out, const char *path, sqlite3 *writer,
                     const struct store_sync_hooks *hooks, struct custrpc_error *err)
{
    *out = NULL;
    struct store_sync *y = calloc(1, sizeof *y);
    if (!y)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    y->hooks = *hooks;
    y->wal_fd = -1;
    pthread_mutex_init(&y->lock, NULL);
    pthread_cond_init(&y->wake_syncer, NULL);
    pthread_cond_init(&y->wake_checkpointer, NULL);
    size_t n = strlen(path) + sizeof "-wal";
    char *wal = malloc(n);
    int rc = 0;
    if (!wal) {
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    } else {
        snprintf(wal, n, "%s-wal", path);
        y->wal_fd = open(wal, O_RDONLY | O_CLOEXEC);
        if (y->wal_fd < 0)
            rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: %s: %s", wal,
                              strerror(errno));
    }
    free(wal);
    if (rc == 0)
        rc = sync_directory_of(path, err);
    if (rc == 0 && sqlite3_open_v2(path, &y->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                   NULL) != SQLITE_OK)
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: %s: %s", path,
                          y->ckpt_db ? sqlite3_errmsg(y->ckpt_db) : "cannot open");
    if (rc == 0 && pthread_create(&y->syncer, NULL, sync_main, y) != 0)
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: cannot start a thread");
    y->syncer_started = rc == 0;
    if (rc == 0 && pthread_create(&y->checkpointer, NULL, checkpoint_main, y) != 0)
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: cannot start a thread");
    y->checkpointer_started = rc == 0;
    if (rc < 0) {
        store_sync_stop(y);
        return -1;
    }
    y->writer = writer;
    sqlite3_wal_hook(writer, on_wal_commit, y);
    *out = y;
    return 0;
}

void store_sync_stop(struct store_sync *y)
{
    if (!y)
        return;
    if (y->writer)
        sqlite3_wal_hook(y->writer, NULL, NULL);
    pthread_mutex_lock(&y->lock);
    y->stopping = true;
    pthread_cond_broadcast(&y->wake_syncer);
    pthread_cond_broadcast(&y->wake_checkpointer);
    pthread_mutex_unlock(&y->lock);
    if (y->syncer_started)
        pthread_join(y->syncer, NULL);
    if (y->checkpointer_started)
        pthread_join(y->checkpointer, NULL);
    sqlite3_close(y->ckpt_db);
    if (y->wal_fd >= 0)
        close(y->wal_fd);
    pthread_cond_destroy(&y->wake_checkpointer);
    pthread_cond_destroy(&y->wake_syncer);
    pthread_mutex_destroy(&y->lock);
    free(y);
}
