/* import_read.h — reading an import file (CSV with a header row of wire names, or a JSON array
 * of objects) into validated customers, each with the line it starts on. */
#ifndef CUSTRPC_IMPORT_READ_H
#define CUSTRPC_IMPORT_READ_H

#include <stdbool.h>
#include <stddef.h>

#include <custrpc/custrpc.h>

struct import_row {
    size_t line; /* first line of the row in the file */
    struct custrpc_customer c;
    bool valid;
    struct custrpc_error err; /* why not valid */
};

struct import_file {
    struct import_row *rows;
    size_t n;
    size_t invalid;
};

enum import_format { IMPORT_AUTO, IMPORT_CSV, IMPORT_JSON };

/* Reads and validates every row (duplicate names within the file are invalid too). Returns -1
 * with err only when the file as a whole cannot be read (missing, malformed, unknown column);
 * bad rows are marked in the result. */
int import_read(const char *path, enum import_format format, struct import_file *out,
                struct custrpc_error *err);
void import_free(struct import_file *f);

#endif
