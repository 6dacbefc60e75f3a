/*
 * The list item and its name claim.
 */

#include <stdio.h>
#include <string.h>

#include "tm_ddb.h"
#include "tm_fold.h"
#include "tm_list.h"
#include "tm_task.h"
#include "tm_time.h"
#include "tm_validate.h"


const tm_field_t  tm_list_body[] = {
    { "name", TM_FIELD_STRING, TM_FIELD_REQUIRED,
      offsetof(tm_list_fields_t, name), tm_valid_name, NULL, NULL, 0, 0,
      NULL, NULL },
    { "color", TM_FIELD_STRING, TM_FIELD_LOWER,
      offsetof(tm_list_fields_t, color), tm_valid_color, NULL, NULL, 0, 0,
      NULL, NULL },
    { "position", TM_FIELD_INT, 0, offsetof(tm_list_fields_t, position),
      NULL, NULL, NULL, 0, TM_LIST_POSITION_MAX, NULL,
      "must be a whole number from 0 to 1000000000" },
    tm_field_null
};


const char *
tm_valid_list_id(const char *s, size_t len)
{
    if ((len == sizeof(TM_LIST_INBOX) - 1
         && memcmp(s, TM_LIST_INBOX, len) == 0)
        || tm_uuid_valid(s, len))
    {
        return NULL;
    }

    return "must be the id of one of your lists";
}


const char *
tm_valid_color(const char *s, size_t len)
{
    size_t  i;

    if (len != 7 || s[0] != '#') {
        return "must be a colour like #6b7280";
    }

    for (i = 1; i < len; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')
              || (s[i] >= 'A' && s[i] <= 'F')))
        {
            return "must be a colour like #6b7280";
        }
    }

    return NULL;
}


long
tm_list_name_key(const char *name, char *out, size_t size)
{
    long    n;
    size_t  p;

    p = sizeof(TM_LISTNAME_PREFIX) - 1;

    if (size <= p) {
        return -1;
    }

    memcpy(out, TM_LISTNAME_PREFIX, p);

    n = tm_fold_case(name, strlen(name), out + p, size - p);

    return n < 0 ? -1 : n + (long) p;
}


json_t *
tm_list_item(const tm_list_fields_t *f, const char *pk, const char *list_id,
    const char *name_key, long long position, const char *now)
{
    char  sk[64];

    snprintf(sk, sizeof(sk), TM_LIST_PREFIX "%s", list_id);

    return json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:o,"
                     " s:{s:s}, s:{s:s}, s:{s:s}}",
                     TM_PK, "S", pk,
                     TM_SK, "S", sk,
                     "ListName", "S", f->name,
                     "ListNameKey", "S", name_key,
                     "Color", "S", f->color ? f->color : TM_LIST_COLOR,
                     "Position",
                     tm_ddb_n(f->position != TM_FIELD_NO_INT ? f->position
                                                             : position),
                     "CreatedAt", "S", now,
                     "UpdatedAt", "S", now,
                     "Version", "N", "1");
}


const char *
tm_list_id(const json_t *item)
{
    const char  *sk;

    sk = tm_ddb_get_s(item, TM_SK);

    if (sk == NULL
        || strncmp(sk, TM_LIST_PREFIX, sizeof(TM_LIST_PREFIX) - 1) != 0)
    {
        return NULL;
    }

    sk += sizeof(TM_LIST_PREFIX) - 1;

    return tm_valid_list_id(sk, strlen(sk)) ? NULL : sk;
}


json_t *
tm_list_json(const json_t *item, long long task_count)
{
    char         created[24], updated[24];
    long long    position, version;
    const char  *id, *name, *color, *c, *u;

    id = tm_list_id(item);
    name = tm_ddb_get_s(item, "ListName");
    color = tm_ddb_get_s(item, "Color");
    c = tm_ddb_get_s(item, "CreatedAt");
    u = tm_ddb_get_s(item, "UpdatedAt");

    /* times cut to the second must be Timestamps: else the item is
     * nonsense, not "createdAt": "2026-11-01T10:00.0:0Z" */
    if (id == NULL || name == NULL || color == NULL || c == NULL
        || u == NULL || !tm_time_shaped(c) || !tm_time_shaped(u)
        || tm_ddb_get_n(item, "Position", &position) != 0
        || tm_ddb_get_n(item, "Version", &version) != 0)
    {
        return NULL;
    }

    tm_time_seconds(c, created);
    tm_time_seconds(u, updated);

    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:I}",
                     "id", id, "name", name, "color", color,
                     "position", (json_int_t) position,
                     "taskCount", (json_int_t) task_count,
                     "createdAt", created, "updatedAt", updated,
                     "version", (json_int_t) version);
}
