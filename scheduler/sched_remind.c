/*
 * The reminder pass.  ReminderIndex holds only what has a reminder still
 * to fire: tasks (ReminderAt, their earliest pending reminder's FireAt)
 * and users with a digest (ReminderAt, their next digest time), by day
 * and write shard.  Each pass queries every shard of the days from
 * now - overdue_window to today for ReminderAt BETWEEN now -
 * overdue_window AND now: never a scan, nothing before its time, a cost
 * that follows what is due, not what is stored.
 *
 * A task: each pending reminder whose FireAt has come (1) PutItem its
 * task_due notification under the id derived from the task, FireAt and
 * reminder id (attribute_not_exists: a replay, or a second scheduler, is
 * a no-op); then (2) one UpdateItem of the task: those reminders sent,
 * NotificationSent, ReminderKey/ReminderAt moved to the next pending one
 * (or removed), on condition that Version is the one read.  Version is
 * not raised: a user's write in between fails the condition and the next
 * pass does it again, (1) being a no-op by then.  A reminder that fires
 * more than two scan intervals after its time (the scheduler was down)
 * says it is late; one older than overdue_window is dropped unsent.  A
 * completed or trashed task fires nothing.
 *
 * A user: the daily digest (sched_digest.c).
 *
 * With shard_leases (sched_lease.c) the pass goes shard by shard and works
 * only the shards this replica holds, checking between items that it
 * still does: a shard given up or lost mid-way is left to its new holder.
 */

#include <stdio.h>
#include <string.h>

#include "sched.h"
#include "tm_ddb.h"
#include "tm_reminder.h"
#include "tm_task.h"
#include "tm_time.h"
#include "tm_user.h"
#include "tm_validate.h"


#define SCHED_REMIND_ROUNDS  3


static int sched_remind_round(sched_t *s);
static int sched_remind_partition(sched_t *s, sched_remind_t *d,
    const char *key);
static int sched_remind_item(sched_t *s, void *ctx, const json_t *item,
    const json_t *users);
static int sched_remind_task(sched_t *s, sched_remind_t *d,
    const json_t *task, const json_t *user);
static int sched_remind_fire(sched_t *s, sched_remind_t *d,
    const json_t *task, const json_t *user, const tm_reminder_t *r);
static int sched_remind_update(sched_t *s, const json_t *task,
    const tm_reminders_t *rs, int sent);
static int sched_remind_valid(const json_t *task, const char **task_id);


/* shards taken during a round are still to do: another round, a few at
 * most (the daemon sees lease_taken still set and passes again) */

int
sched_remind_pass(sched_t *s)
{
    int  rc, round;

    for (round = 0; /* void */ ; round++) {
        s->lease_taken = 0;
        rc = sched_remind_round(s);

        if (rc != SCHED_OK || !s->lease_taken || sched_stop
            || round == SCHED_REMIND_ROUNDS - 1)
        {
            return rc;
        }
    }
}


static int
sched_remind_round(sched_t *s)
{
    int             rc;
    char            day[24], key[TM_REMINDER_KEY_SIZE];
    json_t         *fields;
    unsigned        shard;
    long long       lo, t, start, ms;
    sched_remind_t  d;

    sched_metrics_window();

    memset(&d, 0, sizeof(d));
    d.now_ms = sched_now_ms(s);
    d.now_s = d.now_ms / 1000;
    tm_time_ms(d.now_ms, d.now);
    start = d.now_ms - s->clock_offset_ms;

    lo = d.now_s - s->conf->overdue_window;
    tm_format_rfc3339(lo, d.from);
    tm_format_rfc3339(d.now_s, d.to);

    rc = SCHED_OK;

    /* shard by shard: with leases, each is worked only while it is ours */
    for (shard = 0; shard < (unsigned) s->conf->shards; shard++) {
        (void) sched_lease_keep(s);

        if (!sched_lease_mine(s, shard)) {
            continue;
        }

        s->shard = (int) shard;
        sched_lease_log_pass(s, "due", shard);

        for (t = lo - lo % SCHED_DAY; t <= d.now_s; t += SCHED_DAY) {
            tm_format_rfc3339(t, day);
            tm_reminder_partition(day, shard, key, sizeof(key));

            rc = sched_remind_partition(s, &d, key);
            if (rc != SCHED_OK || sched_stop) {
                break;
            }
        }

        s->shard = -1;

        if (rc == SCHED_LOST) {
            d.lost++;
            rc = SCHED_OK;
        }

        if (rc != SCHED_OK || sched_stop) {
            break;
        }
    }

    ms = sched_now_ms(s) - s->clock_offset_ms - start;

    fields = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i,"
                       " s:i, s:i, s:i, s:I, s:b, s:i}",
                       "now", d.now, "from", d.from, "to", d.to,
                       "partitions", (int) d.partitions,
                       "tasks", (int) d.seen,
                       "reminded", (int) d.reminded,
                       "late", (int) d.late,
                       "replayed", (int) d.replayed,
                       "expired", (int) d.expired,
                       "moved_on", (int) d.moved,
                       "skipped", (int) d.skipped,
                       "users", (int) d.users,
                       "digests", (int) d.digests,
                       "ms", (json_int_t) ms,
                       "stopped", (int) sched_stop,
                       "shards_lost", (int) d.lost);

    /* the round's lags join its line: lag_count, lag_p99_ms, lag_max_ms */
    sched_metrics_pass(s, SCHED_PASS_DUE, rc == SCHED_OK, ms, fields);

    sched_log(rc == SCHED_OK ? SCHED_LOG_INFO : SCHED_LOG_WARN,
              rc == SCHED_OK ? "due_pass" : "due_pass_incomplete", fields);

    return rc;
}


static int
sched_remind_partition(sched_t *s, sched_remind_t *d, const char *key)
{
    d->partitions++;

    return sched_ddb_query(s,
               json_pack("{s:s, s:s, s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}}",
                         "TableName", s->conf->table,
                         "IndexName", "ReminderIndex",
                         "KeyConditionExpression",
                         "ReminderKey = :k"
                         " AND ReminderAt BETWEEN :from AND :now",
                         "ExpressionAttributeValues",
                         ":k", "S", key, ":from", "S", d->from,
                         ":now", "S", d->to),
               sched_remind_item, d);
}


static int
sched_remind_item(sched_t *s, void *ctx, const json_t *item,
    const json_t *users)
{
    const char      *pk, *sk;
    sched_remind_t  *d;

    (void) sched_lease_keep(s);

    if (!sched_lease_mine(s, (unsigned) s->shard)) {
        /* taken over: the new holder does the rest */
        return SCHED_LOST;
    }

    d = ctx;
    pk = tm_ddb_get_s(item, TM_PK);
    sk = tm_ddb_get_s(item, TM_SK);

    if (pk && sk && strcmp(pk, sk) == 0) {
        return sched_digest(s, d, item);
    }

    return sched_remind_task(s, d, item,
                             pk ? json_object_get(users, pk) : NULL);
}


static int
sched_remind_task(sched_t *s, sched_remind_t *d, const json_t *task,
    const json_t *user)
{
    int             i, rc, sent;
    long long       oldest;
    const char     *task_id, *status;
    tm_reminders_t  rs;

    d->seen++;

    if (sched_remind_valid(task, &task_id) != 0
        || tm_reminders_from_ddb(task, "Reminders", &rs) != 0)
    {
        d->skipped++;
        sched_log(SCHED_LOG_WARN, "malformed_item",
                  json_pack("{s:s, s:s?, s:s?}", "pass", "due",
                            "pk", tm_ddb_get_s(task, TM_PK),
                            "sk", tm_ddb_get_s(task, TM_SK)));
        return SCHED_OK;
    }

    if (user == NULL) {
        /* the in-app reminder still stands; no email or SMS */
        sched_log(SCHED_LOG_WARN, "user_missing",
                  json_pack("{s:s, s:s}", "pk", tm_ddb_get_s(task, TM_PK),
                            "task", task_id));
    }

    status = tm_ddb_get_s(task, "Status");

    if ((status && strcmp(status, "completed") == 0)
        || tm_ddb_get_s(task, "TrashedAt"))
    {
        /* the module cancels them when it completes or trashes a task:
         * one written otherwise leaves the index without a word */
        tm_reminders_cancel(&rs);
        rc = sched_remind_update(s, task, &rs, 0);
        return rc == SCHED_EFAIL || rc == SCHED_CONDITION ? SCHED_OK : rc;
    }

    oldest = d->now_s - s->conf->overdue_window;
    sent = 0;

    for (i = 0; i < rs.n; i++) {
        tm_reminder_t  *r = &rs.r[i];

        if (r->state != TM_REMINDER_PENDING || r->fire < 0
            || r->fire > d->now_s)
        {
            continue;
        }

        if (r->fire < oldest) {
            /* down for longer than the window: too old to be of use */
            r->state = TM_REMINDER_CANCELLED;
            d->expired++;
            sched_metrics_expired();
            sched_log(SCHED_LOG_WARN, "reminder_expired",
                      json_pack("{s:s, s:s, s:I}", "task", task_id,
                                "reminder", r->id,
                                "fire_at", (json_int_t) r->fire));
            continue;
        }

        rc = sched_remind_fire(s, d, task, user, r);

        if (rc == SCHED_EFAIL) {
            /* refused: the next pass tries again, the rest waits */
            d->skipped++;
            return SCHED_OK;
        }

        if (rc != SCHED_OK) {
            return rc;
        }

        r->state = TM_REMINDER_SENT;
        sent = 1;
    }

    rc = sched_remind_update(s, task, &rs, sent);

    if (rc == SCHED_CONDITION) {
        /* written meanwhile (a new due date, a completion...): the next
         * pass reads it again, the notifications above are no-ops then */
        d->moved++;
        return SCHED_OK;
    }

    return rc == SCHED_EFAIL ? SCHED_OK : rc;
}


/* (1): the task_due notification of one reminder, SCHED_OK when it is
 * there, written now or before */

static int
sched_remind_fire(sched_t *s, sched_remind_t *d, const json_t *task,
    const json_t *user, const tm_reminder_t *r)
{
    int                 rc;
    char                id[40], event[48], fire[24];
    json_t             *item;
    const char         *sk;
    tm_notification_t   n;

    tm_format_rfc3339(r->fire, fire);
    snprintf(event, sizeof(event), "%s#%s", fire, r->id);
    sk = tm_ddb_get_s(task, TM_SK);

    memset(&n, 0, sizeof(n));
    n.pk = tm_ddb_get_s(task, TM_PK);
    n.type = "task_due";
    n.task_id = sk + sizeof(TM_TASK_PREFIX) - 1;
    n.task_title = tm_ddb_get_s(task, "Title");
    n.event = event;
    n.timestamp = d->now;
    n.due = tm_ddb_get_s(task, "DueDate");
    n.reminder_id = r->id;
    n.fire_at = fire;
    n.late = (d->now_s - r->fire > 2 * s->conf->scan_interval);

    item = sched_notif_item(s, &n, user, id);

    sched_metrics_found(SCHED_MX_INAPP);

    rc = sched_notif_put(s, item);

    sched_metrics_reminder(SCHED_MX_INAPP, rc,
                           sched_now_ms(s) - r->fire * 1000);

    if (rc == SCHED_OK) {
        d->reminded++;
        d->late += n.late;

        sched_log(SCHED_LOG_DEBUG, "reminded",
                  json_pack("{s:s, s:s, s:s, s:s, s:b}", "task", n.task_id,
                            "reminder", r->id, "fire_at", fire,
                            "notification", id, "late", n.late));

    } else if (rc == SCHED_CONDITION) {
        d->replayed++;
        rc = SCHED_OK;
    }

    return rc;
}


/* (2): the reminders' states and the index key, on the Version read */

static int
sched_remind_update(sched_t *s, const json_t *task, const tm_reminders_t *rs,
    int sent)
{
    char         key[TM_REMINDER_KEY_SIZE], at[24], expr[160];
    json_t      *values, *req;
    long long    next, version;
    const char  *sk;

    sk = tm_ddb_get_s(task, TM_SK);
    next = tm_reminders_next(rs);

    values = json_pack("{s:o}", ":rs", tm_reminders_to_ddb(rs, 1));
    if (values == NULL) {
        return SCHED_EFAIL;
    }

    snprintf(expr, sizeof(expr), "SET Reminders = :rs%s%s",
             sent ? ", NotificationSent = :t" : "",
             next >= 0 ? ", ReminderKey = :k, ReminderAt = :at"
                       : " REMOVE ReminderKey, ReminderAt");

    if (sent) {
        json_object_set_new(values, ":t", tm_ddb_bool(1));
    }

    if (next >= 0) {
        tm_reminder_key(next, sk + sizeof(TM_TASK_PREFIX) - 1,
                        (unsigned) s->conf->shards, key, sizeof(key));
        tm_format_rfc3339(next, at);
        json_object_set_new(values, ":k", tm_ddb_s(key));
        json_object_set_new(values, ":at", tm_ddb_s(at));
    }

    if (tm_ddb_get_n(task, "Version", &version) == 0) {
        json_object_set_new(values, ":v", tm_ddb_n(version));
    }

    req = json_pack("{s:s, s:o, s:s, s:s, s:o}",
                    "TableName", s->conf->table,
                    "Key", tm_ddb_key(tm_ddb_get_s(task, TM_PK), sk),
                    "UpdateExpression", expr,
                    "ConditionExpression",
                    json_object_get(values, ":v")
                    ? "Version = :v" : "attribute_not_exists(Version)"
                      " AND attribute_exists(EntitySort)",
                    "ExpressionAttributeValues", values);

    return sched_ddb(s, "UpdateItem", req, NULL);
}


static int
sched_remind_valid(const json_t *task, const char **task_id)
{
    const char  *pk, *sk;

    pk = tm_ddb_get_s(task, TM_PK);
    sk = tm_ddb_get_s(task, TM_SK);

    if (pk == NULL || sk == NULL || tm_ddb_get_s(task, "Title") == NULL
        || strncmp(pk, TM_USER_PREFIX, sizeof(TM_USER_PREFIX) - 1) != 0
        || strlen(pk) > 128
        || strncmp(sk, TM_TASK_PREFIX, sizeof(TM_TASK_PREFIX) - 1) != 0
        || !tm_uuid_valid(sk + sizeof(TM_TASK_PREFIX) - 1,
                          strlen(sk + sizeof(TM_TASK_PREFIX) - 1)))
    {
        return -1;
    }

    *task_id = sk + sizeof(TM_TASK_PREFIX) - 1;

    return 0;
}
