/*
 * RRULE values: our own parser checks the subset (libical accepts much
 * more, and says little about what is wrong); libical expands them.
 */

#include <string.h>
#include <libical/ical.h>

#include "tm_rrule.h"
#include "tm_validate.h"
#include "tm_zone.h"


#define TM_RRULE_FORM                                                        \
    "must be an RFC 5545 RRULE value like FREQ=WEEKLY;BYDAY=MO"
#define TM_RRULE_TIME                                                        \
    "BYHOUR, BYMINUTE and BYSECOND are not supported: the time of day is "  \
    "the due date's"

#define TM_RRULE_DAY   86400LL


enum {
    TM_RRULE_DAILY = 1,
    TM_RRULE_WEEKLY,
    TM_RRULE_MONTHLY,
    TM_RRULE_YEARLY
};


typedef struct {
    int        freq;
    int        count;           /* 0: none */
    int        until;           /* 0: none, 1: until_utc, 2: until_day */
    long long  until_utc;
    long       until_day;       /* yyyymmdd, through that local day */
    int        ordinal;         /* the largest BYDAY ordinal (absolute) */
    unsigned   months;          /* bit m: BYMONTH m; 0: every month */
    int        monthday;        /* the smallest BYMONTHDAY (absolute) */
    unsigned   seen;            /* bit i: tm_rrule_parts[i] given */
} tm_rrule_t;


typedef const char *(*tm_rrule_parse_pt)(tm_rrule_t *r, const char *v,
    size_t len);

typedef struct {
    const char         *name;
    tm_rrule_parse_pt   parse;      /* NULL: not supported */
    int                 list;       /* parse() takes each item of a list */
    const char         *reason;     /* why not supported */
} tm_rrule_part_t;


static const char *tm_rrule_parse(const char *s, size_t len, tm_rrule_t *r);
static const char *tm_rrule_check(const tm_rrule_t *r);
static const char *tm_rrule_libical(const char *s, size_t len);
static int tm_rrule_number(const char *v, size_t len, int sign, int *n);
static const char *tm_rrule_freq(tm_rrule_t *r, const char *v, size_t len);
static const char *tm_rrule_interval(tm_rrule_t *r, const char *v,
    size_t len);
static const char *tm_rrule_count(tm_rrule_t *r, const char *v, size_t len);
static const char *tm_rrule_until(tm_rrule_t *r, const char *v, size_t len);
static const char *tm_rrule_list(tm_rrule_t *r, const char *v, size_t len,
    tm_rrule_parse_pt item);
static const char *tm_rrule_day(tm_rrule_t *r, const char *v, size_t len);
static const char *tm_rrule_monthday(tm_rrule_t *r, const char *v,
    size_t len);
static const char *tm_rrule_month(tm_rrule_t *r, const char *v,
    size_t len);
static int tm_rrule_expand(const char *rule, const tm_rrule_t *r,
    struct icaltimetype start, long long t0, int seq, icaltimezone *z,
    long long after, long long *out, int n);
static icaltimezone *tm_rrule_zone(const char *zone);


static const tm_rrule_part_t  tm_rrule_parts[] = {
    { "FREQ", tm_rrule_freq, 0, NULL },
    { "INTERVAL", tm_rrule_interval, 0, NULL },
    { "COUNT", tm_rrule_count, 0, NULL },
    { "UNTIL", tm_rrule_until, 0, NULL },
    { "BYDAY", tm_rrule_day, 1, NULL },
    { "BYMONTHDAY", tm_rrule_monthday, 1, NULL },
    { "BYMONTH", tm_rrule_month, 1, NULL },
    { "BYHOUR", NULL, 0, TM_RRULE_TIME },
    { "BYMINUTE", NULL, 0, TM_RRULE_TIME },
    { "BYSECOND", NULL, 0, TM_RRULE_TIME },
    { "BYSETPOS", NULL, 0, "BYSETPOS is not supported" },
    { "BYWEEKNO", NULL, 0, "BYWEEKNO is not supported" },
    { "BYYEARDAY", NULL, 0, "BYYEARDAY is not supported" },
    { "WKST", NULL, 0, "WKST is not supported: weeks start on Monday" },
};

#define TM_RRULE_NPARTS  (sizeof(tm_rrule_parts) / sizeof(tm_rrule_parts[0]))


static const char  *tm_rrule_weekdays[] = {
    "MO", "TU", "WE", "TH", "FR", "SA", "SU",
};


const char *
tm_valid_rrule(const char *s, size_t len)
{
    tm_rrule_t  r;

    return tm_rrule_parse(s, len, &r);
}


int
tm_rrule_next(const char *rule, long long first, const char *zone,
    long long after, long long *out, int n)
{
    tm_rrule_t     r;
    icaltimezone  *z;

    z = tm_rrule_zone(zone);

    if (z == NULL || tm_rrule_parse(rule, strlen(rule), &r) != NULL) {
        return -1;
    }

    return tm_rrule_expand(rule, &r,
                           icaltime_from_timet_with_zone((time_t) first, 0,
                                                         z),
                           first, 1, z, after, out, n);
}


int
tm_rrule_after_completion(const char *rule, long long first,
    const char *zone, long long done, int seq, long long *out)
{
    tm_rrule_t            r;
    icaltimezone         *z;
    long long             t0;
    struct icaltimetype   start, at;

    z = tm_rrule_zone(zone);

    if (z == NULL || tm_rrule_parse(rule, strlen(rule), &r) != NULL) {
        return -1;
    }

    /* done's local day at the series' local time of day: the wall-clock
     * time is kept as it is, even one DST skips, as for every occurrence */
    at = icaltime_from_timet_with_zone((time_t) first, 0, z);
    start = icaltime_from_timet_with_zone((time_t) done, 0, z);
    start.hour = at.hour;
    start.minute = at.minute;
    start.second = at.second;

    t0 = tm_zone_utc_ical(start, z);

    return tm_rrule_expand(rule, &r, start, t0, seq, z, t0, out, 1);
}


/*
 * The series from start (t0 in UTC, occurrence number seq) on: start
 * itself, then what libical finds.  COUNT and UNTIL are ours (libical
 * does not count a start that does not match the rule, and reads a date
 * UNTIL in UTC); libical's own UNTIL is the horizon, which bounds its
 * search too.
 */

static int
tm_rrule_expand(const char *rule, const tm_rrule_t *r,
    struct icaltimetype start, long long t0, int seq, icaltimezone *z,
    long long after, long long *out, int n)
{
    int                         found, steps;
    long                        day;
    char                        buf[TM_RRULE_MAX + 1];
    long long                   t, horizon;
    icalrecur_iterator         *it;
    struct icaltimetype         next;
    struct icalrecurrencetype   rec;

    if (n <= 0 || (r->count && seq > r->count)) {
        return 0;
    }

    horizon = (after > t0 ? after : t0) + TM_RRULE_YEARS * 366 * TM_RRULE_DAY;

    if (horizon > TM_RFC3339_MAX) {
        horizon = TM_RFC3339_MAX;
    }

    found = 0;
    day = start.year * 10000L + start.month * 100 + start.day;

    if (t0 > after
        && (r->until != 1 || t0 <= r->until_utc)
        && (r->until != 2 || day <= r->until_day))
    {
        out[found++] = t0;
    }

    memcpy(buf, rule, strlen(rule) + 1);
    rec = icalrecurrencetype_from_string(buf);
    rec.count = 0;
    rec.until = icaltime_from_timet_with_zone((time_t) horizon, 0,
                                              icaltimezone_get_utc_timezone());

    it = icalrecur_iterator_new(rec, start);
    if (it == NULL) {
        /* a combination libical finds no day for from this start */
        return found;
    }

    for (steps = 0; found < n && steps < TM_RRULE_STEPS; steps++) {
        next = icalrecur_iterator_next(it);

        if (icaltime_is_null_time(next)) {
            break;
        }

        t = tm_zone_utc_ical(next, z);

        /* libical gives the start again when it matches the rule */
        if (t <= t0) {
            continue;
        }

        day = next.year * 10000L + next.month * 100 + next.day;

        if ((++seq > r->count && r->count)
            || (r->until == 1 && t > r->until_utc)
            || (r->until == 2 && day > r->until_day)
            || t > horizon)
        {
            break;
        }

        if (t > after) {
            out[found++] = t;
        }
    }

    icalrecur_iterator_free(it);

    return found;
}


static icaltimezone *
tm_rrule_zone(const char *zone)
{
    if (zone == NULL) {
        return icaltimezone_get_utc_timezone();
    }

    return tm_valid_time_zone(zone, strlen(zone)) == NULL
           ? tm_zone_ical(zone) : NULL;
}


/* NAME=VALUE;NAME=VALUE..., each name once, then the whole checked */

static const char *
tm_rrule_parse(const char *s, size_t len, tm_rrule_t *r)
{
    size_t                  i, n;
    const char             *p, *end, *eq, *semi, *reason;
    const tm_rrule_part_t  *part;

    if (len == 0) {
        return "must not be empty";
    }

    if (len > TM_RRULE_MAX) {
        return "must be at most 256 characters";
    }

    for (i = 0; i < len; i++) {
        if (s[i] >= 'a' && s[i] <= 'z') {
            return "must be in upper case, as RFC 5545 writes it "
                   "(FREQ=WEEKLY;BYDAY=MO)";
        }

        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')
              || s[i] == '=' || s[i] == ';' || s[i] == ',' || s[i] == '+'
              || s[i] == '-'))
        {
            return TM_RRULE_FORM " (the value alone, without RRULE:)";
        }
    }

    memset(r, 0, sizeof(*r));
    p = s;
    end = s + len;

    while (p < end) {
        semi = memchr(p, ';', (size_t) (end - p));
        if (semi == NULL) {
            semi = end;
        }

        eq = memchr(p, '=', (size_t) (semi - p));
        if (eq == NULL || eq == p || eq + 1 == semi) {
            return TM_RRULE_FORM;
        }

        n = (size_t) (eq - p);
        part = NULL;

        for (i = 0; i < TM_RRULE_NPARTS; i++) {
            if (strlen(tm_rrule_parts[i].name) == n
                && memcmp(tm_rrule_parts[i].name, p, n) == 0)
            {
                part = &tm_rrule_parts[i];
                break;
            }
        }

        if (part == NULL) {
            return "may have only FREQ, INTERVAL, COUNT, UNTIL, BYDAY, "
                   "BYMONTHDAY and BYMONTH";
        }

        if (part->parse == NULL) {
            return part->reason;
        }

        if (r->seen & (1u << i)) {
            return "must give each part once";
        }

        r->seen |= 1u << i;

        reason = part->list
                 ? tm_rrule_list(r, eq + 1, (size_t) (semi - eq - 1),
                                 part->parse)
                 : part->parse(r, eq + 1, (size_t) (semi - eq - 1));
        if (reason) {
            return reason;
        }

        /* a ';' at the end leaves an empty part */
        if (semi + 1 == end) {
            return TM_RRULE_FORM;
        }

        p = semi + 1;
    }

    reason = tm_rrule_check(r);

    return reason ? reason : tm_rrule_libical(s, len);
}


/* what the parts say together */

static const char *
tm_rrule_check(const tm_rrule_t *r)
{
    int  m, days;

    if (r->freq == 0) {
        return "must have a FREQ";
    }

    if (r->count && r->until) {
        return "cannot have both COUNT and UNTIL";
    }

    if (r->ordinal
        && r->freq != TM_RRULE_MONTHLY && r->freq != TM_RRULE_YEARLY)
    {
        return "may number BYDAY's days (2TU, -1FR) only with FREQ=MONTHLY "
               "or FREQ=YEARLY";
    }

    if (r->ordinal > 5 && r->freq == TM_RRULE_MONTHLY) {
        return "must number BYDAY's days from 1 to 5 (or -1 to -5) with "
               "FREQ=MONTHLY";
    }

    if (r->ordinal > 5 && r->months) {
        return "must number BYDAY's days from 1 to 5 (or -1 to -5) with "
               "BYMONTH: they count within the month";
    }

    /* the 5th Monday on the 1st never is; libical searches centuries for
     * such a day before it gives up */
    if (r->ordinal && r->monthday) {
        return "cannot have numbered BYDAY days (2TU) with BYMONTHDAY";
    }

    if (r->monthday && r->freq == TM_RRULE_WEEKLY) {
        return "cannot have BYMONTHDAY with FREQ=WEEKLY";
    }

    /* BYMONTH=2;BYMONTHDAY=30 would never happen: say so now rather than
     * search for it (February has 29 days in a leap year) */
    if (r->monthday && r->months) {
        days = 0;

        for (m = 1; m <= 12; m++) {
            if ((r->months & (1u << m))
                && icaltime_days_in_month(m, 2000) > days)
            {
                days = icaltime_days_in_month(m, 2000);
            }
        }

        if (r->monthday > days) {
            return "never happens: those months have no such BYMONTHDAY";
        }
    }

    return NULL;
}


/* libical reads it too (its iterator is not tried here: from a start
 * where a rule never matches it searches for up to a second) */

static const char *
tm_rrule_libical(const char *s, size_t len)
{
    char                        buf[TM_RRULE_MAX + 1];
    struct icalrecurrencetype   rec;

    memcpy(buf, s, len);
    buf[len] = '\0';

    rec = icalrecurrencetype_from_string(buf);

    return rec.freq == ICAL_NO_RECURRENCE ? TM_RRULE_FORM : NULL;
}


/* 1-9 digits, with a sign if sign: 0 and *n, or -1 */

static int
tm_rrule_number(const char *v, size_t len, int sign, int *n)
{
    int     neg;
    size_t  i;

    neg = 0;

    if (sign && len && (v[0] == '+' || v[0] == '-')) {
        neg = (v[0] == '-');
        v++;
        len--;
    }

    if (len == 0 || len > 9) {
        return -1;
    }

    *n = 0;

    for (i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9') {
            return -1;
        }

        *n = *n * 10 + (v[i] - '0');
    }

    if (neg) {
        *n = -*n;
    }

    return 0;
}


static const char *
tm_rrule_freq(tm_rrule_t *r, const char *v, size_t len)
{
    size_t  i;

    static const char  *freqs[] = {
        "DAILY", "WEEKLY", "MONTHLY", "YEARLY",
        "HOURLY", "MINUTELY", "SECONDLY",
    };

    for (i = 0; i < sizeof(freqs) / sizeof(freqs[0]); i++) {
        if (strlen(freqs[i]) == len && memcmp(freqs[i], v, len) == 0) {
            break;
        }
    }

    if (i >= 4) {
        return i < sizeof(freqs) / sizeof(freqs[0])
               ? "FREQ=HOURLY, MINUTELY and SECONDLY are not supported: "
                 "a task repeats daily at most"
               : "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY";
    }

    r->freq = TM_RRULE_DAILY + (int) i;

    return NULL;
}


static const char *
tm_rrule_interval(tm_rrule_t *r, const char *v, size_t len)
{
    int  n;

    if (tm_rrule_number(v, len, 0, &n) != 0
        || n < 1 || n > TM_RRULE_INTERVAL_MAX)
    {
        return "INTERVAL must be a number from 1 to 999";
    }

    return NULL;
}


static const char *
tm_rrule_count(tm_rrule_t *r, const char *v, size_t len)
{
    if (tm_rrule_number(v, len, 0, &r->count) != 0
        || r->count < 1 || r->count > TM_RRULE_COUNT_MAX)
    {
        return "COUNT must be a number from 1 to 1000";
    }

    return NULL;
}


/* 20271231T235959Z, or 20271231 */

static const char *
tm_rrule_until(tm_rrule_t *r, const char *v, size_t len)
{
    int   year, month, day, time;
    char  t[24];

    if (!(len == 8
          || (len == 16 && v[8] == 'T' && v[15] == 'Z'
              && tm_rrule_number(v + 9, 6, 0, &time) == 0))
        || tm_rrule_number(v, 4, 0, &year) != 0
        || tm_rrule_number(v + 4, 2, 0, &month) != 0
        || tm_rrule_number(v + 6, 2, 0, &day) != 0)
    {
        goto bad;
    }

    memcpy(t, "0000-00-00T00:00:00Z", 21);
    memcpy(t, v, 4);
    memcpy(t + 5, v + 4, 2);
    memcpy(t + 8, v + 6, 2);

    if (len == 16) {
        memcpy(t + 11, v + 9, 2);
        memcpy(t + 14, v + 11, 2);
        memcpy(t + 17, v + 13, 2);
    }

    /* a real date (and time) within the years a due date may have */
    if (tm_parse_rfc3339(t, 20, &r->until_utc) != 0) {
        goto bad;
    }

    r->until = (len == 16) ? 1 : 2;
    r->until_day = year * 10000L + month * 100 + day;

    return NULL;

bad:

    return "UNTIL must be a UTC date-time like 20271231T235959Z or a date "
           "like 20271231";
}


/* a comma-separated list, each item to item() */

static const char *
tm_rrule_list(tm_rrule_t *r, const char *v, size_t len,
    tm_rrule_parse_pt item)
{
    const char  *end, *comma, *reason;

    end = v + len;

    for ( ;; ) {
        comma = memchr(v, ',', (size_t) (end - v));
        if (comma == NULL) {
            comma = end;
        }

        reason = item(r, v, (size_t) (comma - v));
        if (reason || comma == end) {
            return reason;
        }

        v = comma + 1;
    }
}


/* MO, or numbered: 2TU, -1FR */

static const char *
tm_rrule_day(tm_rrule_t *r, const char *v, size_t len)
{
    int     n;
    size_t  i;

    for (i = 0; len >= 2 && i < 7; i++) {
        if (memcmp(v + len - 2, tm_rrule_weekdays[i], 2) == 0) {
            break;
        }
    }

    if (len < 2 || i == 7
        || (len > 2 && (tm_rrule_number(v, len - 2, 1, &n) != 0
                        || n == 0 || n > 53 || n < -53)))
    {
        return "BYDAY must list days like MO,WE or, numbered, 2TU,-1FR";
    }

    if (len > 2 && (n < 0 ? -n : n) > r->ordinal) {
        r->ordinal = n < 0 ? -n : n;
    }

    return NULL;
}


static const char *
tm_rrule_monthday(tm_rrule_t *r, const char *v, size_t len)
{
    int  n;

    if (tm_rrule_number(v, len, 1, &n) != 0 || n == 0 || n > 31 || n < -31)
    {
        return "BYMONTHDAY must list days of the month from 1 to 31 "
               "(or -1 to -31)";
    }

    if (r->monthday == 0 || (n < 0 ? -n : n) < r->monthday) {
        r->monthday = n < 0 ? -n : n;
    }

    return NULL;
}


static const char *
tm_rrule_month(tm_rrule_t *r, const char *v, size_t len)
{
    int  n;

    if (tm_rrule_number(v, len, 0, &n) != 0 || n < 1 || n > 12) {
        return "BYMONTH must list months from 1 to 12";
    }

    r->months |= 1u << n;

    return NULL;
}
