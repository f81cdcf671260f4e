/* msg_columns.c — see msg_columns.h. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg_columns.h"
#include "sbuf.h"
#include "store_sql.h"

static int add(struct msg_columns *out, const struct custrpc_message *d, const char *prefix,
               const struct custrpc_field **chain, size_t depth, const char *const *skip)
{
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct custrpc_field *f = &d->fields[i];
        bool skipped = false;
        for (const char *const *s = skip; s && *s && !skipped; s++)
            skipped = strcmp(*s, f->name) == 0;
        if (skipped || f->repeated || (f->flags & CUSTRPC_FLAG_INPUT_ONLY) ||
            depth + 1 > MSG_COLUMNS_DEPTH)
            continue;
        chain[depth] = f;
        char name[128];
        snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "", f->name);
        if (f->type == CUSTRPC_TYPE_MESSAGE) {
            if (add(out, f->message, name, chain, depth + 1, NULL) < 0)
                return -1;
            continue;
        }
        struct msg_column *grown = realloc(out->cols, (out->n + 1) * sizeof *grown);
        if (!grown)
            return -1;
        out->cols = grown;
        struct msg_column *col = &out->cols[out->n++];
        memset(col, 0, sizeof *col);
        snprintf(col->name, sizeof col->name, "%s", name);
        memcpy(col->chain, chain, (depth + 1) * sizeof *chain);
        col->depth = depth + 1;
    }
    return 0;
}

int msg_columns_build(const struct custrpc_message *d, const char *const *skip,
                      struct msg_columns *out)
{
    *out = (struct msg_columns){d, NULL, 0};
    const struct custrpc_field *chain[MSG_COLUMNS_DEPTH];
    if (add(out, d, "", chain, 0, skip) < 0) {
        msg_columns_free(out);
        return -1;
    }
    return 0;
}

void msg_columns_free(struct msg_columns *c)
{
    free(c->cols);
    c->cols = NULL;
    c->n = 0;
}

void msg_columns_defs(const struct msg_columns *c, struct sbuf *b)
{
    for (size_t i = 0; i < c->n; i++)
        sb_add(b, ",\n  \"%s\" %s", c->cols[i].name,
               store_sql_type(c->cols[i].chain[c->cols[i].depth - 1]));
}

void msg_columns_names(const struct msg_columns *c, struct sbuf *b)
{
    for (size_t i = 0; i < c->n; i++)
        sb_add(b, ", \"%s\"", c->cols[i].name);
}

void msg_columns_marks(const struct msg_columns *c, struct sbuf *b)
{
    for (size_t i = 0; i < c->n; i++)
        sb_add(b, ", ?");
}

void msg_columns_sets(const struct msg_columns *c, struct sbuf *b)
{
    for (size_t i = 0; i < c->n; i++)
        sb_add(b, "%s\"%s\" = ?", i ? ", " : "", c->cols[i].name);
}

/* The message holding a column's leaf inside m, and its descriptor; NULL when a nested
 * message on the way is absent. */
static const void *owner_of(const struct msg_columns *c, const struct msg_column *col,
                            const void *m, const struct custrpc_message **d)
{
    *d = c->d;
    for (size_t k = 0; k + 1 < col->depth; k++) {
        if (custrpc_msg_presence(*d, m, col->chain[k]) != CUSTRPC_SET)
            return NULL;
        m = custrpc_msg_cslot(m, col->chain[k]);
        *d = col->chain[k]->message;
    }
    return m;
}

void msg_columns_bind(const struct msg_columns *c, const void *m, sqlite3_stmt *st, int first)
{
    for (size_t i = 0; i < c->n; i++) {
        const struct msg_column *col = &c->cols[i];
        const struct custrpc_message *d;
        const void *owner = owner_of(c, col, m, &d);
        struct custrpc_scalar v;
        int idx = first + (int)i;
        if (!owner || custrpc_msg_get_scalar(d, owner, col->chain[col->depth - 1], &v) < 0)
            sqlite3_bind_null(st, idx);
        else if (v.storage == CUSTRPC_STORE_TEXT)
            sqlite3_bind_text(st, idx, v.text, -1, SQLITE_TRANSIENT);
        else if (v.storage == CUSTRPC_STORE_INTEGER)
            sqlite3_bind_int64(st, idx, v.integer);
        else
            sqlite3_bind_double(st, idx, v.real);
    }
}

int msg_columns_read(const struct msg_columns *c, void *m, sqlite3_stmt *st, int first,
                     struct custrpc_error *err)
{
    for (size_t i = 0; i < c->n; i++) {
        const struct msg_column *col = &c->cols[i];
        int idx = first + (int)i;
        if (sqlite3_column_type(st, idx) == SQLITE_NULL)
            continue;
        const struct custrpc_message *d = c->d;
        void *owner = m;
        for (size_t k = 0; k + 1 < col->depth; k++) {
            custrpc_msg_set_presence(d, owner, col->chain[k], CUSTRPC_SET);
            owner = custrpc_msg_slot(owner, col->chain[k]);
            d = col->chain[k]->message;
        }
        const struct custrpc_field *f = col->chain[col->depth - 1];
        struct custrpc_scalar v = {.storage = custrpc_field_storage(f)};
        if (v.storage == CUSTRPC_STORE_TEXT)
            v.text = (const char *)sqlite3_column_text(st, idx);
        else if (v.storage == CUSTRPC_STORE_INTEGER)
            v.integer = sqlite3_column_int64(st, idx);
        else
            v.real = sqlite3_column_double(st, idx);
        if (custrpc_msg_set_scalar(d, owner, f, &v, err) < 0)
            return -1;
    }
    return 0;
}
