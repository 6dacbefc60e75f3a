/*
 * A task's reminders (tm_reminder.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>

#include "tm_ddb.h"
#include "tm_duration.h"
#include "tm_jscan.h"
#include "tm_reminder.h"
#include "tm_task.h"
#include "tm_validate.h"


static const char *tm_reminder_parse_one(const json_t *v, int has_due,
    tm_reminder_t *r);
static int tm_reminder_same(const tm_reminder_t *a, const tm_reminder_t *b);
static void tm_reminder_new_id(char *out);


static const char  *tm_reminder_states[] = {
    "pending", "sent", "cancelled", NULL
};


const char *
tm_reminders_parse(const json_t *v, int has_due, tm_reminders_t *out)
{
    int          i, k;
    size_t       n;
    const char  *why;

    memset(out, 0, sizeof(tm_reminders_t));

    if (!json_is_array(v)) {
        return "must be an array of reminders";
    }

    n = json_array_size(v);
    if (n > TM_REMINDERS_MAX) {
        return "at most 5 reminders";
    }

    for (i = 0; i < (int) n; i++) {
        why = tm_reminder_parse_one(json_array_get(v, i), has_due,
                                    &out->r[i]);
        if (why) {
            return why;
        }

        for (k = 0; k < i; k++) {
            if (tm_reminder_same(&out->r[k], &out->r[i])) {
                return "the same reminder is given twice";
            }
        }
    }

    out->n = (int) n;

    return NULL;
}


static const char *
tm_reminder_parse_one(const json_t *v, int has_due, tm_reminder_t *r)
{
    const char  *key, *s;
    json_t      *value, *before, *at;

    if (!json_is_object(v)) {
        return "each reminder must be {\"before\": duration}"
               " or {\"at\": date-time}";
    }

    json_object_foreach((json_t *) v, key, value) {
        if (strcmp(key, "before") != 0 && strcmp(key, "at") != 0
            && strcmp(key, "id") != 0 && strcmp(key, "fireAt") != 0
            && strcmp(key, "state") != 0)
        {
            return "a reminder has only \"before\" or \"at\"";
        }
    }

    before = json_object_get(v, "before");
    at = json_object_get(v, "at");

    if ((before == NULL) == (at == NULL)) {
        return "each reminder must be {\"before\": duration}"
               " or {\"at\": date-time}";
    }

    r->at = -1;
    r->fire = -1;
    r->state = TM_REMINDER_PENDING;

    if (before) {
        s = json_string_value(before);

        if (s == NULL || json_string_length(before) >= sizeof(r->before)) {
            return "\"before\" must be an ISO 8601 duration such as PT15M";
        }

        switch (tm_duration_parse(s, json_string_length(before),
                                  TM_REMINDER_BEFORE_MAX, &r->before_s))
        {
        case 0:
            break;
        case TM_DURATION_TOO_LONG:
            return "a reminder is at most 4 weeks before the due date";
        default:
            return "\"before\" must be an ISO 8601 duration such as PT15M";
        }

        if (!has_due) {
            return "a reminder before the due date needs a due date";
        }

        memcpy(r->before, s, json_string_length(before) + 1);

        return NULL;
    }

    s = json_string_value(at);

    if (s == NULL || tm_parse_rfc3339(s, json_string_length(at), &r->at)
                     != 0)
    {
        return "\"at\" must be an RFC 3339 date-time";
    }

    return NULL;
}


static int
tm_reminder_same(const tm_reminder_t *a, const tm_reminder_t *b)
{
    if (a->before[0] || b->before[0]) {
        return a->before[0] && b->before[0] && a->before_s == b->before_s;
    }

    return a->at == b->at;
}


/* the S attributes of a stored reminder, in tm_reminder_attrs' order */
enum {
    TM_REMINDER_ID, TM_REMINDER_BEFORE, TM_REMINDER_AT, TM_REMINDER_FIRE,
    TM_REMINDER_STATE, TM_REMINDER_ATTRS
};

static const char  *tm_reminder_attrs[] = {
    "Id", "Before", "At", "FireAt", "State"
};


/* one stored reminder from its S attributes (NULL: absent), r cleared
 * before: 0, or -1 if malformed */
static int
tm_reminder_from_s(tm_reminder_t *r, const char **v)
{
    int          k;
    const char  *id, *before, *at, *fire, *state;

    id = v[TM_REMINDER_ID];
    before = v[TM_REMINDER_BEFORE];
    at = v[TM_REMINDER_AT];
    fire = v[TM_REMINDER_FIRE];
    state = v[TM_REMINDER_STATE];

    r->at = -1;
    r->fire = -1;

    if ((before == NULL) == (at == NULL)) {
        return -1;
    }

    if (before) {
        if (strlen(before) >= sizeof(r->before)
            || tm_duration_parse(before, strlen(before),
                                 TM_REMINDER_BEFORE_MAX, &r->before_s)
               != 0)
        {
            return -1;
        }

        memcpy(r->before, before, strlen(before) + 1);

    } else if (tm_parse_rfc3339(at, strlen(at), &r->at) != 0) {
        return -1;
    }

    /* a profile's defaults have no id, time or state */
    if (id) {
        if (strlen(id) != TM_REMINDER_ID_LEN) {
            return -1;
        }

        memcpy(r->id, id, TM_REMINDER_ID_LEN + 1);
    }

    if (fire && tm_parse_rfc3339(fire, strlen(fire), &r->fire) != 0) {
        return -1;
    }

    if (state) {
        for (k = 0; tm_reminder_states[k]; k++) {
            if (strcmp(state, tm_reminder_states[k]) == 0) {
                break;
            }
        }

        if (tm_reminder_states[k] == NULL) {
            return -1;
        }

        r->state = k;
    }

    return 0;
}


int
tm_reminders_from_ddb(const json_t *item, const char *name,
    tm_reminders_t *out)
{
    int          k;
    size_t       i;
    json_t      *list, *m;
    const char  *v[TM_REMINDER_ATTRS];

    memset(out, 0, sizeof(tm_reminders_t));

    list = json_object_get(item, name);
    if (list == NULL) {
        return 0;
    }

    list = json_object_get(list, "L");
    if (!json_is_array(list) || json_array_size(list) > TM_REMINDERS_MAX) {
        return -1;
    }

    for (i = 0; i < json_array_size(list); i++) {
        m = json_object_get(json_array_get(list, i), "M");

        for (k = 0; k < TM_REMINDER_ATTRS; k++) {
            v[k] = tm_ddb_get_s(m, tm_reminder_attrs[k]);
        }

        if (tm_reminder_from_s(&out->r[i], v) != 0) {
            return -1;
        }
    }

    out->n = (int) i;

    return 0;
}


json_t *
tm_reminders_to_ddb(const tm_reminders_t *rs, int with_state)
{
    int                   i;
    char                  t[24];
    json_t               *list, *m;
    const tm_reminder_t  *r;

    list = json_array();

    for (i = 0; list && i < rs->n; i++) {
        r = &rs->r[i];
        m = json_object();

        if (m == NULL || json_array_append_new(list,
                                               json_pack("{s:o}", "M", m))
                         != 0)
        {
            json_decref(list);
            return NULL;
        }

        if (r->before[0]) {
            json_object_set_new(m, "Before", tm_ddb_s(r->before));

        } else {
            tm_format_rfc3339(r->at, t);
            json_object_set_new(m, "At", tm_ddb_s(t));
        }

        if (!with_state) {
            continue;
        }

        json_object_set_new(m, "Id", tm_ddb_s(r->id));

        if (r->fire >= 0) {
            tm_format_rfc3339(r->fire, t);
            json_object_set_new(m, "FireAt", tm_ddb_s(t));
        }

        json_object_set_new(m, "State",
                            tm_ddb_s(tm_reminder_states[r->state]));
    }

    return list ? json_pack("{s:o}", "L", list) : NULL;
}


void
tm_reminders_arm(tm_reminders_t *rs, const tm_reminders_t *old,
    long long due, long long now, int rearm)
{
    int             i, k, kept;
    long long       fire;
    tm_reminder_t  *r;

    for (i = 0; i < rs->n; i++) {
        r = &rs->r[i];
        kept = 0;

        for (k = 0; old && k < old->n; k++) {
            if (old->r[k].id[0] && tm_reminder_same(&old->r[k], r)) {
                memcpy(r->id, old->r[k].id, sizeof(r->id));
                r->state = old->r[k].state;
                r->fire = old->r[k].fire;
                kept = 1;
                break;
            }
        }

        if (!kept && r->id[0] == '\0') {
            tm_reminder_new_id(r->id);
        }

        fire = r->before[0] ? (due >= 0 ? due - r->before_s : -1) : r->at;

        if (fire < 0) {
            /* relative, and the due date went: nothing to fire at */
            r->fire = -1;
            r->state = TM_REMINDER_CANCELLED;
            continue;
        }

        if (!kept || fire != r->fire
            || (rearm && r->state == TM_REMINDER_CANCELLED))
        {
            /* new, moved, or re-armed: due again if still to come */
            r->state = fire >= now ? TM_REMINDER_PENDING
                                   : TM_REMINDER_CANCELLED;
        }

        r->fire = fire;
    }
}


void
tm_reminders_cancel(tm_reminders_t *rs)
{
    int  i;

    for (i = 0; i < rs->n; i++) {
        if (rs->r[i].state == TM_REMINDER_PENDING) {
            rs->r[i].state = TM_REMINDER_CANCELLED;
        }
    }
}


long long
tm_reminders_next(const tm_reminders_t *rs)
{
    int        i;
    long long  next;

    next = -1;

    for (i = 0; i < rs->n; i++) {
        if (rs->r[i].state == TM_REMINDER_PENDING && rs->r[i].fire >= 0
            && (next < 0 || rs->r[i].fire < next))
        {
            next = rs->r[i].fire;
        }
    }

    return next;
}


void
tm_reminder_key(long long fire, const char *id, unsigned shards, char *out,
    size_t size)
{
    char  day[24];

    tm_format_rfc3339(fire, day);
    day[10] = '\0';

    tm_reminder_partition(day, tm_shard(id, shards), out, size);
}


void
tm_reminder_partition(const char *day, unsigned shard, char *out,
    size_t size)
{
    snprintf(out, size, "%.10s#REMIND#%u", day, shard);
}


json_t *
tm_reminder_json(const tm_reminder_t *r)
{
    char     t[24];
    json_t  *j;

    j = json_pack("{s:s}", "id", r->id);
    if (j == NULL) {
        return NULL;
    }

    if (r->before[0]) {
        json_object_set_new(j, "before", json_string(r->before));

    } else {
        tm_format_rfc3339(r->at, t);
        json_object_set_new(j, "at", json_string(t));
    }

    if (r->fire >= 0) {
        tm_format_rfc3339(r->fire, t);
        json_object_set_new(j, "fireAt", json_string(t));

    } else {
        json_object_set_new(j, "fireAt", json_null());
    }

    json_object_set_new(j, "state",
                        json_string(tm_reminder_states[r->state]));

    return j;
}


/*
 * A task's stored reminders as API JSON, in every listing of tasks with a
 * due date (they get one reminder by default).  The list as the module
 * stores it, [{"M": {"Id": {"S": ...}, ...}}, ...], plain strings, is read
 * from its text (tm_reminders_scan) and written as it is read; a list of
 * any other shape takes jansson (tm_reminders_write_json), the way all of
 * them took before: loading, checking and dumping each list with jansson
 * was most of a listing's CPU.  The two write the same bytes for the same
 * text (tests/fuzz/reminders_diff.c).
 */

/* a string of the list shorter than this is copied to be checked; any
 * longer one takes jansson (no stored value is near) */
#define TM_REMINDER_S_MAX  64


/* 1 if the key, as written (no escape), is lit */
static int
tm_reminder_is(const tm_jstr_t *key, const char *lit, size_t len)
{
    return !key->escaped && key->len == len
           && memcmp(key->data, lit, len) == 0;
}


/* the list's text into rs: 1 read, 0 not of the plain shape (jansson
 * reads it then), -1 a reminder malformed (as tm_reminders_from_ddb
 * finds it) */
static int
tm_reminders_scan(const char *text, size_t len, tm_reminders_t *rs)
{
    int          rc, k, n;
    char         buf[TM_REMINDER_ATTRS][TM_REMINDER_S_MAX];
    tm_jstr_t    key, str;
    tm_jscan_t   s;
    const char  *v[TM_REMINDER_ATTRS];

    memset(rs, 0, sizeof(tm_reminders_t));
    tm_jscan_init(&s, text, len);

    if (tm_jscan_array(&s) != 0) {
        return 0;
    }

    for (n = 0; (rc = tm_jscan_element(&s)) == 1; n++) {

        /* {"M": {...}}, no more reminders than a list may hold */
        if (n == TM_REMINDERS_MAX || tm_jscan_object(&s) != 0
            || tm_jscan_member(&s, &key) != 1
            || !tm_reminder_is(&key, "M", 1) || tm_jscan_object(&s) != 0)
        {
            return 0;
        }

        for (k = 0; k < TM_REMINDER_ATTRS; k++) {
            v[k] = NULL;
        }

        /* each attribute known, once, {"S": "..."} */
        while ((rc = tm_jscan_member(&s, &key)) == 1) {
            for (k = 0; k < TM_REMINDER_ATTRS; k++) {
                if (tm_reminder_is(&key, tm_reminder_attrs[k],
                                    strlen(tm_reminder_attrs[k])))
                {
                    break;
                }
            }

            if (k == TM_REMINDER_ATTRS || v[k] != NULL
                || tm_jscan_object(&s) != 0
                || tm_jscan_member(&s, &key) != 1
                || !tm_reminder_is(&key, "S", 1)
                || tm_jscan_string(&s, &str) != 0 || str.escaped
                || str.len >= TM_REMINDER_S_MAX
                || tm_jscan_member(&s, &key) != 0)
            {
                return 0;
            }

            memcpy(buf[k], str.data, str.len);
            buf[k][str.len] = '\0';
            v[k] = buf[k];
        }

        if (rc != 0 || tm_jscan_member(&s, &key) != 0) {
            return 0;
        }

        /* jansson would read the rest, and find this one malformed */
        if (tm_reminder_from_s(&rs->r[n], v) != 0) {
            return -1;
        }
    }

    if (rc != 0 || tm_jscan_end(&s) != 0) {
        return 0;
    }

    rs->n = n;

    return 1;
}


/* what json_dumps(tm_reminder_json(r), JSON_COMPACT) writes, for a
 * reminder read by tm_reminders_scan: its strings need no escape (the id
 * was a plain string, the rest is ours) */
static void
tm_reminder_write(tm_jout_t *o, const tm_reminder_t *r)
{
    char  t[24];

    tm_jout_lit(o, "{\"id\":\"");
    tm_jout_raw(o, r->id, strlen(r->id));

    if (r->before[0]) {
        tm_jout_lit(o, "\",\"before\":\"");
        tm_jout_raw(o, r->before, strlen(r->before));

    } else {
        tm_format_rfc3339(r->at, t);
        tm_jout_lit(o, "\",\"at\":\"");
        tm_jout_raw(o, t, strlen(t));
    }

    if (r->fire >= 0) {
        tm_format_rfc3339(r->fire, t);
        tm_jout_lit(o, "\",\"fireAt\":\"");
        tm_jout_raw(o, t, strlen(t));
        tm_jout_lit(o, "\",\"state\":\"");

    } else {
        tm_jout_lit(o, "\",\"fireAt\":null,\"state\":\"");
    }

    tm_jout_raw(o, tm_reminder_states[r->state],
                strlen(tm_reminder_states[r->state]));
    tm_jout_lit(o, "\"}");
}


static void
tm_reminders_write_json(tm_jout_t *o, const char *text, size_t len)
{
    int             i;
    char           *s;
    json_t         *l, *item, *j;
    tm_reminders_t  rs;

    l = json_loadb(text, len, 0, NULL);
    item = l ? json_pack("{s:{s:o}}", "R", "L", l) : NULL;

    if (item == NULL || tm_reminders_from_ddb(item, "R", &rs) != 0) {
        json_decref(item);
        o->bad = 1;
        tm_jout_lit(o, "[]");
        return;
    }

    json_decref(item);

    tm_jout_lit(o, "[");

    for (i = 0; i < rs.n; i++) {
        j = tm_reminder_json(&rs.r[i]);
        s = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);

        if (s == NULL) {
            o->bad = 1;
            break;
        }

        if (i) {
            tm_jout_lit(o, ",");
        }

        tm_jout_raw(o, s, strlen(s));
        free(s);
    }

    tm_jout_lit(o, "]");
}


void
tm_reminders_write(tm_jout_t *o, const char *text, size_t len)
{
    int             i, rc;
    tm_reminders_t  rs;

    if (text == NULL) {
        tm_jout_lit(o, "[]");
        return;
    }

    rc = tm_reminders_scan(text, len, &rs);

    if (rc == 0) {
        tm_reminders_write_json(o, text, len);
        return;
    }

    if (rc < 0) {
        o->bad = 1;
        tm_jout_lit(o, "[]");
        return;
    }

    tm_jout_lit(o, "[");

    for (i = 0; i < rs.n; i++) {
        if (i) {
            tm_jout_lit(o, ",");
        }

        tm_reminder_write(o, &rs.r[i]);
    }

    tm_jout_lit(o, "]");
}


static void
tm_reminder_new_id(char *out)
{
    int            i;
    unsigned char  b[TM_REMINDER_ID_LEN / 2];

    if (RAND_bytes(b, sizeof(b)) != 1) {
        memset(b, 0, sizeof(b));
    }

    for (i = 0; i < (int) sizeof(b); i++) {
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    }
}
