/*
 * PATCH /api/tasks/{id}: read, then one write conditional on the version
 * read (the rules are common/tm_task.c's tm_task_patch); a lost race
 * re-reads, or answers 412 when the client named the version with
 * If-Match.  Completing a task records its task_completed notification by
 * a replay-safe chain of single-item writes with an outbox marker (the
 * local DynamoDB has no transactions; docs/architecture.md, "The
 * completion chain"): (1) the task with its marker, (2) the notification
 * under its deterministic id, (3) the marker removed.
 */

#include "ngx_taskmgr_tasks.h"
#include "tm_channels.h"
#include "tm_ddb.h"
#include "tm_notification.h"
#include "tm_time.h"


#define NGX_TASKMGR_PATCH_TRIES   3


static ngx_int_t ngx_taskmgr_tasks_patch_get(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_patch_read(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_patch_old(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_patch_write(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, json_t *old);
static ngx_int_t ngx_taskmgr_tasks_patched(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_notify_prefs(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_notify(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_notified(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_unmark(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_unmarked(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


ngx_int_t
ngx_taskmgr_tasks_patch(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    rc = ngx_taskmgr_body_read(r, ctx, tm_task_body, TM_BODY_PATCH,
                               &t->fields);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    t->list_check = t->fields.list_id;

    return ngx_taskmgr_tasks_list_check(r, ctx, ngx_taskmgr_tasks_patch_get);
}


static ngx_int_t
ngx_taskmgr_tasks_patch_get(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_tasks_read(r, ctx, ngx_taskmgr_tasks_patch_read);
}


static ngx_int_t
ngx_taskmgr_tasks_patch_read(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t               *old;
    long long             version;
    ngx_taskmgr_tasks_t  *t;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;

    old = json_object_get(ctx->call.reply, "Item");
    if (old == NULL || json_object_get(old, "TrashedAt")) {
        return ngx_taskmgr_tasks_not_found(r);
    }

    if (tm_ddb_get_n(old, "Version", &version) != 0) {
        version = 1;
    }

    if (t->if_match >= 0 && t->if_match != version) {
        return ngx_taskmgr_tasks_stale(r);
    }

    if (tm_task_repeats(old, &t->fields)) {
        /* its next occurrence is a wall-clock time in the owner's zone */
        t->task = json_incref(old);
        ngx_taskmgr_json_track(r, t->task);

        return ngx_taskmgr_tasks_zone(r, ctx, ngx_taskmgr_tasks_patch_old);
    }

    return ngx_taskmgr_tasks_patch_write(r, ctx, old);
}


static ngx_int_t
ngx_taskmgr_tasks_patch_old(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    return ngx_taskmgr_tasks_patch_write(r, ctx, t->task);
}


static ngx_int_t
ngx_taskmgr_tasks_patch_write(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    json_t *old)
{
    json_t               *req;
    ngx_int_t             rc;
    tm_update_t           u;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    ngx_taskmgr_now_ms(t->now);
    tm_update_init(&u);

    rc = tm_task_patch(old, &t->fields, t->id, t->now,
                       (unsigned) ctx->conf->reminder_shards, t->zone, &u,
                       &t->effects);

    if (rc != 0 && t->effects.why) {
        tm_update_free(&u);

        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field", t->effects.why,
                                      t->effects.field);
    }

    if (rc != 0 && !u.failed) {
        tm_update_free(&u);

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "taskmgr: malformed task item %s %s", t->pk, t->sk);
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_GATEWAY, "bad_gateway",
                                      "the stored task is malformed", NULL);
    }

    req = tm_update_request(&u, (const char *) ctx->conf->table.data,
                            tm_ddb_key(t->pk, t->sk), "ALL_NEW");
    tm_update_free(&u);

    /* the new task read as text: most are answered straight from it */
    return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_DYNAMODB, "UpdateItem",
                                req, NGX_TASKMGR_AWS_TEXT,
                                ngx_taskmgr_tasks_patched);
}


static ngx_int_t
ngx_taskmgr_tasks_patched(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    tm_ddb_item_t         item;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {

        /* someone wrote in between (or deleted the task) */
        if (t->if_match >= 0) {
            return ngx_taskmgr_tasks_stale(r);
        }

        if (++t->tries < NGX_TASKMGR_PATCH_TRIES) {
            return ngx_taskmgr_tasks_read(r, ctx,
                                          ngx_taskmgr_tasks_patch_read);
        }

        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (tm_ddb_reply_item((char *) ctx->call.raw.data, ctx->call.raw.len,
                          "Attributes", &item)
        != 1)
    {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    if (!t->effects.completing) {
        return ngx_taskmgr_tasks_reply_item(r, ctx, &item, NGX_HTTP_OK);
    }

    /* a completion goes on with the task as a tree */
    if (ngx_taskmgr_tasks_tree(r, ctx, &item) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_taskmgr_fault(r, ctx, "after-first-write")) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "fault_injected",
                                      "the chain stopped after its first "
                                      "write (test fault)", NULL);
    }

    return ngx_taskmgr_tasks_chain(r, ctx);
}


/* completed (t->task written, t->now its time): (2) the notification,
 * with delivery owed per the user's preferences, (3) the task's outbox
 * marker removed; then t->after, or the reply */

ngx_int_t
ngx_taskmgr_tasks_chain(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(t->pk, t->pk), 0,
                               "NotificationPreferences, UserTimeZone,"
                               " QuietHours, PhoneNumber, PhoneVerified",
                               ngx_taskmgr_tasks_notify_prefs);
}


static ngx_int_t
ngx_taskmgr_tasks_notify_prefs(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    char                   start[32];
    time_t                 now;
    const json_t          *user;
    tm_channels_t          ch;
    tm_notification_t      n;
    ngx_taskmgr_tasks_t   *t;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;
    now = ngx_time();

    /* one's own completion: in-app, and by email or SMS only if asked
     * (completedEmail, completedSms), not inside quiet hours */
    user = json_object_get(ctx->call.reply, "Item");
    tm_channels(user, "task_completed", (long long) now, &ch);

    /* tm_notification_t grows (task_due fields): unset ones are zero */
    ngx_memzero(&n, sizeof(tm_notification_t));

    n.pk = t->pk;
    n.type = "task_completed";
    n.task_id = t->id;
    n.task_title = tm_ddb_get_s(t->task, "Title");
    n.event = t->now;
    n.timestamp = t->now;
    n.zone = tm_ddb_get_s(user, "UserTimeZone");
    n.expiry = (long long) now + ctx->conf->notification_ttl;
    n.email = ch.email;
    n.sms = ch.sms;
    n.shards = (unsigned) ctx->conf->reminder_shards;

    if (ch.start > (long long) now) {
        /* OutboxAt is in milliseconds, as every OutboxAt: the drain
         * compares the text */
        tm_time_ms(ch.start * 1000, start);
        n.outbox_at = start;
    }

    if (n.task_title == NULL) {
        n.task_title = "";
    }

    t->notification = tm_notification_item(&n);
    if (t->notification == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_json_track(r, t->notification);

    /* a user can complete and reopen at will: what they keep is bounded */
    return ngx_taskmgr_quota_take(r, ctx, t->pk,
                                  NGX_TASKMGR_QUOTA_COMPLETIONS,
                                  ngx_taskmgr_tasks_notify);
}


static ngx_int_t
ngx_taskmgr_tasks_notify(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    if (ctx->quota.full) {
        /* the task is completed all the same; no notification this time */
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "taskmgr: %s holds taskmgr_max_completions "
                      "notifications: none for this completion", t->pk);

        return ngx_taskmgr_tasks_unmark(r, ctx);
    }

    return ngx_taskmgr_ddb_put_new(r, ctx, json_incref(t->notification),
                                   ngx_taskmgr_tasks_notified);
}


static ngx_int_t
ngx_taskmgr_tasks_notified(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    /* already there: a replay, which is what the deterministic id is for */
    if (ctx->call.error
        && !ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException"))
    {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    ngx_taskmgr_unread_changed(ctx, ((ngx_taskmgr_tasks_t *) ctx->data)->pk);

    /* its event goes with the reply: a publish is a subrequest, and none
     * may start before the chain's last backend call; with the owner's
     * unread count (a batch publishes task events only) */
    t = ctx->data;
    t->notified = (ctx->call.error == NULL);

    if (t->notified && t->batch == NULL) {
        return ngx_taskmgr_events_count(r, ctx, t->pk,
                                        ngx_taskmgr_tasks_unmark);
    }

    return ngx_taskmgr_tasks_unmark(r, ctx);
}


static ngx_int_t
ngx_taskmgr_tasks_unmark(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

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
                                     ":at", "S", t->now),
                           ngx_taskmgr_tasks_unmarked);
}


static ngx_int_t
ngx_taskmgr_tasks_unmarked(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    /* a failed condition: the task moved on (deleted, completed again) and
     * its marker is no longer ours to remove */
    if (ctx->call.error
        && !ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException"))
    {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    json_object_del(t->task, "OutboxShard");
    json_object_del(t->task, "OutboxAt");

    return t->after ? t->after(r, ctx)
                    : ngx_taskmgr_tasks_reply(r, ctx, NGX_HTTP_OK);
}
