/*
 * The list item (EntityPartition USER_<sub>, EntitySort LIST_<id>), its
 * name claim (LISTNAME_<folded name>: which list holds a name, so that two
 * lists of a user never share one whatever their case), and its API JSON.
 * Every user has the list "inbox".  nginx-free.
 */

#ifndef TM_LIST_H
#define TM_LIST_H

#include <stddef.h>
#include <jansson.h>

#include "tm_fields.h"


#define TM_LIST_PREFIX        "LIST_"
#define TM_LISTNAME_PREFIX    "LISTNAME_"
#define TM_LIST_INBOX         "inbox"
#define TM_LIST_INBOX_NAME    "Inbox"
#define TM_LIST_COLOR         "#6b7280"
#define TM_LISTS_MAX          200
#define TM_LIST_POSITION_MAX  1000000000LL

/* a name folded, prefixed: LISTNAME_ and 100 characters, each of which
 * folding can make three of four bytes */
#define TM_LIST_KEY_LEN       (sizeof(TM_LISTNAME_PREFIX) + 100 * 12)


/* the fields of POST and PATCH /api/lists (NULL, TM_FIELD_NO_INT: absent) */
typedef struct {
    const char          *name;
    const char          *color;      /* lower-cased */
    long long            position;
} tm_list_fields_t;

extern const tm_field_t  tm_list_body[];


/* "inbox" or a list id as tm_uuid_v4 makes them */
const char *tm_valid_list_id(const char *s, size_t len);

/* "#rrggbb" */
const char *tm_valid_color(const char *s, size_t len);

/* the name claim's sort key, LISTNAME_<name folded>, into out: its
 * length, or -1 */
long tm_list_name_key(const char *name, char *out, size_t size);

/*
 * A new list item for PutItem (Version 1): f's name, color (default
 * TM_LIST_COLOR) and position (default position); now is the millisecond
 * time.  NULL when out of memory.
 */
json_t *tm_list_item(const tm_list_fields_t *f, const char *pk,
    const char *list_id, const char *name_key, long long position,
    const char *now);

/* the list's API JSON {id, name, color, position, taskCount, createdAt,
 * updatedAt, version}, or NULL if the item is no list */
json_t *tm_list_json(const json_t *item, long long task_count);

/* the id of a list item ("inbox", a uuid), or NULL */
const char *tm_list_id(const json_t *item);

#endif /* TM_LIST_H */
