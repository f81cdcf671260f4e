/* store_sql.c — SQL generated from the field table (see store_sql.h). */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/message.h>

#include "sbuf.h"
#include "store_sql.h"

bool store_sql_is_column(const struct custrpc_field *f)
{
    return !(f->flags & (CUSTRPC_FLAG_SECRET | CUSTRPC_FLAG_TRUSTED));
}

/* The column type of a field: its storage class's. */
const char *store_sql_type(const struct custrpc_field *f)
{
    static const char *const names[] = {[CUSTRPC_STORE_TEXT] = "TEXT",
                                        [CUSTRPC_STORE_INTEGER] = "INTEGER",
                                        [CUSTRPC_STORE_REAL] = "REAL",
                                        [CUSTRPC_STORE_NONE] = "BLOB"};
    return names[custrpc_field_storage(f)];
}

char *store_sql_schema(void)
{
    struct sbuf b = {0};
    sb_add(&b, "CREATE TABLE IF NOT EXISTS tariffs (\n"
               "  i_tariff INTEGER PRIMARY KEY,\n"
               "  name TEXT NOT NULL,\n"
               "  i_owner INTEGER NOT NULL);\n");
    /* AUTOINCREMENT: an i_customer is never handed out twice, even after deletions. */
    sb_add(&b, "CREATE TABLE IF NOT EXISTS customers (\n"
               "  i_customer INTEGER PRIMARY KEY AUTOINCREMENT,\n"
               "  i_parent INTEGER REFERENCES customers(i_customer),\n"
               "  depth INTEGER NOT NULL,\n"
               "  blocked INTEGER NOT NULL DEFAULT 0");
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (!store_sql_is_column(f))
            continue;
        sb_add(&b, ",\n  \"%s\" %s%s%s", f->name, store_sql_type(f),
               (f->flags & CUSTRPC_FLAG_MANDATORY) ? " NOT NULL" : "",
               (f->flags & CUSTRPC_FLAG_UNIQUE) ? " UNIQUE" : "");
    }
    sb_add(&b, ",\n  web_password_salt BLOB,\n  web_password_hmac BLOB,\n"
               "  api_ha1_md5 BLOB,\n  api_ha1_sha256 BLOB);\n"
               "CREATE INDEX IF NOT EXISTS customers_parent ON customers(i_parent);\n");
    return b.p;
}

char *store_sql_insert(void)
{
    struct sbuf b = {0};
    int params = 2;
    sb_add(&b, "INSERT INTO customers (i_parent, depth");
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (store_sql_is_column(f)) {
            sb_add(&b, ", \"%s\"", f->name);
            params++;
        }
    }
    sb_add(&b, ", web_password_salt, web_password_hmac, api_ha1_md5, api_ha1_sha256) VALUES (?");
    for (int i = 1; i < params + 4; i++)
        sb_add(&b, ", ?");
    sb_add(&b, ")");
    return b.p;
}

char *store_sql_select(void)
{
    return store_sql_select_some(store_sql_is_column);
}

char *store_sql_select_some(bool (*want)(const struct custrpc_field *f))
{
    struct sbuf b = {0};
    sb_add(&b, "SELECT i_customer, i_parent, depth, blocked, api_ha1_md5 IS NOT NULL");
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (store_sql_is_column(f) && want(f))
            sb_add(&b, ", \"%s\"", f->name);
    }
    sb_add(&b, " FROM customers ");
    return b.p;
}

/* The columns that are not fields: what the first release had, then what later ones added. */
static const struct {
    const char *name, *decl;
} fixed_columns[] = {
    {"i_parent", "INTEGER REFERENCES customers(i_customer)"},
    {"depth", "INTEGER NOT NULL DEFAULT 0"},
    {"blocked", "INTEGER NOT NULL DEFAULT 0"},
    {"web_password_salt", "BLOB"},
    {"web_password_hmac", "BLOB"},
    {"api_ha1_md5", "BLOB"},
    {"api_ha1_sha256", "BLOB"},
};
#define N_FIXED (sizeof fixed_columns / sizeof fixed_columns[0])

size_t store_sql_column_count(void)
{
    size_t n = N_FIXED;
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++)
        n += store_sql_is_column(custrpc_field_get((enum custrpc_field_id)i));
    return n;
}

const char *store_sql_column_name(size_t i)
{
    if (i < N_FIXED)
        return fixed_columns[i].name;
    i -= N_FIXED;
    for (int k = 0; k < CUSTRPC_FIELD_COUNT; k++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)k);
        if (store_sql_is_column(f) && i-- == 0)
            return f->name;
    }
    return NULL;
}

char *store_sql_add_column(size_t i)
{
    struct sbuf b = {0};
    const char *name = store_sql_column_name(i);
    if (!name)
        return NULL;
    if (i < N_FIXED) {
        sb_add(&b, "ALTER TABLE customers ADD COLUMN \"%s\" %s;", name, fixed_columns[i].decl);
        return b.p;
    }
    /* ALTER TABLE can add neither NOT NULL without a default nor UNIQUE: rows written before
     * the field existed have no value, and uniqueness becomes an index. */
    const struct custrpc_field *f = custrpc_field_find(name);
    sb_add(&b, "ALTER TABLE customers ADD COLUMN \"%s\" %s;", name, store_sql_type(f));
    if (f->flags & CUSTRPC_FLAG_UNIQUE)
        sb_add(&b,
               "CREATE UNIQUE INDEX IF NOT EXISTS \"customers_%s_unique\" ON customers(\"%s\");",
               name, name);
    return b.p;
}

char *store_sql_update(const struct custrpc_customer *c, bool web, bool api)
{
    struct sbuf b = {0};
    const char *sep = "";
    sb_add(&b, "UPDATE customers SET ");
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (store_sql_is_column(f) && c->presence[i] != CUSTRPC_ABSENT) {
            sb_add(&b, "%s\"%s\" = ?", sep, f->name);
            sep = ", ";
        }
    }
    if (web) {
        sb_add(&b, "%sweb_password_salt = ?, web_password_hmac = ?", sep);
        sep = ", ";
    }
    if (api)
        sb_add(&b, "%sapi_ha1_md5 = ?, api_ha1_sha256 = ?", sep);
    sb_add(&b, " WHERE i_customer = ?");
    return b.p;
}
