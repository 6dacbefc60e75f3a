/*
 * DynamoDB items read from reply text with tm_jscan, without a jansson
 * tree: the attributes as slices of the text.  Listings map their items to
 * API JSON from these (tm_task_write, tm_notification_write).
 * nginx-free, shared by the module and the unit tests.
 */

#ifndef TM_DDB_ITEM_H
#define TM_DDB_ITEM_H

#include <stddef.h>
#include <jansson.h>

#include "tm_jout.h"
#include "tm_jscan.h"


/* more attributes than this are read and ignored: our items have fewer */
#define TM_DDB_ITEM_ATTRS  40

typedef struct {
    tm_jstr_t            name;
    char                 type;     /* 'S', 'N', 'B' (BOOL), 'L', 0: another */
    tm_jstr_t            value;    /* S and N: the string; BOOL: the
                                    * literal; L and another: its JSON text */
} tm_ddb_attr_t;

typedef struct {
    tm_ddb_attr_t        attr[TM_DDB_ITEM_ATTRS];
    size_t               n;
    tm_jstr_t            text;     /* the whole item */
} tm_ddb_item_t;

/* a Query reply: the text of its Items array and LastEvaluatedKey
 * (len 0 when absent), Count */
typedef struct {
    tm_jstr_t            items;
    tm_jstr_t            last_key;
    long long            count;
} tm_ddb_reply_t;


/* the item at s: 0, or -1 if it is no well-formed item */
int tm_ddb_item_read(tm_jscan_t *s, tm_ddb_item_t *item);

/* the whole text is one item */
int tm_ddb_item_parse(const char *text, size_t len, tm_ddb_item_t *item);

/* the value of the attribute if it has type t, else NULL */
const tm_jstr_t *tm_ddb_item_get(const tm_ddb_item_t *item,
    const char *name, char t);

/* 0 and *n, or -1 if absent, of another type or not an integer */
int tm_ddb_item_n(const tm_ddb_item_t *item, const char *name,
    long long *n);

/* the BOOL attribute, dflt when absent */
int tm_ddb_item_bool(const tm_ddb_item_t *item, const char *name,
    int dflt);

/* the L attribute of S values as a JSON array of strings into o ([] when
 * absent): 0, or -1 if it holds anything but strings */
int tm_ddb_item_strings(const tm_ddb_item_t *item, const char *name,
    tm_jout_t *o);

/* the S attribute unescaped into out (NUL-terminated): its length, or -1
 * when absent, of another type or longer than size - 1 */
long tm_ddb_item_s(const tm_ddb_item_t *item, const char *name, char *out,
    size_t size);

/* the id in the item's sort key "<prefix><id>" (as a slice of the text:
 * what follows a literal prefix in an escaped string is escaped text too);
 * -1 if the sort key has another prefix or nothing after it */
int tm_ddb_item_id(const tm_ddb_item_t *item, const char *prefix,
    tm_jstr_t *id);

/* a Query or Scan reply; -1 if malformed (Items twice included) */
int tm_ddb_reply_read(const char *text, size_t len, tm_ddb_reply_t *reply);

/* one item of a reply being walked: 0 for the next, or a positive value
 * to stop */
typedef int (*tm_ddb_each_pt)(void *data, tm_ddb_item_t *item);

/* the same in one pass: each item of Items to each(), in order, until it
 * stops (the rest is still checked): -1 if malformed (an element that is
 * no item included), else 0 or the value each() stopped with */
int tm_ddb_reply_walk(const char *text, size_t len, tm_ddb_reply_t *reply,
    tm_ddb_each_pt each, void *data);

/* the object member of a GetItem or UpdateItem reply ("Item",
 * "Attributes") as an item: 1, 0 when the reply has none, -1 if malformed
 * (the member twice included) */
int tm_ddb_reply_item(const char *text, size_t len, const char *member,
    tm_ddb_item_t *item);

/* the named S attributes of the item as a new DynamoDB item
 * ({"name": {"S": ...}, ...}), e.g. a key for ExclusiveStartKey; NULL if
 * one is missing */
json_t *tm_ddb_item_key(const tm_ddb_item_t *item, const char **names);

#endif /* TM_DDB_ITEM_H */
