/*
 * Millisecond timestamps, on tm_format_rfc3339()'s seconds.
 */

#include "tm_time.h"
#include "tm_validate.h"


void
tm_time_ms(long long ms, char *out)
{
    int  frac;

    if (ms < 0) {
        out[0] = '\0';
        return;
    }

    tm_format_rfc3339(ms / 1000, out);

    if (out[0] == '\0') {
        return;
    }

    frac = (int) (ms % 1000);

    /* "...:00Z" becomes "...:00.123Z" */
    out[19] = '.';
    out[20] = (char) ('0' + frac / 100);
    out[21] = (char) ('0' + frac / 10 % 10);
    out[22] = (char) ('0' + frac % 10);
    out[23] = 'Z';
    out[24] = '\0';
}
