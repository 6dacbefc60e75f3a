/*
 * libFuzzer target: RFC 3339 date-times (common/tm_validate.c), as due
 * dates in bodies and the list's due= filters give them, and the times
 * written back (tm_format_rfc3339, tm_time_ms).  What the parser takes
 * formats back to the same instant, and what it formats it takes; a date
 * already in the stored form ("...T17:00:00Z") formats back to itself.
 */

#include <string.h>

#include "fuzz.h"
#include "tm_time.h"
#include "tm_validate.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char         out[TM_TIME_MS_SIZE], ms[TM_TIME_MS_SIZE];
    long long    t, again, n;
    const char  *s;

    s = (const char *) data;

    if (tm_parse_rfc3339(s, size, &t) == 0) {
        fz_check(t >= 0 && t <= TM_RFC3339_MAX);
        fz_check(tm_valid_datetime(s, size) == NULL);

        tm_format_rfc3339(t, out);
        fz_check(strlen(out) == 20);
        fz_check(tm_parse_rfc3339(out, 20, &again) == 0 && again == t);

        /* the stored form: seconds, UTC, upper-case */
        if (size == 20 && s[10] == 'T' && s[19] == 'Z') {
            fz_check(memcmp(out, s, 20) == 0);
        }

    } else {
        fz_check(tm_valid_datetime(s, size) != NULL);
    }

    /* the bytes as a time, in seconds and in milliseconds (before 1970
     * the parser refuses what the formatter may write) */
    if (size >= sizeof(n)) {
        memcpy(&n, data, sizeof(n));
        n = n < 0 ? -(n + 1) : n;

        tm_format_rfc3339(n, out);
        fz_check(out[0] == '\0'
                 || (tm_parse_rfc3339(out, strlen(out), &again) == 0
                     && again == n));

        tm_time_ms(n, ms);
        fz_check(ms[0] == '\0'
                 || (strlen(ms) == TM_TIME_MS_SIZE - 1
                     && tm_parse_rfc3339(ms, strlen(ms), &again) == 0
                     && again == n / 1000));
    }

    return 0;
}
