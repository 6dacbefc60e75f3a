/*
 * UpdateItem expressions (tm_update.h).  A buffer that cannot grow marks
 * the update failed; nothing is ever truncated.
 */

#include <stdlib.h>
#include <string.h>

#include "tm_update.h"


static void tm_update_add(tm_update_t *u, tm_update_buf_t *b,
    const char *sep, const char *s1, const char *s2, const char *s3);


void
tm_update_init(tm_update_t *u)
{
    memset(u, 0, sizeof(tm_update_t));

    u->values = json_object();
    u->names = json_object();

    if (u->values == NULL || u->names == NULL) {
        u->failed = 1;
    }
}


void
tm_update_free(tm_update_t *u)
{
    free(u->set.data);
    free(u->remove.data);
    free(u->cond.data);
    free(u->expr.data);
    json_decref(u->values);
    json_decref(u->names);
    memset(u, 0, sizeof(tm_update_t));
}


void
tm_update_set(tm_update_t *u, const char *expr)
{
    tm_update_add(u, &u->set, ", ", expr, NULL, NULL);
}


void
tm_update_set_value(tm_update_t *u, const char *attr, const char *ph,
    json_t *value)
{
    tm_update_add(u, &u->set, ", ", attr, " = ", ph);
    tm_update_value(u, ph, value);
}


void
tm_update_remove(tm_update_t *u, const char *attr)
{
    tm_update_add(u, &u->remove, ", ", attr, NULL, NULL);
}


void
tm_update_cond(tm_update_t *u, const char *expr)
{
    tm_update_add(u, &u->cond, " AND ", expr, NULL, NULL);
}


void
tm_update_value(tm_update_t *u, const char *ph, json_t *value)
{
    if (value == NULL || ph[0] != ':') {
        json_decref(value);
        u->failed = 1;
        return;
    }

    /* json_object_set_new takes the reference even when it fails */
    if (json_object_set_new(u->values, ph, value) != 0) {
        u->failed = 1;
    }
}


void
tm_update_name(tm_update_t *u, const char *ph, const char *name)
{
    if (ph[0] != '#'
        || json_object_set_new(u->names, ph, json_string(name)) != 0)
    {
        u->failed = 1;
    }
}


const char *
tm_update_expression(tm_update_t *u)
{
    if (u->failed || (u->set.len == 0 && u->remove.len == 0)) {
        return NULL;
    }

    u->expr.len = 0;

    if (u->set.len) {
        tm_update_add(u, &u->expr, "", "SET ", u->set.data, NULL);
    }

    if (u->remove.len) {
        tm_update_add(u, &u->expr, " ", "REMOVE ", u->remove.data, NULL);
    }

    return u->failed ? NULL : u->expr.data;
}


json_t *
tm_update_request(tm_update_t *u, const char *table, json_t *key,
    const char *return_values)
{
    json_t      *req;
    const char  *expr;

    expr = tm_update_expression(u);

    if (expr == NULL || key == NULL) {
        json_decref(key);
        return NULL;
    }

    req = json_pack("{s:s, s:o, s:s}", "TableName", table, "Key", key,
                    "UpdateExpression", expr);
    if (req == NULL) {
        return NULL;
    }

    if ((u->cond.len
         && json_object_set_new(req, "ConditionExpression",
                                json_string(u->cond.data)) != 0)
        || (json_object_size(u->values)
            && json_object_set(req, "ExpressionAttributeValues", u->values)
               != 0)
        || (json_object_size(u->names)
            && json_object_set(req, "ExpressionAttributeNames", u->names)
               != 0)
        || (return_values
            && json_object_set_new(req, "ReturnValues",
                                   json_string(return_values)) != 0))
    {
        json_decref(req);
        return NULL;
    }

    return req;
}


/* appends sep (when b has text) and up to three strings, or fails */

static void
tm_update_add(tm_update_t *u, tm_update_buf_t *b, const char *sep,
    const char *s1, const char *s2, const char *s3)
{
    char        *p;
    size_t       n, size;
    const char  *parts[4];
    size_t       i;

    if (u->failed) {
        return;
    }

    parts[0] = b->len ? sep : "";
    parts[1] = s1;
    parts[2] = s2 ? s2 : "";
    parts[3] = s3 ? s3 : "";

    if (s1 == NULL) {
        u->failed = 1;
        return;
    }

    n = 0;
    for (i = 0; i < 4; i++) {
        n += strlen(parts[i]);
    }

    if (b->len + n + 1 > b->size) {
        size = b->size ? b->size : 128;

        while (size < b->len + n + 1) {
            size *= 2;
        }

        p = realloc(b->data, size);
        if (p == NULL) {
            u->failed = 1;
            return;
        }

        b->data = p;
        b->size = size;
    }

    for (i = 0; i < 4; i++) {
        n = strlen(parts[i]);
        memcpy(b->data + b->len, parts[i], n);
        b->len += n;
    }

    b->data[b->len] = '\0';
}
