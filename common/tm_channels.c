/*
 * Channels and quiet hours (tm_channels.h).
 */

#include <string.h>

#include "tm_channels.h"
#include "tm_ddb.h"
#include "tm_user.h"
#include "tm_zone.h"


static const char *tm_channels_zone(const json_t *user);


void
tm_channels(const json_t *user, const char *type, long long now,
    tm_channels_t *out)
{
    int            email, sms;
    const json_t  *prefs;

    out->email = 0;
    out->sms = 0;
    out->start = now;

    if (user == NULL || type == NULL) {
        return;
    }

    prefs = tm_ddb_get_m(user, "NotificationPreferences");
    email = tm_ddb_get_bool(prefs, "email", 0);
    /* never to a number that is not verified */
    sms = tm_ddb_get_bool(prefs, "sms", 0) && tm_user_phone_verified(user);

    if (strcmp(type, "task_due") == 0) {
        out->email = email;
        out->sms = sms;

    } else if (strcmp(type, "task_completed") == 0) {
        out->email = email && tm_ddb_get_bool(prefs, "completedEmail", 0);
        out->sms = sms && tm_ddb_get_bool(prefs, "completedSms", 0);

    } else if (strcmp(type, "digest") == 0) {
        out->email = email
                     && tm_ddb_get_bool(tm_ddb_get_m(user, "Digest"),
                                        "Enabled", 0);
    }

    if (out->email || out->sms) {
        out->start = tm_channels_quiet_end(user, now);
    }
}


long long
tm_channels_quiet_end(const json_t *user, long long now)
{
    int            from, to, m;
    long long      end;
    tm_local_t     l;
    const char    *zone;
    const json_t  *q;

    q = tm_ddb_get_m(user, "QuietHours");
    from = tm_channels_hhmm(tm_ddb_get_s(q, "Start"));
    to = tm_channels_hhmm(tm_ddb_get_s(q, "End"));

    if (from < 0 || to < 0 || from == to) {
        return now;
    }

    zone = tm_channels_zone(user);
    (void) tm_zone_local(zone, now, &l);
    m = l.hour * 60 + l.minute;

    if (from < to ? (m < from || m >= to) : (m < from && m >= to)) {
        return now;
    }

    /* inside: the end is today's, unless they wrap midnight and it is
     * still the evening */
    end = tm_channels_local(zone, now, (from > to && m >= from) ? 1 : 0, to);

    /* a DST change within the hours cannot make the end come first */
    return end > now ? end : now;
}


int
tm_channels_hhmm(const char *s)
{
    if (s == NULL || strlen(s) != 5 || s[2] != ':'
        || s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9'
        || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
    {
        return -1;
    }

    if ((s[0] - '0') * 10 + (s[1] - '0') > 23) {
        return -1;
    }

    return ((s[0] - '0') * 10 + (s[1] - '0')) * 60
           + (s[3] - '0') * 10 + (s[4] - '0');
}


long long
tm_channels_local(const char *zone, long long t, int days, int minute)
{
    long long   day, out;
    tm_local_t  l;

    if (zone == NULL || tm_zone_day_start(zone, t, days, &day) != 0) {
        zone = TM_ZONE_DEFAULT;
        (void) tm_zone_day_start(zone, t, days, &day);
    }

    /* the date of that day; its midnight may itself be skipped by DST,
     * so ask for noon's */
    (void) tm_zone_local(zone, day + 12 * 3600, &l);

    l.hour = minute / 60;
    l.minute = minute % 60;
    l.second = 0;

    if (tm_zone_utc(zone, &l, &out) != 0) {
        return day + minute * 60LL;
    }

    return out;
}


/* the user's zone, if the database knows it: else UTC */

static const char *
tm_channels_zone(const json_t *user)
{
    const char  *zone;

    zone = tm_ddb_get_s(user, "UserTimeZone");

    if (zone == NULL || tm_zone_ical(zone) == NULL) {
        return TM_ZONE_DEFAULT;
    }

    return zone;
}
