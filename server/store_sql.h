/* store_sql.h — the SQL text of the customers table, generated from the field table: the
 * schema, the INSERT and the SELECT column list, so a new field needs no SQL edit. */
#ifndef CUSTRPC_SERVER_STORE_SQL_H
#define CUSTRPC_SERVER_STORE_SQL_H

#include <stdbool.h>

#include <custrpc/fields.h>

/* Whether a field has its own column (passwords are stored as hashes, i_wholesaler not at all). */
bool store_sql_is_column(const struct custrpc_field *f);

/* Each returns a malloc'd NUL-terminated statement, or NULL when out of memory.
 * The INSERT binds, in order: i_parent, depth, every column field in table order, then
 * web_password_salt, web_password_hmac, api_ha1_md5, api_ha1_sha256.
 * The SELECT yields i_customer, i_parent, depth, then every column field in table order,
 * and ends with "FROM customers " for the caller's WHERE clause. */
char *store_sql_schema(void);
char *store_sql_insert(void);
char *store_sql_select(void);

#endif
