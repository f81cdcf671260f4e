/* notify.c — sd_notify's datagram to $NOTIFY_SOCKET (see notify.h); about 40 lines, so the
 * server does not link libsystemd for it. */
#include <config.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"

void notify_send(const char *state)
{
    const char *name = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t n = name ? strlen(name) : 0;
    if (n < 2 || n >= sizeof sa.sun_path || (name[0] != '/' && name[0] != '@'))
        return;
    memcpy(sa.sun_path, name, n);
    if (name[0] == '@')
        sa.sun_path[0] = '\0'; /* abstract: the length below, not a NUL, ends the name */
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    /* MSG_DONTWAIT: a manager that does not read fills the socket's queue (10 datagrams), and
     * then sendto would block the thread that also waits for SIGTERM: a datagram lost then
     * is the lesser harm. */
    (void)sendto(fd, state, strlen(state), MSG_NOSIGNAL | MSG_DONTWAIT,
                 (const struct sockaddr *)&sa, len);
    close(fd);
}

void notify_reloading(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    char msg[80];
    snprintf(msg, sizeof msg, "RELOADING=1\nMONOTONIC_USEC=%llu",
             (unsigned long long)t.tv_sec * 1000000ull + (unsigned long long)t.tv_nsec / 1000u);
    notify_send(msg);
}
