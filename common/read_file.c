/* read_file.c — see read_file.h. */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "read_file.h"

char *read_whole_stream(FILE *fp, const char *path, size_t *len, struct custrpc_error *err)
{
    char *text = malloc(1);
    size_t n = 0, cap = 1, got;
    char chunk[65536];
    while (text && (got = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (n + got + 1 > cap) {
            cap = (n + got + 1) * 2;
            char *t = realloc(text, cap);
            if (!t) {
                free(text);
                text = NULL;
                break;
            }
            text = t;
        }
        memcpy(text + n, chunk, got);
        n += got;
    }
    if (!text) {
        custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "%s: out of memory", path);
        return NULL;
    }
    if (ferror(fp)) {
        free(text);
        custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: cannot read it", path);
        return NULL;
    }
    text[n] = '\0';
    if (len)
        *len = n;
    return text;
}

char *read_whole_file(const char *path, size_t *len, struct custrpc_error *err)
{
    bool std_in = strcmp(path, "-") == 0;
    FILE *fp = std_in ? stdin : fopen(path, "rb");
    if (!fp) {
        custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *text = read_whole_stream(fp, path, len, err);
    if (!std_in)
        fclose(fp);
    return text;
}
