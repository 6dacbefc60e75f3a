/*
 * The calendar feed's iCalendar text (RFC 5545), made by libical: the
 * VCALENDAR's head (with the owner's VTIMEZONE), one VEVENT per task with
 * a due date written from the task's API JSON (tm_task_write), and the
 * end, so that a feed can be sent a page of tasks at a time.
 * nginx-free.
 *
 * VEVENT, not VTODO: Google Calendar and Apple Calendar show no VTODO of a
 * subscribed calendar (Thunderbird does both), and a due date is a point
 * in time a calendar shows well as an event.  Each event starts at the
 * due date and has no end (zero length, RFC 5545 3.6.1), is transparent
 * (it blocks no time), UID "<task id>@taskmgr" (stable), DTSTAMP and
 * LAST-MODIFIED the task's last update, CATEGORIES its labels, a VALARM
 * per reminder not cancelled (relative ones as a TRIGGER before the
 * start, absolute ones at their time while still pending), and for a task
 * that repeats from its due date the RRULE, with DTSTART in the owner's
 * zone so that 09:00 stays 09:00 across DST.  A task that repeats from
 * its completion has no RRULE: its next date depends on when it is done.
 */

#ifndef TM_ICAL_H
#define TM_ICAL_H

#include <jansson.h>


#define TM_ICAL_TAIL  "END:VCALENDAR\r\n"


/* the VCALENDAR up to its first event: VERSION, PRODID, CALSCALE, the
 * calendar's name, and zone's VTIMEZONE unless it is UTC or unknown;
 * malloc'd text, NULL on failure */
char *tm_ical_head(const char *name, const char *zone);

/* the VEVENT of a task's API JSON in zone (the owner's): malloc'd text,
 * or NULL when the task has no due date or holds nonsense */
char *tm_ical_event(const json_t *task, const char *zone);

#endif /* TM_ICAL_H */
