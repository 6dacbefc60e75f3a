/*
 * Millisecond timestamps (common/tm_time.c), as the module and the
 * scheduler write them into items and logs.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tm_time.h"


#define TM_TEST_N(a)  (sizeof(a) / sizeof((a)[0]))


static void
tm_test_time_ms(void **state)
{
    char    out[TM_TIME_MS_SIZE + 8];
    size_t  i;

    static const struct {
        long long    ms;
        const char  *expect;
    } cases[] = {
        { 1795626000123LL, "2026-11-25T17:00:00.123Z" },
        { 1795626000000LL, "2026-11-25T17:00:00.000Z" },    /* msec 0 */
        { 1795626000999LL, "2026-11-25T17:00:00.999Z" },    /* msec 999 */
        { 1795626000001LL, "2026-11-25T17:00:00.001Z" },
        { 1795626000010LL, "2026-11-25T17:00:00.010Z" },
        { 1795626000100LL, "2026-11-25T17:00:00.100Z" },
        { 1795626001000LL, "2026-11-25T17:00:01.000Z" },    /* carries */
        { 1795625999999LL, "2026-11-25T16:59:59.999Z" },
        { 1798761599999LL, "2026-12-31T23:59:59.999Z" },
        { 1798761600000LL, "2027-01-01T00:00:00.000Z" },
        { 1709164800500LL, "2024-02-29T00:00:00.500Z" },    /* leap day */
        { 0, "1970-01-01T00:00:00.000Z" },
        { 999, "1970-01-01T00:00:00.999Z" },
        { 253402300799999LL, "9999-12-31T23:59:59.999Z" },

        /* outside what it writes */
        { 253402300800000LL, "" },
        { -1, "" },
        { -1000, "" },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        memset(out, 'x', sizeof(out));

        tm_time_ms(cases[i].ms, out);

        if (strcmp(out, cases[i].expect) != 0) {
            fail_msg("case %zu (%lld): \"%s\", want \"%s\"", i,
                     cases[i].ms, out, cases[i].expect);
        }

        /* nothing past its TM_TIME_MS_SIZE bytes */
        if (out[TM_TIME_MS_SIZE] != 'x') {
            fail_msg("case %zu: wrote past %d bytes", i, TM_TIME_MS_SIZE);
        }
    }

    /* fixed width: the length is TM_TIME_MS_SIZE - 1 */
    tm_time_ms(1795626000123LL, out);
    assert_int_equal(strlen(out), TM_TIME_MS_SIZE - 1);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_time_ms),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
