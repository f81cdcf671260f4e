/* store_reset.c — POST /admin/reset's write, a SIGHUP reload's reseed, the customer count of
 * GET /health and /metrics, and whether a store holds anything but its roots (--fixtures) (see
 * store.h). The reset is a write transaction like a create's, so under the file
 * store's group commit it is a savepoint in the open batch and its answer waits for the flush. */
#include <config.h>

#include <stdio.h>

#include "partner_store.h"
#include "store_int.h"

static int run(struct store_tx *tx, const char *sql, struct custrpc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(tx->c->db, sql, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = store_db_fail(tx, err, "reset");
    sqlite3_finalize(st);
    return rc;
}

int store_reset(struct store *s, const struct store_seed *seed,
                void (*locked)(void *arg, uint64_t epoch), void *arg, struct custrpc_error *err)
{
    struct store_tx tx;
    if (store_begin_write(s, &tx, err) < 0)
        return -1;
    /* One statement per table: the tree's foreign keys are checked when each ends, by then
     * with no row left to point at. The sequences go too, so the next ids are those of a
     * freshly started server. The root partner keeps its row (the partner API holds its Id). */
    static const char *const wipe[] = {
        "DELETE FROM customers",
        "DELETE FROM tariffs",
        "DELETE FROM partners WHERE \"Id\" <> (SELECT \"Id\" FROM partners WHERE \"ParentId\" "
        "IS NULL ORDER BY \"Id\" LIMIT 1)",
        "DELETE FROM sqlite_sequence WHERE name IN ('customers', 'partners')",
    };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof wipe / sizeof wipe[0]; i++)
        rc = run(&tx, wipe[i], err);
    int64_t partner_root = 0;
    if (rc == 0)
        rc = store_put_tariffs_tx(&tx, seed->tariffs, seed->n_tariffs, err);
    if (rc == 0)
        rc = store_ensure_root_tx(&tx, seed->root_login, seed->root_ha1, seed->tariffs[0].i_tariff,
                                  err);
    if (rc == 0)
        rc = partner_ensure_root_tx(&tx, seed->partner_root, true, &partner_root, err);
    if (rc == 0 && seed->fixtures)
        rc = seed->fixtures(&tx, partner_root, seed->fixtures_arg, err);
    if (rc == 0) {
        uint64_t epoch;
        store_next_epoch(s, &epoch);
        if (locked)
            locked(arg, epoch);
    }
    if (rc == 0)
        rc = store_commit(&tx, err);
    store_end(&tx);
    return rc;
}

/* One number a query gives, in a read transaction of its own. */
static int count(struct store *s, const char *sql, int64_t *n, struct custrpc_error *err)
{
    struct store_tx tx;
    if (store_begin_read(s, &tx, err) < 0)
        return -1;
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(tx.c->db, sql, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        rc = store_db_fail(&tx, err, "count");
    else
        *n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc == 0)
        rc = store_commit(&tx, err);
    store_end(&tx);
    return rc;
}

int store_reseed(struct store *s, const struct store_seed *seed, struct custrpc_error *err)
{
    struct store_tx tx;
    if (store_begin_write(s, &tx, err) < 0)
        return -1;
    int rc = store_put_tariffs_tx(&tx, seed->tariffs, seed->n_tariffs, err);
    if (rc == 0)
        rc = store_ensure_root_tx(&tx, seed->root_login, seed->root_ha1, seed->tariffs[0].i_tariff,
                                  err);
    if (rc == 0)
        rc = store_commit(&tx, err);
    store_end(&tx);
    return rc;
}

int store_count_customers(struct store *s, int64_t *n, struct custrpc_error *err)
{
    return count(s, "SELECT COUNT(*) FROM customers", n, err);
}

int store_only_roots(struct store *s, bool *yes, struct custrpc_error *err)
{
    int64_t n = 0;
    int rc = count(s,
                   "SELECT (SELECT COUNT(*) FROM customers) <= 1 AND "
                   "(SELECT COUNT(*) FROM partners) <= 1",
                   &n, err);
    *yes = n != 0;
    return rc;
}
