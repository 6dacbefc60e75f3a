/*
 * What the unit tests of the time functions (test_when.c, test_rrule.c)
 * share: the size of a table, and times written as in the API.
 */

#ifndef TM_TEST_H
#define TM_TEST_H

#include <string.h>

#include "tm_validate.h"


#define TM_TEST_N(a)    (sizeof(a) / sizeof((a)[0]))


/* "2027-03-14T07:00:00Z" as epoch seconds; a typo fails the test */

static long long
tm_test_t(const char *s)
{
    long long  t;

    if (tm_parse_rfc3339(s, strlen(s), &t) != 0) {
        fail_msg("bad time in the test: %s", s);
    }

    return t;
}

#endif /* TM_TEST_H */
