/*
 * The times the module and the scheduler write into items and logs, to the
 * millisecond: "2026-11-25T17:00:00.123Z".  Fixed width, so that they sort
 * as strings in DynamoDB's keys and compare with each other as text.
 * nginx-free.
 */

#ifndef TM_TIME_H
#define TM_TIME_H


/* "2026-11-25T17:00:00.123Z" and its NUL */
#define TM_TIME_MS_SIZE  25


/*
 * ms: milliseconds since the epoch, UTC; out holds >= TM_TIME_MS_SIZE
 * bytes.  Outside 1970-9999 out is "".
 */
void tm_time_ms(long long ms, char *out);

/* 1 if t (NUL-terminated, or 19 bytes at least) starts
 * "YYYY-MM-DDTHH:MM:SS", digits for the letters: a stored time whose first
 * 19 bytes and a "Z" make an API Timestamp */
int tm_time_shaped(const char *t);

#endif /* TM_TIME_H */
