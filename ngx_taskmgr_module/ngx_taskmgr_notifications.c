/*
 * The notification service (taskmgr_notifications): the caller's
 * notifications newest first (NotificationTimestampIndex) with the unread
 * count, marking read, deleting.  Expired notifications (NotificationExpiry
 * past) are never returned nor changed, whether or not DynamoDB's TTL has
 * removed them yet.
 */

#include "ngx_taskmgr.h"
#include "tm_ddb.h"
#include "tm_notification.h"
#include "tm_task.h"
#include "tm_user.h"


#define NGX_TASKMGR_READ_ALL_MAX 500      /* marked by one request */


typedef struct {
    char                       pk[160];
    char                       sk[48];
    char                       now[24];
    ngx_int_t                  unread;     /* -1: no filter */
    ngx_uint_t                 count;
    ngx_uint_t                 calls;
    json_t                    *count_key;  /* where counting goes on */
    json_t                    *todo;       /* read-all: keys left */
    size_t                     next;
    json_t                    *query;      /* read-all: the unread Query */
    ngx_uint_t                 last;       /* read-all: its last page */
    ngx_uint_t                 marked;     /* read-all: writes made */
    ngx_atomic_uint_t          gen;        /* the user's, before counting */
    int                        read;       /* PATCH {read} */
    json_t                    *attrs;      /* PATCH: the item as written */
} ngx_taskmgr_notifs_t;


static const tm_field_t  ngx_taskmgr_notifs_body[] = {
    { "read", TM_FIELD_BOOL, TM_FIELD_REQUIRED,
      offsetof(ngx_taskmgr_notifs_t, read), NULL, NULL, NULL, 0, 0, NULL,
      NULL },
    tm_field_null
};


static ngx_int_t ngx_taskmgr_notifs_list(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_notifs_arg(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_str_t *name, ngx_str_t *value);
static long ngx_taskmgr_notifs_write(const tm_ddb_item_t *item,
    long long now, char *out, size_t size);
static void ngx_taskmgr_notifs_read_event(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_uint_t deleted);
static ngx_int_t ngx_taskmgr_notifs_count(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_notifs_counted(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_notifs_send(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_notifs_read_all(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_notifs_unread_page(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_notifs_mark_next(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_notifs_item(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_notifs_updated(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_notifs_deleted(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_notifs_gone(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_notifs_updated_send(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_notifs_recount(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_taskmgr_notifs_t *ngx_taskmgr_notifs_state(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static json_t *ngx_taskmgr_notifs_unread_query(ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_notifs_t *nt);


const ngx_taskmgr_route_t  ngx_taskmgr_notifs_routes[] = {
    { ngx_string("/api/notifications"), NGX_HTTP_GET,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_notifs_list },
    { ngx_string("/api/notifications/read-all"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_notifs_read_all },
    { ngx_string("/api/notifications/"), NGX_HTTP_PATCH|NGX_HTTP_DELETE,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_notifs_item },
    { ngx_string("/api/notifications/{}/snooze"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_snooze },
    { ngx_null_string, 0, 0, NULL }
};


static ngx_taskmgr_notifs_t *
ngx_taskmgr_notifs_state(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_notifs_t  *nt;

    nt = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_notifs_t));
    if (nt == NULL) {
        return NULL;
    }

    tm_user_key(ctx->auth.sub, nt->pk, sizeof(nt->pk));
    ngx_sprintf((u_char *) nt->now, "%T%Z", ngx_time());
    nt->unread = -1;
    ctx->data = nt;

    return nt;
}


/* GET /api/notifications?unread=true&limit=&cursor= */

static ngx_int_t
ngx_taskmgr_notifs_list(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_taskmgr_page_t   *pg;
    ngx_taskmgr_notifs_t  *nt;

    nt = ngx_taskmgr_notifs_state(r, ctx);
    pg = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_page_t));
    if (nt == NULL || pg == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, nt);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_taskmgr_page_args(r, ctx, pg, ngx_taskmgr_notifs_arg);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    pg->pk = nt->pk;
    pg->sort_attr = "NotificationTimestamp";
    pg->write = ngx_taskmgr_notifs_write;
    pg->now = (long long) ngx_time();
    pg->done = ngx_taskmgr_notifs_count;
    ngx_snprintf((u_char *) pg->listing, sizeof(pg->listing) - 1,
                 "notifications|%i%Z", nt->unread);

    if (nt->unread == 1) {
        pg->query = ngx_taskmgr_notifs_unread_query(ctx, nt);

    } else {
        pg->query = json_pack("{s:s, s:s, s:s, s:s, s:{s:{s:s}, s:{s:s}},"
                              " s:b}",
                              "TableName", ctx->conf->table.data,
                              "IndexName", "NotificationTimestampIndex",
                              "KeyConditionExpression",
                              "EntityPartition = :pk",
                              "FilterExpression",
                              nt->unread == 0
                              ? "NotificationExpiry > :now"
                                " AND Notif_isRead = :t"
                              : "NotificationExpiry > :now",
                              "ExpressionAttributeValues",
                              ":pk", "S", nt->pk, ":now", "N", nt->now,
                              "ScanIndexForward", 0);

        if (pg->query && nt->unread == 0) {
            json_object_set_new(json_object_get(pg->query,
                                                "ExpressionAttributeValues"),
                                ":t", tm_ddb_bool(1));
        }
    }

    return ngx_taskmgr_page_start(r, ctx, pg);
}


/* unread=true|false */

static ngx_int_t
ngx_taskmgr_notifs_arg(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_str_t *name, ngx_str_t *value)
{
    ngx_taskmgr_notifs_t  *nt;

    nt = ctx->data;

    if (!(name->len == 6 && ngx_strncmp(name->data, "unread", 6) == 0)) {
        return NGX_ABORT;
    }

    if (value->len == 4 && ngx_strncmp(value->data, "true", 4) == 0) {
        nt->unread = 1;

    } else if (value->len == 5 && ngx_strncmp(value->data, "false", 5) == 0) {
        nt->unread = 0;

    } else {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_parameter",
                                      "must be true or false", "unread");
    }

    return NGX_DECLINED;
}


static long
ngx_taskmgr_notifs_write(const tm_ddb_item_t *item, long long now, char *out,
    size_t size)
{
    return tm_notification_write(item, now, out, size);
}


/* the caller's unread, unexpired notifications, newest first */

static json_t *
ngx_taskmgr_notifs_unread_query(ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_notifs_t *nt)
{
    return tm_notification_unread_query((char *) ctx->conf->table.data,
                                        nt->pk, nt->now);
}


/* then the unread count, which may take more than one Query */

static ngx_int_t
ngx_taskmgr_notifs_count(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t                *q;
    ngx_str_t              page;
    ngx_uint_t             count;
    ngx_taskmgr_notifs_t  *nt;

    nt = ctx->data;

    /* the first page as before: its count, remembered */
    if (nt->calls == 0 && ctx->page->cursor.data == NULL) {
        page.data = ctx->page->text.data;
        page.len = ctx->page->text.len;

        if (ngx_taskmgr_unread_cached(ctx, nt->pk, &page, &count) == NGX_OK)
        {
            nt->count = count;
            return ngx_taskmgr_notifs_send(r, ctx);
        }

        nt->gen = ngx_taskmgr_unread_generation(ctx, nt->pk);
    }

    q = ngx_taskmgr_notifs_unread_query(ctx, nt);
    if (q == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    json_object_set_new(q, "Select", json_string("COUNT"));

    if (nt->count_key) {
        json_object_set(q, "ExclusiveStartKey", nt->count_key);
    }

    nt->calls++;

    return ngx_taskmgr_ddb(r, ctx, "Query", q, ngx_taskmgr_notifs_counted);
}


static ngx_int_t
ngx_taskmgr_notifs_counted(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t               *lek, *count;
    ngx_str_t             page;
    ngx_taskmgr_notifs_t  *nt;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    nt = ctx->data;
    count = json_object_get(ctx->call.reply, "Count");

    /* a page holds at most 1 MB of items: a Count beyond is nonsense */
    if (!json_is_integer(count) || json_integer_value(count) < 0
        || json_integer_value(count) > NGX_TASKMGR_COUNT_MAX)
    {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    nt->count += (ngx_uint_t) json_integer_value(count);
    lek = json_object_get(ctx->call.reply, "LastEvaluatedKey");

    if (lek && nt->calls < NGX_TASKMGR_COUNT_CALLS) {
        nt->count_key = json_incref(lek);
        ngx_taskmgr_json_track(r, nt->count_key);
        return ngx_taskmgr_notifs_count(r, ctx);
    }

    if (ctx->page->cursor.data == NULL) {
        page.data = ctx->page->text.data;
        page.len = ctx->page->text.len;
        ngx_taskmgr_unread_remember(ctx, nt->pk, nt->gen, &page, nt->count);
    }

    return ngx_taskmgr_notifs_send(r, ctx);
}


static ngx_int_t
ngx_taskmgr_notifs_send(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    u_char                extra[32];
    ngx_taskmgr_notifs_t  *nt;

    nt = ctx->data;

    ngx_snprintf(extra, sizeof(extra) - 1, ",\"unreadCount\":%ui%Z",
                 nt->count);

    return ngx_taskmgr_page_send(r, ctx, (char *) extra);
}


/*
 * POST /api/notifications/read-all: every unread one, page by page, one
 * UpdateItem each; at most NGX_TASKMGR_READ_ALL_MAX a request (each call
 * holds memory in the request's pool until it ends), then 200
 * {"remaining": true} for the client to ask again; 204 when none is left.
 */

static ngx_int_t
ngx_taskmgr_notifs_read_all(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_taskmgr_notifs_t  *nt;

    nt = ngx_taskmgr_notifs_state(r, ctx);
    if (nt == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, nt);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    nt->query = ngx_taskmgr_notifs_unread_query(ctx, nt);
    if (nt->query == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_json_track(r, nt->query);
    json_object_set_new(nt->query, "ProjectionExpression",
                        json_string("EntitySort"));
    json_object_set_new(nt->query, "Limit", json_integer(200));

    return ngx_taskmgr_ddb(r, ctx, "Query", json_incref(nt->query),
                           ngx_taskmgr_notifs_unread_page);
}


static ngx_int_t
ngx_taskmgr_notifs_unread_page(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    json_t               *lek;
    ngx_taskmgr_notifs_t  *nt;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    nt = ctx->data;

    nt->todo = json_incref(json_object_get(ctx->call.reply, "Items"));
    ngx_taskmgr_json_track(r, nt->todo);
    nt->next = 0;

    lek = json_object_get(ctx->call.reply, "LastEvaluatedKey");

    if (lek) {
        json_object_set(nt->query, "ExclusiveStartKey", lek);

    } else {
        json_object_del(nt->query, "ExclusiveStartKey");
        nt->last = 1;
    }

    return ngx_taskmgr_notifs_mark_next(r, ctx);
}


static ngx_int_t
ngx_taskmgr_notifs_mark_next(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    const char           *sk;
    ngx_taskmgr_notifs_t  *nt;

    nt = ctx->data;

    /* an item that went meanwhile (deleted) is no failure */
    if (ctx->call.error
        && !ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException"))
    {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (nt->marked) {
        /* after the write: a count made before it is stale from now */
        ngx_taskmgr_unread_changed(ctx, nt->pk);
    }

    if (r->connection->error) {
        /* the client is gone: no more writes for it */
        return NGX_HTTP_CLIENT_CLOSED_REQUEST;
    }

    if (nt->next < json_array_size(nt->todo)
        && nt->marked == NGX_TASKMGR_READ_ALL_MAX)
    {
        return ngx_taskmgr_send_json(r, NGX_HTTP_OK,
                                     json_pack("{s:b}", "remaining", 1));
    }

    if (nt->next < json_array_size(nt->todo)) {
        nt->marked++;
        sk = tm_ddb_get_s(json_array_get(nt->todo, nt->next++), TM_SK);
        if (sk == NULL) {
            return ngx_taskmgr_notifs_mark_next(r, ctx);
        }

        return ngx_taskmgr_ddb(r, ctx, "UpdateItem",
                               json_pack("{s:s, s:o, s:s, s:s, s:{s:{s:b}}}",
                                         "TableName", ctx->conf->table.data,
                                         "Key", tm_ddb_key(nt->pk, sk),
                                         "UpdateExpression",
                                         "SET Notif_isRead = :t",
                                         "ConditionExpression",
                                         "attribute_exists(EntitySort)",
                                         "ExpressionAttributeValues",
                                         ":t", "BOOL", 1),
                               ngx_taskmgr_notifs_mark_next);
    }

    if (!nt->last) {
        return ngx_taskmgr_ddb(r, ctx, "Query", json_incref(nt->query),
                               ngx_taskmgr_notifs_unread_page);
    }

    ngx_taskmgr_events_json(r, ctx, "notifications_read",
                            json_pack("{s:s, s:s, s:i}",
                                      "event", "notifications_read",
                                      "ids", "all", "unreadCount", 0));

    return ngx_taskmgr_send_empty(r, NGX_HTTP_NO_CONTENT);
}


/* "notifications_read" for the one in the path (read, or deleted) */

static void
ngx_taskmgr_notifs_read_event(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t deleted)
{
    json_t  *data;

    data = json_pack("{s:s, s:[s%], s:b}", "event", "notifications_read",
                     "ids", ctx->path_arg.data, ctx->path_arg.len,
                     "deleted", (int) deleted);

    if (data && ctx->unread && ctx->unread->known) {
        json_object_set_new(data, "unreadCount",
                            json_integer((json_int_t) ctx->unread->count));
    }

    ngx_taskmgr_events_json(r, ctx, "notifications_read", data);
}


/* PATCH /api/notifications/{id} {read}, DELETE /api/notifications/{id} */

static ngx_int_t
ngx_taskmgr_notifs_item(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t              rc;
    ngx_taskmgr_notifs_t  *nt;

    nt = ngx_taskmgr_notifs_state(r, ctx);
    if (nt == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (!tm_notification_id_valid((const char *) ctx->path_arg.data,
                                  ctx->path_arg.len))
    {
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            r->keepalive = 0;
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such notification", NULL);
    }

    ngx_sprintf((u_char *) nt->sk, TM_NOTIF_PREFIX "%V%Z", &ctx->path_arg);

    if (r->method == NGX_HTTP_DELETE) {
        rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, nt);
        if (rc != NGX_DECLINED) {
            return rc;
        }

        return ngx_taskmgr_ddb(r, ctx, "DeleteItem",
                               json_pack("{s:s, s:o, s:s, s:{s:{s:s}},"
                                         " s:s}",
                                         "TableName", ctx->conf->table.data,
                                         "Key", tm_ddb_key(nt->pk, nt->sk),
                                         "ConditionExpression",
                                         "attribute_exists(EntitySort) AND "
                                         "NotificationExpiry > :now",
                                         "ExpressionAttributeValues",
                                         ":now", "N", nt->now,
                                         "ReturnValues", "ALL_OLD"),
                               ngx_taskmgr_notifs_deleted);
    }

    rc = ngx_taskmgr_body_read(r, ctx, ngx_taskmgr_notifs_body,
                               TM_BODY_REQUIRED, nt);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem",
                           json_pack("{s:s, s:o, s:s, s:s,"
                                     " s:{s:{s:b}, s:{s:s}}, s:s}",
                                     "TableName", ctx->conf->table.data,
                                     "Key", tm_ddb_key(nt->pk, nt->sk),
                                     "UpdateExpression",
                                     "SET Notif_isRead = :r",
                                     "ConditionExpression",
                                     "attribute_exists(EntitySort) AND "
                                     "NotificationExpiry > :now",
                                     "ExpressionAttributeValues",
                                     ":r", "BOOL", nt->read,
                                     ":now", "N", nt->now,
                                     "ReturnValues", "ALL_NEW"),
                           ngx_taskmgr_notifs_updated);
}


static ngx_int_t
ngx_taskmgr_notifs_updated(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_notifs_t  *nt;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such notification", NULL);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    nt = ctx->data;
    ngx_taskmgr_unread_changed(ctx, nt->pk);

    nt->attrs = json_incref(json_object_get(ctx->call.reply, "Attributes"));
    ngx_taskmgr_json_track(r, nt->attrs);

    return ngx_taskmgr_events_count(r, ctx, nt->pk,
                                    ngx_taskmgr_notifs_updated_send);
}


static ngx_int_t
ngx_taskmgr_notifs_updated_send(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    tm_ddb_item_t          item;
    ngx_taskmgr_notifs_t  *nt;

    nt = ctx->data;

    if (ngx_taskmgr_item_parse(r, nt->attrs, &item) != NGX_OK) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    /* read: the other tabs drop it from their unread; unread again: it
     * is theirs to show as a notification */
    if (nt->read) {
        ngx_taskmgr_notifs_read_event(r, ctx, 0);

    } else {
        ngx_taskmgr_events_item(r, ctx, "notification",
                                ngx_taskmgr_events_unread(r, ctx), NULL,
                                ngx_taskmgr_notifs_write, &item);
    }

    return ngx_taskmgr_send_item(r, NGX_HTTP_OK, "notification",
                                 ngx_taskmgr_notifs_write, &item);
}


static ngx_int_t
ngx_taskmgr_notifs_deleted(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    const char            *type;
    ngx_taskmgr_notifs_t  *nt;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such notification", NULL);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    nt = ctx->data;
    ngx_taskmgr_unread_changed(ctx, nt->pk);

    type = tm_ddb_get_s(json_object_get(ctx->call.reply, "Attributes"),
                        "Type");

    if (type && ngx_strcmp(type, "task_completed") == 0) {
        return ngx_taskmgr_quota_give(r, ctx, nt->pk,
                                      NGX_TASKMGR_QUOTA_COMPLETIONS,
                                      ngx_taskmgr_notifs_recount);
    }

    return ngx_taskmgr_notifs_recount(r, ctx);
}


static ngx_int_t
ngx_taskmgr_notifs_recount(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_events_count(r, ctx,
                                    ((ngx_taskmgr_notifs_t *) ctx->data)->pk,
                                    ngx_taskmgr_notifs_gone);
}


static ngx_int_t
ngx_taskmgr_notifs_gone(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    /* after the last backend call: a publish is a subrequest */
    ngx_taskmgr_notifs_read_event(r, ctx, 1);

    return ngx_taskmgr_send_empty(r, NGX_HTTP_NO_CONTENT);
}
