/*
 * What one user may hold: tasks (taskmgr_max_tasks) and completion
 * notifications (taskmgr_max_completions), the things a user can make at
 * will.  Each is a counter in the user's COUNTS item, raised with a
 * condition before the thing is written and lowered after it is deleted.
 *
 * Counting a user's items for every write would read all of them; a
 * counter costs one small write.  With no transactions in the local
 * DynamoDB a counter can drift: a request cut short between the counter
 * and the item, a replay, items that leave without passing here (a
 * deleted list's tasks, expired notifications).  Drift only ever says
 * "more" where it matters, so a counter found full is counted again from
 * the items (a walk of the user's partition, keys only) unless it was
 * counted in the last NGX_TASKMGR_QUOTA_TRUST seconds, and the write tried
 * once more.
 */

#include "ngx_taskmgr.h"
#include "tm_ddb.h"
#include "tm_task.h"


#define NGX_TASKMGR_QUOTA_SK     "COUNTS"
#define NGX_TASKMGR_QUOTA_TRUST  600     /* s a count is trusted */


static ngx_uint_t ngx_taskmgr_quota_max(ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_quota_raise(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_quota_raised(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_quota_got(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_quota_each(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, json_t *item);
static ngx_int_t ngx_taskmgr_quota_counted(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_quota_set(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_quota_lowered(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


/* the counters: attribute, when it was counted, what it counts */
static const struct {
    const char                *attr;
    const char                *counted_at;
    const char                *prefix;
    const char                *type;      /* a notification's, or NULL */
} ngx_taskmgr_quotas[] = {
    { "Tasks", "TasksCountedAt", TM_TASK_PREFIX, NULL },
    { "Completions", "CompletionsCountedAt", TM_NOTIF_PREFIX,
      "task_completed" },
};


static ngx_uint_t
ngx_taskmgr_quota_max(ngx_taskmgr_ctx_t *ctx)
{
    return ctx->quota.which == NGX_TASKMGR_QUOTA_TASKS
           ? ctx->conf->max_tasks : ctx->conf->max_completions;
}


/*
 * Takes one of the user's allowance of which; next runs with
 * ctx->quota.full set when there is none left (nothing was taken then).
 */

ngx_int_t
ngx_taskmgr_quota_take(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *pk, ngx_uint_t which, ngx_taskmgr_step_pt next)
{
    ctx->quota.pk = pk;
    ctx->quota.which = which;
    ctx->quota.next = next;
    ctx->quota.full = 0;
    ctx->quota.recounted = 0;

    return ngx_taskmgr_quota_raise(r, ctx);
}


static ngx_int_t
ngx_taskmgr_quota_raise(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_ddb(r, ctx, "UpdateItem",
               json_pack("{s:s, s:o, s:s, s:s, s:{s:s}, s:{s:o, s:o}}",
                         "TableName", ctx->conf->table.data,
                         "Key", tm_ddb_key(ctx->quota.pk,
                                           NGX_TASKMGR_QUOTA_SK),
                         "UpdateExpression", "ADD #n :one",
                         "ConditionExpression",
                         "attribute_not_exists(#n) OR #n < :max",
                         "ExpressionAttributeNames",
                         "#n", ngx_taskmgr_quotas[ctx->quota.which].attr,
                         "ExpressionAttributeValues",
                         ":one", tm_ddb_n(1),
                         ":max", tm_ddb_n(ngx_taskmgr_quota_max(ctx))),
               ngx_taskmgr_quota_raised);
}


static ngx_int_t
ngx_taskmgr_quota_raised(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (!ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        if (ctx->call.error) {
            return ngx_taskmgr_aws_fail(r, ctx);
        }

        return ctx->quota.next(r, ctx);
    }

    if (ctx->quota.recounted) {
        ctx->quota.full = 1;
        return ctx->quota.next(r, ctx);
    }

    /* full: counted lately? */
    return ngx_taskmgr_ddb_get(r, ctx,
                               tm_ddb_key(ctx->quota.pk,
                                          NGX_TASKMGR_QUOTA_SK), 1,
                               ngx_taskmgr_quotas[ctx->quota.which]
                                   .counted_at,
                               ngx_taskmgr_quota_got);
}


static ngx_int_t
ngx_taskmgr_quota_got(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t      *q;
    long long    at;
    const char  *type;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (tm_ddb_get_n(json_object_get(ctx->call.reply, "Item"),
                     ngx_taskmgr_quotas[ctx->quota.which].counted_at, &at)
        != 0)
    {
        at = 0;
    }

    if (ngx_time() - at < NGX_TASKMGR_QUOTA_TRUST) {
        ctx->quota.full = 1;
        return ctx->quota.next(r, ctx);
    }

    ctx->quota.recounted = 1;
    ctx->quota.count = 0;

    type = ngx_taskmgr_quotas[ctx->quota.which].type;

    q = json_pack("{s:s, s:s, s:s, s:{s:{s:s}, s:{s:s}}, s:b}",
                  "TableName", ctx->conf->table.data,
                  "KeyConditionExpression",
                  "EntityPartition = :pk AND begins_with(EntitySort, :p)",
                  "ProjectionExpression", "EntitySort",
                  "ExpressionAttributeValues",
                  ":pk", "S", ctx->quota.pk,
                  ":p", "S", ngx_taskmgr_quotas[ctx->quota.which].prefix,
                  "ConsistentRead", 1);

    if (q && type == NULL) {
        /* a task in the trash was given back when trashed */
        json_object_set_new(q, "FilterExpression",
                            json_string("attribute_not_exists(TrashedAt)"));

    } else if (q) {
        json_object_set_new(q, "FilterExpression",
                            json_string("#t = :t"));
        json_object_set_new(q, "ExpressionAttributeNames",
                            json_pack("{s:s}", "#t", "Type"));
        json_object_set_new(json_object_get(q, "ExpressionAttributeValues"),
                            ":t", json_pack("{s:s}", "S", type));
    }

    return ngx_taskmgr_walk(r, ctx, q, ngx_taskmgr_quota_each,
                            ngx_taskmgr_quota_counted);
}


static ngx_int_t
ngx_taskmgr_quota_each(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    json_t *item)
{
    ctx->quota.count++;

    return NGX_OK;
}


/* the count from the items, then the write tried once more */

static ngx_int_t
ngx_taskmgr_quota_counted(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_ddb(r, ctx, "UpdateItem",
               json_pack("{s:s, s:o, s:s, s:{s:s, s:s}, s:{s:o, s:o}}",
                         "TableName", ctx->conf->table.data,
                         "Key", tm_ddb_key(ctx->quota.pk,
                                           NGX_TASKMGR_QUOTA_SK),
                         "UpdateExpression", "SET #n = :n, #c = :now",
                         "ExpressionAttributeNames",
                         "#n", ngx_taskmgr_quotas[ctx->quota.which].attr,
                         "#c", ngx_taskmgr_quotas[ctx->quota.which]
                                   .counted_at,
                         "ExpressionAttributeValues",
                         ":n", tm_ddb_n((long long) ctx->quota.count),
                         ":now", tm_ddb_n((long long) ngx_time())),
               ngx_taskmgr_quota_set);
}


static ngx_int_t
ngx_taskmgr_quota_set(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "taskmgr: %s of %s counted again: %ui",
                  ngx_taskmgr_quotas[ctx->quota.which].attr, ctx->quota.pk,
                  ctx->quota.count);

    return ngx_taskmgr_quota_raise(r, ctx);
}


/*
 * Gives one back after a delete; next runs whatever the outcome (a
 * counter left high is counted again when it says full).
 */

ngx_int_t
ngx_taskmgr_quota_give(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *pk, ngx_uint_t which, ngx_taskmgr_step_pt next)
{
    ctx->quota.pk = pk;
    ctx->quota.which = which;
    ctx->quota.next = next;

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem",
               json_pack("{s:s, s:o, s:s, s:s, s:{s:s}, s:{s:o, s:o}}",
                         "TableName", ctx->conf->table.data,
                         "Key", tm_ddb_key(pk, NGX_TASKMGR_QUOTA_SK),
                         "UpdateExpression", "ADD #n :minus",
                         "ConditionExpression", "#n > :zero",
                         "ExpressionAttributeNames",
                         "#n", ngx_taskmgr_quotas[which].attr,
                         "ExpressionAttributeValues",
                         ":minus", tm_ddb_n(-1),
                         ":zero", tm_ddb_n(0)),
               ngx_taskmgr_quota_lowered);
}


static ngx_int_t
ngx_taskmgr_quota_lowered(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ngx_taskmgr_aws_broke(ctx)) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "taskmgr: %s of %s not lowered: %s",
                      ngx_taskmgr_quotas[ctx->quota.which].attr,
                      ctx->quota.pk, ctx->call.error);
    }

    return ctx->quota.next(r, ctx);
}
