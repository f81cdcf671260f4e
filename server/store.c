/* store.c — the store's connections, transactions and schema (see store.h). One writer
 * connection behind a mutex, so check-then-write is one BEGIN IMMEDIATE transaction; with a file
 * store, readers take connections of their own from a small pool and read under WAL without
 * queueing behind writes. The in-memory store has a single connection for both. */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "partner_store.h"
#include "policy.h"
#include "store_int.h"
#include "store_sql.h"
#include "store_sync.h"

/* Reader connections are opened when needed, up to this many; more readers at once wait. */
#define STORE_MAX_READERS 16

struct store {
    char *path; /* NULL: in memory */
    char *sql[STMT_COUNT];
    struct store_conn writer;
    pthread_mutex_t write_lock;
    pthread_mutex_t pool_lock;
    pthread_cond_t pool_free;
    struct store_conn *free_readers;
    struct store_conn *readers[STORE_MAX_READERS];
    size_t n_readers;
    struct store_sync *sync; /* file store: group commit, background checkpoints */
    /* Group commit, under write_lock: the writer's open transaction (the batch) and its
     * number, and the numbers of the last batches SQLite rolled back whole, whose writers
     * must not hear a success (a waiter is answered within a round or two: 16 is plenty). */
    bool batch_open;
    uint64_t batch;
    uint64_t lost[16];
    atomic_uint n_lost; /* ever: read without the lock on the sync thread's common path */
    _Atomic uint64_t epoch; /* resets made (store_epoch); changed under write_lock */
};

/* Per thread: its writes join the batch (store_defer_commits); the batch it last wrote in,
 * 0 once store_take_unsynced has taken it. */
static _Thread_local bool defers_commits;
static _Thread_local uint64_t unsynced_batch;
/* Per thread: the epoch its last transaction began in; tx_epoch_set is false until one began
 * after store_defer_commits. */
static _Thread_local bool tx_epoch_set;
static _Thread_local uint64_t tx_epoch;

int store_db_fail(struct store_tx *tx, struct custrpc_error *err, const char *what)
{
    return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: %s: %s", what,
                        sqlite3_errmsg(tx->c->db));
}

sqlite3_stmt *store_stmt(struct store_tx *tx, enum store_stmt which, struct custrpc_error *err)
{
    struct store_conn *c = tx->c;
    if (!c->stmt[which] &&
        sqlite3_prepare_v3(c->db, tx->s->sql[which], -1, SQLITE_PREPARE_PERSISTENT, &c->stmt[which],
                           NULL) != SQLITE_OK) {
        store_db_fail(tx, err, "prepare");
        return NULL;
    }
    return c->stmt[which];
}

/* "<select> WHERE ...", malloc'd. */
static char *select_where(const char *select, const char *where)
{
    size_t n = strlen(select) + strlen(where) + 1;
    char *sql = malloc(n);
    if (sql)
        snprintf(sql, n, "%s%s", select, where);
    return sql;
}

static int make_sql(struct store *s)
{
    static const char *const fixed[STMT_COUNT] = {
        [STMT_BEGIN] = "BEGIN",
        [STMT_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
        [STMT_COMMIT] = "COMMIT",
        [STMT_ROLLBACK] = "ROLLBACK",
        [STMT_SAVEPOINT] = "SAVEPOINT grouped",
        [STMT_RELEASE] = "RELEASE grouped",
        [STMT_ROLLBACK_TO] = "ROLLBACK TO grouped",
        [STMT_BY_LOGIN] = "SELECT i_customer, api_access, api_ha1_md5, api_ha1_sha256, blocked "
                          "FROM customers WHERE web_login = ?",
        [STMT_PARENT_OF] = "SELECT i_parent, blocked FROM customers WHERE i_customer = ?",
        [STMT_HAS_CHILD] = "SELECT EXISTS (SELECT 1 FROM customers WHERE i_parent = ?)",
        [STMT_TARIFF_OWNER] = "SELECT i_owner FROM tariffs WHERE i_tariff = ?",
        [STMT_TARIFF_PUT] = "INSERT INTO tariffs (i_tariff, name, i_owner) VALUES (?, ?, ?) "
                            "ON CONFLICT(i_tariff) DO UPDATE SET name = excluded.name",
        [STMT_DELETE] = "DELETE FROM customers WHERE i_customer = ?",
        [STMT_SET_BLOCKED] = "UPDATE customers SET blocked = ? WHERE i_customer = ?",
        [STMT_SET_BALANCE] = "UPDATE customers SET balance = ? WHERE i_customer = ?",
        /* The subtree below ?1 (not ?1 itself); ORDER BY the key, so pages are stable. */
        [STMT_LIST] =
            "WITH RECURSIVE sub(id) AS ("
            " SELECT i_customer FROM customers WHERE i_parent = ?1"
            " UNION ALL SELECT c.i_customer FROM customers c JOIN sub ON c.i_parent = sub.id)"
            " SELECT i_customer, \"name\", web_login, description, balance, credit_limit,"
            " payment_currency FROM customers"
            " WHERE i_customer IN (SELECT id FROM sub)"
            " AND (?2 IS NULL OR \"name\" LIKE ?2 ESCAPE '\\')"
            " ORDER BY i_customer LIMIT ?3 OFFSET ?4",
    };
    for (int i = 0; i < STMT_COUNT; i++)
        if (fixed[i] && !(s->sql[i] = strdup(fixed[i])))
            return -1;
    char *select = store_sql_select();
    if (!select)
        return -1;
    s->sql[STMT_BY_ID] = select_where(select, "WHERE i_customer = ?");
    s->sql[STMT_BY_NAME] = select_where(select, "WHERE \"name\" = ?");
    s->sql[STMT_CHILDREN] = select_where(select, "WHERE i_parent = ? ORDER BY i_customer");
    free(select);
    select = store_sql_select_some(policy_reads);
    if (!select)
        return -1;
    s->sql[STMT_ACTOR_BY_ID] = select_where(select, "WHERE i_customer = ?");
    free(select);
    s->sql[STMT_INSERT] = store_sql_insert();
    if (partner_sql_statements(s->sql) < 0)
        return -1;
    for (int i = 0; i < STMT_COUNT; i++)
        if (!s->sql[i])
            return -1;
    return 0;
}

static int exec(sqlite3 *db, const char *sql, struct custrpc_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: %s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static void conn_close(struct store_conn *c)
{
    for (int i = 0; i < STMT_COUNT; i++)
        sqlite3_finalize(c->stmt[i]);
    sqlite3_close(c->db);
    memset(c, 0, sizeof *c);
}

static int conn_open(struct store_conn *c, const char *path, bool writer, struct custrpc_error *err)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path ? path : ":memory:", &c->db, flags, NULL) != SQLITE_OK) {
        custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: %s: %s",
                     path ? path : ":memory:", c->db ? sqlite3_errmsg(c->db) : "cannot open");
        conn_close(c);
        return -1;
    }
    /* WAL + synchronous=NORMAL: a COMMIT writes the WAL without flushing it; the answer waits
     * for store_sync's fdatasync, which one flush does for many commits (store_sync.h), so an
     * acknowledged change survives kill -9 and power loss alike. Readers are query_only: a bug
     * cannot write there. */
    if (exec(c->db, "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;", err) < 0 ||
        (path && writer &&
         exec(c->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", err) < 0) ||
        (!writer && exec(c->db, "PRAGMA query_only=1;", err) < 0)) {
        conn_close(c);
        return -1;
    }
    return 0;
}

static int step_done(struct store_tx *tx, enum store_stmt which, struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, which, err);
    if (!st)
        return -1;
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_fail(tx, err, "transaction");
    sqlite3_reset(st);
    return rc;
}

/* Under write_lock: the open batch is gone, rolled back by SQLite as a whole (SQLITE_FULL,
 * an I/O error...) or by a failed COMMIT; its writers will hear EIO. */
static void batch_lost(struct store *s)
{
    unsigned n = atomic_load(&s->n_lost);
    s->lost[n % (sizeof s->lost / sizeof s->lost[0])] = s->batch;
    atomic_store(&s->n_lost, n + 1);
    s->batch_open = false;
}

/* Under write_lock: commits the open batch, if any. */
static void commit_batch_locked(struct store *s)
{
    if (!s->batch_open)
        return;
    struct store_tx tx = {s, &s->writer, true, true, false};
    if (sqlite3_get_autocommit(s->writer.db) || step_done(&tx, STMT_COMMIT, NULL) < 0) {
        if (!sqlite3_get_autocommit(s->writer.db))
            step_done(&tx, STMT_ROLLBACK, NULL);
        batch_lost(s);
        return;
    }
    s->batch_open = false;
}

/* WAL pages past which the sync thread, after a commit, lets the checkpoint catch up before the
 * next batch begins (16 MiB of 4 KiB pages). SQLite starts the WAL over from its beginning only
 * when a write transaction begins with every frame already copied to the database; with a batch
 * open nearly all the time under load, the background checkpoint never catches up by itself
 * and the WAL grew to 437 MB in 20 s of creates (and each flush then also grew the file). */
#define STORE_WAL_RESTART_PAGES 4000

/* The sync thread's hooks (store_sync.h). */
static void commit_batch(void *store)
{
    struct store *s = store;
    pthread_mutex_lock(&s->write_lock);
    commit_batch_locked(s);
    /* No batch is open and none can begin: copying what the background checkpoint has not yet
     * copied is short, and the next BEGIN restarts the WAL. A PASSIVE checkpoint busy with
     * another one (the background thread's) returns at once; the next round tries again. */
    if (store_sync_wal_pages(s->sync) >= STORE_WAL_RESTART_PAGES)
        sqlite3_wal_checkpoint_v2(s->writer.db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    pthread_mutex_unlock(&s->write_lock);
}

static bool was_lost(void *store, uint64_t batch)
{
    struct store *s = store;
    if (atomic_load(&s->n_lost) == 0)
        return false;
    bool lost = false;
    pthread_mutex_lock(&s->write_lock);
    for (size_t i = 0; i < sizeof s->lost / sizeof s->lost[0]; i++)
        lost |= s->lost[i] == batch;
    pthread_mutex_unlock(&s->write_lock);
    return lost;
}

void store_defer_commits(void)
{
    defers_commits = true;
    unsynced_batch = 0; /* an earlier request's, never answered: its batch commits anyway */
    tx_epoch_set = false;
}

uint64_t store_epoch(struct store *s)
{
    return atomic_load(&s->epoch);
}

bool store_last_epoch(uint64_t *epoch)
{
    *epoch = tx_epoch;
    return tx_epoch_set;
}

/* Under the lock the reset writes under: a transaction that began after the reset's sees the
 * new epoch, one that began before (and which the reset wipes) the old. */
static void note_epoch(struct store *s)
{
    tx_epoch = atomic_load(&s->epoch);
    tx_epoch_set = true;
}

void store_next_epoch(struct store *s, uint64_t *epoch)
{
    *epoch = atomic_fetch_add(&s->epoch, 1) + 1;
}

bool store_unsynced(void)
{
    return unsynced_batch != 0;
}

int store_begin_write(struct store *s, struct store_tx *tx, struct custrpc_error *err)
{
    *tx = (struct store_tx){s, &s->writer, true, false, s->sync && defers_commits};
    pthread_mutex_lock(&s->write_lock);
    if (s->batch_open && sqlite3_get_autocommit(s->writer.db))
        batch_lost(s);
    if (!tx->grouped)
        commit_batch_locked(s); /* a write of its own commits at once, the batch with it */
    int rc = 0;
    if (!s->batch_open) {
        rc = step_done(tx, STMT_BEGIN_IMMEDIATE, err);
        if (rc == 0 && tx->grouped) {
            s->batch_open = true;
            s->batch++;
        }
    }
    if (rc == 0 && tx->grouped)
        rc = step_done(tx, STMT_SAVEPOINT, err);
    if (rc < 0) {
        if (s->batch_open && sqlite3_get_autocommit(s->writer.db))
            batch_lost(s);
        pthread_mutex_unlock(&s->write_lock);
        tx->c = NULL;
        return -1;
    }
    tx->open = true;
    note_epoch(s);
    return 0;
}

/* A free reader connection, or a new one while there are fewer than STORE_MAX_READERS. A new
 * one is opened under the pool lock: that happens at most STORE_MAX_READERS times a process,
 * and keeps the slot count exact when an open fails. */
static struct store_conn *take_reader(struct store *s, struct custrpc_error *err)
{
    pthread_mutex_lock(&s->pool_lock);
    while (!s->free_readers && s->n_readers == STORE_MAX_READERS)
        pthread_cond_wait(&s->pool_free, &s->pool_lock);
    struct store_conn *c = s->free_readers;
    if (c) {
        s->free_readers = c->next_free;
    } else if (!(c = calloc(1, sizeof *c))) {
        custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    } else if (conn_open(c, s->path, false, err) < 0) {
        free(c);
        c = NULL;
    } else {
        s->readers[s->n_readers++] = c;
    }
    pthread_mutex_unlock(&s->pool_lock);
    return c;
}

static void give_reader(struct store *s, struct store_conn *c)
{
    pthread_mutex_lock(&s->pool_lock);
    c->next_free = s->free_readers;
    s->free_readers = c;
    pthread_cond_signal(&s->pool_free);
    pthread_mutex_unlock(&s->pool_lock);
}

int store_begin_read(struct store *s, struct store_tx *tx, struct custrpc_error *err)
{
    *tx = (struct store_tx){s, NULL, false, false, false};
    if (!s->path) {
        /* One in-memory connection: the lock alone makes the reads one consistent view. */
        pthread_mutex_lock(&s->write_lock);
        tx->c = &s->writer;
        tx->open = true;
        note_epoch(s);
        return 0;
    }
    if (!(tx->c = take_reader(s, err)))
        return -1;
    if (step_done(tx, STMT_BEGIN, err) < 0) {
        give_reader(s, tx->c);
        tx->c = NULL;
        return -1;
    }
    tx->open = true;
    note_epoch(s); /* a reader's snapshot may still be of before a reset in the open batch */
    return 0;
}

static void release(struct store_tx *tx)
{
    if (tx->c == &tx->s->writer)
        pthread_mutex_unlock(&tx->s->write_lock);
    else
        give_reader(tx->s, tx->c);
    tx->open = false;
    tx->c = NULL;
}

/* A grouped write's end: its savepoint released into the batch (kept) or rolled back. */
static int end_grouped(struct store_tx *tx, bool keep, struct custrpc_error *err)
{
    struct store *s = tx->s;
    int rc = -1;
    if (!sqlite3_get_autocommit(s->writer.db)) {
        rc = keep ? step_done(tx, STMT_RELEASE, err) : -1;
        if (rc < 0 && !sqlite3_get_autocommit(s->writer.db) &&
            step_done(tx, STMT_ROLLBACK_TO, NULL) == 0)
            step_done(tx, STMT_RELEASE, NULL);
    } else if (keep) {
        custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: the transaction was rolled back");
    }
    if (sqlite3_get_autocommit(s->writer.db))
        batch_lost(s);
    else if (rc == 0)
        unsynced_batch = s->batch;
    release(tx);
    return keep ? rc : 0;
}

int store_commit(struct store_tx *tx, struct custrpc_error *err)
{
    if (tx->grouped)
        return end_grouped(tx, true, err);
    int rc = 0;
    if (!sqlite3_get_autocommit(tx->c->db))
        rc = step_done(tx, STMT_COMMIT, err);
    if (rc < 0 && !sqlite3_get_autocommit(tx->c->db))
        step_done(tx, STMT_ROLLBACK, NULL);
    release(tx);
    return rc;
}

int store_flush_now(struct store *s)
{
    uint64_t batch = unsynced_batch;
    unsynced_batch = 0;
    if (!s->sync)
        return 0;
    commit_batch(s); /* ours, or a later one (which covers ours) */
    int error = store_sync_flush(s->sync);
    return was_lost(s, batch) ? ECANCELED : error;
}

void store_when_durable(struct store *s, struct store_durable_wait *w)
{
    w->batch = unsynced_batch;
    unsynced_batch = 0;
    if (s->sync)
        store_sync_wait(s->sync, w);
    else
        w->done(w->arg, 0);
}

void store_end(struct store_tx *tx)
{
    if (!tx->open)
        return;
    if (tx->grouped) {
        end_grouped(tx, false, NULL);
        return;
    }
    /* SQLite may have rolled back by itself after some errors (SQLITE_FULL, ...). */
    if (!sqlite3_get_autocommit(tx->c->db))
        step_done(tx, STMT_ROLLBACK, NULL);
    release(tx);
}

/* The columns a table of this build has: their names and the statements that add them. */
struct table_columns {
    const char *table;
    size_t (*count)(void);
    const char *(*name)(size_t i); /* NULL: a statement to run always (indexes) */
    char *(*add)(size_t i);
};

/* Adds the columns this build has and the table lacks: a new field in fields.def or in a
 * message descriptor reaches old databases with no SQL written by hand. Runs inside the
 * opening transaction. */
static int add_missing_columns(sqlite3 *db, const struct table_columns *t,
                               struct custrpc_error *err)
{
    size_t n = t->count();
    bool *have = calloc(n + 1, sizeof *have);
    sqlite3_stmt *st = NULL;
    if (!have)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    int rc = 0;
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s')", t->table);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: %s", sqlite3_errmsg(db));
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(st, 0);
        for (size_t i = 0; i < n; i++)
            if (col && t->name(i) && strcmp(col, t->name(i)) == 0)
                have[i] = true;
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (have[i])
            continue;
        char *add = t->add(i);
        rc =
            add ? exec(db, add, err) : custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        free(add);
    }
    free(have);
    return rc;
}

static const struct table_columns tables[] = {
    {"customers", store_sql_column_count, store_sql_column_name, store_sql_add_column},
    {"partners", partner_sql_column_count, partner_sql_column_name, partner_sql_add_column},
};

static int read_version(sqlite3 *db, int *version, struct custrpc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: %s", sqlite3_errmsg(db));
    else
        *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc;
}

/* Brings the schema to this build's in one transaction: all of it, or none. */
static int migrate(struct store *s, int *from, struct custrpc_error *err)
{
    sqlite3 *db = s->writer.db;
    if (exec(db, "BEGIN IMMEDIATE", err) < 0)
        return -1;
    int version = 0, rc = read_version(db, &version, err);
    if (rc == 0 && version > STORE_SCHEMA_VERSION)
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL,
                          "%s: the database has schema version %d, newer than this server's %d; "
                          "it was written by a newer custrpc-server, so use that one (or a copy "
                          "of the data made with it)",
                          s->path ? s->path : ":memory:", version, STORE_SCHEMA_VERSION);
    sqlite3_stmt *st = NULL;
    bool is_new = false;
    if (rc == 0 &&
        sqlite3_prepare_v2(
            db, "SELECT NOT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'customers')", -1, &st,
            NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        is_new = sqlite3_column_int(st, 0) != 0;
    sqlite3_finalize(st);
    char *(*const schemas[])(void) = {store_sql_schema, partner_sql_schema};
    for (size_t i = 0; rc == 0 && i < sizeof schemas / sizeof schemas[0]; i++) {
        char *schema = schemas[i]();
        rc = schema ? exec(db, schema, err)
                    : custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        free(schema);
    }
    /* Version-specific steps would go here, keyed on version; 0 -> 1 is columns only, 1 -> 2
     * a new table (partners). */
    for (size_t i = 0; rc == 0 && i < sizeof tables / sizeof tables[0]; i++)
        rc = add_missing_columns(db, &tables[i], err);
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
    if (rc == 0 && version != STORE_SCHEMA_VERSION)
        rc = exec(db, pragma, err);
    if (rc == 0)
        rc = exec(db, "COMMIT", err);
    if (rc < 0 && !sqlite3_get_autocommit(db))
        exec(db, "ROLLBACK", NULL);
    if (from)
        *from = is_new ? -1 : version;
    return rc;
}

int store_open(struct store **out, const char *path, int *migrated_from, struct custrpc_error *err)
{
    *out = NULL;
    struct store *s = calloc(1, sizeof *s);
    if (!s)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    pthread_mutex_init(&s->write_lock, NULL);
    pthread_mutex_init(&s->pool_lock, NULL);
    pthread_cond_init(&s->pool_free, NULL);
    if ((path && !(s->path = strdup(path))) || make_sql(s) < 0) {
        store_close(s);
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    }
    if (conn_open(&s->writer, path, true, err) < 0 || migrate(s, migrated_from, err) < 0 ||
        (path && store_sync_start(&s->sync, path, s->writer.db,
                                  &(struct store_sync_hooks){commit_batch, was_lost, s}, err) < 0)) {
        store_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    store_sync_stop(s->sync); /* first: it answers whoever still waits for a flush */
    commit_batch_locked(s);   /* a batch nobody waits for (an answer that was never sent) */
    for (size_t i = 0; i < s->n_readers; i++) {
        if (s->readers[i])
            conn_close(s->readers[i]);
        free(s->readers[i]);
    }
    conn_close(&s->writer); /* last: it checkpoints the WAL into the database */
    for (int i = 0; i < STMT_COUNT; i++)
        free(s->sql[i]);
    free(s->path);
    pthread_cond_destroy(&s->pool_free);
    pthread_mutex_destroy(&s->pool_lock);
    pthread_mutex_destroy(&s->write_lock);
    free(s);
}
