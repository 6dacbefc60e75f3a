/*
 * Search words (common/tm_search.c): folding, SearchText, q's words.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tm_search.h"


#define TM_TEST_N(a)    (sizeof(a) / sizeof((a)[0]))


static void
tm_test_fold(void **state)
{
    size_t  i;
    char    out[256];

    static const struct {
        const char  *in;
        const char  *out;
    } cases[] = {
        { "Report", "report" },
        { "Caf\xc3\xa9", "cafe" },                      /* Café */
        { "CAFE\xcc\x81", "cafe" },                     /* E + combining */
        { "Stra\xc3\x9f" "e", "strasse" },              /* Straße */
        { "na\xc3\xafve r\xc3\xa9sum\xc3\xa9", "naive resume" },
        { "Q4-report, final!", "q4 report  final " },
        { "\xce\x94\xce\xb9\xce\xac", "\xce\xb4\xce\xb9\xce\xb1" },  /* Διά */
        { "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac" },  /* 日本 */
        { "a\tb\nc", "a b c" },
        { "", "" },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        if (tm_search_fold(cases[i].in, strlen(cases[i].in), out,
                           sizeof(out)) < 0
            || strcmp(out, cases[i].out) != 0)
        {
            fail_msg("\"%s\": \"%s\", want \"%s\"", cases[i].in, out,
                     cases[i].out);
        }
    }

    assert_int_equal(tm_search_fold("\xc3", 1, out, sizeof(out)), -1);
    assert_int_equal(tm_search_fold("abcdef", 6, out, 4), -1);
}


static void
tm_test_text(void **state)
{
    char         out[128];
    const char  *parts[] = { "Pay the rent", "Rent is due; pay it!",
                             "Home", "bills", NULL };
    const char  *none[] = { "", "", NULL };

    assert_true(tm_search_text(parts, out, sizeof(out)) > 0);
    assert_string_equal(out, " pay the rent is due it home bills ");

    assert_int_equal(tm_search_text(none, out, sizeof(out)), 1);
    assert_string_equal(out, " ");

    /* what does not fit is left out, whole words only */
    assert_true(tm_search_text(parts, out, 16) > 0);
    assert_string_equal(out, " pay the rent ");
}


static void
tm_test_words(void **state)
{
    char         buf[512], q[256];
    long         n;
    const char  *w[TM_SEARCH_WORDS];

    n = tm_search_words("Rep  caf\xc3\xa9", 10, buf, sizeof(buf), w,
                        TM_SEARCH_WORDS);
    assert_int_equal(n, 2);
    assert_string_equal(w[0], "rep");
    assert_string_equal(w[1], "cafe");

    assert_int_equal(tm_search_words("", 0, buf, sizeof(buf), w,
                                     TM_SEARCH_WORDS), 0);
    assert_int_equal(tm_search_words(" , ! ", 5, buf, sizeof(buf), w,
                                     TM_SEARCH_WORDS), 0);

    /* at most 10 words, 100 characters */
    assert_int_equal(tm_search_words("a b c d e f g h i j", 19, buf,
                                     sizeof(buf), w, TM_SEARCH_WORDS), 10);
    assert_int_equal(tm_search_words("a b c d e f g h i j k", 21, buf,
                                     sizeof(buf), w, TM_SEARCH_WORDS), -1);
    memset(q, 'x', 100);
    assert_int_equal(tm_search_words(q, 100, buf, sizeof(buf), w,
                                     TM_SEARCH_WORDS), 1);
    memset(q, 'x', 101);
    assert_int_equal(tm_search_words(q, 101, buf, sizeof(buf), w,
                                     TM_SEARCH_WORDS), -1);
    assert_int_equal(tm_search_words("\xff", 1, buf, sizeof(buf), w,
                                     TM_SEARCH_WORDS), -1);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_fold),
        cmocka_unit_test(tm_test_text),
        cmocka_unit_test(tm_test_words),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
