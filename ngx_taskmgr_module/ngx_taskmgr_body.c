/*
 * The client's request: its JSON body (size, media type, syntax, then its
 * fields read by a table), its cookies, the test-fault header.
 */

#include "ngx_taskmgr.h"


static ngx_int_t ngx_taskmgr_is_json(ngx_http_request_t *r);
static ngx_int_t ngx_taskmgr_reply_too_large(ngx_http_request_t *r);


/* before reading: what the headers already tell */

ngx_int_t
ngx_taskmgr_body_check(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (r->headers_in.content_length_n > (off_t) ctx->conf->max_body) {
        return ngx_taskmgr_reply_too_large(r);
    }

    if ((r->headers_in.content_length_n > 0 || r->headers_in.chunked)
        && !ngx_taskmgr_is_json(r))
    {
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            r->keepalive = 0;
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                      "unsupported_media_type",
                                      "the body must be application/json "
                                      "in UTF-8, not content-coded", NULL);
    }

    return NGX_DECLINED;
}


/* after reading: the body is whole in memory (client_body_buffer_size) */

ngx_int_t
ngx_taskmgr_body_parse(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    u_char        *p;
    size_t         len;
    json_t        *body;
    ngx_chain_t   *cl;
    json_error_t   err;

    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return NGX_DECLINED;
    }

    len = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        if (cl->buf->in_file && !ngx_buf_in_memory(cl->buf)) {
            return ngx_taskmgr_reply_too_large(r);
        }

        len += cl->buf->last - cl->buf->pos;
    }

    if (len > ctx->conf->max_body) {
        return ngx_taskmgr_reply_too_large(r);
    }

    if (len == 0) {
        return NGX_DECLINED;
    }

    if (r->request_body->bufs->next == NULL) {
        p = r->request_body->bufs->buf->pos;

    } else {
        p = ngx_pnalloc(r->pool, len);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        /* a chunked body ends with an empty buffer whose pos may be NULL,
         * which memcpy must not be given */
        len = 0;
        for (cl = r->request_body->bufs; cl; cl = cl->next) {
            if (cl->buf->last != cl->buf->pos) {
                ngx_memcpy(p + len, cl->buf->pos,
                           cl->buf->last - cl->buf->pos);
                len += cl->buf->last - cl->buf->pos;
            }
        }
    }

    body = json_loadb((char *) p, len, JSON_REJECT_DUPLICATES, &err);

    if (body == NULL) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST, "invalid_json",
                                      "the body is not valid JSON", NULL);
    }

    ngx_taskmgr_json_track(r, body);

    if (!json_is_object(body)) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST, "invalid_json",
                                      "the body must be a JSON object", NULL);
    }

    ctx->body = body;

    return NGX_DECLINED;
}


/* aligned: STRINGS fields get arrays of pointers from it */

static void *
ngx_taskmgr_body_alloc(void *pool, size_t size)
{
    return ngx_palloc(pool, size);
}


/* the body into target by its field table (common/tm_fields.h) */

ngx_int_t
ngx_taskmgr_body_read(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const tm_field_t *table, ngx_uint_t mode, void *target)
{
    tm_field_error_t  err;

    if (tm_fields_read(ctx->body, table, (unsigned) mode, target,
                       ngx_taskmgr_body_alloc, r->pool, &err)
        == 0)
    {
        return NGX_DECLINED;
    }

    return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST, err.code,
                                  err.message,
                                  *err.field ? err.field : NULL);
}


ngx_int_t
ngx_taskmgr_get_cookie(ngx_http_request_t *r, ngx_uint_t which,
    ngx_str_t *value)
{
    ngx_str_t    n;
    const char  *path;

    n.data = (u_char *) ngx_taskmgr_cookie_name(r, which, &path);
    n.len = ngx_strlen(n.data);

    if (ngx_http_parse_multi_header_lines(&r->headers_in.cookies, &n, value)
        == NGX_DECLINED)
    {
        return NGX_DECLINED;
    }

    return value->len ? NGX_OK : NGX_DECLINED;
}


/*
 * application/json, with no charset or UTF-8 (RFC 8259 knows no other),
 * and not content-coded: nginx does not decode request bodies, so a gzip
 * body would be parsed as JSON text
 */

static ngx_int_t
ngx_taskmgr_is_json(ngx_http_request_t *r)
{
    u_char     *p, *last, *v, *end;
    ngx_str_t  *ct;

    if (r->headers_in.content_type == NULL
        || (ngx_taskmgr_header_has(r, "Content-Encoding", NULL)
            && !ngx_taskmgr_header_has(r, "Content-Encoding", "identity")))
    {
        return 0;
    }

    ct = &r->headers_in.content_type->value;
    p = ct->data;
    last = ct->data + ct->len;

    if (ct->len < sizeof("application/json") - 1
        || ngx_strncasecmp(p, (u_char *) "application/json",
                           sizeof("application/json") - 1) != 0)
    {
        return 0;
    }

    p += sizeof("application/json") - 1;

    /* parameters: "; name=value", charset=utf-8 the only charset */
    for ( ;; ) {
        while (p < last && *p == ' ') {
            p++;
        }

        if (p == last) {
            return 1;
        }

        if (*p++ != ';') {
            return 0;
        }

        while (p < last && *p == ' ') {
            p++;
        }

        end = ngx_strlchr(p, last, ';');
        if (end == NULL) {
            end = last;
        }

        if (end - p >= 8 && ngx_strncasecmp(p, (u_char *) "charset=", 8) == 0)
        {
            v = p + 8;

            while (end > v && end[-1] == ' ') {
                end--;
            }

            if (end - v >= 2 && *v == '"' && end[-1] == '"') {
                v++;
                end--;
            }

            if (end - v != 5 || ngx_strncasecmp(v, (u_char *) "utf-8", 5)) {
                return 0;
            }
        }

        p = ngx_strlchr(p, last, ';');
        if (p == NULL) {
            return 1;
        }
    }
}


static ngx_int_t
ngx_taskmgr_reply_too_large(ngx_http_request_t *r)
{
    r->keepalive = 0;

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        r->keepalive = 0;
    }

    return ngx_taskmgr_send_error(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                  "payload_too_large",
                                  "the request body is too large", NULL);
}


ngx_int_t
ngx_taskmgr_fault(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *name)
{
    if (!ctx->conf->test_faults
        || !ngx_taskmgr_header_has(r, "X-Taskmgr-Fault", name))
    {
        return 0;
    }

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "taskmgr: test fault \"%s\"", name);

    return 1;
}


/* 1 if a request header name (any case) has exactly value, or with value
 * NULL any value but an empty one */

ngx_int_t
ngx_taskmgr_header_has(ngx_http_request_t *r, const char *name,
    const char *value)
{
    return ngx_taskmgr_header_find(r, name, value, NULL);
}


/* as ngx_taskmgr_header_has, the first such value into *found (if not
 * NULL) */

ngx_int_t
ngx_taskmgr_header_find(ngx_http_request_t *r, const char *name,
    const char *value, ngx_str_t *found)
{
    size_t            len;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    len = ngx_strlen(name);
    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return 0;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len != len
            || ngx_strncasecmp(h[i].key.data, (u_char *) name, len) != 0)
        {
            continue;
        }

        if (value == NULL ? h[i].value.len > 0
                          : (h[i].value.len == ngx_strlen(value)
                             && ngx_strncmp(h[i].value.data, value,
                                            h[i].value.len) == 0))
        {
            if (found) {
                *found = h[i].value;
            }

            return 1;
        }
    }
}


/*
 * The time a request is served at: now, or, with taskmgr_test_faults on,
 * the epoch seconds an "X-Taskmgr-Now" header gives (tests pin the clock
 * that relative dates are read against).
 */

time_t
ngx_taskmgr_request_now(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t  n;
    ngx_str_t  v;

    if (ctx->conf->test_faults
        && ngx_taskmgr_header_find(r, "X-Taskmgr-Now", NULL, &v))
    {
        n = ngx_atoi(v.data, v.len);
        if (n != NGX_ERROR) {
            return (time_t) n;
        }
    }

    return ngx_time();
}


/* If-Match: "<version>" into *version (left as it is when absent or *,
 * any version); NGX_DECLINED, or the rc of the 400 it sent */

ngx_int_t
ngx_taskmgr_if_match(ngx_http_request_t *r, ngx_int_t *version)
{
    ngx_int_t   n;
    ngx_str_t  *v;

    if (r->headers_in.if_match == NULL) {
        return NGX_DECLINED;
    }

    v = &r->headers_in.if_match->value;

    if (v->len == 1 && v->data[0] == '*') {
        return NGX_DECLINED;
    }

    n = NGX_ERROR;

    if (v->len > 2 && v->len < 20 && v->data[0] == '"'
        && v->data[v->len - 1] == '"')
    {
        n = ngx_atoi(v->data + 1, v->len - 2);
    }

    if (n == NGX_ERROR) {
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            r->keepalive = 0;
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_if_match",
                                      "If-Match must be a quoted version "
                                      "like \"3\"", NULL);
    }

    *version = n;

    return NGX_DECLINED;
}


/* a route that takes no query parameters: 400 unknown_parameter naming the
 * first one (the caller checked that there are some) */

ngx_int_t
ngx_taskmgr_no_args(ngx_http_request_t *r)
{
    u_char  *eq, *amp, *end;

    end = r->args.data + r->args.len;
    amp = ngx_strlchr(r->args.data, end, '&');
    eq = ngx_strlchr(r->args.data, amp ? amp : end, '=');

    return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
               "unknown_parameter", "this query parameter is not accepted "
               "here",
               ngx_taskmgr_cstr(r->pool, r->args.data,
                                (eq ? eq : (amp ? amp : end))
                                - r->args.data));
}
