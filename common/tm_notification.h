/*
 * The notification item (EntityPartition USER_<sub>, EntitySort
 * NOTIF_<id>) and its API JSON.  Written by the module (task completed) and
 * by the scheduler (task due, and completions the module could not finish),
 * so both build it here.  nginx-free.
 */

#ifndef TM_NOTIFICATION_H
#define TM_NOTIFICATION_H

#include <jansson.h>

#include "tm_ddb_item.h"


#define TM_NOTIF_ID_LEN  32


typedef struct {
    const char  *pk;            /* "USER_<sub>" */
    const char  *type;          /* "task_due" or "task_completed" */
    const char  *task_id;
    const char  *task_title;
    const char  *event;         /* with task and type it makes the id:
                                   the completion time (task_completed),
                                   "<FireAt>#<reminder id>" (task_due) */
    const char  *timestamp;     /* NotificationTimestamp, RFC 3339 (ms):
                                   the "now" of the message's "today" */
    const char  *zone;          /* the owner's UserTimeZone; NULL: UTC */
    long long    expiry;        /* NotificationExpiry, epoch seconds */
    int          email;         /* deliveries owed (tm_channels) */
    int          sms;
    const char  *outbox_at;     /* when they may start (tm_channels'
                                   start, RFC 3339 with milliseconds as
                                   every OutboxAt); NULL: timestamp */
    unsigned     shards;        /* OutboxIndex write shards */

    /* task_due only */
    const char  *due;           /* the task's due date; NULL: none */
    const char  *reminder_id;   /* the reminder that fired */
    const char  *fire_at;       /* its FireAt */
    int          late;          /* fired well after fire_at (the
                                   scheduler was down): the texts say so */
} tm_notification_t;


/* the item for a PutItem conditional on attribute_not_exists(EntitySort):
 * id derived from task, type and event; delivery "pending" per channel
 * wanted, with an outbox marker when any is; a task_due Message says when
 * in the owner's zone ('Task "Pay rent" is due today at 5:00 PM
 * (Europe/Berlin)', tm_when.h), or 'Reminder: task "Pay rent"' for a task
 * without a due date, and adds when the reminder was set for if it comes
 * late.  n is read whole: zero what you do not set. */
json_t *tm_notification_item(const tm_notification_t *n);

/* 'Late reminder, set for Tuesday, 1 December 2026 at 9:00 AM (UTC)':
 * what a late reminder adds to its texts (fire_at RFC 3339) */
void tm_notification_late(const char *fire_at, const char *zone, char *out,
    size_t size);

/* the API JSON {id, type, taskId, taskTitle, message, createdAt, read,
 * expiresAt, reminderId, dueDate} of a notification item into out (the
 * last two null but on task_due notifications that carry them): its
 * length, or TM_WRITE_* (TM_WRITE_NOT_ITEM also when it expired at now,
 * epoch seconds) */
long tm_notification_write(const tm_ddb_item_t *item, long long now,
    char *out, size_t size);

/* the Query for pk's unread, unexpired notifications, newest first
 * (NotificationTimestampIndex); now: epoch seconds, as text */
json_t *tm_notification_unread_query(const char *table, const char *pk,
    const char *now);

/* 1 if s is an id as tm_notification_id makes them (32 lower hex) */
int tm_notification_id_valid(const char *s, size_t len);

#endif /* TM_NOTIFICATION_H */
