/* server_proc.h — test helper: runs custrpc-server on a free loopback port and stops it. */
#ifndef CUSTRPC_TEST_SERVER_PROC_H
#define CUSTRPC_TEST_SERVER_PROC_H

#include <stddef.h>
#include <sys/types.h>

struct server_proc {
    pid_t pid;
    char url[256];
};

/* Starts $CUSTRPC_SERVER --listen 127.0.0.1:0 plus the NULL-terminated extra arguments and
 * waits for its "listening on" line; aborts the test when it does not come. */
void server_proc_start(struct server_proc *s, const char *const *args);

/* A server configuration with a root password (login ssp-root) in a new temporary directory:
 * writes root.pw and server.xml (extra_xml inside <custrpc-server>, may be "") into dir, a
 * mkdtemp template, and returns the config path in cfg. */
void server_proc_config(char *dir, const char *root_password, const char *extra_xml, char *cfg,
                        size_t cfg_size);

/* Removes what server_proc_config wrote. */
void server_proc_config_remove(const char *dir);

/* SIGTERM and wait; returns the exit status (-1 when it did not exit normally). */
int server_proc_stop(struct server_proc *s);

#endif
