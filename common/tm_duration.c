/*
 * ISO 8601 durations, strictly: one pass over the designators in order.
 */

#include "tm_duration.h"


typedef struct {
    char       unit;
    int        time;            /* after the T */
    long long  seconds;
} tm_duration_unit_t;


static const tm_duration_unit_t  tm_duration_units[] = {
    { 'W', 0, TM_DURATION_WEEK },
    { 'D', 0, 86400 },
    { 'H', 1, 3600 },
    { 'M', 1, 60 },
    { 'S', 1, 1 },
};

#define TM_DURATION_NUNITS                                                   \
    (sizeof(tm_duration_units) / sizeof(tm_duration_units[0]))


int
tm_duration_parse(const char *s, size_t len, long long max,
    long long *out)
{
    int          time, over, weeks, digits;
    size_t       i, u;
    long long    n, total;
    const char  *p, *end;

    p = s;
    end = s + len;

    if (len < 3 || *p++ != 'P') {
        return TM_DURATION_INVALID;
    }

    total = 0;
    over = 0;
    time = 0;
    weeks = 0;
    u = 0;
    n = 0;

    while (p < end) {
        if (*p == 'T') {
            /* one T, with at least one time unit after it */
            if (time || p + 1 == end) {
                return TM_DURATION_INVALID;
            }

            time = 1;
            p++;
            continue;
        }

        digits = 0;
        n = 0;

        while (p < end && *p >= '0' && *p <= '9') {
            /* past max is too long, whatever the rest says: stop adding
             * before long long overflows */
            if (n > (max - (*p - '0')) / 10) {
                over = 1;

            } else {
                n = n * 10 + (*p - '0');
            }

            digits++;
            p++;
        }

        if (digits == 0 || p == end) {
            return TM_DURATION_INVALID;
        }

        /* the unit: after the previous one, on its side of the T */
        for (i = u; i < TM_DURATION_NUNITS; i++) {
            if (tm_duration_units[i].unit == *p
                && tm_duration_units[i].time == time)
            {
                break;
            }
        }

        if (i == TM_DURATION_NUNITS) {
            return TM_DURATION_INVALID;
        }

        if (tm_duration_units[i].unit == 'W') {
            weeks = 1;

        } else if (weeks) {
            return TM_DURATION_INVALID;
        }

        if (!over) {
            if (n > (max - total) / tm_duration_units[i].seconds) {
                over = 1;

            } else {
                total += n * tm_duration_units[i].seconds;
            }
        }

        u = i + 1;
        p++;
    }

    /* "P" and "PT" alone were refused above; "P1DT" too */
    if (u == 0) {
        return TM_DURATION_INVALID;
    }

    if (over) {
        return TM_DURATION_TOO_LONG;
    }

    *out = total;

    return 0;
}
