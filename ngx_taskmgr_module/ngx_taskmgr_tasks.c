/*
 * The task service (taskmgr_tasks): create, list, read, update and delete
 * the caller's tasks.  The owner is always the token's sub.  Every write is
 * conditional; completing a task records its task_completed notification
 * by a replay-safe chain of single-item writes with an outbox marker (see
 * DESIGN.md: the local DynamoDB has no transactions).
 */

#include "ngx_taskmgr.h"
#include "tm_ddb.h"
#include "tm_notification.h"
#include "tm_task.h"
#include "tm_user.h"
#include "tm_validate.h"


#define NGX_TASKMGR_PATCH_TRIES   3
#define NGX_TASKMGR_DUE_MAX       "9999-12-31T23:59:59Z"

#define NGX_TASKMGR_COMPLETING    1


typedef struct {
    char                       pk[160];
    char                       sk[48];
    const char                *id;
    ngx_int_t                  if_match;      /* -1: no If-Match */

    /* PATCH: what the body asks for (NULL: unchanged, "": clear) */
    const char                *title;
    const char                *description;
    const char                *due;
    const char                *status;
    ngx_uint_t                 tries;
    char                       now[32];
    char                       due_norm[24];
    char                       outbox_at[32];
    json_t                    *task;          /* the item after the update */

    /* GET list */
    ngx_uint_t                 sort_due;
    ngx_uint_t                 statuses;
    char                       due_from[24];
    char                       due_to[24];
} ngx_taskmgr_task_t;


static ngx_int_t ngx_taskmgr_tasks_collection(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_item(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_taskmgr_task_t *ngx_taskmgr_task_state(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_create(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_created(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_read(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);
static ngx_int_t ngx_taskmgr_task_got(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_patch(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_patch_read(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_patch_write(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_patched(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_notify_prefs(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_notified(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_unmarked(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_delete(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_deleted(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_delete_why(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_list(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_arg(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_str_t *name, ngx_str_t *value);
static long ngx_taskmgr_task_write(const tm_ddb_item_t *item,
    long long now, char *out, size_t size);
static ngx_int_t ngx_taskmgr_task_listed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_task_reply(ngx_http_request_t *r,
    ngx_uint_t status, json_t *item);
static ngx_int_t ngx_taskmgr_task_fields(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_task_t *t);
static ngx_int_t ngx_taskmgr_if_match(ngx_http_request_t *r,
    ngx_taskmgr_task_t *t);
static ngx_int_t ngx_taskmgr_task_stale(ngx_http_request_t *r);
static ngx_int_t ngx_taskmgr_not_found(ngx_http_request_t *r);
static void ngx_taskmgr_now_ms(char *out);
static void ngx_taskmgr_set_reminder(ngx_taskmgr_ctx_t *ctx, json_t *item,
    const char *due, const char *task_id);


static const ngx_taskmgr_route_t  ngx_taskmgr_tasks_routes[] = {
    { ngx_string("/api/tasks"), NGX_HTTP_GET|NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_tasks_collection },
    { ngx_string("/api/tasks/"), NGX_HTTP_GET|NGX_HTTP_PATCH|NGX_HTTP_DELETE,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_tasks_item },
    { ngx_null_string, 0, 0, NULL }
};


static const char  *ngx_taskmgr_task_fields_all[] = {
    "title", "description", "dueDate", "status", NULL
};
static const char  *ngx_taskmgr_task_required[] = {
    "title", NULL
};
static const char  *ngx_taskmgr_task_none[] = {
    NULL
};
static const char  *ngx_taskmgr_statuses[] = {
    "pending", "in_progress", "completed"
};


ngx_int_t
ngx_taskmgr_tasks_handler(ngx_http_request_t *r)
{
    return ngx_taskmgr_dispatch(r, ngx_taskmgr_tasks_routes);
}


static ngx_int_t
ngx_taskmgr_tasks_collection(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ngx_taskmgr_task_state(r, ctx) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return (r->method == NGX_HTTP_POST) ? ngx_taskmgr_task_create(r, ctx)
                                        : ngx_taskmgr_task_list(r, ctx);
}


/* /api/tasks/{id}: a malformed id is as unknown as another user's */

static ngx_int_t
ngx_taskmgr_tasks_item(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t            rc;
    ngx_taskmgr_task_t  *t;

    t = ngx_taskmgr_task_state(r, ctx);
    if (t == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (!tm_uuid_valid((const char *) ctx->path_arg.data, ctx->path_arg.len))
    {
        return ngx_taskmgr_not_found(r);
    }

    t->id = ngx_taskmgr_cstr(r->pool, ctx->path_arg.data, ctx->path_arg.len);
    if (t->id == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf((u_char *) t->sk, TM_TASK_PREFIX "%s%Z", t->id);

    switch (r->method) {

    case NGX_HTTP_PATCH:
        return ngx_taskmgr_task_patch(r, ctx);

    case NGX_HTTP_DELETE:
        return ngx_taskmgr_task_delete(r, ctx);

    default:
        rc = ngx_taskmgr_body_fields(r, ctx, ngx_taskmgr_task_none, NULL);
        if (rc != NGX_DECLINED) {
            return rc;
        }

        return ngx_taskmgr_task_read(r, ctx, ngx_taskmgr_task_got);
    }
}


static ngx_taskmgr_task_t *
ngx_taskmgr_task_state(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_task_t  *t;

    t = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_task_t));
    if (t == NULL) {
        return NULL;
    }

    tm_user_key(ctx->sub, t->pk, sizeof(t->pk));
    t->if_match = -1;
    ctx->data = t;

    return t;
}


/* POST /api/tasks {title, description?, dueDate?, status?} */

static ngx_int_t
ngx_taskmgr_task_create(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                 id[TM_UUID_LEN + 1];
    json_t              *item;
    ngx_int_t            rc;
    ngx_taskmgr_task_t  *t;

    t = ctx->data;

    rc = ngx_taskmgr_body_fields(r, ctx, ngx_taskmgr_task_fields_all,
                                 ngx_taskmgr_task_required);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_taskmgr_task_fields(r, ctx, t);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (tm_uuid_v4(id) != 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    t->id = ngx_taskmgr_cstr(r->pool, (u_char *) id, TM_UUID_LEN);
    if (t->id == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf((u_char *) t->sk, TM_TASK_PREFIX "%s%Z", t->id);

    if (t->status == NULL) {
        t->status = "pending";
    }

    ngx_taskmgr_now_ms(t->now);

    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:b},"
                     " s:{s:s}, s:{s:s}, s:{s:s}}",
                     TM_PK, "S", t->pk,
                     TM_SK, "S", t->sk,
                     "Title", "S", t->title,
                     "Status", "S", t->status,
                     "NotificationSent", "BOOL", 0,
                     "CreatedAt", "S", t->now,
                     "TaskUpdatedAt", "S", t->now,
                     "Version", "N", "1");
    if (item == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_json_track(r, item);

    if (t->description && *t->description) {
        json_object_set_new(item, "Description", tm_ddb_s(t->description));
    }

    if (ngx_strcmp(t->status, "completed") == 0) {
        json_object_set_new(item, "TaskCompletedAt", tm_ddb_s(t->now));
    }

    if (t->due && *t->due) {
        json_object_set_new(item, "DueDate", tm_ddb_s(t->due));
        json_object_set_new(item, "TaskDueSort", tm_ddb_s(t->due));

        if (ngx_strcmp(t->status, "completed") != 0) {
            ngx_taskmgr_set_reminder(ctx, item, t->due, t->id);
        }

    } else {
        json_object_set_new(item, "TaskDueSort",
                            tm_ddb_s(TM_DUE_SORT_NONE));
    }

    t->task = item;

    return ngx_taskmgr_ddb(r, ctx, "PutItem",
                           json_pack("{s:s, s:O, s:s}",
                                     "TableName", ctx->conf->table.data,
                                     "Item", item,
                                     "ConditionExpression",
                                     "attribute_not_exists(EntitySort)"),
                           ngx_taskmgr_task_created);
}


static ngx_int_t
ngx_taskmgr_task_created(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_str_t            location;
    ngx_taskmgr_task_t  *t;

    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;

    location.len = sizeof("/api/tasks/") - 1 + TM_UUID_LEN;
    location.data = ngx_pnalloc(r->pool, location.len);
    if (location.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf(location.data, "/api/tasks/%s", t->id);

    if (ngx_taskmgr_add_header(r, "Location", &location) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_task_reply(r, NGX_HTTP_CREATED, t->task);
}


static ngx_int_t
ngx_taskmgr_task_read(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    ngx_taskmgr_task_t  *t;

    t = ctx->data;

    return ngx_taskmgr_ddb(r, ctx, "GetItem",
                           json_pack("{s:s, s:o, s:b}",
                                     "TableName", ctx->conf->table.data,
                                     "Key", tm_ddb_key(t->pk, t->sk),
                                     "ConsistentRead", 1),
                           next);
}


static ngx_int_t
ngx_taskmgr_task_got(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t  *item;

    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    item = json_object_get(ctx->reply, "Item");
    if (item == NULL) {
        return ngx_taskmgr_not_found(r);
    }

    return ngx_taskmgr_task_reply(r, NGX_HTTP_OK, item);
}


/* PATCH /api/tasks/{id}: read, then a write conditional on the version
 * read; a lost race re-reads (or answers 412 when the client named the
 * version with If-Match) */

static ngx_int_t
ngx_taskmgr_task_patch(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t            rc;
    ngx_taskmgr_task_t  *t;

    t = ctx->data;

    rc = ngx_taskmgr_if_match(r, t);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_taskmgr_body_patch(r, ctx, ngx_taskmgr_task_fields_all);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_taskmgr_task_fields(r, ctx, t);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_taskmgr_task_read(r, ctx, ngx_taskmgr_task_patch_read);
}


static ngx_int_t
ngx_taskmgr_task_patch_read(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    long long            version;
    ngx_taskmgr_task_t  *t;

    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;

    ctx->obj = json_object_get(ctx->reply, "Item");
    if (ctx->obj == NULL) {
        return ngx_taskmgr_not_found(r);
    }

    json_incref(ctx->obj);
    ngx_taskmgr_json_track(r, ctx->obj);

    if (tm_ddb_get_n(ctx->obj, "Version", &version) != 0) {
        version = 1;
    }

    if (t->if_match >= 0 && t->if_match != version) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_PRECONDITION_FAILED,
                                      "precondition_failed",
                                      "the task has changed since that "
                                      "version", NULL);
    }

    return ngx_taskmgr_task_patch_write(r, ctx);
}


static ngx_int_t
ngx_taskmgr_task_patch_write(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                 set[512], remove[160], version[24], key[48];
    json_t              *values, *old;
    long long            v;
    ngx_uint_t           completing, leaving, due_changed, sent;
    const char          *old_status, *old_due, *status, *due;
    ngx_taskmgr_task_t  *t;

    t = ctx->data;
    old = ctx->obj;

    old_status = tm_ddb_get_s(old, "Status");
    old_due = tm_ddb_get_s(old, "DueDate");
    status = t->status ? t->status : old_status;

    if (old_status == NULL || status == NULL
        || tm_ddb_get_n(old, "Version", &v) != 0)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "taskmgr: malformed task item %s %s", t->pk, t->sk);
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_GATEWAY, "bad_gateway",
                                      "the stored task is malformed", NULL);
    }

    due = t->due ? (*t->due ? t->due : NULL) : old_due;
    due_changed = t->due && !((due == NULL && old_due == NULL)
                              || (due && old_due
                                  && ngx_strcmp(due, old_due) == 0));
    sent = due_changed ? 0 : tm_ddb_get_bool(old, "NotificationSent", 0);

    completing = ngx_strcmp(status, "completed") == 0
                 && ngx_strcmp(old_status, "completed") != 0;
    leaving = ngx_strcmp(status, "completed") != 0
              && ngx_strcmp(old_status, "completed") == 0;

    ngx_taskmgr_now_ms(t->now);
    ngx_sprintf((u_char *) version, "%L%Z", v);

    values = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}",
                       ":now", "S", t->now,
                       ":one", "N", "1",
                       ":v", "N", version,
                       ":st", "S", status);
    if (values == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_json_track(r, values);

    ngx_cpystrn((u_char *) set, (u_char *) "SET TaskUpdatedAt = :now, "
                "Version = Version + :one, #st = :st", sizeof(set));
    remove[0] = '\0';

    if (t->title) {
        ngx_taskmgr_strcat(set, sizeof(set), ", Title = :ti");
        json_object_set_new(values, ":ti", tm_ddb_s(t->title));
    }

    if (t->description && *t->description) {
        ngx_taskmgr_strcat(set, sizeof(set), ", Description = :de");
        json_object_set_new(values, ":de", tm_ddb_s(t->description));

    } else if (t->description) {
        ngx_taskmgr_strcat(remove, sizeof(remove), ", Description");
    }

    if (due_changed) {
        ngx_taskmgr_strcat(set, sizeof(set),
                           ", NotificationSent = :f, TaskDueSort = :ds");
        json_object_set_new(values, ":f", tm_ddb_bool(0));
        json_object_set_new(values, ":ds",
                            tm_ddb_s(due ? due : TM_DUE_SORT_NONE));

        if (due) {
            ngx_taskmgr_strcat(set, sizeof(set), ", DueDate = :du");
            json_object_set_new(values, ":du", tm_ddb_s(due));

        } else {
            ngx_taskmgr_strcat(remove, sizeof(remove), ", DueDate");
        }
    }

    if (completing) {
        ngx_taskmgr_strcat(set, sizeof(set), ", TaskCompletedAt = :now, "
                           "OutboxShard = :os, OutboxAt = :now");
        tm_outbox_shard(t->id, (unsigned) ctx->conf->reminder_shards, key,
                        sizeof(key));
        json_object_set_new(values, ":os", tm_ddb_s(key));
        ngx_cpystrn((u_char *) t->outbox_at, (u_char *) t->now,
                    sizeof(t->outbox_at));

    } else if (leaving) {
        ngx_taskmgr_strcat(remove, sizeof(remove), ", TaskCompletedAt");
    }

    /* the reminder index holds the task while a reminder is owed */
    if (due && !sent && ngx_strcmp(status, "completed") != 0) {
        tm_task_reminder_key(due, t->id,
                             (unsigned) ctx->conf->reminder_shards, key,
                             sizeof(key));
        ngx_taskmgr_strcat(set, sizeof(set),
                           ", DueDate_NotificationSent = :rk");
        json_object_set_new(values, ":rk", tm_ddb_s(key));

    } else {
        ngx_taskmgr_strcat(remove, sizeof(remove),
                           ", DueDate_NotificationSent");
    }

    if (remove[0]) {
        ngx_taskmgr_strcat(set, sizeof(set), " REMOVE");
        ngx_taskmgr_strcat(set, sizeof(set), remove + 1);
    }

    if (completing) {
        ctx->flags |= NGX_TASKMGR_COMPLETING;

    } else {
        ctx->flags &= ~NGX_TASKMGR_COMPLETING;
    }

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem",
                           json_pack("{s:s, s:o, s:s, s:s, s:{s:s}, s:O,"
                                     " s:s}",
                                     "TableName", ctx->conf->table.data,
                                     "Key", tm_ddb_key(t->pk, t->sk),
                                     "UpdateExpression", set,
                                     "ConditionExpression", "Version = :v",
                                     "ExpressionAttributeNames",
                                     "#st", "Status",
                                     "ExpressionAttributeValues", values,
                                     "ReturnValues", "ALL_NEW"),
                           ngx_taskmgr_task_patched);
}


static ngx_int_t
ngx_taskmgr_task_patched(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_task_t  *t;

    t = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {

        /* someone wrote in between (or deleted the task) */
        if (t->if_match >= 0) {
            return ngx_taskmgr_task_stale(r);
        }

        if (++t->tries < NGX_TASKMGR_PATCH_TRIES) {
            return ngx_taskmgr_task_read(r, ctx, ngx_taskmgr_task_patch_read);
        }

        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t->task = json_object_get(ctx->reply, "Attributes");
    if (t->task == NULL) {
        ctx->status = NGX_HTTP_OK + 1;
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    json_incref(t->task);
    ngx_taskmgr_json_track(r, t->task);

    if (!(ctx->flags & NGX_TASKMGR_COMPLETING)) {
        return ngx_taskmgr_task_reply(r, NGX_HTTP_OK, t->task);
    }

    if (ngx_taskmgr_fault(r, ctx, "after-first-write")) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "fault_injected",
                                      "the chain stopped after its first "
                                      "write (test fault)", NULL);
    }

    /* completed: (2) the notification, with delivery owed per the user's
     * preferences, (3) the task's outbox marker removed */

    return ngx_taskmgr_ddb(r, ctx, "GetItem",
                           json_pack("{s:s, s:o, s:s}",
                                     "TableName", ctx->conf->table.data,
                                     "Key", tm_ddb_key(t->pk, t->pk),
                                     "ProjectionExpression",
                                     "NotificationPreferences"),
                           ngx_taskmgr_task_notify_prefs);
}


static ngx_int_t
ngx_taskmgr_task_notify_prefs(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    const json_t         *prefs;
    tm_notification_t     n;
    ngx_taskmgr_task_t   *t;

    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;

    prefs = tm_ddb_get_m(json_object_get(ctx->reply, "Item"),
                         "NotificationPreferences");

    n.pk = t->pk;
    n.type = "task_completed";
    n.task_id = t->id;
    n.task_title = tm_ddb_get_s(t->task, "Title");
    n.event = t->outbox_at;
    n.timestamp = t->outbox_at;
    n.expiry = (long long) ngx_time() + ctx->conf->notification_ttl;
    n.email = tm_ddb_get_bool(prefs, "email", 0);
    n.sms = tm_ddb_get_bool(prefs, "sms", 0);
    n.shards = (unsigned) ctx->conf->reminder_shards;

    if (n.task_title == NULL) {
        n.task_title = "";
    }

    return ngx_taskmgr_ddb(r, ctx, "PutItem",
                           json_pack("{s:s, s:o, s:s}",
                                     "TableName", ctx->conf->table.data,
                                     "Item", tm_notification_item(&n),
                                     "ConditionExpression",
                                     "attribute_not_exists(EntitySort)"),
                           ngx_taskmgr_task_notified);
}


static ngx_int_t
ngx_taskmgr_task_notified(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_task_t  *t;

    /* already there: a replay, which is what the deterministic id is for */
    if (ctx->aws_error
        && !ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException"))
    {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem",
                           json_pack("{s:s, s:o, s:s, s:s, s:{s:{s:s}}}",
                                     "TableName", ctx->conf->table.data,
                                     "Key", tm_ddb_key(t->pk, t->sk),
                                     "UpdateExpression",
                                     "REMOVE OutboxShard, OutboxAt",
                                     "ConditionExpression",
                                     "OutboxAt = :at",
                                     "ExpressionAttributeValues",
                                     ":at", "S", t->outbox_at),
                           ngx_taskmgr_task_unmarked);
}


static ngx_int_t
ngx_taskmgr_task_unmarked(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_task_t  *t;

    t = ctx->data;

    /* a failed condition: the task moved on (deleted, completed again) and
     * its marker is no longer ours to remove */
    if (ctx->aws_error
        && !ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException"))
    {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    json_object_del(t->task, "OutboxShard");
    json_object_del(t->task, "OutboxAt");

    return ngx_taskmgr_task_reply(r, NGX_HTTP_OK, t->task);
}


/* DELETE /api/tasks/{id} */

static ngx_int_t
ngx_taskmgr_task_delete(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                 version[24];
    json_t              *req;
    ngx_int_t            rc;
    ngx_taskmgr_task_t  *t;

    t = ctx->data;

    rc = ngx_taskmgr_if_match(r, t);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_taskmgr_body_fields(r, ctx, ngx_taskmgr_task_none, NULL);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    req = json_pack("{s:s, s:o, s:s}",
                    "TableName", ctx->conf->table.data,
                    "Key", tm_ddb_key(t->pk, t->sk),
                    "ConditionExpression",
                    t->if_match >= 0
                    ? "attribute_exists(EntitySort) AND Version = :v"
                    : "attribute_exists(EntitySort)");

    if (req && t->if_match >= 0) {
        ngx_sprintf((u_char *) version, "%i%Z", t->if_match);
        json_object_set_new(req, "ExpressionAttributeValues",
                            json_pack("{s:{s:s}}", ":v", "N", version));
    }

    return ngx_taskmgr_ddb(r, ctx, "DeleteItem", req,
                           ngx_taskmgr_task_deleted);
}


static ngx_int_t
ngx_taskmgr_task_deleted(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_task_t  *t;

    t = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        if (t->if_match < 0) {
            return ngx_taskmgr_not_found(r);
        }

        /* gone, or another version? */
        return ngx_taskmgr_task_read(r, ctx, ngx_taskmgr_task_delete_why);
    }

    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    return ngx_taskmgr_send_empty(r, NGX_HTTP_NO_CONTENT);
}


static ngx_int_t
ngx_taskmgr_task_delete_why(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (json_object_get(ctx->reply, "Item") == NULL) {
        return ngx_taskmgr_not_found(r);
    }

    return ngx_taskmgr_task_stale(r);
}


/*
 * GET /api/tasks: the caller's partition through UpdatedAtIndex (newest
 * update first) or DueDateIndex (soonest first, undated last); due ranges
 * are key conditions on DueDateIndex, filters elsewhere.
 */

static ngx_int_t
ngx_taskmgr_task_list(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                 keycond[128], filter[160], name[8];
    json_t              *values;
    ngx_int_t            rc;
    ngx_uint_t           i, n;
    ngx_taskmgr_page_t  *pg;
    ngx_taskmgr_task_t  *t;

    t = ctx->data;

    rc = ngx_taskmgr_body_fields(r, ctx, ngx_taskmgr_task_none, NULL);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    pg = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_page_t));
    if (pg == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_taskmgr_page_args(r, ctx, pg, ngx_taskmgr_task_arg);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (t->due_from[0] && t->due_to[0]
        && ngx_strcmp(t->due_from, t->due_to) > 0)
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_parameter",
                                      "must not be after dueTo", "dueFrom");
    }

    pg->pk = t->pk;
    pg->sort_attr = t->sort_due ? "TaskDueSort" : "TaskUpdatedAt";
    pg->write = ngx_taskmgr_task_write;
    pg->done = ngx_taskmgr_task_listed;
    ngx_snprintf((u_char *) pg->listing, sizeof(pg->listing) - 1,
                 "tasks|%s|%ui|%s|%s%Z", t->sort_due ? "due" : "updated",
                 t->statuses, t->due_from, t->due_to);

    values = json_pack("{s:{s:s}}", ":pk", "S", t->pk);
    if (values == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_cpystrn((u_char *) keycond, (u_char *) "EntityPartition = :pk",
                sizeof(keycond));
    filter[0] = '\0';

    if (t->sort_due && (t->due_from[0] || t->due_to[0])) {
        ngx_taskmgr_strcat(keycond, sizeof(keycond),
                           " AND TaskDueSort BETWEEN :df AND :dt");
        json_object_set_new(values, ":df",
                            tm_ddb_s(t->due_from[0] ? t->due_from : "0000"));
        json_object_set_new(values, ":dt",
                            tm_ddb_s(t->due_to[0] ? t->due_to
                                                  : NGX_TASKMGR_DUE_MAX));

    } else if (t->due_from[0] && t->due_to[0]) {
        ngx_cpystrn((u_char *) filter,
                    (u_char *) "DueDate BETWEEN :df AND :dt", sizeof(filter));
        json_object_set_new(values, ":df", tm_ddb_s(t->due_from));
        json_object_set_new(values, ":dt", tm_ddb_s(t->due_to));

    } else if (t->due_from[0]) {
        ngx_cpystrn((u_char *) filter, (u_char *) "DueDate >= :df",
                    sizeof(filter));
        json_object_set_new(values, ":df", tm_ddb_s(t->due_from));

    } else if (t->due_to[0]) {
        ngx_cpystrn((u_char *) filter, (u_char *) "DueDate <= :dt",
                    sizeof(filter));
        json_object_set_new(values, ":dt", tm_ddb_s(t->due_to));
    }

    if (t->statuses) {
        ngx_taskmgr_strcat(filter, sizeof(filter),
                           filter[0] ? " AND #st IN (" : "#st IN (");

        for (i = 0, n = 0; i < 3; i++) {
            if (t->statuses & (1 << i)) {
                ngx_sprintf((u_char *) name, ":s%ui%Z", i);
                ngx_taskmgr_strcat(filter, sizeof(filter), n++ ? ", " : "");
                ngx_taskmgr_strcat(filter, sizeof(filter), name);
                json_object_set_new(values, name,
                                    tm_ddb_s(ngx_taskmgr_statuses[i]));
            }
        }

        ngx_taskmgr_strcat(filter, sizeof(filter), ")");
    }

    pg->query = json_pack("{s:s, s:s, s:s, s:o, s:b}",
                          "TableName", ctx->conf->table.data,
                          "IndexName", t->sort_due ? "DueDateIndex"
                                                   : "UpdatedAtIndex",
                          "KeyConditionExpression", keycond,
                          "ExpressionAttributeValues", values,
                          "ScanIndexForward", t->sort_due ? 1 : 0);

    if (pg->query && filter[0]) {
        json_object_set_new(pg->query, "FilterExpression",
                            json_string(filter));
    }

    if (pg->query && t->statuses) {
        json_object_set_new(pg->query, "ExpressionAttributeNames",
                            json_pack("{s:s}", "#st", "Status"));
    }

    return ngx_taskmgr_page_start(r, ctx, pg);
}


/* status=a,b  dueFrom=  dueTo=  sort=updated|due */

static ngx_int_t
ngx_taskmgr_task_arg(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_str_t *name, ngx_str_t *value)
{
    u_char              *s, *e, *end;
    long long            epoch;
    ngx_uint_t           i;
    const char          *field, *why;
    ngx_taskmgr_task_t  *t;

    t = ctx->data;
    why = NULL;

    if (name->len == 6 && ngx_strncmp(name->data, "status", 6) == 0) {
        field = "status";
        end = value->data + value->len;

        for (s = value->data; why == NULL; s = e + 1) {
            e = ngx_strlchr(s, end, ',');
            if (e == NULL) {
                e = end;
            }

            for (i = 0; i < 3; i++) {
                if ((size_t) (e - s) == ngx_strlen(ngx_taskmgr_statuses[i])
                    && ngx_strncmp(s, ngx_taskmgr_statuses[i], e - s) == 0)
                {
                    t->statuses |= 1 << i;
                    break;
                }
            }

            if (i == 3) {
                why = "must be pending, in_progress or completed, or a "
                      "comma list of them";
            }

            if (e == end) {
                break;
            }
        }

    } else if ((name->len == 7 && ngx_strncmp(name->data, "dueFrom", 7) == 0)
               || (name->len == 5
                   && ngx_strncmp(name->data, "dueTo", 5) == 0))
    {
        field = (name->len == 7) ? "dueFrom" : "dueTo";

        if (tm_parse_rfc3339((const char *) value->data, value->len, &epoch)
            != 0)
        {
            why = "must be an RFC 3339 date-time like 2026-11-25T17:00:00Z";

        } else {
            tm_format_rfc3339(epoch, name->len == 7 ? t->due_from
                                                    : t->due_to);
        }

    } else if (name->len == 4 && ngx_strncmp(name->data, "sort", 4) == 0) {
        field = "sort";

        if (value->len == 3 && ngx_strncmp(value->data, "due", 3) == 0) {
            t->sort_due = 1;

        } else if (!(value->len == 7
                     && ngx_strncmp(value->data, "updated", 7) == 0))
        {
            why = "must be updated or due";
        }

    } else {
        return NGX_ABORT;
    }

    if (why) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_parameter", why, field);
    }

    return NGX_DECLINED;
}


static long
ngx_taskmgr_task_write(const tm_ddb_item_t *item, long long now, char *out,
    size_t size)
{
    return tm_task_write(item, out, size);
}


static ngx_int_t
ngx_taskmgr_task_listed(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_page_send(r, ctx, NULL);
}


static ngx_int_t
ngx_taskmgr_task_reply(ngx_http_request_t *r, ngx_uint_t status,
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

    return ngx_taskmgr_send_item(r, status, "task", ngx_taskmgr_task_write,
                                 &item);
}


/* the body's task fields, validated; dueDate normalised to UTC seconds */

static ngx_int_t
ngx_taskmgr_task_fields(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_task_t *t)
{
    ngx_int_t   rc;
    long long   epoch;

    if ((rc = ngx_taskmgr_field_str(r, ctx->body, "title", tm_valid_title,
                                    0, &t->title))
           != NGX_DECLINED
        || (rc = ngx_taskmgr_field_str(r, ctx->body, "description",
                                       tm_valid_description,
                                       NGX_TASKMGR_NULLABLE,
                                       &t->description))
           != NGX_DECLINED
        || (rc = ngx_taskmgr_field_str(r, ctx->body, "dueDate",
                                       tm_valid_datetime,
                                       NGX_TASKMGR_NULLABLE, &t->due))
           != NGX_DECLINED
        || (rc = ngx_taskmgr_field_str(r, ctx->body, "status",
                                       tm_valid_status, 0, &t->status))
           != NGX_DECLINED)
    {
        return rc;
    }

    if (t->due && *t->due) {
        (void) tm_parse_rfc3339(t->due, ngx_strlen(t->due), &epoch);
        tm_format_rfc3339(epoch, t->due_norm);
        t->due = t->due_norm;
    }

    return NGX_DECLINED;
}


/* If-Match: "<version>" (or *, any version); -1 when absent */

static ngx_int_t
ngx_taskmgr_if_match(ngx_http_request_t *r, ngx_taskmgr_task_t *t)
{
    ngx_int_t   n;
    ngx_str_t  *v;

    if (r->headers_in.if_match == NULL) {
        return NGX_DECLINED;
    }

    v = &r->headers_in.if_match->value;

    if (v->len == 1 && v->data[0] == '*') {
        return NGX_DECLINED;
    }

    n = NGX_ERROR;

    if (v->len > 2 && v->len < 20 && v->data[0] == '"'
        && v->data[v->len - 1] == '"')
    {
        n = ngx_atoi(v->data + 1, v->len - 2);
    }

    if (n == NGX_ERROR) {
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            r->keepalive = 0;
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_if_match",
                                      "If-Match must be a quoted version "
                                      "like \"3\"", NULL);
    }

    t->if_match = n;

    return NGX_DECLINED;
}


static ngx_int_t
ngx_taskmgr_task_stale(ngx_http_request_t *r)
{
    return ngx_taskmgr_send_error(r, NGX_HTTP_PRECONDITION_FAILED,
                                  "precondition_failed",
                                  "the task has changed since that version",
                                  NULL);
}


static ngx_int_t
ngx_taskmgr_not_found(ngx_http_request_t *r)
{
    return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                  "no such task", NULL);
}


/* "2026-11-25T17:00:00.123Z": millisecond order for the update index */

static void
ngx_taskmgr_now_ms(char *out)
{
    ngx_time_t  *tp;

    tp = ngx_timeofday();

    tm_format_rfc3339((long long) tp->sec, out);
    ngx_sprintf((u_char *) out + 19, ".%03M%Z", tp->msec);
    out[23] = 'Z';
    out[24] = '\0';
}


static void
ngx_taskmgr_set_reminder(ngx_taskmgr_ctx_t *ctx, json_t *item,
    const char *due, const char *task_id)
{
    char  key[48];

    tm_task_reminder_key(due, task_id, (unsigned) ctx->conf->reminder_shards,
                         key, sizeof(key));

    json_object_set_new(item, "DueDate_NotificationSent", tm_ddb_s(key));
}
