/*
 * GET /api/users/me/export: everything the caller has, as one JSON
 * attachment {"exportedAt", "user", "lists", "tasks", "trash",
 * "notifications"} (each element the API's own JSON of it; "trash" the
 * tasks in the trash, not yet expired), or with ?format=csv the tasks not
 * in the trash as CSV (common/tm_csv.h).  Sent a Query page at a time
 * (ngx_taskmgr_stream.c): 10,000 tasks are never in memory at once.
 */

#include "ngx_taskmgr_tasks.h"
#include "tm_csv.h"
#include "tm_ddb.h"
#include "tm_list.h"
#include "tm_notification.h"
#include "tm_user.h"


typedef struct {
    char                       pk[160];
    ngx_uint_t                 n;          /* items of this section */
    ngx_taskmgr_text_t         scratch;    /* a task's JSON, for CSV */
    long long                  now;
} ngx_taskmgr_export_t;


static ngx_int_t ngx_taskmgr_export_format(ngx_http_request_t *r,
    ngx_uint_t *csv);
/* which of the caller's tasks a query reads */
#define NGX_TASKMGR_EXPORT_ALL      0   /* not tasks: every item */
#define NGX_TASKMGR_EXPORT_KEPT     1   /* not in the trash */
#define NGX_TASKMGR_EXPORT_TRASH    2   /* in the trash, not expired */

static json_t *ngx_taskmgr_export_query(ngx_taskmgr_ctx_t *ctx,
    const char *prefix, ngx_uint_t which);
static ngx_int_t ngx_taskmgr_export_user(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_export_list(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const tm_ddb_item_t *item);
static ngx_int_t ngx_taskmgr_export_tasks(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_export_task(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const tm_ddb_item_t *item);
static ngx_int_t ngx_taskmgr_export_trash(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_export_notifications(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_export_notification(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const tm_ddb_item_t *item);
static ngx_int_t ngx_taskmgr_export_section(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *text, json_t *query,
    ngx_taskmgr_stream_each_pt each, ngx_taskmgr_step_pt next);
static ngx_int_t ngx_taskmgr_export_item(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_write_pt write,
    const tm_ddb_item_t *item);
static long ngx_taskmgr_export_notif_write(const tm_ddb_item_t *item,
    long long now, char *out, size_t size);
static ngx_int_t ngx_taskmgr_export_row(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const tm_ddb_item_t *item);
static ngx_int_t ngx_taskmgr_export_end(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_export_json_end(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


ngx_int_t
ngx_taskmgr_export(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t              rc;
    ngx_uint_t             csv;
    tm_user_fields_t       none;
    ngx_taskmgr_export_t  *ex;

    rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, &none);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_taskmgr_export_format(r, &csv);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    ex = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_export_t));
    if (ex == NULL || ngx_strlen(ctx->auth.sub) > 128) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->data = ex;
    ex->now = (long long) ngx_time();
    tm_user_key(ctx->auth.sub, ex->pk, sizeof(ex->pk));

    if (csv) {
        if (ngx_taskmgr_stream_init(r, ctx,
                                    "text/csv; charset=utf-8; header=present",
                                    "taskmgr-tasks.csv")
            != NGX_OK
            || ngx_taskmgr_stream_add(r, ctx, tm_csv_task_header,
                                      ngx_strlen(tm_csv_task_header))
               != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_taskmgr_stream_query(r, ctx,
                                        ngx_taskmgr_export_query(ctx,
                                            TM_TASK_PREFIX,
                                            NGX_TASKMGR_EXPORT_KEPT),
                                        ngx_taskmgr_export_row,
                                        ngx_taskmgr_export_end);
    }

    if (ngx_taskmgr_stream_init(r, ctx, "application/json",
                                "taskmgr-export.json")
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(ex->pk, ex->pk), 0, NULL,
                               ngx_taskmgr_export_user);
}


/* no query string, format=json or format=csv */

static ngx_int_t
ngx_taskmgr_export_format(ngx_http_request_t *r, ngx_uint_t *csv)
{
    *csv = 0;

    if (r->args.len == 0
        || (r->args.len == 11
            && ngx_strncmp(r->args.data, "format=json", 11) == 0))
    {
        return NGX_DECLINED;
    }

    if (r->args.len == 10
        && ngx_strncmp(r->args.data, "format=csv", 10) == 0)
    {
        *csv = 1;
        return NGX_DECLINED;
    }

    return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                  "invalid_parameter",
                                  "the only parameter is format, json or "
                                  "csv", "format");
}


/* the caller's items of one kind, in sort key order; tasks in the trash
 * or not (a trashed task expires by NotificationExpiry, which DynamoDB's
 * TTL may not have acted on yet, and the local stand-in never does) */

static json_t *
ngx_taskmgr_export_query(ngx_taskmgr_ctx_t *ctx, const char *prefix,
    ngx_uint_t which)
{
    char                   now[NGX_INT64_LEN + 1];
    json_t                *q;
    ngx_taskmgr_export_t  *ex;

    ex = ctx->data;

    q = json_pack("{s:s, s:s, s:{s:{s:s}, s:{s:s}}}",
                  "TableName", ctx->conf->table.data,
                  "KeyConditionExpression",
                  "EntityPartition = :pk AND begins_with(EntitySort, :p)",
                  "ExpressionAttributeValues",
                  ":pk", "S", ex->pk, ":p", "S", prefix);

    if (q == NULL || which == NGX_TASKMGR_EXPORT_ALL) {
        return q;
    }

    if (which == NGX_TASKMGR_EXPORT_KEPT) {
        json_object_set_new(q, "FilterExpression",
                            json_string("attribute_not_exists(TrashedAt)"));
        return q;
    }

    ngx_sprintf((u_char *) now, "%L%Z", (int64_t) ex->now);

    json_object_set_new(q, "FilterExpression",
                        json_string("attribute_exists(TrashedAt)"
                                    " AND NotificationExpiry > :now"));
    json_object_set_new(json_object_get(q, "ExpressionAttributeValues"),
                        ":now", json_pack("{s:s}", "N", now));

    return q;
}


static ngx_int_t
ngx_taskmgr_export_user(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char     now[24], *user;
    json_t  *item, *obj;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    item = json_object_get(ctx->call.reply, "Item");
    if (item == NULL) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such user", NULL);
    }

    obj = tm_user_json(item);
    user = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);

    if (user == NULL) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    tm_format_rfc3339((long long) ngx_time(), now);

    if (ngx_taskmgr_stream_add(r, ctx, "{\"exportedAt\":\"", 15) != NGX_OK
        || ngx_taskmgr_stream_add(r, ctx, now, ngx_strlen(now)) != NGX_OK
        || ngx_taskmgr_stream_add(r, ctx, "\",\"user\":", 9) != NGX_OK
        || ngx_taskmgr_stream_add(r, ctx, user, ngx_strlen(user)) != NGX_OK)
    {
        free(user);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    free(user);

    return ngx_taskmgr_export_section(r, ctx, ",\"lists\":[",
                                      ngx_taskmgr_export_query(ctx,
                                          TM_LIST_PREFIX,
                                          NGX_TASKMGR_EXPORT_ALL),
                                      ngx_taskmgr_export_list,
                                      ngx_taskmgr_export_tasks);
}


static ngx_int_t
ngx_taskmgr_export_tasks(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_export_section(r, ctx, "],\"tasks\":[",
                                      ngx_taskmgr_export_query(ctx,
                                          TM_TASK_PREFIX,
                                          NGX_TASKMGR_EXPORT_KEPT),
                                      ngx_taskmgr_export_task,
                                      ngx_taskmgr_export_trash);
}


static ngx_int_t
ngx_taskmgr_export_trash(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_export_section(r, ctx, "],\"trash\":[",
                                      ngx_taskmgr_export_query(ctx,
                                          TM_TASK_PREFIX,
                                          NGX_TASKMGR_EXPORT_TRASH),
                                      ngx_taskmgr_export_task,
                                      ngx_taskmgr_export_notifications);
}


static ngx_int_t
ngx_taskmgr_export_notifications(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_export_section(r, ctx, "],\"notifications\":[",
                                      ngx_taskmgr_export_query(ctx,
                                          TM_NOTIF_PREFIX,
                                          NGX_TASKMGR_EXPORT_ALL),
                                      ngx_taskmgr_export_notification,
                                      ngx_taskmgr_export_json_end);
}


static ngx_int_t
ngx_taskmgr_export_json_end(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ngx_taskmgr_stream_add(r, ctx, "]}", 2) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_taskmgr_export_end(r, ctx);
}


static ngx_int_t
ngx_taskmgr_export_end(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_stream_flush(r, ctx, 1, NULL);
}


/* the opening of a JSON array, then its items */

static ngx_int_t
ngx_taskmgr_export_section(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *text, json_t *query, ngx_taskmgr_stream_each_pt each,
    ngx_taskmgr_step_pt next)
{
    ngx_taskmgr_export_t  *ex;

    ex = ctx->data;
    ex->n = 0;

    if (ngx_taskmgr_stream_add(r, ctx, text, ngx_strlen(text)) != NGX_OK) {
        json_decref(query);
        return ctx->stream->started ? NGX_ERROR
                                    : NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_stream_query(r, ctx, query, each, next);
}


/* a list as GET /api/lists/{id} has it, but for its task count, which is
 * the tasks' own business here */

static ngx_int_t
ngx_taskmgr_export_list(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const tm_ddb_item_t *item)
{
    char                  *s;
    json_t                *obj, *list;
    ngx_int_t              rc;
    ngx_taskmgr_export_t  *ex;

    ex = ctx->data;

    obj = json_loadb(item->text.data, item->text.len, 0, NULL);
    list = obj ? tm_list_json(obj, 0) : NULL;
    json_decref(obj);

    if (list == NULL) {
        return NGX_ERROR;
    }

    json_object_del(list, "taskCount");
    s = json_dumps(list, JSON_COMPACT);
    json_decref(list);

    if (s == NULL) {
        return NGX_ABORT;
    }

    rc = NGX_OK;

    if ((ex->n && ngx_taskmgr_stream_add(r, ctx, ",", 1) != NGX_OK)
        || ngx_taskmgr_stream_add(r, ctx, s, ngx_strlen(s)) != NGX_OK)
    {
        rc = NGX_ABORT;
    }

    ex->n++;
    free(s);

    return rc;
}


static ngx_int_t
ngx_taskmgr_export_task(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const tm_ddb_item_t *item)
{
    return ngx_taskmgr_export_item(r, ctx, ngx_taskmgr_tasks_write, item);
}


static ngx_int_t
ngx_taskmgr_export_notification(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const tm_ddb_item_t *item)
{
    return ngx_taskmgr_export_item(r, ctx, ngx_taskmgr_export_notif_write,
                                   item);
}


/* every notification stored, expired or not: the export is what the table
 * holds of the user */

static long
ngx_taskmgr_export_notif_write(const tm_ddb_item_t *item, long long now,
    char *out, size_t size)
{
    return tm_notification_write(item, 0, out, size);
}


/* an item's API JSON into the stream, after a comma but for the first */

static ngx_int_t
ngx_taskmgr_export_item(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_write_pt write, const tm_ddb_item_t *item)
{
    size_t                 mark;
    ngx_int_t              rc;
    ngx_taskmgr_text_t    *t;
    ngx_taskmgr_export_t  *ex;

    ex = ctx->data;
    t = &ctx->stream->text;
    mark = t->len;

    if (ex->n && ngx_taskmgr_text_add(r->pool, t, ",", 1) != NGX_OK) {
        return NGX_ABORT;
    }

    rc = ngx_taskmgr_text_item(r->pool, t, write, item, ex->now);

    if (rc == NGX_DECLINED) {
        t->len = mark;
        return NGX_DECLINED;
    }

    if (rc != NGX_OK) {
        return rc == NGX_ABORT ? NGX_ERROR : NGX_ABORT;
    }

    ex->n++;

    return NGX_OK;
}


/* a task as a CSV row, from its API JSON */

static ngx_int_t
ngx_taskmgr_export_row(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const tm_ddb_item_t *item)
{
    long                   n;
    size_t                 room;
    json_t                *task;
    ngx_int_t              rc;
    ngx_taskmgr_text_t    *t;
    ngx_taskmgr_export_t  *ex;

    ex = ctx->data;
    t = &ctx->stream->text;

    rc = ngx_taskmgr_text_json(r->pool, &ex->scratch,
                               ngx_taskmgr_tasks_write, item, ex->now,
                               &task);
    if (rc != NGX_OK) {
        return rc == NGX_DECLINED ? NGX_DECLINED
               : (rc == NGX_ABORT ? NGX_ERROR : NGX_ABORT);
    }

    /* quotes doubled and lists joined: about as long as the JSON */
    room = ex->scratch.len + 256;

    for ( ;; ) {
        if (ngx_taskmgr_text_reserve(r->pool, t, room) != NGX_OK) {
            json_decref(task);
            return NGX_ABORT;
        }

        n = tm_csv_task_row(task, (char *) t->data + t->len,
                            t->size - t->len);
        if (n >= 0) {
            break;
        }

        room = 2 * (t->size - t->len);
    }

    json_decref(task);
    t->len += n;

    return NGX_OK;
}
