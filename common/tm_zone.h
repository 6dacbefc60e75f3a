/*
 * Users' time zones: IANA names ("Europe/Berlin") checked against the zone
 * database, and local days in them.  libical does the zone rules (with
 * Debian's tzdata): a zone's data is read from /usr/share/zoneinfo the
 * first time a process uses it, then kept.  nginx-free.
 */

#ifndef TM_ZONE_H
#define TM_ZONE_H

#include <stddef.h>


#define TM_ZONE_DEFAULT  "UTC"
#define TM_ZONE_MAX      64


/* a wall-clock time in a zone */
typedef struct {
    int  year;
    int  month;                 /* 1-12 */
    int  day;                   /* 1-31 */
    int  hour;
    int  minute;
    int  second;
    int  weekday;               /* 0 Sunday - 6 Saturday */
} tm_local_t;

/* libical's types, for the common/ files that use libical too */
struct _icaltimezone;
struct icaltimetype;


/* an IANA zone name the database knows (field validator) */
const char *tm_valid_time_zone(const char *s, size_t len);

/*
 * The UTC time (epoch seconds) at which the local day begins that is days
 * after the local day of utc in zone (days 0: today's midnight, 1:
 * tomorrow's).  0 and *out set, or -1 for an unknown zone.
 */
int tm_zone_day_start(const char *zone, long long utc, int days,
    long long *out);

/*
 * The wall-clock time of utc in zone: 0, or -1 for an unknown zone (then
 * *out is the time in UTC, so that a caller can still say something).
 */
int tm_zone_local(const char *zone, long long utc, tm_local_t *out);

/* the libical zone of an IANA name (TM_ZONE_DEFAULT: UTC), or NULL */
struct _icaltimezone *tm_zone_ical(const char *zone);

/*
 * The UTC time of a wall-clock time in zone (NULL: UTC), as RFC 5545 reads
 * one that DST repeats or skips (tm_zone_utc_ical in tm_zone.c).  The
 * weekday of local is not read.  0, or -1 for an unknown zone.
 */
int tm_zone_utc(const char *zone, const tm_local_t *local, long long *out);
long long tm_zone_utc_ical(struct icaltimetype t, struct _icaltimezone *z);

#endif /* TM_ZONE_H */
