/* import_read.h — reading an import file (CSV with a header row of wire names, or a JSON array
 * of objects) into validated customers, or (import_read_message) into validated messages of a
 * descriptor such as PartnerInfo (CSV columns named by dotted paths: Company.PostAddress.City),
 * each with the line it starts on. */
#ifndef CUSTRPC_IMPORT_READ_H
#define CUSTRPC_IMPORT_READ_H

#include <stdbool.h>
#include <stddef.h>

#include <custrpc/custrpc.h>

/* Columns a caller reads itself (import_read_opts.extra), at most this many. */
#define IMPORT_EXTRA_MAX 4

struct import_row {
    size_t line;               /* first line of the row in the file */
    char *extra[IMPORT_EXTRA_MAX]; /* the extra columns' text, by their index; NULL if empty */
    struct custrpc_customer c; /* customer rows */
    void *m;                   /* message rows: a struct of the file's descriptor; else NULL */
    bool valid;
    struct custrpc_error err; /* why not valid */
};

struct import_file {
    struct import_row *rows;
    size_t n;
    size_t invalid;
    const struct custrpc_message *d; /* message rows: their descriptor; NULL for customers */
    const char *name_path;           /* message rows: the member that names a row ("Name") */
    const char *const *extra;        /* import_read_opts.extra */
};

/* The row's name (customers' name, a message's name_path member); "" when it has none. */
const char *import_row_name(const struct import_file *f, const struct import_row *r);

enum import_format { IMPORT_AUTO, IMPORT_CSV, IMPORT_JSON };

/* How to read a file: what spreadsheets and scripts write. A UTF-8 byte-order mark is skipped;
 * CSV lines may end in LF or CRLF. */
struct import_read_opts {
    /* IMPORT_AUTO: a name ending in .json or .csv says; otherwise (stdin too) the first byte
     * that is not white space: '[' is JSON, anything else CSV. */
    enum import_format format;
    /* The CSV delimiter; 0: the one of ',' ';' and tab found most often outside quotes in the
     * header line (',' on a tie or when there is none). */
    char delimiter;
    /* Columns (CSV) or members (JSON) that are no member of the rows' message, kept as text in
     * import_row.extra for the caller (the server's fixtures: "parent"); NULL-terminated, at
     * most IMPORT_EXTRA_MAX; NULL: none, every column must be a member. */
    const char *const *extra;
};

/* The name a path is shown by in messages: "stdin" for "-". */
const char *import_display_name(const char *path);

/* Reads path ("-": standard input) and validates every row (duplicate names within the file
 * are invalid too). Returns -1 with err only when the file as a whole cannot be read (missing,
 * malformed, unknown column); bad rows are marked in the result.
 *
 * Every value given as text (a CSV cell, a JSON string) goes through custrpc_msg_set_text, the
 * conversion command options use: "own", "add,edit", "yes", "12.5" mean the same in a CSV
 * cell, a JSON string and an option. JSON numbers, booleans, null and arrays are read by the
 * model's JSON codec (custrpc_msg_from_json), as typed values. */
int import_read(const char *path, const struct import_read_opts *o, struct import_file *out,
                struct custrpc_error *err);
/* Message rows of descriptor d: CSV columns are dotted paths of wire names, JSON an array of
 * objects (null only where the model allows it). Every row must have name_path, and names are
 * unique within the file; required (NULL-terminated, may be NULL) are further members every
 * row needs. */
int import_read_message(const char *path, const struct import_read_opts *o,
                        const struct custrpc_message *d, const char *name_path,
                        const char *const *required, struct import_file *out,
                        struct custrpc_error *err);
/* The same from text in memory (len bytes, NUL bytes inside refused), shown as name in
 * messages; d NULL for customers. For the fuzzer and the readers above. */
int import_read_text(const char *text, size_t len, const char *name,
                     const struct import_read_opts *o, const struct custrpc_message *d,
                     const char *name_path, const char *const *required, struct import_file *out,
                     struct custrpc_error *err);
void import_free(struct import_file *f);

#endif
