/*
 * The notification item and its API JSON.
 */

#include <stdio.h>
#include <string.h>

#include "tm_ddb.h"
#include "tm_notification.h"
#include "tm_task.h"
#include "tm_validate.h"


json_t *
tm_notification_item(const tm_notification_t *n)
{
    char     id[TM_NOTIF_ID_LEN + 1], sk[sizeof(TM_NOTIF_PREFIX) + 40];
    char     msg[TM_TITLE_MAX * 4 + 64], due[24], shard[32];
    json_t  *item;

    tm_notification_id(n->task_id, n->type, n->event, id);
    snprintf(sk, sizeof(sk), TM_NOTIF_PREFIX "%s", id);

    if (strcmp(n->type, "task_due") == 0) {
        tm_time_seconds(n->event, due);
        snprintf(msg, sizeof(msg), "Task \"%s\" is due at %s", n->task_title,
                 due);

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


json_t *
tm_notification_json(const json_t *item, long long now)
{
    char         created[24], expires[24];
    long long    expiry;
    const char  *sk, *type, *ts;

    sk = tm_ddb_get_s(item, TM_SK);
    type = tm_ddb_get_s(item, "Type");
    ts = tm_ddb_get_s(item, "NotificationTimestamp");

    if (sk == NULL || strncmp(sk, TM_NOTIF_PREFIX, sizeof(TM_NOTIF_PREFIX) - 1)
        || type == NULL || ts == NULL || strlen(ts) < 19
        || tm_ddb_get_n(item, "NotificationExpiry", &expiry) != 0
        || expiry <= now)
    {
        return NULL;
    }

    tm_time_seconds(ts, created);
    tm_format_rfc3339(expiry, expires);

    return json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s, s:b, s:s}",
                     "id", sk + sizeof(TM_NOTIF_PREFIX) - 1,
                     "type", type,
                     "taskId", tm_ddb_get_s(item, "TaskId"),
                     "taskTitle", tm_ddb_get_s(item, "TaskTitle"),
                     "message", tm_ddb_get_s(item, "Message"),
                     "createdAt", created,
                     "read", tm_ddb_get_bool(item, "Notif_isRead", 0),
                     "expiresAt", expires);
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
