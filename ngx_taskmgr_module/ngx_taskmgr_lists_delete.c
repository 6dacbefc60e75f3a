/*
 * DELETE /api/lists/{id}[?tasks=move|delete].  A list that still has
 * tasks (completed ones too) is refused without the parameter (409
 * list_not_empty).  With it: (1) the list is marked ListDeleting = move or
 * delete, which hides it from every read and refuses it as a task's
 * listId; (2) its tasks are moved to the inbox or deleted, one conditional
 * write each (ListId = the list), page after page until none is left;
 * (3) the list and its name claim are deleted.  Cut short after (1), the
 * list stays hidden and marked, with an outbox marker due when the
 * request's lease (NGX_TASKMGR_LIST_LEASE) ends: the scheduler's drain
 * then does (2) and (3) (scheduler/sched_list.c), and so does the next
 * DELETE of it, whichever comes first; every write is conditional, so
 * both may run.  The inbox is permanent.
 */

#include "ngx_taskmgr_lists.h"
#include "tm_ddb.h"
#include "tm_task.h"
#include "tm_time.h"


/* how long a DELETE has before the scheduler finishes it instead */
#define NGX_TASKMGR_LIST_LEASE  60


static ngx_int_t ngx_taskmgr_lists_delete_read(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_delete_counted(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_delete_marked(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_delete_query(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_delete_page(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_delete_task(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_delete_item(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_delete_claim(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_deleted(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


ngx_int_t
ngx_taskmgr_lists_delete(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_str_t             mode;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, lb);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->args.len) {
        if (r->args.len <= 6 || ngx_strncmp(r->args.data, "tasks=", 6) != 0
            || ngx_strlchr(r->args.data, r->args.data + r->args.len, '&'))
        {
            return ngx_taskmgr_no_args(r);
        }

        mode.data = r->args.data + 6;
        mode.len = r->args.len - 6;

        if (mode.len == 4 && ngx_strncmp(mode.data, "move", 4) == 0) {
            lb->mode = "move";

        } else if (mode.len == 6
                   && ngx_strncmp(mode.data, "delete", 6) == 0)
        {
            lb->mode = "delete";

        } else {
            return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                          "invalid_parameter",
                                          "must be move or delete", "tasks");
        }
    }

    if (ngx_strcmp(lb->id, TM_LIST_INBOX) == 0) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT,
                                      "inbox_is_permanent",
                                      "the inbox cannot be deleted", NULL);
    }

    return ngx_taskmgr_lists_get(r, ctx, ngx_taskmgr_lists_delete_read);
}


static ngx_int_t
ngx_taskmgr_lists_delete_read(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    long long             version;
    const char           *marked;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    if (lb->item == NULL) {
        return ngx_taskmgr_lists_not_found(r);
    }

    marked = tm_ddb_get_s(lb->item, "ListDeleting");

    if (marked) {
        /* a deletion cut short: finished as it was asked */
        lb->mode = ngx_strcmp(marked, "delete") == 0 ? "delete" : "move";
        return ngx_taskmgr_lists_delete_query(r, ctx);
    }

    if (tm_ddb_get_n(lb->item, "Version", &version) != 0) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    if (lb->if_match >= 0 && lb->if_match != version) {
        return ngx_taskmgr_lists_stale(r);
    }

    lb->all = 1;
    lb->count_id = lb->id;

    return ngx_taskmgr_lists_count(r, ctx, ngx_taskmgr_lists_delete_counted);
}


static ngx_int_t
ngx_taskmgr_lists_delete_counted(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    char                  shard[32], lease[32];
    json_t               *n;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;
    n = json_object_get(lb->counts, lb->id);


    if (n == NULL || json_integer_value(n) == 0) {
        return ngx_taskmgr_lists_delete_item(r, ctx);
    }

    if (lb->mode == NULL) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT, "list_not_empty",
                                      "the list has tasks: add ?tasks=move "
                                      "or ?tasks=delete", NULL);
    }

    /* the scheduler's drain finishes it once the lease has passed */
    tm_outbox_shard(lb->id, (unsigned) ctx->conf->reminder_shards, shard,
                    sizeof(shard));
    tm_time_ms((long long) (ngx_time() + NGX_TASKMGR_LIST_LEASE) * 1000,
               lease);

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem",
               json_pack("{s:s, s:o, s:s, s:s,"
                         " s:{s:O, s:{s:s}, s:{s:s}, s:{s:s}}}",
                         "TableName", ctx->conf->table.data,
                         "Key", tm_ddb_key(lb->pk, lb->sk),
                         "UpdateExpression",
                         "SET ListDeleting = :m, OutboxShard = :os,"
                         " OutboxAt = :oa",
                         "ConditionExpression",
                         "Version = :v AND attribute_not_exists(ListDeleting)",
                         "ExpressionAttributeValues",
                         ":v", json_object_get(lb->item, "Version"),
                         ":m", "S", lb->mode,
                         ":os", "S", shard,
                         ":oa", "S", lease),
               ngx_taskmgr_lists_delete_marked);
}


static ngx_int_t
ngx_taskmgr_lists_delete_marked(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        /* renamed or marked since: read again */
        if (++lb->tries >= 3) {
            return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT, "conflict",
                                          "the list keeps changing; try "
                                          "again", NULL);
        }

        return ngx_taskmgr_lists_get(r, ctx, ngx_taskmgr_lists_delete_read);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    return ngx_taskmgr_lists_delete_query(r, ctx);
}


/* the list's tasks, a page (their keys) at a time */

static ngx_int_t
ngx_taskmgr_lists_delete_query(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    if (lb->query == NULL) {
        lb->query = ngx_taskmgr_lists_keep(r,
            json_pack("{s:s, s:s, s:s, s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}},"
                      " s:b}",
                      "TableName", ctx->conf->table.data,
                      "KeyConditionExpression",
                      "EntityPartition = :pk"
                      " AND begins_with(EntitySort, :task)",
                      "FilterExpression", "ListId = :list",
                      "ProjectionExpression",
                      "EntityPartition, EntitySort, Priority, TaskDueSort",
                      "ExpressionAttributeValues",
                      ":pk", "S", lb->pk, ":task", "S", "TASK_",
                      ":list", "S", lb->id,
                      "ConsistentRead", 1));
        if (lb->query == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    return ngx_taskmgr_ddb(r, ctx, "Query", json_incref(lb->query),
                           ngx_taskmgr_lists_delete_page);
}


static ngx_int_t
ngx_taskmgr_lists_delete_page(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t               *items, *lek;
    ngx_taskmgr_lists_t  *lb;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    lb = ctx->data;
    items = json_object_get(ctx->call.reply, "Items");
    lek = json_object_get(ctx->call.reply, "LastEvaluatedKey");

    if (!json_is_array(items)) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    if (lek) {
        json_object_set(lb->query, "ExclusiveStartKey", lek);

    } else {
        json_object_del(lb->query, "ExclusiveStartKey");
    }

    if (json_array_size(items) == 0) {
        return lek ? ngx_taskmgr_lists_delete_query(r, ctx)
                   : ngx_taskmgr_lists_delete_item(r, ctx);
    }

    /* the page's keys; after the last, the next page (or from the start
     * again, which finds nothing left when all went well) */
    lb->lists = ngx_taskmgr_lists_keep(r, json_incref(items));
    lb->calls = 0;

    return ngx_taskmgr_lists_delete_task(r, ctx);
}


static ngx_int_t
ngx_taskmgr_lists_delete_task(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t               *task, *key;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    if (ngx_taskmgr_aws_broke(ctx)) {
        /* a write of the previous task failed: the next DELETE goes on */
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (lb->calls == json_array_size(lb->lists)) {
        return ngx_taskmgr_lists_delete_query(r, ctx);
    }

    task = json_array_get(lb->lists, lb->calls++);
    key = json_pack("{s:O, s:O}", TM_PK, json_object_get(task, TM_PK),
                    TM_SK, json_object_get(task, TM_SK));

    /* moved or deleted meanwhile: the condition fails, that task is done */
    if (ngx_strcmp(lb->mode, "delete") == 0) {
        return ngx_taskmgr_ddb(r, ctx, "DeleteItem",
                   json_pack("{s:s, s:o, s:s, s:{s:{s:s}}}",
                             "TableName", ctx->conf->table.data,
                             "Key", key,
                             "ConditionExpression", "ListId = :list",
                             "ExpressionAttributeValues",
                             ":list", "S", lb->id),
                   ngx_taskmgr_lists_delete_task);
    }

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem",
               tm_task_move_request((const char *) ctx->conf->table.data,
                                    key, task, lb->id, TM_LIST_INBOX,
                                    lb->now),
               ngx_taskmgr_lists_delete_task);
}


static ngx_int_t
ngx_taskmgr_lists_delete_item(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    return ngx_taskmgr_ddb(r, ctx, "DeleteItem",
               json_pack("{s:s, s:o, s:s}",
                         "TableName", ctx->conf->table.data,
                         "Key", tm_ddb_key(lb->pk, lb->sk),
                         "ConditionExpression",
                         "attribute_exists(EntitySort)"),
               ngx_taskmgr_lists_delete_claim);
}


static ngx_int_t
ngx_taskmgr_lists_delete_claim(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    const char           *key;
    ngx_taskmgr_lists_t  *lb;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        /* deleted by a concurrent request */
        return ngx_taskmgr_lists_not_found(r);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    lb = ctx->data;
    key = tm_ddb_get_s(lb->item, "ListNameKey");

    if (key == NULL) {
        return ngx_taskmgr_send_empty(r, NGX_HTTP_NO_CONTENT);
    }

    return ngx_taskmgr_lists_release(r, ctx, key, ngx_taskmgr_lists_deleted);
}


static ngx_int_t
ngx_taskmgr_lists_deleted(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_send_empty(r, NGX_HTTP_NO_CONTENT);
}
