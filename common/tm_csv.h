/*
 * The tasks as CSV (RFC 4180: CRLF line ends, a field holding a comma, a
 * quote, CR or LF is quoted with its quotes doubled; UTF-8 as stored), a
 * row written from a task's API JSON (tm_task_write): the export's CSV is
 * another rendering of the one serializer, not a second reading of the
 * item.  nginx-free.
 */

#ifndef TM_CSV_H
#define TM_CSV_H

#include <stddef.h>
#include <jansson.h>


/* the header row, CRLF included */
extern const char  tm_csv_task_header[];

/* one task's API JSON as a row, CRLF included, into out: its length, or
 * -1 when it does not fit (NUL-terminated when it does) */
long tm_csv_task_row(const json_t *task, char *out, size_t size);

#endif /* TM_CSV_H */
