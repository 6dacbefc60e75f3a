/*
 * The scheduler's clock: real time, shifted by --now (the clock starts at
 * the given time and runs on), and the waits between attempts.
 */

#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <sys/time.h>

#include "sched.h"
#include "tm_validate.h"


long long
sched_now_ms(const sched_t *s)
{
    struct timeval  tv;

    gettimeofday(&tv, NULL);

    return (long long) tv.tv_sec * 1000 + tv.tv_usec / 1000
           + s->clock_offset_ms;
}


/* "2026-11-25T17:00:00.123Z", as the module writes its times */

void
sched_format_ms(long long ms, char *out)
{
    tm_format_rfc3339(ms / 1000, out);

    if (out[0] == '\0') {
        return;
    }

    ms %= 1000;
    out[19] = '.';
    out[20] = (char) ('0' + ms / 100);
    out[21] = (char) ('0' + ms / 10 % 10);
    out[22] = (char) ('0' + ms % 10);
    out[23] = 'Z';
    out[24] = '\0';
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
