/*
 * Time zones with libical.
 */

#include <string.h>
#include <libical/ical.h>

#include "tm_zone.h"


icaltimezone *
tm_zone_ical(const char *name)
{
    if (strcmp(name, TM_ZONE_DEFAULT) == 0) {
        return icaltimezone_get_utc_timezone();
    }

    return icaltimezone_get_builtin_timezone(name);
}


const char *
tm_valid_time_zone(const char *s, size_t len)
{
    size_t  i;

    /* names as the database spells them: "America/Argentina/Buenos_Aires",
     * "Etc/GMT+5"; nothing that could be a path elsewhere */
    if (len == 0 || len > TM_ZONE_MAX || strlen(s) != len || s[0] == '/') {
        return "must be an IANA time zone like Europe/Berlin";
    }

    for (i = 0; i < len; i++) {
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')
              || (s[i] >= '0' && s[i] <= '9') || s[i] == '/' || s[i] == '_'
              || s[i] == '-' || s[i] == '+'))
        {
            return "must be an IANA time zone like Europe/Berlin";
        }
    }

    return tm_zone_ical(s) ? NULL
                           : "must be an IANA time zone like Europe/Berlin";
}


int
tm_zone_day_start(const char *zone, long long utc, int days,
    long long *out)
{
    icaltimezone         *z;
    struct icaltimetype   t;

    z = tm_zone_ical(zone);
    if (z == NULL) {
        return -1;
    }

    t = icaltime_from_timet_with_zone((time_t) utc, 0, z);
    t.hour = 0;
    t.minute = 0;
    t.second = 0;
    icaltime_adjust(&t, days, 0, 0, 0);

    *out = (long long) icaltime_as_timet_with_zone(t, z);

    return 0;
}


int
tm_zone_local(const char *zone, long long utc, tm_local_t *out)
{
    icaltimezone         *z;
    struct icaltimetype   t;

    z = zone ? tm_zone_ical(zone) : NULL;

    t = icaltime_from_timet_with_zone((time_t) utc, 0,
                                      z ? z : icaltimezone_get_utc_timezone());

    out->year = t.year;
    out->month = t.month;
    out->day = t.day;
    out->hour = t.hour;
    out->minute = t.minute;
    out->second = t.second;
    out->weekday = icaltime_day_of_week(t) - 1;

    return z ? 0 : -1;
}


/*
 * A wall-clock time in z as RFC 5545 reads it (3.3.5): one that occurs
 * twice (the hour DST repeats) is the first; one that DST skips is read
 * with the offset before the gap, so 02:30 on the spring-forward night in
 * New York is 03:30 EDT (libical alone would say 01:30 EST).
 */

long long
tm_zone_utc_ical(struct icaltimetype t, icaltimezone *z)
{
    long long             u, wall, before, shift;
    struct icaltimetype   back;

    u = (long long) icaltime_as_timet_with_zone(t, z);
    back = icaltime_from_timet_with_zone((time_t) u, 0, z);

    if (back.hour == t.hour && back.minute == t.minute
        && back.second == t.second && back.day == t.day)
    {
        /* libical takes the later of a repeated time: is there an
         * earlier one, an hour (or Lord Howe's half hour) before? */
        for (shift = 3600; shift >= 1800; shift -= 1800) {
            back = icaltime_from_timet_with_zone((time_t) (u - shift), 0,
                                                 z);
            if (back.hour == t.hour && back.minute == t.minute
                && back.second == t.second && back.day == t.day)
            {
                return u - shift;
            }
        }

        return u;
    }

    /* the offset a day earlier is the one before the gap: no zone
     * changes its offset twice in a day */
    wall = (long long) icaltime_as_timet(t);
    back = icaltime_from_timet_with_zone((time_t) (u - 86400), 0, z);
    before = (long long) icaltime_as_timet(back) - (u - 86400);

    return wall - before;
}


int
tm_zone_utc(const char *zone, const tm_local_t *local, long long *out)
{
    icaltimezone         *z;
    struct icaltimetype   t;

    z = tm_zone_ical(zone ? zone : TM_ZONE_DEFAULT);
    if (z == NULL) {
        return -1;
    }

    t = icaltime_null_time();
    t.year = local->year;
    t.month = local->month;
    t.day = local->day;
    t.hour = local->hour;
    t.minute = local->minute;
    t.second = local->second;
    t.is_date = 0;

    *out = tm_zone_utc_ical(t, z);

    return 0;
}
