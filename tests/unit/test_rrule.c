/*
 * RRULEs (common/tm_rrule.c): the subset's checks and their reasons, and
 * expansion in the user's zone: wall-clock kept across DST (New York
 * 2027-03-14 and 2027-11-07, Berlin 2027-03-28), months without a 31st,
 * the last Friday, COUNT and UNTIL, from completion against from due, and
 * rules that rarely or never match.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tm_rrule.h"
#include "tm_test.h"
#include "tm_validate.h"


#define TM_TEST_MAX     8


static void
tm_test_valid(void **state)
{
    size_t       i;
    const char  *reason;

    static const char  *good[] = {
        "FREQ=DAILY", "FREQ=WEEKLY", "FREQ=MONTHLY", "FREQ=YEARLY",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR",
        "BYDAY=TU;FREQ=WEEKLY",                     /* any order */
        "FREQ=MONTHLY;BYDAY=2TU", "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;BYDAY=+1MO,-5SU", "FREQ=YEARLY;BYDAY=53MO",
        "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=MONTHLY;BYMONTHDAY=-1,1,15",
        "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=1,12",
        "FREQ=DAILY;COUNT=1", "FREQ=DAILY;COUNT=1000",
        "FREQ=DAILY;INTERVAL=999",
        "FREQ=WEEKLY;UNTIL=20271231T235959Z", "FREQ=WEEKLY;UNTIL=20271231",
        "FREQ=WEEKLY;UNTIL=20280229",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=-29",
    };

    static const struct {
        const char  *rule;
        const char  *reason;     /* a part of it */
    } bad[] = {
        { "", "must not be empty" },
        { "freq=weekly", "upper case" },
        { "FREQ=Weekly", "upper case" },
        { "RRULE:FREQ=WEEKLY", "without RRULE:" },
        { "FREQ=WEEKLY; BYDAY=MO", "without RRULE:" },
        { "FREQ=WEEKLY\n", "without RRULE:" },
        { "FREQ=WEEKLY;", "RRULE value like" },
        { ";FREQ=WEEKLY", "RRULE value like" },
        { "FREQ=WEEKLY;;BYDAY=MO", "RRULE value like" },
        { "FREQ", "RRULE value like" },
        { "FREQ=", "RRULE value like" },
        { "=WEEKLY", "RRULE value like" },
        { "INTERVAL=2", "must have a FREQ" },
        { "FREQ=HOURLY", "daily at most" },
        { "FREQ=MINUTELY", "daily at most" },
        { "FREQ=SECONDLY", "daily at most" },
        { "FREQ=FORTNIGHTLY", "FREQ must be DAILY" },
        { "FREQ=DAILY;FREQ=WEEKLY", "each part once" },
        { "FREQ=DAILY;BYHOUR=9", "time of day" },
        { "FREQ=DAILY;BYMINUTE=30", "time of day" },
        { "FREQ=DAILY;BYSECOND=0", "time of day" },
        { "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1", "BYSETPOS is not" },
        { "FREQ=YEARLY;BYWEEKNO=20", "BYWEEKNO is not" },
        { "FREQ=YEARLY;BYYEARDAY=100", "BYYEARDAY is not" },
        { "FREQ=WEEKLY;WKST=SU", "WKST is not" },
        { "FREQ=WEEKLY;X-NAME=1", "may have only FREQ" },
        { "FREQ=WEEKLY;RSCALE=GREGORIAN", "may have only FREQ" },
        { "FREQ=DAILY;INTERVAL=0", "INTERVAL must" },
        { "FREQ=DAILY;INTERVAL=1000", "INTERVAL must" },
        { "FREQ=DAILY;INTERVAL=-1", "INTERVAL must" },
        { "FREQ=DAILY;INTERVAL=99999999999", "INTERVAL must" },
        { "FREQ=DAILY;COUNT=0", "COUNT must" },
        { "FREQ=DAILY;COUNT=1001", "COUNT must" },
        { "FREQ=DAILY;COUNT=10;UNTIL=20271231", "both COUNT and UNTIL" },
        { "FREQ=DAILY;UNTIL=2027123", "UNTIL must" },
        { "FREQ=DAILY;UNTIL=20271231T235959", "UNTIL must" },
        { "FREQ=DAILY;UNTIL=20271231T2359Z", "UNTIL must" },
        { "FREQ=DAILY;UNTIL=20270230", "UNTIL must" },
        { "FREQ=DAILY;UNTIL=20271231T245959Z", "UNTIL must" },
        { "FREQ=DAILY;UNTIL=2027-12-31", "UNTIL must" },
        { "FREQ=DAILY;UNTIL=+2027123", "UNTIL must" },
        { "FREQ=WEEKLY;BYDAY=XX", "BYDAY must" },
        { "FREQ=WEEKLY;BYDAY=MO,", "BYDAY must" },
        { "FREQ=WEEKLY;BYDAY=,MO", "BYDAY must" },
        { "FREQ=WEEKLY;BYDAY=M", "BYDAY must" },
        { "FREQ=MONTHLY;BYDAY=0MO", "BYDAY must" },
        { "FREQ=YEARLY;BYDAY=54MO", "BYDAY must" },
        { "FREQ=MONTHLY;BYDAY=+-1MO", "BYDAY must" },
        { "FREQ=WEEKLY;BYDAY=2TU", "only with FREQ=MONTHLY" },
        { "FREQ=DAILY;BYDAY=-1FR", "only with FREQ=MONTHLY" },
        { "FREQ=MONTHLY;BYDAY=6MO", "from 1 to 5" },
        { "FREQ=YEARLY;BYDAY=20MO;BYMONTH=1", "within the month" },
        { "FREQ=MONTHLY;BYDAY=5MO;BYMONTHDAY=1", "with BYMONTHDAY" },
        { "FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY must" },
        { "FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY must" },
        { "FREQ=MONTHLY;BYMONTHDAY=-32", "BYMONTHDAY must" },
        { "FREQ=WEEKLY;BYMONTHDAY=1", "with FREQ=WEEKLY" },
        { "FREQ=YEARLY;BYMONTH=0", "BYMONTH must" },
        { "FREQ=YEARLY;BYMONTH=13", "BYMONTH must" },
        { "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never happens" },
        { "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31", "never happens" },
        { "FREQ=MONTHLY;BYMONTH=4,6,9,11;BYMONTHDAY=-31", "never happens" },
    };

    for (i = 0; i < TM_TEST_N(good); i++) {
        reason = tm_valid_rrule(good[i], strlen(good[i]));
        if (reason != NULL) {
            fail_msg("\"%s\" refused: %s", good[i], reason);
        }
    }

    for (i = 0; i < TM_TEST_N(bad); i++) {
        reason = tm_valid_rrule(bad[i].rule, strlen(bad[i].rule));
        if (reason == NULL || strstr(reason, bad[i].reason) == NULL) {
            fail_msg("\"%s\": %s, want \"...%s...\"", bad[i].rule,
                     reason ? reason : "accepted", bad[i].reason);
        }
    }
}


/* lengths: at most TM_RRULE_MAX bytes; only len bytes are read */

static void
tm_test_length(void **state)
{
    char  rule[TM_RRULE_MAX + 2];

    /* up to 256 bytes of BYDAY=MO,MO,... is a valid length */
    memset(rule, 0, sizeof(rule));
    memcpy(rule, "FREQ=WEEKLY;BYDAY=", 18);

    while (strlen(rule) + 3 <= TM_RRULE_MAX) {
        strcat(rule, strlen(rule) > 18 ? ",MO" : "MO");
    }
    assert_null(tm_valid_rrule(rule, strlen(rule)));

    memset(rule, 'A', TM_RRULE_MAX + 1);
    assert_string_equal(tm_valid_rrule(rule, TM_RRULE_MAX + 1),
                        "must be at most 256 characters");

    assert_null(tm_valid_rrule("FREQ=DAILY;BYHOUR=9", 10));
}


typedef struct {
    const char  *name;
    const char  *rule;
    const char  *zone;
    const char  *first;
    const char  *after;
    int          n;
    const char  *expect[TM_TEST_MAX];     /* NULL-terminated */
} tm_test_series_t;


static void
tm_test_series(const tm_test_series_t *c, int got, const long long *out)
{
    int   i, want;
    char  t[32];

    for (want = 0; want < TM_TEST_MAX && c->expect[want]; want++) {
        /* count them */
    }

    if (got != want) {
        fail_msg("%s: %d occurrences, want %d", c->name, got, want);
    }

    for (i = 0; i < got; i++) {
        tm_format_rfc3339(out[i], t);

        if (strcmp(t, c->expect[i]) != 0) {
            fail_msg("%s: #%d %s, want %s", c->name, i, t, c->expect[i]);
        }
    }
}


static void
tm_test_next(void **state)
{
    int        got;
    size_t     i;
    long long  out[TM_TEST_MAX];

    static const tm_test_series_t  cases[] = {
        /* Monday 09:00 in New York: 14:00Z in EST, 13:00Z in EDT */
        { "NY spring", "FREQ=WEEKLY;BYDAY=MO", "America/New_York",
          "2027-03-01T14:00:00Z", "2027-03-01T14:00:00Z", 3,
          { "2027-03-08T14:00:00Z", "2027-03-15T13:00:00Z",
            "2027-03-22T13:00:00Z" } },
        { "NY autumn", "FREQ=WEEKLY;BYDAY=MO", "America/New_York",
          "2027-03-01T14:00:00Z", "2027-10-30T00:00:00Z", 3,
          { "2027-11-01T13:00:00Z", "2027-11-08T14:00:00Z",
            "2027-11-15T14:00:00Z" } },
        { "NY weekly, no BYDAY", "FREQ=WEEKLY", "America/New_York",
          "2027-03-08T14:00:00Z", "2027-03-08T14:00:00Z", 2,
          { "2027-03-15T13:00:00Z", "2027-03-22T13:00:00Z" } },

        /* 09:00 in Berlin: 08:00Z in CET, 07:00Z in CEST */
        { "Berlin spring", "FREQ=DAILY", "Europe/Berlin",
          "2027-03-01T08:00:00Z", "2027-03-26T12:00:00Z", 3,
          { "2027-03-27T08:00:00Z", "2027-03-28T07:00:00Z",
            "2027-03-29T07:00:00Z" } },

        /* the skipped hour: 02:30 is 03:30 EDT that night (RFC 5545
         * 3.3.5), then 02:30 EDT again; the repeated one: the first */
        { "NY 02:30 skipped", "FREQ=DAILY", "America/New_York",
          "2027-03-13T07:30:00Z", "2027-03-13T07:30:00Z", 2,
          { "2027-03-14T07:30:00Z", "2027-03-15T06:30:00Z" } },
        { "NY 01:30 twice", "FREQ=DAILY", "America/New_York",
          "2027-11-06T05:30:00Z", "2027-11-06T05:30:00Z", 2,
          { "2027-11-07T05:30:00Z", "2027-11-08T06:30:00Z" } },
        /* a first in the second 01:30 (EST) is itself, then 01:30 */
        { "NY first at 01:30 EST", "FREQ=DAILY", "America/New_York",
          "2027-11-07T06:30:00Z", "2027-11-07T00:00:00Z", 2,
          { "2027-11-07T06:30:00Z", "2027-11-08T06:30:00Z" } },

        /* months without a 31st are skipped (RFC 5545), not moved */
        { "monthly 31st", "FREQ=MONTHLY;BYMONTHDAY=31", "UTC",
          "2027-01-31T10:00:00Z", "2027-01-31T10:00:00Z", 4,
          { "2027-03-31T10:00:00Z", "2027-05-31T10:00:00Z",
            "2027-07-31T10:00:00Z", "2027-08-31T10:00:00Z" } },
        { "monthly last day", "FREQ=MONTHLY;BYMONTHDAY=-1", "UTC",
          "2027-01-31T10:00:00Z", "2027-01-31T10:00:00Z", 2,
          { "2027-02-28T10:00:00Z", "2027-03-31T10:00:00Z" } },
        { "last Friday", "FREQ=MONTHLY;BYDAY=-1FR", "Europe/Berlin",
          "2027-01-29T16:00:00Z", "2027-01-29T16:00:00Z", 4,
          { "2027-02-26T16:00:00Z", "2027-03-26T16:00:00Z",
            "2027-04-30T15:00:00Z", "2027-05-28T15:00:00Z" } },
        { "second Tuesday", "FREQ=MONTHLY;BYDAY=2TU", "UTC",
          "2027-01-12T10:00:00Z", "2027-01-12T10:00:00Z", 2,
          { "2027-02-09T10:00:00Z", "2027-03-09T10:00:00Z" } },
        { "yearly Feb 29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "UTC",
          "2027-01-01T09:00:00Z", "2027-01-01T09:00:00Z", 2,
          { "2028-02-29T09:00:00Z", "2032-02-29T09:00:00Z" } },

        /* COUNT counts from the first occurrence, itself included */
        { "COUNT=3 from first", "FREQ=WEEKLY;COUNT=3", "UTC",
          "2027-03-01T09:00:00Z", "2027-02-01T00:00:00Z", 5,
          { "2027-03-01T09:00:00Z", "2027-03-08T09:00:00Z",
            "2027-03-15T09:00:00Z" } },
        { "COUNT=3 after first", "FREQ=WEEKLY;COUNT=3", "UTC",
          "2027-03-01T09:00:00Z", "2027-03-01T09:00:00Z", 5,
          { "2027-03-08T09:00:00Z", "2027-03-15T09:00:00Z" } },
        { "COUNT=3 ended", "FREQ=WEEKLY;COUNT=3", "UTC",
          "2027-03-01T09:00:00Z", "2027-03-15T09:00:00Z", 5,
          { NULL } },
        { "COUNT=1", "FREQ=DAILY;COUNT=1", "UTC",
          "2027-03-01T09:00:00Z", "2027-03-01T09:00:00Z", 5,
          { NULL } },
        /* a first that does not match the rule still counts (a
         * Wednesday, then Mondays) */
        { "COUNT, first off the rule", "FREQ=WEEKLY;BYDAY=MO;COUNT=3",
          "UTC", "2027-03-03T09:00:00Z", "2027-03-01T00:00:00Z", 5,
          { "2027-03-03T09:00:00Z", "2027-03-08T09:00:00Z",
            "2027-03-15T09:00:00Z" } },

        /* UNTIL as an instant, inclusive */
        { "UNTIL instant", "FREQ=WEEKLY;UNTIL=20270322T130000Z",
          "America/New_York", "2027-03-08T14:00:00Z",
          "2027-03-08T14:00:00Z", 5,
          { "2027-03-15T13:00:00Z", "2027-03-22T13:00:00Z" } },
        { "UNTIL a second short", "FREQ=WEEKLY;UNTIL=20270322T125959Z",
          "America/New_York", "2027-03-08T14:00:00Z",
          "2027-03-08T14:00:00Z", 5,
          { "2027-03-15T13:00:00Z" } },
        /* UNTIL as a date: through that day in the zone (23:30 on the
         * 15th in New York is the 16th in UTC) */
        { "UNTIL local date", "FREQ=WEEKLY;UNTIL=20270315",
          "America/New_York", "2027-03-02T04:30:00Z",
          "2027-03-02T04:30:00Z", 5,
          { "2027-03-09T04:30:00Z", "2027-03-16T03:30:00Z" } },

        /* INTERVAL; no zone is UTC */
        { "every 3 days", "FREQ=DAILY;INTERVAL=3", NULL,
          "2027-03-01T09:00:00Z", "2027-03-05T00:00:00Z", 2,
          { "2027-03-07T09:00:00Z", "2027-03-10T09:00:00Z" } },

        /* bounded: nothing within TM_RRULE_YEARS is no more occurrences
         * (Feb 29 every 4 years from an odd year never comes; the 5th
         * Monday of February next comes in 2044) */
        { "never, by INTERVAL", "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;"
          "BYMONTHDAY=29", "UTC", "2027-01-01T09:00:00Z",
          "2027-01-01T09:00:00Z", 3, { NULL } },
        { "rare", "FREQ=MONTHLY;BYDAY=5MO;BYMONTH=2", "UTC",
          "2027-01-04T09:00:00Z", "2027-01-04T09:00:00Z", 3, { NULL } },
        { "Feb 29 within ten years", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29",
          "UTC", "2027-01-01T09:00:00Z", "2027-01-01T09:00:00Z", 5,
          { "2028-02-29T09:00:00Z", "2032-02-29T09:00:00Z",
            "2036-02-29T09:00:00Z" } },
        { "no more steps", "FREQ=DAILY", "UTC",
          "1970-01-01T09:00:00Z", "2027-01-01T00:00:00Z", 1, { NULL } },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        got = tm_rrule_next(cases[i].rule, tm_test_t(cases[i].first),
                            cases[i].zone, tm_test_t(cases[i].after), out,
                            cases[i].n);
        tm_test_series(&cases[i], got, out);
    }
}


/* from completion: the rule again from the completion's local day, at the
 * series' time of day; from due: the next after the due date */

static void
tm_test_completion(void **state)
{
    char         t[32];
    size_t       i;
    long long    out;
    const char  *rule;

    static const struct {
        const char  *rule;
        const char  *done;
        int          seq;
        const char  *expect;        /* NULL: none */
    } cases[] = {
        /* every 3 days at 09:00 New York from Monday 1 March 2027 */
        { "FREQ=DAILY;INTERVAL=3", "2027-03-05T20:00:00Z", 2,
          "2027-03-08T14:00:00Z" },         /* done Friday: Monday */
        { "FREQ=DAILY;INTERVAL=3", "2027-03-12T20:00:00Z", 3,
          "2027-03-15T13:00:00Z" },         /* across DST: 09:00 EDT */
        { "FREQ=DAILY;INTERVAL=3", "2027-03-05T12:00:00Z", 2,
          "2027-03-08T14:00:00Z" },         /* done before 09:00 too */
        { "FREQ=DAILY;INTERVAL=3", "2027-03-06T03:00:00Z", 2,
          "2027-03-08T14:00:00Z" },         /* 22:00 local on the 5th */
        { "FREQ=WEEKLY;BYDAY=MO,TH", "2027-03-15T12:00:00Z", 2,
          "2027-03-18T13:00:00Z" },
        { "FREQ=MONTHLY;BYMONTHDAY=31", "2027-04-10T15:00:00Z", 2,
          "2027-05-31T13:00:00Z" },
        { "FREQ=DAILY;COUNT=3", "2027-03-05T20:00:00Z", 2,
          "2027-03-06T14:00:00Z" },
        { "FREQ=DAILY;COUNT=3", "2027-03-05T20:00:00Z", 3, NULL },
        { "FREQ=DAILY;UNTIL=20270306", "2027-03-05T20:00:00Z", 2,
          "2027-03-06T14:00:00Z" },
        { "FREQ=DAILY;UNTIL=20270306", "2027-03-06T20:00:00Z", 3, NULL },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        out = 0;

        if (tm_rrule_after_completion(cases[i].rule,
                                      tm_test_t("2027-03-01T14:00:00Z"),
                                      "America/New_York",
                                      tm_test_t(cases[i].done),
                                      cases[i].seq, &out)
            != (cases[i].expect ? 1 : 0))
        {
            fail_msg("%s done %s: want %s", cases[i].rule, cases[i].done,
                     cases[i].expect ? cases[i].expect : "none");
        }

        tm_format_rfc3339(out, t);

        if (cases[i].expect && strcmp(t, cases[i].expect) != 0) {
            fail_msg("%s done %s: %s, want %s", cases[i].rule,
                     cases[i].done, t, cases[i].expect);
        }
    }

    /* from due, the same rule keeps its own days: after the due date of
     * Thursday 4 March comes Sunday 7 March, whenever it was done */
    rule = "FREQ=DAILY;INTERVAL=3";
    assert_int_equal(tm_rrule_next(rule, tm_test_t("2027-03-01T14:00:00Z"),
                                   "America/New_York",
                                   tm_test_t("2027-03-04T14:00:00Z"), &out,
                                   1), 1);
    tm_format_rfc3339(out, t);
    assert_string_equal(t, "2027-03-07T14:00:00Z");
}


static void
tm_test_errors(void **state)
{
    long long  out[2];

    assert_int_equal(tm_rrule_next("FREQ=HOURLY", 0, NULL, 0, out, 2), -1);
    assert_int_equal(tm_rrule_next("FREQ=DAILY", 0, "Europe/Nowhere", 0,
                                   out, 2), -1);
    assert_int_equal(tm_rrule_next("FREQ=DAILY", 0, "../../etc/passwd", 0,
                                   out, 2), -1);
    assert_int_equal(tm_rrule_next("FREQ=DAILY", 0, NULL, 0, out, 0), 0);
    assert_int_equal(tm_rrule_after_completion("FREQ=SECONDLY", 0, NULL, 0,
                                               1, out), -1);
    assert_int_equal(tm_rrule_after_completion("FREQ=DAILY", 0, "Mars/Base",
                                               0, 1, out), -1);

    /* libical expands no further than 2582: no more after that */
    assert_int_equal(tm_rrule_next("FREQ=YEARLY",
                                   tm_test_t("2580-06-01T00:00:00Z"), NULL,
                                   tm_test_t("2580-06-01T00:00:00Z"), out,
                                   3), 2);
    assert_int_equal(tm_rrule_next("FREQ=YEARLY",
                                   tm_test_t("9998-06-01T00:00:00Z"), NULL,
                                   tm_test_t("9998-06-01T00:00:00Z"), out,
                                   2), 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_valid),
        cmocka_unit_test(tm_test_length),
        cmocka_unit_test(tm_test_next),
        cmocka_unit_test(tm_test_completion),
        cmocka_unit_test(tm_test_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
