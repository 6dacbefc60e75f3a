/*
 * The notification items the scheduler writes (common/tm_notification.c
 * builds them, for the module too): a deterministic id, delivery owed per
 * channel as common/tm_channels.c decides (the owner's switches, the
 * type's preferences), with an outbox marker while any is, set to when
 * the owner's quiet hours let it start.
 */

#include <stdio.h>
#include <string.h>

#include "sched.h"
#include "tm_channels.h"
#include "tm_ddb.h"
#include "tm_task.h"
#include "tm_time.h"


/* n's item, its pk, type, task, title, event and timestamp (and task_due
 * fields) set by the caller; id gets the notification id (>= 33 bytes) */

json_t *
sched_notif_item(sched_t *s, tm_notification_t *n, const json_t *user,
    char *id)
{
    char           start[32];
    long long      now;
    tm_channels_t  c;

    now = sched_now_ms(s) / 1000;

    tm_channels(user, n->type, now, &c);

    n->zone = tm_ddb_get_s(user, "UserTimeZone");
    n->expiry = now + s->conf->notification_ttl;
    n->shards = (unsigned) s->conf->shards;
    n->email = c.email;
    n->sms = c.sms;
    n->outbox_at = NULL;

    if (c.start > now) {
        /* milliseconds, as every OutboxAt: the drain compares text */
        tm_time_ms(c.start * 1000, start);
        n->outbox_at = start;
    }

    tm_notification_id(n->task_id, n->type, n->event, id);

    return tm_notification_item(n);
}


/* SCHED_CONDITION: already there (a replay: the id is deterministic) */

int
sched_notif_put(sched_t *s, json_t *item)
{
    int  rc;

    rc = sched_ddb(s, "PutItem",
                   json_pack("{s:s, s:O, s:s}",
                             "TableName", s->conf->table,
                             "Item", item,
                             "ConditionExpression",
                             "attribute_not_exists(EntitySort)"),
                   NULL);

    /* new (not a replay): the owner's open tabs hear of it now */
    if (rc == SCHED_OK) {
        sched_events_notification(s, item);
    }

    json_decref(item);          /* the caller's, given to us */

    return rc;
}
