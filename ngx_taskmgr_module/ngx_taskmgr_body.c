/*
 * The client's request: its JSON body (size, media type, syntax, the set of
 * fields) and its cookies.
 */

#include "ngx_taskmgr.h"
#include "tm_validate.h"


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
                                      "the body must be application/json",
                                      NULL);
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


/*
 * The body must be an object whose keys are all in allowed (NULL-ended)
 * and which has every key in required (NULL allowed: no body needed).
 */

ngx_int_t
ngx_taskmgr_body_fields(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char **allowed, const char **required)
{
    void         *it;
    const char   *key, **a;

    if (ctx->body == NULL) {
        if (required == NULL) {
            return NGX_DECLINED;
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST, "invalid_json",
                                      "a JSON object body is required", NULL);
    }

    for (it = json_object_iter(ctx->body); it;
         it = json_object_iter_next(ctx->body, it))
    {
        key = json_object_iter_key(it);

        for (a = allowed; *a; a++) {
            if (ngx_strcmp(*a, key) == 0) {
                break;
            }
        }

        if (*a == NULL) {
            return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                          "unknown_field",
                                          "this field is not accepted here",
                                          key);
        }
    }

    for (a = required; a && *a; a++) {
        if (json_object_get(ctx->body, *a) == NULL) {
            return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                          "missing_field",
                                          "this field is required", *a);
        }
    }

    return NGX_DECLINED;
}


/* a PATCH body: an object of allowed fields, at least one of them */

ngx_int_t
ngx_taskmgr_body_patch(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char **allowed)
{
    static const char  *none[] = { NULL };
    ngx_int_t           rc;

    rc = ngx_taskmgr_body_fields(r, ctx, allowed, none);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (json_object_size(ctx->body) == 0) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST, "empty_patch",
                                      "nothing to change", NULL);
    }

    return NGX_DECLINED;
}


ngx_int_t
ngx_taskmgr_get_cookie(ngx_http_request_t *r, const char *name,
    ngx_str_t *value)
{
    ngx_str_t  n;

    n.data = (u_char *) name;
    n.len = ngx_strlen(name);

    if (ngx_http_parse_multi_header_lines(&r->headers_in.cookies, &n, value)
        == NGX_DECLINED)
    {
        return NGX_DECLINED;
    }

    return value->len ? NGX_OK : NGX_DECLINED;
}


static ngx_int_t
ngx_taskmgr_is_json(ngx_http_request_t *r)
{
    u_char     *p, *last;
    ngx_str_t  *ct;

    if (r->headers_in.content_type == NULL) {
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

    while (p < last && *p == ' ') {
        p++;
    }

    return p == last || *p == ';';
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


/*
 * A string field of obj (the body, or an object inside it).  Absent: *value
 * NULL.  JSON null with NGX_TASKMGR_NULLABLE: *value "" (validators refuse
 * empty strings, so "" only ever means "clear it").  NGX_TASKMGR_LOWER
 * lower-cases a copy first.  Then valid() decides.
 */

ngx_int_t
ngx_taskmgr_field_str(ngx_http_request_t *r, json_t *obj, const char *name,
    ngx_taskmgr_valid_pt valid, ngx_uint_t flags, const char **value)
{
    u_char      *copy;
    size_t       len;
    json_t      *v;
    const char  *s, *why;

    *value = NULL;

    v = json_object_get(obj, name);
    if (v == NULL) {
        return NGX_DECLINED;
    }

    if (json_is_null(v) && (flags & NGX_TASKMGR_NULLABLE)) {
        *value = "";
        return NGX_DECLINED;
    }

    if (!json_is_string(v)) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field", "must be a string",
                                      name);
    }

    s = json_string_value(v);
    len = json_string_length(v);

    if (ngx_strlen(s) != len) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field",
                                      "must not contain NUL characters",
                                      name);
    }

    if (flags & NGX_TASKMGR_LOWER) {
        copy = ngx_pnalloc(r->pool, len + 1);
        if (copy == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_memcpy(copy, s, len + 1);
        tm_ascii_lower((char *) copy, len);
        s = (const char *) copy;
    }

    why = valid ? valid(s, len) : NULL;

    if (why) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      valid == tm_valid_password
                                      ? "weak_password" : "invalid_field",
                                      why, name);
    }

    *value = s;

    return NGX_DECLINED;
}


/* a boolean field of obj: *value -1 when absent */

ngx_int_t
ngx_taskmgr_field_bool(ngx_http_request_t *r, json_t *obj, const char *name,
    const char *field, ngx_int_t *value)
{
    json_t  *v;

    *value = -1;

    v = json_object_get(obj, name);
    if (v == NULL) {
        return NGX_DECLINED;
    }

    if (!json_is_boolean(v)) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field", "must be true or false",
                                      field);
    }

    *value = json_is_true(v);

    return NGX_DECLINED;
}
