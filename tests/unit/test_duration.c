/*
 * ISO 8601 durations (common/tm_duration.c): valid forms, refused ones,
 * over the caller's maximum and past what a long long holds.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <string.h>
#include <cmocka.h>

#include "tm_duration.h"


#define TM_TEST_N(a)    (sizeof(a) / sizeof((a)[0]))
#define TM_TEST_4W      (4 * TM_DURATION_WEEK)


static void
tm_test_durations(void **state)
{
    int        rc;
    size_t     i;
    long long  got;

    static const struct {
        const char  *s;
        long long    max;
        int          rc;
        long long    seconds;
    } cases[] = {
        /* the reminders and snoozes the issue names */
        { "PT0S", TM_TEST_4W, 0, 0 },
        { "PT15M", TM_TEST_4W, 0, 900 },
        { "PT1H", TM_TEST_4W, 0, 3600 },
        { "P1D", TM_TEST_4W, 0, 86400 },
        { "P1W", TM_TEST_4W, 0, 604800 },
        { "PT10M", TM_TEST_4W, 0, 600 },
        { "P1DT2H", TM_TEST_4W, 0, 93600 },
        { "P1DT2H3M4S", TM_TEST_4W, 0, 93784 },
        { "PT1H30S", TM_TEST_4W, 0, 3630 },     /* ISO 8601 skips M */
        { "PT36H", TM_TEST_4W, 0, 129600 },     /* not carried */
        { "PT90M", TM_TEST_4W, 0, 5400 },
        { "P0D", TM_TEST_4W, 0, 0 },
        { "PT007M", TM_TEST_4W, 0, 420 },       /* leading zeros */
        { "P28D", TM_TEST_4W, 0, TM_TEST_4W },  /* max itself */
        { "P4W", TM_TEST_4W, 0, TM_TEST_4W },
        { "PT2419200S", TM_TEST_4W, 0, TM_TEST_4W },
        { "P7D", 7 * 86400, 0, 7 * 86400 },     /* snooze's max */

        /* not durations, or not ones of fixed length */
        { "", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "P", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "P1DT", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "P1Y", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "P1M", TM_TEST_4W, TM_DURATION_INVALID, 0 },   /* a month */
        { "P1H", TM_TEST_4W, TM_DURATION_INVALID, 0 },   /* T missing */
        { "PT1D", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT1W", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "P1W1D", TM_TEST_4W, TM_DURATION_INVALID, 0 }, /* weeks alone */
        { "P1WT1H", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "P1D1W", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT1M1H", TM_TEST_4W, TM_DURATION_INVALID, 0 }, /* order */
        { "PT1H1H", TM_TEST_4W, TM_DURATION_INVALID, 0 }, /* twice */
        { "P1D1D", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PTT1H", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "P1DTT1H", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT1HT1M", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "pt15m", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT15m", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "-PT15M", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "+PT15M", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT-15M", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT+15M", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT1.5H", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT1,5H", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT0.5S", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { " PT15M", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT15M ", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT 15M", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PTM", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT15", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "15M", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "P1DT2H3", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "PT15X", TM_TEST_4W, TM_DURATION_INVALID, 0 },
        { "R1/PT15M", TM_TEST_4W, TM_DURATION_INVALID, 0 },

        /* longer than the caller allows */
        { "P29D", TM_TEST_4W, TM_DURATION_TOO_LONG, 0 },
        { "P5W", TM_TEST_4W, TM_DURATION_TOO_LONG, 0 },
        { "P28DT1S", TM_TEST_4W, TM_DURATION_TOO_LONG, 0 },
        { "PT2419201S", TM_TEST_4W, TM_DURATION_TOO_LONG, 0 },
        { "PT673H", TM_TEST_4W, TM_DURATION_TOO_LONG, 0 },
        { "P8D", 7 * 86400, TM_DURATION_TOO_LONG, 0 },
        { "PT1S", 0, TM_DURATION_TOO_LONG, 0 },
        { "PT0S", 0, 0, 0 },

        /* past what a long long holds: too long, never wrapped round */
        { "PT99999999999999999999999999S", TM_TEST_4W,
          TM_DURATION_TOO_LONG, 0 },
        { "P9223372036854775807W", LLONG_MAX, TM_DURATION_TOO_LONG, 0 },
        { "PT9223372036854775807S", LLONG_MAX, 0, LLONG_MAX },
        { "PT9223372036854775808S", LLONG_MAX, TM_DURATION_TOO_LONG, 0 },
        { "PT9223372036854775807S1", LLONG_MAX, TM_DURATION_INVALID, 0 },
        { "P106751991167300DT15H30M7S", LLONG_MAX, 0, LLONG_MAX },
        { "P106751991167300DT15H30M8S", LLONG_MAX, TM_DURATION_TOO_LONG,
          0 },
        /* too long, and malformed after: malformed wins */
        { "P99999999999999999999DX", TM_TEST_4W, TM_DURATION_INVALID, 0 },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        got = -7;
        rc = tm_duration_parse(cases[i].s, strlen(cases[i].s), cases[i].max,
                               &got);

        if (rc != cases[i].rc
            || (rc == 0 && got != cases[i].seconds)
            || (rc != 0 && got != -7))
        {
            fail_msg("\"%s\" max %lld: rc %d (%lld), want %d (%lld)",
                     cases[i].s, cases[i].max, rc, got, cases[i].rc,
                     cases[i].seconds);
        }
    }
}


/* only len bytes are read: the value need not end in a NUL */

static void
tm_test_length(void **state)
{
    long long  got;

    assert_int_equal(tm_duration_parse("PT15M30S", 5, TM_TEST_4W, &got), 0);
    assert_int_equal(got, 900);
    assert_int_equal(tm_duration_parse("P1D\0T1H", 7, TM_TEST_4W, &got),
                     TM_DURATION_INVALID);
    assert_int_equal(tm_duration_parse("PT15M", 0, TM_TEST_4W, &got),
                     TM_DURATION_INVALID);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_durations),
        cmocka_unit_test(tm_test_length),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
