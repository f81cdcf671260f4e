/* delay_timer.c — a sorted list of deadlines and one thread waiting for the first (see
 * delay_timer.h). */
#include <config.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "delay_timer.h"

struct delay_timer {
    pthread_mutex_t lock;
    pthread_cond_t wake; /* on CLOCK_MONOTONIC */
    pthread_t thread;
    struct delay_wait *head; /* soonest first */
    bool hurry, stop;
};

static bool passed(const struct timespec *due)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > due->tv_sec || (now.tv_sec == due->tv_sec && now.tv_nsec >= due->tv_nsec);
}

static void *run(void *arg)
{
    struct delay_timer *t = arg;
    pthread_mutex_lock(&t->lock);
    for (;;) {
        struct delay_wait *w = t->head;
        if (w && (t->hurry || passed(&w->due))) {
            t->head = w->next;
            pthread_mutex_unlock(&t->lock);
            w->fire(w->arg); /* w may be gone after this */
            pthread_mutex_lock(&t->lock);
            continue;
        }
        if (t->stop && !w)
            break;
        if (w)
            pthread_cond_timedwait(&t->wake, &t->lock, &w->due);
        else
            pthread_cond_wait(&t->wake, &t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

struct delay_timer *delay_timer_start(void)
{
    struct delay_timer *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&t->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&t->lock, NULL);
    if (pthread_create(&t->thread, NULL, run, t) != 0) {
        pthread_cond_destroy(&t->wake);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return NULL;
    }
    return t;
}

static bool before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

void delay_timer_add(struct delay_timer *t, struct delay_wait *w)
{
    pthread_mutex_lock(&t->lock);
    struct delay_wait **at = &t->head;
    while (*at && !before(&w->due, &(*at)->due))
        at = &(*at)->next;
    w->next = *at;
    *at = w;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
}

void delay_timer_hurry(struct delay_timer *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    t->hurry = true;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
}

void delay_timer_stop(struct delay_timer *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    t->hurry = t->stop = true;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
