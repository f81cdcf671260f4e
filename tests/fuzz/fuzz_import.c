/* fuzz_import.c — libFuzzer target for custrpc import's reader (common/import_read.c): any
 * bytes as an import file of customers and of partners, the format and delimiter guessed and
 * given, with and without extra columns (the server's --fixtures). Properties: a byte-order mark in front changes nothing (same rows, same validity, same
 * errors); a guessed CSV delimiter reads the file as giving that delimiter does; every row's
 * line is within the file. Build and run with tests/fuzz/run.sh. */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/partner.h>

#include "common/import_read.h"

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static void same(const struct import_file *a, const struct import_file *b)
{
    if (a->n != b->n || a->invalid != b->invalid)
        abort();
    for (size_t i = 0; i < a->n; i++) {
        if (a->rows[i].line != b->rows[i].line || a->rows[i].valid != b->rows[i].valid ||
            strcmp(a->rows[i].err.message, b->rows[i].err.message) != 0)
            abort();
        for (size_t k = 0; k < IMPORT_EXTRA_MAX; k++)
            if (!same_text(a->rows[i].extra[k], b->rows[i].extra[k]))
                abort();
    }
}

static void one(const char *text, size_t len, const struct import_read_opts *o,
                const struct custrpc_message *d)
{
    const char *name_path = d ? "Name" : NULL;
    struct import_file f, g;
    struct custrpc_error err, err2;
    int rc = import_read_text(text, len, "fuzz", o, d, name_path, NULL, &f, &err);
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    for (size_t i = 0; rc == 0 && i < f.n; i++)
        if (f.rows[i].line < 1 || f.rows[i].line > lines)
            abort();
    /* The same bytes after a UTF-8 BOM (one only is skipped: not when one is there already). */
    char *bom = malloc(len + 3);
    if (!bom)
        abort();
    memcpy(bom, "\xef\xbb\xbf", 3);
    memcpy(bom + 3, text, len);
    if (len < 3 || memcmp(text, "\xef\xbb\xbf", 3) != 0) {
        int rc2 = import_read_text(bom, len + 3, "fuzz", o, d, name_path, NULL, &g, &err2);
        if (rc != rc2 || (rc < 0 && strcmp(err.message, err2.message) != 0))
            abort();
        if (rc == 0)
            same(&f, &g);
        if (rc2 == 0)
            import_free(&g);
    }
    free(bom);
    /* A guessed delimiter: one of those it guesses among, given, reads the file the same. */
    if (rc == 0 && o->delimiter == 0 && o->format == IMPORT_CSV) {
        static const char given[] = {',', ';', '\t'};
        bool agree = false;
        for (size_t k = 0; k < sizeof given; k++) {
            struct import_read_opts og = {IMPORT_CSV, given[k], o->extra};
            if (import_read_text(text, len, "fuzz", &og, d, name_path, NULL, &g, &err2) == 0) {
                bool equal = g.n == f.n && g.invalid == f.invalid;
                for (size_t i = 0; equal && i < f.n; i++)
                    equal = g.rows[i].valid == f.rows[i].valid &&
                            strcmp(g.rows[i].err.message, f.rows[i].err.message) == 0;
                agree |= equal;
                import_free(&g);
            }
        }
        if (!agree)
            abort();
    }
    if (rc == 0)
        import_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* The first byte picks the reading; the rest is the file. */
    static const struct import_read_opts opts[] = {
        {IMPORT_AUTO, 0, NULL}, {IMPORT_CSV, 0, NULL},     {IMPORT_JSON, 0, NULL},
        {IMPORT_CSV, ';', NULL}, {IMPORT_CSV, '\t', NULL}, {IMPORT_CSV, '|', NULL},
    };
    /* Bit 4: with the server's fixtures' extra columns. */
    static const char *const extra[] = {"parent", "note", NULL};
    struct import_read_opts o = opts[data[0] % (sizeof opts / sizeof opts[0])];
    if ((data[0] / 16) % 2)
        o.extra = extra;
    const struct custrpc_message *d = (data[0] / 8) % 2 ? &custrpc_partner_info_message : NULL;
    one((const char *)data + 1, size - 1, &o, d);
    return 0;
}
