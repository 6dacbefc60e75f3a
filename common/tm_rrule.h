/*
 * Repeating tasks: RFC 5545 RRULE values in the subset taskmgr supports,
 * checked with a reason for the API's error, and expanded with libical in
 * the user's zone, so that a 09:00 task stays at 09:00 local across DST.
 * nginx-free.
 *
 * The subset: FREQ (DAILY, WEEKLY, MONTHLY, YEARLY; required), INTERVAL
 * (1-999), COUNT (1-1000) or UNTIL (not both), BYDAY (ordinals such as 2TU
 * or -1FR only with FREQ=MONTHLY, 1-5, or YEARLY, 1-53), BYMONTHDAY (+-1 to
 * 31, not with WEEKLY) and BYMONTH (1-12); each part once.  Upper case
 * only, as RFC 5545 writes it, and the value alone (no "RRULE:"): a rule is
 * stored as it was given, so there is one spelling of each.  UNTIL is a UTC
 * date-time (20271231T235959Z), or a date (20271231): through that day in
 * the user's zone.
 *
 * A wall-clock time DST skips is read with the offset before the gap
 * (02:30 on the night New York springs forward is 03:30 EDT), one it
 * repeats is the first of the two, as RFC 5545 (3.3.5) reads DTSTART.
 *
 * COUNT counts from the first occurrence, which is the first one whether
 * or not it matches the rule (RFC 5545: DTSTART always counts).
 *
 * The work is bounded: occurrences are looked for up to TM_RRULE_YEARS
 * past the later of the first occurrence and the time asked about, and at
 * most TM_RRULE_STEPS of them are stepped through per call; a rule that
 * finds nothing within those (yearly on Feb 29 with INTERVAL=4 from an odd
 * year) has no more occurrences.  libical expands no further than the
 * year 2582.
 */

#ifndef TM_RRULE_H
#define TM_RRULE_H

#include <stddef.h>


#define TM_RRULE_MAX           256      /* bytes of a rule */
#define TM_RRULE_INTERVAL_MAX  999
#define TM_RRULE_COUNT_MAX     1000
#define TM_RRULE_YEARS         10
#define TM_RRULE_STEPS         20000


/* NULL if s (len bytes) is a rule of the subset, else why not (static
 * text, for the API's message) */
const char *tm_valid_rrule(const char *s, size_t len);

/*
 * The occurrences strictly after `after` (epoch seconds) of the series
 * whose first occurrence is `first` (epoch seconds, its local time of day
 * kept) repeating by rule in zone (IANA; NULL: UTC), ascending into
 * out[0..n-1]: how many, fewer than n when there are no more (COUNT or
 * UNTIL reached, or none within the bounds above); -1 if the rule is not
 * valid or the zone not known.
 */
int tm_rrule_next(const char *rule, long long first, const char *zone,
    long long after, long long *out, int n);

/*
 * Repeating from completion: the next due date after a completion at
 * `done`: the rule started again on done's local date at the first
 * occurrence's local time of day, its first occurrence strictly after that
 * start.  seq is the number of occurrences so far, the completed one
 * included, for COUNT.  1 and *out, 0 when there are no more, -1 as above.
 */
int tm_rrule_after_completion(const char *rule, long long first,
    const char *zone, long long done, int seq, long long *out);

#endif /* TM_RRULE_H */
