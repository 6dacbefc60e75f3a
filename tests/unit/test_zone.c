/*
 * Time zones (common/tm_zone.c): names, and local days across DST.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tm_validate.h"
#include "tm_zone.h"


#define TM_TEST_N(a)    (sizeof(a) / sizeof((a)[0]))


static void
tm_test_names(void **state)
{
    size_t  i;

    static const char  *good[] = {
        "UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata",
        "America/Argentina/Buenos_Aires", "Pacific/Kiritimati", "Etc/UTC",
    };
    static const char  *bad[] = {
        "", "utc", "europe/berlin", "Europe/Berlin ", "Europe/Nowhere",
        "/etc/passwd", "../etc/passwd", "Europe/../../etc/passwd",
        "Europe\\Berlin", "Mars/Olympus_Mons",
        "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/B",
    };

    for (i = 0; i < TM_TEST_N(good); i++) {
        if (tm_valid_time_zone(good[i], strlen(good[i])) != NULL) {
            fail_msg("\"%s\" refused", good[i]);
        }
    }

    for (i = 0; i < TM_TEST_N(bad); i++) {
        if (tm_valid_time_zone(bad[i], strlen(bad[i])) == NULL) {
            fail_msg("\"%s\" accepted", bad[i]);
        }
    }
}


static void
tm_test_days(void **state)
{
    size_t     i;
    long long  t, got;
    char       want[24], have[24];

    static const struct {
        const char  *zone;
        const char  *at;
        int          days;
        const char  *start;
    } cases[] = {
        { "UTC", "2026-12-01T13:46:00Z", 0, "2026-12-01T00:00:00Z" },
        { "UTC", "2026-12-01T13:46:00Z", 1, "2026-12-02T00:00:00Z" },
        { "Europe/Berlin", "2026-12-01T23:30:00Z", 0,
          "2026-12-01T23:00:00Z" },
        { "Europe/Berlin", "2026-12-01T22:30:00Z", 1,
          "2026-12-01T23:00:00Z" },
        /* DST begins: 24 h and then 23 h between midnights */
        { "America/New_York", "2027-03-14T12:00:00Z", 0,
          "2027-03-14T05:00:00Z" },
        { "America/New_York", "2027-03-14T12:00:00Z", 1,
          "2027-03-15T04:00:00Z" },
        { "America/New_York", "2027-11-07T12:00:00Z", 1,
          "2027-11-08T05:00:00Z" },
        { "Europe/Berlin", "2027-03-28T12:00:00Z", 0,
          "2027-03-27T23:00:00Z" },
        { "Europe/Berlin", "2027-03-28T12:00:00Z", 1,
          "2027-03-28T22:00:00Z" },
        { "Europe/Berlin", "2027-03-28T12:00:00Z", 7,
          "2027-04-03T22:00:00Z" },
        /* UTC+14: its day starts the day before in UTC */
        { "Pacific/Kiritimati", "2026-12-01T13:46:00Z", 0,
          "2026-12-01T10:00:00Z" },
        { "Asia/Kolkata", "2026-12-01T20:00:00Z", 0,
          "2026-12-01T18:30:00Z" },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        assert_int_equal(tm_parse_rfc3339(cases[i].at, strlen(cases[i].at),
                                          &t), 0);
        assert_int_equal(tm_zone_day_start(cases[i].zone, t, cases[i].days,
                                           &got), 0);
        tm_format_rfc3339(got, have);
        snprintf(want, sizeof(want), "%s", cases[i].start);

        if (strcmp(have, want) != 0) {
            fail_msg("%s %s %+d: %s, want %s", cases[i].zone, cases[i].at,
                     cases[i].days, have, want);
        }
    }

    assert_int_equal(tm_zone_day_start("Europe/Nowhere", 0, 0, &got), -1);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_names),
        cmocka_unit_test(tm_test_days),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
