/*
 * Delivery of one notification item, per channel (email, SMS), recorded on
 * the item: Delivery<C> is pending, sending, sent or failed, with
 * Delivery<C>Attempts, Delivery<C>NextAt (the lease of a send in progress,
 * or when a failed one is tried again), Delivery<C>Error and
 * Delivery<C>SentAt.
 *
 * A send is claimed first (pending/failed/expired sending -> sending, on
 * condition that the state and attempt count are still those read), so
 * that of two schedulers only one sends; its result is recorded on
 * condition that the claim is still ours.  The lease (send_lease) outlasts
 * one send: a send starts only while the lease has 2 * http_timeout left
 * (the send's own bound, plus a credentials fetch for SES and SNS).
 *
 * A crash after the channel accepted and before "sent" is written leaves
 * "sending": when the lease ends the send is tried again (at least once),
 * with the same idempotency key (<id>.<channel>): the SMS outbox file
 * checks it (exactly once there), an email carries it as its Message-ID,
 * SES and SNS as a header or attribute.  So the write of the result comes
 * first, straight after the channel's answer: the window of a duplicate is
 * the relay's answer to DATA plus that one request.  The outbox marker
 * follows: OutboxAt is when the item next needs work, and the marker goes
 * when nothing is owed.
 *
 * Nothing is claimed inside the owner's quiet hours (tm_channels): the
 * marker moves to their end instead.  The writer of the item set OutboxAt
 * there already; this catches retries and hours changed since.
 *
 * Digest items (DIGEST_<id>, sched_digest.c) are delivered the same way,
 * by email only.
 *
 * An SMS goes only to a verified number and within the owner's daily cap
 * (sched_sms.c), checked after the claim: one refused is recorded failed
 * with the reason, never tried again.
 */

#include <stdio.h>
#include <string.h>

#include "sched.h"
#include "tm_channels.h"
#include "tm_ddb.h"
#include "tm_notification.h"
#include "tm_task.h"
#include "tm_time.h"
#include "tm_user.h"


typedef struct {
    const char  *name;
    const char  *state;
    const char  *attempts;
    const char  *next;
    const char  *error;
    const char  *sent_at;
} sched_channel_t;


static const sched_channel_t  sched_channels[] = {
    { "email", "DeliveryEmail", "DeliveryEmailAttempts",
      "DeliveryEmailNextAt", "DeliveryEmailError", "DeliveryEmailSentAt" },
    { "sms", "DeliverySms", "DeliverySmsAttempts",
      "DeliverySmsNextAt", "DeliverySmsError", "DeliverySmsSentAt" },
};


static int sched_deliver_channel(sched_t *s, json_t **cur,
    const sched_channel_t *c, const json_t *user);
static int sched_deliver_send(sched_t *s, const json_t *item,
    const sched_channel_t *c, const json_t *user, char *err, size_t errlen);
static int sched_deliver_record(sched_t *s, json_t **cur,
    const sched_channel_t *c, long long attempt, int rc, const char *err);
static int sched_deliver_marker(sched_t *s, const json_t *cur);
static int sched_deliver_quiet(sched_t *s, const json_t *item,
    const json_t *user);
static const char *sched_deliver_id(const json_t *item);
static const char *sched_owed(const json_t *item, const sched_channel_t *c,
    const char *now);
static int sched_update(sched_t *s, const json_t *item, const char *expr,
    const char *cond, json_t *values, json_t **cur);


int
sched_deliver(sched_t *s, const json_t *notif, const json_t *user)
{
    int          rc;
    size_t       i;
    json_t      *cur;
    const char  *pk, *sk, *id;

    pk = tm_ddb_get_s(notif, TM_PK);
    sk = tm_ddb_get_s(notif, TM_SK);
    id = sched_deliver_id(notif);

    if (pk == NULL || sk == NULL || tm_ddb_get_s(notif, "Type") == NULL
        || strncmp(pk, TM_USER_PREFIX, sizeof(TM_USER_PREFIX) - 1) != 0
        /* the id goes into headers (Message-ID) and idempotency keys:
         * only ids as tm_notification_id makes them */
        || id == NULL
        || !tm_notification_id_valid(id, strlen(id))
        || (id - sk == sizeof(TM_NOTIF_PREFIX) - 1
            && tm_ddb_get_s(notif, "TaskId") == NULL))
    {
        sched_log(SCHED_LOG_WARN, "malformed_item",
                  json_pack("{s:s, s:s?, s:s?}", "pass", "outbox",
                            "pk", pk, "sk", sk));
        return SCHED_EFAIL;
    }

    rc = sched_deliver_quiet(s, notif, user);
    if (rc != SCHED_OK) {
        return rc == SCHED_CONDITION ? SCHED_OK : rc;
    }

    cur = json_deep_copy(notif);
    if (cur == NULL) {
        return SCHED_EFAIL;
    }

    rc = SCHED_OK;

    /* both channels even when asked to stop: the item in hand is done */
    for (i = 0; i < sizeof(sched_channels) / sizeof(sched_channels[0]); i++)
    {
        rc = sched_deliver_channel(s, &cur, &sched_channels[i], user);
        if (rc != SCHED_OK) {
            break;
        }
    }

    if (rc == SCHED_OK) {
        rc = sched_deliver_marker(s, cur);
    }

    json_decref(cur);

    return rc;
}


static int
sched_deliver_channel(sched_t *s, json_t **cur, const sched_channel_t *c,
    const json_t *user)
{
    int          rc, counted;
    char         now[32], lease[32], cond[160], err[256], expr[200];
    json_t      *values;
    long long    attempts, now_ms;
    const char  *state;

    now_ms = sched_now_ms(s);
    tm_time_ms(now_ms, now);

    state = sched_owed(*cur, c, now);
    if (state == NULL) {
        return SCHED_OK;
    }

    if (strcmp(tm_ddb_get_s(*cur, "Type"), "task_due") == 0) {
        sched_metrics_found(c == &sched_channels[0] ? SCHED_MX_EMAIL
                                                    : SCHED_MX_SMS);
    }

    counted = (tm_ddb_get_n(*cur, c->attempts, &attempts) == 0);

    if (counted) {
        snprintf(cond, sizeof(cond), "%s = :prev AND %s = :a", c->state,
                 c->attempts);

    } else {
        attempts = 0;
        snprintf(cond, sizeof(cond), "%s = :prev AND attribute_not_exists(%s)",
                 c->state, c->attempts);
    }

    tm_time_ms(now_ms + s->conf->send_lease * 1000, lease);

    values = json_pack("{s:{s:s}, s:{s:s}, s:o, s:o, s:{s:s}}",
                       ":prev", "S", state, ":sending", "S", "sending",
                       ":a", tm_ddb_n(attempts), ":n", tm_ddb_n(attempts + 1),
                       ":lease", "S", lease);
    if (values && !counted) {
        json_object_del(values, ":a");
    }

    /* the claim: of two schedulers, the one whose condition holds sends */
    snprintf(expr, sizeof(expr), "SET %s = :sending, %s = :n, %s = :lease,"
             " OutboxAt = :lease", c->state, c->attempts, c->next);

    rc = sched_update(s, *cur, expr, cond, values, cur);

    if (rc == SCHED_CONDITION) {
        sched_log(SCHED_LOG_DEBUG, "claimed_elsewhere",
                  json_pack("{s:s, s:s}", "sk", tm_ddb_get_s(*cur, TM_SK),
                            "channel", c->name));
        return SCHED_OK;
    }

    if (rc != SCHED_OK) {
        return rc;
    }

    /*
     * a claim slowed by DynamoDB retries may leave less lease than a send
     * takes: another scheduler could claim it mid-send.  Left "sending",
     * it is tried again when the lease ends.
     */
    if (sched_now_ms(s) + 2 * s->conf->http_timeout * 1000
        > now_ms + s->conf->send_lease * 1000)
    {
        sched_log(SCHED_LOG_WARN, "lease_short",
                  json_pack("{s:s, s:s}", "sk", tm_ddb_get_s(*cur, TM_SK),
                            "channel", c->name));
        return SCHED_OK;
    }

    err[0] = '\0';

    /* an SMS: to a verified number, within the day's cap (sched_sms.c);
     * else failed for good, with the reason */
    rc = (c == &sched_channels[1])
         ? sched_sms_allowed(s, *cur, user, err, sizeof(err)) : SCHED_OK;

    if (rc == SCHED_CONDITION) {
        rc = SCHED_EFAIL;

    } else if (rc == SCHED_OK) {
        rc = sched_deliver_send(s, *cur, c, user, err, sizeof(err));
    }

    return sched_deliver_record(s, cur, c, attempts + 1, rc, err);
}


static int
sched_deliver_send(sched_t *s, const json_t *item, const sched_channel_t *c,
    const json_t *user, char *err, size_t errlen)
{
    int          email, ch;
    sched_msg_t  m;

    email = (c == &sched_channels[0]);
    ch = email ? s->conf->email_ch : s->conf->sms_ch;

    memset(&m, 0, sizeof(m));
    m.notif_id = sched_deliver_id(item);
    m.channel = c->name;
    m.type = tm_ddb_get_s(item, "Type");
    m.task_id = tm_ddb_get_s(item, "TaskId");
    m.title = tm_ddb_get_s(item, strcmp(m.type, "digest") == 0
                                 ? "Subject" : "TaskTitle");
    m.late = tm_ddb_get_bool(item, "ReminderLate", 0);
    m.fire_at = tm_ddb_get_s(item, "ReminderFireAt");
    m.due = tm_ddb_get_s(item, "TaskDueDate");
    m.event_at = tm_ddb_get_s(item, "NotificationTimestamp");
    m.message = tm_ddb_get_s(item, "Message");
    m.first_name = tm_ddb_get_s(user, "FirstName");
    m.zone = tm_ddb_get_s(user, "UserTimeZone");
    m.now = sched_now_ms(s) / 1000;
    m.to = tm_ddb_get_s(user, email ? "Email" : "PhoneNumber");
    snprintf(m.key, sizeof(m.key), "%s.%s", m.notif_id, c->name);

    if (m.title == NULL) {
        m.title = "";
    }

    if (m.task_id == NULL) {
        m.task_id = "";
    }

    if (m.message == NULL) {
        m.message = "";
    }

    if (user == NULL) {
        snprintf(err, errlen, "the user item is missing");
        return SCHED_EFAIL;
    }

    if (m.to == NULL || *m.to == '\0') {
        snprintf(err, errlen, "the user has no %s",
                 email ? "email address" : "phone number");
        return SCHED_EFAIL;
    }

    switch (ch) {
    case SCHED_CH_SMTP:
        return sched_smtp_send(s, &m, err, errlen);
    case SCHED_CH_SNS:
        return sched_sns_publish(s, &m, err, errlen);
    case SCHED_CH_SES:
        return sched_ses_send(s, &m, err, errlen);
    case SCHED_CH_FILE:
        return sched_smsfile_append(s, &m, err, errlen);
    default:
        snprintf(err, errlen, "no %s channel configured", c->name);
        return SCHED_EFAIL;
    }
}


/* sent, failed with a retry time, or failed for good */

static int
sched_deliver_record(sched_t *s, json_t **cur, const sched_channel_t *c,
    long long attempt, int sent, const char *err)
{
    int          rc, retry;
    char         now[32], next[32], expr[256], cond[160];
    json_t      *values;
    long long    now_ms;
    const char  *sk;

    now_ms = sched_now_ms(s);
    tm_time_ms(now_ms, now);
    retry = (sent == SCHED_EUNAVAIL && attempt < s->conf->max_attempts);
    tm_time_ms(now_ms + sched_backoff(s->conf, attempt) * 1000, next);

    if (sent == SCHED_OK) {
        snprintf(expr, sizeof(expr), "SET %s = :st, %s = :now REMOVE %s, %s",
                 c->state, c->sent_at, c->next, c->error);
        values = json_pack("{s:{s:s}, s:{s:s}}", ":st", "S", "sent",
                           ":now", "S", now);

    } else if (retry) {
        snprintf(expr, sizeof(expr), "SET %s = :st, %s = :next, %s = :err",
                 c->state, c->next, c->error);
        values = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}}", ":st", "S",
                           "failed", ":next", "S", next, ":err", "S", err);

    } else {
        snprintf(expr, sizeof(expr), "SET %s = :st, %s = :err REMOVE %s",
                 c->state, c->error, c->next);
        values = json_pack("{s:{s:s}, s:{s:s}}", ":st", "S", "failed",
                           ":err", "S", err);
    }

    snprintf(cond, sizeof(cond), "%s = :sending AND %s = :n", c->state,
             c->attempts);

    if (values) {
        json_object_set_new(values, ":sending", tm_ddb_s("sending"));
        json_object_set_new(values, ":n", tm_ddb_n(attempt));
    }

    /* nothing before this write (not even the log line): a crash between
     * the channel's acceptance and it is a duplicate */
    rc = sched_update(s, *cur, expr, cond, values, cur);

    sched_metrics_delivery(c == &sched_channels[0] ? SCHED_MX_EMAIL
                                                   : SCHED_MX_SMS,
                           tm_ddb_get_s(*cur, "Type"), sent,
                           tm_ddb_get_s(*cur, "ReminderFireAt"), now_ms);

    sk = tm_ddb_get_s(*cur, TM_SK);

    sched_log(sent == SCHED_OK ? SCHED_LOG_INFO : SCHED_LOG_WARN,
              sent == SCHED_OK ? "delivered" : "delivery_failed",
              json_pack("{s:s, s:s, s:I, s:s*, s:s*}", "sk", sk,
                        "channel", c->name, "attempt", (json_int_t) attempt,
                        "error", sent == SCHED_OK ? NULL : err,
                        "next_attempt", retry ? next : NULL));

    if (rc == SCHED_CONDITION) {
        /* our lease ran out and another scheduler took the send over */
        sched_log(SCHED_LOG_WARN, "lease_lost",
                  json_pack("{s:s, s:s}", "sk", sk, "channel", c->name));
        return SCHED_OK;
    }

    if (rc == SCHED_EUNAVAIL) {
        /* left "sending": retried when the lease ends, same key */
        sched_log(SCHED_LOG_ERROR, "delivery_unrecorded",
                  json_pack("{s:s, s:s, s:b}", "sk", sk, "channel", c->name,
                            "sent", sent == SCHED_OK));
    }

    return rc;
}


/* the marker: removed when nothing is owed, else OutboxAt = the soonest
 * work; on condition that no channel moved since we read it */

static int
sched_deliver_marker(sched_t *s, const json_t *cur)
{
    int          rc, owed;
    char         now[32], cond[512], shard[32], name[8];
    json_t      *values;
    size_t       i;
    long long    n;
    const char  *soonest, *state, *t, *at;

    tm_time_ms(sched_now_ms(s), now);

    values = json_object();
    if (values == NULL) {
        return SCHED_EFAIL;
    }

    owed = 0;
    soonest = NULL;
    cond[0] = '\0';

    for (i = 0; i < sizeof(sched_channels) / sizeof(sched_channels[0]); i++)
    {
        const sched_channel_t  *c = &sched_channels[i];

        state = tm_ddb_get_s(cur, c->state);

        if (state) {
            snprintf(name, sizeof(name), ":s%zu", i);
            snprintf(cond + strlen(cond), sizeof(cond) - strlen(cond),
                     "%s%s = %s", cond[0] ? " AND " : "", c->state, name);
            json_object_set_new(values, name, tm_ddb_s(state));

        } else {
            snprintf(cond + strlen(cond), sizeof(cond) - strlen(cond),
                     "%sattribute_not_exists(%s)", cond[0] ? " AND " : "",
                     c->state);
        }

        if (tm_ddb_get_n(cur, c->attempts, &n) == 0) {
            snprintf(name, sizeof(name), ":a%zu", i);
            snprintf(cond + strlen(cond), sizeof(cond) - strlen(cond),
                     " AND %s = %s", c->attempts, name);
            json_object_set_new(values, name, tm_ddb_n(n));

        } else {
            snprintf(cond + strlen(cond), sizeof(cond) - strlen(cond),
                     " AND attribute_not_exists(%s)", c->attempts);
        }

        if (state == NULL) {
            continue;
        }

        t = NULL;

        if (strcmp(state, "pending") == 0) {
            t = now;

        } else if (strcmp(state, "sending") == 0
                   || strcmp(state, "failed") == 0)
        {
            t = tm_ddb_get_s(cur, c->next);
        }

        if (t) {
            owed = 1;
            if (soonest == NULL || strcmp(t, soonest) < 0) {
                soonest = t;
            }
        }
    }

    at = tm_ddb_get_s(cur, "OutboxAt");

    if (!owed) {
        if (at == NULL && tm_ddb_get_s(cur, "OutboxShard") == NULL) {
            json_decref(values);
            return SCHED_OK;
        }

        rc = sched_update(s, cur, "REMOVE OutboxShard, OutboxAt", cond,
                          values, NULL);

    } else if (at && strcmp(at, soonest) == 0
               && tm_ddb_get_s(cur, "OutboxShard"))
    {
        json_decref(values);
        return SCHED_OK;

    } else {
        tm_outbox_shard(sched_deliver_id(cur), (unsigned) s->conf->shards,
                        shard, sizeof(shard));
        json_object_set_new(values, ":at", tm_ddb_s(soonest));
        json_object_set_new(values, ":sh", tm_ddb_s(shard));

        rc = sched_update(s, cur, "SET OutboxShard = :sh, OutboxAt = :at",
                          cond, values, NULL);
    }

    /* a failed condition: someone else is at it; the next drain sees */
    return rc == SCHED_CONDITION ? SCHED_OK : rc;
}


/*
 * Inside the owner's quiet hours with a channel owed now: OutboxAt moves
 * to their end (on condition that it is the one read) and
 * SCHED_CONDITION says that nothing is to be sent now.
 */

static int
sched_deliver_quiet(sched_t *s, const json_t *item, const json_t *user)
{
    int          rc;
    char         now[32], end[32];
    size_t       i;
    long long    now_s, t;
    const char  *at;

    now_s = sched_now_ms(s) / 1000;
    t = tm_channels_quiet_end(user, now_s);

    if (t <= now_s) {
        return SCHED_OK;
    }

    tm_time_ms(now_s * 1000, now);

    for (i = 0; i < sizeof(sched_channels) / sizeof(sched_channels[0]); i++)
    {
        if (sched_owed(item, &sched_channels[i], now)) {
            break;
        }
    }

    at = tm_ddb_get_s(item, "OutboxAt");

    if (i == sizeof(sched_channels) / sizeof(sched_channels[0])
        || at == NULL)
    {
        /* nothing owed now: the marker says when, as it is */
        return SCHED_OK;
    }

    tm_time_ms(t * 1000, end);

    rc = sched_update(s, item, "SET OutboxAt = :end", "OutboxAt = :at",
                      json_pack("{s:{s:s}, s:{s:s}}", ":end", "S", end,
                                ":at", "S", at),
                      NULL);

    if (rc == SCHED_OK) {
        sched_log(SCHED_LOG_INFO, "quiet_hours",
                  json_pack("{s:s, s:s}", "sk", tm_ddb_get_s(item, TM_SK),
                            "until", end));
    }

    return rc == SCHED_OK ? SCHED_CONDITION : rc;
}


/* the id in the item's sort key (NOTIF_<id> or DIGEST_<id>), or NULL */

static const char *
sched_deliver_id(const json_t *item)
{
    const char  *sk;

    sk = tm_ddb_get_s(item, TM_SK);

    if (sk == NULL) {
        return NULL;
    }

    if (strncmp(sk, TM_NOTIF_PREFIX, sizeof(TM_NOTIF_PREFIX) - 1) == 0) {
        return sk + sizeof(TM_NOTIF_PREFIX) - 1;
    }

    if (strncmp(sk, SCHED_DIGEST_PREFIX, sizeof(SCHED_DIGEST_PREFIX) - 1)
        == 0)
    {
        return sk + sizeof(SCHED_DIGEST_PREFIX) - 1;
    }

    return NULL;
}


/* the state to claim from if the channel is owed work now, else NULL */

static const char *
sched_owed(const json_t *item, const sched_channel_t *c, const char *now)
{
    const char  *state, *next;

    state = tm_ddb_get_s(item, c->state);
    if (state == NULL) {
        return NULL;
    }

    if (strcmp(state, "pending") == 0) {
        return state;
    }

    if (strcmp(state, "sending") == 0 || strcmp(state, "failed") == 0) {
        next = tm_ddb_get_s(item, c->next);
        return (next && strcmp(next, now) <= 0) ? state : NULL;
    }

    return NULL;
}


/* UpdateItem of the item's key; values is stolen; *cur (if cur) replaced
 * by the item as written */

static int
sched_update(sched_t *s, const json_t *item, const char *expr,
    const char *cond, json_t *values, json_t **cur)
{
    int      rc;
    json_t  *req, *reply, *attrs;

    req = json_pack("{s:s, s:o, s:s, s:s, s:s}",
                    "TableName", s->conf->table,
                    "Key", tm_ddb_key(tm_ddb_get_s(item, TM_PK),
                                      tm_ddb_get_s(item, TM_SK)),
                    "UpdateExpression", expr,
                    "ConditionExpression", cond,
                    "ReturnValues", cur ? "ALL_NEW" : "NONE");

    /* DynamoDB refuses an empty ExpressionAttributeValues */
    if (req && json_object_size(values)) {
        json_object_set(req, "ExpressionAttributeValues", values);
    }

    json_decref(values);

    rc = sched_ddb(s, "UpdateItem", req, &reply);

    if (rc == SCHED_OK && cur) {
        attrs = json_object_get(reply, "Attributes");

        if (json_is_object(attrs)) {
            json_decref(*cur);
            *cur = json_incref(attrs);
        }
    }

    json_decref(reply);

    return rc;
}
