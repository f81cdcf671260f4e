/* store.h — the reference server's SQLite store: one customers table whose columns come from
 * the field table, the tariffs, and the queries the methods need, all inside transactions. */
#ifndef CUSTRPC_SERVER_STORE_H
#define CUSTRPC_SERVER_STORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <custrpc/customer.h>

#include "secrets.h"

#define STORE_ROOT_ID 1
/* PRAGMA user_version this build writes. 0: the release before versioning; 1: blocked;
 * 2: the partner API's table.
 * Columns for new fields are added at every start, whatever the version (store.c). */
#define STORE_SCHEMA_VERSION 2

struct store;
struct store_conn;

struct store_customer {
    int64_t i_customer;
    int64_t i_parent;          /* 0 for the root */
    int64_t depth;             /* 0 for the root */
    bool blocked;              /* this customer itself; see store_credentials for ancestors */
    bool has_api_password;     /* its Digest HA1s are stored */
    struct custrpc_customer c; /* stored fields; passwords are never loaded */
};

struct store_credentials {
    int64_t i_customer;
    bool api_access;
    bool blocked; /* the customer or one of its ancestors is blocked */
    bool has_ha1; /* false when the customer has no api_password */
    struct digest_ha1 ha1;
};

struct store_tariff {
    int64_t i_tariff;
    const char *name;
};

/* A transaction: a write one holds the only writer connection (BEGIN IMMEDIATE, so what it
 * checked cannot change before it writes); a read one sees one snapshot on a connection of its
 * own (file store, WAL) and never waits for a writer. Members are the store's. */
struct store_tx {
    struct store *s;
    struct store_conn *c;
    bool write, open;
    bool grouped; /* a savepoint in the writer's open batch (store_defer_commits) */
};

/* Opens (creating when needed) the store at path; NULL is an in-memory store. Migrates an
 * older database (columns added, user_version set); one whose user_version is newer than
 * STORE_SCHEMA_VERSION is refused. *migrated_from (may be NULL) receives the user_version it
 * had, -1 for a new database. */
int store_open(struct store **out, const char *path, int *migrated_from, struct custrpc_error *err);
void store_close(struct store *s);

/* Group commit (file store, store_sync.h). A thread that calls store_defer_commits (the
 * request threads) writes inside one transaction the writer keeps open for many requests, each
 * write in a savepoint of its own: its store_commit returns before anything is committed. Whoever
 * answers the request asks store_unsynced() (whether this thread wrote since it last called
 * store_defer_commits or store_when_durable) and, when it did, holds the answer until store_when_durable calls back: by then the sync
 * thread has committed the batch and flushed the WAL, one COMMIT and one fdatasync for every
 * write made meanwhile. Other threads (start-up, tools) commit at once. The in-memory store
 * commits at once and never holds an answer. */
struct store_durable_wait {
    /* error: 0; ECANCELED when SQLite rolled back the whole batch (a full disk, an I/O
     * error): the write is not stored; or the errno of the failed fdatasync: it is stored, but
     * perhaps not on disk */
    void (*done)(void *arg, int error);
    void *arg;
    uint64_t batch;                  /* the store's */
    struct store_durable_wait *next; /* the store's */
};
/* Before each request: this thread's writes join the batch; nothing written yet. */
void store_defer_commits(void);
bool store_unsynced(void);
/* Calls w->done (on another thread) once what this thread wrote is on disk; at once on the
 * in-memory store. w must stay valid until then. */
void store_when_durable(struct store *s, struct store_durable_wait *w);
/* The same on the calling thread: commits the open batch and flushes the WAL before returning
 * w's error (0 at once on the in-memory store). For a request alone in the server, where
 * handing it to the sync thread and back only adds two thread wake-ups. */
int store_flush_now(struct store *s);

int store_begin_read(struct store *s, struct store_tx *tx, struct custrpc_error *err);
int store_begin_write(struct store *s, struct store_tx *tx, struct custrpc_error *err);
/* Commits a write transaction (ends a read one) and releases its connection. */
int store_commit(struct store_tx *tx, struct custrpc_error *err);
/* Rolls back what was not committed and releases the connection; safe after store_commit. */
void store_end(struct store_tx *tx);

/* Makes the configured tariffs exist, owned by the root (names are updated). */
int store_put_tariffs(struct store *s, const struct store_tariff *t, size_t n,
                      struct custrpc_error *err);
/* The owner of a tariff; CUSTRPC_E_TARIFF when there is no such tariff. */
int store_tariff_owner(struct store_tx *tx, int64_t i_tariff, int64_t *owner,
                       struct custrpc_error *err);

/* Creates the root customer (i_customer 1) on a new store, or refreshes its login, API
 * credentials and tariff on an existing one. ha1 NULL: the root has no API password. */
int store_ensure_root(struct store *s, const char *login, const struct digest_ha1 *ha1,
                      int64_t i_tariff, struct custrpc_error *err);

/* One customer by id or by exact name; CUSTRPC_E_NOT_FOUND when absent. out->c is initialised
 * here and owned by the caller (custrpc_customer_free). */
int store_get(struct store_tx *tx, int64_t i_customer, struct store_customer *out,
              struct custrpc_error *err);
/* store_get with only the fields the hierarchy rules read (policy_reads): for the customer a
 * call acts as, whose other fields nobody answers (a create reads 9 columns, not 63). */
int store_get_actor(struct store_tx *tx, int64_t i_customer, struct store_customer *out,
                    struct custrpc_error *err);
int store_find_name(struct store_tx *tx, const char *name, struct store_customer *out,
                    struct custrpc_error *err);

/* The API credentials of a web_login, in a read transaction of its own; CUSTRPC_E_NOT_FOUND
 * when no customer has it. */
int store_credentials(struct store *s, const char *login, struct store_credentials *out,
                      struct custrpc_error *err);

/* Whether node is ancestor itself or lies below it. */
int store_in_subtree(struct store_tx *tx, int64_t ancestor, int64_t node, bool *yes,
                     struct custrpc_error *err);

/* Calls fn for each direct sub-customer of i_customer, in id order, until fn returns nonzero
 * (which is returned). */
int store_each_child(struct store_tx *tx, int64_t i_customer,
                     int (*fn)(const struct store_customer *child, void *arg,
                               struct custrpc_error *err),
                     void *arg, struct custrpc_error *err);

/* Inserts a customer. c must be validated, with i_tariff resolved (SET). Unique violations give
 * CUSTRPC_E_DUP_NAME / CUSTRPC_E_DUP_LOGIN. */
int store_insert(struct store_tx *tx, const struct custrpc_customer *c, int64_t i_parent,
                 int64_t depth, const struct web_password_hash *web, const struct digest_ha1 *api,
                 int64_t *i_customer, struct custrpc_error *err);

/* Writes the column fields that changes has SET or NIL (nil is stored as no value), and the
 * password hashes that are not NULL. Unique violations as store_insert. */
int store_update(struct store_tx *tx, int64_t i_customer, const struct custrpc_customer *changes,
                 const struct web_password_hash *web, const struct digest_ha1 *api,
                 struct custrpc_error *err);

/* Deletes a customer without sub-customers; CUSTRPC_E_CHILDREN otherwise. */
int store_delete(struct store_tx *tx, int64_t i_customer, struct custrpc_error *err);
int store_set_blocked(struct store_tx *tx, int64_t i_customer, bool blocked,
                      struct custrpc_error *err);
/* Sets the stored (real-sign) balance. */
int store_set_balance(struct store_tx *tx, int64_t i_customer, double balance,
                      struct custrpc_error *err);

/* What POST /admin/reset restores: the store as start-up made it (main.c's setup_store and
 * partner_env_setup). Pointers are the caller's and must outlive the store's use of them. */
struct store_seed {
    const struct store_tariff *tariffs;
    size_t n_tariffs;
    const char *root_login;
    const struct digest_ha1 *root_ha1; /* NULL: the root has no API password */
    const char *partner_root;          /* the root partner's Name */
    /* A SIGHUP reload changes the seed holding this for writing; a reset reads it holding it
     * for reading (NULL: no locking). */
    pthread_rwlock_t *guard;
    /* --fixtures (fixtures.h): loaded last, in the same transaction, below the root customer
     * and the root partner (its Id given); NULL: none. */
    int (*fixtures)(struct store_tx *tx, int64_t partner_root, const void *arg,
                    struct custrpc_error *err);
    const void *fixtures_arg;
};

/* One write transaction (so it joins the group commit like any write, and no request sees a
 * half-reset store): every customer, tariff and partner is deleted and the root customer, the
 * configured tariffs and the root partner are made again as at start-up; the root customer
 * keeps id 1 and the root partner its Id, and new ids count on from them, so the fixtures get
 * the same ids at every reset (and on a new store, which this seeds too). locked (may be NULL)
 * runs while the write lock is held, after the store's part succeeded, with the new epoch. */
int store_reset(struct store *s, const struct store_seed *seed,
                void (*locked)(void *arg, uint64_t epoch), void *arg, struct custrpc_error *err);

/* Resets are counted (the epoch). A request's transactions note the epoch they ran in, so
 * whoever journals a request can tell one that a reset wiped (its work came before the reset,
 * its answer after) from one that came after it. */
uint64_t store_epoch(struct store *s);
/* The epoch of this thread's last transaction since store_defer_commits; false when there was
 * none. */
bool store_last_epoch(uint64_t *epoch);

/* A SIGHUP reload's write, in one transaction: the seed's tariffs made to exist (names
 * updated; tariffs no longer configured stay, customers may use them) and the root customer's
 * login, API credentials and tariff refreshed, as at start-up. Nothing else is touched. */
int store_reseed(struct store *s, const struct store_seed *seed, struct custrpc_error *err);

/* The number of customers, the root included, in a read transaction of its own. */
int store_count_customers(struct store *s, int64_t *n, struct custrpc_error *err);
/* Whether the store holds no customer but the root and no partner but the root partner. */
int store_only_roots(struct store *s, bool *yes, struct custrpc_error *err);

/* One row of listCustomers. */
struct store_list_row {
    int64_t i_customer;
    const char *name, *web_login, *description, *currency; /* NULL when unset */
    double balance;                                        /* stored sign; 0 when unset */
    bool has_credit_limit;
    double credit_limit;
};

/* The sub-customers of ancestor at any depth (not ancestor itself) in i_customer order, from
 * offset, at most limit, whose name matches the SQL LIKE pattern (NULL: all; '\' escapes).
 * fn sees each row; its strings live until it returns. */
int store_list(struct store_tx *tx, int64_t ancestor, int64_t offset, int64_t limit,
               const char *pattern,
               int (*fn)(const struct store_list_row *row, void *arg, struct custrpc_error *err),
               void *arg, struct custrpc_error *err);

#endif
