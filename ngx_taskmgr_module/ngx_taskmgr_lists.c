/*
 * Lists (served by taskmgr_tasks): GET/POST /api/lists, GET/PATCH
 * /api/lists/{id} and the steps DELETE shares; the routes are
 * ngx_taskmgr_lists_routes.c, DELETE ngx_taskmgr_lists_delete.c.  The
 * owner is the token's sub and every write is conditional.
 *
 * A list's name is unique per user whatever its case.  With no
 * transactions in the local DynamoDB the name is claimed by an item of its
 * own, LISTNAME_<folded name> {ListId, ClaimedAt}, written if new before
 * the list is written or renamed, and given up after a rename or delete.
 * A claim left behind by a request cut short names a list that does not
 * hold that name: after NGX_TASKMGR_CLAIM_STALE seconds another list may
 * take it over.
 *
 * The inbox (id "inbox") is written the first time a user's lists are
 * read; it can be renamed, not deleted.  taskCount is counted over the
 * user's tasks that are not completed (every page of them, ListId
 * projected: ngx_taskmgr_walk.c).
 */

#include "ngx_taskmgr_lists.h"
#include "tm_task.h"
#include "tm_ddb.h"
#include "tm_time.h"
#include "tm_user.h"


#define NGX_TASKMGR_CLAIM_STALE   30     /* s */
#define NGX_TASKMGR_LISTS_TRIES   3


static ngx_int_t ngx_taskmgr_lists_query(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);
static ngx_int_t ngx_taskmgr_lists_queried(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_got(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_inbox(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_inbox_put(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_inbox_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_listed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_send_all(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static int ngx_taskmgr_lists_order(const void *a, const void *b);
static ngx_int_t ngx_taskmgr_lists_got_one(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_send_one(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_create_checked(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_create_claimed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_created(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_claim(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);
static ngx_int_t ngx_taskmgr_lists_claim_put(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_claim_read(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_claim_holder(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_claim_taken(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_duplicate(ngx_http_request_t *r);
static ngx_int_t ngx_taskmgr_lists_patch_read(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_patch_write(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_patched(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_released(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_release_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_lists_count_one(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, json_t *item);


/* GET /api/lists */

ngx_int_t
ngx_taskmgr_lists_read_all(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_lists_query(r, ctx, ngx_taskmgr_lists_listed);
}


/* GET /api/lists/{id} */

ngx_int_t
ngx_taskmgr_lists_read_one(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_lists_get(r, ctx, ngx_taskmgr_lists_got_one);
}


/* PATCH /api/lists/{id}, its body read */

ngx_int_t
ngx_taskmgr_lists_patch(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_lists_get(r, ctx, ngx_taskmgr_lists_patch_read);
}


/* every list item of the caller into lb->lists (the inbox written if it
 * was not yet), then next */

static ngx_int_t
ngx_taskmgr_lists_query(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;
    lb->next = next;

    /* at most 200 lists of some 300 bytes: one page */
    return ngx_taskmgr_ddb(r, ctx, "Query",
               json_pack("{s:s, s:s, s:{s:{s:s}, s:{s:s}}, s:b}",
                         "TableName", ctx->conf->table.data,
                         "KeyConditionExpression",
                         "EntityPartition = :pk"
                         " AND begins_with(EntitySort, :l)",
                         "ExpressionAttributeValues",
                         ":pk", "S", lb->pk, ":l", "S", TM_LIST_PREFIX,
                         "ConsistentRead", 1),
               ngx_taskmgr_lists_queried);
}


static ngx_int_t
ngx_taskmgr_lists_queried(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    size_t                i;
    json_t               *items;
    const char           *id;
    ngx_taskmgr_lists_t  *lb;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    lb = ctx->data;
    items = json_object_get(ctx->call.reply, "Items");

    if (!json_is_array(items)) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    lb->lists = ngx_taskmgr_lists_keep(r, json_incref(items));

    for (i = 0; i < json_array_size(items); i++) {
        id = tm_list_id(json_array_get(items, i));

        if (id && ngx_strcmp(id, TM_LIST_INBOX) == 0) {
            return lb->next(r, ctx);
        }
    }

    return ngx_taskmgr_lists_inbox(r, ctx);
}


/* one list into lb->item (NULL: none; the inbox written if it was not
 * yet), then next */

ngx_int_t
ngx_taskmgr_lists_get(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;
    lb->next = next;

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(lb->pk, lb->sk), 1, NULL,
                               ngx_taskmgr_lists_got);
}


static ngx_int_t
ngx_taskmgr_lists_got(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t               *item;
    ngx_taskmgr_lists_t  *lb;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    lb = ctx->data;
    item = json_object_get(ctx->call.reply, "Item");
    lb->item = item ? ngx_taskmgr_lists_keep(r, json_incref(item)) : NULL;

    if (item == NULL && ngx_strcmp(lb->id, TM_LIST_INBOX) == 0) {
        return ngx_taskmgr_lists_inbox(r, ctx);
    }

    return lb->next(r, ctx);
}


/* the inbox item and the claim of its name, each written if new (a
 * concurrent request may write them too); the item joins lb->lists and is
 * lb->item */

static ngx_int_t
ngx_taskmgr_lists_inbox(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                  key[TM_LIST_KEY_LEN];
    tm_list_fields_t      f;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    f.name = TM_LIST_INBOX_NAME;
    f.color = NULL;
    f.position = 0;

    if (tm_list_name_key(f.name, key, sizeof(key)) < 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    lb->item = ngx_taskmgr_lists_keep(r, tm_list_item(&f, lb->pk,
                                                      TM_LIST_INBOX, key, 0,
                                                      lb->now));
    if (lb->item == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (lb->lists) {
        json_array_append(lb->lists, lb->item);
    }

    return ngx_taskmgr_ddb_put_new(r, ctx, json_incref(lb->item),
                                   ngx_taskmgr_lists_inbox_put);
}


static ngx_int_t
ngx_taskmgr_lists_inbox_put(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_lists_t  *lb;

    if (ngx_taskmgr_aws_broke(ctx)) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    lb = ctx->data;

    return ngx_taskmgr_ddb_put_new(r, ctx,
               json_pack("{s:{s:s}, s:O, s:{s:s}, s:{s:s}}",
                         TM_PK, "S", lb->pk,
                         TM_SK, json_object_get(lb->item, "ListNameKey"),
                         "ListId", "S", TM_LIST_INBOX,
                         "ClaimedAt", "S", lb->now),
               ngx_taskmgr_lists_inbox_done);
}


static ngx_int_t
ngx_taskmgr_lists_inbox_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_lists_t  *lb;

    if (ngx_taskmgr_aws_broke(ctx)) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    lb = ctx->data;

    return lb->next(r, ctx);
}


/* GET /api/lists: {"items": [List...]}, the inbox first, then by position */

static ngx_int_t
ngx_taskmgr_lists_listed(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_lists_count(r, ctx, ngx_taskmgr_lists_send_all);
}


static ngx_int_t
ngx_taskmgr_lists_send_all(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    size_t                i, n;
    json_t               *items, *item, **v;
    const char           *id;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    v = ngx_palloc(r->pool, (json_array_size(lb->lists) + 1)
                            * sizeof(json_t *));
    if (v == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = 0;

    for (i = 0; i < json_array_size(lb->lists); i++) {
        item = json_array_get(lb->lists, i);

        if (json_object_get(item, "ListDeleting") == NULL
            && tm_list_id(item))
        {
            v[n++] = item;
        }
    }

    ngx_qsort(v, n, sizeof(json_t *), ngx_taskmgr_lists_order);

    items = json_array();

    for (i = 0; items && i < n; i++) {
        id = tm_list_id(v[i]);
        item = tm_list_json(v[i], json_integer_value(
                                      json_object_get(lb->counts, id)));

        if (item == NULL || json_array_append_new(items, item) != 0) {
            json_decref(items);
            return ngx_taskmgr_aws_malformed(r, ctx);
        }
    }

    return ngx_taskmgr_send_json(r, NGX_HTTP_OK,
                                 items ? json_pack("{s:o}", "items", items)
                                       : NULL);
}


static int
ngx_taskmgr_lists_order(const void *a, const void *b)
{
    int          ia, ib;
    json_t      *x, *y;
    long long    px, py;
    const char  *cx, *cy;

    x = *(json_t **) a;
    y = *(json_t **) b;

    ia = ngx_strcmp(tm_list_id(x), TM_LIST_INBOX) == 0;
    ib = ngx_strcmp(tm_list_id(y), TM_LIST_INBOX) == 0;

    if (ia != ib) {
        return ia ? -1 : 1;
    }

    if (tm_ddb_get_n(x, "Position", &px) != 0) {
        px = 0;
    }

    if (tm_ddb_get_n(y, "Position", &py) != 0) {
        py = 0;
    }

    if (px != py) {
        return px < py ? -1 : 1;
    }

    cx = tm_ddb_get_s(x, "CreatedAt");
    cy = tm_ddb_get_s(y, "CreatedAt");

    return ngx_strcmp(cx ? cx : "", cy ? cy : "");
}


/* GET /api/lists/{id} */

static ngx_int_t
ngx_taskmgr_lists_got_one(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    if (lb->item == NULL
        || json_object_get(lb->item, "ListDeleting") != NULL)
    {
        return ngx_taskmgr_lists_not_found(r);
    }

    lb->count_id = lb->id;

    return ngx_taskmgr_lists_count(r, ctx, ngx_taskmgr_lists_send_one);
}


/* {"list": List} with its version as ETag */

static ngx_int_t
ngx_taskmgr_lists_send_one(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t               *list;
    ngx_str_t             etag;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    list = tm_list_json(lb->item, json_integer_value(
                                      json_object_get(lb->counts, lb->id)));
    if (list == NULL) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    etag.data = ngx_pnalloc(r->pool, NGX_INT64_LEN + 2);
    if (etag.data == NULL) {
        json_decref(list);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    etag.len = ngx_sprintf(etag.data, "\"%L\"", (int64_t) json_integer_value(
                               json_object_get(list, "version")))
               - etag.data;

    if (ngx_taskmgr_add_header(r, "ETag", &etag) != NGX_OK) {
        json_decref(list);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_json(r, r->method == NGX_HTTP_POST
                                    ? NGX_HTTP_CREATED : NGX_HTTP_OK,
                                 json_pack("{s:o}", "list", list));
}


/* POST /api/lists {name, color?, position?} */

ngx_int_t
ngx_taskmgr_lists_create(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    rc = ngx_taskmgr_body_read(r, ctx, tm_list_body, TM_BODY_REQUIRED,
                               &lb->fields);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->args.len) {
        return ngx_taskmgr_no_args(r);
    }

    if (tm_list_name_key(lb->fields.name, lb->key, sizeof(lb->key)) < 0) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field", "must be valid UTF-8",
                                      "name");
    }

    return ngx_taskmgr_lists_query(r, ctx, ngx_taskmgr_lists_create_checked);
}


/* the lists' state of a request (ctx->data) */

ngx_taskmgr_lists_t *
ngx_taskmgr_lists_state(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_lists_t  *lb;

    lb = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_lists_t));
    if (lb == NULL) {
        return NULL;
    }

    tm_user_key(ctx->auth.sub, lb->pk, sizeof(lb->pk));
    lb->if_match = -1;
    lb->counts = ngx_taskmgr_lists_keep(r, json_object());
    ngx_taskmgr_now_ms(lb->now);
    ctx->data = lb;

    return lb->counts ? lb : NULL;
}


/*
 * A list named name made as POST /api/lists would (the same checks and
 * claim), for another request: its state (ctx->data) comes back after,
 * with *made the new list's id, and done goes on.
 */

ngx_int_t
ngx_taskmgr_lists_create_named(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *name, const char **made, ngx_taskmgr_step_pt done)
{
    void                 *outer;
    ngx_taskmgr_lists_t  *lb;

    outer = ctx->data;

    lb = ngx_taskmgr_lists_state(r, ctx);
    if (lb == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    lb->outer = outer;
    lb->made = made;
    lb->done = done;
    lb->fields.name = name;
    lb->fields.position = TM_FIELD_NO_INT;

    if (tm_list_name_key(name, lb->key, sizeof(lb->key)) < 0) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field", "must be valid UTF-8",
                                      "quickAdd");
    }

    return ngx_taskmgr_lists_query(r, ctx, ngx_taskmgr_lists_create_checked);
}


static ngx_int_t
ngx_taskmgr_lists_create_checked(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    char                  id[TM_UUID_LEN + 1];
    size_t                i, live;
    json_t               *item;
    long long             position, p;
    const char           *key;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;
    live = 0;
    position = 0;

    for (i = 0; i < json_array_size(lb->lists); i++) {
        item = json_array_get(lb->lists, i);

        if (json_object_get(item, "ListDeleting")) {
            continue;
        }

        live++;
        key = tm_ddb_get_s(item, "ListNameKey");

        if (key && ngx_strcmp(key, lb->key) == 0) {
            return ngx_taskmgr_lists_duplicate(r);
        }

        if (tm_ddb_get_n(item, "Position", &p) == 0 && p >= position) {
            position = ngx_min(p + 1, TM_LIST_POSITION_MAX);
        }
    }

    if (live >= TM_LISTS_MAX) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT, "too_many_lists",
                                      "a user has at most 200 lists",
                                      NULL);
    }

    if (tm_uuid_v4(id) != 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    lb->id = ngx_taskmgr_cstr(r->pool, (u_char *) id, TM_UUID_LEN);
    if (lb->id == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    lb->item = ngx_taskmgr_lists_keep(r, tm_list_item(&lb->fields, lb->pk,
                                                      lb->id, lb->key,
                                                      position, lb->now));
    if (lb->item == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_lists_claim(r, ctx, ngx_taskmgr_lists_create_claimed);
}


static ngx_int_t
ngx_taskmgr_lists_create_claimed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    return ngx_taskmgr_ddb_put_new(r, ctx, json_incref(lb->item),
                                   ngx_taskmgr_lists_created);
}


static ngx_int_t
ngx_taskmgr_lists_created(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_str_t             location;
    ngx_taskmgr_lists_t  *lb;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    lb = ctx->data;

    if (lb->done) {
        *lb->made = lb->id;
        ctx->data = lb->outer;
        return lb->done(r, ctx);
    }

    location.len = sizeof("/api/lists/") - 1 + ngx_strlen(lb->id);
    location.data = ngx_pnalloc(r->pool, location.len);
    if (location.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf(location.data, "/api/lists/%s", lb->id);

    if (ngx_taskmgr_add_header(r, "Location", &location) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_lists_send_one(r, ctx);
}


/*
 * The name lb->key for the list lb->id, then next; 409 duplicate_name when
 * another list holds it (or is being given it right now).
 */

static ngx_int_t
ngx_taskmgr_lists_claim(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;
    lb->next = next;

    return ngx_taskmgr_ddb_put_new(r, ctx,
               json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}",
                         TM_PK, "S", lb->pk, TM_SK, "S", lb->key,
                         "ListId", "S", lb->id, "ClaimedAt", "S", lb->now),
               ngx_taskmgr_lists_claim_put);
}


static ngx_int_t
ngx_taskmgr_lists_claim_put(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(lb->pk, lb->key), 1,
                                   NULL, ngx_taskmgr_lists_claim_read);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    return lb->next(r, ctx);
}


/* someone holds the claim: the list it names, read */

static ngx_int_t
ngx_taskmgr_lists_claim_read(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                  sk[64];
    json_t               *claim;
    const char           *holder;
    ngx_taskmgr_lists_t  *lb;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    lb = ctx->data;
    claim = json_object_get(ctx->call.reply, "Item");

    if (claim == NULL) {
        /* given up since: try again */
        if (++lb->tries >= NGX_TASKMGR_LISTS_TRIES) {
            return ngx_taskmgr_lists_duplicate(r);
        }

        return ngx_taskmgr_lists_claim(r, ctx, lb->next);
    }

    holder = tm_ddb_get_s(claim, "ListId");
    if (holder == NULL || tm_ddb_get_s(claim, "ClaimedAt") == NULL) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    if (ngx_strcmp(holder, lb->id) == 0) {
        /* ours already: a retried rename */
        return lb->next(r, ctx);
    }

    /* the claim as read: the takeover is conditional on it */
    lb->query = ngx_taskmgr_lists_keep(r, json_incref(claim));

    ngx_snprintf((u_char *) sk, sizeof(sk), TM_LIST_PREFIX "%s%Z", holder);

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(lb->pk, sk), 1, NULL,
                               ngx_taskmgr_lists_claim_holder);
}


/* the holder still has the name, or has had the claim for less than
 * NGX_TASKMGR_CLAIM_STALE seconds (a request on its way): 409; else the
 * claim was left behind and is taken over, conditionally */

static ngx_int_t
ngx_taskmgr_lists_claim_holder(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                  stale[32];
    json_t               *holder;
    const char           *key, *at;
    ngx_taskmgr_lists_t  *lb;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    lb = ctx->data;
    holder = json_object_get(ctx->call.reply, "Item");
    key = holder ? tm_ddb_get_s(holder, "ListNameKey") : NULL;

    if (key && ngx_strcmp(key, lb->key) == 0
        && json_object_get(holder, "ListDeleting") == NULL)
    {
        return ngx_taskmgr_lists_duplicate(r);
    }

    at = tm_ddb_get_s(lb->query, "ClaimedAt");
    tm_time_ms((long long) (ngx_time() - NGX_TASKMGR_CLAIM_STALE) * 1000,
               stale);

    if (at == NULL || ngx_strcmp(at, stale) > 0) {
        return ngx_taskmgr_lists_duplicate(r);
    }

    return ngx_taskmgr_ddb(r, ctx, "PutItem",
               json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}},"
                         " s:s, s:{s:O, s:O}}",
                         "TableName", ctx->conf->table.data,
                         "Item", TM_PK, "S", lb->pk, TM_SK, "S", lb->key,
                         "ListId", "S", lb->id, "ClaimedAt", "S", lb->now,
                         "ConditionExpression",
                         "ListId = :h AND ClaimedAt = :at",
                         "ExpressionAttributeValues",
                         ":h", json_object_get(lb->query, "ListId"),
                         ":at", json_object_get(lb->query, "ClaimedAt")),
               ngx_taskmgr_lists_claim_taken);
}


static ngx_int_t
ngx_taskmgr_lists_claim_taken(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_lists_t  *lb;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        return ngx_taskmgr_lists_duplicate(r);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    lb = ctx->data;

    return lb->next(r, ctx);
}


static ngx_int_t
ngx_taskmgr_lists_duplicate(ngx_http_request_t *r)
{
    return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT, "duplicate_name",
                                  "another of your lists has that name",
                                  "name");
}


/* PATCH /api/lists/{id} {name?, color?, position?} */

static ngx_int_t
ngx_taskmgr_lists_patch_read(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    long long             version;
    const char           *key;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    if (lb->item == NULL
        || json_object_get(lb->item, "ListDeleting") != NULL)
    {
        return ngx_taskmgr_lists_not_found(r);
    }

    if (tm_ddb_get_n(lb->item, "Version", &version) != 0) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    if (lb->if_match >= 0 && lb->if_match != version) {
        return ngx_taskmgr_lists_stale(r);
    }

    lb->old_key = NULL;

    if (lb->fields.name == NULL) {
        return ngx_taskmgr_lists_patch_write(r, ctx);
    }

    if (tm_list_name_key(lb->fields.name, lb->key, sizeof(lb->key)) < 0) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field", "must be valid UTF-8",
                                      "name");
    }

    key = tm_ddb_get_s(lb->item, "ListNameKey");

    if (key && ngx_strcmp(key, lb->key) == 0) {
        /* the same name, another case: no claim changes hands */
        return ngx_taskmgr_lists_patch_write(r, ctx);
    }

    lb->old_key = key;

    return ngx_taskmgr_lists_claim(r, ctx, ngx_taskmgr_lists_patch_write);
}


static ngx_int_t
ngx_taskmgr_lists_patch_write(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                  version[24];
    json_t               *req;
    long long             v;
    tm_update_t           u;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    if (tm_ddb_get_n(lb->item, "Version", &v) != 0) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    ngx_sprintf((u_char *) version, "%L%Z", v);

    tm_update_init(&u);
    tm_update_cond(&u, "Version = :v AND attribute_not_exists(ListDeleting)");
    tm_update_value(&u, ":v", json_pack("{s:s}", "N", version));
    tm_update_set_value(&u, "UpdatedAt", ":now", tm_ddb_s(lb->now));
    tm_update_set(&u, "Version = Version + :one");
    tm_update_value(&u, ":one", json_pack("{s:s}", "N", "1"));

    if (lb->fields.name) {
        tm_update_set_value(&u, "ListName", ":n", tm_ddb_s(lb->fields.name));
        tm_update_set_value(&u, "ListNameKey", ":k", tm_ddb_s(lb->key));
    }

    if (lb->fields.color) {
        tm_update_set_value(&u, "Color", ":c", tm_ddb_s(lb->fields.color));
    }

    if (lb->fields.position != TM_FIELD_NO_INT) {
        tm_update_set_value(&u, "#pos", ":p", tm_ddb_n(lb->fields.position));
        tm_update_name(&u, "#pos", "Position");
    }

    req = tm_update_request(&u, (const char *) ctx->conf->table.data,
                            tm_ddb_key(lb->pk, lb->sk), "ALL_NEW");
    tm_update_free(&u);

    if (req == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem", req,
                           ngx_taskmgr_lists_patched);
}


static ngx_int_t
ngx_taskmgr_lists_patched(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t               *item;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        /* written since it was read: read again (404, 412 or a new try) */
        if (++lb->tries >= NGX_TASKMGR_LISTS_TRIES) {
            return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT, "conflict",
                                          "the list keeps changing; try "
                                          "again", NULL);
        }

        return ngx_taskmgr_lists_get(r, ctx, ngx_taskmgr_lists_patch_read);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    item = json_object_get(ctx->call.reply, "Attributes");
    if (item == NULL) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    lb->item = ngx_taskmgr_lists_keep(r, json_incref(item));
    lb->count_id = lb->id;

    if (lb->old_key == NULL) {
        return ngx_taskmgr_lists_count(r, ctx, ngx_taskmgr_lists_send_one);
    }

    return ngx_taskmgr_lists_release(r, ctx, lb->old_key,
                                     ngx_taskmgr_lists_released);
}


static ngx_int_t
ngx_taskmgr_lists_released(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_lists_count(r, ctx, ngx_taskmgr_lists_send_one);
}


/*
 * The name claim key given up by the list lb->id (if it still holds it),
 * then next whatever came of it: a claim left behind goes stale and is
 * taken over (ngx_taskmgr_lists_claim_holder).
 */

ngx_int_t
ngx_taskmgr_lists_release(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *key, ngx_taskmgr_step_pt next)
{
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;
    lb->next = next;

    return ngx_taskmgr_ddb(r, ctx, "DeleteItem",
                           json_pack("{s:s, s:o, s:s, s:{s:{s:s}}}",
                                     "TableName", ctx->conf->table.data,
                                     "Key", tm_ddb_key(lb->pk, key),
                                     "ConditionExpression", "ListId = :id",
                                     "ExpressionAttributeValues",
                                     ":id", "S", lb->id),
                           ngx_taskmgr_lists_release_done);
}


static ngx_int_t
ngx_taskmgr_lists_release_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_lists_t  *lb;

    if (ngx_taskmgr_aws_broke(ctx)) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "taskmgr lists: name claim kept: %s", ctx->call.error);
    }

    lb = ctx->data;

    return lb->next(r, ctx);
}


/*
 * The caller's tasks per list into lb->counts (tasks without a ListId are
 * the inbox's): those not completed unless lb->all, of lb->count_id only
 * when set; then next.
 */

ngx_int_t
ngx_taskmgr_lists_count(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    json_t               *query;
    tm_update_t           q;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    /* the filter is built as an update's condition */
    tm_update_init(&q);
    tm_update_value(&q, ":pk", tm_ddb_s(lb->pk));
    tm_update_value(&q, ":task", tm_ddb_s("TASK_"));

    if (!lb->all) {
        /* what the user sees: neither completed nor in the trash */
        tm_update_cond(&q, "attribute_not_exists(TrashedAt)");
        tm_update_cond(&q, "#st <> :done");
        tm_update_value(&q, ":done", tm_ddb_s("completed"));
        tm_update_name(&q, "#st", "Status");
    }

    if (lb->count_id) {
        tm_update_cond(&q, ngx_strcmp(lb->count_id, TM_LIST_INBOX) == 0
                           ? "(attribute_not_exists(ListId)"
                             " OR ListId = :list)"
                           : "ListId = :list");
        tm_update_value(&q, ":list", tm_ddb_s(lb->count_id));
    }

    query = q.failed ? NULL
            : json_pack("{s:s, s:s, s:s, s:O}",
                        "TableName", ctx->conf->table.data,
                        "KeyConditionExpression",
                        "EntityPartition = :pk"
                        " AND begins_with(EntitySort, :task)",
                        "ProjectionExpression", "ListId",
                        "ExpressionAttributeValues", q.values);

    if (query && q.cond.len) {
        json_object_set_new(query, "FilterExpression",
                            json_string(q.cond.data));
    }

    if (query && json_object_size(q.names)) {
        json_object_set(query, "ExpressionAttributeNames", q.names);
    }

    tm_update_free(&q);

    return ngx_taskmgr_walk(r, ctx, query, ngx_taskmgr_lists_count_one,
                            next);
}


static ngx_int_t
ngx_taskmgr_lists_count_one(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    json_t *item)
{
    const char           *id;
    ngx_taskmgr_lists_t  *lb;

    lb = ctx->data;

    id = tm_ddb_get_s(item, "ListId");
    if (id == NULL) {
        id = TM_LIST_INBOX;
    }

    return json_object_set_new(lb->counts, id, json_integer(
               json_integer_value(json_object_get(lb->counts, id)) + 1))
           == 0 ? NGX_OK : NGX_ERROR;
}


/* a jansson value that lives as long as the request (NULL stays NULL) */

json_t *
ngx_taskmgr_lists_keep(ngx_http_request_t *r, json_t *v)
{
    if (v) {
        ngx_taskmgr_json_track(r, v);
    }

    return v;
}


ngx_int_t
ngx_taskmgr_lists_stale(ngx_http_request_t *r)
{
    return ngx_taskmgr_send_error(r, NGX_HTTP_PRECONDITION_FAILED,
                                  "precondition_failed",
                                  "the list has changed since that version",
                                  NULL);
}


ngx_int_t
ngx_taskmgr_lists_not_found(ngx_http_request_t *r)
{
    return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                  "no such list", NULL);
}
