/*
 * Millisecond timestamps, on tm_format_rfc3339()'s seconds, and the shape
 * of stored times.
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


int
tm_time_shaped(const char *t)
{
    int          i;
    const char  *shape = "dddd-dd-ddTdd:dd:dd";

    for (i = 0; shape[i]; i++) {
        if (shape[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != shape[i]) {
            return 0;
        }
    }

    return 1;
}
