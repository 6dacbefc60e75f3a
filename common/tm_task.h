/*
 * The task item (EntityPartition USER_<sub>, EntitySort TASK_<uuid>), its
 * API JSON, the reminder index key and the completion notification.
 * nginx-free, shared by the module and the scheduler.
 */

#ifndef TM_TASK_H
#define TM_TASK_H

#include <stddef.h>
#include <jansson.h>

#include "tm_ddb_item.h"
#include "tm_fields.h"
#include "tm_jout.h"
#include "tm_reminder.h"
#include "tm_repeat.h"
#include "tm_update.h"


#define TM_TASK_PREFIX        "TASK_"
#define TM_NOTIF_PREFIX       "NOTIF_"
#define TM_UUID_LEN           36

/* TaskDueSort of a task without a due date: after every date */
#define TM_DUE_SORT_NONE      "~"


/* the task fields of a POST or PATCH body (NULL: absent or unchanged, "":
 * cleared); dueDate is UTC seconds */
typedef struct {
    const char          *title;
    const char          *description;
    const char          *due;
    const char          *status;
    long long            priority;  /* TM_FIELD_NO_INT: absent */
    tm_field_strings_t   labels;    /* n -1: absent */
    const char          *list_id;   /* "inbox" or a list id */
    const json_t        *reminders_v;   /* as sent; NULL: absent */
    const json_t        *repeat_v;      /* as sent; NULL: absent, JSON
                                           null: none */

    /* reminders_v and repeat_v read by tm_task_extras() */
    tm_reminders_t       reminders;
    int                  reminders_set;
    tm_repeat_t          repeat;
    int                  repeat_set;
} tm_task_fields_t;

/* what a write does beyond its fields */
typedef struct {
    const char  *status;         /* after the write */
    const char  *due;            /* after the write, NULL: none */
    int          completing;     /* a task_completed notification owed */
    int          reopening;
    int          due_changed;
    int          reminder_owed;  /* in ReminderIndex afterwards */
    int          advanced;       /* a repeating task moved to its next
                                    occurrence instead of completing */
    const char  *why;            /* a field refused: 400 invalid_field */
    const char  *field;
} tm_task_effects_t;

/* PriorityIndex's sort key {"S": "<priority>#<due or ~>#<updated>"}:
 * priority, then due date (undated last), then the last write */
json_t *tm_task_priority_sort(long long priority, const char *due,
    const char *updated);

/* the UpdateItem moving a task (its keys, Priority, TaskDueSort as read)
 * from list from to list to, if it is still in from (takes key) */
json_t *tm_task_move_request(const char *table, json_t *key,
    const json_t *task, const char *from, const char *to, const char *now);

/* the body of POST and PATCH /api/tasks: {title, description, dueDate,
 * status, priority, labels, listId}, into a tm_task_fields_t
 * (tm_fields.h) */
extern const tm_field_t  tm_task_body[];


/*
 * Reads f->reminders_v and f->repeat_v for a task that will (has_due) or
 * will not have a due date: NULL, or why not with *field set.
 */
const char *tm_task_extras(tm_task_fields_t *f, int has_due,
    const char **field);

/* a create without "reminders": the user's DefaultReminders (user: the
 * user item, NULL if none; absent: one day before), the relative ones
 * only when the task has a due date */
void tm_task_default_reminders(tm_task_fields_t *f, const json_t *user,
    int has_due);

/*
 * A new task item for PutItem (Version 1, not notified, its reminders
 * armed and in the reminder index while one is pending; tm_task_extras
 * done); now is the millisecond time.  NULL when out of memory.
 */
json_t *tm_task_item(tm_task_fields_t *f, const char *pk,
    const char *task_id, const char *now, unsigned shards);

/* 1 if completing this task with these fields moves it to a next
 * occurrence, which needs the owner's zone */
int tm_task_repeats(const json_t *old, const tm_task_fields_t *f);

/*
 * A PATCH: from the stored item and the fields asked, the UpdateItem's
 * changes into u (tm_update_init'ed by the caller: SET, REMOVE, the
 * condition on the Version read, values and names) and the effects into
 * fx.  Completing leaves the task's outbox marker (OutboxShard, OutboxAt
 * = now) and cancels pending reminders, or, for a repeating task, moves
 * it to its next occurrence in zone (the owner's) with its reminders
 * re-armed; reopening clears TaskCompletedAt and re-arms reminders still
 * to come; a moved due date moves the relative ones.  -1 when the stored
 * item is malformed (no Status, Version), or with fx->why set when a
 * field is refused.
 */
int tm_task_patch(const json_t *old, tm_task_fields_t *f,
    const char *task_id, const char *now, unsigned shards,
    const char *zone, tm_update_t *u, tm_task_effects_t *fx);

#define TM_TASK_SNOOZE_MALFORMED  -1
#define TM_TASK_SNOOZE_COMPLETED  -2
#define TM_TASK_SNOOZE_FULL       -3

/*
 * A snooze: a one-off reminder at `at` added to the stored task (the
 * oldest sent or cancelled one makes room when there are five), as an
 * UpdateItem's changes into u, conditional on the Version read; the new
 * reminder into *added.  0, or TM_TASK_SNOOZE_* (a completed task cannot
 * be snoozed; five pending reminders leave no room).
 */
int tm_task_snooze(const json_t *task, long long at, const char *task_id,
    const char *now, unsigned shards, tm_update_t *u, tm_reminder_t *added);

#define TM_TASK_TRASH_DAYS  30

/*
 * To the trash, or back from it, as an UpdateItem's changes into u,
 * conditional on the Version read: trashing sets TrashedAt and the
 * table's expiry (NotificationExpiry, now + 30 days: DynamoDB's TTL
 * removes it) and cancels pending reminders; restoring removes both and
 * re-arms the reminders still to come (unless the task is completed).
 * TaskUpdatedAt is the time of either.  -1 if the stored item is
 * malformed.
 */
int tm_task_trash(const json_t *task, const char *now, tm_update_t *u);
int tm_task_restore(const json_t *task, const char *now, const char *task_id,
    unsigned shards, tm_update_t *u);

/* "NextOccurrences" (L of S, at most TM_REPEAT_NEXT) set on the item:
 * the due dates after the current one, in zone; [] when not repeating */
void tm_task_next_occurrences(json_t *item, const char *zone);

/* a random (v4) UUID, lower-case; out holds >= 37 bytes; -1 on failure */
int tm_uuid_v4(char *out);

/* 1 if s is a lower-case UUID as tm_uuid_v4 makes them */
int tm_uuid_valid(const char *s, size_t len);

/* the write shard of an id, 0 .. shards - 1 (FNV-1a: stable across
 * processes and builds) */
unsigned tm_shard(const char *id, unsigned shards);

/* the OutboxIndex partition of an item: "OUTBOX#<shard>" */
void tm_outbox_shard(const char *id, unsigned shards, char *out,
    size_t size);

/* deterministic notification id from the task and the event (its due date
 * or completion time), so that a replayed write is a no-op: 32 hex digits;
 * out holds >= 33 bytes */
void tm_notification_id(const char *task_id, const char *type,
    const char *event, char *out);

/* the API JSON {id, title, description, status, dueDate, createdAt,
 * updatedAt, completedAt, notificationSent, listId, priority, labels,
 * reminders, repeat, lastCompletedAt, version} of a task item into out
 * (with nextOccurrences when the item has NextOccurrences): its length,
 * or TM_WRITE_* (tm_jout.h) */
long tm_task_write(const tm_ddb_item_t *item, char *out, size_t size);

/* the same for a task answered alone: nextOccurrences always, [] when the
 * item has none */
long tm_task_write_one(const tm_ddb_item_t *item, char *out, size_t size);

/* the item's Version, 1 for items older than versions */
long long tm_task_version(const tm_ddb_item_t *item);

/* the S attribute name, a stored time, to the second ("...:00Z"), or null */
void tm_time_write(tm_jout_t *o, const tm_ddb_item_t *item,
    const char *name);

/* "2026-11-25T17:00:00.123Z" -> "2026-11-25T17:00:00Z" (seconds); out
 * holds >= 21 bytes */
void tm_time_seconds(const char *t, char *out);

#endif /* TM_TASK_H */
