/*
 * The daily digest: one email a day, at the user's local time, listing
 * the tasks due that local day and the overdue ones (none: no email).
 *
 * A user whose digest is on is in ReminderIndex like a task: the module
 * sets ReminderAt = now (and DigestArmedAt) when it is turned on or its
 * time or the zone changes; the reminder pass finds the user item when
 * ReminderAt has come.  Then: the digest due is the latest local digest
 * time at or before now, if not before DigestArmedAt (turning it on at
 * 10:00 for 07:30 starts tomorrow).  After downtime that is the last
 * one missed: one email, not one per missed day.  (1) its tasks: the
 * user's DueDateIndex up to the end of that local day, not completed nor
 * in the trash;
 * (2) PutItem the digest item DIGEST_<id>, id derived from the user and
 * the local date (attribute_not_exists: once per user per local day,
 * whatever replays, replicas or changes of time and zone), email owed
 * as tm_channels says, from the end of quiet hours; (3) UpdateItem the
 * user, ReminderAt to the next local digest time, on condition that it
 * is still the one read (the module's new arming wins).
 *
 * The email goes out through the outbox like every notification's
 * (sched_deliver.c): the digest item carries DeliveryEmail and the
 * outbox marker.  It has no NotificationTimestamp and its sort key is
 * not NOTIF_: it is in no listing of notifications, and is never in-app.
 */

#include <stdio.h>
#include <string.h>

#include "sched.h"
#include "tm_channels.h"
#include "tm_ddb.h"
#include "tm_reminder.h"
#include "tm_task.h"
#include "tm_time.h"
#include "tm_user.h"
#include "tm_validate.h"
#include "tm_when.h"
#include "tm_zone.h"


#define SCHED_DIGEST_LIST   50          /* tasks named; the rest counted */
#define SCHED_DIGEST_PAGES  10          /* of the user's tasks, at most */
#define SCHED_DIGEST_BODY   32768


typedef struct {
    const char  *zone;
    long long    now;
    char         day_start[24];         /* the local day, UTC seconds */
    char         due[SCHED_DIGEST_BODY / 2];
    char         overdue[SCHED_DIGEST_BODY / 2];
    size_t       due_len;
    size_t       overdue_len;
    long         n_due;
    long         n_overdue;
} sched_digest_t;


static int sched_digest_tasks(sched_t *s, sched_digest_t *g,
    const char *pk, long long end);
static void sched_digest_line(sched_digest_t *g, const json_t *task);
static int sched_digest_put(sched_t *s, sched_digest_t *g,
    const json_t *user, const char *date, long long at);
static int sched_digest_next(sched_t *s, const json_t *user, long long next);


int
sched_digest(sched_t *s, sched_remind_t *d, const json_t *user)
{
    int              rc, minute;
    char             date[16];
    long long        at, next, armed, end;
    tm_local_t       l;
    const char      *pk, *zone, *t;
    const json_t    *digest;
    sched_digest_t  *g;

    static sched_digest_t  digest_buf;

    d->users++;

    pk = tm_ddb_get_s(user, TM_PK);
    digest = tm_ddb_get_m(user, "Digest");
    minute = tm_channels_hhmm(tm_ddb_get_s(digest, "Time"));

    if (pk == NULL || strlen(pk) > 128
        || strncmp(pk, TM_USER_PREFIX, sizeof(TM_USER_PREFIX) - 1) != 0)
    {
        d->skipped++;
        sched_log(SCHED_LOG_WARN, "malformed_item",
                  json_pack("{s:s, s:s?}", "pass", "due", "pk", pk));
        return SCHED_OK;
    }

    if (!tm_ddb_get_bool(digest, "Enabled", 0) || minute < 0) {
        /* turned off, or nonsense: out of the index */
        return sched_digest_next(s, user, -1);
    }

    zone = tm_ddb_get_s(user, "UserTimeZone");
    if (zone == NULL || tm_zone_ical(zone) == NULL) {
        zone = TM_ZONE_DEFAULT;
    }

    /* the latest digest time at or before now, and the next after it */
    at = tm_channels_local(zone, d->now_s, 0, minute);
    next = tm_channels_local(zone, d->now_s, 1, minute);

    if (at > d->now_s) {
        next = at;
        at = tm_channels_local(zone, d->now_s, -1, minute);
    }

    t = tm_ddb_get_s(user, "DigestArmedAt");
    if (t == NULL || tm_parse_rfc3339(t, strlen(t), &armed) != 0) {
        armed = 0;
    }

    if (at >= armed) {
        g = &digest_buf;
        memset(g, 0, sizeof(*g));
        g->zone = zone;
        g->now = d->now_s;

        (void) tm_zone_local(zone, at, &l);
        snprintf(date, sizeof(date), "%04d-%02d-%02d", l.year, l.month,
                 l.day);

        (void) tm_zone_day_start(zone, at, 0, &end);
        tm_format_rfc3339(end, g->day_start);
        (void) tm_zone_day_start(zone, at, 1, &end);

        rc = sched_digest_tasks(s, g, pk, end);
        if (rc != SCHED_OK) {
            return rc;
        }

        if (g->n_due + g->n_overdue > 0) {
            rc = sched_digest_put(s, g, user, date, at);

            if (rc == SCHED_OK) {
                d->digests++;
                sched_metrics_digest();

            } else if (rc != SCHED_CONDITION) {
                return rc == SCHED_EFAIL ? SCHED_OK : rc;
            }
        }
    }

    return sched_digest_next(s, user, next);
}


/* the user's tasks due before end, not completed nor in the trash,
 * soonest first */

static int
sched_digest_tasks(sched_t *s, sched_digest_t *g, const char *pk,
    long long end)
{
    int          rc, page;
    char         to[24];
    size_t       i;
    json_t      *req, *reply, *item, *lek;

    tm_format_rfc3339(end, to);
    lek = NULL;

    for (page = 0; page < SCHED_DIGEST_PAGES; page++) {
        req = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s},"
                        " s:{s:{s:s}, s:{s:s}, s:{s:s}}}",
                        "TableName", s->conf->table,
                        "IndexName", "DueDateIndex",
                        "KeyConditionExpression",
                        "EntityPartition = :p AND TaskDueSort < :end",
                        "FilterExpression",
                        "#st <> :done AND attribute_not_exists(TrashedAt)",
                        "ProjectionExpression",
                        "Title, DueDate, TaskDueSort, #st",
                        "ExpressionAttributeNames", "#st", "Status",
                        "ExpressionAttributeValues",
                        ":p", "S", pk, ":end", "S", to,
                        ":done", "S", "completed");

        if (req && lek) {
            json_object_set_new(req, "ExclusiveStartKey", lek);
            lek = NULL;
        }

        rc = sched_ddb(s, "Query", req, &reply);
        if (rc != SCHED_OK) {
            json_decref(lek);
            return rc == SCHED_CONDITION ? SCHED_EFAIL : rc;
        }

        json_array_foreach(json_object_get(reply, "Items"), i, item) {
            sched_digest_line(g, item);
        }

        lek = json_incref(json_object_get(reply, "LastEvaluatedKey"));
        json_decref(reply);

        if (lek == NULL) {
            return SCHED_OK;
        }
    }

    /* a user with thousands overdue: the first pages say enough */
    json_decref(lek);

    return SCHED_OK;
}


/* "- Pay rent: is due today at 5:00 PM (Europe/Berlin)" under its heading */

static void
sched_digest_line(sched_digest_t *g, const json_t *task)
{
    int           n;
    long         *count;
    char         *buf, when[TM_WHEN_SIZE];
    size_t       *len, size;
    tm_when_t     w;
    const char   *title, *due;

    title = tm_ddb_get_s(task, "Title");
    due = tm_ddb_get_s(task, "DueDate");

    if (title == NULL || due == NULL
        || tm_parse_rfc3339(due, strlen(due), &w.due) != 0)
    {
        return;
    }

    if (strcmp(due, g->day_start) < 0) {
        count = &g->n_overdue;
        buf = g->overdue;
        len = &g->overdue_len;

    } else {
        count = &g->n_due;
        buf = g->due;
        len = &g->due_len;
    }

    size = sizeof(g->due);

    if (++*count > SCHED_DIGEST_LIST || *len >= size) {
        return;
    }

    w.now = g->now;
    w.zone = g->zone;
    w.date_only = tm_when_date_only(w.due, g->zone);
    tm_when_due(&w, when, sizeof(when));

    n = snprintf(buf + *len, size - *len, "- %s: %s\n", title, when);

    if (n > 0) {
        *len = (size_t) n < size - *len ? *len + n : size;
    }
}


static int
sched_digest_put(sched_t *s, sched_digest_t *g, const json_t *user,
    const char *date, long long at)
{
    int            n;
    char           id[TM_NOTIF_ID_LEN + 1], sk[48], shard[32], start[32];
    char           day[TM_WHEN_SIZE], subject[TM_WHEN_SIZE + 64];
    char           more[64], now[32];
    char          *body;
    json_t        *item;
    size_t         len;
    const char    *pk;
    tm_channels_t  c;

    static char    body_buf[SCHED_DIGEST_BODY + 256];

    tm_channels(user, "digest", g->now, &c);

    if (!c.email) {
        /* email off: a digest is email only */
        return SCHED_CONDITION;
    }

    pk = tm_ddb_get_s(user, TM_PK);
    tm_notification_id(pk, "digest", date, id);
    snprintf(sk, sizeof(sk), SCHED_DIGEST_PREFIX "%s", id);
    tm_outbox_shard(id, (unsigned) s->conf->shards, shard, sizeof(shard));
    tm_time_ms(c.start * 1000, start);
    tm_time_ms(sched_now_ms(s), now);

    tm_when_date(at, g->zone, 1, day, sizeof(day));

    if (g->n_due && g->n_overdue) {
        snprintf(subject, sizeof(subject), "Your tasks for %s: %ld due,"
                 " %ld overdue", day, g->n_due, g->n_overdue);

    } else if (g->n_due) {
        snprintf(subject, sizeof(subject), "Your tasks for %s: %ld due",
                 day, g->n_due);

    } else {
        snprintf(subject, sizeof(subject), "Your tasks for %s: %ld overdue",
                 day, g->n_overdue);
    }

    body = body_buf;
    len = 0;

    if (g->n_due) {
        snprintf(more, sizeof(more), "- and %ld more\n",
                 g->n_due - SCHED_DIGEST_LIST);
        n = snprintf(body, sizeof(body_buf), "Due on %s:\n%s%s", day, g->due,
                     g->n_due > SCHED_DIGEST_LIST ? more : "");
        len = n > 0 ? (size_t) n : 0;
    }

    if (g->n_overdue && len < sizeof(body_buf)) {
        snprintf(more, sizeof(more), "- and %ld more\n",
                 g->n_overdue - SCHED_DIGEST_LIST);
        snprintf(body + len, sizeof(body_buf) - len, "%sOverdue:\n%s%s",
                 len ? "\n" : "", g->overdue,
                 g->n_overdue > SCHED_DIGEST_LIST ? more : "");
    }

    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s},"
                     " s:{s:s}, s:{s:s}, s:o, s:{s:s}, s:{s:s}, s:{s:s}}",
                     TM_PK, "S", pk,
                     TM_SK, "S", sk,
                     "Type", "S", "digest",
                     "DigestDate", "S", date,
                     "Subject", "S", subject,
                     "Message", "S", body,
                     "CreatedAt", "S", now,
                     "NotificationExpiry",
                     tm_ddb_n(g->now + s->conf->notification_ttl),
                     "DeliveryEmail", "S", "pending",
                     "OutboxShard", "S", shard,
                     "OutboxAt", "S", start);

    n = sched_notif_put(s, item);

    if (n == SCHED_OK) {
        sched_log(SCHED_LOG_INFO, "digest",
                  json_pack("{s:s, s:s, s:s, s:i, s:i, s:s}", "pk", pk,
                            "date", date, "id", id, "due", (int) g->n_due,
                            "overdue", (int) g->n_overdue,
                            "send_at", start));
    }

    return n;
}


/* ReminderAt to the next digest time (next < 0: out of the index), on
 * condition that the module has not armed it anew since it was read */

static int
sched_digest_next(sched_t *s, const json_t *user, long long next)
{
    int          rc;
    char         key[TM_REMINDER_KEY_SIZE], at[24];
    json_t      *values;
    const char  *pk, *read;

    pk = tm_ddb_get_s(user, TM_PK);
    read = tm_ddb_get_s(user, "ReminderAt");

    values = json_pack("{s:{s:s}}", ":read", "S", read ? read : "");

    if (next >= 0 && values) {
        tm_reminder_key(next, pk + sizeof(TM_USER_PREFIX) - 1,
                        (unsigned) s->conf->shards, key, sizeof(key));
        tm_format_rfc3339(next, at);
        json_object_set_new(values, ":k", tm_ddb_s(key));
        json_object_set_new(values, ":at", tm_ddb_s(at));
    }

    rc = sched_ddb(s, "UpdateItem",
                   json_pack("{s:s, s:o, s:s, s:s, s:o}",
                             "TableName", s->conf->table,
                             "Key", tm_ddb_key(pk, pk),
                             "UpdateExpression",
                             next >= 0 ? "SET ReminderKey = :k,"
                                         " ReminderAt = :at"
                                       : "REMOVE ReminderKey, ReminderAt",
                             "ConditionExpression", "ReminderAt = :read",
                             "ExpressionAttributeValues", values),
                   NULL);

    /* armed anew meanwhile: the next pass reads it again */
    return rc == SCHED_CONDITION || rc == SCHED_EFAIL ? SCHED_OK : rc;
}
