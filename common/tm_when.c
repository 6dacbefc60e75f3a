/*
 * Due times in words, in the user's zone (tm_zone.c converts).
 */

#include <stdio.h>
#include <string.h>

#include "tm_when.h"
#include "tm_zone.h"


static const char  *tm_when_weekdays[] = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday",
};

static const char  *tm_when_months[] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
};


static long tm_when_day_number(const tm_local_t *l);
static int tm_when_time(const tm_local_t *l, char *out, size_t size);
static const char *tm_when_zone(const char *zone);


size_t
tm_when_due(const tm_when_t *w, char *out, size_t size)
{
    int          n, past;
    long         days;
    char         day[48], time[16];
    const char  *verb, *zone;
    tm_local_t   due, now;

    zone = tm_when_zone(w->zone);
    tm_zone_local(zone, w->due, &due);
    tm_zone_local(zone, w->now, &now);

    days = tm_when_day_number(&due) - tm_when_day_number(&now);
    past = w->date_only ? days < 0 : w->due < w->now;
    verb = past ? "was due" : "is due";

    if (days == 0) {
        snprintf(day, sizeof(day), "today");

    } else if (days == 1) {
        snprintf(day, sizeof(day), "tomorrow");

    } else if (days == -1) {
        snprintf(day, sizeof(day), "yesterday");

    } else if (days >= -6 && days <= 6) {
        /* within the week, the weekday says it best */
        snprintf(day, sizeof(day), "on %s, %d %s",
                 tm_when_weekdays[due.weekday], due.day,
                 tm_when_months[due.month - 1]);

    } else {
        snprintf(day, sizeof(day), "on %d %s %d", due.day,
                 tm_when_months[due.month - 1], due.year);
    }

    if (w->date_only) {
        n = snprintf(out, size, "%s %s", verb, day);

    } else {
        tm_when_time(&due, time, sizeof(time));
        n = snprintf(out, size, "%s %s at %s (%s)", verb, day, time, zone);
    }

    return n < 0 ? 0 : (size_t) n;
}


size_t
tm_when_date(long long t, const char *zone, int date_only, char *out,
    size_t size)
{
    int         n;
    char        time[16];
    tm_local_t  l;

    zone = tm_when_zone(zone);
    tm_zone_local(zone, t, &l);

    if (date_only) {
        n = snprintf(out, size, "%s, %d %s %d", tm_when_weekdays[l.weekday],
                     l.day, tm_when_months[l.month - 1], l.year);

    } else {
        tm_when_time(&l, time, sizeof(time));
        n = snprintf(out, size, "%s, %d %s %d at %s (%s)",
                     tm_when_weekdays[l.weekday], l.day,
                     tm_when_months[l.month - 1], l.year, time, zone);
    }

    return n < 0 ? 0 : (size_t) n;
}


int
tm_when_date_only(long long t, const char *zone)
{
    tm_local_t  l;

    tm_zone_local(tm_when_zone(zone), t, &l);

    return l.hour == 23 && l.minute == 59;
}


/* days since 1970-01-01 of a calendar date (proleptic Gregorian): local
 * dates compare as numbers whatever DST did to the hours between */

static long
tm_when_day_number(const tm_local_t *l)
{
    long  y, m, era, yoe, doy, doe;

    y = l->year - (l->month <= 2);
    m = l->month;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + l->day - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}


/* "5:00 PM", "12:30 AM" */

static int
tm_when_time(const tm_local_t *l, char *out, size_t size)
{
    int  h;

    h = l->hour % 12;

    return snprintf(out, size, "%d:%02d %s", h == 0 ? 12 : h, l->minute,
                    l->hour < 12 ? "AM" : "PM");
}


/* the zone to convert to and to name: one not valid reads as UTC, which
 * is what its times are then in */

static const char *
tm_when_zone(const char *zone)
{
    return (zone && tm_valid_time_zone(zone, strlen(zone)) == NULL)
           ? zone : TM_ZONE_DEFAULT;
}
