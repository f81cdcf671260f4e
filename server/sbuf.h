/* sbuf.h — a growing string for generated SQL: on allocation failure it becomes NULL and later
 * appends do nothing, so a generator checks once, at the end. */
#ifndef CUSTRPC_SERVER_SBUF_H
#define CUSTRPC_SERVER_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
    char *p;
    size_t len, cap;
    bool failed;
};

void sb_add(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
