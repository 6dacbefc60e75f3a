/*
 * A reply streamed a page at a time: the export and the calendar feed are
 * as long as the caller's items, which must never be in a worker's memory
 * at once.  Each Query page is written into one buffer, sent (chunked),
 * and only once the client has taken it is the next page asked for: a
 * slow reader holds one page, not the whole reply.  The page's DynamoDB
 * reply is freed as soon as it is written out.
 *
 * The headers go out with the first page: a call that fails before it is
 * answered with the usual JSON error; one that fails after it can only
 * cut the reply short (the connection is closed before the last chunk,
 * which clients see as an incomplete transfer).
 */

#include "ngx_taskmgr.h"
#include "tm_ddb.h"


#define NGX_TASKMGR_STREAM_PAGE  500     /* items per Query */


static ngx_int_t ngx_taskmgr_stream_page(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_stream_got(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_stream_headers(ngx_http_request_t *r,
    ngx_taskmgr_stream_t *st);
static ngx_int_t ngx_taskmgr_stream_wait(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static void ngx_taskmgr_stream_writer(ngx_http_request_t *r);
static ngx_int_t ngx_taskmgr_stream_drained(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


/* type: the Content-Type; name: the attachment's file name, or NULL */

ngx_int_t
ngx_taskmgr_stream_init(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *type, const char *name)
{
    ngx_taskmgr_stream_t  *st;

    st = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_stream_t));
    if (st == NULL
        || ngx_taskmgr_text_reserve(r->pool, &st->text, 64 * 1024) != NGX_OK)
    {
        return NGX_ERROR;
    }

    st->type = type;
    st->name = name;
    ctx->stream = st;

    return NGX_OK;
}


ngx_int_t
ngx_taskmgr_stream_add(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *s, size_t len)
{
    return ngx_taskmgr_text_add(r->pool, &ctx->stream->text, s, len);
}


/*
 * Every item of query (taken) through each(), page after page, each page
 * sent once written; then next.  each() answers NGX_OK, NGX_DECLINED (not
 * an item it writes) or NGX_ERROR (a malformed item).
 */

ngx_int_t
ngx_taskmgr_stream_query(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    json_t *query, ngx_taskmgr_stream_each_pt each, ngx_taskmgr_step_pt next)
{
    ngx_taskmgr_stream_t  *st;

    if (query == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_json_track(r, query);
    json_object_set_new(query, "Limit",
                        json_integer(NGX_TASKMGR_STREAM_PAGE));

    st = ctx->stream;
    st->query = query;
    st->each = each;
    st->next = next;

    return ngx_taskmgr_stream_page(r, ctx);
}


static ngx_int_t
ngx_taskmgr_stream_page(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_DYNAMODB, "Query",
                                json_incref(ctx->stream->query),
                                NGX_TASKMGR_AWS_TEXT,
                                ngx_taskmgr_stream_got);
}


static ngx_int_t
ngx_taskmgr_stream_got(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t              rc;
    tm_jscan_t             s;
    tm_ddb_item_t          item;
    tm_ddb_reply_t         reply;
    ngx_taskmgr_stream_t  *st;

    st = ctx->stream;

    if (ctx->call.error) {
        return ngx_taskmgr_stream_fail(r, ctx, 0);
    }

    /* tests: the backend failing once the reply has begun */
    if (st->started && ngx_taskmgr_fault(r, ctx, "stream-cut")) {
        return ngx_taskmgr_stream_fail(r, ctx, 1);
    }

    if (tm_ddb_reply_read((char *) ctx->call.raw.data, ctx->call.raw.len,
                          &reply)
        != 0
        || reply.items.len == 0)
    {
        return ngx_taskmgr_stream_fail(r, ctx, 1);
    }

    tm_jscan_init(&s, reply.items.data, reply.items.len);
    (void) tm_jscan_array(&s);

    while ((rc = tm_jscan_element(&s)) == 1) {

        if (tm_ddb_item_read(&s, &item) != 0) {
            return ngx_taskmgr_stream_fail(r, ctx, 1);
        }

        rc = st->each(r, ctx, &item);

        if (rc == NGX_ERROR) {
            return ngx_taskmgr_stream_fail(r, ctx, 1);
        }

        if (rc != NGX_OK && rc != NGX_DECLINED) {
            return st->started ? NGX_ERROR : NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (rc != 0) {
        return ngx_taskmgr_stream_fail(r, ctx, 1);
    }

    st->more = 0;

    if (reply.last_key.len) {
        if (json_object_set_new(st->query, "ExclusiveStartKey",
                                json_loadb(reply.last_key.data,
                                           reply.last_key.len, 0, NULL))
            != 0)
        {
            return ngx_taskmgr_stream_fail(r, ctx, 1);
        }

        st->more = 1;
    }

    /* the page is text now: its reply (up to a MB, a large allocation
     * of the request's pool) need not wait for the end of the request */
    ngx_pfree(r->pool, ctx->call.raw.data);
    ctx->call.raw.data = NULL;
    ctx->call.raw.len = 0;

    return ngx_taskmgr_stream_flush(r, ctx, 0,
                                    st->more ? ngx_taskmgr_stream_page
                                             : st->next);
}


/*
 * Sends what was written (the headers first, the first time), then runs
 * next once the client has taken it; last: the end of the reply, the rc
 * to finalize with.
 */

ngx_int_t
ngx_taskmgr_stream_flush(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t last, ngx_taskmgr_step_pt next)
{
    ngx_int_t              rc;
    ngx_buf_t             *b;
    ngx_chain_t            out;
    ngx_taskmgr_stream_t  *st;

    st = ctx->stream;

    if (!st->started) {
        rc = ngx_taskmgr_stream_headers(r, st);

        if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
            return rc;
        }
    }

    if (st->text.len == 0 && !last) {
        return next(r, ctx);
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->pos = st->text.data;
    b->last = st->text.data + st->text.len;
    b->memory = st->text.len ? 1 : 0;
    b->flush = 1;
    b->last_buf = last;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    rc = ngx_http_output_filter(r, &out);

    if (rc == NGX_ERROR || last) {
        return rc;
    }

    st->drained = next;

    return ngx_taskmgr_stream_wait(r, ctx);
}


/* a failed call or a malformed reply: the JSON error while nothing is
 * sent, else the connection closed (no error can follow a 200) */

ngx_int_t
ngx_taskmgr_stream_fail(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t malformed)
{
    if (!ctx->stream->started) {
        return malformed ? ngx_taskmgr_aws_malformed(r, ctx)
                         : ngx_taskmgr_aws_fail(r, ctx);
    }

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "taskmgr dynamodb %s: %s (status %ui) after the reply "
                  "began: cut short", ctx->call.op,
                  malformed ? "malformed reply"
                            : (ctx->call.error ? ctx->call.error
                                               : "unavailable"),
                  ctx->call.status);

    return NGX_ERROR;
}


static ngx_int_t
ngx_taskmgr_stream_headers(ngx_http_request_t *r, ngx_taskmgr_stream_t *st)
{
    u_char     *p;
    size_t      len;
    ngx_str_t   v;

    st->started = 1;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = -1;
    r->headers_out.content_type.data = (u_char *) st->type;
    r->headers_out.content_type.len = ngx_strlen(st->type);
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;
    r->disable_not_modified = 1;

    if (ngx_taskmgr_add_header(r, "Cache-Control", NULL) != NGX_OK) {
        return NGX_ERROR;
    }

    if (st->name) {
        len = sizeof("attachment; filename=\"\"") + ngx_strlen(st->name);

        p = ngx_pnalloc(r->pool, len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        v.data = p;
        v.len = ngx_sprintf(p, "attachment; filename=\"%s\"", st->name) - p;

        if (ngx_taskmgr_add_header(r, "Content-Disposition", &v) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return ngx_http_send_header(r);
}


/* next at once if the client took everything, else when it has */

static ngx_int_t
ngx_taskmgr_stream_wait(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_connection_t          *c;
    ngx_http_core_loc_conf_t  *clcf;

    c = r->connection;

    if (!r->buffered && !c->buffered) {
        return ngx_taskmgr_stream_drained(r, ctx);
    }

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    r->write_event_handler = ngx_taskmgr_stream_writer;

    if (!c->write->ready && !c->write->delayed) {
        ngx_add_timer(c->write, clcf->send_timeout);
    }

    if (ngx_handle_write_event(c->write, clcf->send_lowat) != NGX_OK) {
        return NGX_ERROR;
    }

    return NGX_DONE;
}


/* as nginx's own ngx_http_writer, but the request goes on afterwards */

static void
ngx_taskmgr_stream_writer(ngx_http_request_t *r)
{
    ngx_int_t                  rc;
    ngx_event_t               *wev;
    ngx_connection_t          *c;
    ngx_taskmgr_ctx_t         *ctx;
    ngx_http_core_loc_conf_t  *clcf;

    c = r->connection;
    wev = c->write;
    ctx = ngx_http_get_module_ctx(r, ngx_taskmgr_module);
    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    if (wev->timedout) {
        ngx_log_error(NGX_LOG_INFO, c->log, NGX_ETIMEDOUT,
                      "client timed out");
        c->timedout = 1;
        ngx_http_finalize_request(r, NGX_HTTP_REQUEST_TIME_OUT);
        return;
    }

    if (wev->delayed || r->aio) {
        if (!wev->delayed) {
            ngx_add_timer(wev, clcf->send_timeout);
        }

        if (ngx_handle_write_event(wev, clcf->send_lowat) != NGX_OK) {
            ngx_http_finalize_request(r, NGX_ERROR);
        }

        return;
    }

    rc = ngx_http_output_filter(r, NULL);

    if (rc == NGX_ERROR) {
        ngx_http_finalize_request(r, rc);
        return;
    }

    if (r->buffered || c->buffered) {
        if (!wev->delayed) {
            ngx_add_timer(wev, clcf->send_timeout);
        }

        if (ngx_handle_write_event(wev, clcf->send_lowat) != NGX_OK) {
            ngx_http_finalize_request(r, NGX_ERROR);
        }

        return;
    }

    if (wev->timer_set) {
        ngx_del_timer(wev);
    }

    r->write_event_handler = ngx_http_request_empty_handler;

    rc = ngx_taskmgr_stream_drained(r, ctx);

    if (rc != NGX_DONE) {
        ngx_http_finalize_request(r, rc);
    }
}


/* the page's buffer is free again: the next one is written into it */

static ngx_int_t
ngx_taskmgr_stream_drained(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ctx->stream->text.len = 0;

    return ctx->stream->drained(r, ctx);
}
