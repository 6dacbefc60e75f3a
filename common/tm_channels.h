/*
 * Which channels a notification goes out on, and from when: the one
 * decision for the scheduler (task reminders, digests, completion chains
 * it finishes) and the module (completions).  nginx-free.
 *
 * From the owner's user item (DynamoDB JSON, as read; NULL: no user):
 *
 *   NotificationPreferences M {email, sms, completedEmail, completedSms}
 *                           BOOLs, absent: false.  email and sms are the
 *                           master switches: nothing goes out by a
 *                           channel whose switch is off.
 *   PhoneNumber, PhoneVerified  no SMS unless the number is verified
 *                           (tm_user_phone_verified); the scheduler
 *                           checks again before each send, and caps
 *                           SMS per user and day (sched_smscap.c).
 *   QuietHours              M {Start S "22:00", End S "07:00"}, local
 *                           times in UserTimeZone (absent: UTC); Start
 *                           after End wraps midnight; absent, or Start
 *                           equal to End: none.
 *   Digest                  M {Enabled BOOL, Time S "07:30"}.
 *
 * By type:
 *
 *   task_due        email: email; SMS: sms
 *   task_completed  email: email AND completedEmail; SMS: sms AND
 *                   completedSms (one's own completions are in-app only
 *                   unless asked for)
 *   digest          email: email AND Digest.Enabled; never SMS
 *   anything else   neither
 *
 * Email and SMS that would go out inside quiet hours go out at their end:
 * start is then the first instant after now at which the local time is
 * End (the next day's when quiet hours wrap midnight and now is before
 * it).  In-app notifications are never held: they are written at once,
 * whatever start says.
 *
 * Use: write the notification with Delivery<C> = pending for each channel
 * owed and, when any is, OutboxAt = start (tm_notification_t.outbox_at):
 * the scheduler's drain takes it up then.  The drain checks quiet hours
 * again before each send (a retry, a change of the user's hours), so a
 * writer that ignores them is still held, only later than it could be.
 */

#ifndef TM_CHANNELS_H
#define TM_CHANNELS_H

#include <jansson.h>


typedef struct {
    int        email;           /* an email is owed */
    int        sms;             /* an SMS is owed */
    long long  start;           /* epoch s: neither goes out before it
                                   (now, or the end of quiet hours) */
} tm_channels_t;


/* the decision above for a notification of type written at now (epoch
 * seconds) to the owner of user */
void tm_channels(const json_t *user, const char *type, long long now,
    tm_channels_t *out);

/* when email and SMS may go out from, now included: now, or the end of
 * the quiet hours now is in */
long long tm_channels_quiet_end(const json_t *user, long long now);

/* "07:30" -> 450 (minutes after local midnight); -1 if not HH:MM */
int tm_channels_hhmm(const char *s);

/*
 * The UTC time (epoch s) of the local time minute (of the day) on the
 * local day days after the one of t, in zone (NULL or unknown: UTC).  A
 * local time that DST skips or repeats is read as RFC 5545 does
 * (tm_zone_utc).
 */
long long tm_channels_local(const char *zone, long long t, int days,
    int minute);

#endif /* TM_CHANNELS_H */
