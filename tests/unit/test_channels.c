/*
 * The channels of a notification and quiet hours (common/tm_channels.c):
 * the master switches and the completion preferences by type, quiet hours
 * that wrap midnight or not, in zones across both DST changes.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tm_channels.h"
#include "tm_test.h"


/* a user item with these preferences, quiet hours and zone (NULL: none) */

static json_t *
tm_test_user(int email, int sms, int c_email, int c_sms, int digest,
    const char *from, const char *to, const char *zone)
{
    json_t  *u;

    u = json_pack("{s:{s:{s:{s:b}, s:{s:b}, s:{s:b}, s:{s:b}}},"
                  " s:{s:{s:{s:b}, s:{s:s}}}}",
                  "NotificationPreferences", "M",
                  "email", "BOOL", email, "sms", "BOOL", sms,
                  "completedEmail", "BOOL", c_email,
                  "completedSms", "BOOL", c_sms,
                  "Digest", "M", "Enabled", "BOOL", digest,
                  "Time", "S", "07:30");
    assert_non_null(u);

    /* a verified number: tm_test_phone covers the others */
    json_object_set_new(u, "PhoneNumber", json_pack("{s:s}", "S",
                                                    "+15555550123"));
    json_object_set_new(u, "PhoneVerified", json_pack("{s:b}", "BOOL", 1));

    if (from) {
        json_object_set_new(u, "QuietHours",
                            json_pack("{s:{s:{s:s}, s:{s:s}}}", "M",
                                      "Start", "S", from, "End", "S", to));
    }

    if (zone) {
        json_object_set_new(u, "UserTimeZone", json_pack("{s:s}", "S", zone));
    }

    return u;
}


static void
tm_test_types(void **state)
{
    size_t          i;
    json_t         *u;
    tm_channels_t   c;

    static const struct {
        int          prefs[5];      /* email sms completedEmail/Sms digest */
        const char  *type;
        int          email;
        int          sms;
    } cases[] = {
        { { 1, 1, 0, 0, 0 }, "task_due", 1, 1 },
        { { 1, 0, 1, 1, 1 }, "task_due", 1, 0 },
        { { 0, 1, 1, 1, 1 }, "task_due", 0, 1 },
        { { 1, 1, 0, 0, 0 }, "task_completed", 0, 0 },  /* in-app only */
        { { 1, 1, 1, 0, 0 }, "task_completed", 1, 0 },
        { { 1, 1, 0, 1, 0 }, "task_completed", 0, 1 },
        { { 0, 0, 1, 1, 0 }, "task_completed", 0, 0 },  /* master off */
        { { 1, 0, 1, 0, 0 }, "task_completed", 1, 0 },
        { { 1, 1, 0, 0, 1 }, "digest", 1, 0 },          /* never SMS */
        { { 0, 1, 0, 0, 1 }, "digest", 0, 0 },
        { { 1, 1, 0, 0, 0 }, "digest", 0, 0 },
        { { 1, 1, 1, 1, 1 }, "something_else", 0, 0 },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        u = tm_test_user(cases[i].prefs[0], cases[i].prefs[1],
                         cases[i].prefs[2], cases[i].prefs[3],
                         cases[i].prefs[4], NULL, NULL, NULL);

        tm_channels(u, cases[i].type, 1000, &c);

        if (c.email != cases[i].email || c.sms != cases[i].sms
            || c.start != 1000)
        {
            fail_msg("case %zu (%s): email %d sms %d start %lld", i,
                     cases[i].type, c.email, c.sms, c.start);
        }

        json_decref(u);
    }

    /* no user item, absent preferences: nothing but in-app */
    tm_channels(NULL, "task_due", 1000, &c);
    assert_int_equal(c.email + c.sms, 0);

    u = json_object();
    tm_channels(u, "task_due", 1000, &c);
    assert_int_equal(c.email + c.sms, 0);
    json_decref(u);
}


/* no SMS to a number that is not verified, or to none */

static void
tm_test_phone(void **state)
{
    json_t         *u;
    tm_channels_t   c;

    u = tm_test_user(1, 1, 1, 1, 0, NULL, NULL, NULL);

    tm_channels(u, "task_due", 1000, &c);
    assert_int_equal(c.sms, 1);

    json_object_set_new(u, "PhoneVerified", json_pack("{s:b}", "BOOL", 0));
    tm_channels(u, "task_due", 1000, &c);
    assert_int_equal(c.email, 1);
    assert_int_equal(c.sms, 0);
    tm_channels(u, "task_completed", 1000, &c);
    assert_int_equal(c.email, 1);
    assert_int_equal(c.sms, 0);

    json_object_del(u, "PhoneVerified");
    tm_channels(u, "task_due", 1000, &c);
    assert_int_equal(c.sms, 0);

    /* verified, then the number went: nothing */
    json_object_set_new(u, "PhoneVerified", json_pack("{s:b}", "BOOL", 1));
    json_object_del(u, "PhoneNumber");
    tm_channels(u, "task_due", 1000, &c);
    assert_int_equal(c.sms, 0);

    json_decref(u);
}


static void
tm_test_quiet(void **state)
{
    size_t          i;
    json_t         *u;
    tm_channels_t   c;

    static const struct {
        const char  *from;
        const char  *to;
        const char  *zone;
        const char  *now;
        const char  *start;
    } cases[] = {
        /* wrapping midnight, Berlin (CET, UTC+1) */
        { "22:00", "07:00", "Europe/Berlin", "2026-12-01T20:59:00Z",
          "2026-12-01T20:59:00Z" },                         /* 21:59 */
        { "22:00", "07:00", "Europe/Berlin", "2026-12-01T21:00:00Z",
          "2026-12-02T06:00:00Z" },                         /* 22:00 */
        { "22:00", "07:00", "Europe/Berlin", "2026-12-01T22:30:00Z",
          "2026-12-02T06:00:00Z" },                         /* 23:30 */
        { "22:00", "07:00", "Europe/Berlin", "2026-12-01T23:10:00Z",
          "2026-12-02T06:00:00Z" },                         /* 00:10 */
        { "22:00", "07:00", "Europe/Berlin", "2026-12-02T05:59:59Z",
          "2026-12-02T06:00:00Z" },                         /* 06:59:59 */
        { "22:00", "07:00", "Europe/Berlin", "2026-12-02T06:00:00Z",
          "2026-12-02T06:00:00Z" },                         /* 07:00 */

        /* within one day, no zone: UTC */
        { "13:00", "14:30", NULL, "2026-12-01T13:15:00Z",
          "2026-12-01T14:30:00Z" },
        { "13:00", "14:30", NULL, "2026-12-01T14:30:00Z",
          "2026-12-01T14:30:00Z" },
        { "13:00", "14:30", NULL, "2026-12-01T12:59:00Z",
          "2026-12-01T12:59:00Z" },

        /* none: equal, malformed; an unknown zone is UTC */
        { "07:00", "07:00", NULL, "2026-12-01T07:00:00Z",
          "2026-12-01T07:00:00Z" },
        { "7:00", "08:00", NULL, "2026-12-01T07:30:00Z",
          "2026-12-01T07:30:00Z" },
        { "07:00", "24:00", NULL, "2026-12-01T07:30:00Z",
          "2026-12-01T07:30:00Z" },
        { "07:00", "08:00", "Mars/Olympus", "2026-12-01T07:30:00Z",
          "2026-12-01T08:00:00Z" },

        /* New York: the night the clocks go forward (Sunday 2027-03-14,
         * 02:00 EST -> 03:00 EDT) and back (2027-11-07, 02:00 EDT ->
         * 01:00 EST): 07:00 local either side */
        { "22:00", "07:00", "America/New_York", "2027-03-14T03:00:00Z",
          "2027-03-14T11:00:00Z" },                 /* 22:00 EST -> EDT */
        { "22:00", "07:00", "America/New_York", "2027-03-14T07:30:00Z",
          "2027-03-14T11:00:00Z" },                 /* 03:30 EDT */
        { "22:00", "07:00", "America/New_York", "2027-11-07T02:00:00Z",
          "2027-11-07T12:00:00Z" },                 /* 22:00 EDT -> EST */
        { "22:00", "07:00", "America/New_York", "2027-11-07T06:30:00Z",
          "2027-11-07T12:00:00Z" },                 /* 01:30 EST, again */

        /* quiet hours that end in the hour DST skips: its RFC 5545
         * reading, 03:30 EDT */
        { "22:00", "02:30", "America/New_York", "2027-03-14T05:00:00Z",
          "2027-03-14T07:30:00Z" },

        /* Berlin's spring change (2027-03-28, 02:00 CET -> 03:00 CEST) */
        { "23:00", "06:00", "Europe/Berlin", "2027-03-27T22:30:00Z",
          "2027-03-28T04:00:00Z" },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        u = tm_test_user(1, 1, 0, 0, 0, cases[i].from, cases[i].to,
                         cases[i].zone);

        tm_channels(u, "task_due", tm_test_t(cases[i].now), &c);

        if (c.start != tm_test_t(cases[i].start)) {
            fail_msg("%s-%s %s at %s: start %lld, want %s", cases[i].from,
                     cases[i].to, cases[i].zone ? cases[i].zone : "UTC",
                     cases[i].now, c.start, cases[i].start);
        }

        json_decref(u);
    }

    /* in-app only: nothing to hold */
    u = tm_test_user(0, 0, 0, 0, 0, "00:00", "23:59", NULL);
    tm_channels(u, "task_due", tm_test_t("2026-12-01T12:00:00Z"), &c);
    assert_true(c.start == tm_test_t("2026-12-01T12:00:00Z"));
    json_decref(u);
}


static void
tm_test_local(void **state)
{
    assert_int_equal(tm_channels_hhmm("07:30"), 450);
    assert_int_equal(tm_channels_hhmm("00:00"), 0);
    assert_int_equal(tm_channels_hhmm("23:59"), 1439);
    assert_int_equal(tm_channels_hhmm("24:00"), -1);
    assert_int_equal(tm_channels_hhmm("12:60"), -1);
    assert_int_equal(tm_channels_hhmm("7:30"), -1);
    assert_int_equal(tm_channels_hhmm("07:30 "), -1);
    assert_int_equal(tm_channels_hhmm(NULL), -1);

    /* 09:00 in New York the day before, of and after the spring change */
    assert_true(tm_channels_local("America/New_York",
                                  tm_test_t("2027-03-14T12:00:00Z"), -1, 540)
                == tm_test_t("2027-03-13T14:00:00Z"));
    assert_true(tm_channels_local("America/New_York",
                                  tm_test_t("2027-03-14T12:00:00Z"), 0, 540)
                == tm_test_t("2027-03-14T13:00:00Z"));
    assert_true(tm_channels_local("America/New_York",
                                  tm_test_t("2027-03-14T12:00:00Z"), 1, 540)
                == tm_test_t("2027-03-15T13:00:00Z"));

    /* the local day of t, not the UTC one: 01:00 UTC is the evening
     * before in New York */
    assert_true(tm_channels_local("America/New_York",
                                  tm_test_t("2027-11-08T01:00:00Z"), 0, 450)
                == tm_test_t("2027-11-07T12:30:00Z"));

    /* the hour skipped in spring; NULL is UTC */
    assert_true(tm_channels_local("America/New_York",
                                  tm_test_t("2027-03-14T12:00:00Z"), 0, 150)
                == tm_test_t("2027-03-14T07:30:00Z"));
    assert_true(tm_channels_local(NULL, tm_test_t("2027-03-14T23:59:00Z"), 1,
                                  450)
                == tm_test_t("2027-03-15T07:30:00Z"));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_types),
        cmocka_unit_test(tm_test_phone),
        cmocka_unit_test(tm_test_quiet),
        cmocka_unit_test(tm_test_local),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
