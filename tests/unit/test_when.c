/*
 * Due times in words (common/tm_when.c), in several zones, near local
 * midnight and across both DST changes (the skipped and the repeated hour).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tm_test.h"
#include "tm_validate.h"
#include "tm_when.h"


static void
tm_test_due(void **state)
{
    char       out[TM_WHEN_SIZE];
    size_t     i, n;
    tm_when_t  w;

    static const struct {
        const char  *zone;
        const char  *now;
        const char  *due;
        int          date_only;
        const char  *expect;
    } cases[] = {
        /* 2026-12-01 is a Tuesday */
        { "Europe/Berlin", "2026-12-01T10:00:00Z", "2026-12-01T16:00:00Z", 0,
          "is due today at 5:00 PM (Europe/Berlin)" },
        { "America/New_York", "2026-12-01T15:00:00Z", "2026-12-02T14:00:00Z",
          0, "is due tomorrow at 9:00 AM (America/New_York)" },
        { "Europe/Berlin", "2026-12-01T10:00:00Z", "2026-12-04T16:00:00Z", 0,
          "is due on Friday, 4 December at 5:00 PM (Europe/Berlin)" },
        { "Europe/Berlin", "2026-12-01T10:00:00Z", "2026-11-30T08:00:00Z", 0,
          "was due yesterday at 9:00 AM (Europe/Berlin)" },
        { "Europe/Berlin", "2026-12-01T10:00:00Z", "2026-12-01T08:00:00Z", 0,
          "was due today at 9:00 AM (Europe/Berlin)" },
        { "UTC", "2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z", 0,
          "is due today at 10:00 AM (UTC)" },              /* now: not past */
        { "UTC", "2026-12-01T10:00:01Z", "2026-12-01T10:00:00Z", 0,
          "was due today at 10:00 AM (UTC)" },

        /* six days away: the weekday; seven or more: the full date */
        { "UTC", "2026-12-01T10:00:00Z", "2026-12-07T23:00:00Z", 0,
          "is due on Monday, 7 December at 11:00 PM (UTC)" },
        { "UTC", "2026-12-01T10:00:00Z", "2026-12-08T00:00:00Z", 0,
          "is due on 8 December 2026 at 12:00 AM (UTC)" },
        { "UTC", "2026-12-01T10:00:00Z", "2026-11-25T12:00:00Z", 0,
          "was due on Wednesday, 25 November at 12:00 PM (UTC)" },
        { "UTC", "2026-12-01T10:00:00Z", "2026-11-24T12:30:00Z", 0,
          "was due on 24 November 2026 at 12:30 PM (UTC)" },
        { "UTC", "2026-12-01T10:00:00Z", "2027-01-15T10:05:00Z", 0,
          "is due on 15 January 2027 at 10:05 AM (UTC)" },

        /* dates only */
        { "Europe/Berlin", "2026-12-01T10:00:00Z", "2026-12-01T22:59:00Z", 1,
          "is due today" },
        { "Europe/Berlin", "2026-12-01T23:59:30Z", "2026-12-01T22:59:00Z", 1,
          "was due yesterday" },     /* 00:59:30 the next day */
        { "Europe/Berlin", "2026-12-01T22:59:30Z", "2026-12-01T22:59:00Z", 1,
          "is due today" },          /* the minute after, still the day */
        { "Europe/Berlin", "2026-12-01T10:00:00Z", "2026-12-02T22:59:00Z", 1,
          "is due tomorrow" },
        { "Europe/Berlin", "2026-12-20T10:00:00Z", "2026-12-03T22:59:00Z", 1,
          "was due on 3 December 2026" },
        { "America/New_York", "2026-12-01T15:00:00Z", "2026-12-05T04:59:00Z",
          1, "is due on Friday, 4 December" },

        /* near local midnight: the user's day, not UTC's */
        { "Europe/Berlin", "2026-12-01T22:30:00Z", "2026-12-01T23:30:00Z", 0,
          "is due tomorrow at 12:30 AM (Europe/Berlin)" },
        { "UTC", "2026-12-01T22:30:00Z", "2026-12-01T23:30:00Z", 0,
          "is due today at 11:30 PM (UTC)" },
        { "America/New_York", "2026-12-02T03:00:00Z", "2026-12-01T23:00:00Z",
          0, "was due today at 6:00 PM (America/New_York)" },
        { "UTC", "2026-12-02T03:00:00Z", "2026-12-01T23:00:00Z", 0,
          "was due yesterday at 11:00 PM (UTC)" },
        { "Pacific/Kiritimati", "2026-12-01T09:00:00Z",
          "2026-12-01T10:30:00Z", 0,
          "is due tomorrow at 12:30 AM (Pacific/Kiritimati)" },
        { "Asia/Kolkata", "2026-12-01T09:00:00Z", "2026-12-01T12:00:00Z", 0,
          "is due today at 5:30 PM (Asia/Kolkata)" },

        /* New York springs forward 2027-03-14 02:00 EST -> 03:00 EDT
         * (07:00Z): a day of 23 hours; 2:xx never happens */
        { "America/New_York", "2027-03-13T14:00:00Z", "2027-03-14T13:00:00Z",
          0, "is due tomorrow at 9:00 AM (America/New_York)" },
        { "America/New_York", "2027-03-14T05:00:00Z", "2027-03-14T06:59:00Z",
          0, "is due today at 1:59 AM (America/New_York)" },
        { "America/New_York", "2027-03-14T05:00:00Z", "2027-03-14T07:00:00Z",
          0, "is due today at 3:00 AM (America/New_York)" },
        { "America/New_York", "2027-03-14T05:00:00Z", "2027-03-15T03:59:00Z",
          1, "is due today" },                  /* 23:59 EDT */
        { "America/New_York", "2027-03-15T04:30:00Z", "2027-03-15T03:59:00Z",
          1, "was due yesterday" },

        /* and falls back 2027-11-07 02:00 EDT -> 01:00 EST (06:00Z): 1:30
         * happens twice, both on that day */
        { "America/New_York", "2027-11-07T04:00:00Z", "2027-11-07T05:30:00Z",
          0, "is due today at 1:30 AM (America/New_York)" },
        { "America/New_York", "2027-11-07T04:00:00Z", "2027-11-07T06:30:00Z",
          0, "is due today at 1:30 AM (America/New_York)" },
        { "America/New_York", "2027-11-07T06:10:00Z", "2027-11-07T05:30:00Z",
          0, "was due today at 1:30 AM (America/New_York)" },
        { "America/New_York", "2027-11-06T14:00:00Z", "2027-11-08T04:59:00Z",
          0, "is due tomorrow at 11:59 PM (America/New_York)" }, /* 25 h */
        { "America/New_York", "2027-11-06T14:00:00Z", "2027-11-08T05:00:00Z",
          0, "is due on Monday, 8 November at 12:00 AM (America/New_York)" },

        /* Berlin springs forward 2027-03-28 02:00 CET -> 03:00 CEST (01:00Z)
         * and falls back 2027-10-31 03:00 CEST -> 02:00 CET (01:00Z) */
        { "Europe/Berlin", "2027-03-27T23:30:00Z", "2027-03-28T00:59:00Z", 0,
          "is due today at 1:59 AM (Europe/Berlin)" },
        { "Europe/Berlin", "2027-03-27T23:30:00Z", "2027-03-28T01:00:00Z", 0,
          "is due today at 3:00 AM (Europe/Berlin)" },
        { "Europe/Berlin", "2027-03-27T22:30:00Z", "2027-03-28T21:59:00Z", 0,
          "is due tomorrow at 11:59 PM (Europe/Berlin)" },
        { "Europe/Berlin", "2027-03-27T22:30:00Z", "2027-03-28T22:00:00Z", 0,
          "is due on Monday, 29 March at 12:00 AM (Europe/Berlin)" },
        { "Europe/Berlin", "2027-10-30T23:00:00Z", "2027-10-31T00:30:00Z", 0,
          "is due today at 2:30 AM (Europe/Berlin)" },
        { "Europe/Berlin", "2027-10-30T23:00:00Z", "2027-10-31T01:30:00Z", 0,
          "is due today at 2:30 AM (Europe/Berlin)" },

        /* no zone, or one not known: UTC, and said */
        { NULL, "2026-12-01T10:00:00Z", "2026-12-01T17:00:00Z", 0,
          "is due today at 5:00 PM (UTC)" },
        { "Europe/Nowhere", "2026-12-01T10:00:00Z", "2026-12-01T17:00:00Z", 0,
          "is due today at 5:00 PM (UTC)" },
        { "../../etc/passwd", "2026-12-01T10:00:00Z", "2026-12-01T17:00:00Z",
          0, "is due today at 5:00 PM (UTC)" },
        { "", "2026-12-01T10:00:00Z", "2026-12-01T17:00:00Z", 0,
          "is due today at 5:00 PM (UTC)" },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        w.zone = cases[i].zone;
        w.now = tm_test_t(cases[i].now);
        w.due = tm_test_t(cases[i].due);
        w.date_only = cases[i].date_only;

        n = tm_when_due(&w, out, sizeof(out));

        if (strcmp(out, cases[i].expect) != 0 || n != strlen(out)) {
            fail_msg("%s now %s due %s%s: \"%s\" (%zu), want \"%s\"",
                     cases[i].zone, cases[i].now, cases[i].due,
                     cases[i].date_only ? " (date)" : "", out, n,
                     cases[i].expect);
        }
    }
}


static void
tm_test_date(void **state)
{
    char  out[TM_WHEN_SIZE];

    tm_when_date(tm_test_t("2026-12-04T16:00:00Z"), "Europe/Berlin", 0, out,
                 sizeof(out));
    assert_string_equal(out,
                        "Friday, 4 December 2026 at 5:00 PM (Europe/Berlin)");

    tm_when_date(tm_test_t("2026-12-04T22:59:00Z"), "Europe/Berlin", 1, out,
                 sizeof(out));
    assert_string_equal(out, "Friday, 4 December 2026");

    tm_when_date(tm_test_t("2027-11-07T06:30:00Z"), "America/New_York", 0,
                 out, sizeof(out));
    assert_string_equal(out,
                        "Sunday, 7 November 2027 at 1:30 AM"
                        " (America/New_York)");

    tm_when_date(tm_test_t("2027-01-01T00:00:00Z"), NULL, 0, out,
                 sizeof(out));
    assert_string_equal(out, "Friday, 1 January 2027 at 12:00 AM (UTC)");
}


/* 23:59 local is a day without a time, in the zone's summer and winter */

static void
tm_test_date_only(void **state)
{
    size_t  i;

    static const struct {
        const char  *zone;
        const char  *t;
        int          date_only;
    } cases[] = {
        { "Europe/Berlin", "2026-12-01T22:59:00Z", 1 },
        { "Europe/Berlin", "2027-03-28T21:59:00Z", 1 },     /* CEST */
        { "Europe/Berlin", "2027-03-28T22:59:00Z", 0 },     /* 00:59 */
        { "Europe/Berlin", "2026-12-01T22:58:00Z", 0 },
        { "America/New_York", "2027-11-08T04:59:00Z", 1 },  /* EST */
        { "America/New_York", "2027-07-01T03:59:00Z", 1 },  /* EDT */
        { "America/New_York", "2027-07-01T04:59:00Z", 0 },
        { "UTC", "2026-12-01T23:59:00Z", 1 },
        { NULL, "2026-12-01T23:59:00Z", 1 },
        { "Asia/Kolkata", "2026-12-01T18:29:00Z", 1 },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        if (tm_when_date_only(tm_test_t(cases[i].t), cases[i].zone)
            != cases[i].date_only)
        {
            fail_msg("%s %s: want %d", cases[i].zone, cases[i].t,
                     cases[i].date_only);
        }
    }
}


/* a short buffer: cut and terminated, the length needed returned */

static void
tm_test_short(void **state)
{
    char       out[12];
    size_t     n;
    tm_when_t  w;

    w.zone = "Europe/Berlin";
    w.now = tm_test_t("2026-12-01T10:00:00Z");
    w.due = tm_test_t("2026-12-01T16:00:00Z");
    w.date_only = 0;

    memset(out, 'x', sizeof(out));
    n = tm_when_due(&w, out, sizeof(out));
    assert_int_equal(n, strlen("is due today at 5:00 PM (Europe/Berlin)"));
    assert_string_equal(out, "is due toda");

    n = tm_when_date(w.due, w.zone, 0, out, sizeof(out));
    assert_int_equal(n, strlen("Tuesday, 1 December 2026 at 5:00 PM"
                               " (Europe/Berlin)"));
    assert_string_equal(out, "Tuesday, 1 ");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_due),
        cmocka_unit_test(tm_test_date),
        cmocka_unit_test(tm_test_date_only),
        cmocka_unit_test(tm_test_short),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
