/* canned_server.h — test helper: a loopback HTTP server that answers every request with the
 * same canned bytes (or never answers), to show the client wrong or broken servers. */
#ifndef CUSTRPC_TEST_CANNED_SERVER_H
#define CUSTRPC_TEST_CANNED_SERVER_H

#include <pthread.h>

struct canned_server {
    int fd;
    pthread_t thread;
    const char *reply; /* full HTTP response; NULL: read the request and never answer */
    char url[64];
};

void canned_server_start(struct canned_server *s, const char *reply);
void canned_server_stop(struct canned_server *s);

#endif
