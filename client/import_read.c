/* import_read.c — CSV (libcsv) and JSON import files into customers (xmlrpc-c's JSON parser, for
 * nil) or into messages of a descriptor (jansson, through the model's JSON codec). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <xmlrpc-c/json.h>

#include <custrpc/json.h>
#include <custrpc/xmlrpc.h>

#include "common/read_file.h"
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
    char *paths[CUSTRPC_FIELD_COUNT]; /* message rows: the columns' paths */
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
            r->m = NULL;
            if (st->f->d && (r->m = calloc(1, st->f->d->size)) != NULL)
                custrpc_msg_init(st->f->d, r->m);
            if (st->f->d && !r->m) {
                st->failed = true;
                custrpc_fail(st->err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
                return;
            }
        }
    }
    size_t col = st->column++;
    if (!st->header_done && st->f->d) {
        const struct custrpc_message *d = st->f->d;
        const struct custrpc_field *f = custrpc_msg_path(d, NULL, text, NULL);
        if (!f || f->type == CUSTRPC_TYPE_MESSAGE || st->n_columns == CUSTRPC_FIELD_COUNT) {
            st->failed = true;
            custrpc_fail(st->err, CUSTRPC_E_UNKNOWN, NULL,
                         "line %zu: column %zu: \"%s\" is not a member of %s (nested members by "
                         "path: Company.PostAddress.City)",
                         st->line, col + 1, text, d->name);
            return;
        }
        for (size_t i = 0; i < st->n_columns; i++)
            if (strcmp(st->paths[i], text) == 0) {
                st->failed = true;
                custrpc_fail(st->err, CUSTRPC_E_VALUE, NULL, "line %zu: column %s appears twice",
                             st->line, text);
                return;
            }
        if (!(st->paths[st->n_columns] = strdup(text))) {
            st->failed = true;
            custrpc_fail(st->err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
            return;
        }
        st->columns[st->n_columns++] = f;
        return;
    }
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
    if (text[0] && r->valid && st->f->d)
        r->valid = custrpc_msg_set_text(st->f->d, r->m, st->paths[col], text, &r->err) == 0;
    else if (text[0] && r->valid &&
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
    for (size_t i = 0; i < st.n_columns; i++)
        free(st.paths[i]);
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

/* Message rows from a JSON array of objects, through the model's JSON codec. */
static int read_json_messages(const char *text, size_t len, const char *path, struct import_file *f,
                              struct custrpc_error *err)
{
    struct custrpc_error why;
    json_t *all = custrpc_json_parse(text, len, NULL, &why);
    if (!all)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: %s", path, why.message);
    int rc = 0;
    size_t count = json_is_array(all) ? json_array_size(all) : 0;
    size_t *lines = NULL;
    if (!json_is_array(all))
        rc = custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: expected a JSON array of objects", path);
    else if (count &&
             (!(lines = object_lines(text, count)) || !(f->rows = calloc(count, sizeof *f->rows))))
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; rc == 0 && i < count; i++) {
        struct import_row *r = &f->rows[f->n];
        r->line = lines[i];
        custrpc_customer_init(&r->c);
        custrpc_error_clear(&r->err);
        if (!(r->m = calloc(1, f->d->size))) {
            rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
            break;
        }
        f->n++;
        custrpc_msg_init(f->d, r->m);
        r->valid = custrpc_msg_from_json(f->d, r->m, json_array_get(all, i), "", &r->err) == 0;
    }
    free(lines);
    json_decref(all);
    return rc;
}

static int read_json(FILE *fp, const char *path, struct import_file *f, struct custrpc_error *err)
{
    size_t len;
    char *text = read_whole_stream(fp, path, &len, err);
    if (!text)
        return -1;
    if (len == 0) {
        free(text);
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: the file is empty", path);
    }
    if (f->d) {
        int rc = read_json_messages(text, len, path, f, err);
        free(text);
        return rc;
    }
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
const char *import_row_name(const struct import_file *f, const struct import_row *r)
{
    if (!f->d)
        return r->c.name ? r->c.name : "";
    void *owner = NULL;
    const struct custrpc_field *nf =
        r->m ? custrpc_msg_path(f->d, r->m, f->name_path, &owner) : NULL;
    if (!nf || !owner || nf->type != CUSTRPC_TYPE_STRING)
        return "";
    const char *name = *(char *const *)custrpc_msg_cslot(owner, nf);
    return name ? name : "";
}

static void check_rows(struct import_file *f, const char *const *required)
{
    struct name_ref *refs = calloc(f->n ? f->n : 1, sizeof *refs);
    size_t k = 0;
    for (size_t i = 0; i < f->n; i++) {
        struct import_row *r = &f->rows[i];
        if (r->valid && f->d) {
            const char *need[16] = {f->name_path};
            for (size_t j = 0; required && required[j] && j + 2 < 16; j++)
                need[j + 1] = required[j];
            r->valid = custrpc_msg_validate(f->d, r->m, need, &r->err) == 0;
        } else if (r->valid) {
            r->valid = custrpc_customer_validate(&r->c, &r->err) == 0;
        }
        if (r->valid && refs)
            refs[k++] = (struct name_ref){import_row_name(f, r), i};
    }
    if (refs) {
        qsort(refs, k, sizeof *refs, by_name);
        for (size_t i = 1; i < k; i++)
            if (strcmp(refs[i].name, refs[i - 1].name) == 0) {
                struct import_row *r = &f->rows[refs[i].row];
                r->valid = false;
                custrpc_fail(&r->err, CUSTRPC_E_DUP_NAME, f->d ? f->name_path : "name",
                             "\"%s\" is also on line %zu", refs[i].name,
                             f->rows[refs[i - 1].row].line);
            }
    }
    free(refs);
    for (size_t i = 0; i < f->n; i++)
        f->invalid += !f->rows[i].valid;
}

static int read_file(const char *path, enum import_format format, struct import_file *out,
                     const char *const *required, struct custrpc_error *err)
{
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
    check_rows(out, required);
    return 0;
}

int import_read(const char *path, enum import_format format, struct import_file *out,
                struct custrpc_error *err)
{
    memset(out, 0, sizeof *out);
    return read_file(path, format, out, NULL, err);
}

int import_read_message(const char *path, enum import_format format,
                        const struct custrpc_message *d, const char *name_path,
                        const char *const *required, struct import_file *out,
                        struct custrpc_error *err)
{
    memset(out, 0, sizeof *out);
    out->d = d;
    out->name_path = name_path;
    return read_file(path, format, out, required, err);
}

void import_free(struct import_file *f)
{
    for (size_t i = 0; i < f->n; i++) {
        custrpc_customer_free(&f->rows[i].c);
        if (f->rows[i].m) {
            custrpc_msg_free(f->d, f->rows[i].m);
            free(f->rows[i].m);
        }
    }
    free(f->rows);
    memset(f, 0, sizeof *f);
}
