/*
 * The notification item and its API JSON.
 */

#include <stdio.h>
#include <string.h>

#include "tm_ddb.h"
#include "tm_notification.h"
#include "tm_task.h"
#include "tm_validate.h"
#include "tm_when.h"


static void tm_notification_when(const tm_notification_t *n, char *out,
    size_t size);


json_t *
tm_notification_item(const tm_notification_t *n)
{
    int      due;
    char     id[TM_NOTIF_ID_LEN + 1], sk[sizeof(TM_NOTIF_PREFIX) + 40];
    char     msg[TM_TITLE_MAX * 4 + 2 * TM_WHEN_SIZE + 64];
    char     when[TM_WHEN_SIZE], late[TM_WHEN_SIZE + 32], shard[32];
    json_t  *item;

    tm_notification_id(n->task_id, n->type, n->event, id);
    snprintf(sk, sizeof(sk), TM_NOTIF_PREFIX "%s", id);

    due = (strcmp(n->type, "task_due") == 0);

    if (due) {
        late[0] = '\0';

        if (n->late && n->fire_at) {
            late[0] = '.';
            late[1] = ' ';
            tm_notification_late(n->fire_at, n->zone, late + 2,
                                 sizeof(late) - 2);
        }

        if (n->due) {
            tm_notification_when(n, when, sizeof(when));
            snprintf(msg, sizeof(msg), "Task \"%s\" %s%s", n->task_title,
                     when, late);

        } else {
            snprintf(msg, sizeof(msg), "Reminder: task \"%s\"%s",
                     n->task_title, late);
        }

    } else {
        snprintf(msg, sizeof(msg), "Task \"%s\" was completed",
                 n->task_title);
    }

    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s},"
                     " s:{s:s}, s:{s:s}, s:{s:b}, s:o}",
                     TM_PK, "S", n->pk,
                     TM_SK, "S", sk,
                     "Type", "S", n->type,
                     "TaskId", "S", n->task_id,
                     "TaskTitle", "S", n->task_title,
                     "Message", "S", msg,
                     "NotificationTimestamp", "S", n->timestamp,
                     "Notif_isRead", "BOOL", 0,
                     "NotificationExpiry", tm_ddb_n(n->expiry));
    if (item == NULL) {
        return NULL;
    }

    if (n->email) {
        json_object_set_new(item, "DeliveryEmail", tm_ddb_s("pending"));
    }

    if (n->sms) {
        json_object_set_new(item, "DeliverySms", tm_ddb_s("pending"));
    }

    if (n->email || n->sms) {
        tm_outbox_shard(id, n->shards, shard, sizeof(shard));
        json_object_set_new(item, "OutboxShard", tm_ddb_s(shard));
        json_object_set_new(item, "OutboxAt",
                            tm_ddb_s(n->outbox_at ? n->outbox_at
                                                  : n->timestamp));
    }

    /* what the email and SMS, made later, say too */
    if (due && n->due) {
        json_object_set_new(item, "TaskDueDate", tm_ddb_s(n->due));
    }

    if (due && n->reminder_id) {
        json_object_set_new(item, "ReminderId", tm_ddb_s(n->reminder_id));
    }

    if (due && n->fire_at) {
        json_object_set_new(item, "ReminderFireAt", tm_ddb_s(n->fire_at));
    }

    if (due && n->late) {
        json_object_set_new(item, "ReminderLate", tm_ddb_bool(1));
    }

    return item;
}


void
tm_notification_late(const char *fire_at, const char *zone, char *out,
    size_t size)
{
    int        n;
    long long  t;

    n = snprintf(out, size, "Late reminder, set for ");

    if (n < 0 || (size_t) n >= size) {
        return;
    }

    if (tm_parse_rfc3339(fire_at, strlen(fire_at), &t) != 0) {
        snprintf(out + n, size - n, "%s", fire_at);
        return;
    }

    tm_when_date(t, zone, 0, out + n, size - n);
}


long
tm_notification_write(const tm_ddb_item_t *item, long long now, char *out,
    size_t size)
{
    char              expires[24], ts[40];
    long long         expiry;
    tm_jstr_t         id;
    tm_jout_t         o;
    const tm_jstr_t  *type;

    type = tm_ddb_item_get(item, "Type", 'S');

    if (tm_ddb_item_id(item, TM_NOTIF_PREFIX, &id) != 0
        || type == NULL
        || tm_ddb_item_s(item, "NotificationTimestamp", ts, sizeof(ts)) < 19
        || tm_ddb_item_n(item, "NotificationExpiry", &expiry) != 0
        || expiry <= now)
    {
        return TM_WRITE_NOT_ITEM;
    }

    /* past 9999-12-31: no time the API can show (it would be "") */
    tm_format_rfc3339(expiry, expires);

    if (expires[0] == '\0') {
        return TM_WRITE_BAD;
    }

    tm_jout_init(&o, out, size);
    tm_jout_lit(&o, "{\"id\":");
    tm_jout_jstr(&o, &id);
    tm_jout_lit(&o, ",\"type\":");
    tm_jout_jstr(&o, type);
    tm_jout_lit(&o, ",\"taskId\":");
    tm_jout_jstr(&o, tm_ddb_item_get(item, "TaskId", 'S'));
    tm_jout_lit(&o, ",\"taskTitle\":");
    tm_jout_jstr(&o, tm_ddb_item_get(item, "TaskTitle", 'S'));
    tm_jout_lit(&o, ",\"message\":");
    tm_jout_jstr(&o, tm_ddb_item_get(item, "Message", 'S'));
    tm_jout_lit(&o, ",\"createdAt\":");
    tm_time_write(&o, item, "NotificationTimestamp");
    tm_jout_lit(&o, ",\"read\":");

    tm_jout_bool(&o, tm_ddb_item_bool(item, "Notif_isRead", 0));

    tm_jout_lit(&o, ",\"expiresAt\":");
    tm_jout_str(&o, expires);
    tm_jout_lit(&o, ",\"reminderId\":");
    tm_jout_jstr(&o, tm_ddb_item_get(item, "ReminderId", 'S'));
    tm_jout_lit(&o, ",\"dueDate\":");
    tm_time_write(&o, item, "TaskDueDate");
    tm_jout_lit(&o, "}");

    return o.bad ? TM_WRITE_BAD : o.full ? TM_WRITE_FULL : tm_jout_len(&o);
}


int
tm_notification_id_valid(const char *s, size_t len)
{
    size_t  i;

    if (len != TM_NOTIF_ID_LEN) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }

    return 1;
}


/* "is due today at 5:00 PM (Europe/Berlin)" */

static void
tm_notification_when(const tm_notification_t *n, char *out, size_t size)
{
    tm_when_t  w;

    if (tm_parse_rfc3339(n->due, strlen(n->due), &w.due) != 0
        || tm_parse_rfc3339(n->timestamp, strlen(n->timestamp), &w.now) != 0)
    {
        /* not written so by anyone: say the date as it is */
        snprintf(out, size, "is due at %s", n->due);
        return;
    }

    w.zone = n->zone;
    w.date_only = tm_when_date_only(w.due, n->zone);

    tm_when_due(&w, out, size);
}


json_t *
tm_notification_unread_query(const char *table, const char *pk,
    const char *now)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:{s:{s:s}, s:{s:s}, s:{s:b}},"
                     " s:b}",
                     "TableName", table,
                     "IndexName", "NotificationTimestampIndex",
                     "KeyConditionExpression", "EntityPartition = :pk",
                     "FilterExpression",
                     "NotificationExpiry > :now AND Notif_isRead = :f",
                     "ExpressionAttributeValues",
                     ":pk", "S", pk, ":now", "N", now, ":f", "BOOL", 0,
                     "ScanIndexForward", 0);
}
