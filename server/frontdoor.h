/* frontdoor.h — what a connection meets before the XML-RPC layer: caps on connections per client
 * address and in total (at the total cap the connection waiting longest for its request makes
 * room), deadlines for a request's head and body that a trickle of bytes cannot extend, and the
 * head checks of http_guard.h applied to the headers libmicrohttpd parsed. */
#ifndef CUSTRPC_SERVER_FRONTDOOR_H
#define CUSTRPC_SERVER_FRONTDOOR_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

#include <custrpc/error.h>

struct frontdoor_limits {
    unsigned header_timeout;  /* seconds from connect, or from the last answer, to a full head */
    unsigned body_timeout;    /* seconds from the head to the end of the body */
    unsigned max_connections; /* in total */
    unsigned max_per_address; /* from one client address */
    bool tls;                 /* refusals cannot be answered in plain text */
    bool log;                 /* a summary line of cuts and refusals on stderr */
};

struct frontdoor;

int frontdoor_start(struct frontdoor **out, const struct frontdoor_limits *limits,
                    struct custrpc_error *err);
/* After the daemon has stopped: no connection may be tracked any more. */
void frontdoor_stop(struct frontdoor *d);

/* MHD_OPTION_NOTIFY_CONNECTION callback; cls is the struct frontdoor. Admits or refuses a new
 * connection and starts its head deadline; forgets it when closed. */
void frontdoor_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                             enum MHD_ConnectionNotificationCode code);

/* The request's head is complete: the body deadline starts. */
bool frontdoor_head_done(struct MHD_Connection *conn);
/* The body is complete: no deadline while the request is processed and answered. Both return
 * false when the connection has been cut meanwhile: the request must not be acted on. */
bool frontdoor_body_done(struct MHD_Connection *conn);
/* The answer went out: on a kept-alive connection the next head deadline starts. */
void frontdoor_request_done(struct MHD_Connection *conn);

/* Judges a request's head: 0 to go on, or the HTTP status to refuse it with (400: ambiguous
 * framing; 403: in the open local mode, a non-loopback Origin or Host) and a one-line reason in
 * text. A refused request's connection should be closed: its body is never read. */
unsigned frontdoor_judge(struct MHD_Connection *conn, bool open_local, char *text, size_t size);

#endif
