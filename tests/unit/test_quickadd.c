/*
 * Quick add (common/tm_quickadd.c): phrases read into title, due date,
 * list, labels, priority and repeat, at a pinned now in several zones
 * (across DST too), the ambiguous and the hostile; where the recognised
 * parts are, in bytes and in UTF-16 code units.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tm_quickadd.h"
#include "tm_test.h"


/* 2026-12-01 is a Tuesday; 10:00 UTC */
#define NOW  "2026-12-01T10:00:00Z"


typedef struct {
    const char  *text;
    const char  *title;
    const char  *due;          /* NULL: none */
    int          has_time;
    const char  *list;
    const char  *labels;       /* comma-joined */
    int          priority;
    const char  *repeat;
} tm_qa_case_t;


static const tm_qa_case_t  tm_qa_cases[] = {
    { "Pay rent tomorrow 5pm #Home @bills p1", "Pay rent",
      "2026-12-02T17:00:00Z", 1, "Home", "bills", 1, "" },
    { "Buy milk", "Buy milk", NULL, 0, "", "", 0, "" },
    { "  Pay   rent  ", "Pay rent", NULL, 0, "", "", 0, "" },
    { "Buy milk today", "Buy milk", "2026-12-01T23:59:00Z", 0, "", "", 0, "" },
    { "Buy milk tonight", "Buy milk", "2026-12-01T20:00:00Z", 1, "", "", 0,
      "" },
    { "Call tonight at 9", "Call", "2026-12-01T21:00:00Z", 1, "", "", 0, "" },
    { "Call tonight at 11:30pm", "Call", "2026-12-01T23:30:00Z", 1, "", "",
      0, "" },
    { "Call tomorrow", "Call", "2026-12-02T23:59:00Z", 0, "", "", 0, "" },
    { "Report friday", "Report", "2026-12-04T23:59:00Z", 0, "", "", 0, "" },
    { "Report tuesday", "Report", "2026-12-01T23:59:00Z", 0, "", "", 0, "" },
    { "Report mon", "Report", "2026-12-07T23:59:00Z", 0, "", "", 0, "" },
    { "Plan next week", "Plan", "2026-12-07T23:59:00Z", 0, "", "", 0, "" },
    { "Plan next month", "Plan", "2027-01-01T23:59:00Z", 0, "", "", 0, "" },
    { "Plan next", "Plan next", NULL, 0, "", "", 0, "" },
    { "Plan next year", "Plan next year", NULL, 0, "", "", 0, "" },
    { "Renew in 3 days", "Renew", "2026-12-04T23:59:00Z", 0, "", "", 0, "" },
    { "Renew in 1 day", "Renew", "2026-12-02T23:59:00Z", 0, "", "", 0, "" },
    { "Renew in 2 weeks", "Renew", "2026-12-15T23:59:00Z", 0, "", "", 0, "" },
    { "Renew in 3 weeks at 9am", "Renew", "2026-12-22T09:00:00Z", 1, "", "",
      0, "" },
    { "Stretch in 4 hours", "Stretch", "2026-12-01T14:00:00Z", 1, "", "", 0,
      "" },
    { "Stretch in 1 hour", "Stretch", "2026-12-01T11:00:00Z", 1, "", "", 0,
      "" },
    { "Stretch in 30 minutes", "Stretch", "2026-12-01T10:30:00Z", 1, "", "",
      0, "" },
    { "Stretch in 5 mins", "Stretch", "2026-12-01T10:05:00Z", 1, "", "", 0,
      "" },
    { "Stretch in 4 hours tomorrow", "Stretch tomorrow",
      "2026-12-01T14:00:00Z", 1, "", "", 0, "" },
    { "x in 1000 days", "x in 1000 days", NULL, 0, "", "", 0, "" },
    { "x in -1 days", "x in -1 days", NULL, 0, "", "", 0, "" },
    { "x in 3 apples", "x in 3 apples", NULL, 0, "", "", 0, "" },
    { "Move in", "Move in", NULL, 0, "", "", 0, "" },
    { "Party dec 5", "Party", "2026-12-05T23:59:00Z", 0, "", "", 0, "" },
    { "Party 5 dec", "Party", "2026-12-05T23:59:00Z", 0, "", "", 0, "" },
    { "Party dec 5th", "Party", "2026-12-05T23:59:00Z", 0, "", "", 0, "" },
    { "Party December 1", "Party", "2026-12-01T23:59:00Z", 0, "", "", 0, "" },
    { "Party nov 30", "Party", "2027-11-30T23:59:00Z", 0, "", "", 0, "" },
    { "Party december 5 2027", "Party", "2027-12-05T23:59:00Z", 0, "", "", 0,
      "" },
    { "Party 5 dec 2027 at 8pm", "Party", "2027-12-05T20:00:00Z", 1, "", "",
      0, "" },
    { "Party 2027-12-05", "Party", "2027-12-05T23:59:00Z", 0, "", "", 0, "" },
    { "Party 2027-02-30", "Party 2027-02-30", NULL, 0, "", "", 0, "" },
    { "Party 2027-13-01", "Party 2027-13-01", NULL, 0, "", "", 0, "" },
    { "Party 27-12-05", "Party 27-12-05", NULL, 0, "", "", 0, "" },
    { "Party feb 29", "Party feb 29", NULL, 0, "", "", 0, "" },
    { "Party feb 29 2028", "Party", "2028-02-29T23:59:00Z", 0, "", "", 0,
      "" },
    { "Party apr 31", "Party apr 31", NULL, 0, "", "", 0, "" },
    { "Party sept 9", "Party", "2027-09-09T23:59:00Z", 0, "", "", 0, "" },
    { "Party dec 32", "Party dec 32", NULL, 0, "", "", 0, "" },
    { "May the 4th", "May the 4th", NULL, 0, "", "", 0, "" },
    { "Read 1984", "Read 1984", NULL, 0, "", "", 0, "" },
    { "Lunch noon", "Lunch", "2026-12-01T12:00:00Z", 1, "", "", 0, "" },
    { "Lunch at noon", "Lunch", "2026-12-01T12:00:00Z", 1, "", "", 0, "" },
    { "Wake 7am", "Wake", "2026-12-02T07:00:00Z", 1, "", "", 0, "" },
    { "Wake 7:30am tomorrow", "Wake", "2026-12-02T07:30:00Z", 1, "", "", 0,
      "" },
    { "Meet 17:00", "Meet", "2026-12-01T17:00:00Z", 1, "", "", 0, "" },
    { "Meet 9:05", "Meet", "2026-12-02T09:05:00Z", 1, "", "", 0, "" },
    { "Meet 0:30", "Meet", "2026-12-02T00:30:00Z", 1, "", "", 0, "" },
    { "Meet 00:30", "Meet", "2026-12-02T00:30:00Z", 1, "", "", 0, "" },
    { "Meet at 9", "Meet", "2026-12-02T09:00:00Z", 1, "", "", 0, "" },
    { "Meet at 0", "Meet", "2026-12-02T00:00:00Z", 1, "", "", 0, "" },
    { "Meet at 9pm", "Meet", "2026-12-01T21:00:00Z", 1, "", "", 0, "" },
    { "Meet at 5:30 pm", "Meet", "2026-12-01T17:30:00Z", 1, "", "", 0, "" },
    { "Meet 5 pm", "Meet", "2026-12-01T17:00:00Z", 1, "", "", 0, "" },
    { "Meet 10 am tomorrow", "Meet", "2026-12-02T10:00:00Z", 1, "", "", 0,
      "" },
    { "Meet 12am", "Meet", "2026-12-02T00:00:00Z", 1, "", "", 0, "" },
    { "Meet 12pm", "Meet", "2026-12-01T12:00:00Z", 1, "", "", 0, "" },
    { "Meet midnight", "Meet", "2026-12-02T00:00:00Z", 1, "", "", 0, "" },
    { "Meet tomorrow midnight", "Meet", "2026-12-03T00:00:00Z", 1, "", "", 0,
      "" },
    { "Meet 13pm", "Meet 13pm", NULL, 0, "", "", 0, "" },
    { "Meet 0am", "Meet 0am", NULL, 0, "", "", 0, "" },
    { "Meet 25:00", "Meet 25:00", NULL, 0, "", "", 0, "" },
    { "Meet 9:60", "Meet 9:60", NULL, 0, "", "", 0, "" },
    { "Meet 7:5", "Meet 7:5", NULL, 0, "", "", 0, "" },
    { "Meet at 24", "Meet at 24", NULL, 0, "", "", 0, "" },
    { "Meet at", "Meet at", NULL, 0, "", "", 0, "" },
    { "Meet at home", "Meet at home", NULL, 0, "", "", 0, "" },
    { "Room 5", "Room 5", NULL, 0, "", "", 0, "" },
    { "Dentist 3pm friday", "Dentist", "2026-12-04T15:00:00Z", 1, "", "", 0,
      "" },
    { "Meet tomorrow friday", "Meet friday", "2026-12-02T23:59:00Z", 0, "",
      "", 0, "" },
    { "Meet 5pm 6pm", "Meet 6pm", "2026-12-01T17:00:00Z", 1, "", "", 0, "" },
    { "Pay rent tomorrow, then call", "Pay rent then call",
      "2026-12-02T23:59:00Z", 0, "", "", 0, "" },
    { "PAY RENT TOMORROW AT 5PM", "PAY RENT", "2026-12-02T17:00:00Z", 1, "",
      "", 0, "" },
    { "Sat exam prep", "exam prep", "2026-12-05T23:59:00Z", 0, "", "", 0,
      "" },

    /* lists */
    { "#Home tidy", "tidy", NULL, 0, "Home", "", 0, "" },
    { "Tidy #\"Two words\"", "Tidy", NULL, 0, "Two words", "", 0, "" },
    { "Tidy #\"Home\" now", "Tidy now", NULL, 0, "Home", "", 0, "" },
    { "Tidy #\"Open", "Tidy #\"Open", NULL, 0, "", "", 0, "" },
    { "Tidy #\"\"", "Tidy #\"\"", NULL, 0, "", "", 0, "" },
    { "Tidy #", "Tidy #", NULL, 0, "", "", 0, "" },
    { "Tidy #Home #Work", "Tidy #Work", NULL, 0, "Home", "", 0, "" },
    { "Tidy #Home,", "Tidy", NULL, 0, "Home", "", 0, "" },
    { "Tidy #Café", "Tidy", NULL, 0, "Café", "", 0, "" },

    /* labels */
    { "Tidy @a @b @c", "Tidy", NULL, 0, "", "a,b,c", 0, "" },
    { "Tidy @@", "Tidy @@", NULL, 0, "", "", 0, "" },
    { "Tidy @", "Tidy @", NULL, 0, "", "", 0, "" },
    { "Tidy @a @A", "Tidy", NULL, 0, "", "a", 0, "" },
    { "Tidy @bills,", "Tidy", NULL, 0, "", "bills", 0, "" },
    { "Tidy @a#b", "Tidy @a#b", NULL, 0, "", "", 0, "" },
    { "Tidy @1 @2 @3 @4 @5 @6 @7 @8 @9 @10 @11", "Tidy @11", NULL, 0, "",
      "1,2,3,4,5,6,7,8,9,10", 0, "" },
    { "mail@example.com", "mail@example.com", NULL, 0, "", "", 0, "" },

    /* priority */
    { "Tidy p1", "Tidy", NULL, 0, "", "", 1, "" },
    { "Tidy P4", "Tidy", NULL, 0, "", "", 4, "" },
    { "Tidy !2", "Tidy", NULL, 0, "", "", 2, "" },
    { "Tidy !3", "Tidy", NULL, 0, "", "", 3, "" },
    { "Tidy p5", "Tidy p5", NULL, 0, "", "", 0, "" },
    { "Tidy p0", "Tidy p0", NULL, 0, "", "", 0, "" },
    { "Tidy !0", "Tidy !0", NULL, 0, "", "", 0, "" },
    { "Tidy p1 p2", "Tidy p2", NULL, 0, "", "", 1, "" },
    { "Tidy p12", "Tidy p12", NULL, 0, "", "", 0, "" },

    /* repeats */
    { "Standup every day", "Standup", "2026-12-01T23:59:00Z", 0, "", "", 0,
      "FREQ=DAILY" },
    { "Standup every day at 9", "Standup", "2026-12-02T09:00:00Z", 1, "", "",
      0, "FREQ=DAILY" },
    { "Standup every weekday", "Standup", "2026-12-01T23:59:00Z", 0, "", "",
      0, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" },
    { "Gym every monday", "Gym", "2026-12-07T23:59:00Z", 0, "", "", 0,
      "FREQ=WEEKLY;BYDAY=MO" },
    { "Gym every mon, thu", "Gym", "2026-12-03T23:59:00Z", 0, "", "", 0,
      "FREQ=WEEKLY;BYDAY=MO,TH" },
    /* a Tuesday: the first day of the rule, not today */
    { "Gym every mon and thu 6pm", "Gym", "2026-12-03T18:00:00Z", 1, "", "",
      0, "FREQ=WEEKLY;BYDAY=MO,TH" },
    { "Standup every monday at 9", "Standup", "2026-12-07T09:00:00Z", 1, "",
      "", 0, "FREQ=WEEKLY;BYDAY=MO" },
    { "Gym every sunday", "Gym", "2026-12-06T23:59:00Z", 0, "", "", 0,
      "FREQ=WEEKLY;BYDAY=SU" },
    { "Water every 2 weeks", "Water", "2026-12-01T23:59:00Z", 0, "", "", 0,
      "FREQ=WEEKLY;INTERVAL=2" },
    { "Water every 3 days", "Water", "2026-12-01T23:59:00Z", 0, "", "", 0,
      "FREQ=DAILY;INTERVAL=3" },
    { "Water every 1 day", "Water", "2026-12-01T23:59:00Z", 0, "", "", 0,
      "FREQ=DAILY" },
    { "Water every 6 months", "Water", "2026-12-01T23:59:00Z", 0, "", "", 0,
      "FREQ=MONTHLY;INTERVAL=6" },
    { "Water every 2 years", "Water", "2026-12-01T23:59:00Z", 0, "", "", 0,
      "FREQ=YEARLY;INTERVAL=2" },
    { "Pay every month on the 15th", "Pay", "2026-12-15T23:59:00Z", 0, "", "",
      0, "FREQ=MONTHLY;BYMONTHDAY=15" },
    { "Pay every month on the 1st", "Pay", "2026-12-01T23:59:00Z", 0, "", "",
      0, "FREQ=MONTHLY;BYMONTHDAY=1" },
    { "Pay every month on the 31st", "Pay", "2026-12-31T23:59:00Z", 0, "",
      "", 0, "FREQ=MONTHLY;BYMONTHDAY=31" },
    { "Pay every month on the 32nd", "Pay on the 32nd",
      "2026-12-01T23:59:00Z", 0, "", "", 0, "FREQ=MONTHLY" },
    { "Pay every month", "Pay", "2026-12-01T23:59:00Z", 0, "", "", 0,
      "FREQ=MONTHLY" },
    { "Renew every year", "Renew", "2026-12-01T23:59:00Z", 0, "", "", 0,
      "FREQ=YEARLY" },
    { "Renew every week", "Renew", "2026-12-01T23:59:00Z", 0, "", "", 0,
      "FREQ=WEEKLY" },
    { "Renew every year dec 24", "Renew", "2026-12-24T23:59:00Z", 0, "", "",
      0, "FREQ=YEARLY" },
    { "every", "every", NULL, 0, "", "", 0, "" },
    { "Do every blah", "Do every blah", NULL, 0, "", "", 0, "" },
    { "Do every 0 days", "Do every 0 days", NULL, 0, "", "", 0, "" },
    { "Do every day every week", "Do every week", "2026-12-01T23:59:00Z", 0,
      "", "", 0, "FREQ=DAILY" },

    /* everything at once, in any order */
    { "p2 @work #Office every weekday 9am Standup", "Standup",
      "2026-12-02T09:00:00Z", 1, "Office", "work", 2,
      "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" },
    { "Café tomorrow", "Café", "2026-12-02T23:59:00Z", 0, "", "", 0, "" },
};


static void
tm_test_table(void **state)
{
    char            due[32], labels[512];
    size_t          i, k;
    tm_quickadd_t   qa;
    const char     *what;

    for (i = 0; i < TM_TEST_N(tm_qa_cases); i++) {
        const tm_qa_case_t  *c = &tm_qa_cases[i];

        what = c->text;

        if (tm_quickadd_parse(c->text, strlen(c->text), tm_test_t(NOW),
                              "UTC", &qa)
            != TM_QA_OK)
        {
            fail_msg("%s: refused: %s", what, qa.title);
        }

        if (strcmp(qa.title, c->title) != 0) {
            fail_msg("%s: title \"%s\", not \"%s\"", what, qa.title,
                     c->title);
        }

        due[0] = '\0';
        if (qa.has_due) {
            tm_format_rfc3339(qa.due, due);
        }

        if (strcmp(due, c->due ? c->due : "") != 0
            || (qa.has_due && qa.has_time != c->has_time))
        {
            fail_msg("%s: due \"%s\" (time %d), not \"%s\" (time %d)", what,
                     due, qa.has_time, c->due ? c->due : "", c->has_time);
        }

        labels[0] = '\0';
        for (k = 0; k < qa.nlabels; k++) {
            strcat(labels, k ? "," : "");
            strcat(labels, qa.labels[k]);
        }

        if (strcmp(qa.list, c->list) != 0 || strcmp(labels, c->labels) != 0
            || qa.priority != c->priority
            || strcmp(qa.repeat, c->repeat) != 0)
        {
            fail_msg("%s: list \"%s\" labels \"%s\" p%d repeat \"%s\"", what,
                     qa.list, labels, qa.priority, qa.repeat);
        }
    }
}


/* every weekday and month name, long and short; priorities both ways */

static void
tm_test_names(void **state)
{
    char           text[64], due[32];
    int            i, n;
    tm_quickadd_t  qa;

    static const char  *days[][2] = {
        { "sunday", "2026-12-06" }, { "monday", "2026-12-07" },
        { "tuesday", "2026-12-01" }, { "wednesday", "2026-12-02" },
        { "thursday", "2026-12-03" }, { "friday", "2026-12-04" },
        { "saturday", "2026-12-05" },
    };
    static const char  *months[] = {
        "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december",
    };

    n = 0;

    for (i = 0; i < 7; i++) {
        snprintf(text, sizeof(text), "Task %s", days[i][0]);
        assert_int_equal(tm_quickadd_parse(text, strlen(text),
                                           tm_test_t(NOW), "UTC", &qa),
                         TM_QA_OK);
        tm_format_rfc3339(qa.due, due);
        assert_memory_equal(due, days[i][1], 10);

        snprintf(text, sizeof(text), "Task %.3s", days[i][0]);
        assert_int_equal(tm_quickadd_parse(text, strlen(text),
                                           tm_test_t(NOW), "UTC", &qa),
                         TM_QA_OK);
        tm_format_rfc3339(qa.due, due);
        assert_memory_equal(due, days[i][1], 10);
        assert_string_equal(qa.title, "Task");
        n += 2;
    }

    /* the 10th: this year's December, next year's for the rest */
    for (i = 0; i < 12; i++) {
        snprintf(text, sizeof(text), "Task %s 10", months[i]);
        assert_int_equal(tm_quickadd_parse(text, strlen(text),
                                           tm_test_t(NOW), "UTC", &qa),
                         TM_QA_OK);
        tm_format_rfc3339(qa.due, due);
        snprintf(text, sizeof(text), "%d-%02d-10", i == 11 ? 2026 : 2027,
                 i + 1);
        assert_memory_equal(due, text, 10);

        snprintf(text, sizeof(text), "10 %.3s task", months[i]);
        assert_int_equal(tm_quickadd_parse(text, strlen(text),
                                           tm_test_t(NOW), "UTC", &qa),
                         TM_QA_OK);
        assert_string_equal(qa.title, "task");
        n += 2;
    }

    for (i = 1; i <= 4; i++) {
        snprintf(text, sizeof(text), "Task P%d", i);
        assert_int_equal(tm_quickadd_parse(text, strlen(text),
                                           tm_test_t(NOW), "UTC", &qa),
                         TM_QA_OK);
        assert_int_equal(qa.priority, i);
        snprintf(text, sizeof(text), "!%d Task", i);
        assert_int_equal(tm_quickadd_parse(text, strlen(text),
                                           tm_test_t(NOW), "UTC", &qa),
                         TM_QA_OK);
        assert_int_equal(qa.priority, i);
        n += 2;
    }

    /* with the table: the phrases tried */
    assert_true(n + TM_TEST_N(tm_qa_cases) >= 150);
}


/* dates are the user's: zones, and both DST changes */

static void
tm_test_zones(void **state)
{
    char           due[32];
    size_t         i;
    tm_quickadd_t  qa;

    static const struct {
        const char  *zone;
        const char  *now;
        const char  *text;
        const char  *due;
    } cases[] = {
        { "Europe/Berlin", NOW, "x tomorrow 5pm", "2026-12-02T16:00:00Z" },
        { "Europe/Berlin", NOW, "x today", "2026-12-01T22:59:00Z" },
        /* 22:00 on Monday 30 November in New York */
        { "America/New_York", "2026-12-01T03:00:00Z", "x today",
          "2026-12-01T04:59:00Z" },
        { "America/New_York", "2026-12-01T03:00:00Z", "x tomorrow 9am",
          "2026-12-01T14:00:00Z" },
        { "America/New_York", "2026-12-01T03:00:00Z", "x monday",
          "2026-12-01T04:59:00Z" },
        /* 02:30 does not happen on 14 March 2027 in New York: 03:30 EDT */
        { "America/New_York", "2027-03-13T15:00:00Z", "x tomorrow 2:30am",
          "2027-03-14T07:30:00Z" },
        { "America/New_York", "2027-03-13T15:00:00Z", "x tomorrow 9am",
          "2027-03-14T13:00:00Z" },
        /* 02:30 happens twice on 31 October 2027 in Berlin: the first */
        { "Europe/Berlin", "2027-10-30T10:00:00Z", "x tomorrow 2:30am",
          "2027-10-31T00:30:00Z" },
        { "Europe/Berlin", "2027-10-30T10:00:00Z", "x in 2 hours",
          "2027-10-30T12:00:00Z" },
        /* an unknown zone reads as UTC */
        { "Mars/Olympus", NOW, "x tomorrow 5pm", "2026-12-02T17:00:00Z" },
        { NULL, NOW, "x tomorrow 5pm", "2026-12-02T17:00:00Z" },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        assert_int_equal(tm_quickadd_parse(cases[i].text,
                                           strlen(cases[i].text),
                                           tm_test_t(cases[i].now),
                                           cases[i].zone, &qa),
                         TM_QA_OK);
        tm_format_rfc3339(qa.due, due);
        if (strcmp(due, cases[i].due) != 0) {
            fail_msg("%s in %s: %s, not %s", cases[i].text,
                     cases[i].zone ? cases[i].zone : "(none)", due,
                     cases[i].due);
        }
    }
}


/* what cannot be a task */

static void
tm_test_refused(void **state)
{
    char           big[TM_QA_TEXT_MAX + 2];
    size_t         i;
    tm_quickadd_t  qa;

    static const char  *empty[] = {
        "", "   ", "\t\n", "tomorrow", "#Home p1", "@a @b", "every day",
        "tomorrow 5pm #Home @bills p1 every weekday",
    };

    for (i = 0; i < TM_TEST_N(empty); i++) {
        assert_int_equal(tm_quickadd_parse(empty[i], strlen(empty[i]),
                                           tm_test_t(NOW), "UTC", &qa),
                         TM_QA_EMPTY_TITLE);
        assert_string_equal(qa.title, "nothing is left for a title");
    }

    assert_int_equal(tm_quickadd_parse("a\xff", 2, tm_test_t(NOW), "UTC",
                                       &qa), TM_QA_BAD_TEXT);
    assert_int_equal(tm_quickadd_parse("a\xc0\xaf", 3, tm_test_t(NOW), "UTC",
                                       &qa), TM_QA_BAD_TEXT);
    assert_int_equal(tm_quickadd_parse("a\0b", 3, tm_test_t(NOW), "UTC",
                                       &qa), TM_QA_BAD_TEXT);

    memset(big, 'a', sizeof(big));
    assert_int_equal(tm_quickadd_parse(big, TM_QA_TEXT_MAX + 1,
                                       tm_test_t(NOW), "UTC", &qa),
                     TM_QA_BAD_TEXT);

    /* the longest text, all words: no overflow anywhere */
    for (i = 0; i < TM_QA_TEXT_MAX; i += 2) {
        big[i] = 'p';
        big[i + 1] = ' ';
    }
    assert_int_equal(tm_quickadd_parse(big, TM_QA_TEXT_MAX, tm_test_t(NOW),
                                       "UTC", &qa), TM_QA_OK);
    assert_int_equal(strlen(qa.title), TM_QA_TEXT_MAX - 1);
}


/* where the parts are: bytes, and UTF-16 code units for the web app */

static void
tm_test_tokens(void **state)
{
    tm_quickadd_t  qa;
    const char    *t;

    t = "Pay rent tomorrow 5pm #Home @bills p1";
    assert_int_equal(tm_quickadd_parse(t, strlen(t), tm_test_t(NOW), "UTC",
                                       &qa), TM_QA_OK);
    assert_int_equal(qa.ntokens, 5);
    assert_int_equal(qa.tokens[0].kind, TM_QA_DATE);
    assert_int_equal(qa.tokens[0].start, 9);
    assert_int_equal(qa.tokens[0].end, 17);
    assert_int_equal(qa.tokens[1].kind, TM_QA_TIME);
    assert_int_equal(qa.tokens[2].kind, TM_QA_LIST);
    assert_int_equal(qa.tokens[2].start, 22);
    assert_int_equal(qa.tokens[2].end, 27);
    assert_int_equal(qa.tokens[3].kind, TM_QA_LABEL);
    assert_int_equal(qa.tokens[4].kind, TM_QA_PRIORITY);
    assert_string_equal(tm_qa_kinds[qa.tokens[4].kind], "priority");

    /* é: two bytes, one unit; the emoji: four bytes, two units */
    t = "Café \xf0\x9f\x98\x80 at 5pm";
    assert_int_equal(tm_quickadd_parse(t, strlen(t), tm_test_t(NOW), "UTC",
                                       &qa), TM_QA_OK);
    assert_int_equal(qa.ntokens, 1);
    assert_int_equal(qa.tokens[0].start, 11);
    assert_int_equal(qa.tokens[0].end, 17);
    assert_int_equal(qa.tokens[0].start16, 8);
    assert_int_equal(qa.tokens[0].end16, 14);

    t = "Tidy #\"Two words\" every mon and thu";
    assert_int_equal(tm_quickadd_parse(t, strlen(t), tm_test_t(NOW), "UTC",
                                       &qa), TM_QA_OK);
    assert_int_equal(qa.ntokens, 2);
    assert_int_equal(qa.tokens[0].start, 5);
    assert_int_equal(qa.tokens[0].end, 17);
    assert_int_equal(qa.tokens[1].kind, TM_QA_REPEAT);
    assert_int_equal(qa.tokens[1].end, strlen(t));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_table),
        cmocka_unit_test(tm_test_names),
        cmocka_unit_test(tm_test_zones),
        cmocka_unit_test(tm_test_refused),
        cmocka_unit_test(tm_test_tokens),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
