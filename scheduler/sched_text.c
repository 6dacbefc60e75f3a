/*
 * What a notification says by email and SMS: plain text with the task's
 * title, its due time (UTC: the user item has no time zone) and a link to
 * the task in the web app.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sched.h"
#include "tm_validate.h"


static void sched_text_when(const char *t, char *out, size_t size);


char *
sched_text_subject(const sched_msg_t *m)
{
    int    n;
    char  *s;

    n = snprintf(NULL, 0, "%s: %s",
                 strcmp(m->type, "task_due") == 0 ? "Task due" : "Task done",
                 m->title);
    s = malloc((size_t) n + 1);

    if (s) {
        snprintf(s, (size_t) n + 1, "%s: %s",
                 strcmp(m->type, "task_due") == 0 ? "Task due"
                                                  : "Task done",
                 m->title);
    }

    return s;
}


char *
sched_text_body(const sched_conf_t *conf, const sched_msg_t *m)
{
    int    n;
    char  *s, due[64], at[64], hello[160], line[160];

    if (m->first_name && *m->first_name) {
        snprintf(hello, sizeof(hello), "Hello %.100s,", m->first_name);

    } else {
        snprintf(hello, sizeof(hello), "Hello,");
    }

    if (strcmp(m->type, "task_due") == 0) {
        sched_text_when(m->due, due, sizeof(due));
        snprintf(line, sizeof(line), "Due:   %s", due);

    } else {
        sched_text_when(m->event_at, at, sizeof(at));
        snprintf(line, sizeof(line), "Done:  %s", at);
    }

    n = snprintf(NULL, 0,
                 "%s\n\n%s.\n\nTask:  %s\n%s\nOpen:  %s/tasks?task=%s\n\n"
                 "-- \ntaskmgr. You get this email because email "
                 "notifications\nare on in your profile: %s/profile\n",
                 hello, m->message, m->title, line, conf->web_url,
                 m->task_id, conf->web_url);

    s = malloc((size_t) n + 1);

    if (s) {
        snprintf(s, (size_t) n + 1,
                 "%s\n\n%s.\n\nTask:  %s\n%s\nOpen:  %s/tasks?task=%s\n\n"
                 "-- \ntaskmgr. You get this email because email "
                 "notifications\nare on in your profile: %s/profile\n",
                 hello, m->message, m->title, line, conf->web_url,
                 m->task_id, conf->web_url);
    }

    return s;
}


char *
sched_text_sms(const sched_conf_t *conf, const sched_msg_t *m)
{
    int    n;
    char  *s;

    n = snprintf(NULL, 0, "taskmgr: %s. %s/tasks?task=%s", m->message,
                 conf->web_url, m->task_id);
    s = malloc((size_t) n + 1);

    if (s) {
        snprintf(s, (size_t) n + 1, "taskmgr: %s. %s/tasks?task=%s",
                 m->message, conf->web_url, m->task_id);
    }

    return s;
}


/* "2026-11-25T17:00:00Z" -> "Wednesday 25 November 2026, 17:00 UTC" */

static void
sched_text_when(const char *t, char *out, size_t size)
{
    time_t     e;
    long long  epoch;
    struct tm  tm;

    if (t == NULL || tm_parse_rfc3339(t, strlen(t), &epoch) != 0) {
        snprintf(out, size, "not set");
        return;
    }

    e = (time_t) epoch;

    if (gmtime_r(&e, &tm) == NULL
        || strftime(out, size, "%A %d %B %Y, %H:%M UTC", &tm) == 0)
    {
        snprintf(out, size, "%s", t);
    }
}


/*
 * One plain address: nothing that could inject SMTP commands or headers,
 * or name a second recipient.
 */

int
sched_text_address_ok(const char *to)
{
    const char  *p;

    for (p = to; *p; p++) {
        if (*p <= ' ' || *p == '<' || *p == '>' || *p == ',' || *p == 0x7f) {
            return 0;
        }
    }

    return strchr(to, '@') != NULL && p - to <= 254;
}
