/*
 * Every item of a Query, page after page: counts over the caller's tasks
 * (labels in use, tasks per list) need all of them, not a page.  Bounded
 * at NGX_TASKMGR_WALK_CALLS pages of 1 MB, far beyond a user's tasks: past
 * it the request is refused (503) rather than left running.
 */

#include "ngx_taskmgr.h"


#define NGX_TASKMGR_WALK_CALLS  64


static ngx_int_t ngx_taskmgr_walk_query(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_walk_got(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


ngx_int_t
ngx_taskmgr_walk(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    json_t *query, ngx_taskmgr_each_pt each, ngx_taskmgr_step_pt done)
{
    if (query == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_json_track(r, query);

    ctx->walk.query = query;
    ctx->walk.each = each;
    ctx->walk.done = done;
    ctx->walk.calls = 0;

    return ngx_taskmgr_walk_query(r, ctx);
}


static ngx_int_t
ngx_taskmgr_walk_query(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ctx->walk.calls++;

    return ngx_taskmgr_ddb(r, ctx, "Query", json_incref(ctx->walk.query),
                           ngx_taskmgr_walk_got);
}


static ngx_int_t
ngx_taskmgr_walk_got(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    size_t   i;
    json_t  *items, *lek;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    items = json_object_get(ctx->call.reply, "Items");

    if (!json_is_array(items)) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    for (i = 0; i < json_array_size(items); i++) {
        if (ctx->walk.each(r, ctx, json_array_get(items, i)) != NGX_OK) {
            return ngx_taskmgr_aws_malformed(r, ctx);
        }
    }

    lek = json_object_get(ctx->call.reply, "LastEvaluatedKey");

    if (lek == NULL) {
        return ctx->walk.done(r, ctx);
    }

    if (ctx->walk.calls == NGX_TASKMGR_WALK_CALLS) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "taskmgr: more than %d pages to walk",
                      NGX_TASKMGR_WALK_CALLS);
        return ngx_taskmgr_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "unavailable",
                                      "too many items to count", NULL);
    }

    json_object_set(ctx->walk.query, "ExclusiveStartKey", lek);

    return ngx_taskmgr_walk_query(r, ctx);
}
