/*
 * Due times as people read them, in the user's time zone: "is due today at
 * 5:00 PM (Europe/Berlin)", "was due yesterday at 9:00 AM (UTC)", "is due
 * tomorrow" (a date without a time).  The one formatter for every text:
 * the in-app message, the email's subject and body, the SMS.  nginx-free.
 *
 * A due date without a time: the API has no separate flag; the web app
 * stores a day given without a time as 23:59 local (web/lib/dates.ts,
 * isDateOnly), and tm_when_date_only() reads it back the same way.
 */

#ifndef TM_WHEN_H
#define TM_WHEN_H

#include <stddef.h>


/* enough for any output, with a 64-byte zone name */
#define TM_WHEN_SIZE  128


typedef struct {
    long long    due;           /* the due instant, epoch seconds (UTC) */
    long long    now;           /* epoch seconds: "today" is its day */
    const char  *zone;          /* IANA name; NULL or unknown: UTC */
    int          date_only;     /* a day, not a time */
} tm_when_t;


/*
 * "is due today at 5:00 PM (Europe/Berlin)", "is due tomorrow at ...",
 * "was due yesterday at ...", "is due on Friday, 4 December at ..." (within
 * six days), "was due on 3 December 2026 at ..." (further); a date only:
 * "is due today", "was due on 3 December 2026".  A time is past when it is
 * before now, a date only when its day is before today.  Into out (size
 * bytes, NUL-terminated, cut if short); the length it needed, as snprintf.
 */
size_t tm_when_due(const tm_when_t *w, char *out, size_t size);

/* "Friday, 4 December 2026 at 5:00 PM (Europe/Berlin)", or
 * "Friday, 4 December 2026" for a date only */
size_t tm_when_date(long long t, const char *zone, int date_only, char *out,
    size_t size);

/* 1 if t is 23:59 in zone: a due date given as a day only */
int tm_when_date_only(long long t, const char *zone);

#endif /* TM_WHEN_H */
