/* import_read.c — CSV (libcsv) and JSON (xmlrpc-c's parser) import files into customers. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <xmlrpc-c/json.h>

#include <custrpc/xmlrpc.h>

#include "import_read.h"

static int grow(struct import_file *f, size_t *cap)
{
    if (f->n < *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 256;
    struct import_row *rows = realloc(f->rows, n * sizeof *rows);
    if (!rows)
        return -1;
    f->rows = rows;
    *cap = n;
    return 0;
}

/* --- CSV -------------------------------------------------------------------------------------- */

struct csv_state {
    struct import_file *f;
    size_t cap;
    const struct custrpc_field *columns[CUSTRPC_FIELD_COUNT];
    size_t n_columns;
    size_t column;      /* index of the next cell in the current record */
    size_t line;        /* physical line being fed to the parser */
    size_t record_line; /* line where the current record began */
    bool header_done, record_open, failed;
    struct custrpc_error *err;
};

static void csv_cell(void *data, size_t len, void *state_)
{
    struct csv_state *st = state_;
    const char *text = data ? data : "";
    (void)len;
    if (st->failed)
        return;
    if (!st->record_open) {
        st->record_open = true;
        st->record_line = st->line;
        st->column = 0;
        if (st->header_done) {
            if (grow(st->f, &st->cap) < 0) {
                st->failed = true;
                custrpc_fail(st->err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
                return;
            }
            struct import_row *r = &st->f->rows[st->f->n++];
            r->line = st->record_line;
            r->valid = true;
            custrpc_error_clear(&r->err);
            custrpc_customer_init(&r->c);
        }
    }
    size_t col = st->column++;
    if (!st->header_done) {
        const struct custrpc_field *f = custrpc_field_find(text);
        if (!f) {
            st->failed = true;
            custrpc_fail(st->err, CUSTRPC_E_UNKNOWN, NULL,
                         "line %zu: column %zu: \"%s\" is not a createCustomer member", st->line,
                         col + 1, text);
            return;
        }
        for (size_t i = 0; i < st->n_columns; i++)
            if (st->columns[i] == f) {
                st->failed = true;
                custrpc_fail(st->err, CUSTRPC_E_VALUE, NULL, "line %zu: column %s appears twice",
                             st->line, text);
                return;
            }
        st->columns[st->n_columns++] = f;
        return;
    }
    struct import_row *r = &st->f->rows[st->f->n - 1];
    if (col >= st->n_columns) {
        if (r->valid)
            custrpc_fail(&r->err, CUSTRPC_E_VALUE, NULL, "more cells than the header has columns");
        r->valid = false;
        return;
    }
    /* An empty cell leaves the member out, as an absent option would. */
    if (text[0] && r->valid &&
        custrpc_customer_set_text(&r->c, st->columns[col]->id, text, &r->err) < 0)
        r->valid = false;
}

static void csv_record(int terminator, void *state_)
{
    struct csv_state *st = state_;
    (void)terminator;
    if (st->failed || !st->record_open)
        return;
    st->record_open = false;
    if (!st->header_done) {
        st->header_done = true;
        return;
    }
    struct import_row *r = &st->f->rows[st->f->n - 1];
    if (r->valid && st->column < st->n_columns)
        custrpc_fail(&r->err, CUSTRPC_E_VALUE, NULL, "%zu cells, the header has %zu columns",
                     st->column, st->n_columns);
    r->valid = r->valid && st->column == st->n_columns;
}

static int read_csv(FILE *fp, const char *path, struct import_file *f, struct custrpc_error *err)
{
    struct csv_parser p;
    struct csv_state st = {.f = f, .err = err};
    if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) != 0)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    /* Fed a line at a time, so each record knows the line it starts on. */
    while (!st.failed && (n = getline(&line, &cap, fp)) > 0) {
        st.line++;
        if (csv_parse(&p, line, (size_t)n, csv_cell, csv_record, &st) != (size_t)n) {
            custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s:%zu: %s", path, st.line,
                         csv_strerror(csv_error(&p)));
            st.failed = true;
        }
    }
    if (!st.failed && csv_fini(&p, csv_cell, csv_record, &st) != 0) {
        custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s:%zu: %s", path, st.line,
                     csv_strerror(csv_error(&p)));
        st.failed = true;
    }
    free(line);
    csv_free(&p);
    if (!st.failed && !st.header_done)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: no header row", path);
    return st.failed ? -1 : 0;
}

/* --- JSON ------------------------------------------------------------------------------------- */

/* The line on which each object of the top-level array starts (xmlrpc-c's parser keeps none). */
static size_t *object_lines(const char *text, size_t max)
{
    size_t *lines = calloc(max ? max : 1, sizeof *lines);
    size_t line = 1, depth = 0, k = 0;
    bool in_string = false;
    for (const char *p = text; lines && *p; p++) {
        if (*p == '\n')
            line++;
        if (in_string) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '"')
                in_string = false;
        } else if (*p == '"') {
            in_string = true;
        } else if (*p == '[' || *p == '{') {
            if (depth++ == 1 && *p == '{' && k < max)
                lines[k++] = line;
        } else if (*p == ']' || *p == '}') {
            depth--;
        }
    }
    return lines;
}

static int read_json(FILE *fp, const char *path, struct import_file *f, struct custrpc_error *err)
{
    char *text = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[65536];
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *t = realloc(text, cap);
            if (!t) {
                free(text);
                return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
            }
            text = t;
        }
        memcpy(text + len, chunk, n);
        len += n;
    }
    if (!text)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: the file is empty", path);
    text[len] = '\0';
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *all = xmlrpc_parse_json(&env, text);
    int rc = 0;
    if (env.fault_occurred)
        rc = custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: not valid JSON: %s", path,
                          env.fault_string);
    else if (xmlrpc_value_type(all) != XMLRPC_TYPE_ARRAY)
        rc = custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: expected a JSON array of objects", path);
    size_t count = rc == 0 ? (size_t)xmlrpc_array_size(&env, all) : 0;
    size_t *lines = rc == 0 ? object_lines(text, count) : NULL;
    f->rows = count ? calloc(count, sizeof *f->rows) : NULL;
    if (rc == 0 && count && (!lines || !f->rows))
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; rc == 0 && i < count; i++) {
        struct import_row *r = &f->rows[f->n++];
        xmlrpc_value *item;
        xmlrpc_array_read_item(&env, all, (unsigned)i, &item);
        r->line = lines[i];
        custrpc_customer_init(&r->c);
        custrpc_error_clear(&r->err);
        /* JSON null is nil, numbers and booleans keep their types: the strict decoder applies. */
        r->valid = custrpc_customer_from_value(&r->c, item, 0, &r->err) == 0;
        xmlrpc_DECREF(item);
    }
    free(lines);
    if (all)
        xmlrpc_DECREF(all);
    xmlrpc_env_clean(&env);
    free(text);
    return rc;
}

/* --- both ------------------------------------------------------------------------------------- */

struct name_ref {
    const char *name;
    size_t row;
};

static int by_name(const void *a, const void *b)
{
    const struct name_ref *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* Validation of every row, then duplicate names within the file (the second one is invalid). */
static void check_rows(struct import_file *f)
{
    struct name_ref *refs = calloc(f->n ? f->n : 1, sizeof *refs);
    size_t k = 0;
    for (size_t i = 0; i < f->n; i++) {
        struct import_row *r = &f->rows[i];
        if (r->valid)
            r->valid = custrpc_customer_validate(&r->c, &r->err) == 0;
        if (r->valid && refs)
            refs[k++] = (struct name_ref){r->c.name, i};
    }
    if (refs) {
        qsort(refs, k, sizeof *refs, by_name);
        for (size_t i = 1; i < k; i++)
            if (strcmp(refs[i].name, refs[i - 1].name) == 0) {
                struct import_row *r = &f->rows[refs[i].row];
                r->valid = false;
                custrpc_fail(&r->err, CUSTRPC_E_DUP_NAME, "name", "\"%s\" is also on line %zu",
                             r->c.name, f->rows[refs[i - 1].row].line);
            }
    }
    free(refs);
    for (size_t i = 0; i < f->n; i++)
        f->invalid += !f->rows[i].valid;
}

int import_read(const char *path, enum import_format format, struct import_file *out,
                struct custrpc_error *err)
{
    memset(out, 0, sizeof *out);
    if (format == IMPORT_AUTO) {
        const char *dot = strrchr(path, '.');
        format = dot && strcasecmp(dot, ".json") == 0 ? IMPORT_JSON : IMPORT_CSV;
    }
    FILE *fp = fopen(path, "r");
    if (!fp)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: %s", path, strerror(errno));
    int rc = format == IMPORT_JSON ? read_json(fp, path, out, err) : read_csv(fp, path, out, err);
    fclose(fp);
    if (rc < 0) {
        import_free(out);
        return -1;
    }
    check_rows(out);
    return 0;
}

void import_free(struct import_file *f)
{
    for (size_t i = 0; i < f->n; i++)
        custrpc_customer_free(&f->rows[i].c);
    free(f->rows);
    memset(f, 0, sizeof *f);
}
