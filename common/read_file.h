/* read_file.h — reading a whole file into memory, one way for every program of the project
 * (the server's TLS files, the client's JSON files and import files). */
#ifndef CUSTRPC_COMMON_READ_FILE_H
#define CUSTRPC_COMMON_READ_FILE_H

#include <stddef.h>
#include <stdio.h>

#include <custrpc/error.h>

/* The rest of fp, NUL-terminated (malloc'd; an empty stream gives ""); *len (may be NULL) its
 * length. NULL with err: CUSTRPC_E_VALUE "PATH: cannot read it" on a read error,
 * CUSTRPC_E_INTERNAL when out of memory. path names the stream in messages. */
char *read_whole_stream(FILE *fp, const char *path, size_t *len, struct custrpc_error *err);

/* The file at path ("-": standard input), as read_whole_stream; a file that cannot be opened is
 * CUSTRPC_E_VALUE "PATH: <strerror>". */
char *read_whole_file(const char *path, size_t *len, struct custrpc_error *err);

#endif
