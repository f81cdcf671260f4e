/* msg_columns.h — a message's scalar members as SQL columns, nested messages flattened by
 * dotted path ("Company.PostAddress.City"); repeated and input-only members have none. One
 * list serves the schema, the statements, binding and reading, so a member added to a
 * descriptor reaches the table with no SQL written by hand (store.c adds missing columns). */
#ifndef CUSTRPC_SERVER_MSG_COLUMNS_H
#define CUSTRPC_SERVER_MSG_COLUMNS_H

#include <stddef.h>

#include <sqlite3.h>

#include <custrpc/message.h>

#define MSG_COLUMNS_DEPTH 4

struct msg_column {
    char name[128];
    const struct custrpc_field *chain[MSG_COLUMNS_DEPTH]; /* the nested fields, then the leaf */
    size_t depth;
};

struct msg_columns {
    const struct custrpc_message *d;
    struct msg_column *cols;
    size_t n;
};

/* The columns of d but for its top-level members named in skip (NULL-terminated; the caller
 * keeps those in columns of its own, such as the key). -1 when out of memory. */
int msg_columns_build(const struct custrpc_message *d, const char *const *skip,
                      struct msg_columns *out);
void msg_columns_free(struct msg_columns *c);

/* SQL pieces, appended to b: ",\n  \"A\" TEXT" per column (defs), ", \"A\"" (names),
 * ", ?" (marks), "\"A\" = ?" joined with ", " (sets). */
struct sbuf;
void msg_columns_defs(const struct msg_columns *c, struct sbuf *b);
void msg_columns_names(const struct msg_columns *c, struct sbuf *b);
void msg_columns_marks(const struct msg_columns *c, struct sbuf *b);
void msg_columns_sets(const struct msg_columns *c, struct sbuf *b);

/* Binds every column's value in m (NULL when absent or nil) from parameter index first on. */
void msg_columns_bind(const struct msg_columns *c, const void *m, sqlite3_stmt *st, int first);
/* Sets m's members from the row's columns from index first on (NULL: absent); nested messages
 * with a member present become present. m is initialised. */
int msg_columns_read(const struct msg_columns *c, void *m, sqlite3_stmt *st, int first,
                     struct custrpc_error *err);

#endif
