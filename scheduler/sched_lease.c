/*
 * Shard leases: N scheduler replicas share the reminder and outbox shards.
 * All lease items live in one partition, read by one Query:
 *
 *   SCHEDLEASE / SHARD#<n>      Owner, ExpiresAt (epoch ms): the shard's
 *   SCHEDLEASE / REPLICA#<id>   Owner, ExpiresAt: a replica's heartbeat
 *
 * Every lease/3 (and just after another's lease ends) a replica writes
 * its heartbeat, reads the partition, counts the live replicas and aims
 * for its fair share, ceil(shards / live): it renews what it holds
 * (condition Owner = me), gives up what is over its share, and takes free
 * or expired shards up to it (condition: no owner, expired, or mine).
 * SIGTERM deletes its leases and heartbeat, so that the others take them
 * at their next round, not at expiry.  Two replicas briefly on one shard
 * double nothing: the writes they would both make are conditional on
 * deterministic ids.
 *
 * Without shard_leases the process is the only scheduler: every shard is
 * its own, no lease item is written.  --once with shard_leases takes every
 * free shard for its pass and gives them up at the end.
 */

#include <stdio.h>
#include <string.h>

#include "sched.h"
#include "tm_ddb.h"
#include "tm_time.h"


#define SCHED_LEASE_PK      "SCHEDLEASE"
#define SCHED_LEASE_SHARD   "SHARD#"
#define SCHED_LEASE_REPLICA "REPLICA#"
#define SCHED_LEASE_AFTER_MS  100


static int sched_lease_read(sched_t *s, long long now, char owner[][128],
    long long *expires, long *live);
static int sched_lease_write(sched_t *s, unsigned shard, long long now,
    long long until);
static int sched_lease_drop(sched_t *s, const char *sk);
static int sched_lease_sweep(sched_t *s, const char *sk, long long now);
static json_t *sched_lease_key(const char *sk);
static long long sched_real_ms(const sched_t *s);


int
sched_lease_tick(sched_t *s)
{
    int          rc, taken;
    char         sk[160], num[24];
    unsigned     n, i, shards, start, h;
    long         live, held, fair;
    long long    now, until;
    const char  *me;

    static char       owner[SCHED_SHARDS_MAX][128];
    static long long  expires[SCHED_SHARDS_MAX];

    if (!s->conf->shard_leases) {
        return 0;
    }

    me = s->conf->replica_id;
    shards = (unsigned) s->conf->shards;
    now = sched_real_ms(s);
    until = now + s->conf->lease * 1000;
    s->lease_next_ms = now + s->conf->lease * 1000 / 3;

    snprintf(sk, sizeof(sk), SCHED_LEASE_REPLICA "%s", me);
    snprintf(num, sizeof(num), "%lld", until);

    rc = sched_ddb(s, "PutItem",
                   json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}",
                             "TableName", s->conf->table, "Item",
                             TM_PK, "S", SCHED_LEASE_PK, TM_SK, "S", sk,
                             "Owner", "S", me, "ExpiresAt", "N", num),
                   NULL);
    if (rc == SCHED_OK) {
        rc = sched_lease_read(s, now, owner, expires, &live);
    }

    if (rc != SCHED_OK) {
        /* what we hold runs out by itself; nothing new is taken */
        return -1;
    }

    fair = s->once ? (long) shards : ((long) shards + live - 1) / live;
    held = 0;

    for (n = 0; n < shards; n++) {
        if (s->lease_until[n] > now && strcmp(owner[n], me) != 0) {
            sched_log(SCHED_LOG_WARN, "lease_lost",
                      json_pack("{s:s, s:i, s:s}", "replica", me,
                                "shard", (int) n, "owner", owner[n]));
            s->lease_until[n] = 0;
        }

        if (s->lease_until[n] == 0) {
            continue;
        }

        if (held >= fair) {
            /* over our share: another replica came */
            s->lease_until[n] = 0;
            snprintf(sk, sizeof(sk), SCHED_LEASE_SHARD "%u", n);

            if (sched_lease_drop(s, sk) == SCHED_OK) {
                sched_log(SCHED_LOG_INFO, "lease_released",
                          json_pack("{s:s, s:i, s:s}", "replica", me,
                                    "shard", (int) n, "why", "share"));
            }

            continue;
        }

        rc = sched_lease_write(s, n, now, until);

        if (rc == SCHED_OK) {
            s->lease_until[n] = until;
            held++;

        } else if (rc == SCHED_CONDITION) {
            sched_log(SCHED_LOG_WARN, "lease_lost",
                      json_pack("{s:s, s:i}", "replica", me,
                                "shard", (int) n));
            s->lease_until[n] = 0;
        }

        /* else not renewed: it is ours until it runs out */
    }

    /* start where the id hashes to: replicas starting together spread */
    for (h = 2166136261u, i = 0; me[i]; i++) {
        h = (h ^ (unsigned char) me[i]) * 16777619u;
    }

    start = h % shards;
    taken = 0;

    /* a lease of another's that ends before our next round is looked at
     * just after it ends: a dead replica's shards move within a lease */
    for (n = 0; n < shards; n++) {
        if (owner[n][0] && strcmp(owner[n], me) != 0 && expires[n] >= now
            && expires[n] + SCHED_LEASE_AFTER_MS < s->lease_next_ms)
        {
            s->lease_next_ms = expires[n] + SCHED_LEASE_AFTER_MS;
        }
    }

    for (i = 0; i < shards && held < fair; i++) {
        n = (start + i) % shards;

        if (s->lease_until[n] || (owner[n][0] && expires[n] >= now)) {
            continue;
        }

        if (sched_lease_write(s, n, now, until) == SCHED_OK) {
            s->lease_until[n] = until;
            held++;
            taken++;
            s->lease_taken = 1;
            sched_log(SCHED_LOG_INFO, "lease_taken",
                      json_pack("{s:s, s:i, s:s?, s:i, s:i}", "replica", me,
                                "shard", (int) n,
                                "from", owner[n][0] ? owner[n] : NULL,
                                "live", (int) live, "share", (int) fair));
        }
    }

    return taken;
}


/* a renewal when one is due: called between items of a long pass */

int
sched_lease_keep(sched_t *s)
{
    if (s->conf->shard_leases && sched_real_ms(s) >= s->lease_next_ms) {
        return sched_lease_tick(s);
    }

    return 0;
}


int
sched_lease_mine(sched_t *s, unsigned shard)
{
    if (!s->conf->shard_leases) {
        return 1;
    }

    return shard < SCHED_SHARDS_MAX
           && s->lease_until[shard] > sched_real_ms(s);
}


/* on SIGTERM (or a reload, or the end of --once): let go at once */

void
sched_lease_release(sched_t *s)
{
    char      sk[160];
    unsigned  n;

    if (!s->conf->shard_leases) {
        return;
    }

    for (n = 0; n < SCHED_SHARDS_MAX; n++) {
        if (s->lease_until[n] == 0) {
            continue;
        }

        s->lease_until[n] = 0;
        snprintf(sk, sizeof(sk), SCHED_LEASE_SHARD "%u", n);

        if (sched_lease_drop(s, sk) == SCHED_OK) {
            sched_log(SCHED_LOG_INFO, "lease_released",
                      json_pack("{s:s, s:i, s:s}",
                                "replica", s->conf->replica_id,
                                "shard", (int) n, "why", "stop"));
        }
    }

    snprintf(sk, sizeof(sk), SCHED_LEASE_REPLICA "%s", s->conf->replica_id);
    (void) sched_lease_drop(s, sk);

    s->lease_next_ms = 0;
}


/* with leases, what each replica worked on, and until when it was its */

void
sched_lease_log_pass(sched_t *s, const char *pass, unsigned shard)
{
    char  until[32];

    if (!s->conf->shard_leases) {
        return;
    }

    tm_time_ms(s->lease_until[shard], until);

    sched_log(strcmp(pass, "due") == 0 ? SCHED_LOG_INFO : SCHED_LOG_DEBUG,
              "shard_pass",
              json_pack("{s:s, s:s, s:i, s:s}", "replica",
                        s->conf->replica_id, "pass", pass,
                        "shard", (int) shard, "lease_until", until));
}


/* {"<shard>": calls, "none": calls}: what each shard cost */

json_t *
sched_lease_calls(const sched_t *s)
{
    char      key[16];
    json_t   *o;
    unsigned  n;

    o = json_object();

    for (n = 0; n < SCHED_SHARDS_MAX; n++) {
        if (s->calls[n]) {
            snprintf(key, sizeof(key), "%u", n);
            json_object_set_new(o, key, json_integer(s->calls[n]));
        }
    }

    json_object_set_new(o, "none",
                        json_integer(s->calls[SCHED_SHARDS_MAX]));

    return o;
}


/* one page: a few hundred small items at most (shards <= 1000) */

static int
sched_lease_read(sched_t *s, long long now, char owner[][128],
    long long *expires, long *live)
{
    int          rc;
    size_t       i;
    json_t      *reply, *item;
    unsigned     n;
    long long    exp;
    const char  *sk, *who;

    memset(owner, 0, sizeof(char[128]) * SCHED_SHARDS_MAX);
    memset(expires, 0, sizeof(long long) * SCHED_SHARDS_MAX);
    *live = 0;

    rc = sched_ddb(s, "Query",
                   json_pack("{s:s, s:s, s:{s:{s:s}}, s:b}",
                             "TableName", s->conf->table,
                             "KeyConditionExpression", TM_PK " = :p",
                             "ExpressionAttributeValues",
                             ":p", "S", SCHED_LEASE_PK,
                             "ConsistentRead", 1),
                   &reply);
    if (rc != SCHED_OK) {
        return rc == SCHED_CONDITION ? SCHED_EFAIL : rc;
    }

    json_array_foreach(json_object_get(reply, "Items"), i, item) {
        sk = tm_ddb_get_s(item, TM_SK);
        who = tm_ddb_get_s(item, "Owner");

        if (sk == NULL || who == NULL
            || tm_ddb_get_n(item, "ExpiresAt", &exp) != 0)
        {
            continue;
        }

        if (strncmp(sk, SCHED_LEASE_REPLICA,
                    sizeof(SCHED_LEASE_REPLICA) - 1) == 0)
        {
            if (exp > now) {
                (*live)++;

            } else {
                /* a killed replica's: swept, so the partition stays small */
                (void) sched_lease_sweep(s, sk, now);
            }

        } else if (sscanf(sk, SCHED_LEASE_SHARD "%u", &n) == 1
                   && n < SCHED_SHARDS_MAX)
        {
            snprintf(owner[n], 128, "%s", who);
            expires[n] = exp;
        }
    }

    json_decref(reply);

    /* our heartbeat was just written: at least us */
    if (*live < 1) {
        *live = 1;
    }

    return SCHED_OK;
}


static int
sched_lease_write(sched_t *s, unsigned shard, long long now,
    long long until)
{
    char  sk[32], at[24], by[24];

    snprintf(sk, sizeof(sk), SCHED_LEASE_SHARD "%u", shard);
    snprintf(at, sizeof(at), "%lld", now);
    snprintf(by, sizeof(by), "%lld", until);

    return sched_ddb(s, "UpdateItem",
               json_pack("{s:s, s:o, s:s, s:s, s:{s:s}, s:{s:{s:s},"
                         " s:{s:s}, s:{s:s}}}",
                         "TableName", s->conf->table,
                         "Key", sched_lease_key(sk),
                         "UpdateExpression",
                         "SET #o = :me, ExpiresAt = :until",
                         "ConditionExpression",
                         "attribute_not_exists(#o) OR ExpiresAt < :now"
                         " OR #o = :me",
                         "ExpressionAttributeNames", "#o", "Owner",
                         "ExpressionAttributeValues",
                         ":me", "S", s->conf->replica_id,
                         ":until", "N", by, ":now", "N", at),
               NULL);
}


static int
sched_lease_drop(sched_t *s, const char *sk)
{
    return sched_ddb(s, "DeleteItem",
               json_pack("{s:s, s:o, s:s, s:{s:s}, s:{s:{s:s}}}",
                         "TableName", s->conf->table,
                         "Key", sched_lease_key(sk),
                         "ConditionExpression", "#o = :me",
                         "ExpressionAttributeNames", "#o", "Owner",
                         "ExpressionAttributeValues",
                         ":me", "S", s->conf->replica_id),
               NULL);
}


static int
sched_lease_sweep(sched_t *s, const char *sk, long long now)
{
    char  at[24];

    snprintf(at, sizeof(at), "%lld", now);

    return sched_ddb(s, "DeleteItem",
               json_pack("{s:s, s:o, s:s, s:{s:{s:s}}}",
                         "TableName", s->conf->table,
                         "Key", sched_lease_key(sk),
                         "ConditionExpression", "ExpiresAt < :now",
                         "ExpressionAttributeValues", ":now", "N", at),
               NULL);
}


static json_t *
sched_lease_key(const char *sk)
{
    return tm_ddb_key(SCHED_LEASE_PK, sk);
}


/* leases are between processes: real time, never --now */

static long long
sched_real_ms(const sched_t *s)
{
    return sched_now_ms(s) - s->clock_offset_ms;
}
