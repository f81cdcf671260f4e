/* partner_store.h — the partner API's table in the server's store: one row per partner, its
 * columns generated from PartnerInfo's descriptor (msg_columns.h) beside the key "Id" and the
 * creation time; the tree is "ParentId". Runs inside the store's transactions (store.h). */
#ifndef CUSTRPC_SERVER_PARTNER_STORE_H
#define CUSTRPC_SERVER_PARTNER_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include <custrpc/partner.h>

#include "store.h"

/* The SQL of the partner statements (store_int.h's STMT_P_*) and the schema; store.c calls
 * these when it opens a store. Each malloc'd, NULL when out of memory. */
char *partner_sql_schema(void);
int partner_sql_statements(char **sql); /* fills sql[STMT_P_*]; -1 when out of memory */
/* The columns this build has, for the migration that adds missing ones. */
size_t partner_sql_column_count(void);
const char *partner_sql_column_name(size_t i);
char *partner_sql_add_column(size_t i);
/* The PartnerInfo columns after "Id", for binding and reading rows. */
struct msg_columns;
const struct msg_columns *partner_sql_columns(void);

/* A partner by Id or exact Name: CUSTRPC_E_NOT_FOUND when absent. out is initialised here
 * and the caller's to free (custrpc_msg_free). */
int partner_get(struct store_tx *tx, int64_t id, struct custrpc_partner_info *out,
                struct custrpc_error *err);
int partner_find_name(struct store_tx *tx, const char *name, struct custrpc_partner_info *out,
                      struct custrpc_error *err);

/* Inserts p (validated; its Id is ignored) with its ParentId; *id receives the new Id. A taken
 * Name is CUSTRPC_E_DUP_NAME. */
int partner_insert(struct store_tx *tx, const struct custrpc_partner_info *p, int64_t *id,
                   struct custrpc_error *err);
/* Writes every member of p (the whole row, as read and changed) to the partner p->id. */
int partner_update(struct store_tx *tx, const struct custrpc_partner_info *p,
                   struct custrpc_error *err);
/* Deletes a partner without children; CUSTRPC_E_CHILDREN otherwise. */
int partner_delete(struct store_tx *tx, int64_t id, struct custrpc_error *err);

/* Whether node is ancestor or lies below it (false for a node that does not exist). */
int partner_in_subtree(struct store_tx *tx, int64_t ancestor, int64_t node, bool *yes,
                       struct custrpc_error *err);

/* Calls fn for each partner below parent in Id order: its children, or (recursive) its whole
 * subtree; stops when fn returns nonzero (returned). */
int partner_each_below(struct store_tx *tx, int64_t parent, bool recursive,
                       int (*fn)(const struct custrpc_partner_info *p, void *arg,
                                 struct custrpc_error *err),
                       void *arg, struct custrpc_error *err);

/* Makes the root partner exist (Level Root, no parent) with this Name, renaming the existing
 * root when the configuration changed; *id receives its Id. */
int partner_ensure_root(struct store *s, const char *name, int64_t *id,
                        struct custrpc_error *err);
/* The same inside the caller's write transaction; fresh: the root's other members are reset to
 * their defaults (POST /admin/reset), not kept. */
int partner_ensure_root_tx(struct store_tx *tx, const char *name, bool fresh, int64_t *id,
                           struct custrpc_error *err);

#endif
