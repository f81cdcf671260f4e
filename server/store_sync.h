/* store_sync.h — group commit for the file store (store.c only; the public side is
 * store_when_durable in store.h).
 *
 * The writer connection runs with synchronous=NORMAL: a COMMIT writes its frames to the WAL and
 * returns without fsync, so the write lock is held for microseconds, not for a disk flush.
 * Nothing is acknowledged yet: the request's answer is held (store_when_durable) until a sync
 * thread has called fdatasync on the WAL after that COMMIT returned. One fdatasync covers every
 * commit made before it started, so with 64 clients one flush acknowledges dozens of creates.
 * kill -9 loses nothing written to the WAL; power loss loses nothing acknowledged.
 *
 * Checkpoints are taken off the request path too: the writer's automatic checkpoint (run by
 * whichever COMMIT crossed 1000 WAL pages, under the write lock) is replaced by a checkpoint
 * thread with a connection of its own, woken by the WAL hook. */
#ifndef CUSTRPC_SERVER_STORE_SYNC_H
#define CUSTRPC_SERVER_STORE_SYNC_H

#include <sqlite3.h>

#include "store.h"

struct store_sync;

/* What the sync thread asks the store: commit the open batch, before a flush; whether batch
 * was lost (rolled back as a whole), after it. */
struct store_sync_hooks {
    void (*commit_batch)(void *store);
    bool (*batch_lost)(void *store, uint64_t batch);
    void *store;
};

/* Starts the sync and checkpoint threads for the database at path, whose writer connection is
 * writer (its WAL must exist: call after the first write transaction). */
int store_sync_start(struct store_sync **out, const char *path, sqlite3 *writer,
                     const struct store_sync_hooks *hooks, struct custrpc_error *err);
/* Syncs and answers every waiter still queued, then stops both threads. NULL is allowed. */
void store_sync_stop(struct store_sync *y);

/* Queues w; w->done runs on the sync thread once w->batch is committed and on disk. */
void store_sync_wait(struct store_sync *y, struct store_durable_wait *w);
/* fdatasync of the WAL on the calling thread: 0 or the errno. */
int store_sync_flush(struct store_sync *y);
/* Pages in the WAL after the writer's last COMMIT. */
int store_sync_wal_pages(struct store_sync *y);

#endif
