/*
 * The trash: DELETE /api/tasks/{id} moves a task there (the same item,
 * TrashedAt set, pending reminders cancelled, out of every listing, count
 * and view), POST /api/tasks/{id}/restore brings it back (reminders still
 * to come re-armed); DELETE ?permanent=true deletes at once
 * (ngx_taskmgr_tasks.c).  A trashed task expires after 30 days: the
 * table's TTL on NotificationExpiry removes it on AWS, and reads treat it
 * as gone once that time has passed (the local DynamoDB has no TTL).
 * Read, then one write conditional on the version read; a lost race reads
 * again, or answers 412 when the client named the version with If-Match.
 * The rules are common/tm_task.c's (tm_task_trash, tm_task_restore).
 */

#include "ngx_taskmgr_tasks.h"
#include "tm_ddb.h"


#define NGX_TASKMGR_TRASH_TRIES  3


static ngx_int_t ngx_taskmgr_tasks_trash_write(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_trash_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_restore_read(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_restore_none(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_trashed_gone(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


ngx_int_t
ngx_taskmgr_tasks_trash(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_tasks_read(r, ctx, ngx_taskmgr_tasks_trash_write);
}


/* POST /api/tasks/{id}/restore */

ngx_int_t
ngx_taskmgr_tasks_restore(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;
    t->restoring = 1;

    rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, t);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    /* back among the user's taskmgr_max_tasks */
    return ngx_taskmgr_quota_take(r, ctx, t->pk, NGX_TASKMGR_QUOTA_TASKS,
                                  ngx_taskmgr_tasks_restore_read);
}


static ngx_int_t
ngx_taskmgr_tasks_restore_read(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->quota.full) {
        return ngx_taskmgr_tasks_full(r, ctx);
    }

    return ngx_taskmgr_tasks_read(r, ctx, ngx_taskmgr_tasks_trash_write);
}


/* nothing restored: the task taken from the quota goes back */

static ngx_int_t
ngx_taskmgr_tasks_restore_none(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    return ngx_taskmgr_quota_give(r, ctx, t->pk, NGX_TASKMGR_QUOTA_TASKS,
                                  ngx_taskmgr_tasks_trashed_gone);
}


static ngx_int_t
ngx_taskmgr_tasks_trashed_gone(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    if (t->restoring) {
        return ngx_taskmgr_tasks_not_found(r);
    }

    ngx_taskmgr_tasks_event(r, "deleted", NULL);

    return ngx_taskmgr_send_empty(r, NGX_HTTP_NO_CONTENT);
}


/* 1 if the item is in the trash and not yet expired */

ngx_int_t
ngx_taskmgr_tasks_trashed(const json_t *item)
{
    long long  expiry;

    if (json_object_get(item, "TrashedAt") == NULL) {
        return 0;
    }

    return tm_ddb_get_n(item, "NotificationExpiry", &expiry) != 0
           || expiry > (long long) ngx_time();
}


static ngx_int_t
ngx_taskmgr_tasks_trash_write(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    int                   rc;
    json_t               *item, *req;
    long long             version;
    tm_update_t           u;
    ngx_taskmgr_tasks_t  *t;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;
    item = json_object_get(ctx->call.reply, "Item");

    /* trashing a trashed task, restoring one that is not: not there */
    if (item == NULL
        || (json_object_get(item, "TrashedAt") != NULL) != t->restoring
        || (t->restoring && !ngx_taskmgr_tasks_trashed(item)))
    {
        return t->restoring ? ngx_taskmgr_tasks_restore_none(r, ctx)
                            : ngx_taskmgr_tasks_not_found(r);
    }

    if (tm_ddb_get_n(item, "Version", &version) != 0) {
        version = 1;
    }

    if (t->if_match >= 0 && t->if_match != version) {
        return ngx_taskmgr_tasks_stale(r);
    }

    ngx_taskmgr_now_ms(t->now);
    tm_update_init(&u);

    rc = t->restoring
         ? tm_task_restore(item, t->now, t->id,
                           (unsigned) ctx->conf->reminder_shards, &u)
         : tm_task_trash(item, t->now, &u);

    if (rc != 0) {
        tm_update_free(&u);
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    req = tm_update_request(&u, (const char *) ctx->conf->table.data,
                            tm_ddb_key(t->pk, t->sk), "ALL_NEW");
    tm_update_free(&u);

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem", req,
                           ngx_taskmgr_tasks_trash_done);
}


static ngx_int_t
ngx_taskmgr_tasks_trash_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        if (t->if_match >= 0) {
            return ngx_taskmgr_tasks_stale(r);
        }

        if (++t->tries < NGX_TASKMGR_TRASH_TRIES) {
            return ngx_taskmgr_tasks_read(r, ctx,
                                          ngx_taskmgr_tasks_trash_write);
        }

        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (!t->restoring) {
        /* out of the user's taskmgr_max_tasks while in the trash */
        return ngx_taskmgr_quota_give(r, ctx, t->pk,
                                      NGX_TASKMGR_QUOTA_TASKS,
                                      ngx_taskmgr_tasks_trashed_gone);
    }

    t->task = json_object_get(ctx->call.reply, "Attributes");
    if (t->task == NULL) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    json_incref(t->task);
    ngx_taskmgr_json_track(r, t->task);

    return ngx_taskmgr_tasks_reply(r, ctx, NGX_HTTP_OK);
}

