/*
 * libFuzzer target: DynamoDB replies and items as the backend sends them,
 * read without a tree (tm_ddb_reply_read, tm_ddb_item_read: listings) and
 * with jansson (tm_user_json, tm_list_json: single items), then written as
 * API JSON (tm_task_write, tm_notification_write over tm_jout).  Whatever
 * the backend sends, what a writer returns must be one JSON object that
 * jansson reads, the same bytes in a buffer of exactly its length, and
 * TM_WRITE_FULL in one byte less: a reply is never cut or overrun.
 */

#include <string.h>
#include <jansson.h>

#include "fuzz.h"
#include "tm_ddb.h"
#include "tm_ddb_item.h"
#include "tm_list.h"
#include "tm_notification.h"
#include "tm_task.h"
#include "tm_user.h"


#define FZ_NOW   1764547200LL     /* 2025-12-01T00:00:00Z */
#define FZ_OUT   65536


typedef long (*fz_write_pt)(const tm_ddb_item_t *item, char *out,
    size_t size);


/* the items a walk handed over (their texts), and where it is to stop */
#define FZ_ITEMS  64

typedef struct {
    tm_jstr_t   text[FZ_ITEMS];
    size_t      n;
    size_t      stop_after;
} fz_walk_t;


static long
fz_notification_write(const tm_ddb_item_t *item, char *out, size_t size)
{
    return tm_notification_write(item, FZ_NOW, out, size);
}


/* a Timestamp of the API (docs/openapi.yaml), or null where allowed:
 * "dddd-dd-ddTdd:dd:ddZ" */
static int
fz_timestamp(const json_t *v, int nullable)
{
    int          i;
    const char  *s, *shape = "dddd-dd-ddTdd:dd:ddZ";

    if (json_is_null(v)) {
        return nullable;
    }

    s = json_string_value(v);
    if (s == NULL || strlen(s) != 20) {
        return 0;
    }

    for (i = 0; shape[i]; i++) {
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i]) {
            return 0;
        }
    }

    return 1;
}


/* what write writes of item: JSON, and the same whatever the room */
static void
fz_write(const tm_ddb_item_t *item, fz_write_pt write)
{
    int          i;
    long         n, m;
    char        *out, *exact;
    json_t      *v;
    const char  *times[] = { "createdAt", "updatedAt", "dueDate",
                             "completedAt" };

    out = malloc(FZ_OUT);
    n = write(item, out, FZ_OUT);

    fz_check(n >= 0 || n == TM_WRITE_NOT_ITEM || n == TM_WRITE_BAD
             || n == TM_WRITE_FULL);

    if (n >= 0) {
        v = json_loadb(out, (size_t) n, JSON_REJECT_DUPLICATES, NULL);
        fz_check(json_is_object(v)
                 && json_is_string(json_object_get(v, "id")));

        /* the times of both kinds of item: a Timestamp, or null for a
         * time the item lacks, never another string */
        fz_check(fz_timestamp(json_object_get(v, "expiresAt"), 0)
                 || !json_object_get(v, "expiresAt"));

        for (i = 0; i < 4; i++) {
            fz_check(fz_timestamp(json_object_get(v, times[i]), 1)
                     || !json_object_get(v, times[i]));
        }

        json_decref(v);

        /* exact: malloc'd to the byte, so that ASan sees any overrun */
        exact = malloc((size_t) n);
        m = write(item, exact, (size_t) n);
        fz_check(m == n && memcmp(exact, out, (size_t) n) == 0);

        if (n > 0) {
            m = write(item, exact, (size_t) n - 1);
            fz_check(m == TM_WRITE_FULL);
        }

        free(exact);
    }

    free(out);
}


/* one item, read: every reader of attributes, then the writers */
static void
fz_item(const tm_ddb_item_t *item)
{
    char              buf[64];
    json_t           *key;
    tm_jout_t         o;
    long long         n;
    tm_jstr_t         id;
    const char       *names[] = { TM_PK, TM_SK, NULL };

    (void) tm_ddb_item_n(item, "Version", &n);
    (void) tm_ddb_item_bool(item, "NotificationSent", 0);
    (void) tm_ddb_item_s(item, "Title", buf, sizeof(buf));

    if (tm_ddb_item_id(item, TM_TASK_PREFIX, &id) == 0) {
        fz_check(id.len > 0);
    }

    /* the labels as a JSON array, when they are strings */
    tm_jout_init(&o, buf, sizeof(buf));
    if (tm_ddb_item_strings(item, "Labels", &o) == 0 && !o.full) {
        key = json_loadb(buf, (size_t) tm_jout_len(&o), 0, NULL);
        fz_check(json_is_array(key));
        json_decref(key);
    }

    key = tm_ddb_item_key(item, names);
    json_decref(key);

    fz_write(item, tm_task_write);
    fz_write(item, fz_notification_write);
}


static int
fz_walk_each(void *data, tm_ddb_item_t *item)
{
    fz_walk_t  *w;

    w = data;

    if (w->n < FZ_ITEMS) {
        w->text[w->n] = item->text;
    }

    return ++w->n == w->stop_after ? 7 : 0;
}


/*
 * The one-pass walk of listings against reading the reply, then its items:
 * the same verdict, the same reply, the same items in the same order; a
 * walk stopped early still checks the rest
 */
static void
fz_walk(const char *text, size_t size)
{
    int              rc, ok, walked;
    size_t           n;
    tm_jscan_t       s;
    fz_walk_t        w;
    tm_ddb_item_t    item;
    tm_ddb_reply_t   reply, wreply;

    memset(&w, 0, sizeof(fz_walk_t));
    w.stop_after = size % 4 == 0 ? 0 : size % 4;

    ok = tm_ddb_reply_read(text, size, &reply) == 0;
    walked = tm_ddb_reply_walk(text, size, &wreply, fz_walk_each, &w);

    n = 0;

    if (ok && reply.items.len) {
        tm_jscan_init(&s, reply.items.data, reply.items.len);
        fz_check(tm_jscan_array(&s) == 0);

        while ((rc = tm_jscan_element(&s)) == 1) {
            if (w.stop_after && n == w.stop_after) {
                break;
            }

            if (tm_ddb_item_read(&s, &item) != 0) {
                ok = 0;
                break;
            }

            if (n < FZ_ITEMS && n < w.n) {
                fz_check(item.text.data == w.text[n].data
                         && item.text.len == w.text[n].len);
            }

            n++;
        }
    }

    if (!ok) {
        fz_check(walked == -1);
        return;
    }

    fz_check(walked == (w.stop_after && w.n == w.stop_after ? 7 : 0));
    fz_check(w.n == n);
    fz_check(wreply.count == reply.count
             && wreply.items.data == reply.items.data
             && wreply.items.len == reply.items.len
             && wreply.last_key.data == reply.last_key.data
             && wreply.last_key.len == reply.last_key.len);
}


/* an item as a jansson tree, as single-item reads see it */
static void
fz_tree(const json_t *item)
{
    char    *text;
    json_t  *v;

    v = tm_user_json(item);
    if (v) {
        text = json_dumps(v, 0);
        fz_check(text != NULL);
        free(text);
        json_decref(v);
    }

    v = tm_list_json(item, 7);
    if (v) {
        fz_check(tm_list_id(item) != NULL);
        fz_check(fz_timestamp(json_object_get(v, "createdAt"), 0)
                 && fz_timestamp(json_object_get(v, "updatedAt"), 0));
        text = json_dumps(v, 0);
        fz_check(text != NULL);
        free(text);
        json_decref(v);
    }
}


/* the text read by jansson: an item, GetItem's {"Item"}, a Query's
 * {"Items"} */
static void
fz_trees(const uint8_t *data, size_t size)
{
    size_t   i;
    json_t  *root, *v;

    root = json_loadb((const char *) data, size, 0, NULL);
    if (root == NULL) {
        return;
    }

    fz_tree(root);

    v = json_object_get(root, "Item");
    if (v) {
        fz_tree(v);
    }

    json_array_foreach(json_object_get(root, "Items"), i, v) {
        fz_tree(v);
    }

    json_decref(root);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t          *v;
    const char      *text;
    tm_jscan_t       s;
    tm_ddb_item_t   *item;
    tm_ddb_reply_t   reply;

    text = (const char *) data;
    item = malloc(sizeof(tm_ddb_item_t));

    /* a Query reply, as listings read it (ngx_taskmgr_page.c) */
    if (tm_ddb_reply_read(text, size, &reply) == 0) {
        fz_check(reply.items.len == 0 || reply.items.data[0] == '[');

        if (reply.last_key.len) {
            /* jansson reads it again for ExclusiveStartKey; it may only
             * refuse numbers out of its range */
            v = json_loadb(reply.last_key.data, reply.last_key.len, 0, NULL);
            json_decref(v);
        }

        /* no Items: refused there before any walk */
        if (reply.items.len) {
            tm_jscan_init(&s, reply.items.data, reply.items.len);
            fz_check(tm_jscan_array(&s) == 0);

            while (tm_jscan_element(&s) == 1) {
                if (tm_ddb_item_read(&s, item) != 0) {
                    break;
                }

                fz_check(item->text.len >= 2 && item->text.data[0] == '{');
                fz_item(item);
            }
        }
    }

    fz_walk(text, size);

    /* one item, as GetItem's and the writes' replies hold it */
    if (tm_ddb_item_parse(text, size, item) == 0) {
        fz_item(item);
    }

    /* GetItem's {"Item"} read as text (GET /api/tasks/{id}); jansson may
     * only refuse numbers out of its range elsewhere in the reply */
    if (tm_ddb_reply_item(text, size, "Item", item) == 1) {
        fz_check(item->text.len >= 2 && item->text.data[0] == '{');
        v = json_loadb(text, size, 0, NULL);
        fz_check(v == NULL || json_is_object(json_object_get(v, "Item")));
        json_decref(v);
        fz_item(item);
        fz_write(item, tm_task_write_one);
    }

    fz_trees(data, size);

    free(item);

    return 0;
}
