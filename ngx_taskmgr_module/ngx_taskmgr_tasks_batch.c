/*
 * POST /api/tasks/batch {"ids": [...], "action", "listId"?, "priority"?,
 * "label"?}: one action on at most 100 of the caller's tasks, one task
 * after another, each as its single request would do it (a read, one
 * write conditional on the version read, read again on a lost race; a
 * completion's notification chain; the trash and its quota), so each is
 * done or not, never half.  The answer is every id's outcome in order:
 * {"results": [{"id", "status": 200|404|409, "task"?}...]}.
 */

#include "ngx_taskmgr_tasks.h"
#include "tm_ddb.h"
#include "tm_fold.h"
#include "tm_list.h"


#define NGX_TASKMGR_BATCH_MAX    100
#define NGX_TASKMGR_BATCH_TRIES  3


typedef enum {
    NGX_TASKMGR_BATCH_COMPLETE = 0,
    NGX_TASKMGR_BATCH_REOPEN,
    NGX_TASKMGR_BATCH_DELETE,
    NGX_TASKMGR_BATCH_MOVE,
    NGX_TASKMGR_BATCH_PRIORITY,
    NGX_TASKMGR_BATCH_ADD_LABEL,
    NGX_TASKMGR_BATCH_REMOVE_LABEL
} ngx_taskmgr_batch_action_e;


typedef struct ngx_taskmgr_batch_s {
    tm_field_strings_t         ids;         /* the body's */
    const char                *action;
    const char                *list_id;
    long long                  priority;
    const char                *label;

    ngx_uint_t                 act;         /* NGX_TASKMGR_BATCH_* */
    long                       next;        /* the id in hand */
    json_t                    *results;
} ngx_taskmgr_batch_t;


static const char  *ngx_taskmgr_batch_actions[] = {
    "complete", "reopen", "delete", "move", "setPriority", "addLabel",
    "removeLabel", NULL
};


static const char *ngx_taskmgr_batch_valid_id(const char *s, size_t len);

static const tm_field_t  ngx_taskmgr_batch_body[] = {
    { "ids", TM_FIELD_STRINGS, TM_FIELD_REQUIRED,
      offsetof(ngx_taskmgr_batch_t, ids), ngx_taskmgr_batch_valid_id, NULL,
      NULL, 1, NGX_TASKMGR_BATCH_MAX, NULL,
      "must be an array of at most 100 task ids" },
    { "action", TM_FIELD_ENUM, TM_FIELD_REQUIRED,
      offsetof(ngx_taskmgr_batch_t, action), NULL, NULL,
      ngx_taskmgr_batch_actions, 0, 0, NULL,
      "must be complete, reopen, delete, move, setPriority, addLabel or "
      "removeLabel" },
    { "listId", TM_FIELD_STRING, 0, offsetof(ngx_taskmgr_batch_t, list_id),
      tm_valid_list_id, NULL, NULL, 0, 0, NULL, NULL },
    { "priority", TM_FIELD_INT, 0, offsetof(ngx_taskmgr_batch_t, priority),
      NULL, NULL, NULL, 1, TM_PRIORITY_LOW, NULL,
      "must be a whole number from 1 (highest) to 4" },
    { "label", TM_FIELD_STRING, 0, offsetof(ngx_taskmgr_batch_t, label),
      tm_valid_label, NULL, NULL, 0, 0, NULL, NULL },
    tm_field_null
};


static ngx_int_t ngx_taskmgr_batch_start(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_batch_next(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_batch_got(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_batch_zone(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_batch_write(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, json_t *old);
static ngx_int_t ngx_taskmgr_batch_fields(ngx_http_request_t *r,
    ngx_taskmgr_batch_t *b, const json_t *old, tm_task_fields_t *f);
static ngx_int_t ngx_taskmgr_batch_written(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_batch_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static void ngx_taskmgr_batch_events(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_batch_result(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_uint_t status, const json_t *task);


ngx_int_t
ngx_taskmgr_tasks_batch(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    const char           *need;
    ngx_taskmgr_batch_t  *b;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    b = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_batch_t));
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    t->batch = b;

    rc = ngx_taskmgr_body_read(r, ctx, ngx_taskmgr_batch_body,
                               TM_BODY_REQUIRED, b);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    for (b->act = 0; ngx_strcmp(ngx_taskmgr_batch_actions[b->act],
                                b->action) != 0; b->act++)
    {
        /* void: ENUM read it as one of them */
    }

    need = NULL;

    if (b->act == NGX_TASKMGR_BATCH_MOVE && b->list_id == NULL) {
        need = "listId";

    } else if (b->act == NGX_TASKMGR_BATCH_PRIORITY
               && b->priority == TM_FIELD_NO_INT)
    {
        need = "priority";

    } else if ((b->act == NGX_TASKMGR_BATCH_ADD_LABEL
                || b->act == NGX_TASKMGR_BATCH_REMOVE_LABEL)
               && b->label == NULL)
    {
        need = "label";
    }

    if (need) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "missing_field",
                                      "this action needs it", need);
    }

    b->results = json_array();
    if (b->results == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_json_track(r, b->results);

    /* a move is to one of the caller's lists, checked once */
    t->list_check = (b->act == NGX_TASKMGR_BATCH_MOVE) ? b->list_id : NULL;

    return ngx_taskmgr_tasks_list_check(r, ctx, ngx_taskmgr_batch_start);
}


/* any string: an id not of the caller's tasks is that id's 404 */

static const char *
ngx_taskmgr_batch_valid_id(const char *s, size_t len)
{
    return (len == 0 || len > 64) ? "must be task ids" : NULL;
}


static ngx_int_t
ngx_taskmgr_batch_start(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;
    t->batch->next = -1;
    t->after = ngx_taskmgr_batch_done;

    return ngx_taskmgr_batch_next(r, ctx);
}


static ngx_int_t
ngx_taskmgr_batch_next(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    const char           *id;
    ngx_taskmgr_batch_t  *b;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;
    b = t->batch;

    if (++b->next == b->ids.n) {
        ngx_taskmgr_batch_events(r, ctx);
        return ngx_taskmgr_send_json(r, NGX_HTTP_OK,
                                     json_pack("{s:O}", "results",
                                               b->results));
    }

    id = b->ids.items[b->next];
    t->id = id;
    t->tries = 0;
    t->task = NULL;

    if (!tm_uuid_valid(id, ngx_strlen(id))) {
        return ngx_taskmgr_batch_result(r, ctx, NGX_HTTP_NOT_FOUND, NULL);
    }

    ngx_sprintf((u_char *) t->sk, TM_TASK_PREFIX "%s%Z", id);

    return ngx_taskmgr_tasks_read(r, ctx, ngx_taskmgr_batch_got);
}


static ngx_int_t
ngx_taskmgr_batch_got(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t               *old;
    ngx_taskmgr_tasks_t  *t;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;
    old = json_object_get(ctx->call.reply, "Item");

    if (old == NULL || json_object_get(old, "TrashedAt")) {
        return ngx_taskmgr_batch_result(r, ctx, NGX_HTTP_NOT_FOUND, NULL);
    }

    json_incref(old);
    ngx_taskmgr_json_track(r, old);
    t->task = old;

    if (t->batch->act == NGX_TASKMGR_BATCH_COMPLETE
        && json_object_get(old, "TaskRepeat"))
    {
        /* a repeating task moves on in its owner's zone: read once */
        return ngx_taskmgr_tasks_zone(r, ctx, ngx_taskmgr_batch_zone);
    }

    return ngx_taskmgr_batch_write(r, ctx, old);
}


static ngx_int_t
ngx_taskmgr_batch_zone(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    return ngx_taskmgr_batch_write(r, ctx, t->task);
}


static ngx_int_t
ngx_taskmgr_batch_write(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    json_t *old)
{
    int                   rc;
    json_t               *req;
    ngx_int_t             st;
    tm_update_t           u;
    tm_task_fields_t     *f;
    ngx_taskmgr_batch_t  *b;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;
    b = t->batch;
    f = &t->fields;

    ngx_memzero(f, sizeof(tm_task_fields_t));
    f->priority = TM_FIELD_NO_INT;
    f->labels.n = -1;

    st = ngx_taskmgr_batch_fields(r, b, old, f);
    if (st != NGX_OK) {
        /* NGX_DECLINED: nothing to change; else the id's status */
        return ngx_taskmgr_batch_result(r, ctx,
                                        st == NGX_DECLINED ? NGX_HTTP_OK
                                                           : (ngx_uint_t) st,
                                        old);
    }

    ngx_taskmgr_now_ms(t->now);
    tm_update_init(&u);

    rc = (b->act == NGX_TASKMGR_BATCH_DELETE)
         ? tm_task_trash(old, t->now, &u)
         : tm_task_patch(old, f, t->id, t->now,
                         (unsigned) ctx->conf->reminder_shards, t->zone, &u,
                         &t->effects);

    if (rc != 0) {
        tm_update_free(&u);

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "taskmgr: malformed task item %s %s", t->pk, t->sk);
        return ngx_taskmgr_batch_result(r, ctx, NGX_HTTP_CONFLICT, NULL);
    }

    req = tm_update_request(&u, (const char *) ctx->conf->table.data,
                            tm_ddb_key(t->pk, t->sk), "ALL_NEW");
    tm_update_free(&u);

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem", req,
                           ngx_taskmgr_batch_written);
}


/*
 * What the action changes in the stored task, into f: NGX_OK; NGX_DECLINED
 * when there is nothing to change (reopening what is open, a label it has
 * or lacks); 409 when it cannot (an eleventh label).
 */

static ngx_int_t
ngx_taskmgr_batch_fields(ngx_http_request_t *r, ngx_taskmgr_batch_t *b,
    const json_t *old, tm_task_fields_t *f)
{
    char         fold[TM_LABEL_MAX * 4 + 1], *copy;
    size_t       i, n;
    json_t      *labels;
    const char  *s, *status;

    status = tm_ddb_get_s(old, "Status");

    switch (b->act) {

    case NGX_TASKMGR_BATCH_COMPLETE:
        if (status && ngx_strcmp(status, "completed") == 0) {
            return NGX_DECLINED;
        }

        f->status = "completed";
        return NGX_OK;

    case NGX_TASKMGR_BATCH_REOPEN:
        if (status == NULL || ngx_strcmp(status, "completed") != 0) {
            return NGX_DECLINED;
        }

        f->status = "pending";
        return NGX_OK;

    case NGX_TASKMGR_BATCH_DELETE:
        return NGX_OK;

    case NGX_TASKMGR_BATCH_MOVE:
        f->list_id = b->list_id;
        return NGX_OK;

    case NGX_TASKMGR_BATCH_PRIORITY:
        f->priority = b->priority;
        return NGX_OK;

    default:
        break;
    }

    /* the labels as they will be: the stored ones, one added or taken
     * away, matched as label= matches them (case-folded) */
    labels = json_object_get(json_object_get(old, "Labels"), "L");
    n = json_array_size(labels);

    f->labels.items = ngx_pcalloc(r->pool, (n + 2) * sizeof(char *));
    f->labels.folded = ngx_pcalloc(r->pool, (n + 2) * sizeof(char *));
    if (f->labels.items == NULL || f->labels.folded == NULL
        || tm_fold_case(b->label, ngx_strlen(b->label), fold, sizeof(fold))
           < 0)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    f->labels.n = 0;

    for (i = 0; i < n; i++) {
        s = json_string_value(json_object_get(json_array_get(labels, i),
                                              "S"));
        copy = s ? ngx_pcalloc(r->pool, TM_LABEL_MAX * 4 + 1) : NULL;

        if (s == NULL || copy == NULL
            || tm_fold_case(s, ngx_strlen(s), copy, TM_LABEL_MAX * 4 + 1)
               < 0)
        {
            return NGX_HTTP_CONFLICT;
        }

        if (ngx_strcmp(copy, fold) == 0) {
            if (b->act == NGX_TASKMGR_BATCH_ADD_LABEL) {
                return NGX_DECLINED;
            }

            continue;
        }

        f->labels.items[f->labels.n] = s;
        f->labels.folded[f->labels.n++] = copy;
    }

    if (b->act == NGX_TASKMGR_BATCH_REMOVE_LABEL) {
        return (f->labels.n == (long) n) ? NGX_DECLINED : NGX_OK;
    }

    if (n >= TM_LABELS_MAX) {
        return NGX_HTTP_CONFLICT;
    }

    copy = ngx_pnalloc(r->pool, ngx_strlen(fold) + 1);
    if (copy == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_cpystrn((u_char *) copy, (u_char *) fold, ngx_strlen(fold) + 1);

    f->labels.items[f->labels.n] = b->label;
    f->labels.folded[f->labels.n++] = copy;

    return NGX_OK;
}


static ngx_int_t
ngx_taskmgr_batch_written(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        /* written in between (or gone): read again, a few times */
        if (++t->tries < NGX_TASKMGR_BATCH_TRIES) {
            return ngx_taskmgr_tasks_read(r, ctx, ngx_taskmgr_batch_got);
        }

        return ngx_taskmgr_batch_result(r, ctx, NGX_HTTP_CONFLICT, NULL);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t->task = json_object_get(ctx->call.reply, "Attributes");
    if (t->task == NULL) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    json_incref(t->task);
    ngx_taskmgr_json_track(r, t->task);

    if (t->batch->act == NGX_TASKMGR_BATCH_DELETE) {
        return ngx_taskmgr_quota_give(r, ctx, t->pk, NGX_TASKMGR_QUOTA_TASKS,
                                      ngx_taskmgr_batch_done);
    }

    if (t->batch->act == NGX_TASKMGR_BATCH_COMPLETE
        && t->effects.completing)
    {
        /* the notification as a single PATCH records it; then done */
        return ngx_taskmgr_tasks_chain(r, ctx);
    }

    return ngx_taskmgr_batch_done(r, ctx);
}


static ngx_int_t
ngx_taskmgr_batch_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    return ngx_taskmgr_batch_result(r, ctx, NGX_HTTP_OK,
                                    t->batch->act == NGX_TASKMGR_BATCH_DELETE
                                    ? NULL : t->task);
}


/*
 * Each task written, its "task" event, all with the reply: a publish is a
 * subrequest, and none may start before the batch's last backend call
 */

static void
ngx_taskmgr_batch_events(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    size_t                i;
    json_t               *res, *task;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    json_array_foreach(t->batch->results, i, res) {
        if (json_integer_value(json_object_get(res, "status")) != 200) {
            continue;
        }

        task = json_object_get(res, "task");

        ngx_taskmgr_events_json(r, ctx, "task",
            task ? json_pack("{s:s, s:s, s:O, s:O, s:O}", "event", "task",
                             "op", "updated", "id", json_object_get(res, "id"),
                             "version", json_object_get(task, "version"),
                             "task", task)
                 : json_pack("{s:s, s:s, s:O, s:n}", "event", "task",
                             "op", "deleted", "id",
                             json_object_get(res, "id"), "version"));
    }
}


/* the id's outcome, with the task as it is now; then the next id */

static ngx_int_t
ngx_taskmgr_batch_result(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t status, const json_t *task)
{
    json_t               *res, *api;
    tm_ddb_item_t         item;
    ngx_taskmgr_text_t    text;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    res = json_pack("{s:s, s:i}", "id", t->id, "status", (int) status);
    if (res == NULL || json_array_append_new(t->batch->results, res) != 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (task) {
        /* the task's API JSON, as a listing writes it */
        ngx_memzero(&text, sizeof(ngx_taskmgr_text_t));

        if (ngx_taskmgr_item_parse(r, task, &item) != NGX_OK
            || ngx_taskmgr_text_item(r->pool, &text, ngx_taskmgr_tasks_write,
                                     &item, (long long) ngx_time())
               != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        api = json_loadb((char *) text.data, text.len, 0, NULL);

        if (api) {
            json_object_set_new(res, "task", api);
        }
    }

    return ngx_taskmgr_batch_next(r, ctx);
}
