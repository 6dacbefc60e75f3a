/*
 * Every reply the module writes: JSON bodies, the one JSON error shape
 * {"error": {"code", "message", "field"?}}, empty replies, headers, cookies.
 */

#include "ngx_taskmgr.h"


static void ngx_taskmgr_json_cleanup(void *data);


/* takes the reference to obj (NULL: the JSON could not be built) */

ngx_int_t
ngx_taskmgr_send_json(ngx_http_request_t *r, ngx_uint_t status, json_t *obj)
{
    ngx_int_t  rc;
    ngx_str_t  text;

    if (obj == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_taskmgr_json_dump(r->pool, obj, &text);
    json_decref(obj);

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_text(r, status, text.data, text.len);
}


/* data: JSON text in the request's pool */

ngx_int_t
ngx_taskmgr_send_text(ngx_http_request_t *r, ngx_uint_t status, u_char *data,
    size_t len)
{
    ngx_int_t     rc;
    ngx_buf_t    *b;
    ngx_chain_t   out;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = data;
    b->last = data + len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    /* If-Match and ETag are the API's own business: nginx's conditional
     * request filter must not answer 412/304 for it */
    r->disable_not_modified = 1;

    r->headers_out.status = status;
    r->headers_out.content_length_n = len;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    if (ngx_taskmgr_add_header(r, "Cache-Control", NULL) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


ngx_int_t
ngx_taskmgr_send_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *message, const char *field)
{
    json_t  *err;

    ngx_taskmgr_metrics_error(r, code);

    err = json_pack("{s:s, s:s}", "code", code, "message", message);

    if (err && field) {
        json_object_set_new(err, "field", json_string(field));
    }

    return ngx_taskmgr_send_json(r, status,
                                 err ? json_pack("{s:o}", "error", err)
                                     : NULL);
}


ngx_int_t
ngx_taskmgr_send_empty(ngx_http_request_t *r, ngx_uint_t status)
{
    ngx_int_t  rc;

    r->headers_out.status = status;
    r->headers_out.content_length_n = 0;
    r->header_only = 1;

    if (ngx_taskmgr_add_header(r, "Cache-Control", NULL) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK) {
        return rc;
    }

    return ngx_http_send_special(r, NGX_HTTP_LAST);
}


/* value NULL adds "Cache-Control: no-store" (API replies are private) */

ngx_int_t
ngx_taskmgr_add_header(ngx_http_request_t *r, const char *name,
    ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) name;
    h->key.len = ngx_strlen(name);

    if (value) {
        h->value = *value;

    } else {
        ngx_str_set(&h->value, "no-store");
    }

    return NGX_OK;
}


/*
 * The session cookies.  Where Secure is on they are __Host- cookies on the
 * whole site: no other host (a sibling subdomain) can set or shadow them.
 * Plain http on loopback cannot hold those: there the names are bare and
 * each is scoped to the part of the API that reads it.
 */

static const struct {
    const char                *name;
    const char                *host_name;
    const char                *path;
} ngx_taskmgr_cookies[] = {
    { "tm_access", "__Host-tm_access", "/api" },
    { "tm_refresh", "__Host-tm_refresh", "/api/users" },
};


const char *
ngx_taskmgr_cookie_name(ngx_http_request_t *r, ngx_uint_t which,
    const char **path)
{
    ngx_taskmgr_main_conf_t  *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_taskmgr_module);

    if (mcf->cookie_secure) {
        *path = "/";
        return ngx_taskmgr_cookies[which].host_name;
    }

    *path = ngx_taskmgr_cookies[which].path;

    return ngx_taskmgr_cookies[which].name;
}


/* the session's two cookies deleted: logout, account deletion */

ngx_int_t
ngx_taskmgr_clear_cookies(ngx_http_request_t *r)
{
    if (ngx_taskmgr_set_cookie(r, NGX_TASKMGR_COOKIE_ACCESS, "", 0) != NGX_OK
        || ngx_taskmgr_set_cookie(r, NGX_TASKMGR_COOKIE_REFRESH, "", 0)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* HttpOnly, SameSite=Strict, Secure unless the conf turns it off (plain
 * http on loopback); max_age 0 deletes the cookie */

ngx_int_t
ngx_taskmgr_set_cookie(ngx_http_request_t *r, ngx_uint_t which,
    const char *value, time_t max_age)
{
    size_t                    len;
    ngx_str_t                 v;
    const char               *name, *path;
    ngx_taskmgr_main_conf_t  *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_taskmgr_module);
    name = ngx_taskmgr_cookie_name(r, which, &path);

    len = ngx_strlen(name) + ngx_strlen(value) + ngx_strlen(path)
          + sizeof("=; Path=; Max-Age=; HttpOnly; SameSite=Strict; Secure")
          + NGX_TIME_T_LEN;

    v.data = ngx_pnalloc(r->pool, len);
    if (v.data == NULL) {
        return NGX_ERROR;
    }

    v.len = ngx_sprintf(v.data, "%s=%s; Path=%s; Max-Age=%T; HttpOnly; "
                        "SameSite=Strict%s", name, value, path, max_age,
                        mcf->cookie_secure ? "; Secure" : "")
            - v.data;

    return ngx_taskmgr_add_header(r, "Set-Cookie", &v);
}


/*
 * obj as compact JSON text in the pool.  One dump for most values, a
 * second only past the first guess: asking jansson for the size first
 * (a NULL buffer) dumps everything twice, which was a sixth of a create.
 */

ngx_int_t
ngx_taskmgr_json_dump(ngx_pool_t *pool, const json_t *obj, ngx_str_t *out)
{
    size_t   len, size;
    u_char  *p;

    size = 2048;

    for ( ;; ) {
        p = ngx_pnalloc(pool, size);
        if (p == NULL) {
            return NGX_ERROR;
        }

        len = json_dumpb(obj, (char *) p, size, JSON_COMPACT);

        if (len == 0) {
            return NGX_ERROR;
        }

        if (len <= size) {
            out->data = p;
            out->len = len;
            return NGX_OK;
        }

        size = len;
    }
}


/* jansson values that live as long as the request */

void
ngx_taskmgr_json_track(ngx_http_request_t *r, json_t *obj)
{
    ngx_pool_cleanup_t  *cln;

    if (obj == NULL) {
        return;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        /* keep it rather than free it while still in use */
        return;
    }

    cln->handler = ngx_taskmgr_json_cleanup;
    cln->data = obj;
}


static void
ngx_taskmgr_json_cleanup(void *data)
{
    json_decref(data);
}


ngx_int_t
ngx_taskmgr_unauthorized(ngx_http_request_t *r, const char *message)
{
    ngx_str_t  v = ngx_string("Bearer");

    if (ngx_taskmgr_add_header(r, "WWW-Authenticate", &v) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_error(r, NGX_HTTP_UNAUTHORIZED, "unauthorized",
                                  message, NULL);
}
