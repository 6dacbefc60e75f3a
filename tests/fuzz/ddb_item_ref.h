/*
 * The reference for tests/fuzz/jscan_diff.c: DynamoDB items and Query
 * replies read from text as common/tm_ddb_item.c did before issue 17 (each
 * attribute's type compared with tm_jstr_eq), over the former reader of
 * jscan_ref.h; functions renamed fz_ref_* and static.  Kept here only to
 * be run beside the new code on every fuzz input.
 */

#ifndef FZ_DDB_ITEM_REF_H
#define FZ_DDB_ITEM_REF_H

#include <stdlib.h>
#include <string.h>

#include "tm_ddb.h"
#include "tm_ddb_item.h"
#include "jscan_ref.h"


/* one attribute value: {"<type>": value} */
static int
fz_ref_ddb_attr_read(tm_jscan_t *s, tm_ddb_attr_t *a)
{
    tm_jstr_t  type;

    if (fz_ref_jscan_object(s) != 0 || fz_ref_jscan_member(s, &type) != 1) {
        return -1;
    }

    a->type = 0;

    if (fz_ref_jstr_eq(&type, "S") || fz_ref_jstr_eq(&type, "N")) {
        a->type = type.data[0];

        if (fz_ref_jscan_string(s, &a->value) != 0) {
            return -1;
        }

    } else {
        if (fz_ref_jscan_value(s, &a->value) != 0) {
            return -1;
        }

        if (fz_ref_jstr_eq(&type, "BOOL")) {
            if (a->value.data[0] != 't' && a->value.data[0] != 'f') {
                return -1;
            }

            a->type = 'B';

        } else if (fz_ref_jstr_eq(&type, "L")) {
            if (a->value.data[0] != '[') {
                return -1;
            }

            a->type = 'L';
        }
    }

    /* exactly one member */
    return fz_ref_jscan_member(s, &type) == 0 ? 0 : -1;
}


static int
fz_ref_ddb_item_read(tm_jscan_t *s, tm_ddb_item_t *item)
{
    int             rc;
    tm_jstr_t       name;
    const char     *start;
    tm_ddb_attr_t  *a, ignored;

    fz_ref_jscan_peek(s);
    start = s->p;

    if (fz_ref_jscan_object(s) != 0) {
        return -1;
    }

    item->n = 0;

    while ((rc = fz_ref_jscan_member(s, &name)) == 1) {
        a = item->n < TM_DDB_ITEM_ATTRS ? &item->attr[item->n++] : &ignored;
        a->name = name;

        if (fz_ref_ddb_attr_read(s, a) != 0) {
            return -1;
        }
    }

    if (rc != 0) {
        return -1;
    }

    item->text.data = start;
    item->text.len = s->p - start;
    item->text.escaped = 0;

    return 0;
}


static int
fz_ref_ddb_item_parse(const char *text, size_t len, tm_ddb_item_t *item)
{
    tm_jscan_t  s;

    fz_ref_jscan_init(&s, text, len);

    if (fz_ref_ddb_item_read(&s, item) != 0) {
        return -1;
    }

    return fz_ref_jscan_end(&s);
}


static const tm_jstr_t *
fz_ref_ddb_item_get(const tm_ddb_item_t *item, const char *name, char t)
{
    size_t                i, n;
    const tm_ddb_attr_t  *a;

    n = strlen(name);

    for (i = 0; i < item->n; i++) {
        a = &item->attr[i];

        /* names are plain text but for the odd escaped one */
        if (a->name.escaped ? fz_ref_jstr_eq(&a->name, name)
                            : a->name.len == n
                              && memcmp(a->name.data, name, n) == 0)
        {
            return a->type == t ? &a->value : NULL;
        }
    }

    return NULL;
}


static int
fz_ref_ddb_reply_read(const char *text, size_t len, tm_ddb_reply_t *reply)
{
    int         rc;
    char        buf[32];
    tm_jstr_t   name, v;
    tm_jscan_t  s;

    memset(reply, 0, sizeof(tm_ddb_reply_t));
    fz_ref_jscan_init(&s, text, len);

    if (fz_ref_jscan_object(&s) != 0) {
        return -1;
    }

    while ((rc = fz_ref_jscan_member(&s, &name)) == 1) {

        if (fz_ref_jscan_value(&s, &v) != 0) {
            return -1;
        }

        if (fz_ref_jstr_eq(&name, "Items")) {
            if (v.data[0] != '[') {
                return -1;
            }

            reply->items = v;

        } else if (fz_ref_jstr_eq(&name, "LastEvaluatedKey")) {
            if (v.data[0] != '{') {
                return -1;
            }

            reply->last_key = v;

        } else if (fz_ref_jstr_eq(&name, "Count")) {
            /* a page is at most 1 MB of items: seven digits at most */
            if (v.len > 7 || v.data[0] < '0' || v.data[0] > '9') {
                return -1;
            }

            memcpy(buf, v.data, v.len);
            buf[v.len] = '\0';
            reply->count = strtoll(buf, NULL, 10);
        }
    }

    return rc == 0 ? fz_ref_jscan_end(&s) : -1;
}

#endif /* FZ_DDB_ITEM_REF_H */
