/*
 * The due-date pass.  NotificationSentIndex holds only tasks still owed a
 * reminder, partitioned by due day and write shard: the pass queries every
 * shard of the days that overlap [now - overdue_window, now + 24 h], never
 * scans.  Per task: (1) PutItem the task_due notification under an id
 * derived from the task and its due date (attribute_not_exists: a replay,
 * or a second scheduler, is a no-op); (2) UpdateItem the task notified and
 * out of the index, on condition that its due date is still the one
 * reminded of.  A crash between (1) and (2) leaves the task in the index;
 * the next pass repeats (1) as a no-op and does (2).
 *
 * Overdue tasks never reminded (the scheduler was down, or the task was
 * created already late) are reminded once too, if their due date is within
 * overdue_window (default 7 days): a user expects to hear about them.
 *
 * With shard_leases (sched_lease.c) the pass goes shard by shard and works
 * only the shards this replica holds, checking between items that it
 * still does: a shard given up or lost mid-way is left to its new holder.
 */

#include <stdio.h>
#include <string.h>

#include "sched.h"
#include "tm_ddb.h"
#include "tm_task.h"
#include "tm_time.h"
#include "tm_user.h"
#include "tm_validate.h"


#define SCHED_DUE_ROUNDS  3


typedef struct {
    long long   now_ms;
    char        now[32];
    char        from[24];
    char        to[24];
    long        partitions;
    long        seen;
    long        reminded;
    long        replayed;
    long        moved;
    long        skipped;
    long        lost;
} sched_due_t;


static int sched_due_round(sched_t *s);
static int sched_due_partition(sched_t *s, sched_due_t *d, const char *key);
static int sched_due_item(sched_t *s, void *ctx, const json_t *task,
    const json_t *users);
static int sched_due_task(sched_t *s, sched_due_t *d, const json_t *task,
    const json_t *user);
static int sched_due_valid(const json_t *task, const char **pk,
    const char **task_id, const char **due, const char **title);


/* shards taken during a round are still to do: another round, a few at
 * most (the daemon sees lease_taken still set and passes again) */

int
sched_due_pass(sched_t *s)
{
    int  rc, round;

    for (round = 0; /* void */ ; round++) {
        s->lease_taken = 0;
        rc = sched_due_round(s);

        if (rc != SCHED_OK || !s->lease_taken || sched_stop
            || round == SCHED_DUE_ROUNDS - 1)
        {
            return rc;
        }
    }
}


static int
sched_due_round(sched_t *s)
{
    int          rc;
    char         day[24], key[48];
    unsigned     shard;
    long long    lo, hi, t, start;
    sched_due_t  d;

    memset(&d, 0, sizeof(d));
    d.now_ms = sched_now_ms(s);
    tm_time_ms(d.now_ms, d.now);
    start = d.now_ms - s->clock_offset_ms;

    lo = d.now_ms / 1000 - s->conf->overdue_window;
    hi = d.now_ms / 1000 + SCHED_DAY;
    tm_format_rfc3339(lo, d.from);
    tm_format_rfc3339(hi, d.to);

    rc = SCHED_OK;

    /* shard by shard: with leases, each is worked only while it is ours */
    for (shard = 0; shard < (unsigned) s->conf->shards; shard++) {
        (void) sched_lease_keep(s);

        if (!sched_lease_mine(s, shard)) {
            continue;
        }

        s->shard = (int) shard;
        sched_lease_log_pass(s, "due", shard);

        for (t = lo - lo % SCHED_DAY; t <= hi; t += SCHED_DAY) {
            tm_format_rfc3339(t, day);
            tm_task_reminder_partition(day, shard, key, sizeof(key));

            rc = sched_due_partition(s, &d, key);
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

    sched_log(rc == SCHED_OK ? SCHED_LOG_INFO : SCHED_LOG_WARN,
              rc == SCHED_OK ? "due_pass" : "due_pass_incomplete",
              json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:I,"
                        " s:b, s:i}",
                        "now", d.now, "from", d.from, "to", d.to,
                        "partitions", (int) d.partitions,
                        "tasks", (int) d.seen,
                        "reminded", (int) d.reminded,
                        "replayed", (int) d.replayed,
                        "moved_on", (int) d.moved,
                        "skipped", (int) d.skipped,
                        "ms", (json_int_t) (sched_now_ms(s)
                                            - s->clock_offset_ms - start),
                        "stopped", (int) sched_stop,
                        "shards_lost", (int) d.lost));

    return rc;
}


static int
sched_due_partition(sched_t *s, sched_due_t *d, const char *key)
{
    d->partitions++;

    return sched_ddb_query(s,
               json_pack("{s:s, s:s, s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}}",
                         "TableName", s->conf->table,
                         "IndexName", "NotificationSentIndex",
                         "KeyConditionExpression",
                         "DueDate_NotificationSent = :k"
                         " AND DueDate BETWEEN :from AND :to",
                         "ExpressionAttributeValues",
                         ":k", "S", key, ":from", "S", d->from,
                         ":to", "S", d->to),
               sched_due_item, d);
}


static int
sched_due_item(sched_t *s, void *ctx, const json_t *task,
    const json_t *users)
{
    const char  *pk;

    (void) sched_lease_keep(s);

    if (!sched_lease_mine(s, (unsigned) s->shard)) {
        /* taken over: the new holder does the rest */
        return SCHED_LOST;
    }

    pk = tm_ddb_get_s(task, TM_PK);

    return sched_due_task(s, ctx, task,
                          pk ? json_object_get(users, pk) : NULL);
}


static int
sched_due_task(sched_t *s, sched_due_t *d, const json_t *task,
    const json_t *user)
{
    int          rc;
    char         id[40], sk[48];
    json_t      *item;
    const char  *pk, *task_id, *due, *title;

    d->seen++;

    if (sched_due_valid(task, &pk, &task_id, &due, &title) != 0) {
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
                  json_pack("{s:s, s:s}", "pk", pk, "task", task_id));
    }

    item = sched_notif_item(s, pk, task_id, "task_due", due, title, d->now,
                            user, id);

    /* for the email's "due at": the notification outlives the task */
    if (item) {
        json_object_set_new(item, "TaskDueDate", tm_ddb_s(due));
    }

    rc = sched_notif_put(s, item);

    if (rc == SCHED_OK) {
        d->reminded++;

    } else if (rc == SCHED_CONDITION) {
        d->replayed++;

    } else if (rc == SCHED_EFAIL) {
        d->skipped++;
        return SCHED_OK;

    } else {
        return rc;
    }

    snprintf(sk, sizeof(sk), TM_TASK_PREFIX "%s", task_id);

    rc = sched_ddb(s, "UpdateItem",
                   json_pack("{s:s, s:o, s:s, s:s, s:{s:{s:b}, s:{s:s}}}",
                             "TableName", s->conf->table,
                             "Key", tm_ddb_key(pk, sk),
                             "UpdateExpression",
                             "SET NotificationSent = :t"
                             " REMOVE DueDate_NotificationSent",
                             "ConditionExpression", "DueDate = :due",
                             "ExpressionAttributeValues",
                             ":t", "BOOL", 1, ":due", "S", due),
                   NULL);

    if (rc == SCHED_CONDITION) {
        /* the due date changed (or the task went) meanwhile: the new date
         * is reminded of under its own id */
        d->moved++;
        return SCHED_OK;
    }

    if (rc == SCHED_OK) {
        sched_log(SCHED_LOG_DEBUG, "reminded",
                  json_pack("{s:s, s:s, s:s}", "task", task_id, "due", due,
                            "notification", id));
    }

    return rc == SCHED_EFAIL ? SCHED_OK : rc;
}


static int
sched_due_valid(const json_t *task, const char **pk, const char **task_id,
    const char **due, const char **title)
{
    long long    t;
    const char  *sk, *status;

    *pk = tm_ddb_get_s(task, TM_PK);
    sk = tm_ddb_get_s(task, TM_SK);
    *due = tm_ddb_get_s(task, "DueDate");
    *title = tm_ddb_get_s(task, "Title");
    status = tm_ddb_get_s(task, "Status");

    if (*pk == NULL || sk == NULL || *due == NULL || *title == NULL
        || strncmp(*pk, TM_USER_PREFIX, sizeof(TM_USER_PREFIX) - 1) != 0
        || strlen(*pk) > 128
        || strncmp(sk, TM_TASK_PREFIX, sizeof(TM_TASK_PREFIX) - 1) != 0
        || !tm_uuid_valid(sk + sizeof(TM_TASK_PREFIX) - 1,
                          strlen(sk + sizeof(TM_TASK_PREFIX) - 1))
        || tm_parse_rfc3339(*due, strlen(*due), &t) != 0
        || strlen(*due) < 19
        || (status && strcmp(status, "completed") == 0))
    {
        return -1;
    }

    *task_id = sk + sizeof(TM_TASK_PREFIX) - 1;

    return 0;
}
