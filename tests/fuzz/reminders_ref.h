/*
 * The reference for tests/fuzz/reminders_diff.c: a task's stored reminders
 * written as API JSON as common/tm_reminder.c did before it read the
 * plain lists from their text (issue 17): every list loaded, checked and
 * dumped with jansson.  Its functions renamed fz_ref_* and static; kept
 * here only to be run beside the new writer on every fuzz input.
 */

#ifndef FZ_REMINDERS_REF_H
#define FZ_REMINDERS_REF_H

#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "tm_ddb.h"
#include "tm_duration.h"
#include "tm_jout.h"
#include "tm_reminder.h"
#include "tm_validate.h"


static const char  *fz_ref_reminder_states[] = {
    "pending", "sent", "cancelled", NULL
};


static int
fz_ref_reminders_from_ddb(const json_t *item, const char *name,
    tm_reminders_t *out)
{
    int          k;
    size_t       i;
    json_t      *list, *m;
    const char  *id, *before, *at, *fire, *state;
    tm_reminder_t  *r;

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
        r = &out->r[i];
        r->at = -1;
        r->fire = -1;

        id = tm_ddb_get_s(m, "Id");
        before = tm_ddb_get_s(m, "Before");
        at = tm_ddb_get_s(m, "At");
        fire = tm_ddb_get_s(m, "FireAt");
        state = tm_ddb_get_s(m, "State");

        if (m == NULL || (before == NULL) == (at == NULL)) {
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
            for (k = 0; fz_ref_reminder_states[k]; k++) {
                if (strcmp(state, fz_ref_reminder_states[k]) == 0) {
                    break;
                }
            }

            if (fz_ref_reminder_states[k] == NULL) {
                return -1;
            }

            r->state = k;
        }
    }

    out->n = (int) i;

    return 0;
}


static void
fz_ref_reminders_write(tm_jout_t *o, const char *text, size_t len)
{
    int             i;
    char           *s;
    json_t         *l, *item, *j;
    tm_reminders_t  rs;

    if (text == NULL) {
        tm_jout_lit(o, "[]");
        return;
    }

    /* a few small maps: jansson is simpler than a scan here, and only
     * tasks that have reminders pay for it */
    l = json_loadb(text, len, 0, NULL);
    item = l ? json_pack("{s:{s:o}}", "R", "L", l) : NULL;

    if (item == NULL || fz_ref_reminders_from_ddb(item, "R", &rs) != 0) {
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

#endif /* FZ_REMINDERS_REF_H */
