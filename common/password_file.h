/* password_file.h — the one rule for password files, used by every program of the project:
 * the client's --password-file and --web-password-file, custrpc-conform's --password-file and
 * the server's root password-file. */
#ifndef CUSTRPC_COMMON_PASSWORD_FILE_H
#define CUSTRPC_COMMON_PASSWORD_FILE_H

#include <custrpc/error.h>

/* The password is the file's first line with its trailing CR and LF characters removed. The
 * file must be a regular file (not a terminal, FIFO or /dev/null), and an empty first line is an
 * error. *password is the caller's to clear and free. Errors are CUSTRPC_E_VALUE, their message
 * "PATH: problem". */
int password_file_read(const char *path, char **password, struct custrpc_error *err);

#endif
