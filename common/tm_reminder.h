/*
 * A task's reminders: the API's list ({"before": "PT15M"} relative to the
 * due date, or {"at": "<RFC 3339>"}), their stored form, when each fires,
 * and the reminder index key of the earliest one still pending.
 * nginx-free, shared by the module and the scheduler.
 *
 * Stored on the task item (docs/architecture.md, "Reminders"):
 *
 *     Reminders    L of M {Id S, Before S | At S, FireAt S, State S}
 *     ReminderKey  S "<day of ReminderAt>#REMIND#<shard>"  (while one is
 *     ReminderAt   S the earliest pending FireAt             pending)
 *
 * FireAt and At are UTC seconds ("2026-12-01T09:00:00Z"), so that text
 * order is time order.  A reminder set for a time already past when it is
 * written is cancelled at once: it would fire the moment it is saved.
 */

#ifndef TM_REMINDER_H
#define TM_REMINDER_H

#include <stddef.h>
#include <jansson.h>

#include "tm_jout.h"


#define TM_REMINDERS_MAX       5
#define TM_REMINDER_BEFORE_MAX (4 * 7 * 86400LL)      /* 4 weeks */
#define TM_REMINDER_ID_LEN     12
#define TM_REMINDER_KEY_SIZE   48

#define TM_REMINDER_PENDING    0
#define TM_REMINDER_SENT       1
#define TM_REMINDER_CANCELLED  2


typedef struct {
    char        id[TM_REMINDER_ID_LEN + 1];     /* 12 lower hex */
    char        before[24];     /* the duration as given; "" if absolute */
    long long   before_s;       /* its seconds */
    long long   at;             /* absolute: epoch seconds; else -1 */
    long long   fire;           /* epoch seconds; -1: none (no due date) */
    int         state;          /* TM_REMINDER_* */
} tm_reminder_t;

typedef struct {
    int            n;
    tm_reminder_t  r[TM_REMINDERS_MAX];
} tm_reminders_t;


/*
 * The API value v (a JSON array) into out, ids left empty: NULL, or why
 * not (static text for invalid_field).  has_due: a relative reminder needs
 * a due date.  Each is {"before"} or {"at"}; the "id", "fireAt" and
 * "state" of a reply sent back are allowed and ignored: a reminder is
 * matched to the stored one by its value (tm_reminders_arm).
 */
const char *tm_reminders_parse(const json_t *v, int has_due,
    tm_reminders_t *out);

/* the stored list (the item's Reminders as DynamoDB JSON, jansson) into
 * out; absent: n 0; -1 if malformed */
int tm_reminders_from_ddb(const json_t *item, const char *name,
    tm_reminders_t *out);

/* the list as DynamoDB JSON {"L": [...]}; with_state 0 for a profile's
 * defaults (Before | At only) */
json_t *tm_reminders_to_ddb(const tm_reminders_t *rs, int with_state);

/*
 * Gives new reminders ids (keeping those of old that have the same
 * Before/At, with their state), then computes each FireAt from due (epoch
 * seconds, -1 none) and, for every one not sent: pending if it fires at or
 * after now, else cancelled.  rearm 0 leaves sent and cancelled states of
 * kept reminders as they were (a PATCH of title only); 1 re-arms cancelled
 * ones still in the future (a reopen, a moved due date: then sent relative
 * ones are re-armed too).  old may be NULL.
 */
void tm_reminders_arm(tm_reminders_t *rs, const tm_reminders_t *old,
    long long due, long long now, int rearm);

/* every pending one cancelled (completing the task) */
void tm_reminders_cancel(tm_reminders_t *rs);

/* the earliest pending FireAt, or -1 */
long long tm_reminders_next(const tm_reminders_t *rs);

/* ReminderKey of a time: "<YYYY-MM-DD>#REMIND#<shard>", the shard from id
 * (FNV-1a, as every write shard) */
void tm_reminder_key(long long fire, const char *id, unsigned shards,
    char *out, size_t size);

/* one shard's partition of a day (the scheduler reads each) */
void tm_reminder_partition(const char *day, unsigned shard, char *out,
    size_t size);

/* the API JSON [{id, before | at, fireAt, state}...] of the stored list
 * (DynamoDB JSON text of the L value, len bytes; NULL: []) into o */
void tm_reminders_write(tm_jout_t *o, const char *text, size_t len);

/* the API JSON of one reminder (the snooze reply adds taskId) */
json_t *tm_reminder_json(const tm_reminder_t *r);

#endif /* TM_REMINDER_H */
