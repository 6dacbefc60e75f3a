/*
 * Prometheus text exposition (common/tm_prom.c), as the scheduler writes
 * its metrics file: buckets (le is "less or equal", cumulative), sums,
 * labels, a buffer that grows, and the nearest-rank quantile of its
 * per-pass lag figure.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tm_prom.h"


#define TM_TEST_N(a)  (sizeof(a) / sizeof((a)[0]))


static const double  tm_test_bounds[] = { 0.5, 1, 2.5 };


static void
tm_test_prom_hist(void **state)
{
    tm_prom_buf_t   b;
    tm_prom_hist_t  h;

    tm_prom_hist_init(&h, tm_test_bounds, TM_TEST_N(tm_test_bounds));

    tm_prom_observe(&h, 0);
    tm_prom_observe(&h, 0.5);         /* on the bound: in it */
    tm_prom_observe(&h, 0.501);
    tm_prom_observe(&h, 2.5);
    tm_prom_observe(&h, 7);           /* +Inf only */

    assert_int_equal(h.count, 5);

    memset(&b, 0, sizeof(b));
    tm_prom_family(&b, "x_seconds", "histogram", "X.");
    tm_prom_hist(&b, "x_seconds", "channel=\"sms\"", &h);

    assert_false(b.failed);
    assert_string_equal(b.data,
        "# HELP x_seconds X.\n"
        "# TYPE x_seconds histogram\n"
        "x_seconds_bucket{channel=\"sms\",le=\"0.5\"} 2\n"
        "x_seconds_bucket{channel=\"sms\",le=\"1\"} 3\n"
        "x_seconds_bucket{channel=\"sms\",le=\"2.5\"} 4\n"
        "x_seconds_bucket{channel=\"sms\",le=\"+Inf\"} 5\n"
        "x_seconds_sum{channel=\"sms\"} 10.501\n"
        "x_seconds_count{channel=\"sms\"} 5\n");

    tm_prom_buf_free(&b);

    /* no labels, nothing observed */
    tm_prom_hist_init(&h, tm_test_bounds, 1);
    tm_prom_hist(&b, "y", NULL, &h);

    assert_string_equal(b.data,
        "y_bucket{le=\"0.5\"} 0\n"
        "y_bucket{le=\"+Inf\"} 0\n"
        "y_sum 0.000\n"
        "y_count 0\n");

    tm_prom_buf_free(&b);
    assert_null(b.data);
}


static void
tm_test_prom_samples(void **state)
{
    char           name[32];
    size_t         i;
    tm_prom_buf_t  b;

    memset(&b, 0, sizeof(b));

    tm_prom_sample(&b, "a_total", NULL, 0);
    tm_prom_sample(&b, "a_total", "", 1);
    tm_prom_sample(&b, "b_total", "op=\"Query\",outcome=\"ok\"",
                   18446744073709551615ULL);

    assert_string_equal(b.data,
        "a_total 0\n"
        "a_total 1\n"
        "b_total{op=\"Query\",outcome=\"ok\"} 18446744073709551615\n");

    tm_prom_buf_free(&b);

    /* past its first 4 KiB: grown, whole */
    for (i = 0; i < 1000; i++) {
        snprintf(name, sizeof(name), "m%zu", i);
        tm_prom_sample(&b, name, NULL, i);
    }

    assert_false(b.failed);
    assert_true(b.len > 4096);
    assert_int_equal(strlen(b.data), b.len);
    assert_non_null(strstr(b.data, "\nm999 999\n"));
    assert_memory_equal(b.data, "m0 0\nm1 1\n", 10);

    tm_prom_buf_free(&b);
}


static void
tm_test_prom_quantile(void **state)
{
    size_t     i;
    long long  v[200];

    static long long  one[] = { 42 };
    static long long  ten[] = { 9, 1, 8, 2, 7, 3, 6, 4, 5, 10 };

    assert_int_equal(tm_prom_quantile(NULL, 0, 0.99), 0);
    assert_int_equal(tm_prom_quantile(one, 1, 0.99), 42);

    /* 10 values: the 99th percentile is the largest, the median the 5th */
    assert_int_equal(tm_prom_quantile(ten, 10, 0.99), 10);
    assert_int_equal(tm_prom_quantile(ten, 10, 0.5), 5);
    assert_int_equal(tm_prom_quantile(ten, 10, 1), 10);
    assert_int_equal(tm_prom_quantile(ten, 10, 0.1), 1);

    /* 200 values 1..200 shuffled: p99 is the 198th */
    for (i = 0; i < 200; i++) {
        v[i] = (long long) ((i * 7919) % 200) + 1;
    }

    assert_int_equal(tm_prom_quantile(v, 200, 0.99), 198);
    assert_int_equal(v[0], 1);
    assert_int_equal(v[199], 200);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_prom_hist),
        cmocka_unit_test(tm_test_prom_samples),
        cmocka_unit_test(tm_test_prom_quantile),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
