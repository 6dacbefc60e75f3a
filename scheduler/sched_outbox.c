/*
 * The outbox drain: OutboxIndex holds the items that still owe work, by
 * shard, sorted by when the work is due (OutboxAt).  Each shard is read up
 * to now: task items are completion chains to finish (sched_chain.c),
 * notification and digest items are deliveries (sched_deliver.c), list
 * items are deletions to finish (sched_list.c), a user's PHONECODE item
 * a verification code to send (sched_sms.c), its DELETING item an
 * account deletion to finish (sched_delete.c).  A finished chain makes a
 * new delivery, so the drain goes round again while chains were finished
 * (a few rounds at most: it must end).
 */

#include <stdio.h>
#include <string.h>

#include "sched.h"
#include "tm_ddb.h"
#include "tm_list.h"
#include "tm_task.h"
#include "tm_time.h"
#include "tm_user.h"


#define SCHED_OUTBOX_ROUNDS  3
#define SCHED_OUTBOX_PAGE    100


typedef struct {
    char    now[32];
    long    items;
    long    chains;
    long    deliveries;
    long    skipped;
} sched_outbox_t;


static int sched_outbox_shard(sched_t *s, sched_outbox_t *o,
    const char *shard);
static int sched_outbox_item(sched_t *s, void *ctx, const json_t *item,
    const json_t *users);


int
sched_outbox_drain(sched_t *s)
{
    int             rc, round;
    char            shard[32];
    json_t         *fields;
    unsigned        n;
    long            chains;
    long long       start, ms;
    sched_outbox_t  o;

    sched_metrics_window();
    start = sched_now_ms(s);

    memset(&o, 0, sizeof(o));
    rc = SCHED_OK;

    for (round = 0; round < SCHED_OUTBOX_ROUNDS; round++) {
        tm_time_ms(sched_now_ms(s), o.now);
        chains = o.chains;

        for (n = 0; n < (unsigned) s->conf->shards; n++) {
            (void) sched_lease_keep(s);

            if (!sched_lease_mine(s, n)) {
                continue;
            }

            snprintf(shard, sizeof(shard), "OUTBOX#%u", n);
            s->shard = (int) n;
            sched_lease_log_pass(s, "outbox", n);

            rc = sched_outbox_shard(s, &o, shard);
            s->shard = -1;

            if (rc == SCHED_LOST) {
                rc = SCHED_OK;
            }

            if (rc != SCHED_OK || sched_stop) {
                goto done;
            }
        }

        if (o.chains == chains) {
            break;
        }
    }

done:

    ms = sched_now_ms(s) - start;
    fields = json_pack("{s:s, s:i, s:i, s:i, s:i, s:I}", "now", o.now,
                       "items", (int) o.items, "chains", (int) o.chains,
                       "deliveries", (int) o.deliveries,
                       "skipped", (int) o.skipped, "ms", (json_int_t) ms);

    /* the lags of the reminders it emailed or texted join its line */
    sched_metrics_pass(s, SCHED_PASS_OUTBOX, rc == SCHED_OK, ms, fields);

    if (o.items || rc != SCHED_OK) {
        sched_log(rc == SCHED_OK ? SCHED_LOG_INFO : SCHED_LOG_WARN,
                  rc == SCHED_OK ? "drain" : "drain_incomplete", fields);

    } else {
        json_decref(fields);
    }

    return rc;
}


static int
sched_outbox_shard(sched_t *s, sched_outbox_t *o, const char *shard)
{
    return sched_ddb_query(s,
               json_pack("{s:s, s:s, s:s, s:{s:{s:s}, s:{s:s}}, s:i}",
                         "TableName", s->conf->table,
                         "IndexName", "OutboxIndex",
                         "KeyConditionExpression",
                         "OutboxShard = :s AND OutboxAt <= :now",
                         "ExpressionAttributeValues",
                         ":s", "S", shard, ":now", "S", o->now,
                         "Limit", SCHED_OUTBOX_PAGE),
               sched_outbox_item, o);
}


static int
sched_outbox_item(sched_t *s, void *ctx, const json_t *item,
    const json_t *users)
{
    int              rc;
    const char      *pk, *sk;
    sched_outbox_t  *o;

    (void) sched_lease_keep(s);

    if (!sched_lease_mine(s, (unsigned) s->shard)) {
        return SCHED_LOST;
    }

    o = ctx;
    o->items++;
    pk = tm_ddb_get_s(item, TM_PK);
    sk = tm_ddb_get_s(item, TM_SK);

    if (sk && strncmp(sk, TM_TASK_PREFIX, sizeof(TM_TASK_PREFIX) - 1) == 0) {
        rc = sched_chain_finish(s, item,
                                json_object_get(users, pk ? pk : ""));
        if (rc == SCHED_OK) {
            o->chains++;
        }

    } else if (sk && (strncmp(sk, TM_NOTIF_PREFIX,
                              sizeof(TM_NOTIF_PREFIX) - 1) == 0
                      || strncmp(sk, SCHED_DIGEST_PREFIX,
                                 sizeof(SCHED_DIGEST_PREFIX) - 1) == 0))
    {
        rc = sched_deliver(s, item, json_object_get(users, pk ? pk : ""));
        if (rc == SCHED_OK) {
            o->deliveries++;
        }

    } else if (sk && strcmp(sk, SCHED_PHONECODE_SK) == 0) {
        rc = sched_sms_code(s, item);
        if (rc == SCHED_OK) {
            o->deliveries++;
        }

    } else if (sk && strcmp(sk, TM_USER_DELETING_SK) == 0) {
        rc = sched_delete_finish(s, item);

    } else if (sk && strncmp(sk, TM_LIST_PREFIX,
                             sizeof(TM_LIST_PREFIX) - 1) == 0)
    {
        rc = sched_list_finish(s, item);

    } else {
        sched_log(SCHED_LOG_WARN, "malformed_item",
                  json_pack("{s:s, s:s?, s:s?}", "pass", "outbox",
                            "pk", pk, "sk", sk));
        rc = SCHED_EFAIL;
    }

    if (rc == SCHED_EFAIL) {
        o->skipped++;
        rc = SCHED_OK;
    }

    return rc;
}
