/* partner_store.c — the partner table's queries (see partner_store.h). */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "msg_columns.h"
#include "partner_store.h"
#include "store_int.h"

static void done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* A row of a select_where statement (Id, then the columns) into out (initialised). */
static int read_row(sqlite3_stmt *st, struct custrpc_partner_info *out, struct custrpc_error *err)
{
    const struct custrpc_message *d = &custrpc_partner_info_message;
    custrpc_msg_init(d, out);
    out->id = sqlite3_column_int64(st, 0);
    custrpc_msg_set_presence(d, out, custrpc_msg_field(d, "Id"), CUSTRPC_SET);
    if (msg_columns_read(partner_sql_columns(), out, st, 1, err) < 0) {
        custrpc_msg_free(d, out);
        return -1;
    }
    return 0;
}

static int load_one(struct store_tx *tx, sqlite3_stmt *st, const char *what,
                    struct custrpc_partner_info *out, struct custrpc_error *err)
{
    int step = sqlite3_step(st), rc;
    if (step == SQLITE_ROW)
        rc = read_row(st, out, err);
    else if (step == SQLITE_DONE)
        rc = custrpc_fail(err, CUSTRPC_E_NOT_FOUND, NULL, "partner %s not found", what);
    else
        rc = store_db_fail(tx, err, "read partner");
    done(st);
    return rc;
}

int partner_get(struct store_tx *tx, int64_t id, struct custrpc_partner_info *out,
                struct custrpc_error *err)
{
    custrpc_msg_init(&custrpc_partner_info_message, out);
    sqlite3_stmt *st = store_stmt(tx, STMT_P_BY_ID, err);
    if (!st)
        return -1;
    char what[32];
    snprintf(what, sizeof what, "%lld", (long long)id);
    sqlite3_bind_int64(st, 1, id);
    return load_one(tx, st, what, out, err);
}

int partner_find_name(struct store_tx *tx, const char *name, struct custrpc_partner_info *out,
                      struct custrpc_error *err)
{
    custrpc_msg_init(&custrpc_partner_info_message, out);
    sqlite3_stmt *st = store_stmt(tx, STMT_P_BY_NAME, err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    return load_one(tx, st, "with that Name", out, err);
}

/* Steps a write; a unique violation can only be the Name. */
static int step_write(struct store_tx *tx, sqlite3_stmt *st, const char *name,
                      struct custrpc_error *err)
{
    int step = sqlite3_step(st), rc = 0;
    if (step == SQLITE_CONSTRAINT &&
        sqlite3_extended_errcode(tx->c->db) == SQLITE_CONSTRAINT_UNIQUE)
        rc = custrpc_fail(err, CUSTRPC_E_DUP_NAME, "Name",
                          "a partner named \"%.100s\" already exists", name ? name : "");
    else if (step != SQLITE_DONE)
        rc = store_db_fail(tx, err, "write partner");
    done(st);
    return rc;
}

int partner_insert(struct store_tx *tx, const struct custrpc_partner_info *p, int64_t *id,
                   struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, STMT_P_INSERT, err);
    if (!st)
        return -1;
    msg_columns_bind(partner_sql_columns(), p, st, 1);
    if (step_write(tx, st, p->name, err) < 0)
        return -1;
    *id = sqlite3_last_insert_rowid(tx->c->db);
    return 0;
}

int partner_update(struct store_tx *tx, const struct custrpc_partner_info *p,
                   struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, STMT_P_UPDATE, err);
    if (!st)
        return -1;
    const struct msg_columns *c = partner_sql_columns();
    msg_columns_bind(c, p, st, 1);
    sqlite3_bind_int64(st, (int)c->n + 1, p->id);
    return step_write(tx, st, p->name, err);
}

static int has_child(struct store_tx *tx, int64_t id, bool *yes, struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, STMT_P_HAS_CHILD, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : store_db_fail(tx, err, "children");
    *yes = rc == 0 && sqlite3_column_int(st, 0) != 0;
    done(st);
    return rc;
}

int partner_delete(struct store_tx *tx, int64_t id, struct custrpc_error *err)
{
    bool children;
    if (has_child(tx, id, &children, err) < 0)
        return -1;
    if (children)
        return custrpc_fail(err, CUSTRPC_E_CHILDREN, "partnerId",
                            "partner %lld has partners below it: remove them first",
                            (long long)id);
    sqlite3_stmt *st = store_stmt(tx, STMT_P_DELETE, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    return step_write(tx, st, NULL, err);
}

int partner_in_subtree(struct store_tx *tx, int64_t ancestor, int64_t node, bool *yes,
                       struct custrpc_error *err)
{
    *yes = false;
    sqlite3_stmt *st = store_stmt(tx, STMT_P_PARENT_OF, err);
    if (!st)
        return -1;
    /* Up from node; the tree has no cycles (a parent exists before its child), and the walk
     * is bounded anyway. */
    for (int64_t cur = node, steps = 0; cur != 0 && steps < 100000; steps++) {
        if (cur == ancestor) {
            *yes = true;
            return 0;
        }
        sqlite3_bind_int64(st, 1, cur);
        int step = sqlite3_step(st);
        cur = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0; /* NULL parent: 0 */
        done(st);
        if (step != SQLITE_ROW && step != SQLITE_DONE)
            return store_db_fail(tx, err, "parent");
    }
    return 0;
}

int partner_each_below(struct store_tx *tx, int64_t parent, bool recursive,
                       int (*fn)(const struct custrpc_partner_info *p, void *arg,
                                 struct custrpc_error *err),
                       void *arg, struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, recursive ? STMT_P_SUBTREE : STMT_P_CHILDREN, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, parent);
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        struct custrpc_partner_info p;
        rc = read_row(st, &p, err);
        if (rc == 0) {
            rc = fn(&p, arg, err);
            custrpc_msg_free(&custrpc_partner_info_message, &p);
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_db_fail(tx, err, "list partners");
    done(st);
    return rc;
}

int partner_ensure_root_tx(struct store_tx *tx, const char *name, bool fresh, int64_t *id,
                           struct custrpc_error *err)
{
    const struct custrpc_message *d = &custrpc_partner_info_message;
    sqlite3_stmt *st = store_stmt(tx, STMT_P_ROOT, err);
    int rc = st ? 0 : -1;
    int64_t root = 0;
    if (st) {
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW)
            root = sqlite3_column_int64(st, 0);
        else if (step != SQLITE_DONE)
            rc = store_db_fail(tx, err, "root partner");
        done(st);
    }
    struct custrpc_partner_info p;
    custrpc_msg_init(d, &p);
    if (rc == 0 && root && !fresh)
        rc = partner_get(tx, root, &p, err);
    if (rc == 0 && root && fresh) {
        p.id = root;
        custrpc_msg_set_presence(d, &p, custrpc_msg_field(d, "Id"), CUSTRPC_SET);
    }
    if (rc == 0) {
        rc = custrpc_msg_set_text(d, &p, "Name", name, err);
        if (rc == 0)
            rc = custrpc_msg_set_text(d, &p, "Level", "Root", err);
        if (rc == 0)
            rc = root ? partner_update(tx, &p, err) : partner_insert(tx, &p, &root, err);
    }
    custrpc_msg_free(d, &p);
    *id = root;
    return rc;
}

int partner_ensure_root(struct store *s, const char *name, int64_t *id, struct custrpc_error *err)
{
    struct store_tx tx;
    if (store_begin_write(s, &tx, err) < 0)
        return -1;
    int rc = partner_ensure_root_tx(&tx, name, false, id, err);
    if (rc == 0)
        rc = store_commit(&tx, err);
    store_end(&tx);
    return rc;
}
