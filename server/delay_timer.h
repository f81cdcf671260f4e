/* delay_timer.h — one thread that calls back when a deadline passes, for the answers that
 * POST /admin/inject delays: the request's connection is suspended meanwhile, so a delayed
 * answer holds no request thread, however long the delay. */
#ifndef CUSTRPC_SERVER_DELAY_TIMER_H
#define CUSTRPC_SERVER_DELAY_TIMER_H

#include <time.h>

struct delay_wait {
    struct timespec due;     /* CLOCK_MONOTONIC */
    void (*fire)(void *arg); /* on the timer's thread */
    void *arg;
    struct delay_wait *next; /* the timer's */
};

struct delay_timer;

struct delay_timer *delay_timer_start(void);
/* w->fire(w->arg) once w->due has passed (w must stay valid until then); at once after
 * delay_timer_hurry. */
void delay_timer_add(struct delay_timer *t, struct delay_wait *w);
/* Fires every wait now, and every later one as it is added: the server is stopping, and
 * libmicrohttpd cannot stop with a connection suspended. */
void delay_timer_hurry(struct delay_timer *t);
/* Hurries, fires what is left and joins the thread. NULL is accepted. */
void delay_timer_stop(struct delay_timer *t);

#endif
