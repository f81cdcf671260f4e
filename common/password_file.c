/* password_file.c — see password_file.h. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "password_file.h"

int password_file_read(const char *path, char **password, struct custrpc_error *err)
{
    *password = NULL;
    /* O_NONBLOCK: a FIFO must be refused, not waited on. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL,
                            "%s: a password file must be a regular file", path);
    }
    FILE *fp = fdopen(fd, "r");
    if (!fp) {
        close(fd);
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "%s: %s", path, strerror(errno));
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, fp);
    fclose(fp);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (n <= 0) {
        free(line);
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL,
                            "%s: the password file is empty (the password is its first line)",
                            path);
    }
    *password = line;
    return 0;
}
