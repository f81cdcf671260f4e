/* canned_server.c — see canned_server.h. */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <check.h>

#include "canned_server.h"

static void *serve(void *arg)
{
    struct canned_server *s = arg;
    for (;;) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            return NULL; /* the listening socket was shut down */
        char buf[65536];
        /* Read what the client sends for a moment; the reply does not depend on it. */
        struct pollfd p = {c, POLLIN, 0};
        while (poll(&p, 1, 200) == 1 && read(c, buf, sizeof buf) > 0)
            ;
        if (s->reply) {
            ssize_t w = write(c, s->reply, strlen(s->reply));
            (void)w;
        } else {
            while (poll(&p, 1, 10000) == 1 && read(c, buf, sizeof buf) > 0)
                ;
        }
        close(c);
    }
}

void canned_server_start(struct canned_server *s, const char *reply)
{
    s->reply = reply;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(s->fd, 16), 0);
    socklen_t len = sizeof a;
    getsockname(s->fd, (struct sockaddr *)&a, &len);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d/RPC2", ntohs(a.sin_port));
    ck_assert_int_eq(pthread_create(&s->thread, NULL, serve, s), 0);
}

void canned_server_stop(struct canned_server *s)
{
    shutdown(s->fd, SHUT_RDWR);
    close(s->fd);
    pthread_join(s->thread, NULL);
}
