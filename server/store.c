/* store.c — SQLite access for the reference server (see store.h). One connection behind one
 * mutex: SQLite serialises writers anyway, and the lock makes "check, then insert" atomic. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_sql.h"

struct store {
    sqlite3 *db;
    pthread_mutex_t lock;
    char *select_sql; /* "SELECT ... FROM customers " */
    sqlite3_stmt *insert;
    sqlite3_stmt *by_id;
    sqlite3_stmt *by_name;
    sqlite3_stmt *by_login;
    sqlite3_stmt *parent_of;
    sqlite3_stmt *tariff_owner;
};

static int db_fail(struct store *s, struct custrpc_error *err, const char *what)
{
    return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: %s: %s", what,
                        sqlite3_errmsg(s->db));
}

static int prepare(struct store *s, const char *sql, sqlite3_stmt **stmt, struct custrpc_error *err)
{
    if (!sql)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
        return db_fail(s, err, "prepare");
    return 0;
}

/* Prepares "<select> WHERE <where>". */
static int prepare_select(struct store *s, const char *where, sqlite3_stmt **stmt,
                          struct custrpc_error *err)
{
    size_t n = strlen(s->select_sql) + strlen(where) + 1;
    char *sql = malloc(n);
    if (!sql)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    snprintf(sql, n, "%s%s", s->select_sql, where);
    int rc = prepare(s, sql, stmt, err);
    free(sql);
    return rc;
}

static int exec(struct store *s, const char *sql, struct custrpc_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: %s", msg ? msg : "exec failed");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int store_open(struct store **out, const char *path, struct custrpc_error *err)
{
    struct store *s = calloc(1, sizeof *s);
    if (!s)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    pthread_mutex_init(&s->lock, NULL);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path ? path : ":memory:", &s->db, flags, NULL) != SQLITE_OK) {
        custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: %s: %s",
                     path ? path : ":memory:", s->db ? sqlite3_errmsg(s->db) : "cannot open");
        store_close(s);
        return -1;
    }
    char *schema = store_sql_schema();
    /* WAL + synchronous=FULL: a COMMIT that returned is on disk, so an acknowledged customer
     * survives kill -9 and power loss alike. */
    if (exec(s, "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;", err) < 0 ||
        (path && exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", err) < 0) ||
        !schema || exec(s, schema, err) < 0) {
        if (!schema)
            custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        free(schema);
        store_close(s);
        return -1;
    }
    free(schema);
    s->select_sql = store_sql_select();
    char *insert_sql = store_sql_insert();
    int rc = prepare(s, insert_sql, &s->insert, err);
    free(insert_sql);
    if (rc < 0 || !s->select_sql || prepare_select(s, "WHERE i_customer = ?", &s->by_id, err) < 0 ||
        prepare_select(s, "WHERE \"name\" = ?", &s->by_name, err) < 0 ||
        prepare(s,
                "SELECT i_customer, api_access, api_ha1_md5, api_ha1_sha256 FROM customers "
                "WHERE web_login = ?",
                &s->by_login, err) < 0 ||
        prepare(s, "SELECT i_parent FROM customers WHERE i_customer = ?", &s->parent_of, err) < 0 ||
        prepare(s, "SELECT i_owner FROM tariffs WHERE i_tariff = ?", &s->tariff_owner, err) < 0) {
        if (!s->select_sql)
            custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
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
    sqlite3_stmt *stmts[] = {s->insert,   s->by_id,     s->by_name,
                             s->by_login, s->parent_of, s->tariff_owner};
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++)
        sqlite3_finalize(stmts[i]);
    sqlite3_close(s->db);
    free(s->select_sql);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

int store_put_tariffs(struct store *s, const struct store_tariff *t, size_t n,
                      struct custrpc_error *err)
{
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&s->lock);
    int rc = prepare(s,
                     "INSERT INTO tariffs (i_tariff, name, i_owner) VALUES (?, ?, ?) "
                     "ON CONFLICT(i_tariff) DO UPDATE SET name = excluded.name",
                     &st, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        sqlite3_bind_int64(st, 1, t[i].i_tariff);
        sqlite3_bind_text(st, 2, t[i].name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, STORE_ROOT_ID);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_fail(s, err, "tariffs");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int store_tariff_owner(struct store *s, int64_t i_tariff, int64_t *owner, struct custrpc_error *err)
{
    pthread_mutex_lock(&s->lock);
    sqlite3_bind_int64(s->tariff_owner, 1, i_tariff);
    int step = sqlite3_step(s->tariff_owner);
    int rc = 0;
    if (step == SQLITE_ROW)
        *owner = sqlite3_column_int64(s->tariff_owner, 0);
    else if (step == SQLITE_DONE)
        rc = custrpc_fail(err, CUSTRPC_E_TARIFF, "i_tariff", "tariff %lld does not exist",
                          (long long)i_tariff);
    else
        rc = db_fail(s, err, "tariff");
    sqlite3_reset(s->tariff_owner);
    pthread_mutex_unlock(&s->lock);
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

/* Steps a by_id/by_name statement and fills out; the caller holds the lock. */
static int load_row(struct store *s, sqlite3_stmt *st, const char *what, struct store_customer *out,
                    struct custrpc_error *err)
{
    custrpc_customer_init(&out->c);
    int step = sqlite3_step(st);
    int rc = 0;
    if (step == SQLITE_DONE) {
        rc = custrpc_fail(err, CUSTRPC_E_NOT_FOUND, NULL, "customer %s not found", what);
    } else if (step != SQLITE_ROW) {
        rc = db_fail(s, err, "read");
    } else {
        out->i_customer = sqlite3_column_int64(st, 0);
        out->i_parent = sqlite3_column_int64(st, 1);
        out->depth = sqlite3_column_int64(st, 2);
        int col = 3;
        for (int i = 0; i < CUSTRPC_FIELD_COUNT && rc == 0; i++) {
            const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
            if (store_sql_is_column(f))
                rc = read_field(st, col++, &out->c, f, err);
        }
        if (rc < 0)
            custrpc_customer_free(&out->c);
    }
    sqlite3_reset(st);
    return rc;
}

int store_get(struct store *s, int64_t i_customer, struct store_customer *out,
              struct custrpc_error *err)
{
    char what[32];
    snprintf(what, sizeof what, "%lld", (long long)i_customer);
    pthread_mutex_lock(&s->lock);
    sqlite3_bind_int64(s->by_id, 1, i_customer);
    int rc = load_row(s, s->by_id, what, out, err);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int store_find_name(struct store *s, const char *name, struct store_customer *out,
                    struct custrpc_error *err)
{
    pthread_mutex_lock(&s->lock);
    sqlite3_bind_text(s->by_name, 1, name, -1, SQLITE_STATIC);
    int rc = load_row(s, s->by_name, "with that name", out, err);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int store_credentials(struct store *s, const char *login, struct store_credentials *out,
                      struct custrpc_error *err)
{
    pthread_mutex_lock(&s->lock);
    sqlite3_bind_text(s->by_login, 1, login, -1, SQLITE_STATIC);
    int step = sqlite3_step(s->by_login);
    int rc = 0;
    if (step == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->i_customer = sqlite3_column_int64(s->by_login, 0);
        out->api_access = sqlite3_column_int(s->by_login, 1) != 0;
        out->has_ha1 = sqlite3_column_bytes(s->by_login, 2) == SECRETS_MD5_LEN &&
                       sqlite3_column_bytes(s->by_login, 3) == SECRETS_SHA256_LEN;
        if (out->has_ha1) {
            memcpy(out->ha1.md5, sqlite3_column_blob(s->by_login, 2), SECRETS_MD5_LEN);
            memcpy(out->ha1.sha256, sqlite3_column_blob(s->by_login, 3), SECRETS_SHA256_LEN);
        }
    } else if (step == SQLITE_DONE) {
        rc = custrpc_fail(err, CUSTRPC_E_NOT_FOUND, "web_login", "no customer has this login");
    } else {
        rc = db_fail(s, err, "credentials");
    }
    sqlite3_reset(s->by_login);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int store_in_subtree(struct store *s, int64_t ancestor, int64_t node, bool *yes,
                     struct custrpc_error *err)
{
    int rc = 0;
    *yes = false;
    pthread_mutex_lock(&s->lock);
    /* Walk up from node; a tree, so this ends at the root (parent NULL -> 0). */
    for (int64_t cur = node; cur != 0 && rc == 0;) {
        if (cur == ancestor) {
            *yes = true;
            break;
        }
        sqlite3_bind_int64(s->parent_of, 1, cur);
        int step = sqlite3_step(s->parent_of);
        if (step == SQLITE_ROW)
            cur = sqlite3_column_int64(s->parent_of, 0);
        else if (step == SQLITE_DONE)
            cur = 0;
        else
            rc = db_fail(s, err, "parent");
        sqlite3_reset(s->parent_of);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* Whether a customer has this exact name; the caller holds the lock. */
static bool name_taken(struct store *s, const char *name)
{
    sqlite3_bind_text(s->by_name, 1, name, -1, SQLITE_STATIC);
    bool taken = sqlite3_step(s->by_name) == SQLITE_ROW;
    sqlite3_reset(s->by_name);
    return taken;
}

/* Maps "UNIQUE constraint failed: customers.<column>" to the contract's duplicate faults. */
static int unique_violation(struct store *s, const struct custrpc_customer *c,
                            struct custrpc_error *err)
{
    const char *msg = sqlite3_errmsg(s->db);
    /* SQLite names one violated constraint; when both collide, the name is the one to report. */
    if (strstr(msg, "customers.web_login") && name_taken(s, c->name))
        return custrpc_fail(err, CUSTRPC_E_DUP_NAME, "name", "\"%s\" already exists", c->name);
    if (strstr(msg, "customers.web_login"))
        return custrpc_fail(err, CUSTRPC_E_DUP_LOGIN, "web_login", "\"%s\" already exists",
                            c->web_login);
    if (strstr(msg, "customers.name"))
        return custrpc_fail(err, CUSTRPC_E_DUP_NAME, "name", "\"%s\" already exists", c->name);
    return db_fail(s, err, "insert");
}

int store_insert(struct store *s, const struct custrpc_customer *c, int64_t i_parent, int64_t depth,
                 const struct web_password_hash *web, const struct digest_ha1 *api,
                 int64_t *i_customer, struct custrpc_error *err)
{
    sqlite3_stmt *st = s->insert;
    pthread_mutex_lock(&s->lock);
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
    if (web) {
        sqlite3_bind_blob(st, idx++, web->salt, sizeof web->salt, SQLITE_STATIC);
        sqlite3_bind_blob(st, idx++, web->hmac, sizeof web->hmac, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(st, idx++);
        sqlite3_bind_null(st, idx++);
    }
    if (api) {
        sqlite3_bind_blob(st, idx++, api->md5, sizeof api->md5, SQLITE_STATIC);
        sqlite3_bind_blob(st, idx++, api->sha256, sizeof api->sha256, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(st, idx++);
        sqlite3_bind_null(st, idx++);
    }
    /* A single INSERT is its own transaction in autocommit mode: all or nothing. */
    int step = sqlite3_step(st);
    int rc = 0;
    if (step == SQLITE_DONE)
        *i_customer = sqlite3_last_insert_rowid(s->db);
    else if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
        rc = unique_violation(s, c, err);
    else
        rc = db_fail(s, err, "insert");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int store_ensure_root(struct store *s, const char *login, const struct digest_ha1 *ha1,
                      int64_t i_tariff, struct custrpc_error *err)
{
    struct store_customer existing;
    struct custrpc_error ignored;
    if (store_get(s, STORE_ROOT_ID, &existing, &ignored) == 0) {
        custrpc_customer_free(&existing.c);
        sqlite3_stmt *st = NULL;
        pthread_mutex_lock(&s->lock);
        int rc = prepare(s,
                         "UPDATE customers SET web_login = ?, i_tariff = ?, api_ha1_md5 = ?, "
                         "api_ha1_sha256 = ? WHERE i_customer = 1",
                         &st, err);
        if (rc == 0) {
            sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, i_tariff);
            if (ha1) {
                sqlite3_bind_blob(st, 3, ha1->md5, sizeof ha1->md5, SQLITE_STATIC);
                sqlite3_bind_blob(st, 4, ha1->sha256, sizeof ha1->sha256, SQLITE_STATIC);
            }
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = db_fail(s, err, "root");
        }
        sqlite3_finalize(st);
        pthread_mutex_unlock(&s->lock);
        return rc;
    }
    /* A new store: the root has every right and unlimited depth (max_depth absent). */
    struct custrpc_customer root;
    custrpc_customer_init(&root);
    int rc = 0;
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
        rc = store_insert(s, &root, 0, 0, NULL, ha1, &id, err);
    custrpc_customer_free(&root);
    if (rc == 0 && id != STORE_ROOT_ID)
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "store: root customer got id %lld",
                          (long long)id);
    return rc;
}
