/*
 * What a notification says by email and SMS: plain text with the task's
 * title, its due time in the owner's zone (common/tm_when.c, as the in-app
 * message) and a link to the task in the web app.  A reminder's words are
 * made when it is sent, so that "today" is the day it arrives; one that
 * fired late (the scheduler was down) says when it was set for.  A
 * digest's listing was made when it was written (sched_digest.c).
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "tm_notification.h"
#include "tm_validate.h"
#include "tm_when.h"


static int sched_text_due(const sched_msg_t *m, long long *due,
    int *date_only, char *out, size_t size);
static void sched_text_sentence(const sched_msg_t *m, char *out,
    size_t size);
static char *sched_text_printf(const char *fmt, ...);


/* "Pay rent is due today at 5:00 PM (Europe/Berlin)", "Task done: ..." */

char *
sched_text_subject(const sched_msg_t *m)
{
    int        date_only;
    char       when[TM_WHEN_SIZE];
    long long  due;

    if (strcmp(m->type, "digest") == 0) {
        return sched_text_printf("%s", m->title);
    }

    if (strcmp(m->type, "task_due") != 0) {
        return sched_text_printf("Task done: %s", m->title);
    }

    if (sched_text_due(m, &due, &date_only, when, sizeof(when)) != 0) {
        return sched_text_printf("Reminder: %s", m->title);
    }

    return sched_text_printf("%s %s", m->title, when);
}


char *
sched_text_body(const sched_conf_t *conf, const sched_msg_t *m)
{
    int        date_only;
    char       hello[160], line[TM_WHEN_SIZE + 16], when[TM_WHEN_SIZE];
    char       sentence[TM_TITLE_MAX * 4 + 2 * TM_WHEN_SIZE + 64];
    long long  t;

    if (m->first_name && *m->first_name) {
        snprintf(hello, sizeof(hello), "Hello %.100s,", m->first_name);

    } else {
        snprintf(hello, sizeof(hello), "Hello,");
    }

    if (strcmp(m->type, "digest") == 0) {
        return sched_text_printf(
                   "%s\n\n%s\nOpen:  %s/tasks?view=today\n\n"
                   "-- \ntaskmgr. You get this email because the daily "
                   "digest\nis on in your profile: %s/profile\n",
                   hello, m->message, conf->web_url, conf->web_url);
    }

    sched_text_sentence(m, sentence, sizeof(sentence));

    if (strcmp(m->type, "task_due") == 0) {
        if (sched_text_due(m, &t, &date_only, when, sizeof(when)) == 0) {
            tm_when_date(t, m->zone, date_only, when, sizeof(when));

        } else {
            snprintf(when, sizeof(when), "none");
        }

        snprintf(line, sizeof(line), "Due:   %s", when);

    } else {
        if (m->event_at
            && tm_parse_rfc3339(m->event_at, strlen(m->event_at), &t) == 0)
        {
            tm_when_date(t, m->zone, 0, when, sizeof(when));

        } else {
            snprintf(when, sizeof(when), "not set");
        }

        snprintf(line, sizeof(line), "Done:  %s", when);
    }

    return sched_text_printf(
               "%s\n\n%s.\n\nTask:  %s\n%s\nOpen:  %s/tasks?task=%s\n\n"
               "-- \ntaskmgr. You get this email because email "
               "notifications\nare on in your profile: %s/profile\n",
               hello, sentence, m->title, line, conf->web_url, m->task_id,
               conf->web_url);
}


char *
sched_text_sms(const sched_conf_t *conf, const sched_msg_t *m)
{
    char  sentence[TM_TITLE_MAX * 4 + 2 * TM_WHEN_SIZE + 64];

    if (strcmp(m->type, "digest") == 0) {
        return sched_text_printf("taskmgr: %s. %s/tasks?view=today",
                                 m->title, conf->web_url);
    }

    if (strcmp(m->type, "phone_code") == 0) {
        return sched_text_printf("taskmgr: your verification code is %s. "
                                 "It expires in 10 minutes. If you did not "
                                 "ask for it, ignore this text.",
                                 m->message);
    }

    sched_text_sentence(m, sentence, sizeof(sentence));

    return sched_text_printf("taskmgr: %s. %s/tasks?task=%s", sentence,
                             conf->web_url, m->task_id);
}


/* "is due today at 5:00 PM (Europe/Berlin)" as of m->now: 0, or -1 when
 * the notification carries no due date (items older than TaskDueDate) */

static int
sched_text_due(const sched_msg_t *m, long long *due, int *date_only,
    char *out, size_t size)
{
    tm_when_t  w;

    if (m->due == NULL || tm_parse_rfc3339(m->due, strlen(m->due), due) != 0)
    {
        return -1;
    }

    *date_only = tm_when_date_only(*due, m->zone);

    w.due = *due;
    w.now = m->now;
    w.zone = m->zone;
    w.date_only = *date_only;

    tm_when_due(&w, out, size);

    return 0;
}


/* 'Task "Pay rent" is due today at ...' made now (and when a late one
 * was set for), else the in-app message as it was written */

static void
sched_text_sentence(const sched_msg_t *m, char *out, size_t size)
{
    int        n, date_only;
    char       when[TM_WHEN_SIZE];
    long long  due;

    if (strcmp(m->type, "task_due") != 0) {
        snprintf(out, size, "%s", m->message);
        return;
    }

    if (sched_text_due(m, &due, &date_only, when, sizeof(when)) == 0) {
        n = snprintf(out, size, "Task \"%s\" %s", m->title, when);

    } else {
        n = snprintf(out, size, "Reminder: task \"%s\"", m->title);
    }

    if (m->late && m->fire_at && n > 0 && (size_t) n + 2 < size) {
        out[n] = '.';
        out[n + 1] = ' ';
        tm_notification_late(m->fire_at, m->zone, out + n + 2,
                             size - n - 2);
    }
}


/* a malloc'ed string, NULL if out of memory */

static char *
sched_text_printf(const char *fmt, ...)
{
    int      n;
    char    *s;
    va_list  ap;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);

    if (n < 0) {
        return NULL;
    }

    s = malloc((size_t) n + 1);

    if (s) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t) n + 1, fmt, ap);
        va_end(ap);
    }

    return s;
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
