/* notify.h — systemd's readiness protocol (sd_notify(3)) without libsystemd: one datagram of
 * "KEY=VALUE" lines to the unix socket named by $NOTIFY_SOCKET (a path, or an abstract name
 * written with a leading '@'). Without $NOTIFY_SOCKET nothing is sent. */
#ifndef CUSTRPC_SERVER_NOTIFY_H
#define CUSTRPC_SERVER_NOTIFY_H

/* Sends state ("READY=1", "STOPPING=1"); failures are ignored, as sd_notify's callers do: the
 * service works the same without a supervisor listening. */
void notify_send(const char *state);

/* "RELOADING=1" with MONOTONIC_USEC=now, as Type=notify-reload expects before a reload. */
void notify_reloading(void);

#endif
