/* store_int.h — what store.c (connections, transactions, schema) shares with store_rows.c (the
 * queries): the statements every connection prepares on first use. Not for other files. */
#ifndef CUSTRPC_SERVER_STORE_INT_H
#define CUSTRPC_SERVER_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

enum store_stmt {
    STMT_BEGIN,
    STMT_BEGIN_IMMEDIATE,
    STMT_COMMIT,
    STMT_ROLLBACK,
    STMT_SAVEPOINT, /* a grouped write inside the open batch (store.c) */
    STMT_RELEASE,
    STMT_ROLLBACK_TO,
    STMT_BY_ID,
    STMT_ACTOR_BY_ID, /* only the fields policy_reads() names */
    STMT_BY_NAME,
    STMT_BY_LOGIN,
    STMT_PARENT_OF,
    STMT_CHILDREN,
    STMT_HAS_CHILD,
    STMT_TARIFF_OWNER,
    STMT_TARIFF_PUT,
    STMT_INSERT,
    STMT_DELETE,
    STMT_SET_BLOCKED,
    STMT_SET_BALANCE,
    STMT_LIST,
    /* the partner API's table (partner_store.c) */
    STMT_P_BY_ID,
    STMT_P_BY_NAME,
    STMT_P_INSERT,
    STMT_P_UPDATE,
    STMT_P_DELETE,
    STMT_P_HAS_CHILD,
    STMT_P_PARENT_OF,
    STMT_P_CHILDREN,
    STMT_P_SUBTREE,
    STMT_P_ROOT,
    STMT_COUNT
};

struct store_conn {
    sqlite3 *db;
    sqlite3_stmt *stmt[STMT_COUNT];
    struct store_conn *next_free;
};

/* The statement of a connection, prepared the first time; NULL with err set on failure. */
sqlite3_stmt *store_stmt(struct store_tx *tx, enum store_stmt which, struct custrpc_error *err);

/* err from the connection's last SQLite error; returns -1. */
int store_db_fail(struct store_tx *tx, struct custrpc_error *err, const char *what);
/* A reset's next epoch (store_epoch), under the write lock it holds. */
void store_next_epoch(struct store *s, uint64_t *epoch);

/* store_put_tariffs and store_ensure_root inside the caller's write transaction (store_reset.c
 * runs them again in the reset's). */
int store_put_tariffs_tx(struct store_tx *tx, const struct store_tariff *t, size_t n,
                         struct custrpc_error *err);
int store_ensure_root_tx(struct store_tx *tx, const char *login, const struct digest_ha1 *ha1,
                         int64_t i_tariff, struct custrpc_error *err);

#endif
