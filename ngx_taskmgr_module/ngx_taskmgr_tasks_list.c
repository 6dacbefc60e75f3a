/*
 * GET /api/tasks: the caller's partition through UpdatedAtIndex (newest
 * update first) or DueDateIndex (soonest first, undated last); due ranges
 * are key conditions on DueDateIndex, filters elsewhere.  Paged by
 * ngx_taskmgr_page.c.
 */

#include <openssl/sha.h>

#include "ngx_taskmgr_tasks.h"
#include "tm_ddb.h"
#include "tm_fold.h"
#include "tm_list.h"
#include "tm_validate.h"


#define NGX_TASKMGR_DUE_MAX       "9999-12-31T23:59:59Z"
#define NGX_TASKMGR_NOT_TRASHED   "attribute_not_exists(TrashedAt)"


static ngx_int_t ngx_taskmgr_tasks_arg(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_str_t *name, ngx_str_t *value);
/* the orders of a listing: the index and its sort key */
typedef struct {
    const char                *index;
    const char                *attr;
    ngx_uint_t                 forward;
} ngx_taskmgr_tasks_sort_t;

static const char  *ngx_taskmgr_tasks_sort_names[] = {
    "updated", "due", "priority", NULL
};

static const ngx_taskmgr_tasks_sort_t  ngx_taskmgr_tasks_sorts[] = {
    { "UpdatedAtIndex", "TaskUpdatedAt", 0 },     /* most recent first */
    { "DueDateIndex", "TaskDueSort", 1 },         /* soonest first */
    { "PriorityIndex", "TaskPrioritySort", 1 },   /* 1, then due, updated */
};


static const char *ngx_taskmgr_tasks_arg_label(ngx_http_request_t *r,
    ngx_taskmgr_tasks_t *t, ngx_str_t *value);
static const char *ngx_taskmgr_tasks_arg_q(ngx_http_request_t *r,
    ngx_taskmgr_tasks_t *t, ngx_str_t *value);
static void ngx_taskmgr_tasks_filter(ngx_taskmgr_tasks_t *t,
    tm_update_t *q);
static void ngx_taskmgr_tasks_listing(ngx_taskmgr_page_t *pg,
    ngx_taskmgr_tasks_t *t, tm_update_t *q);
static ngx_int_t ngx_taskmgr_tasks_list_build(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_listing_go(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_tasks_listed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


ngx_int_t
ngx_taskmgr_tasks_list(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_taskmgr_page_t   *pg;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, t);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    pg = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_page_t));
    if (pg == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_taskmgr_page_args(r, ctx, pg, ngx_taskmgr_tasks_arg);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (t->due_from[0] && t->due_to[0]
        && ngx_strcmp(t->due_from, t->due_to) > 0)
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_parameter",
                                      "must not be after dueTo", "dueFrom");
    }

    ctx->page = pg;

    if (t->view == NULL) {
        return ngx_taskmgr_tasks_list_build(r, ctx);
    }

    /* a view is its own due range, due date order and no completed tasks */
    if (t->due_from[0] || t->due_to[0] || t->completed == 1 || t->trash
        || (t->sort_set && t->sort != NGX_TASKMGR_SORT_DUE))
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_parameter",
                                      "a view cannot be combined with "
                                      "dueFrom, dueTo, completed=true, "
                                      "trash=true or another sort", "view");
    }

    return ngx_taskmgr_tasks_view(r, ctx, ngx_taskmgr_tasks_list_build);
}


static ngx_int_t
ngx_taskmgr_tasks_list_build(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    tm_update_t           q;
    ngx_taskmgr_page_t                *pg;
    ngx_taskmgr_tasks_t               *t;
    const ngx_taskmgr_tasks_sort_t    *so;

    t = ctx->data;
    pg = ctx->page;
    so = &ngx_taskmgr_tasks_sorts[t->sort];

    pg->pk = t->pk;
    pg->sort_attr = so->attr;
    pg->write = ngx_taskmgr_tasks_write;
    pg->done = ngx_taskmgr_tasks_listed;

    /* the filter is built as an update's condition: same placeholders,
     * same failure on a build error */
    tm_update_init(&q);
    tm_update_value(&q, ":pk", tm_ddb_s(t->pk));
    ngx_taskmgr_tasks_filter(t, &q);
    ngx_taskmgr_tasks_listing(pg, t, &q);

    pg->query = q.failed ? NULL
                : json_pack("{s:s, s:s, s:s, s:O, s:b}",
                            "TableName", ctx->conf->table.data,
                            "IndexName", so->index,
                            "KeyConditionExpression",
                            (t->sort == NGX_TASKMGR_SORT_DUE
                             && (t->due_from[0] || t->due_to[0]))
                            ? "EntityPartition = :pk"
                              " AND TaskDueSort BETWEEN :df AND :dt"
                            : "EntityPartition = :pk",
                            "ExpressionAttributeValues", q.values,
                            "ScanIndexForward", (int) so->forward);

    if (pg->query && q.cond.len) {
        json_object_set_new(pg->query, "FilterExpression",
                            json_string(q.cond.data));
    }

    /* the trash left out, and nothing else: few items are dropped, so a
     * page is read about as narrow as an unfiltered one (the page goes on
     * reading if some were) */
    pg->filter_rare = (ngx_strcmp(q.cond.data ? q.cond.data : "",
                                  NGX_TASKMGR_NOT_TRASHED) == 0);

    if (pg->query && json_object_size(q.names)) {
        json_object_set(pg->query, "ExpressionAttributeNames", q.names);
    }

    tm_update_free(&q);

    /* list=: one of the caller's lists, else 400 (never an empty page that
     * would say whether another user's list exists) */
    t->list_check = t->list;

    return ngx_taskmgr_tasks_list_check(r, ctx, ngx_taskmgr_tasks_listing_go);
}


static ngx_int_t
ngx_taskmgr_tasks_listing_go(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_page_start(r, ctx, ctx->page);
}


/* the due range (a key condition on DueDateIndex, else a filter) and the
 * statuses */

static void
ngx_taskmgr_tasks_filter(ngx_taskmgr_tasks_t *t, tm_update_t *q)
{
    u_char      in[96], *p;
    char        name[8], now[NGX_INT64_LEN + 1];
    ngx_uint_t  i;

    /* the trash is its own listing, of what has not expired yet */
    if (t->trash) {
        ngx_sprintf((u_char *) now, "%T%Z", ngx_time());
        tm_update_cond(q, "attribute_exists(TrashedAt)"
                          " AND NotificationExpiry > :exp");
        tm_update_value(q, ":exp", json_pack("{s:s}", "N", now));

    } else {
        tm_update_cond(q, NGX_TASKMGR_NOT_TRASHED);
    }

    if (t->sort == NGX_TASKMGR_SORT_DUE && (t->due_from[0] || t->due_to[0]))
    {
        tm_update_value(q, ":df",
                        tm_ddb_s(t->due_from[0] ? t->due_from : "0000"));
        tm_update_value(q, ":dt",
                        tm_ddb_s(t->due_to[0] ? t->due_to
                                              : NGX_TASKMGR_DUE_MAX));

    } else if (t->due_from[0] && t->due_to[0]) {
        tm_update_cond(q, "DueDate BETWEEN :df AND :dt");
        tm_update_value(q, ":df", tm_ddb_s(t->due_from));
        tm_update_value(q, ":dt", tm_ddb_s(t->due_to));

    } else if (t->due_from[0]) {
        tm_update_cond(q, "DueDate >= :df");
        tm_update_value(q, ":df", tm_ddb_s(t->due_from));

    } else if (t->due_to[0]) {
        tm_update_cond(q, "DueDate <= :dt");
        tm_update_value(q, ":dt", tm_ddb_s(t->due_to));
    }

    /* every word of q=: the start of a word of the task */
    for (i = 0; i < t->nwords; i++) {
        ngx_sprintf((u_char *) name, ":q%ui%Z", i);
        ngx_sprintf(in, "contains(SearchText, %s)%Z", name);
        tm_update_cond(q, (const char *) in);
        tm_update_value(q, name, tm_ddb_s(t->words[i]));
    }

    if (t->list) {
        tm_update_cond(q, ngx_strcmp(t->list, TM_LIST_INBOX) == 0
                          ? "(attribute_not_exists(ListId) OR ListId = :list)"
                          : "ListId = :list");
        tm_update_value(q, ":list", tm_ddb_s(t->list));
    }

    /* every label asked: "contains(LabelKeys, :l0) AND ..." */
    for (i = 0; i < t->nlabels; i++) {
        ngx_sprintf((u_char *) name, ":l%ui%Z", i);
        ngx_sprintf(in, "contains(LabelKeys, %s)%Z", name);
        tm_update_cond(q, (const char *) in);
        tm_update_value(q, name, tm_ddb_s(t->labels[i]));
    }

    if (t->priorities) {
        /* tasks written before priorities existed are priority 4 */
        p = ngx_cpymem(in, "(Priority IN (", sizeof("(Priority IN (") - 1);

        for (i = 1; i <= TM_PRIORITY_LOW; i++) {
            if (t->priorities & (1 << i)) {
                ngx_sprintf((u_char *) name, ":p%ui%Z", i);
                p = ngx_sprintf(p, "%s%s", p[-1] == '(' ? "" : ", ", name);
                tm_update_value(q, name, tm_ddb_n((long long) i));
            }
        }

        p = ngx_sprintf(p, ")%s)%Z",
                        (t->priorities & (1 << TM_PRIORITY_LOW))
                        ? " OR attribute_not_exists(Priority)" : "");
        tm_update_cond(q, (const char *) in);
    }

    if (t->completed == 0) {
        tm_update_cond(q, "#st <> :done");
        tm_update_value(q, ":done", tm_ddb_s("completed"));
        tm_update_name(q, "#st", "Status");
    }

    if (t->statuses == 0) {
        return;
    }

    /* at most "#st IN (:s0, :s1, :s2)" */
    p = ngx_cpymem(in, "#st IN (", sizeof("#st IN (") - 1);

    for (i = 0; tm_task_statuses[i]; i++) {
        if (t->statuses & (1 << i)) {
            ngx_sprintf((u_char *) name, ":s%ui%Z", i);
            p = ngx_sprintf(p, "%s%s", p[-1] == '(' ? "" : ", ", name);
            tm_update_value(q, name,
                            tm_ddb_s(tm_task_statuses[i]));
        }
    }

    *p++ = ')';
    *p = '\0';

    tm_update_cond(q, (const char *) in);
    tm_update_name(q, "#st", "Status");
}


/*
 * The listing a cursor is bound to: the sort and a digest of the filter
 * with its values, so that a cursor only continues the very same listing.
 */

static void
ngx_taskmgr_tasks_listing(ngx_taskmgr_page_t *pg, ngx_taskmgr_tasks_t *t,
    tm_update_t *q)
{
    char    *text;
    u_char   md[SHA256_DIGEST_LENGTH], *p;
    json_t  *what;

    /* a failed build leaves the query NULL: the listing does not matter */
    what = json_pack("{s:s, s:O}", "f", q->cond.len ? q->cond.data : "",
                     "v", q->values);
    text = what ? json_dumps(what, JSON_COMPACT|JSON_SORT_KEYS) : NULL;
    json_decref(what);

    if (text) {
        SHA256((u_char *) text, ngx_strlen(text), md);
        free(text);

    } else {
        ngx_memzero(md, sizeof(md));
    }

    p = ngx_sprintf((u_char *) pg->listing, "tasks|%s|",
                    ngx_taskmgr_tasks_sort_names[t->sort]);
    p = ngx_hex_dump(p, md, 16);
    *p = '\0';
}


/* q=text: its words folded as SearchText holds them, each " word" */

static const char *
ngx_taskmgr_tasks_arg_q(ngx_http_request_t *r, ngx_taskmgr_tasks_t *t,
    ngx_str_t *value)
{
    u_char      *w;
    char        *buf;
    size_t       size;
    long         n;
    ngx_uint_t   i;
    const char  *words[TM_SEARCH_WORDS];

    if (t->nwords) {
        return "may be given once";
    }

    size = value->len * 3 + 1;
    buf = ngx_pnalloc(r->pool, size);
    if (buf == NULL) {
        return "out of memory";
    }

    n = tm_search_words((const char *) value->data, value->len, buf, size,
                        words, TM_SEARCH_WORDS);
    if (n < 0) {
        return "must be at most 100 characters and 10 words";
    }

    if (n == 0) {
        return "must hold a word";
    }

    for (i = 0; i < (ngx_uint_t) n; i++) {
        w = ngx_pnalloc(r->pool, ngx_strlen(words[i]) + 2);
        if (w == NULL) {
            return "out of memory";
        }

        ngx_sprintf(w, " %s%Z", words[i]);
        t->words[t->nwords++] = (const char *) w;
    }

    return NULL;
}


/* label=name (repeatable, every one must match): folded as stored */

static const char *
ngx_taskmgr_tasks_arg_label(ngx_http_request_t *r, ngx_taskmgr_tasks_t *t,
    ngx_str_t *value)
{
    char         *fold;
    size_t        size;
    const char   *why;

    why = tm_valid_label((const char *) value->data, value->len);
    if (why) {
        return why;
    }

    if (t->nlabels == TM_LABELS_MAX) {
        return "at most 10 labels can be asked for";
    }

    size = value->len * 3 + 1;
    fold = ngx_pnalloc(r->pool, size);
    if (fold == NULL
        || tm_fold_case((const char *) value->data, value->len, fold, size)
           < 0)
    {
        return "must be valid UTF-8";
    }

    t->labels[t->nlabels++] = fold;

    return NULL;
}


/* status=a,b  dueFrom=  dueTo=  sort=updated|due  priority=1,2  label=
 * completed=true|false  list=<id>  q=<words>  view=today|upcoming|overdue */

static ngx_int_t
ngx_taskmgr_tasks_arg(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_str_t *name, ngx_str_t *value)
{
    long                  n;
    unsigned              mask;
    long long             epoch;
    const char           *field, *why;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;
    why = NULL;

    if (name->len == 6 && ngx_strncmp(name->data, "status", 6) == 0) {
        field = "status";
        why = tm_valid_status_list((const char *) value->data, value->len,
                                   &mask);
        t->statuses |= mask;

    } else if ((name->len == 7 && ngx_strncmp(name->data, "dueFrom", 7) == 0)
               || (name->len == 5
                   && ngx_strncmp(name->data, "dueTo", 5) == 0))
    {
        field = (name->len == 7) ? "dueFrom" : "dueTo";

        if (tm_parse_rfc3339((const char *) value->data, value->len, &epoch)
            != 0)
        {
            why = "must be an RFC 3339 date-time like 2026-11-25T17:00:00Z";

        } else {
            tm_format_rfc3339(epoch, name->len == 7 ? t->due_from
                                                    : t->due_to);
        }

    } else if (name->len == 8
               && ngx_strncmp(name->data, "priority", 8) == 0)
    {
        field = "priority";
        why = tm_valid_priority_list((const char *) value->data, value->len,
                                     &mask);
        t->priorities |= mask;

    } else if (name->len == 4 && ngx_strncmp(name->data, "view", 4) == 0) {
        field = "view";
        why = t->view ? "may be given once"
                      : ngx_taskmgr_tasks_view_arg(t, value);

    } else if (name->len == 1 && name->data[0] == 'q') {
        field = "q";
        why = ngx_taskmgr_tasks_arg_q(r, t, value);

    } else if (name->len == 4 && ngx_strncmp(name->data, "list", 4) == 0) {
        field = "list";
        why = t->list ? "may be given once"
                      : tm_valid_list_id((const char *) value->data,
                                         value->len);
        t->list = (const char *) value->data;

    } else if (name->len == 5 && ngx_strncmp(name->data, "label", 5) == 0) {
        field = "label";
        why = ngx_taskmgr_tasks_arg_label(r, t, value);

    } else if (name->len == 9
               && ngx_strncmp(name->data, "completed", 9) == 0)
    {
        field = "completed";

        if (value->len == 4 && ngx_strncmp(value->data, "true", 4) == 0) {
            t->completed = 1;

        } else if (value->len == 5
                   && ngx_strncmp(value->data, "false", 5) == 0)
        {
            t->completed = 0;

        } else {
            why = "must be true or false";
        }

    } else if (name->len == 5 && ngx_strncmp(name->data, "trash", 5) == 0) {
        field = "trash";

        if (value->len == 4 && ngx_strncmp(value->data, "true", 4) == 0) {
            t->trash = 1;

        } else if (!(value->len == 5
                     && ngx_strncmp(value->data, "false", 5) == 0))
        {
            why = "must be true or false";
        }

    } else if (name->len == 4 && ngx_strncmp(name->data, "sort", 4) == 0) {
        field = "sort";

        t->sort_set = 1;
        n = tm_enum_index(ngx_taskmgr_tasks_sort_names,
                          (const char *) value->data, value->len);

        if (n < 0) {
            why = "must be updated, due or priority";

        } else {
            t->sort = (ngx_uint_t) n;
        }

    } else {
        return NGX_ABORT;
    }

    if (why) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_parameter", why, field);
    }

    return NGX_DECLINED;
}


static ngx_int_t
ngx_taskmgr_tasks_listed(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_page_send(r, ctx, NULL);
}
