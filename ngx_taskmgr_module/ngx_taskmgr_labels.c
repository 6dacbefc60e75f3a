/*
 * GET /api/labels: the labels in use on the caller's tasks that are not
 * completed, each with its number of tasks, by name.  Labels live on the
 * tasks (Labels as written, LabelKeys case-folded), so this reads the
 * caller's tasks that have labels: every page of the partition's tasks
 * (ngx_taskmgr_walk.c), only
 * Labels and CreatedAt projected, counted here by their folded form and
 * named as on the oldest task that has the label (the name first written,
 * whatever order the pages come in).
 */

#include "ngx_taskmgr_tasks.h"
#include "tm_ddb.h"
#include "tm_fold.h"
#include "tm_user.h"


typedef struct {
    json_t                    *counts;     /* folded: [name, count,
                                              created] */
} ngx_taskmgr_labels_t;


static ngx_int_t ngx_taskmgr_labels_count(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, json_t *item);
static ngx_int_t ngx_taskmgr_labels_send(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static int ngx_taskmgr_labels_cmp(const void *a, const void *b);


ngx_int_t
ngx_taskmgr_labels_list(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                   pk[160];
    ngx_int_t              rc;
    ngx_taskmgr_labels_t  *lb;

    lb = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_labels_t));
    if (lb == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->data = lb;

    rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, lb);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->args.len) {
        return ngx_taskmgr_no_args(r);
    }

    tm_user_key(ctx->auth.sub, pk, sizeof(pk));

    lb->counts = json_object();
    ngx_taskmgr_json_track(r, lb->counts);

    if (lb->counts == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_walk(r, ctx,
               json_pack("{s:s, s:s, s:s, s:s, s:{s:s},"
                         " s:{s:{s:s}, s:{s:s}, s:{s:s}}}",
                         "TableName", ctx->conf->table.data,
                         "KeyConditionExpression",
                         "EntityPartition = :pk"
                         " AND begins_with(EntitySort, :task)",
                         "FilterExpression",
                         "attribute_exists(LabelKeys) AND #st <> :done"
                         " AND attribute_not_exists(TrashedAt)",
                         "ProjectionExpression", "Labels, CreatedAt",
                         "ExpressionAttributeNames", "#st", "Status",
                         "ExpressionAttributeValues",
                         ":pk", "S", pk,
                         ":task", "S", TM_TASK_PREFIX,
                         ":done", "S", "completed"),
               ngx_taskmgr_labels_count, ngx_taskmgr_labels_send);
}


/* one task's labels into the counts; NGX_ERROR if the item is not ours */

static ngx_int_t
ngx_taskmgr_labels_count(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    json_t *item)
{
    char                   fold[TM_LABEL_MAX * 4 * 3 + 1];
    size_t                 i;
    json_t                *list, *count;
    const char            *name, *created, *known;
    ngx_taskmgr_labels_t  *lb;

    lb = ctx->data;

    list = json_object_get(json_object_get(item, "Labels"), "L");
    created = json_string_value(json_object_get(json_object_get(item,
                                                "CreatedAt"), "S"));
    if (!json_is_array(list) || created == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < json_array_size(list); i++) {
        name = json_string_value(json_object_get(json_array_get(list, i),
                                                 "S"));
        if (name == NULL
            || tm_fold_case(name, ngx_strlen(name), fold, sizeof(fold)) < 0)
        {
            return NGX_ERROR;
        }

        count = json_object_get(lb->counts, fold);

        if (count == NULL) {
            if (json_object_set_new(lb->counts, fold,
                                    json_pack("[s, i, s]", name, 1, created))
                != 0)
            {
                return NGX_ERROR;
            }

            continue;
        }

        json_array_set_new(count, 1, json_integer(
            json_integer_value(json_array_get(count, 1)) + 1));

        known = json_string_value(json_array_get(count, 2));

        if (known && ngx_strcmp(created, known) < 0) {
            json_array_set_new(count, 0, json_string(name));
            json_array_set_new(count, 2, json_string(created));
        }
    }

    return NGX_OK;
}


/* {"items": [{"name", "taskCount"}...]}, by folded name */

static ngx_int_t
ngx_taskmgr_labels_send(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    void                  *it;
    size_t                 n, i;
    json_t                *items, *c;
    const char           **keys;
    ngx_taskmgr_labels_t  *lb;

    lb = ctx->data;

    n = json_object_size(lb->counts);
    keys = ngx_palloc(r->pool, (n + 1) * sizeof(const char *));
    if (keys == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    i = 0;

    for (it = json_object_iter(lb->counts); it;
         it = json_object_iter_next(lb->counts, it))
    {
        keys[i++] = json_object_iter_key(it);
    }

    ngx_qsort(keys, n, sizeof(const char *), ngx_taskmgr_labels_cmp);

    items = json_array();

    for (i = 0; items && i < n; i++) {
        c = json_object_get(lb->counts, keys[i]);

        if (json_array_append_new(items,
                json_pack("{s:O, s:O}", "name", json_array_get(c, 0),
                          "taskCount", json_array_get(c, 1)))
            != 0)
        {
            json_decref(items);
            items = NULL;
        }
    }

    return ngx_taskmgr_send_json(r, NGX_HTTP_OK,
                                 items ? json_pack("{s:o}", "items", items)
                                       : NULL);
}


static int
ngx_taskmgr_labels_cmp(const void *a, const void *b)
{
    return ngx_strcmp(*(const char **) a, *(const char **) b);
}
