/*
 * Logs: one JSON object per line on stderr, {"time", "level", "event",
 * ...fields}, so that journald, CloudWatch or a test can parse each line.
 */

#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include "sched.h"
#include "tm_time.h"


static int  sched_level = SCHED_LOG_INFO;

static const char  *sched_level_names[] = { "debug", "info", "warn",
                                            "error" };


void
sched_log_level(int level)
{
    sched_level = level;
}


void
sched_log(int level, const char *event, json_t *fields)
{
    char            t[32], *line;
    json_t         *o;
    struct timeval  tv;

    if (level < sched_level) {
        json_decref(fields);
        return;
    }

    /* the real time, not --now: logs are about this process */
    gettimeofday(&tv, NULL);
    tm_time_ms((long long) tv.tv_sec * 1000 + tv.tv_usec / 1000, t);

    o = json_pack("{s:s, s:s, s:s}", "time", t,
                  "level", sched_level_names[level], "event", event);
    if (o == NULL) {
        json_decref(fields);
        return;
    }

    if (json_is_object(fields)) {
        json_object_update(o, fields);
    }

    json_decref(fields);

    line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);

    if (line) {
        /* one write per line: lines of concurrent schedulers stay whole */
        fprintf(stderr, "%s\n", line);
        fflush(stderr);
        free(line);
    }
}
