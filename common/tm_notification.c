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
    char     id[TM_NOTIF_ID_LEN + 1], sk[sizeof(TM_NOTIF_PREFIX) + 40];
    char     msg[TM_TITLE_MAX * 4 + TM_WHEN_SIZE + 16], when[TM_WHEN_SIZE];
    char     shard[32];
    json_t  *item;

    tm_notification_id(n->task_id, n->type, n->event, id);
    snprintf(sk, sizeof(sk), TM_NOTIF_PREFIX "%s", id);

    if (strcmp(n->type, "task_due") == 0) {
        tm_notification_when(n, when, sizeof(when));
        snprintf(msg, sizeof(msg), "Task \"%s\" %s", n->task_title, when);

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
        json_object_set_new(item, "OutboxAt", tm_ddb_s(n->timestamp));
    }

    return item;
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


/* "is due today at 5:00 PM (Europe/Berlin)": the due date is the event */

static void
tm_notification_when(const tm_notification_t *n, char *out, size_t size)
{
    tm_when_t  w;

    if (tm_parse_rfc3339(n->event, strlen(n->event), &w.due) != 0
        || tm_parse_rfc3339(n->timestamp, strlen(n->timestamp), &w.now) != 0)
    {
        /* not written so by anyone: say the date as it is */
        snprintf(out, size, "is due at %s", n->event);
        return;
    }

    w.zone = n->zone;
    w.date_only = tm_when_date_only(w.due, n->zone);

    tm_when_due(&w, out, size);
}
