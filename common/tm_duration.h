/*
 * ISO 8601 durations of fixed length, as reminders and snoozes give them:
 * "PT0S", "PT15M", "P1D", "P1W", "P1DT2H".  Weeks, days, hours, minutes
 * and seconds only: years and months have no fixed length.  nginx-free.
 */

#ifndef TM_DURATION_H
#define TM_DURATION_H

#include <stddef.h>


#define TM_DURATION_INVALID   -1
#define TM_DURATION_TOO_LONG  -2

#define TM_DURATION_WEEK      (7 * 86400LL)


/*
 * s (len bytes, not NUL-terminated) to seconds in *out: 0, or
 * TM_DURATION_INVALID (not a duration of the form below), or
 * TM_DURATION_TOO_LONG (one, but longer than max seconds).
 *
 *     P nW | P nD [T ...] | P T [nH] [nM] [nS]
 *
 * Upper case, at least one number after P and after T, each unit at most
 * once and in this order, weeks alone (as RFC 5545 has them); no sign, no
 * fraction, no space.
 */
int tm_duration_parse(const char *s, size_t len, long long max,
    long long *out);

#endif /* TM_DURATION_H */
