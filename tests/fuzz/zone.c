/*
 * libFuzzer target: time zone names (common/tm_zone.c), as PATCH /api/me
 * and registration take them, then the local days the Today view and the
 * reminders compute in them.  A name the validator takes is one the
 * database knows; in it, a day lasts 22 to 26 hours and the instant asked
 * about is in its own day.
 */

#include <string.h>

#include "fuzz.h"
#include "tm_zone.h"


/* 2026-11-25T17:00:00Z, 2027-03-14T07:30:00Z (a night with a DST change
 * in America/New_York), 2026-10-25T00:30:00Z (one in Europe/Berlin) */
static const long long  fz_times[] = {
    1764090000LL, 1805011800LL, 1792888200LL
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char       *name;
    size_t      i;
    long long   today, tomorrow;

    /* the name as a JSON string gives it: NUL-terminated */
    name = malloc(size + 1);
    memcpy(name, data, size);
    name[size] = '\0';

    if (tm_valid_time_zone(name, size) == NULL) {
        fz_check(size > 0 && size <= TM_ZONE_MAX && name[0] != '/');

        for (i = 0; i < sizeof(fz_times) / sizeof(fz_times[0]); i++) {
            fz_check(tm_zone_day_start(name, fz_times[i], 0, &today) == 0);
            fz_check(tm_zone_day_start(name, fz_times[i], 1, &tomorrow)
                     == 0);

            /* offsets are within +-26 hours of UTC, days 23 to 25 hours */
            fz_check(today <= fz_times[i] && fz_times[i] < tomorrow);
            fz_check(tomorrow - today >= 22 * 3600
                     && tomorrow - today <= 26 * 3600);
        }

    } else if (size <= TM_ZONE_MAX) {
        /* the validator refuses more than the database does ("/Etc/UTC"),
         * but a stored name is looked up as it is (the scheduler) */
        (void) tm_zone_day_start(name, fz_times[0], 0, &today);
    }

    free(name);

    return 0;
}
