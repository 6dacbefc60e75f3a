/*
 * The scheduler's clock: real time, shifted by --now (the clock starts at
 * the given time and runs on), and the waits between attempts.
 */

#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <sys/time.h>

#include "sched.h"


long long
sched_now_ms(const sched_t *s)
{
    struct timeval  tv;

    gettimeofday(&tv, NULL);

    return (long long) tv.tv_sec * 1000 + tv.tv_usec / 1000
           + s->clock_offset_ms;
}


/* sleeps, but returns as soon as a signal asks to stop or reload */

void
sched_sleep_ms(long long ms)
{
    struct timespec  ts, rem;

    if (ms <= 0) {
        return;
    }

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;

    while (!sched_stop && !sched_reload && nanosleep(&ts, &rem) != 0
           && errno == EINTR)
    {
        ts = rem;
    }
}


/* retry_min, doubled per failed attempt, at most retry_max */

long long
sched_backoff(const sched_conf_t *conf, long long attempts)
{
    long long  d;

    d = conf->retry_min;

    while (--attempts > 0 && d < conf->retry_max) {
        d *= 2;
    }

    return d < conf->retry_max ? d : conf->retry_max;
}
