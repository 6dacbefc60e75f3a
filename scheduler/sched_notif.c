/*
 * The notification items the scheduler writes (common/tm_notification.c
 * builds them, for the module too): a deterministic id, delivery owed per
 * channel the owner wants, with an outbox marker while any is.
 */

#include <stdio.h>
#include <string.h>

#include "sched.h"
#include "tm_ddb.h"
#include "tm_notification.h"
#include "tm_task.h"


int
sched_prefs(const json_t *user, int *email, int *sms)
{
    const json_t  *prefs;

    prefs = tm_ddb_get_m(user, "NotificationPreferences");
    *email = tm_ddb_get_bool(prefs, "email", 0);
    *sms = tm_ddb_get_bool(prefs, "sms", 0);

    return *email || *sms;
}


/* the item, built by common/ as the module builds its own; id gets the
 * notification id (>= 33 bytes) */

json_t *
sched_notif_item(sched_t *s, const char *pk, const char *task_id,
    const char *type, const char *event, const char *title,
    const char *timestamp, const json_t *user, char *id)
{
    tm_notification_t  n;

    memset(&n, 0, sizeof(n));
    n.pk = pk;
    n.type = type;
    n.task_id = task_id;
    n.task_title = title;
    n.event = event;
    n.timestamp = timestamp;
    n.zone = tm_ddb_get_s(user, "UserTimeZone");
    n.expiry = sched_now_ms(s) / 1000 + s->conf->notification_ttl;
    n.shards = (unsigned) s->conf->shards;
    sched_prefs(user, &n.email, &n.sms);

    tm_notification_id(task_id, type, event, id);

    return tm_notification_item(&n);
}


/* SCHED_CONDITION: already there (a replay: the id is deterministic) */

int
sched_notif_put(sched_t *s, json_t *item)
{
    return sched_ddb(s, "PutItem",
                     json_pack("{s:s, s:o, s:s}",
                               "TableName", s->conf->table,
                               "Item", item,
                               "ConditionExpression",
                               "attribute_not_exists(EntitySort)"),
                     NULL);
}
