/* store_rows.c — the store's queries on customers and tariffs (see store.h), each inside the
 * caller's transaction; column lists and the INSERT/UPDATE text come from store_sql.c. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "store_int.h"
#include "store_sql.h"

int store_put_tariffs_tx(struct store_tx *tx, const struct store_tariff *t, size_t n,
                         struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, STMT_TARIFF_PUT, err);
    int rc = st ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        sqlite3_bind_int64(st, 1, t[i].i_tariff);
        sqlite3_bind_text(st, 2, t[i].name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, STORE_ROOT_ID);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_db_fail(tx, err, "tariffs");
        sqlite3_reset(st);
    }
    return rc;
}

int store_put_tariffs(struct store *s, const struct store_tariff *t, size_t n,
                      struct custrpc_error *err)
{
    struct store_tx tx;
    if (store_begin_write(s, &tx, err) < 0)
        return -1;
    int rc = store_put_tariffs_tx(&tx, t, n, err);
    if (rc == 0)
        rc = store_commit(&tx, err);
    store_end(&tx);
    return rc;
}

int store_tariff_owner(struct store_tx *tx, int64_t i_tariff, int64_t *owner,
                       struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, STMT_TARIFF_OWNER, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, i_tariff);
    int step = sqlite3_step(st);
    int rc = 0;
    if (step == SQLITE_ROW)
        *owner = sqlite3_column_int64(st, 0);
    else if (step == SQLITE_DONE)
        rc = custrpc_fail(err, CUSTRPC_E_TARIFF, "i_tariff", "tariff %lld does not exist",
                          (long long)i_tariff);
    else
        rc = store_db_fail(tx, err, "tariff");
    sqlite3_reset(st);
    return rc;
}

/* Binds one field's value (or NULL when absent or nil) at parameter index idx. */
static void bind_field(sqlite3_stmt *st, int idx, const struct custrpc_customer *c,
                       const struct custrpc_field *f)
{
    struct custrpc_scalar v;
    if (custrpc_msg_get_scalar(&custrpc_customer_message, c, f, &v) < 0)
        sqlite3_bind_null(st, idx);
    else if (v.storage == CUSTRPC_STORE_TEXT)
        sqlite3_bind_text(st, idx, v.text, -1, SQLITE_STATIC);
    else if (v.storage == CUSTRPC_STORE_REAL)
        sqlite3_bind_double(st, idx, v.real);
    else
        sqlite3_bind_int64(st, idx, v.integer);
}

/* Reads one column into the field: NULL is absent, or nil for fields where nil means
 * "unlimited" (that is how the API shows no limit). */
static int read_field(sqlite3_stmt *st, int col, struct custrpc_customer *c,
                      const struct custrpc_field *f, struct custrpc_error *err)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return (f->flags & CUSTRPC_FLAG_NIL_UNLIMITED) ? custrpc_customer_set_nil(c, f->id, err)
                                                       : 0;
    struct custrpc_scalar v = {.storage = custrpc_field_storage(f),
                               .text = (const char *)sqlite3_column_text(st, col),
                               .integer = sqlite3_column_int64(st, col),
                               .real = sqlite3_column_double(st, col)};
    return custrpc_msg_set_scalar(&custrpc_customer_message, c, f, &v, err);
}

/* Fills out from the current row of a store_sql_select_some(want) statement. */
static int read_some(sqlite3_stmt *st, struct store_customer *out,
                     bool (*want)(const struct custrpc_field *f), struct custrpc_error *err)
{
    custrpc_customer_init(&out->c);
    out->i_customer = sqlite3_column_int64(st, 0);
    out->i_parent = sqlite3_column_int64(st, 1);
    out->depth = sqlite3_column_int64(st, 2);
    out->blocked = sqlite3_column_int(st, 3) != 0;
    out->has_api_password = sqlite3_column_int(st, 4) != 0;
    int col = 5, rc = 0;
    for (int i = 0; i < CUSTRPC_FIELD_COUNT && rc == 0; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (store_sql_is_column(f) && want(f))
            rc = read_field(st, col++, &out->c, f, err);
    }
    if (rc < 0)
        custrpc_customer_free(&out->c);
    return rc;
}

static int read_row(sqlite3_stmt *st, struct store_customer *out, struct custrpc_error *err)
{
    return read_some(st, out, store_sql_is_column, err);
}

/* Steps a by_id/by_name statement (parameters bound) and fills out with the fields want()
 * accepts (the statement's columns). */
static int load_some(struct store_tx *tx, sqlite3_stmt *st, const char *what,
                     struct store_customer *out, bool (*want)(const struct custrpc_field *f),
                     struct custrpc_error *err)
{
    custrpc_customer_init(&out->c);
    int step = sqlite3_step(st);
    int rc = 0;
    if (step == SQLITE_DONE)
        rc = custrpc_fail(err, CUSTRPC_E_NOT_FOUND, NULL, "customer %s not found", what);
    else if (step != SQLITE_ROW)
        rc = store_db_fail(tx, err, "read");
    else
        rc = read_some(st, out, want, err);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int load_row(struct store_tx *tx, sqlite3_stmt *st, const char *what,
                    struct store_customer *out, struct custrpc_error *err)
{
    return load_some(tx, st, what, out, store_sql_is_column, err);
}

int store_get_actor(struct store_tx *tx, int64_t i_customer, struct store_customer *out,
                    struct custrpc_error *err)
{
    char what[32];
    snprintf(what, sizeof what, "%lld", (long long)i_customer);
    custrpc_customer_init(&out->c);
    sqlite3_stmt *st = store_stmt(tx, STMT_ACTOR_BY_ID, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, i_customer);
    return load_some(tx, st, what, out, policy_reads, err);
}

int store_get(struct store_tx *tx, int64_t i_customer, struct store_customer *out,
              struct custrpc_error *err)
{
    char what[32];
    snprintf(what, sizeof what, "%lld", (long long)i_customer);
    custrpc_customer_init(&out->c);
    sqlite3_stmt *st = store_stmt(tx, STMT_BY_ID, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, i_customer);
    return load_row(tx, st, what, out, err);
}

int store_find_name(struct store_tx *tx, const char *name, struct store_customer *out,
                    struct custrpc_error *err)
{
    custrpc_customer_init(&out->c);
    sqlite3_stmt *st = store_stmt(tx, STMT_BY_NAME, err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    return load_row(tx, st, "with that name", out, err);
}

/* The parent of a customer and whether it is blocked; parent 0 for the root or when absent. */
static int parent_of(struct store_tx *tx, int64_t id, int64_t *parent, bool *blocked,
                     struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, STMT_PARENT_OF, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st), rc = 0;
    *parent = 0;
    *blocked = false;
    if (step == SQLITE_ROW) {
        *parent = sqlite3_column_int64(st, 0);
        *blocked = sqlite3_column_int(st, 1) != 0;
    } else if (step != SQLITE_DONE) {
        rc = store_db_fail(tx, err, "parent");
    }
    sqlite3_reset(st);
    return rc;
}

int store_credentials(struct store *s, const char *login, struct store_credentials *out,
                      struct custrpc_error *err)
{
    struct store_tx tx;
    if (store_begin_read(s, &tx, err) < 0)
        return -1;
    sqlite3_stmt *st = store_stmt(&tx, STMT_BY_LOGIN, err);
    int rc = st ? 0 : -1;
    if (st) {
        sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            memset(out, 0, sizeof *out);
            out->i_customer = sqlite3_column_int64(st, 0);
            out->api_access = sqlite3_column_int(st, 1) != 0;
            out->has_ha1 = sqlite3_column_bytes(st, 2) == SECRETS_MD5_LEN &&
                           sqlite3_column_bytes(st, 3) == SECRETS_SHA256_LEN;
            if (out->has_ha1) {
                memcpy(out->ha1.md5, sqlite3_column_blob(st, 2), SECRETS_MD5_LEN);
                memcpy(out->ha1.sha256, sqlite3_column_blob(st, 3), SECRETS_SHA256_LEN);
            }
            out->blocked = sqlite3_column_int(st, 4) != 0;
        } else if (step == SQLITE_DONE) {
            rc = custrpc_fail(err, CUSTRPC_E_NOT_FOUND, "web_login", "no customer has this login");
        } else {
            rc = store_db_fail(&tx, err, "credentials");
        }
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    /* A blocked ancestor blocks the whole subtree below it; same snapshot as the login. */
    for (int64_t cur = rc == 0 ? out->i_customer : 0; cur != 0 && !out->blocked && rc == 0;) {
        bool blocked;
        rc = parent_of(&tx, cur, &cur, &blocked, err);
        out->blocked = blocked;
    }
    if (rc == 0)
        rc = store_commit(&tx, err);
    store_end(&tx);
    return rc;
}

int store_in_subtree(struct store_tx *tx, int64_t ancestor, int64_t node, bool *yes,
                     struct custrpc_error *err)
{
    *yes = false;
    /* Walk up from node; a tree, so this ends at the root (parent NULL -> 0). */
    for (int64_t cur = node; cur != 0;) {
        if (cur == ancestor) {
            *yes = true;
            return 0;
        }
        bool blocked;
        if (parent_of(tx, cur, &cur, &blocked, err) < 0)
            return -1;
    }
    return 0;
}

int store_each_child(struct store_tx *tx, int64_t i_customer,
                     int (*fn)(const struct store_customer *child, void *arg,
                               struct custrpc_error *err),
                     void *arg, struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, STMT_CHILDREN, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, i_customer);
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_customer child;
        rc = read_row(st, &child, err);
        if (rc == 0) {
            rc = fn(&child, arg, err);
            custrpc_customer_free(&child.c);
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_db_fail(tx, err, "children");
    sqlite3_reset(st);
    return rc;
}

/* Whether a customer has this exact name. */
static bool name_taken(struct store_tx *tx, const char *name)
{
    sqlite3_stmt *st = store_stmt(tx, STMT_BY_NAME, NULL);
    if (!st || !name)
        return false;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    bool taken = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return taken;
}

/* Maps "UNIQUE constraint failed: customers.<column>" to the contract's duplicate faults. The
 * message is copied first: the name lookup below replaces the connection's last error. */
static int unique_violation(struct store_tx *tx, const struct custrpc_customer *c,
                            struct custrpc_error *err)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(tx->c->db));
    bool login = strstr(msg, "customers.web_login") != NULL;
    /* SQLite names one violated constraint; when both collide, the name is the one to report. */
    if (login && c->presence[CUSTRPC_F_name] == CUSTRPC_SET && name_taken(tx, c->name))
        return custrpc_fail(err, CUSTRPC_E_DUP_NAME, "name", "\"%s\" already exists", c->name);
    if (login)
        return custrpc_fail(err, CUSTRPC_E_DUP_LOGIN, "web_login", "\"%s\" already exists",
                            c->web_login);
    if (strstr(msg, "customers.name"))
        return custrpc_fail(err, CUSTRPC_E_DUP_NAME, "name", "\"%s\" already exists", c->name);
    return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: write: %s", msg);
}

/* Binds web and api hashes (or NULLs when bind_nulls) from idx on; returns the next index. */
static int bind_hashes(sqlite3_stmt *st, int idx, const struct web_password_hash *web,
                       const struct digest_ha1 *api, bool bind_nulls)
{
    if (web) {
        sqlite3_bind_blob(st, idx++, web->salt, sizeof web->salt, SQLITE_STATIC);
        sqlite3_bind_blob(st, idx++, web->hmac, sizeof web->hmac, SQLITE_STATIC);
    } else if (bind_nulls) {
        sqlite3_bind_null(st, idx++);
        sqlite3_bind_null(st, idx++);
    }
    if (api) {
        sqlite3_bind_blob(st, idx++, api->md5, sizeof api->md5, SQLITE_STATIC);
        sqlite3_bind_blob(st, idx++, api->sha256, sizeof api->sha256, SQLITE_STATIC);
    } else if (bind_nulls) {
        sqlite3_bind_null(st, idx++);
        sqlite3_bind_null(st, idx++);
    }
    return idx;
}

/* Steps a write; unique violations become the contract's faults. */
static int step_write(struct store_tx *tx, sqlite3_stmt *st, const struct custrpc_customer *c,
                      struct custrpc_error *err)
{
    int step = sqlite3_step(st), rc = 0;
    if (step != SQLITE_DONE)
        rc = c && sqlite3_extended_errcode(tx->c->db) == SQLITE_CONSTRAINT_UNIQUE
                 ? unique_violation(tx, c, err)
                 : store_db_fail(tx, err, "write");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int store_insert(struct store_tx *tx, const struct custrpc_customer *c, int64_t i_parent,
                 int64_t depth, const struct web_password_hash *web, const struct digest_ha1 *api,
                 int64_t *i_customer, struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, STMT_INSERT, err);
    if (!st)
        return -1;
    int idx = 1;
    if (i_parent)
        sqlite3_bind_int64(st, idx++, i_parent);
    else
        sqlite3_bind_null(st, idx++);
    sqlite3_bind_int64(st, idx++, depth);
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (store_sql_is_column(f))
            bind_field(st, idx++, c, f);
    }
    bind_hashes(st, idx, web, api, true);
    if (step_write(tx, st, c, err) < 0)
        return -1;
    *i_customer = sqlite3_last_insert_rowid(tx->c->db);
    return 0;
}

int store_update(struct store_tx *tx, int64_t i_customer, const struct custrpc_customer *changes,
                 const struct web_password_hash *web, const struct digest_ha1 *api,
                 struct custrpc_error *err)
{
    char *sql = store_sql_update(changes, web != NULL, api != NULL);
    sqlite3_stmt *st = NULL;
    if (!sql)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    int rc = sqlite3_prepare_v2(tx->c->db, sql, -1, &st, NULL) == SQLITE_OK
                 ? 0
                 : store_db_fail(tx, err, "prepare update");
    free(sql);
    if (rc < 0)
        return -1;
    int idx = 1;
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (store_sql_is_column(f) && changes->presence[i] != CUSTRPC_ABSENT)
            bind_field(st, idx++, changes, f);
    }
    idx = bind_hashes(st, idx, web, api, false);
    sqlite3_bind_int64(st, idx, i_customer);
    rc = step_write(tx, st, changes, err);
    sqlite3_finalize(st);
    return rc;
}

/* Runs a statement whose last parameter is the i_customer (the others bound by the caller). */
static int write_one(struct store_tx *tx, enum store_stmt which, int64_t i_customer,
                     struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, which, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, sqlite3_bind_parameter_count(st), i_customer);
    return step_write(tx, st, NULL, err);
}

int store_delete(struct store_tx *tx, int64_t i_customer, struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, STMT_HAS_CHILD, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, i_customer);
    int step = sqlite3_step(st);
    bool has = step == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
    sqlite3_reset(st);
    if (step != SQLITE_ROW)
        return store_db_fail(tx, err, "children");
    if (has)
        return custrpc_fail(err, CUSTRPC_E_CHILDREN, "i_customer",
                            "customer %lld has sub-customers; delete them first",
                            (long long)i_customer);
    return write_one(tx, STMT_DELETE, i_customer, err);
}

int store_set_blocked(struct store_tx *tx, int64_t i_customer, bool blocked,
                      struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, STMT_SET_BLOCKED, err);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, blocked);
    return write_one(tx, STMT_SET_BLOCKED, i_customer, err);
}

int store_set_balance(struct store_tx *tx, int64_t i_customer, double balance,
                      struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, STMT_SET_BALANCE, err);
    if (!st)
        return -1;
    sqlite3_bind_double(st, 1, balance);
    return write_one(tx, STMT_SET_BALANCE, i_customer, err);
}

static const char *text_or_null(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL
                                                       : (const char *)sqlite3_column_text(st, col);
}

int store_list(struct store_tx *tx, int64_t ancestor, int64_t offset, int64_t limit,
               const char *pattern,
               int (*fn)(const struct store_list_row *row, void *arg, struct custrpc_error *err),
               void *arg, struct custrpc_error *err)
{
    sqlite3_stmt *st = store_stmt(tx, STMT_LIST, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, ancestor);
    if (pattern)
        sqlite3_bind_text(st, 2, pattern, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_int64(st, 3, limit);
    sqlite3_bind_int64(st, 4, offset);
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_list_row row = {
            .i_customer = sqlite3_column_int64(st, 0),
            .name = text_or_null(st, 1),
            .web_login = text_or_null(st, 2),
            .description = text_or_null(st, 3),
            .balance = sqlite3_column_double(st, 4),
            .has_credit_limit = sqlite3_column_type(st, 5) != SQLITE_NULL,
            .credit_limit = sqlite3_column_double(st, 5),
            .currency = text_or_null(st, 6),
        };
        rc = fn(&row, arg, err);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_db_fail(tx, err, "list");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int store_ensure_root_tx(struct store_tx *tx, const char *login, const struct digest_ha1 *ha1,
                         int64_t i_tariff, struct custrpc_error *err)
{
    struct store_customer existing;
    struct custrpc_error ignored;
    int rc = 0;
    struct custrpc_customer root;
    custrpc_customer_init(&root);
    if (store_get(tx, STORE_ROOT_ID, &existing, &ignored) == 0) {
        custrpc_customer_free(&existing.c);
        rc = custrpc_customer_set_string(&root, CUSTRPC_F_web_login, login, err);
        if (rc == 0)
            rc = custrpc_customer_set_int(&root, CUSTRPC_F_i_tariff, i_tariff, err);
        /* No root password: the stored HA1 is cleared (NULL), so nobody logs in as root. */
        if (rc == 0)
            rc = store_update(tx, STORE_ROOT_ID, &root, NULL, ha1, err);
        if (rc == 0 && !ha1) {
            sqlite3_stmt *st = NULL;
            if (sqlite3_prepare_v2(tx->c->db,
                                   "UPDATE customers SET api_ha1_md5 = NULL, api_ha1_sha256 = NULL "
                                   "WHERE i_customer = 1",
                                   -1, &st, NULL) != SQLITE_OK ||
                sqlite3_step(st) != SQLITE_DONE)
                rc = store_db_fail(tx, err, "root");
            sqlite3_finalize(st);
        }
    } else {
        /* A new store: the root has every right and unlimited depth (max_depth absent). */
        static const enum custrpc_field_id all_rights[] = {
            CUSTRPC_F_accounts_mgmt, CUSTRPC_F_customers_mgmt, CUSTRPC_F_tariffs_mgmt,
            CUSTRPC_F_vouchers_mgmt};
        for (size_t i = 0; i < sizeof all_rights / sizeof all_rights[0] && rc == 0; i++)
            rc = custrpc_customer_set_int(&root, all_rights[i], 7, err);
        if (rc == 0)
            rc = custrpc_customer_set_string(&root, CUSTRPC_F_name, login, err);
        if (rc == 0)
            rc = custrpc_customer_set_string(&root, CUSTRPC_F_web_login, login, err);
        if (rc == 0)
            rc = custrpc_customer_set_int(&root, CUSTRPC_F_i_tariff, i_tariff, err);
        if (rc == 0)
            rc = custrpc_customer_set_int(&root, CUSTRPC_F_api_access, 1, err);
        if (rc == 0)
            rc = custrpc_customer_set_int(&root, CUSTRPC_F_api_mgmt, 1, err);
        int64_t id = 0;
        if (rc == 0)
            rc = store_insert(tx, &root, 0, 0, NULL, ha1, &id, err);
        if (rc == 0 && id != STORE_ROOT_ID)
            rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: root customer got id %lld",
                              (long long)id);
    }
    custrpc_customer_free(&root);
    return rc;
}

int store_ensure_root(struct store *s, const char *login, const struct digest_ha1 *ha1,
                      int64_t i_tariff, struct custrpc_error *err)
{
    struct store_tx tx;
    if (store_begin_write(s, &tx, err) < 0)
        return -1;
    int rc = store_ensure_root_tx(&tx, login, ha1, i_tariff, err);
    if (rc == 0)
        rc = store_commit(&tx, err);
    store_end(&tx);
    return rc;
}
