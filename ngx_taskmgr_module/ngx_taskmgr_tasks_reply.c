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
static ngx_int_t ngx_taskmgr_tasks_answer(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_send(ngx_http_request_t *r,
    ngx_uint_t status, json_t *obj);
static long ngx_taskmgr_tasks_write_one(const tm_ddb_item_t *item,
    long long now, char *out, size_t size);


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
 * The owner's zone into t->zone ("UTC" without one), read once per
 * request, then next: a repeating task's occurrences are wall-clock times
 * in it.
 */

ngx_int_t
ngx_taskmgr_tasks_zone(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    if (t->zone) {
        return next(r, ctx);
    }

    t->zone_next = next;

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(t->pk, t->pk), 0,
                               "UserTimeZone", ngx_taskmgr_tasks_zone_got);
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

    t->zone = ngx_taskmgr_cstr(r->pool, (u_char *) (zone ? zone : "UTC"),
                               ngx_strlen(zone ? zone : "UTC"));
    if (t->zone == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return t->zone_next(r, ctx);
}


/*
 * {"task": t->task} with its version as ETag and, a task alone being
 * answered, its nextOccurrences (in the owner's zone, for a repeating
 * task).
 */

ngx_int_t
ngx_taskmgr_tasks_reply(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t status)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;
    t->status = status;

    if (json_object_get(t->task, "TaskRepeat")) {
        return ngx_taskmgr_tasks_zone(r, ctx, ngx_taskmgr_tasks_answer);
    }

    return ngx_taskmgr_tasks_answer(r, ctx);
}


/*
 * The same for a task read as text: answered straight from it, but a
 * repeating task, whose next dates need its owner's zone (on the tree)
 */

ngx_int_t
ngx_taskmgr_tasks_reply_item(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const tm_ddb_item_t *item, ngx_uint_t status)
{
    if (tm_ddb_item_get(item, "TaskRepeat", 0) == NULL) {
        return ngx_taskmgr_tasks_send_item(r, status, item);
    }

    if (ngx_taskmgr_tasks_tree(r, ctx, item) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_tasks_reply(r, ctx, status);
}


/* t->task: the item read as text, as a tree (freed with the request) */

ngx_int_t
ngx_taskmgr_tasks_tree(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const tm_ddb_item_t *item)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;
    t->task = json_loadb(item->text.data, item->text.len, 0, NULL);

    if (t->task == NULL) {
        return NGX_ERROR;
    }

    ngx_taskmgr_json_track(r, t->task);

    return NGX_OK;
}


static ngx_int_t
ngx_taskmgr_tasks_answer(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    tm_task_next_occurrences(t->task, t->zone);

    return ngx_taskmgr_tasks_send(r, t->status, t->task);
}


/*
 * The fields of a new task from ctx->body (a POST's, or what quick add
 * read), reminders and repeat included: NGX_DECLINED, or the 400 sent;
 * field names the refused value (NULL: the body's own field).
 */

ngx_int_t
ngx_taskmgr_tasks_fields(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *field)
{
    ngx_int_t             rc;
    const char           *why, *which;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    rc = ngx_taskmgr_body_read(r, ctx, tm_task_body, TM_BODY_REQUIRED,
                               &t->fields);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    why = tm_task_extras(&t->fields, t->fields.due && *t->fields.due,
                         &which);
    if (why) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field", why,
                                      field ? field : which);
    }

    t->list_check = t->fields.list_id;

    return NGX_DECLINED;
}


/* 409: the user holds taskmgr_max_tasks tasks */

ngx_int_t
ngx_taskmgr_tasks_full(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    u_char  msg[96];

    ngx_snprintf(msg, sizeof(msg), "you have %ui tasks, the most one "
                 "account may hold: delete some first%Z",
                 ctx->conf->max_tasks);

    return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT, "limit_reached",
                                  (char *) msg, NULL);
}


static ngx_int_t
ngx_taskmgr_tasks_send(ngx_http_request_t *r, ngx_uint_t status,
    json_t *obj)
{
    tm_ddb_item_t  item;

    if (ngx_taskmgr_item_parse(r, obj, &item) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_tasks_send_item(r, status, &item);
}


/* the task alone, its version as ETag; a write's also as an event */

ngx_int_t
ngx_taskmgr_tasks_send_item(ngx_http_request_t *r, ngx_uint_t status,
    const tm_ddb_item_t *item)
{
    ngx_str_t  etag;

    etag.data = ngx_pnalloc(r->pool, NGX_INT64_LEN + 2);
    if (etag.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    etag.len = ngx_sprintf(etag.data, "\"%L\"",
                           (int64_t) tm_task_version(item))
               - etag.data;

    if (ngx_taskmgr_add_header(r, "ETag", &etag) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (r->method != NGX_HTTP_GET) {
        ngx_taskmgr_tasks_event(r, status == NGX_HTTP_CREATED
                                   ? "created" : "updated", item);
        ngx_taskmgr_tasks_notification_event(r);
    }

    return ngx_taskmgr_send_item(r, status, "task",
                                 ngx_taskmgr_tasks_write_one, item);
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

    /* as the write's reply has it, nextOccurrences included */
    ngx_taskmgr_events_item(r, ctx, "task", (char *) head, "task",
                            ngx_taskmgr_tasks_write_one, item);
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
        ngx_taskmgr_events_item(r, ctx, "notification",
                                ngx_taskmgr_events_unread(r, ctx), NULL,
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


/* the same for a task answered alone (nextOccurrences always) */

static long
ngx_taskmgr_tasks_write_one(const tm_ddb_item_t *item, long long now,
    char *out, size_t size)
{
    return tm_task_write_one(item, out, size);
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
