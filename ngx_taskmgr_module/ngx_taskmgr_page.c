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


static ngx_int_t ngx_taskmgr_page_query(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_page_got(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static void ngx_taskmgr_page_cleanup(void *data);


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
 * sort and filters.  pg->done runs with pg->items and pg->next_cursor.
 */

ngx_int_t
ngx_taskmgr_page_start(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_page_t *pg)
{
    json_t              *state, *key;
    const char          *user, *listing, *pk;
    ngx_pool_cleanup_t  *cln;

    ctx->page = pg;

    pg->items = json_array();
    if (pg->items == NULL || pg->query == NULL) {
        json_decref(pg->items);
        json_decref(pg->query);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_json_track(r, pg->items);
    ngx_taskmgr_json_track(r, pg->query);

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_taskmgr_page_cleanup;
    cln->data = pg;

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
        || ngx_strcmp(user, ctx->sub) != 0
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
    n = pg->limit + 1 - json_array_size(pg->items);

    /* a filter drops items after Limit counted them: read wider (a page
     * keeps what it needs and its cursor points after the last kept) */
    if (json_object_get(pg->query, "FilterExpression")) {
        n = ngx_max(n, NGX_TASKMGR_PAGE_FILTERED);
    }

    json_object_set_new(pg->query, "Limit", json_integer((json_int_t) n));

    return ngx_taskmgr_ddb(r, ctx, "Query", json_incref(pg->query),
                           ngx_taskmgr_page_got);
}


static ngx_int_t
ngx_taskmgr_page_got(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                *cursor;
    json_t              *item, *obj, *lek, *state;
    size_t               i;
    ngx_taskmgr_page_t  *pg;

    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    pg = ctx->page;
    lek = json_object_get(ctx->reply, "LastEvaluatedKey");

    json_array_foreach(json_object_get(ctx->reply, "Items"), i, item) {
        obj = pg->map(item, pg->now);

        if (obj == NULL) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "taskmgr: skipped an item of %s in a listing",
                          pg->pk);
            continue;
        }

        if (json_array_size(pg->items) == pg->limit) {
            /* there is more: continue after the last item kept */
            json_decref(obj);
            lek = pg->last_key;
            goto done;
        }

        json_array_append_new(pg->items, obj);

        json_decref(pg->last_key);
        pg->last_key = json_pack("{s:O, s:O, s:O}",
                                 TM_PK, json_object_get(item, TM_PK),
                                 TM_SK, json_object_get(item, TM_SK),
                                 pg->sort_attr,
                                 json_object_get(item, pg->sort_attr));
        if (pg->last_key == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (lek && pg->calls < NGX_TASKMGR_PAGE_CALLS) {
        json_object_set(pg->query, "ExclusiveStartKey", lek);
        return ngx_taskmgr_page_query(r, ctx);
    }

    /* out of calls with a page not known to be the last: its cursor is
     * where DynamoDB stopped, and the next page may come back empty */

done:

    pg->next_cursor = NULL;

    if (lek) {
        state = json_pack("{s:s, s:s, s:O}", "u", ctx->sub,
                          "f", pg->listing, "k", lek);
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
    }

    return pg->done(r, ctx);
}


static void
ngx_taskmgr_page_cleanup(void *data)
{
    ngx_taskmgr_page_t *pg = data;

    json_decref(pg->last_key);
    pg->last_key = NULL;
}
