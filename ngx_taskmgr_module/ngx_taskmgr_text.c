/*
 * API JSON written as text from DynamoDB items (tm_ddb_item.h): listings
 * append their items to one growing buffer, single items are wrapped in
 * {"<name>": ...}.  No jansson tree between DynamoDB's reply and ours.
 */

#include "ngx_taskmgr.h"
#include "tm_jout.h"
#include "tm_time.h"


ngx_int_t
ngx_taskmgr_text_add(ngx_pool_t *pool, ngx_taskmgr_text_t *t,
    const char *s, size_t len)
{
    if (ngx_taskmgr_text_reserve(pool, t, len) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_memcpy(t->data + t->len, s, len);
    t->len += len;

    return NGX_OK;
}


/* room for n more bytes: a buffer twice as large when needed */

ngx_int_t
ngx_taskmgr_text_reserve(ngx_pool_t *pool, ngx_taskmgr_text_t *t, size_t n)
{
    u_char  *p;
    size_t   size;

    if (t->size - t->len >= n) {
        return NGX_OK;
    }

    size = ngx_max(2 * t->size, t->len + n);
    size = ngx_max(size, 1024);

    p = ngx_pnalloc(pool, size);
    if (p == NULL) {
        return NGX_ERROR;
    }

    if (t->len) {
        ngx_memcpy(p, t->data, t->len);
    }

    t->data = p;
    t->size = size;

    return NGX_OK;
}


/*
 * Appends the item's API JSON.  NGX_DECLINED: not an item of the writer's
 * kind, nothing appended; NGX_ABORT: one of its kind that holds nonsense.
 */

ngx_int_t
ngx_taskmgr_text_item(ngx_pool_t *pool, ngx_taskmgr_text_t *t,
    ngx_taskmgr_write_pt write, const tm_ddb_item_t *item, long long now)
{
    long    n;
    size_t  room;

    /* API JSON is about as long as the item: names, at most, add */
    room = item->text.len + 256;

    for ( ;; ) {
        if (ngx_taskmgr_text_reserve(pool, t, room) != NGX_OK) {
            return NGX_ERROR;
        }

        n = write(item, now, (char *) t->data + t->len, t->size - t->len);

        if (n == TM_WRITE_NOT_ITEM) {
            return NGX_DECLINED;
        }

        if (n == TM_WRITE_BAD) {
            return NGX_ABORT;
        }

        if (n >= 0) {
            t->len += n;
            return NGX_OK;
        }

        room = 2 * (t->size - t->len);
    }
}


/*
 * The item's API JSON as a jansson value into *out (the caller decrefs),
 * written through t, a scratch buffer: the CSV and iCalendar renderings
 * read the one serializer's output.  Answers as ngx_taskmgr_text_item.
 */

ngx_int_t
ngx_taskmgr_text_json(ngx_pool_t *pool, ngx_taskmgr_text_t *t,
    ngx_taskmgr_write_pt write, const tm_ddb_item_t *item, long long now,
    json_t **out)
{
    ngx_int_t  rc;

    t->len = 0;
    *out = NULL;

    rc = ngx_taskmgr_text_item(pool, t, write, item, now);
    if (rc != NGX_OK) {
        return rc;
    }

    *out = json_loadb((char *) t->data, t->len, 0, NULL);

    return *out ? NGX_OK : NGX_ABORT;
}


/* an item built or returned as a jansson value, read as text */

ngx_int_t
ngx_taskmgr_item_parse(ngx_http_request_t *r, const json_t *obj,
    tm_ddb_item_t *item)
{
    ngx_str_t  text;

    if (ngx_taskmgr_json_dump(r->pool, obj, &text) != NGX_OK) {
        return NGX_ERROR;
    }

    return tm_ddb_item_parse((char *) text.data, text.len, item) == 0
           ? NGX_OK : NGX_ERROR;
}


/* {"<name>": <the item's API JSON>}; 502 if the item is not of its kind */

ngx_int_t
ngx_taskmgr_send_item(ngx_http_request_t *r, ngx_uint_t status,
    const char *name, ngx_taskmgr_write_pt write, const tm_ddb_item_t *item)
{
    u_char              *p;
    ngx_int_t            rc;
    ngx_taskmgr_text_t   t;
    u_char               msg[64];

    ngx_memzero(&t, sizeof(ngx_taskmgr_text_t));

    if (ngx_taskmgr_text_add(r->pool, &t, "{\"", 2) != NGX_OK
        || ngx_taskmgr_text_add(r->pool, &t, name, ngx_strlen(name))
           != NGX_OK
        || ngx_taskmgr_text_add(r->pool, &t, "\":", 2) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_taskmgr_text_item(r->pool, &t, write, item,
                               (long long) ngx_time());

    if (rc == NGX_DECLINED || rc == NGX_ABORT) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "taskmgr: malformed %s item", name);

        p = ngx_snprintf(msg, sizeof(msg) - 1, "the stored %s is malformed",
                         name);
        *p = '\0';

        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_GATEWAY, "bad_gateway",
                                      (char *) msg, NULL);
    }

    if (rc != NGX_OK || ngx_taskmgr_text_add(r->pool, &t, "}", 1) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_text(r, status, t.data, t.len);
}


char *
ngx_taskmgr_cstr(ngx_pool_t *pool, u_char *data, size_t len)
{
    u_char  *p;

    p = ngx_pnalloc(pool, len + 1);
    if (p == NULL) {
        return NULL;
    }

    ngx_memcpy(p, data, len);
    p[len] = '\0';

    return (char *) p;
}


/* "2026-11-25T17:00:00.123Z" by nginx's cached clock: millisecond order
 * for the update index */

void
ngx_taskmgr_now_ms(char *out)
{
    ngx_time_t  *tp;

    tp = ngx_timeofday();

    tm_time_ms((long long) tp->sec * 1000 + (long long) tp->msec, out);
}
