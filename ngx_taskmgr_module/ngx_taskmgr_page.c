/*
 * Listings: the query string (limit, cursor, and the service's own
 * filters), then as many DynamoDB Query calls as one page needs (filters
 * make DynamoDB's Limit count items it then drops), and the signed cursor
 * of the next page: the last evaluated key, bound to the user and to the
 * listing (sort and filters), so that paging returns each item once and a
 * cursor never opens anyone else's items.
 */

#include "ngx_taskmgr.h"
#include "tm_cursor.h"
#include "tm_ddb.h"


#define NGX_TASKMGR_PAGE_CALLS     10   /* Query calls per page at most */
#define NGX_TASKMGR_PAGE_FILTERED  200  /* items read per filtered call */


/* a reply's items being walked into the page */
typedef struct {
    ngx_http_request_t        *r;
    ngx_taskmgr_page_t        *pg;
    ngx_int_t                  rc;    /* of the item that stopped the walk */
} ngx_taskmgr_page_walk_t;


static ngx_int_t ngx_taskmgr_page_query(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_page_keep(ngx_http_request_t *r,
    ngx_taskmgr_page_t *pg, tm_ddb_item_t *item);
static int ngx_taskmgr_page_each(void *data, tm_ddb_item_t *item);
static ngx_int_t ngx_taskmgr_page_got(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_page_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, tm_jstr_t *lek, ngx_uint_t more);


/*
 * Walks the query string: limit and cursor here, every other name through
 * arg(), which answers NGX_DECLINED (taken), NGX_ABORT (unknown name) or the
 * rc of an error reply it sent.
 */

ngx_int_t
ngx_taskmgr_page_args(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_page_t *pg, ngx_taskmgr_arg_pt arg)
{
    u_char     *p, *last, *amp, *eq, *dst, *src;
    ngx_int_t   n, rc;
    ngx_str_t   name, value;

    pg->limit = 50;
    p = r->args.data;
    last = r->args.data + r->args.len;

    for ( /* void */ ; p < last; p = amp + 1) {

        amp = ngx_strlchr(p, last, '&');
        if (amp == NULL) {
            amp = last;
        }

        eq = ngx_strlchr(p, amp, '=');

        name.data = p;
        name.len = (eq ? eq : amp) - p;

        if (name.len == 0) {
            continue;
        }

        /* the value, percent-decoded and NUL-terminated */
        src = eq ? eq + 1 : amp;
        dst = ngx_pnalloc(r->pool, amp - src + 1);
        if (dst == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        value.data = dst;
        ngx_unescape_uri(&dst, &src, amp - src, 0);
        value.len = dst - value.data;
        *dst = '\0';

        if (name.len == 5 && ngx_strncmp(name.data, "limit", 5) == 0) {
            n = ngx_atoi(value.data, value.len);

            if (n < 1 || n > 100) {
                return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                              "invalid_parameter",
                                              "must be a whole number from "
                                              "1 to 100", "limit");
            }

            pg->limit = n;
            continue;
        }

        if (name.len == 6 && ngx_strncmp(name.data, "cursor", 6) == 0) {
            pg->cursor = value;
            continue;
        }

        rc = arg(r, ctx, &name, &value);

        if (rc == NGX_ABORT) {
            return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                          "unknown_parameter",
                                          "this query parameter is not "
                                          "accepted here",
                                          ngx_taskmgr_cstr(r->pool, name.data,
                                                           name.len));
        }

        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    return NGX_DECLINED;
}


/*
 * Runs the listing: pg->query is the Query request without Limit and
 * ExclusiveStartKey, pg->pk the caller's partition, pg->listing names the
 * sort and filters.  pg->done runs with pg->text holding the items and
 * pg->next_cursor set; it answers with ngx_taskmgr_page_send().
 */

ngx_int_t
ngx_taskmgr_page_start(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_page_t *pg)
{
    json_t      *state, *key;
    const char  *user, *listing, *pk;

    ctx->page = pg;

    if (pg->query == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_json_track(r, pg->query);

    /* a task's API JSON is some 300 bytes */
    if (ngx_taskmgr_text_reserve(r->pool, &pg->text, pg->limit * 400 + 64)
        != NGX_OK
        || ngx_taskmgr_text_add(r->pool, &pg->text, "{\"items\":[", 10)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (pg->cursor.data == NULL) {
        return ngx_taskmgr_page_query(r, ctx);
    }

    state = tm_cursor_decode((const char *) pg->cursor.data, pg->cursor.len,
                             ctx->conf->cursor_key.data,
                             ctx->conf->cursor_key.len);
    ngx_taskmgr_json_track(r, state);

    user = json_string_value(json_object_get(state, "u"));
    listing = json_string_value(json_object_get(state, "f"));
    key = json_object_get(state, "k");
    pk = json_is_object(key) ? tm_ddb_get_s(key, TM_PK) : NULL;

    if (user == NULL || listing == NULL || pk == NULL
        || ngx_strcmp(user, ctx->auth.sub) != 0
        || ngx_strcmp(listing, pg->listing) != 0
        || ngx_strcmp(pk, pg->pk) != 0)
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_cursor",
                                      "the cursor is not valid for this "
                                      "listing", "cursor");
    }

    json_object_set(pg->query, "ExclusiveStartKey", key);

    return ngx_taskmgr_page_query(r, ctx);
}


static ngx_int_t
ngx_taskmgr_page_query(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    size_t               n;
    ngx_taskmgr_page_t  *pg;

    pg = ctx->page;
    pg->calls++;

    /* one item more than the page needs: if it comes, the cursor is the
     * last kept item and a next page surely exists; a full page that
     * looks ahead finds out whether it was the last */
    n = pg->limit + 1 - pg->count;

    /* a filter drops items after Limit counted them: read wider (a page
     * keeps what it needs and its cursor points after the last kept) */
    if (json_object_get(pg->query, "FilterExpression") && !pg->filter_rare) {
        n = ngx_max(n, NGX_TASKMGR_PAGE_FILTERED);
    }

    json_object_set_new(pg->query, "Limit", json_integer((json_int_t) n));

    return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_DYNAMODB, "Query",
                                json_incref(pg->query), NGX_TASKMGR_AWS_TEXT,
                                ngx_taskmgr_page_got);
}


/*
 * The reply's items, straight from its text into the page's.  The page
 * ends at its limit (then its cursor is the last item kept), when
 * DynamoDB has no more, or after NGX_TASKMGR_PAGE_CALLS calls.
 */

/* one item of a reply into the page: NGX_OK kept, NGX_DECLINED skipped (not
 * an item of this listing), NGX_DONE the page is full before it */

static ngx_int_t
ngx_taskmgr_page_keep(ngx_http_request_t *r, ngx_taskmgr_page_t *pg,
    tm_ddb_item_t *item)
{
    size_t     mark;
    ngx_int_t  rc;

    mark = pg->text.len;

    if (pg->count
        && ngx_taskmgr_text_add(r->pool, &pg->text, ",", 1) != NGX_OK)
    {
        return NGX_ERROR;
    }

    rc = ngx_taskmgr_text_item(r->pool, &pg->text, pg->write, item, pg->now);

    if (rc == NGX_DECLINED) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "taskmgr: skipped an item of %s in a listing", pg->pk);
        pg->text.len = mark;
        return NGX_DECLINED;
    }

    if (rc != NGX_OK) {
        return rc == NGX_ABORT ? NGX_ABORT : NGX_ERROR;
    }

    if (pg->count == pg->limit) {
        pg->text.len = mark;
        return NGX_DONE;
    }

    pg->count++;
    pg->last = item->text;

    return NGX_OK;
}


/* tm_ddb_reply_walk's step: on while items are kept or skipped */

static int
ngx_taskmgr_page_each(void *data, tm_ddb_item_t *item)
{
    ngx_taskmgr_page_walk_t  *w;

    w = data;
    w->rc = ngx_taskmgr_page_keep(w->r, w->pg, item);

    return w->rc == NGX_OK || w->rc == NGX_DECLINED ? 0 : 1;
}


/* the reply read once: its items checked and kept in the same pass */

static ngx_int_t
ngx_taskmgr_page_got(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    int                       stop;
    tm_jstr_t                 lek;
    tm_ddb_reply_t            reply;
    ngx_taskmgr_page_t       *pg;
    ngx_taskmgr_page_walk_t   w;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    pg = ctx->page;

    /* tests: a reply cut short, as a failing proxy might pass it on */
    if (ngx_taskmgr_fault(r, ctx, "truncated-reply")) {
        ctx->call.raw.len /= 2;
    }

    w.r = r;
    w.pg = pg;
    w.rc = NGX_OK;

    stop = tm_ddb_reply_walk((char *) ctx->call.raw.data, ctx->call.raw.len,
                             &reply, ngx_taskmgr_page_each, &w);

    if (stop < 0 || reply.items.len == 0) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (stop) {
        switch (w.rc) {

        case NGX_DONE:
            /* there is more: continue after the last item kept */
            return ngx_taskmgr_page_done(r, ctx, NULL, 1);

        case NGX_ABORT:
            return ngx_taskmgr_aws_malformed(r, ctx);

        default:
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    lek = reply.last_key;

    if (lek.len && pg->calls < NGX_TASKMGR_PAGE_CALLS) {
        if (json_object_set_new(pg->query, "ExclusiveStartKey",
                                json_loadb(lek.data, lek.len, 0, NULL))
            != 0)
        {
            return ngx_taskmgr_aws_fail(r, ctx);
        }

        return ngx_taskmgr_page_query(r, ctx);
    }

    /* out of calls with a page not known to be the last: its cursor is
     * where DynamoDB stopped, and the next page may come back empty */

    return ngx_taskmgr_page_done(r, ctx, lek.len ? &lek : NULL, 0);
}


/* the next page's cursor: after DynamoDB's last evaluated key lek, or
 * after the page's last item when more items are known to follow */

static ngx_int_t
ngx_taskmgr_page_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    tm_jstr_t *lek, ngx_uint_t more)
{
    char                *cursor;
    json_t              *key, *state;
    tm_ddb_item_t        item;
    ngx_taskmgr_page_t  *pg;
    const char          *names[4];

    pg = ctx->page;
    pg->next_cursor = NULL;

    if (lek) {
        key = json_loadb(lek->data, lek->len, 0, NULL);

    } else if (more) {
        names[0] = TM_PK;
        names[1] = TM_SK;
        names[2] = pg->sort_attr;
        names[3] = NULL;

        key = tm_ddb_item_parse(pg->last.data, pg->last.len, &item) == 0
              ? tm_ddb_item_key(&item, names) : NULL;

    } else {
        return pg->done(r, ctx);
    }

    state = key ? json_pack("{s:s, s:s, s:o}", "u", ctx->auth.sub,
                            "f", pg->listing, "k", key)
                : NULL;
    cursor = state ? tm_cursor_encode(state, ctx->conf->cursor_key.data,
                                      ctx->conf->cursor_key.len)
                   : NULL;
    json_decref(state);

    if (cursor == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    pg->next_cursor = ngx_taskmgr_cstr(r->pool, (u_char *) cursor,
                                       ngx_strlen(cursor));
    free(cursor);

    if (pg->next_cursor == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return pg->done(r, ctx);
}


ngx_int_t
ngx_taskmgr_page_send(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *extra)
{
    ngx_taskmgr_text_t  *t;
    ngx_taskmgr_page_t  *pg;

    pg = ctx->page;
    t = &pg->text;

    /* the cursor is base64url: nothing to escape */
    if (ngx_taskmgr_text_add(r->pool, t, "],\"nextCursor\":", 15) != NGX_OK
        || (pg->next_cursor
            ? ngx_taskmgr_text_add(r->pool, t, "\"", 1) != NGX_OK
              || ngx_taskmgr_text_add(r->pool, t, pg->next_cursor,
                                      ngx_strlen(pg->next_cursor)) != NGX_OK
              || ngx_taskmgr_text_add(r->pool, t, "\"", 1) != NGX_OK
            : ngx_taskmgr_text_add(r->pool, t, "null", 4) != NGX_OK)
        || (extra
            && ngx_taskmgr_text_add(r->pool, t, extra, ngx_strlen(extra))
               != NGX_OK)
        || ngx_taskmgr_text_add(r->pool, t, "}", 1) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_text(r, NGX_HTTP_OK, t->data, t->len);
}
