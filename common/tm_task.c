/*
 * The task item and what derives from it.
 */

#include <stdio.h>
#include <string.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "tm_ddb.h"
#include "tm_list.h"
#include "tm_search.h"
#include "tm_task.h"
#include "tm_time.h"
#include "tm_validate.h"


const tm_field_t  tm_task_body[] = {
    { "title", TM_FIELD_STRING, TM_FIELD_REQUIRED,
      offsetof(tm_task_fields_t, title), tm_valid_title, NULL, NULL, 0, 0,
      NULL, NULL },
    { "description", TM_FIELD_STRING, TM_FIELD_NULLABLE,
      offsetof(tm_task_fields_t, description), tm_valid_description, NULL,
      NULL, 0, 0, NULL, NULL },
    { "dueDate", TM_FIELD_DATETIME, TM_FIELD_NULLABLE,
      offsetof(tm_task_fields_t, due), NULL, NULL, NULL, 0, 0, NULL, NULL },
    { "status", TM_FIELD_STRING, 0, offsetof(tm_task_fields_t, status),
      tm_valid_status, NULL, NULL, 0, 0, NULL, NULL },
    { "priority", TM_FIELD_INT, 0, offsetof(tm_task_fields_t, priority),
      NULL, NULL, NULL, 1, TM_PRIORITY_LOW, NULL,
      "must be a whole number from 1 (highest) to 4" },
    { "labels", TM_FIELD_STRINGS, TM_FIELD_FOLD,
      offsetof(tm_task_fields_t, labels), tm_valid_label, NULL, NULL, 0,
      TM_LABELS_MAX, NULL, "must be an array of at most 10 labels" },
    { "listId", TM_FIELD_STRING, 0, offsetof(tm_task_fields_t, list_id),
      tm_valid_list_id, NULL, NULL, 0, 0, NULL, NULL },
    { "reminders", TM_FIELD_JSON, 0,
      offsetof(tm_task_fields_t, reminders_v), NULL, NULL, NULL, 0, 0, NULL,
      NULL },
    { "repeat", TM_FIELD_JSON, TM_FIELD_NULLABLE,
      offsetof(tm_task_fields_t, repeat_v), NULL, NULL, NULL, 0, 0, NULL,
      NULL },
    tm_field_null
};


static json_t *tm_task_labels(const tm_field_strings_t *labels,
    int folded);
static json_t *tm_task_search(const char *title, const char *description,
    const char *const *labels);
static const char **tm_task_old_labels(const json_t *old,
    const char **buf, size_t n);


static long tm_task_write_as(const tm_ddb_item_t *item, char *out,
    size_t size, int one);
static int tm_task_is(const char *status, const char *s);
static long long tm_task_epoch(const char *t);
static int tm_task_versioned(const json_t *task, const char *now,
    tm_update_t *u);
static int tm_task_set_reminders(json_t *item, tm_update_t *u,
    const tm_reminders_t *rs, const char *task_id, unsigned shards);


int
tm_uuid_v4(char *out)
{
    unsigned char  b[16];

    if (RAND_bytes(b, sizeof(b)) != 1) {
        return -1;
    }

    b[6] = (unsigned char) ((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char) ((b[8] & 0x3f) | 0x80);

    snprintf(out, TM_UUID_LEN + 1,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
             b[10], b[11], b[12], b[13], b[14], b[15]);

    return 0;
}


int
tm_uuid_valid(const char *s, size_t len)
{
    size_t  i;

    if (len != TM_UUID_LEN) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') {
                return 0;
            }

        } else if (!((s[i] >= '0' && s[i] <= '9')
                     || (s[i] >= 'a' && s[i] <= 'f')))
        {
            return 0;
        }
    }

    return 1;
}


/* FNV-1a: stable across processes and builds */
unsigned
tm_shard(const char *id, unsigned shards)
{
    unsigned     h;
    const char  *p;

    h = 2166136261u;
    for (p = id; *p; p++) {
        h = (h ^ (unsigned char) *p) * 16777619u;
    }

    return shards ? h % shards : 0;
}


void
tm_outbox_shard(const char *id, unsigned shards, char *out, size_t size)
{
    snprintf(out, size, "OUTBOX#%u", tm_shard(id, shards));
}


void
tm_notification_id(const char *task_id, const char *type, const char *event,
    char *out)
{
    int            i, n;
    char           buf[256];
    unsigned char  md[SHA256_DIGEST_LENGTH];

    n = snprintf(buf, sizeof(buf), "%s|%s|%s", task_id, type, event);
    if (n < 0 || (size_t) n >= sizeof(buf)) {
        n = (int) sizeof(buf) - 1;
    }

    SHA256((const unsigned char *) buf, (size_t) n, md);

    for (i = 0; i < 16; i++) {
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    }
}


void
tm_time_seconds(const char *t, char *out)
{
    /* stored times are ours: "YYYY-MM-DDTHH:MM:SS" then ".mmm" and/or "Z" */
    snprintf(out, 21, "%.19sZ", t);
}


void
tm_time_write(tm_jout_t *o, const tm_ddb_item_t *item, const char *name)
{
    size_t            i;
    char              t[40], s[21];
    const tm_jstr_t  *v;

    v = tm_ddb_item_get(item, name, 'S');

    /* our own times, "YYYY-MM-DDTHH:MM:SS...": unescaped ASCII text of a
     * JSON string needs no escaping, so its first 19 bytes go as they are */
    if (v && !v->escaped && v->len >= 19) {
        for (i = 0; i < 19 && (unsigned char) v->data[i] < 0x80; i++) {
            /* void */
        }

        if (i == 19 && tm_time_shaped(v->data)) {
            tm_jout_lit(o, "\"");
            tm_jout_raw(o, v->data, 19);
            tm_jout_lit(o, "Z\"");
            return;
        }
    }

    if (v == NULL) {
        tm_jout_lit(o, "null");
        return;
    }

    /* escaped or not ASCII: a time only if it unescapes to one */
    if (tm_jstr_copy(v, t, sizeof(t)) < 19 || !tm_time_shaped(t)) {
        o->bad = 1;
        tm_jout_lit(o, "null");
        return;
    }

    tm_time_seconds(t, s);
    tm_jout_str(o, s);
}


long long
tm_task_version(const tm_ddb_item_t *item)
{
    long long  version;

    return tm_ddb_item_n(item, "Version", &version) == 0 ? version : 1;
}


long
tm_task_write(const tm_ddb_item_t *item, char *out, size_t size)
{
    return tm_task_write_as(item, out, size, 0);
}


long
tm_task_write_one(const tm_ddb_item_t *item, char *out, size_t size)
{
    return tm_task_write_as(item, out, size, 1);
}


static long
tm_task_write_as(const tm_ddb_item_t *item, char *out, size_t size,
    int one)
{
    long long         priority;
    tm_jstr_t         id;
    tm_jout_t         o;
    const tm_jstr_t  *title, *desc, *status, *list, *extra;

    title = tm_ddb_item_get(item, "Title", 'S');
    status = tm_ddb_item_get(item, "Status", 'S');

    if (tm_ddb_item_id(item, TM_TASK_PREFIX, &id) != 0
        || title == NULL || status == NULL)
    {
        return TM_WRITE_NOT_ITEM;
    }

    desc = tm_ddb_item_get(item, "Description", 'S');
    list = tm_ddb_item_get(item, "ListId", 'S');

    tm_jout_init(&o, out, size);
    tm_jout_lit(&o, "{\"id\":");
    tm_jout_jstr(&o, &id);
    tm_jout_lit(&o, ",\"title\":");
    tm_jout_jstr(&o, title);
    tm_jout_lit(&o, ",\"description\":");

    if (desc) {
        tm_jout_jstr(&o, desc);

    } else {
        tm_jout_lit(&o, "\"\"");
    }

    tm_jout_lit(&o, ",\"status\":");
    tm_jout_jstr(&o, status);
    tm_jout_lit(&o, ",\"dueDate\":");
    tm_time_write(&o, item, "DueDate");
    tm_jout_lit(&o, ",\"createdAt\":");
    tm_time_write(&o, item, "CreatedAt");
    tm_jout_lit(&o, ",\"updatedAt\":");
    tm_time_write(&o, item, "TaskUpdatedAt");
    tm_jout_lit(&o, ",\"completedAt\":");
    tm_time_write(&o, item, "TaskCompletedAt");
    tm_jout_lit(&o, ",\"notificationSent\":");

    tm_jout_bool(&o, tm_ddb_item_bool(item, "NotificationSent", 0));

    tm_jout_lit(&o, ",\"listId\":");

    if (list) {
        tm_jout_jstr(&o, list);

    } else {
        tm_jout_lit(&o, "\"" TM_LIST_INBOX "\"");
    }

    tm_jout_lit(&o, ",\"priority\":");
    tm_jout_int(&o, tm_ddb_item_n(item, "Priority", &priority) == 0
                    ? priority : TM_PRIORITY_LOW);
    tm_jout_lit(&o, ",\"labels\":");

    if (tm_ddb_item_strings(item, "Labels", &o) != 0) {
        return TM_WRITE_NOT_ITEM;
    }

    tm_jout_lit(&o, ",\"reminders\":");
    extra = tm_ddb_item_get(item, "Reminders", 'L');
    tm_reminders_write(&o, extra ? extra->data : NULL, extra ? extra->len : 0);

    tm_jout_lit(&o, ",\"repeat\":");
    extra = tm_ddb_item_get(item, "TaskRepeat", 0);
    tm_repeat_write(&o, extra ? extra->data : NULL, extra ? extra->len : 0);

    tm_jout_lit(&o, ",\"lastCompletedAt\":");
    tm_time_write(&o, item, "LastCompletedAt");

    if (tm_ddb_item_get(item, "TrashedAt", 'S')) {
        tm_jout_lit(&o, ",\"trashedAt\":");
        tm_time_write(&o, item, "TrashedAt");
    }

    if (one || tm_ddb_item_get(item, "NextOccurrences", 'L')) {
        tm_jout_lit(&o, ",\"nextOccurrences\":");

        if (tm_ddb_item_strings(item, "NextOccurrences", &o) != 0) {
            return TM_WRITE_NOT_ITEM;
        }
    }

    tm_jout_lit(&o, ",\"version\":");
    tm_jout_int(&o, tm_task_version(item));
    tm_jout_lit(&o, "}");

    return o.bad ? TM_WRITE_BAD : o.full ? TM_WRITE_FULL : tm_jout_len(&o);
}


static int
tm_task_is(const char *status, const char *s)
{
    return status && strcmp(status, s) == 0;
}


const char *
tm_task_extras(tm_task_fields_t *f, int has_due, const char **field)
{
    const char  *why;

    if (f->reminders_v) {
        *field = "reminders";
        why = tm_reminders_parse(f->reminders_v, has_due, &f->reminders);
        if (why) {
            return why;
        }

        f->reminders_set = 1;
    }

    if (f->repeat_v) {
        *field = "repeat";
        why = tm_repeat_parse(f->repeat_v, has_due, &f->repeat);
        if (why) {
            return why;
        }

        f->repeat_set = 1;
    }

    return NULL;
}


void
tm_task_default_reminders(tm_task_fields_t *f, const json_t *user,
    int has_due)
{
    int             i;
    tm_reminders_t  defaults;

    memset(&f->reminders, 0, sizeof(tm_reminders_t));
    f->reminders_set = 1;

    if (json_object_get(user, "DefaultReminders") == NULL) {
        if (has_due) {
            /* one day before: what the profile starts with */
            f->reminders.n = 1;
            strcpy(f->reminders.r[0].before, "P1D");
            f->reminders.r[0].before_s = 86400;
            f->reminders.r[0].at = -1;
        }

        return;
    }

    if (tm_reminders_from_ddb(user, "DefaultReminders", &defaults) != 0) {
        return;
    }

    for (i = 0; i < defaults.n; i++) {
        if (defaults.r[i].before[0] && !has_due) {
            continue;
        }

        f->reminders.r[f->reminders.n] = defaults.r[i];
        f->reminders.r[f->reminders.n].id[0] = '\0';
        f->reminders.r[f->reminders.n].state = TM_REMINDER_PENDING;
        f->reminders.n++;
    }
}


json_t *
tm_task_item(tm_task_fields_t *f, const char *pk, const char *task_id,
    const char *now, unsigned shards)
{
    char         sk[48];
    json_t      *item;
    long long    due;
    const char  *status;

    status = f->status ? f->status : "pending";
    snprintf(sk, sizeof(sk), TM_TASK_PREFIX "%s", task_id);

    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:b},"
                     " s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}",
                     TM_PK, "S", pk,
                     TM_SK, "S", sk,
                     "Title", "S", f->title,
                     "Status", "S", status,
                     "NotificationSent", "BOOL", 0,
                     "CreatedAt", "S", now,
                     "TaskUpdatedAt", "S", now,
                     "Version", "N", "1",
                     "TaskDueSort", "S",
                     (f->due && *f->due) ? f->due : TM_DUE_SORT_NONE);
    if (item == NULL) {
        return NULL;
    }

    if (f->description && *f->description) {
        json_object_set_new(item, "Description", tm_ddb_s(f->description));
    }

    json_object_set_new(item, "Priority",
                        tm_ddb_n(f->priority != TM_FIELD_NO_INT
                                 ? f->priority : TM_PRIORITY_LOW));
    json_object_set_new(item, "ListId",
                        tm_ddb_s(f->list_id ? f->list_id : TM_LIST_INBOX));
    json_object_set_new(item, "TaskPrioritySort",
                        tm_task_priority_sort(f->priority != TM_FIELD_NO_INT
                                              ? f->priority
                                              : TM_PRIORITY_LOW,
                                              f->due, now));

    if (json_object_set_new(item, "SearchText",
                            tm_task_search(f->title, f->description,
                                           f->labels.n > 0 ? f->labels.items
                                                           : NULL))
        != 0)
    {
        json_decref(item);
        return NULL;
    }

    if (f->labels.n > 0
        && (json_object_set_new(item, "Labels",
                                tm_task_labels(&f->labels, 0)) != 0
            || json_object_set_new(item, "LabelKeys",
                                   tm_task_labels(&f->labels, 1)) != 0))
    {
        json_decref(item);
        return NULL;
    }

    if (tm_task_is(status, "completed")) {
        json_object_set_new(item, "TaskCompletedAt", tm_ddb_s(now));
    }

    due = -1;

    if (f->due && *f->due) {
        json_object_set_new(item, "DueDate", tm_ddb_s(f->due));
        due = tm_task_epoch(f->due);
    }

    if (f->repeat_set && f->repeat.rule[0] && due >= 0) {
        json_object_set_new(item, "TaskRepeat", tm_repeat_to_ddb(&f->repeat));
        json_object_set_new(item, "RepeatFirst", tm_ddb_s(f->due));
        json_object_set_new(item, "RepeatSeq", tm_ddb_n(1));
    }

    tm_reminders_arm(&f->reminders, NULL, due, tm_task_epoch(now), 0);

    if (tm_task_is(status, "completed")) {
        tm_reminders_cancel(&f->reminders);
    }

    if (tm_task_set_reminders(item, NULL, &f->reminders, task_id, shards)
        != 0)
    {
        json_decref(item);
        return NULL;
    }

    return item;
}


/* Reminders, ReminderKey and ReminderAt of the list: on a new item, or
 * as changes of an update */

static int
tm_task_set_reminders(json_t *item, tm_update_t *u, const tm_reminders_t *rs,
    const char *task_id, unsigned shards)
{
    char       key[TM_REMINDER_KEY_SIZE], at[24];
    json_t    *list;
    long long  next;

    next = tm_reminders_next(rs);

    if (next >= 0) {
        tm_reminder_key(next, task_id, shards, key, sizeof(key));
        tm_format_rfc3339(next, at);
    }

    list = rs->n ? tm_reminders_to_ddb(rs, 1) : NULL;
    if (rs->n && list == NULL) {
        return -1;
    }

    if (item) {
        if (list) {
            json_object_set_new(item, "Reminders", list);
        }

        if (next >= 0) {
            json_object_set_new(item, "ReminderKey", tm_ddb_s(key));
            json_object_set_new(item, "ReminderAt", tm_ddb_s(at));
        }

        return 0;
    }

    if (list) {
        tm_update_set_value(u, "Reminders", ":rm", list);

    } else {
        tm_update_remove(u, "Reminders");
    }

    if (next >= 0) {
        tm_update_set_value(u, "ReminderKey", ":rk", tm_ddb_s(key));
        tm_update_set_value(u, "ReminderAt", ":ra", tm_ddb_s(at));

    } else {
        tm_update_remove(u, "ReminderKey");
        tm_update_remove(u, "ReminderAt");
    }

    return 0;
}


int
tm_task_repeats(const json_t *old, const tm_task_fields_t *f)
{
    const char  *status;

    status = tm_ddb_get_s(old, "Status");

    if (!tm_task_is(f->status, "completed") || tm_task_is(status, "completed"))
    {
        return 0;
    }

    if (f->repeat_v) {
        return !json_is_null(f->repeat_v);
    }

    return json_object_get(old, "TaskRepeat") != NULL;
}


int
tm_task_patch(const json_t *old, tm_task_fields_t *f, const char *task_id,
    const char *now, unsigned shards, const char *zone, tm_update_t *u,
    tm_task_effects_t *fx)
{
    int             i, sent;
    char            key[48], version[24], next_due[24];
    long long       v, priority, due, first, seq, next, now_s;
    const char     *old_status, *old_due, *old_labels[TM_LABELS_MAX + 1];
    const char     *first_s;
    tm_repeat_t     repeat;
    tm_reminders_t  old_rs, rs;

    memset(fx, 0, sizeof(tm_task_effects_t));

    old_status = tm_ddb_get_s(old, "Status");
    old_due = tm_ddb_get_s(old, "DueDate");
    now_s = tm_task_epoch(now);

    if (old_status == NULL || tm_ddb_get_n(old, "Version", &v) != 0
        || tm_reminders_from_ddb(old, "Reminders", &old_rs) != 0
        || tm_repeat_from_ddb(old, &repeat) != 0)
    {
        return -1;
    }

    fx->status = f->status ? f->status : old_status;
    fx->due = f->due ? (*f->due ? f->due : NULL) : old_due;
    fx->due_changed = f->due
                      && !((fx->due == NULL && old_due == NULL)
                           || (fx->due && old_due
                               && strcmp(fx->due, old_due) == 0));
    fx->completing = tm_task_is(fx->status, "completed")
                     && !tm_task_is(old_status, "completed");
    fx->reopening = !tm_task_is(fx->status, "completed")
                    && tm_task_is(old_status, "completed");

    fx->why = tm_task_extras(f, fx->due != NULL, &fx->field);
    if (fx->why) {
        return -1;
    }

    if (f->repeat_set) {
        repeat = f->repeat;

    } else if (repeat.rule[0] && fx->due == NULL) {
        fx->field = "dueDate";
        fx->why = "a repeating task needs a due date: set repeat to null"
                  " to clear it";
        return -1;
    }

    /* the series starts again when its rule or its date is set by hand */
    first_s = tm_ddb_get_s(old, "RepeatFirst");
    if (f->repeat_set || fx->due_changed || first_s == NULL) {
        first_s = fx->due;
        seq = 1;

    } else if (tm_ddb_get_n(old, "RepeatSeq", &seq) != 0) {
        seq = 1;
    }

    /* completing a repeating task moves it to its next occurrence */
    if (fx->completing && repeat.rule[0] && fx->due) {
        due = tm_task_epoch(fx->due);
        first = first_s ? tm_task_epoch(first_s) : due;

        if (tm_repeat_next(&repeat, first, (int) seq, zone, due, now_s,
                           &next) == 1)
        {
            tm_format_rfc3339(next, next_due);
            fx->due = next_due;
            fx->due_changed = 1;
            fx->status = "pending";
            fx->advanced = 1;
            seq++;
        }
    }

    /* the reminders the task will have, armed against its due date */
    if (f->reminders_set) {
        rs = f->reminders;

    } else {
        rs.n = 0;

        for (i = 0; i < old_rs.n; i++) {
            /* a relative reminder goes with the due date */
            if (fx->due || !old_rs.r[i].before[0]) {
                rs.r[rs.n++] = old_rs.r[i];
            }
        }

        for (i = 0; i < rs.n; i++) {
            rs.r[i].id[0] = '\0';
        }
    }

    /* what a reminder leaves in a repeat's next occurrence: its sent and
     * cancelled states belong to the last one */
    if (fx->advanced) {
        for (i = 0; i < old_rs.n; i++) {
            if (old_rs.r[i].before[0]) {
                old_rs.r[i].state = TM_REMINDER_PENDING;
            }
        }
    }

    tm_reminders_arm(&rs, &old_rs,
                     fx->due ? tm_task_epoch(fx->due) : -1, now_s,
                     fx->reopening || fx->advanced);

    if (tm_task_is(fx->status, "completed")) {
        tm_reminders_cancel(&rs);
    }

    sent = (fx->due_changed || fx->advanced)
           ? 0 : tm_ddb_get_bool(old, "NotificationSent", 0);
    fx->reminder_owed = tm_reminders_next(&rs) >= 0;

    /* the write holds only if nobody wrote since the read */
    snprintf(version, sizeof(version), "%lld", v);
    tm_update_cond(u, "Version = :v");
    tm_update_value(u, ":v", json_pack("{s:s}", "N", version));

    tm_update_set_value(u, "TaskUpdatedAt", ":now", tm_ddb_s(now));
    tm_update_set(u, "Version = Version + :one");

    /* PriorityIndex: priority, due date, this write's time */
    if (f->priority != TM_FIELD_NO_INT) {
        priority = f->priority;

    } else if (tm_ddb_get_n(old, "Priority", &priority) != 0) {
        priority = TM_PRIORITY_LOW;
    }

    tm_update_set_value(u, "TaskPrioritySort", ":ps",
                        tm_task_priority_sort(priority, fx->due, now));
    tm_update_value(u, ":one", json_pack("{s:s}", "N", "1"));
    tm_update_set_value(u, "#st", ":st", tm_ddb_s(fx->status));
    tm_update_name(u, "#st", "Status");

    if (f->title) {
        tm_update_set_value(u, "Title", ":ti", tm_ddb_s(f->title));
    }

    if (f->description && *f->description) {
        tm_update_set_value(u, "Description", ":de",
                            tm_ddb_s(f->description));

    } else if (f->description) {
        tm_update_remove(u, "Description");
    }

    if (f->title || f->description || f->labels.n >= 0) {
        /* the words of the task as it will be */
        tm_update_set_value(u, "SearchText", ":se",
            tm_task_search(f->title ? f->title : tm_ddb_get_s(old, "Title"),
                           f->description ? f->description
                                          : tm_ddb_get_s(old, "Description"),
                           f->labels.n >= 0
                           ? (f->labels.n ? f->labels.items : NULL)
                           : tm_task_old_labels(old, old_labels,
                                                TM_LABELS_MAX + 1)));
    }

    if (f->priority != TM_FIELD_NO_INT) {
        tm_update_set_value(u, "Priority", ":pr", tm_ddb_n(f->priority));
    }

    if (f->list_id) {
        tm_update_set_value(u, "ListId", ":li", tm_ddb_s(f->list_id));
    }

    if (f->labels.n > 0) {
        tm_update_set_value(u, "Labels", ":lb", tm_task_labels(&f->labels, 0));
        tm_update_set_value(u, "LabelKeys", ":lk",
                            tm_task_labels(&f->labels, 1));

    } else if (f->labels.n == 0) {
        tm_update_remove(u, "Labels");
        tm_update_remove(u, "LabelKeys");
    }

    if (fx->due_changed) {
        tm_update_set_value(u, "TaskDueSort", ":ds",
                            tm_ddb_s(fx->due ? fx->due : TM_DUE_SORT_NONE));

        if (fx->due) {
            tm_update_set_value(u, "DueDate", ":du", tm_ddb_s(fx->due));

        } else {
            tm_update_remove(u, "DueDate");
        }
    }

    if (!sent && tm_ddb_get_bool(old, "NotificationSent", 0)) {
        tm_update_set_value(u, "NotificationSent", ":f", tm_ddb_bool(0));
    }

    if (f->repeat_set && repeat.rule[0]) {
        tm_update_set_value(u, "TaskRepeat", ":rp", tm_repeat_to_ddb(&repeat));

    } else if (f->repeat_set) {
        tm_update_remove(u, "TaskRepeat");
        tm_update_remove(u, "RepeatFirst");
        tm_update_remove(u, "RepeatSeq");
    }

    if (repeat.rule[0] && fx->due
        && (f->repeat_set || fx->due_changed || fx->advanced))
    {
        tm_update_set_value(u, "RepeatFirst", ":rf",
                            tm_ddb_s(fx->advanced ? first_s : fx->due));
        tm_update_set_value(u, "RepeatSeq", ":rs", tm_ddb_n(seq));
    }

    if (fx->completing) {
        /* the first write of the completion chain: its outbox marker */
        tm_outbox_shard(task_id, shards, key, sizeof(key));
        tm_update_set_value(u, "OutboxShard", ":os", tm_ddb_s(key));
        tm_update_set(u, "OutboxAt = :now");
        tm_update_set(u, "LastCompletedAt = :now");

        if (fx->advanced) {
            tm_update_remove(u, "TaskCompletedAt");

        } else {
            tm_update_set(u, "TaskCompletedAt = :now");
        }

    } else if (fx->reopening) {
        tm_update_remove(u, "TaskCompletedAt");
    }

    /* written before ReminderIndex: the old index's key goes */
    if (json_object_get(old, "DueDate_NotificationSent")) {
        tm_update_remove(u, "DueDate_NotificationSent");
    }

    if (tm_task_set_reminders(NULL, u, &rs, task_id, shards) != 0) {
        u->failed = 1;
    }

    return u->failed ? -1 : 0;
}


int
tm_task_snooze(const json_t *task, long long at, const char *task_id,
    const char *now, unsigned shards, tm_update_t *u, tm_reminder_t *added)
{
    int             i, k;
    const char     *status;
    tm_reminders_t  rs, old;

    status = tm_ddb_get_s(task, "Status");

    if (status == NULL
        || tm_reminders_from_ddb(task, "Reminders", &rs) != 0)
    {
        return TM_TASK_SNOOZE_MALFORMED;
    }

    if (tm_task_is(status, "completed")) {
        return TM_TASK_SNOOZE_COMPLETED;
    }

    if (rs.n == TM_REMINDERS_MAX) {
        for (i = 0; i < rs.n && rs.r[i].state == TM_REMINDER_PENDING; i++) {
            /* void */
        }

        if (i == rs.n) {
            return TM_TASK_SNOOZE_FULL;
        }

        for (k = i; k + 1 < rs.n; k++) {
            rs.r[k] = rs.r[k + 1];
        }

        rs.n--;
    }

    /* a snooze to the time of another reminder replaces it */
    for (i = 0; i < rs.n; i++) {
        if (!rs.r[i].before[0] && rs.r[i].at == at) {
            for (k = i; k + 1 < rs.n; k++) {
                rs.r[k] = rs.r[k + 1];
            }

            rs.n--;
            break;
        }
    }

    /* the others keep their ids and states; the new one is armed */
    old = rs;
    i = rs.n++;
    memset(&rs.r[i], 0, sizeof(tm_reminder_t));
    rs.r[i].at = at;

    tm_reminders_arm(&rs, &old, tm_task_epoch(tm_ddb_get_s(task, "DueDate")),
                     tm_task_epoch(now), 0);
    *added = rs.r[i];

    if (tm_task_versioned(task, now, u) != 0) {
        return TM_TASK_SNOOZE_MALFORMED;
    }

    if (tm_task_set_reminders(NULL, u, &rs, task_id, shards) != 0) {
        u->failed = 1;
    }

    return u->failed ? TM_TASK_SNOOZE_MALFORMED : 0;
}


/* the condition on the Version read and the write's own SETs */

static int
tm_task_versioned(const json_t *task, const char *now, tm_update_t *u)
{
    char       version[24];
    long long  v;

    if (tm_ddb_get_n(task, "Version", &v) != 0) {
        return -1;
    }

    snprintf(version, sizeof(version), "%lld", v);
    tm_update_cond(u, "Version = :v");
    tm_update_value(u, ":v", json_pack("{s:s}", "N", version));
    tm_update_set_value(u, "TaskUpdatedAt", ":now", tm_ddb_s(now));
    tm_update_set(u, "Version = Version + :one");
    tm_update_value(u, ":one", json_pack("{s:s}", "N", "1"));

    return 0;
}


int
tm_task_trash(const json_t *task, const char *now, tm_update_t *u)
{
    tm_reminders_t  rs;

    if (tm_task_versioned(task, now, u) != 0
        || tm_reminders_from_ddb(task, "Reminders", &rs) != 0)
    {
        return -1;
    }

    tm_update_cond(u, "attribute_not_exists(TrashedAt)");
    tm_update_set_value(u, "TrashedAt", ":tr", tm_ddb_s(now));
    tm_update_set_value(u, "NotificationExpiry", ":ex",
                        tm_ddb_n(tm_task_epoch(now)
                                 + TM_TASK_TRASH_DAYS * 86400LL));

    tm_reminders_cancel(&rs);

    if (tm_task_set_reminders(NULL, u, &rs, "", 1) != 0) {
        u->failed = 1;
    }

    return u->failed ? -1 : 0;
}


int
tm_task_restore(const json_t *task, const char *now, const char *task_id,
    unsigned shards, tm_update_t *u)
{
    tm_reminders_t  rs, old;

    if (tm_task_versioned(task, now, u) != 0
        || tm_reminders_from_ddb(task, "Reminders", &rs) != 0)
    {
        return -1;
    }

    tm_update_cond(u, "attribute_exists(TrashedAt)");
    tm_update_remove(u, "TrashedAt");
    tm_update_remove(u, "NotificationExpiry");

    if (!tm_task_is(tm_ddb_get_s(task, "Status"), "completed")) {
        old = rs;
        tm_reminders_arm(&rs, &old,
                         tm_task_epoch(tm_ddb_get_s(task, "DueDate")),
                         tm_task_epoch(now), 1);
    }

    if (tm_task_set_reminders(NULL, u, &rs, task_id, shards) != 0) {
        u->failed = 1;
    }

    return u->failed ? -1 : 0;
}


void
tm_task_next_occurrences(json_t *item, const char *zone)
{
    int          i, n;
    char         t[24];
    json_t      *list;
    long long    due, out[TM_REPEAT_NEXT];
    const char  *first;
    tm_repeat_t  repeat;

    list = json_array();
    due = tm_task_epoch(tm_ddb_get_s(item, "DueDate"));
    first = tm_ddb_get_s(item, "RepeatFirst");

    n = 0;

    if (list && due >= 0 && tm_repeat_from_ddb(item, &repeat) == 0
        && repeat.rule[0])
    {
        n = tm_rrule_next(repeat.rule, first ? tm_task_epoch(first) : due,
                          zone, due, out, TM_REPEAT_NEXT);
    }

    for (i = 0; list && i < n; i++) {
        tm_format_rfc3339(out[i], t);
        json_array_append_new(list, tm_ddb_s(t));
    }

    if (list) {
        json_object_set_new(item, "NextOccurrences",
                            json_pack("{s:o}", "L", list));
    }
}


/* an RFC 3339 time to epoch seconds; -1 for NULL or not a time */

static long long
tm_task_epoch(const char *t)
{
    long long  s;

    if (t == NULL || tm_parse_rfc3339(t, strlen(t), &s) != 0) {
        return -1;
    }

    return s;
}


/* {"L": [{"S": label}...]}: as written, or case-folded for label= */

static json_t *
tm_task_labels(const tm_field_strings_t *labels, int folded)
{
    long     i;
    json_t  *list;

    list = json_array();

    for (i = 0; list && i < labels->n; i++) {
        if (json_array_append_new(list, tm_ddb_s(folded ? labels->folded[i]
                                                        : labels->items[i]))
            != 0)
        {
            json_decref(list);
            return NULL;
        }
    }

    return list ? json_pack("{s:o}", "L", list) : NULL;
}


/* {"S": " word ..."}: what q= searches (tm_search.h) */

static json_t *
tm_task_search(const char *title, const char *description,
    const char *const *labels)
{
    char         text[TM_SEARCH_MAX];
    size_t       n;
    const char  *parts[TM_LABELS_MAX + 3];

    n = 0;
    parts[n++] = title ? title : "";
    parts[n++] = description ? description : "";

    while (labels && *labels && n < TM_LABELS_MAX + 2) {
        parts[n++] = *labels++;
    }

    parts[n] = NULL;

    if (tm_search_text(parts, text, sizeof(text)) < 0) {
        return NULL;
    }

    return tm_ddb_s(text);
}


/* the stored labels (L of S) into buf, NULL-ended (n slots) */

static const char **
tm_task_old_labels(const json_t *old, const char **buf, size_t n)
{
    size_t   i, k;
    json_t  *list;

    list = json_object_get(json_object_get(old, "Labels"), "L");
    k = 0;

    for (i = 0; i < json_array_size(list) && k + 1 < n; i++) {
        buf[k] = json_string_value(json_object_get(json_array_get(list, i),
                                                   "S"));
        if (buf[k]) {
            k++;
        }
    }

    buf[k] = NULL;

    return buf;
}


/* {"S": "<priority>#<due or ~>#<updated>"}: PriorityIndex's sort key */

json_t *
tm_task_priority_sort(long long priority, const char *due,
    const char *updated)
{
    char  key[80];

    snprintf(key, sizeof(key), "%lld#%s#%s", priority,
             (due && *due) ? due : TM_DUE_SORT_NONE, updated);

    return tm_ddb_s(key);
}


/*
 * The UpdateItem that moves a task (task: its keys, Priority and
 * TaskDueSort as read) from one list to another, if it is still in the
 * first: a write like any other (TaskUpdatedAt, Version, PriorityIndex's
 * key).  Takes key.
 */

json_t *
tm_task_move_request(const char *table, json_t *key, const json_t *task,
    const char *from, const char *to, const char *now)
{
    long long  priority;

    if (tm_ddb_get_n(task, "Priority", &priority) != 0) {
        priority = TM_PRIORITY_LOW;
    }

    return json_pack("{s:s, s:o, s:s, s:s, s:{s:{s:s}, s:{s:s}, s:{s:s},"
                     " s:{s:s}, s:o}}",
                     "TableName", table,
                     "Key", key,
                     "UpdateExpression",
                     "SET ListId = :to, TaskUpdatedAt = :now,"
                     " Version = Version + :one, TaskPrioritySort = :ps",
                     "ConditionExpression", "ListId = :from",
                     "ExpressionAttributeValues",
                     ":to", "S", to,
                     ":now", "S", now,
                     ":one", "N", "1",
                     ":from", "S", from,
                     ":ps", tm_task_priority_sort(priority,
                                tm_ddb_get_s(task, "TaskDueSort"), now));
}
