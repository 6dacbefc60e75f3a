/*
 * The task service (taskmgr_tasks): create, read and delete the caller's
 * tasks; PATCH is ngx_taskmgr_tasks_patch.c, listings
 * ngx_taskmgr_tasks_list.c.  The owner is always the token's sub, and
 * every write is conditional.  The item layout is docs/architecture.md's.
 */

#include "ngx_taskmgr_lists.h"
#include "ngx_taskmgr_tasks.h"
#include "tm_ddb.h"
#include "tm_user.h"


static ngx_int_t ngx_taskmgr_tasks_collection(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_item(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_taskmgr_tasks_t *ngx_taskmgr_tasks_state(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_create(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_defaults(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_parse(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_check(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_batch_route(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_take(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_put(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_created(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_got(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_delete(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_deleted(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_delete_why(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_gone(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


const ngx_taskmgr_route_t  ngx_taskmgr_tasks_routes[] = {
    { ngx_string("/api/tasks"), NGX_HTTP_GET|NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_tasks_collection },
    /* before the prefix below, which would take them for ids */
    { ngx_string("/api/tasks/parse"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_tasks_parse },
    { ngx_string("/api/tasks/batch"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_tasks_batch_route },
    { ngx_string("/api/tasks/"), NGX_HTTP_GET|NGX_HTTP_PATCH|NGX_HTTP_DELETE,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_tasks_item },
    { ngx_string("/api/tasks/{}/restore"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_tasks_item },
    { ngx_string("/api/labels"), NGX_HTTP_GET, NGX_TASKMGR_AUTH_REQUIRED,
      ngx_taskmgr_labels_list },
    { ngx_string("/api/lists"), NGX_HTTP_GET|NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_lists_collection },
    { ngx_string("/api/lists/"), NGX_HTTP_GET|NGX_HTTP_PATCH|NGX_HTTP_DELETE,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_lists_one },
    { ngx_null_string, 0, 0, NULL }
};


static ngx_int_t
ngx_taskmgr_tasks_collection(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ngx_taskmgr_tasks_state(r, ctx) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return (r->method == NGX_HTTP_POST) ? ngx_taskmgr_tasks_create(r, ctx)
                                        : ngx_taskmgr_tasks_list(r, ctx);
}


static ngx_int_t
ngx_taskmgr_tasks_parse(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ngx_taskmgr_tasks_state(r, ctx) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_quickadd(r, ctx, NULL);
}


static ngx_int_t
ngx_taskmgr_tasks_batch_route(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ngx_taskmgr_tasks_state(r, ctx) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_tasks_batch(r, ctx);
}


/* /api/tasks/{id}: a malformed id is as unknown as another user's */

static ngx_int_t
ngx_taskmgr_tasks_item(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_taskmgr_tasks_t  *t;

    t = ngx_taskmgr_tasks_state(r, ctx);
    if (t == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (!tm_uuid_valid((const char *) ctx->path_arg.data, ctx->path_arg.len))
    {
        return ngx_taskmgr_tasks_not_found(r);
    }

    t->id = ngx_taskmgr_cstr(r->pool, ctx->path_arg.data, ctx->path_arg.len);
    if (t->id == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf((u_char *) t->sk, TM_TASK_PREFIX "%s%Z", t->id);

    if (r->method != NGX_HTTP_GET) {
        rc = ngx_taskmgr_if_match(r, &t->if_match);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    switch (r->method) {

    case NGX_HTTP_POST:
        return ngx_taskmgr_tasks_restore(r, ctx);

    case NGX_HTTP_PATCH:
        return ngx_taskmgr_tasks_patch(r, ctx);

    case NGX_HTTP_DELETE:
        return ngx_taskmgr_tasks_delete(r, ctx);

    default:
        rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, t);
        if (rc != NGX_DECLINED) {
            return rc;
        }

        /* read as text: most tasks are answered without a jansson tree */
        return ngx_taskmgr_ddb_get_text(r, ctx, tm_ddb_key(t->pk, t->sk), 1,
                                        ngx_taskmgr_tasks_got);
    }
}


static ngx_taskmgr_tasks_t *
ngx_taskmgr_tasks_state(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_tasks_t));
    if (t == NULL) {
        return NULL;
    }

    tm_user_key(ctx->auth.sub, t->pk, sizeof(t->pk));
    t->if_match = -1;
    t->completed = -1;
    ctx->data = t;

    return t;
}


/* POST /api/tasks {title, description?, dueDate?, status?, priority?,
 * labels?, listId?, reminders?, repeat?} */

static ngx_int_t
ngx_taskmgr_tasks_create(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    if (json_object_get(ctx->body, "quickAdd")) {
        return ngx_taskmgr_quickadd(r, ctx, ngx_taskmgr_tasks_check);
    }

    rc = ngx_taskmgr_tasks_fields(r, ctx, NULL);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (t->fields.reminders_set) {
        return ngx_taskmgr_tasks_check(r, ctx);
    }

    /* no "reminders": the user's defaults */
    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(t->pk, t->pk), 0,
                               "DefaultReminders",
                               ngx_taskmgr_tasks_defaults);
}


static ngx_int_t
ngx_taskmgr_tasks_defaults(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;

    tm_task_default_reminders(&t->fields,
                              json_object_get(ctx->call.reply, "Item"),
                              t->fields.due && *t->fields.due);

    return ngx_taskmgr_tasks_check(r, ctx);
}


static ngx_int_t
ngx_taskmgr_tasks_check(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_tasks_list_check(r, ctx, ngx_taskmgr_tasks_take);
}


/* one of the user's taskmgr_max_tasks, before the task is written */

static ngx_int_t
ngx_taskmgr_tasks_take(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    return ngx_taskmgr_quota_take(r, ctx, t->pk, NGX_TASKMGR_QUOTA_TASKS,
                                  ngx_taskmgr_tasks_put);
}


static ngx_int_t
ngx_taskmgr_tasks_put(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                  id[TM_UUID_LEN + 1];
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    if (ctx->quota.full) {
        return ngx_taskmgr_tasks_full(r, ctx);
    }

    if (tm_uuid_v4(id) != 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    t->id = ngx_taskmgr_cstr(r->pool, (u_char *) id, TM_UUID_LEN);
    if (t->id == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_now_ms(t->now);

    t->task = tm_task_item(&t->fields, t->pk, t->id, t->now,
                           (unsigned) ctx->conf->reminder_shards);
    if (t->task == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_json_track(r, t->task);

    return ngx_taskmgr_ddb_put_new(r, ctx, json_incref(t->task),
                                   ngx_taskmgr_tasks_created);
}


static ngx_int_t
ngx_taskmgr_tasks_created(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_str_t             location;
    ngx_taskmgr_tasks_t  *t;

    if (ctx->call.error) {
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

    return ngx_taskmgr_tasks_reply(r, ctx, NGX_HTTP_CREATED);
}


static ngx_int_t
ngx_taskmgr_tasks_got(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t       rc;
    tm_ddb_item_t   item;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    rc = tm_ddb_reply_item((char *) ctx->call.raw.data, ctx->call.raw.len,
                           "Item", &item);
    if (rc < 0) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    if (rc == 0 || tm_ddb_item_get(&item, "TrashedAt", 'S')) {
        return ngx_taskmgr_tasks_not_found(r);
    }

    return ngx_taskmgr_tasks_reply_item(r, ctx, &item, NGX_HTTP_OK);
}


/* DELETE /api/tasks/{id}: to the trash; ?permanent=true: gone at once */

static ngx_int_t
ngx_taskmgr_tasks_delete(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                  version[24];
    json_t               *req;
    ngx_int_t             rc;
    ngx_str_t             permanent;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, t);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->args.len == 0) {
        return ngx_taskmgr_tasks_trash(r, ctx);
    }

    if (ngx_http_arg(r, (u_char *) "permanent", 9, &permanent) != NGX_OK
        || permanent.len != 4 || ngx_strncmp(permanent.data, "true", 4) != 0
        || r->args.len != sizeof("permanent=true") - 1)
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_parameter",
                                      "the only parameter is permanent=true",
                                      "permanent");
    }

    req = json_pack("{s:s, s:o, s:s, s:s}",
                    "TableName", ctx->conf->table.data,
                    "Key", tm_ddb_key(t->pk, t->sk),
                    "ReturnValues", "ALL_OLD",
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
                           ngx_taskmgr_tasks_deleted);
}


static ngx_int_t
ngx_taskmgr_tasks_deleted(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        if (t->if_match < 0) {
            return ngx_taskmgr_tasks_not_found(r);
        }

        /* gone, or another version? */
        return ngx_taskmgr_tasks_read(r, ctx, ngx_taskmgr_tasks_delete_why);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    /* one in the trash was given back when it went there */
    if (json_object_get(json_object_get(ctx->call.reply, "Attributes"),
                        "TrashedAt"))
    {
        return ngx_taskmgr_tasks_gone(r, ctx);
    }

    return ngx_taskmgr_quota_give(r, ctx, t->pk, NGX_TASKMGR_QUOTA_TASKS,
                                  ngx_taskmgr_tasks_gone);
}


static ngx_int_t
ngx_taskmgr_tasks_gone(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_event(r, "deleted", NULL);

    return ngx_taskmgr_send_empty(r, NGX_HTTP_NO_CONTENT);
}


static ngx_int_t
ngx_taskmgr_tasks_delete_why(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (json_object_get(ctx->call.reply, "Item") == NULL) {
        return ngx_taskmgr_tasks_not_found(r);
    }

    return ngx_taskmgr_tasks_stale(r);
}
