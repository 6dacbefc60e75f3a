/*
 * What may go out by SMS, and the verification codes.
 *
 * Before each SMS (sched_deliver.c, a send claimed): the owner's number
 * must be verified (PhoneVerified, tm_user_phone_verified), and the SMS
 * must be within the day's cap: SCHED_SMS_DAILY_CAP per user per day, the
 * day being the user's own in their zone (UserTimeZone, else UTC), so
 * that "until tomorrow" means their tomorrow.  The count is an item,
 * USER_<sub> / SMSDAY_<YYYY-MM-DD>, whose SmsSent set gets the
 * notification's key on condition that it is in it already or the set
 * is below the cap (so two schedulers cannot pass it together, and a
 * retry or a replay after a crash counts once); it expires with the TTL
 * two days later.  A send that then fails for good still counts: the cap
 * may be met early, never passed.  The first SMS refused on a day writes
 * one in-app
 * notification, type sms_paused, under an id derived from the day
 * (attribute_not_exists: once a day, whatever replays); what is refused
 * is recorded failed on its notification, with the reason, and its email
 * and in-app copies go out as ever.
 *
 * Verification codes (USER_<sub> / PHONECODE, written by the module's
 * POST /api/users/me/phone/verify): the code in SmsCode goes to SmsTo,
 * the number being verified (the one SMS that goes to a number not yet
 * verified, and only to the number the owner typed), keyed by CodeId so
 * that a send repeated after a crash is the same message; SmsCode and the
 * outbox marker are removed once it is sent.
 */

#include <stdio.h>
#include <string.h>

#include "sched.h"
#include "tm_ddb.h"
#include "tm_notification.h"
#include "tm_task.h"
#include "tm_time.h"
#include "tm_user.h"
#include "tm_zone.h"


#define SCHED_SMS_DAILY_CAP  20
#define SCHED_SMS_DAY_SK     "SMSDAY_"


static int sched_sms_paused(sched_t *s, const json_t *item,
    const char *pk, const char *day);
static int sched_sms_send(sched_t *s, sched_msg_t *m, char *err,
    size_t errlen);


int
sched_sms_allowed(sched_t *s, const json_t *item, const json_t *user,
    char *err, size_t errlen)
{
    int           rc;
    char          day[16], sk[32];
    long long     now;
    tm_local_t    l;
    const char   *pk, *zone, *notif;

    if (user == NULL || !tm_user_phone_verified(user)) {
        snprintf(err, errlen, "the phone number is not verified");
        return SCHED_CONDITION;
    }

    pk = tm_ddb_get_s(item, TM_PK);
    if (pk == NULL) {
        snprintf(err, errlen, "no owner");
        return SCHED_CONDITION;
    }

    now = sched_now_ms(s) / 1000;
    zone = tm_ddb_get_s(user, "UserTimeZone");

    if (zone == NULL || tm_zone_ical(zone) == NULL) {
        zone = TM_ZONE_DEFAULT;
    }

    if (tm_zone_local(zone, now, &l) != 0) {
        (void) tm_zone_local(TM_ZONE_DEFAULT, now, &l);
    }

    snprintf(day, sizeof(day), "%04d-%02d-%02d", l.year, l.month, l.day);
    snprintf(sk, sizeof(sk), SCHED_SMS_DAY_SK "%s", day);

    /* the notification's key joins the day's set: once, whatever
     * retries and replays (ADD of a member there already adds nothing) */
    notif = tm_ddb_get_s(item, TM_SK);
    if (notif == NULL) {
        snprintf(err, errlen, "no notification key");
        return SCHED_CONDITION;
    }

    rc = sched_ddb(s, "UpdateItem",
                   json_pack("{s:s, s:o, s:s, s:s, s:{s:{s:[s]}, s:{s:s},"
                             " s:o, s:o}}",
                             "TableName", s->conf->table,
                             "Key", tm_ddb_key(pk, sk),
                             "UpdateExpression",
                             "ADD SmsSent :set SET NotificationExpiry = :exp",
                             "ConditionExpression",
                             "attribute_not_exists(SmsSent)"
                             " OR contains(SmsSent, :key)"
                             " OR size(SmsSent) < :cap",
                             "ExpressionAttributeValues",
                             ":set", "SS", notif,
                             ":key", "S", notif,
                             ":cap", tm_ddb_n(SCHED_SMS_DAILY_CAP),
                             ":exp", tm_ddb_n(now + 2 * SCHED_DAY)),
                   NULL);

    if (rc != SCHED_CONDITION) {
        if (rc != SCHED_OK) {
            snprintf(err, errlen, "the day's SMS count could not be read");
        }

        return rc;
    }

    snprintf(err, errlen, "%d SMS sent today already: paused until "
             "tomorrow", SCHED_SMS_DAILY_CAP);

    rc = sched_sms_paused(s, item, pk, day);

    /* the notice could not be written: the send is tried again later,
     * and counted again (refused again) then */
    return rc == SCHED_OK || rc == SCHED_CONDITION ? SCHED_CONDITION : rc;
}


/* the day's one notice that SMS are paused */

static int
sched_sms_paused(sched_t *s, const json_t *item, const char *pk,
    const char *day)
{
    char         id[TM_NOTIF_ID_LEN + 1], sk[64], now[32], msg[200];
    const char  *task, *title;

    task = tm_ddb_get_s(item, "TaskId");
    title = tm_ddb_get_s(item, "TaskTitle");

    tm_notification_id(day, "sms_paused", day, id);
    snprintf(sk, sizeof(sk), TM_NOTIF_PREFIX "%s", id);
    tm_time_ms(sched_now_ms(s), now);
    snprintf(msg, sizeof(msg), "%d text messages sent today: more "
             "notifications today come in the app and by email only; "
             "texts start again tomorrow", SCHED_SMS_DAILY_CAP);

    sched_log(SCHED_LOG_INFO, "sms_paused",
              json_pack("{s:s, s:s}", "pk", pk, "day", day));

    return sched_ddb(s, "PutItem",
                     json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s},"
                               " s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s},"
                               " s:{s:b}, s:o}, s:s}",
                               "TableName", s->conf->table,
                               "Item",
                               TM_PK, "S", pk,
                               TM_SK, "S", sk,
                               "Type", "S", "sms_paused",
                               "TaskId", "S", task ? task : "-",
                               "TaskTitle", "S", title ? title : "",
                               "Message", "S", msg,
                               "NotificationTimestamp", "S", now,
                               "Notif_isRead", "BOOL", 0,
                               "NotificationExpiry",
                               tm_ddb_n(sched_now_ms(s) / 1000
                                        + s->conf->notification_ttl),
                               "ConditionExpression",
                               "attribute_not_exists(EntitySort)"),
                     NULL);
}


/* a PHONECODE item in the outbox: its code sent to its number */

int
sched_sms_code(sched_t *s, const json_t *item)
{
    int          rc;
    char         err[256], next[32];
    json_t      *values;
    const char  *id, *state, *expr;
    sched_msg_t  m;

    id = tm_ddb_get_s(item, "CodeId");
    state = tm_ddb_get_s(item, "DeliverySms");

    memset(&m, 0, sizeof(m));
    m.to = tm_ddb_get_s(item, "SmsTo");
    m.message = tm_ddb_get_s(item, "SmsCode");

    if (id == NULL || strlen(id) > 36 || m.to == NULL || m.message == NULL
        || state == NULL || strcmp(state, "pending") != 0)
    {
        /* nothing to send: the marker goes, unless a new code came */
        sched_log(SCHED_LOG_WARN, "malformed_item",
                  json_pack("{s:s, s:s?}", "pass", "outbox",
                            "sk", tm_ddb_get_s(item, TM_SK)));

        values = json_object();
        if (id) {
            json_object_set_new(values, ":id", tm_ddb_s(id));
        }

        rc = sched_ddb(s, "UpdateItem",
                       json_pack("{s:s, s:o, s:s, s:s, s:o*}",
                                 "TableName", s->conf->table,
                                 "Key", tm_ddb_key(tm_ddb_get_s(item, TM_PK),
                                                   tm_ddb_get_s(item, TM_SK)),
                                 "UpdateExpression",
                                 "REMOVE OutboxShard, OutboxAt, SmsCode",
                                 "ConditionExpression",
                                 id ? "CodeId = :id"
                                    : "attribute_not_exists(CodeId)",
                                 "ExpressionAttributeValues",
                                 id ? values : NULL),
                       NULL);

        if (id == NULL) {
            json_decref(values);
        }

        return rc == SCHED_OK || rc == SCHED_CONDITION ? SCHED_EFAIL : rc;
    }

    m.notif_id = id;
    m.channel = "sms";
    m.type = "phone_code";
    m.task_id = "";
    m.title = "";
    m.now = sched_now_ms(s) / 1000;
    snprintf(m.key, sizeof(m.key), "%s.sms", id);

    err[0] = '\0';
    rc = sched_sms_send(s, &m, err, sizeof(err));

    values = json_pack("{s:{s:s}}", ":id", "S", id);

    if (rc == SCHED_EUNAVAIL) {
        /* again after retry_min (a code's life is short: no backoff) */
        tm_time_ms(sched_now_ms(s) + s->conf->retry_min * 1000, next);
        json_object_set_new(values, ":next", tm_ddb_s(next));
        expr = "SET OutboxAt = :next";

    } else {
        json_object_set_new(values, ":st",
                            tm_ddb_s(rc == SCHED_OK ? "sent" : "failed"));
        expr = "SET DeliverySms = :st"
               " REMOVE SmsCode, OutboxShard, OutboxAt";
    }

    sched_log(rc == SCHED_OK ? SCHED_LOG_INFO : SCHED_LOG_WARN,
              rc == SCHED_OK ? "delivered" : "delivery_failed",
              json_pack("{s:s, s:s, s:s, s:s*}", "sk",
                        tm_ddb_get_s(item, TM_SK), "channel", "sms",
                        "type", "phone_code",
                        "error", rc == SCHED_OK ? NULL : err));

    rc = sched_ddb(s, "UpdateItem",
                   json_pack("{s:s, s:o, s:s, s:s, s:o}",
                             "TableName", s->conf->table,
                             "Key", tm_ddb_key(tm_ddb_get_s(item, TM_PK),
                                               tm_ddb_get_s(item, TM_SK)),
                             "UpdateExpression", expr,
                             "ConditionExpression", "CodeId = :id",
                             "ExpressionAttributeValues", values),
                   NULL);

    /* a new code came meanwhile: its own turn sends it */
    return rc == SCHED_CONDITION ? SCHED_OK : rc;
}


static int
sched_sms_send(sched_t *s, sched_msg_t *m, char *err, size_t errlen)
{
    switch (s->conf->sms_ch) {
    case SCHED_CH_SNS:
        return sched_sns_publish(s, m, err, errlen);
    case SCHED_CH_FILE:
        return sched_smsfile_append(s, m, err, errlen);
    default:
        snprintf(err, errlen, "no sms channel configured");
        return SCHED_EFAIL;
    }
}
