/*
 * DynamoDB items and Query replies read from text (tm_ddb_item.h).
 */

#include <stdlib.h>
#include <string.h>

#include "tm_ddb.h"
#include "tm_ddb_item.h"


static int tm_ddb_reply_items(tm_jscan_t *s, tm_jstr_t *v,
    tm_ddb_each_pt each, void *data, int *stop);


/* an attribute's type as tm_ddb_attr_read keeps it: 'S' and 'N' are its
 * first byte as written, 'B' BOOL, 'L', 0 another; its name is plain text
 * but for the odd escaped one (unescaped then) */
static int
tm_ddb_attr_type(const tm_jstr_t *type)
{
    if (type->escaped) {
        if (tm_jstr_eq(type, "S") || tm_jstr_eq(type, "N")) {
            return type->data[0];
        }

        return tm_jstr_eq(type, "BOOL") ? 'B' : tm_jstr_eq(type, "L") ? 'L' : 0;
    }

    if (type->len == 1) {
        switch (type->data[0]) {
        case 'S':
        case 'N':
        case 'L':
            return type->data[0];
        }

        return 0;
    }

    return type->len == 4 && memcmp(type->data, "BOOL", 4) == 0 ? 'B' : 0;
}


/* one attribute value: {"<type>": value} */
static int
tm_ddb_attr_read(tm_jscan_t *s, tm_ddb_attr_t *a)
{
    int        t;
    tm_jstr_t  type;

    if (tm_jscan_object(s) != 0 || tm_jscan_member(s, &type) != 1) {
        return -1;
    }

    a->type = 0;
    t = tm_ddb_attr_type(&type);

    if (t == 'S' || t == 'N' || t == '\\') {
        a->type = (char) t;

        if (tm_jscan_string(s, &a->value) != 0) {
            return -1;
        }

    } else {
        if (tm_jscan_value(s, &a->value) != 0) {
            return -1;
        }

        if (t == 'B') {
            if (a->value.data[0] != 't' && a->value.data[0] != 'f') {
                return -1;
            }

            a->type = 'B';

        } else if (t == 'L') {
            if (a->value.data[0] != '[') {
                return -1;
            }

            a->type = 'L';
        }
    }

    /* exactly one member */
    return tm_jscan_member(s, &type) == 0 ? 0 : -1;
}


int
tm_ddb_item_strings(const tm_ddb_item_t *item, const char *name,
    tm_jout_t *o)
{
    int               rc, n;
    tm_jstr_t         str, type;
    tm_jscan_t        s;
    const tm_jstr_t  *list;

    tm_jout_lit(o, "[");

    list = tm_ddb_item_get(item, name, 'L');
    if (list == NULL) {
        tm_jout_lit(o, "]");
        return 0;
    }

    tm_jscan_init(&s, list->data, list->len);

    if (tm_jscan_array(&s) != 0) {
        return -1;
    }

    for (n = 0; (rc = tm_jscan_element(&s)) == 1; n++) {
        if (tm_jscan_object(&s) != 0 || tm_jscan_member(&s, &type) != 1
            || !tm_jstr_eq(&type, "S") || tm_jscan_string(&s, &str) != 0
            || tm_jscan_member(&s, &type) != 0)
        {
            return -1;
        }

        if (n) {
            tm_jout_lit(o, ",");
        }

        tm_jout_jstr(o, &str);
    }

    tm_jout_lit(o, "]");

    return rc;
}


int
tm_ddb_item_read(tm_jscan_t *s, tm_ddb_item_t *item)
{
    int             rc;
    tm_jstr_t       name;
    const char     *start;
    tm_ddb_attr_t  *a, ignored;

    tm_jscan_peek(s);
    start = s->p;

    if (tm_jscan_object(s) != 0) {
        return -1;
    }

    item->n = 0;

    while ((rc = tm_jscan_member(s, &name)) == 1) {
        a = item->n < TM_DDB_ITEM_ATTRS ? &item->attr[item->n++] : &ignored;
        a->name = name;

        if (tm_ddb_attr_read(s, a) != 0) {
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


int
tm_ddb_item_parse(const char *text, size_t len, tm_ddb_item_t *item)
{
    tm_jscan_t  s;

    tm_jscan_init(&s, text, len);

    if (tm_ddb_item_read(&s, item) != 0) {
        return -1;
    }

    return tm_jscan_end(&s);
}


/* the attribute of type t unescaped into out: its length, or -1 */
static long
tm_ddb_item_copy(const tm_ddb_item_t *item, const char *name, char t,
    char *out, size_t size)
{
    const tm_jstr_t  *v;

    v = tm_ddb_item_get(item, name, t);

    return v ? tm_jstr_copy(v, out, size) : -1;
}


const tm_jstr_t *
tm_ddb_item_get(const tm_ddb_item_t *item, const char *name, char t)
{
    size_t                i, n;
    const tm_ddb_attr_t  *a;

    n = strlen(name);

    for (i = 0; i < item->n; i++) {
        a = &item->attr[i];

        /* names are plain text but for the odd escaped one; most differ
         * in length or first byte already */
        if (a->name.escaped ? tm_jstr_eq(&a->name, name)
                            : a->name.len == n
                              && (n == 0 || a->name.data[0] == name[0])
                              && memcmp(a->name.data, name, n) == 0)
        {
            return a->type == t ? &a->value : NULL;
        }
    }

    return NULL;
}


int
tm_ddb_item_n(const tm_ddb_item_t *item, const char *name, long long *n)
{
    char  buf[32], *end;

    if (tm_ddb_item_copy(item, name, 'N', buf, sizeof(buf)) <= 0) {
        return -1;
    }

    *n = strtoll(buf, &end, 10);

    /* as tm_ddb_get_n: an integer, or the integer part of a decimal */
    return (*end == '\0' || *end == '.') && end != buf ? 0 : -1;
}


int
tm_ddb_item_bool(const tm_ddb_item_t *item, const char *name, int dflt)
{
    const tm_jstr_t  *v;

    v = tm_ddb_item_get(item, name, 'B');

    return v ? v->data[0] == 't' : dflt;
}


long
tm_ddb_item_s(const tm_ddb_item_t *item, const char *name, char *out,
    size_t size)
{
    return tm_ddb_item_copy(item, name, 'S', out, size);
}


int
tm_ddb_item_id(const tm_ddb_item_t *item, const char *prefix, tm_jstr_t *id)
{
    size_t            n;
    const tm_jstr_t  *sk;

    n = strlen(prefix);
    sk = tm_ddb_item_get(item, TM_SK, 'S');

    if (sk == NULL || sk->len <= n || memcmp(sk->data, prefix, n) != 0) {
        return -1;
    }

    id->data = sk->data + n;
    id->len = sk->len - n;
    id->escaped = sk->escaped;

    return 0;
}


int
tm_ddb_reply_read(const char *text, size_t len, tm_ddb_reply_t *reply)
{
    return tm_ddb_reply_walk(text, len, reply, NULL, NULL);
}


int
tm_ddb_reply_walk(const char *text, size_t len, tm_ddb_reply_t *reply,
    tm_ddb_each_pt each, void *data)
{
    int         rc, stop;
    char        buf[32];
    tm_jstr_t   name, v;
    tm_jscan_t  s;

    stop = 0;
    memset(reply, 0, sizeof(tm_ddb_reply_t));
    tm_jscan_init(&s, text, len);

    if (tm_jscan_object(&s) != 0) {
        return -1;
    }

    while ((rc = tm_jscan_member(&s, &name)) == 1) {

        /* Items twice: refused, a walk would hand both arrays over */
        if (tm_jstr_eq(&name, "Items") && reply->items.data != NULL) {
            return -1;
        }

        if (each && tm_jstr_eq(&name, "Items")) {
            if (tm_ddb_reply_items(&s, &v, each, data, &stop) != 0) {
                return -1;
            }

        } else if (tm_jscan_value(&s, &v) != 0) {
            return -1;
        }

        if (tm_jstr_eq(&name, "Items")) {
            if (v.data[0] != '[') {
                return -1;
            }

            reply->items = v;

        } else if (tm_jstr_eq(&name, "LastEvaluatedKey")) {
            if (v.data[0] != '{') {
                return -1;
            }

            reply->last_key = v;

        } else if (tm_jstr_eq(&name, "Count")) {
            /* a page is at most 1 MB of items: seven digits at most */
            if (v.len > 7 || v.data[0] < '0' || v.data[0] > '9') {
                return -1;
            }

            memcpy(buf, v.data, v.len);
            buf[v.len] = '\0';
            reply->count = strtoll(buf, NULL, 10);
        }
    }

    if (rc != 0 || tm_jscan_end(&s) != 0) {
        return -1;
    }

    return stop;
}


/*
 * Items, each read as an item and handed to each() until it says stop
 * (*stop, non-zero); the rest only checked.  Its text in *v.  0, or -1 if
 * malformed (an element no item included).
 */
static int
tm_ddb_reply_items(tm_jscan_t *s, tm_jstr_t *v, tm_ddb_each_pt each,
    void *data, int *stop)
{
    int            rc;
    tm_jstr_t      skipped;
    tm_ddb_item_t  item;

    tm_jscan_peek(s);
    v->data = s->p;
    v->escaped = 0;

    if (tm_jscan_array(s) != 0) {
        return -1;
    }

    while ((rc = tm_jscan_element(s)) == 1) {

        if (*stop) {
            if (tm_jscan_value(s, &skipped) != 0) {
                return -1;
            }

            continue;
        }

        if (tm_ddb_item_read(s, &item) != 0) {
            return -1;
        }

        *stop = each(data, &item);
    }

    v->len = s->p - v->data;

    return rc;
}


int
tm_ddb_reply_item(const char *text, size_t len, const char *member,
    tm_ddb_item_t *item)
{
    int         rc, found;
    tm_jstr_t   name, v;
    tm_jscan_t  s;

    found = 0;
    tm_jscan_init(&s, text, len);

    if (tm_jscan_object(&s) != 0) {
        return -1;
    }

    while ((rc = tm_jscan_member(&s, &name)) == 1) {

        if (tm_jstr_eq(&name, member)) {
            if (found || tm_ddb_item_read(&s, item) != 0) {
                return -1;
            }

            found = 1;

        } else if (tm_jscan_value(&s, &v) != 0) {
            return -1;
        }
    }

    if (rc != 0 || tm_jscan_end(&s) != 0) {
        return -1;
    }

    return found;
}


json_t *
tm_ddb_item_key(const tm_ddb_item_t *item, const char **names)
{
    /* DynamoDB's key values are at most 2048 bytes */
    char     buf[2049];
    json_t  *key, *v;

    key = json_object();
    if (key == NULL) {
        return NULL;
    }

    for ( /* void */ ; *names; names++) {
        if (tm_ddb_item_s(item, *names, buf, sizeof(buf)) < 0) {
            json_decref(key);
            return NULL;
        }

        v = json_pack("{s:s}", "S", buf);

        if (v == NULL || json_object_set_new(key, *names, v) != 0) {
            json_decref(key);
            return NULL;
        }
    }

    return key;
}
