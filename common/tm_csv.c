/*
 * Tasks as CSV rows (RFC 4180) from their API JSON.
 */

#include <stdio.h>
#include <string.h>

#include "tm_csv.h"


/* the columns: a member of the API JSON each, but labels (its strings
 * joined), reminders (each one's before or at) and repeat (its two
 * members), which a spreadsheet cannot hold as JSON */
const char  tm_csv_task_header[] =
    "id,title,description,status,priority,dueDate,listId,labels,"
    "reminders,repeatRule,repeatFrom,createdAt,updatedAt,completedAt,"
    "lastCompletedAt\r\n";

static const char  *tm_csv_plain[] = {
    "id", "title", "description", "status", "priority", "dueDate", "listId"
};

static const char  *tm_csv_times[] = {
    "createdAt", "updatedAt", "completedAt", "lastCompletedAt"
};


typedef struct {
    char    *p;
    char    *end;
    int      full;
} tm_csv_out_t;


static void
tm_csv_raw(tm_csv_out_t *o, const char *s, size_t len)
{
    if (o->full || (size_t) (o->end - o->p) < len) {
        o->full = 1;
        return;
    }

    memcpy(o->p, s, len);
    o->p += len;
}


/* a field, quoted when it must be */

static void
tm_csv_field(tm_csv_out_t *o, const char *s, size_t len)
{
    size_t  i, from;

    if (strcspn(s, ",\"\r\n") >= len) {
        tm_csv_raw(o, s, len);
        return;
    }

    tm_csv_raw(o, "\"", 1);

    for (i = 0, from = 0; i < len; i++) {
        if (s[i] == '"') {
            tm_csv_raw(o, s + from, i + 1 - from);
            tm_csv_raw(o, "\"", 1);
            from = i + 1;
        }
    }

    tm_csv_raw(o, s + from, len - from);
    tm_csv_raw(o, "\"", 1);
}


/* a string, a number, or empty (null, absent) */

static void
tm_csv_value(tm_csv_out_t *o, const json_t *v)
{
    char  n[32];

    if (json_is_string(v)) {
        tm_csv_field(o, json_string_value(v), json_string_length(v));

    } else if (json_is_integer(v)) {
        tm_csv_raw(o, n, snprintf(n, sizeof(n), "%lld",
                                  (long long) json_integer_value(v)));
    }
}


/* the strings of a list, or of a member of each object of it, joined by
 * ", " into one field */

static void
tm_csv_joined(tm_csv_out_t *o, const json_t *list, const char *const *names)
{
    char         buf[2048];
    size_t       i, len, n;
    const char  *s;
    json_t      *v;
    const char  *const *name;

    len = 0;

    json_array_foreach(list, i, v) {
        s = NULL;

        for (name = names; s == NULL && name && *name; name++) {
            s = json_string_value(json_object_get(v, *name));
        }

        if (names == NULL) {
            s = json_string_value(v);
        }

        if (s == NULL) {
            continue;
        }

        n = strlen(s);

        if (len + n + 2 > sizeof(buf)) {
            o->full = 1;
            return;
        }

        if (len) {
            memcpy(buf + len, ", ", 2);
            len += 2;
        }

        memcpy(buf + len, s, n);
        len += n;
    }

    buf[len] = '\0';
    tm_csv_field(o, buf, len);
}


long
tm_csv_task_row(const json_t *task, char *out, size_t size)
{
    size_t         i;
    const json_t  *repeat;
    tm_csv_out_t   o;

    static const char  *reminder[] = { "before", "at", NULL };

    if (size == 0) {
        return -1;
    }

    o.p = out;
    o.end = out + size - 1;
    o.full = 0;

    for (i = 0; i < sizeof(tm_csv_plain) / sizeof(tm_csv_plain[0]); i++) {
        tm_csv_value(&o, json_object_get(task, tm_csv_plain[i]));
        tm_csv_raw(&o, ",", 1);
    }

    tm_csv_joined(&o, json_object_get(task, "labels"), NULL);
    tm_csv_raw(&o, ",", 1);
    tm_csv_joined(&o, json_object_get(task, "reminders"), reminder);
    tm_csv_raw(&o, ",", 1);

    repeat = json_object_get(task, "repeat");
    tm_csv_value(&o, json_object_get(repeat, "rule"));
    tm_csv_raw(&o, ",", 1);
    tm_csv_value(&o, json_object_get(repeat, "from"));

    for (i = 0; i < sizeof(tm_csv_times) / sizeof(tm_csv_times[0]); i++) {
        tm_csv_raw(&o, ",", 1);
        tm_csv_value(&o, json_object_get(task, tm_csv_times[i]));
    }

    tm_csv_raw(&o, "\r\n", 2);

    if (o.full) {
        return -1;
    }

    *o.p = '\0';

    return o.p - out;
}
