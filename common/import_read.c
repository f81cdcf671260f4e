/* import_read.c — CSV (libcsv) and JSON (jansson) import files (custrpc import, the server's
 * --fixtures) into customers or into messages of a descriptor; text values through the model's
 * one text conversion, typed JSON values through its JSON codec. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include <custrpc/json.h>

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
    const struct custrpc_field *columns[CUSTRPC_FIELD_COUNT + IMPORT_EXTRA_MAX];
    char *paths[CUSTRPC_FIELD_COUNT + IMPORT_EXTRA_MAX]; /* message rows: the columns' paths */
    int extra[CUSTRPC_FIELD_COUNT + IMPORT_EXTRA_MAX];    /* an extra column's index, else -1 */
    size_t n_columns;
    size_t column;      /* index of the next cell in the current record */
    size_t line;        /* physical line being fed to the parser */
    size_t record_line; /* line where the current record began */
    bool header_done, record_open, failed;
    struct custrpc_error *err;
};

/* The index of name among the caller's extra columns, -1 when it is none of them. */
static int extra_index(const struct import_file *f, const char *name)
{
    for (int k = 0; f->extra && k < IMPORT_EXTRA_MAX && f->extra[k]; k++)
        if (strcmp(f->extra[k], name) == 0)
            return k;
    return -1;
}

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
            memset(r->extra, 0, sizeof r->extra);
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
    int k = st->header_done ? -1 : extra_index(st->f, text);
    if (k >= 0) {
        for (size_t i = 0; i < st->n_columns; i++)
            if (st->extra[i] == k) {
                st->failed = true;
                custrpc_fail(st->err, CUSTRPC_E_VALUE, NULL, "line %zu: column %s appears twice",
                             st->line, text);
                return;
            }
        st->paths[st->n_columns] = NULL;
        st->columns[st->n_columns] = NULL;
        st->extra[st->n_columns++] = k;
        return;
    }
    if (!st->header_done)
        st->extra[st->n_columns] = -1;
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
            if (st->paths[i] && strcmp(st->paths[i], text) == 0) { /* NULL: an extra column */
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
    if (st->extra[col] >= 0) {
        if (text[0] && !(r->extra[st->extra[col]] = strdup(text))) {
            st->failed = true;
            custrpc_fail(st->err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        }
    } else if (text[0] && r->valid && st->f->d)
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

/* The delimiter of a header line: the one of ',' ';' and tab seen most often outside quotes,
 * ',' on a tie or when there is none (a one-column file). */
static char sniff_delimiter(const char *text, size_t len)
{
    static const char candidates[] = {',', ';', '\t'};
    size_t count[3] = {0, 0, 0};
    bool quoted = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '"')
            quoted = !quoted; /* a doubled quote inside quotes toggles twice */
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted)
            for (size_t k = 0; k < 3; k++)
                count[k] += c == candidates[k];
    }
    size_t best = 0;
    for (size_t k = 1; k < 3; k++)
        if (count[k] > count[best])
            best = k;
    return candidates[best];
}

/* libcsv trims spaces and tabs around unquoted cells; with tab as the delimiter only spaces. */
static int is_space_only(unsigned char c)
{
    return c == CSV_SPACE;
}

static int read_csv(const char *text, size_t len, const char *path, char delimiter,
                    struct import_file *f, struct custrpc_error *err)
{
    struct csv_parser p;
    struct csv_state st = {.f = f, .err = err};
    if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) != 0)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    if (!delimiter)
        delimiter = sniff_delimiter(text, len);
    csv_set_delim(&p, (unsigned char)delimiter);
    if (delimiter == '\t')
        csv_set_space_func(&p, is_space_only);
    /* Fed a line at a time, so each record knows the line it starts on (CR before LF is one of
     * libcsv's line ends). */
    for (size_t at = 0; !st.failed && at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) + 1 : len - at;
        st.line++;
        if (csv_parse(&p, text + at, n, csv_cell, csv_record, &st) != n) {
            custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s:%zu: %s", path, st.line,
                         csv_strerror(csv_error(&p)));
            st.failed = true;
        }
        at += n;
    }
    if (!st.failed && csv_fini(&p, csv_cell, csv_record, &st) != 0) {
        custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s:%zu: %s", path, st.line,
                     csv_strerror(csv_error(&p)));
        st.failed = true;
    }
    csv_free(&p);
    for (size_t i = 0; i < st.n_columns; i++)
        free(st.paths[i]);
    if (!st.failed && !st.header_done)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: no header row", path);
    return st.failed ? -1 : 0;
}

/* --- JSON ------------------------------------------------------------------------------------- */

/* The line on which each element of the top-level array starts (jansson keeps none). */
static size_t *object_lines(const char *text, size_t len, size_t max)
{
    size_t *lines = calloc(max ? max : 1, sizeof *lines);
    size_t line = 1, depth = 0, k = 0;
    bool in_string = false, expect = false; /* expect: the next value starts an element */
    const char *end = text + len;
    for (const char *p = text; lines && p < end; p++) {
        if (*p == '\n')
            line++;
        if (in_string) {
            if (*p == '\\' && p + 1 < end)
                p++;
            else if (*p == '"')
                in_string = false;
            continue;
        }
        /* Every element, whatever it is: a row that is not an object still has a line. */
        if (depth == 1 && expect && !strchr(" \t\r\n,]", *p)) {
            if (k < max)
                lines[k++] = line;
            expect = false;
        }
        if (*p == '"')
            in_string = true;
        else if (*p == '[' || *p == '{')
            expect = depth++ == 0;
        else if (*p == ']' || *p == '}')
            depth--;
        else if (*p == ',' && depth == 1)
            expect = true;
    }
    return lines;
}

/* One member given as a typed JSON value, read by the JSON codec: {"A": {"B": {key: v}}} for
 * the member A.B.key, so nested messages on the way are created as the codec creates them. */
static int typed_member(const struct custrpc_message *d, void *m, const char *path, const json_t *v,
                        struct custrpc_error *err)
{
    json_t *wrap = json_deep_copy(v);
    char segs[CUSTRPC_ERROR_FIELD_MAX];
    snprintf(segs, sizeof segs, "%s", path);
    for (char *dot = strrchr(segs, '.');; dot = strrchr(segs, '.')) {
        json_t *obj = json_object();
        if (!wrap || !obj || json_object_set_new(obj, dot ? dot + 1 : segs, wrap) < 0) {
            json_decref(obj);
            return custrpc_fail(err, CUSTRPC_E_INTERNAL, path, "out of memory");
        }
        wrap = obj;
        if (!dot)
            break;
        *dot = '\0';
    }
    int rc = custrpc_msg_from_json(d, m, wrap, "", err);
    json_decref(wrap);
    return rc;
}

/* A row object: strings through the text forms (custrpc_msg_set_text, as CSV cells and
 * options), nested objects member by member, anything else through the JSON codec. */
static int json_row(const struct custrpc_message *d, void *m, const json_t *obj, const char *prefix,
                    struct custrpc_error *err)
{
    if (!json_is_object(obj))
        return custrpc_msg_from_json(d, m, obj, prefix, err); /* its "wrong type" error */
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        char path[CUSTRPC_ERROR_FIELD_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key) >=
                sizeof path ||
            strchr(key, '.'))
            return custrpc_fail(err, CUSTRPC_E_UNKNOWN, NULL, "\"%.60s\": unknown member of %s",
                                key, d->name);
        const struct custrpc_field *f = custrpc_msg_path(d, NULL, path, NULL);
        int rc;
        if (f && json_is_string(v))
            rc = custrpc_msg_set_text(d, m, path, json_string_value(v), err);
        else if (f && f->type == CUSTRPC_TYPE_MESSAGE && !f->repeated && json_is_object(v))
            rc = json_row(d, m, v, path, err);
        else
            rc = typed_member(d, m, path, v, err);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Takes the caller's extra members out of a row object into r->extra (text only); *rest is the
 * object without them (a new reference). */
static int json_extra(const struct import_file *f, struct import_row *r, json_t *obj, json_t **rest)
{
    *rest = json_incref(obj);
    if (!f->extra || !json_is_object(obj))
        return 0;
    for (int k = 0; k < IMPORT_EXTRA_MAX && f->extra[k]; k++) {
        const json_t *v = json_object_get(obj, f->extra[k]);
        if (!v)
            continue;
        if (!json_is_string(v) && !json_is_null(v)) /* null: as absent */
            return custrpc_fail(&r->err, CUSTRPC_E_VALUE, f->extra[k], "expected a string");
        if (json_is_string(v) && json_string_length(v) &&
            !(r->extra[k] = strdup(json_string_value(v))))
            return custrpc_fail(&r->err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        if (*rest == obj) {
            json_decref(*rest);
            if (!(*rest = json_copy(obj)))
                return custrpc_fail(&r->err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        }
        json_object_del(*rest, f->extra[k]);
    }
    return 0;
}

static int read_json(const char *text, size_t len, const char *path, struct import_file *f,
                     struct custrpc_error *err)
{
    const struct custrpc_message *d = f->d ? f->d : &custrpc_customer_message;
    struct custrpc_error why;
    json_t *all = custrpc_json_parse(text, len, NULL, &why);
    if (!all)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: %s", path, why.message);
    int rc = 0;
    size_t count = json_is_array(all) ? json_array_size(all) : 0;
    size_t *lines = NULL;
    if (!json_is_array(all))
        rc = custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: expected a JSON array of objects", path);
    else if (count && (!(lines = object_lines(text, len, count)) ||
                       !(f->rows = calloc(count, sizeof *f->rows))))
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; rc == 0 && i < count; i++) {
        struct import_row *r = &f->rows[f->n];
        r->line = lines[i];
        custrpc_customer_init(&r->c);
        custrpc_error_clear(&r->err);
        if (f->d && !(r->m = calloc(1, f->d->size))) {
            rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
            break;
        }
        f->n++;
        if (f->d)
            custrpc_msg_init(f->d, r->m);
        json_t *row = NULL;
        r->valid = json_extra(f, r, json_array_get(all, i), &row) == 0 &&
                   json_row(d, f->d ? r->m : (void *)&r->c, row, "", &r->err) == 0;
        json_decref(row);
    }
    free(lines);
    json_decref(all);
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

const char *import_display_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "stdin" : path;
}

static enum import_format sniff_format(const char *name, const char *text, size_t len)
{
    const char *dot = strrchr(name, '.');
    if (dot && strcasecmp(dot, ".json") == 0)
        return IMPORT_JSON;
    if (dot && strcasecmp(dot, ".csv") == 0)
        return IMPORT_CSV;
    size_t i = 0;
    while (i < len && memchr(" \t\r\n", text[i], 4))
        i++;
    return i < len && text[i] == '[' ? IMPORT_JSON : IMPORT_CSV;
}

int import_read_text(const char *text, size_t len, const char *name,
                     const struct import_read_opts *o, const struct custrpc_message *d,
                     const char *name_path, const char *const *required, struct import_file *out,
                     struct custrpc_error *err)
{
    memset(out, 0, sizeof *out);
    out->d = d;
    out->name_path = name_path;
    out->extra = o->extra;
    if (memchr(text, '\0', len))
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: contains a NUL byte: not a text file",
                            name);
    /* Spreadsheets start "CSV UTF-8" files with a byte-order mark; it is no part of the text. */
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        text += 3, len -= 3;
    if (len >= 2 && (memcmp(text, "\xff\xfe", 2) == 0 || memcmp(text, "\xfe\xff", 2) == 0))
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL,
                            "%s: UTF-16 text; save it as UTF-8 (CSV UTF-8 in spreadsheets)", name);
    enum import_format format =
        o->format != IMPORT_AUTO ? o->format : sniff_format(name, text, len);
    if (format == IMPORT_JSON && len == 0)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: the file is empty", name);
    int rc = format == IMPORT_JSON ? read_json(text, len, name, out, err)
                                   : read_csv(text, len, name, o->delimiter, out, err);
    if (rc < 0) {
        import_free(out);
        return -1;
    }
    check_rows(out, required);
    return 0;
}

int import_read_message(const char *path, const struct import_read_opts *o,
                        const struct custrpc_message *d, const char *name_path,
                        const char *const *required, struct import_file *out,
                        struct custrpc_error *err)
{
    memset(out, 0, sizeof *out);
    size_t len;
    char *text = read_whole_file(path, &len, err);
    if (!text)
        return -1;
    int rc =
        import_read_text(text, len, import_display_name(path), o, d, name_path, required, out, err);
    free(text);
    return rc;
}

int import_read(const char *path, const struct import_read_opts *o, struct import_file *out,
                struct custrpc_error *err)
{
    return import_read_message(path, o, NULL, NULL, NULL, out, err);
}

void import_free(struct import_file *f)
{
    for (size_t i = 0; i < f->n; i++) {
        for (size_t k = 0; k < IMPORT_EXTRA_MAX; k++)
            free(f->rows[i].extra[k]);
        custrpc_customer_free(&f->rows[i].c);
        if (f->rows[i].m) {
            custrpc_msg_free(f->d, f->rows[i].m);
            free(f->rows[i].m);
        }
    }
    free(f->rows);
    memset(f, 0, sizeof *f);
}
