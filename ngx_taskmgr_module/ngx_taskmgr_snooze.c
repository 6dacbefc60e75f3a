/*
 * POST /api/notifications/{id}/snooze {"for": duration} | {"until": time}:
 * a one-off reminder added to the task a task_due notification is about
 * (common/tm_task.c, tm_task_snooze).  Read the notification, then the
 * task, then one write conditional on the task's version (a lost race
 * reads again).  Only a task_due notification, not expired, of a task that
 * still exists and is not completed can be snoozed: else 409
 * not_snoozable.
 */

#include "ngx_taskmgr.h"
#include "tm_ddb.h"
#include "tm_duration.h"
#include "tm_notification.h"
#include "tm_task.h"
#include "tm_user.h"
#include "tm_validate.h"


#define NGX_TASKMGR_SNOOZE_MAX    (7 * 86400LL)
#define NGX_TASKMGR_SNOOZE_TRIES  3


typedef struct {
    const char                *for_;      /* the body's */
    const char                *until;
    char                       pk[160];
    char                       sk[48];
    char                       task_sk[48];
    const char                *task_id;
    char                       now[32];
    long long                  at;
    ngx_uint_t                 tries;
    tm_reminder_t              added;
} ngx_taskmgr_snooze_t;


static const tm_field_t  ngx_taskmgr_snooze_body[] = {
    { "for", TM_FIELD_STRING, 0, offsetof(ngx_taskmgr_snooze_t, for_), NULL,
      NULL, NULL, 0, 0, NULL, NULL },
    { "until", TM_FIELD_DATETIME, 0, offsetof(ngx_taskmgr_snooze_t, until),
      NULL, NULL, NULL, 0, 0, NULL, NULL },
    tm_field_null
};


static ngx_int_t ngx_taskmgr_snooze_when(ngx_http_request_t *r,
    ngx_taskmgr_snooze_t *sz);
static void ngx_taskmgr_snooze_event(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_snooze_notified(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_snooze_read(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_snooze_task(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_snooze_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_snooze_refused(ngx_http_request_t *r);


ngx_int_t
ngx_taskmgr_snooze(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t              rc;
    ngx_taskmgr_snooze_t  *sz;

    sz = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_snooze_t));
    if (sz == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->data = sz;
    tm_user_key(ctx->auth.sub, sz->pk, sizeof(sz->pk));

    if (!tm_notification_id_valid((const char *) ctx->path_arg.data,
                                  ctx->path_arg.len))
    {
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            r->keepalive = 0;
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such notification", NULL);
    }

    ngx_sprintf((u_char *) sz->sk, TM_NOTIF_PREFIX "%V%Z", &ctx->path_arg);

    rc = ngx_taskmgr_body_read(r, ctx, ngx_taskmgr_snooze_body,
                               TM_BODY_REQUIRED, sz);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_taskmgr_snooze_when(r, sz);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(sz->pk, sz->sk), 1,
                               NULL,
                               ngx_taskmgr_snooze_notified);
}


/* exactly one of for (a duration up to 7 days) and until (a time to come
 * within 7 days) */

static ngx_int_t
ngx_taskmgr_snooze_when(ngx_http_request_t *r, ngx_taskmgr_snooze_t *sz)
{
    long long  now, d;

    now = (long long) ngx_time();

    if ((sz->for_ == NULL) == (sz->until == NULL)) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field",
                                      "give either \"for\" (a duration) or"
                                      " \"until\" (a date-time)",
                                      sz->for_ ? "for" : "until");
    }

    if (sz->for_) {
        if (tm_duration_parse(sz->for_, ngx_strlen(sz->for_),
                              NGX_TASKMGR_SNOOZE_MAX, &d) != 0
            || d == 0)
        {
            return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                          "invalid_field",
                                          "must be an ISO 8601 duration"
                                          " such as PT10M, at most 7 days",
                                          "for");
        }

        sz->at = now + d;
        return NGX_DECLINED;
    }

    (void) tm_parse_rfc3339(sz->until, ngx_strlen(sz->until), &sz->at);

    if (sz->at <= now || sz->at > now + NGX_TASKMGR_SNOOZE_MAX) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field",
                                      "must be a time to come, within 7"
                                      " days", "until");
    }

    return NGX_DECLINED;
}


static ngx_int_t
ngx_taskmgr_snooze_notified(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t                *item;
    long long              expiry;
    const char            *type, *task_id;
    ngx_taskmgr_snooze_t  *sz;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    sz = ctx->data;
    item = json_object_get(ctx->call.reply, "Item");

    if (item == NULL
        || (tm_ddb_get_n(item, "NotificationExpiry", &expiry) == 0
            && expiry <= (long long) ngx_time()))
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such notification", NULL);
    }

    type = tm_ddb_get_s(item, "Type");
    task_id = tm_ddb_get_s(item, "TaskId");

    if (type == NULL || ngx_strcmp(type, "task_due") != 0 || task_id == NULL
        || !tm_uuid_valid(task_id, ngx_strlen(task_id)))
    {
        return ngx_taskmgr_snooze_refused(r);
    }

    sz->task_id = ngx_taskmgr_cstr(r->pool, (u_char *) task_id,
                                   ngx_strlen(task_id));
    if (sz->task_id == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf((u_char *) sz->task_sk, TM_TASK_PREFIX "%s%Z", sz->task_id);

    return ngx_taskmgr_snooze_read(r, ctx);
}


static ngx_int_t
ngx_taskmgr_snooze_read(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_snooze_t  *sz;

    sz = ctx->data;

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(sz->pk, sz->task_sk), 1,
                               NULL, ngx_taskmgr_snooze_task);
}


static ngx_int_t
ngx_taskmgr_snooze_task(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    int                    rc;
    json_t                *task, *req;
    tm_update_t            u;
    ngx_taskmgr_snooze_t  *sz;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    sz = ctx->data;
    task = json_object_get(ctx->call.reply, "Item");

    if (task == NULL || json_object_get(task, "TrashedAt")) {
        return ngx_taskmgr_snooze_refused(r);
    }

    ngx_taskmgr_now_ms(sz->now);
    tm_update_init(&u);

    rc = tm_task_snooze(task, sz->at, sz->task_id, sz->now,
                        (unsigned) ctx->conf->reminder_shards, &u,
                        &sz->added);

    if (rc != 0) {
        tm_update_free(&u);

        switch (rc) {

        case TM_TASK_SNOOZE_COMPLETED:
            return ngx_taskmgr_snooze_refused(r);

        case TM_TASK_SNOOZE_FULL:
            return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT,
                                          "limit_reached",
                                          "the task has 5 reminders still to"
                                          " come: remove one first", NULL);

        default:
            return ngx_taskmgr_aws_malformed(r, ctx);
        }
    }

    /* the new version, for the owner's other tabs (a "task" event) */
    req = tm_update_request(&u, (const char *) ctx->conf->table.data,
                            tm_ddb_key(sz->pk, sz->task_sk), "UPDATED_NEW");
    tm_update_free(&u);

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem", req,
                           ngx_taskmgr_snooze_done);
}


static ngx_int_t
ngx_taskmgr_snooze_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t                *reply;
    ngx_taskmgr_snooze_t  *sz;

    sz = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        /* the task changed (or went) since the read: read it again */
        if (++sz->tries < NGX_TASKMGR_SNOOZE_TRIES) {
            return ngx_taskmgr_snooze_read(r, ctx);
        }

        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    ngx_taskmgr_snooze_event(r, ctx);

    reply = tm_reminder_json(&sz->added);
    if (reply == NULL
        || json_object_set_new(reply, "taskId", json_string(sz->task_id))
           != 0)
    {
        json_decref(reply);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_json(r, NGX_HTTP_CREATED, reply);
}


/*
 * {"op": "updated", "id", "version"}: the task gained a reminder; no
 * "task" (the event's optional member): the other tabs read it again
 */

static void
ngx_taskmgr_snooze_event(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    long long              version;
    ngx_taskmgr_snooze_t  *sz;

    sz = ctx->data;

    if (tm_ddb_get_n(json_object_get(ctx->call.reply, "Attributes"),
                     "Version", &version)
        != 0)
    {
        return;
    }

    ngx_taskmgr_events_json(r, ctx, "task",
                            json_pack("{s:s, s:s, s:s, s:I}",
                                      "event", "task", "op", "updated",
                                      "id", sz->task_id,
                                      "version", (json_int_t) version));
}


static ngx_int_t
ngx_taskmgr_snooze_refused(ngx_http_request_t *r)
{
    return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT, "not_snoozable",
                                  "only a due reminder of a task that is "
                                  "still open can be snoozed", NULL);
}
