/*
 * What the task service's steps share: reading the task, checking the list
 * it is to be in, answering with it (its version as ETag), and the task's
 * own errors.
 */

#include "ngx_taskmgr_tasks.h"
#include "tm_ddb.h"
#include "tm_list.h"
#include "tm_notification.h"


static ngx_int_t ngx_taskmgr_tasks_list_got(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_zone_got(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_send(ngx_http_request_t *r,
    ngx_uint_t status, json_t *obj);


ngx_int_t
ngx_taskmgr_tasks_read(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(t->pk, t->sk), 1, NULL,
                               next);
}


/*
 * The list t->list_check names is one of the caller's, not being deleted:
 * then next; else 400 (invalid_field on listId for a body, invalid_parameter
 * on list for a filter).  The inbox always is.
 */

ngx_int_t
ngx_taskmgr_tasks_list_check(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    char                  sk[64];
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    if (t->list_check == NULL
        || ngx_strcmp(t->list_check, TM_LIST_INBOX) == 0)
    {
        return next(r, ctx);
    }

    t->list_next = next;
    ngx_snprintf((u_char *) sk, sizeof(sk), TM_LIST_PREFIX "%s%Z",
                 t->list_check);

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(t->pk, sk), 1,
                               "EntitySort, ListDeleting",
                               ngx_taskmgr_tasks_list_got);
}


static ngx_int_t
ngx_taskmgr_tasks_list_got(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t               *item;
    ngx_taskmgr_tasks_t  *t;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;
    item = json_object_get(ctx->call.reply, "Item");

    if (item == NULL || json_object_get(item, "ListDeleting")) {
        return r->method == NGX_HTTP_GET
               ? ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                        "invalid_parameter",
                                        "no such list", "list")
               : ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                        "invalid_field",
                                        "must be the id of one of your "
                                        "lists", "listId");
    }

    return t->list_next(r, ctx);
}


/*
 * {"task": t->task} with its version as ETag and, a task alone being
 * answered, its nextOccurrences: the owner's wall-clock times, so a
 * repeating task needs the owner's zone (read unless t->zone is known).
 */

ngx_int_t
ngx_taskmgr_tasks_reply(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t status)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;
    t->status = status;

    if (json_object_get(t->task, "TaskRepeat") && t->zone == NULL) {
        return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(t->pk, t->pk), 0,
                                   "UserTimeZone",
                                   ngx_taskmgr_tasks_zone_got);
    }

    tm_task_next_occurrences(t->task, t->zone);

    return ngx_taskmgr_tasks_send(r, status, t->task);
}


static ngx_int_t
ngx_taskmgr_tasks_zone_got(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    const char           *zone;
    ngx_taskmgr_tasks_t  *t;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;
    zone = tm_ddb_get_s(json_object_get(ctx->call.reply, "Item"),
                        "UserTimeZone");

    tm_task_next_occurrences(t->task, zone ? zone : "UTC");

    return ngx_taskmgr_tasks_send(r, t->status, t->task);
}


static ngx_int_t
ngx_taskmgr_tasks_send(ngx_http_request_t *r, ngx_uint_t status,
    json_t *obj)
{
    ngx_str_t      etag;
    tm_ddb_item_t  item;

    if (ngx_taskmgr_item_parse(r, obj, &item) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    etag.data = ngx_pnalloc(r->pool, NGX_INT64_LEN + 2);
    if (etag.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    etag.len = ngx_sprintf(etag.data, "\"%L\"",
                           (int64_t) tm_task_version(&item))
               - etag.data;

    if (ngx_taskmgr_add_header(r, "ETag", &etag) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (r->method != NGX_HTTP_GET) {
        ngx_taskmgr_tasks_event(r, status == NGX_HTTP_CREATED
                                   ? "created" : "updated", &item);
        ngx_taskmgr_tasks_notification_event(r);
    }

    return ngx_taskmgr_send_item(r, status, "task", ngx_taskmgr_tasks_write,
                                 &item);
}


/*
 * The "task" event of a write that succeeded, to the owner's other tabs
 * and devices: {"op", "id", "version", "task"}; item NULL: deleted (the
 * task's id is t->id, its version unknown: null)
 */

void
ngx_taskmgr_tasks_event(ngx_http_request_t *r, const char *op,
    const tm_ddb_item_t *item)
{
    u_char               *p;
    ngx_taskmgr_ctx_t    *ctx;
    ngx_taskmgr_tasks_t  *t;
    u_char                head[160];

    ctx = ngx_http_get_module_ctx(r, ngx_taskmgr_module);
    t = ctx->data;

    if (item == NULL) {
        p = ngx_snprintf(head, sizeof(head) - 1,
                         "{\"event\":\"task\",\"op\":\"%s\",\"id\":\"%s\","
                         "\"version\":null}", op, t->id);

        ngx_taskmgr_events_json(r, ctx, "task",
                                json_loadb((char *) head, p - head, 0,
                                           NULL));
        return;
    }

    p = ngx_snprintf(head, sizeof(head) - 1,
                     "\"op\":\"%s\",\"id\":\"%s\",\"version\":%L", op, t->id,
                     (int64_t) tm_task_version(item));
    *p = '\0';

    ngx_taskmgr_events_item(r, ctx, "task", (char *) head, "task",
                            ngx_taskmgr_tasks_write, item);
}


/* a completion's new notification, as GET /api/notifications lists it */

void
ngx_taskmgr_tasks_notification_event(ngx_http_request_t *r)
{
    tm_ddb_item_t         item;
    ngx_taskmgr_ctx_t    *ctx;
    ngx_taskmgr_tasks_t  *t;

    ctx = ngx_http_get_module_ctx(r, ngx_taskmgr_module);
    t = ctx->data;

    if (t->notified
        && ngx_taskmgr_item_parse(r, t->notification, &item) == NGX_OK)
    {
        ngx_taskmgr_events_item(r, ctx, "notification", NULL, NULL,
                                tm_notification_write, &item);
    }

    t->notified = 0;
}


/* a task's API JSON, for ngx_taskmgr_send_item and listings */

long
ngx_taskmgr_tasks_write(const tm_ddb_item_t *item, long long now, char *out,
    size_t size)
{
    return tm_task_write(item, out, size);
}


ngx_int_t
ngx_taskmgr_tasks_stale(ngx_http_request_t *r)
{
    return ngx_taskmgr_send_error(r, NGX_HTTP_PRECONDITION_FAILED,
                                  "precondition_failed",
                                  "the task has changed since that version",
                                  NULL);
}


ngx_int_t
ngx_taskmgr_tasks_not_found(ngx_http_request_t *r)
{
    return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                  "no such task", NULL);
}
