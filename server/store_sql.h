/* store_sql.h — the SQL text of the customers table, generated from the field table: the
 * schema, the INSERT and the SELECT column list, so a new field needs no SQL edit. */
#ifndef CUSTRPC_SERVER_STORE_SQL_H
#define CUSTRPC_SERVER_STORE_SQL_H

#include <stdbool.h>

#include <custrpc/customer.h>

/* Whether a field has its own column (passwords are stored as hashes, i_wholesaler not at all). */
bool store_sql_is_column(const struct custrpc_field *f);
/* The column type of a scalar field: its storage class's (TEXT, INTEGER, REAL). */
const char *store_sql_type(const struct custrpc_field *f);

/* Each returns a malloc'd NUL-terminated statement, or NULL when out of memory.
 * The INSERT binds, in order: i_parent, depth, every column field in table order, then
 * web_password_salt, web_password_hmac, api_ha1_md5, api_ha1_sha256.
 * The SELECT yields i_customer, i_parent, depth, blocked, whether there is an API password (its
 * HA1), then every column field in table order,
 * and ends with "FROM customers " for the caller's WHERE clause. */
char *store_sql_schema(void);
char *store_sql_insert(void);
char *store_sql_select(void);
/* The same SELECT with only the column fields want() accepts (in table order). */
char *store_sql_select_some(bool (*want)(const struct custrpc_field *f));

/* Every column of the customers table this build reads or writes, fields and the others
 * (parent, depth, blocked, password hashes): i in 0..store_sql_column_count()-1. Migration
 * compares them with the table's columns and adds what is missing with store_sql_add_column
 * (an ALTER TABLE, plus a unique index for a unique field); malloc'd, NULL when out of memory. */
size_t store_sql_column_count(void);
const char *store_sql_column_name(size_t i);
char *store_sql_add_column(size_t i);

/* "UPDATE customers SET ... WHERE i_customer = ?" for the column fields c has SET or NIL, in
 * table order, then (web) web_password_salt, web_password_hmac, then (api) api_ha1_md5,
 * api_ha1_sha256; the last parameter is the i_customer. */
char *store_sql_update(const struct custrpc_customer *c, bool web, bool api);

#endif
