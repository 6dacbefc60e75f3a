/*
 * The content handler of every service location: finds the route in the
 * location's table (a service directive's cmd->post), checks the method,
 * the CSRF header and the declared size, reads the body, authenticates
 * the caller when the route asks, then runs the route's handler.  Also
 * the handler of taskmgr_reject locations.
 */

#include "ngx_taskmgr.h"


static const ngx_taskmgr_route_t *ngx_taskmgr_dispatch_find(
    ngx_http_request_t *r, const ngx_taskmgr_route_t *routes);
static ngx_uint_t ngx_taskmgr_route_match(const ngx_taskmgr_route_t *rt,
    ngx_str_t *uri, ngx_str_t *arg);
static ngx_int_t ngx_taskmgr_dispatch_refuse(ngx_http_request_t *r,
    const ngx_taskmgr_route_t *rt);
static ngx_taskmgr_ctx_t *ngx_taskmgr_dispatch_ctx(ngx_http_request_t *r,
    const ngx_taskmgr_route_t *rt);
static void ngx_taskmgr_dispatch_body(ngx_http_request_t *r);
static void ngx_taskmgr_ctx_cleanup(void *data);
static ngx_int_t ngx_taskmgr_csrf_ok(ngx_http_request_t *r);


ngx_int_t
ngx_taskmgr_dispatch(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_taskmgr_ctx_t          *ctx;
    ngx_taskmgr_loc_conf_t     *lcf;
    const ngx_taskmgr_route_t  *rt;

    lcf = ngx_http_get_module_loc_conf(r, ngx_taskmgr_module);

    rt = ngx_taskmgr_dispatch_find(r, lcf->routes);

    /* HEAD is a GET whose body nginx leaves out: the same route */
    if (rt == NULL
        || !(r->method & rt->methods
             || (r->method == NGX_HTTP_HEAD && (rt->methods & NGX_HTTP_GET)))
        || !ngx_taskmgr_csrf_ok(r))
    {
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            r->keepalive = 0;
        }

        return ngx_taskmgr_dispatch_refuse(r, rt);
    }

    ctx = ngx_taskmgr_dispatch_ctx(r, rt);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_taskmgr_body_check(r, ctx);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_http_read_client_request_body(r, ngx_taskmgr_dispatch_body);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


/* an exact path, or a prefix ending '/' followed by one segment */

static const ngx_taskmgr_route_t *
ngx_taskmgr_dispatch_find(ngx_http_request_t *r,
    const ngx_taskmgr_route_t *routes)
{
    ngx_str_t                   arg;
    const ngx_taskmgr_route_t  *rt;

    for (rt = routes; rt->path.len; rt++) {
        if (ngx_taskmgr_route_match(rt, &r->uri, &arg)) {
            return rt;
        }
    }

    return NULL;
}


/*
 * A route's path is exact ("/api/tasks"), a prefix ending '/' whose rest is
 * one segment, the argument ("/api/tasks/" + id), or has one "{}" segment,
 * the argument, between a prefix and a suffix
 * ("/api/notifications/{}/snooze").
 */

static ngx_uint_t
ngx_taskmgr_route_match(const ngx_taskmgr_route_t *rt, ngx_str_t *uri,
    ngx_str_t *arg)
{
    u_char  *hole, *end, *slash;
    size_t   pre, post;

    arg->len = 0;
    arg->data = NULL;
    end = rt->path.data + rt->path.len;

    hole = ngx_strlchr(rt->path.data, end, '{');

    if (hole) {
        pre = hole - rt->path.data;
        post = end - (hole + 2);

        if (uri->len <= pre + post
            || ngx_strncmp(uri->data, rt->path.data, pre) != 0
            || ngx_strncmp(uri->data + uri->len - post, hole + 2, post) != 0)
        {
            return 0;
        }

        arg->data = uri->data + pre;
        arg->len = uri->len - pre - post;

        return ngx_strlchr(arg->data, arg->data + arg->len, '/') == NULL;
    }

    if (rt->path.data[rt->path.len - 1] == '/') {
        slash = uri->data + rt->path.len;

        if (uri->len > rt->path.len
            && ngx_strncmp(uri->data, rt->path.data, rt->path.len) == 0
            && ngx_strlchr(slash, uri->data + uri->len, '/') == NULL)
        {
            arg->data = slash;
            arg->len = uri->len - rt->path.len;
            return 1;
        }

        return 0;
    }

    return uri->len == rt->path.len
           && ngx_strncmp(uri->data, rt->path.data, rt->path.len) == 0;
}


/* no such route, a method it does not take (with Allow), or no CSRF
 * header */

static ngx_int_t
ngx_taskmgr_dispatch_refuse(ngx_http_request_t *r,
    const ngx_taskmgr_route_t *rt)
{
    u_char      *p;
    ngx_str_t    allow;
    ngx_uint_t   i;

    static const struct {
        ngx_uint_t   method;
        const char  *name;
    }  methods[] = {
        { NGX_HTTP_GET, "GET" }, { NGX_HTTP_GET, "HEAD" },
        { NGX_HTTP_POST, "POST" }, { NGX_HTTP_PATCH, "PATCH" },
        { NGX_HTTP_DELETE, "DELETE" }
    };

    if (rt == NULL) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such route", NULL);
    }

    if (r->method & rt->methods) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_FORBIDDEN, "csrf",
                                      "the X-Requested-With header is "
                                      "required", NULL);
    }

    allow.data = ngx_pnalloc(r->pool,
                             sizeof("GET, HEAD, POST, PATCH, DELETE"));
    if (allow.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = allow.data;

    for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (rt->methods & methods[i].method) {
            p = ngx_sprintf(p, "%s%s", p == allow.data ? "" : ", ",
                            methods[i].name);
        }
    }

    allow.len = p - allow.data;

    if (ngx_taskmgr_add_header(r, "Allow", &allow) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_ALLOWED,
                                  "method_not_allowed",
                                  "method not allowed on this route", NULL);
}


static ngx_taskmgr_ctx_t *
ngx_taskmgr_dispatch_ctx(ngx_http_request_t *r,
    const ngx_taskmgr_route_t *rt)
{
    ngx_taskmgr_ctx_t   *ctx;
    ngx_pool_cleanup_t  *cln;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_ctx_t));
    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (ctx == NULL || cln == NULL) {
        return NULL;
    }

    ctx->conf = ngx_http_get_module_main_conf(r, ngx_taskmgr_module);
    ctx->route = rt;

    (void) ngx_taskmgr_route_match(rt, &r->uri, &ctx->path_arg);

    cln->handler = ngx_taskmgr_ctx_cleanup;
    cln->data = ctx;

    ngx_http_set_ctx(r, ctx, ngx_taskmgr_module);

    return ctx;
}


/* the body is in memory: parse it, authenticate, run the route */

static void
ngx_taskmgr_dispatch_body(ngx_http_request_t *r)
{
    ngx_int_t           rc;
    ngx_taskmgr_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_taskmgr_module);

    rc = ngx_taskmgr_body_parse(r, ctx);

    if (rc == NGX_DECLINED) {
        if (ctx->route->auth != NGX_TASKMGR_AUTH_NONE) {
            rc = ngx_taskmgr_auth(r, ctx, ctx->route->auth,
                                  ctx->route->handler);

        } else {
            rc = ctx->route->handler(r, ctx);
        }
    }

    if (rc != NGX_DONE) {
        ngx_http_finalize_request(r, rc);
    }
}


ngx_int_t
ngx_taskmgr_reject_handler(ngx_http_request_t *r)
{
    ngx_str_t                retry = ngx_string("1");
    ngx_taskmgr_loc_conf_t  *lcf;

    lcf = ngx_http_get_module_loc_conf(r, ngx_taskmgr_module);

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        r->keepalive = 0;
    }

    switch (lcf->reject_status) {

    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
        r->keepalive = 0;
        return ngx_taskmgr_send_error(r, lcf->reject_status,
                                      "payload_too_large",
                                      "the request body is too large", NULL);

    case NGX_HTTP_BAD_REQUEST:
        /* nginx's own: a request line or header it cannot parse (a NUL in
         * the path, bytes a header may not hold, headers too large) */
        r->keepalive = 0;
        return ngx_taskmgr_send_error(r, lcf->reject_status, "bad_request",
                                      "the request is malformed", NULL);

    case NGX_HTTP_NOT_ALLOWED:
        /* nginx's own: TRACE and CONNECT, refused before any location */
        return ngx_taskmgr_send_error(r, lcf->reject_status,
                                      "method_not_allowed",
                                      "method not allowed", NULL);

    case NGX_HTTP_TOO_MANY_REQUESTS:
        if (ngx_taskmgr_add_header(r, "Retry-After", &retry) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_taskmgr_send_error(r, lcf->reject_status, "rate_limited",
                                      "too many requests, retry later", NULL);

    default:
        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such route", NULL);
    }
}


/* the jansson values a ctx holds across calls */

static void
ngx_taskmgr_ctx_cleanup(void *data)
{
    ngx_taskmgr_ctx_t *ctx = data;

    json_decref(ctx->call.reply);
    json_decref(ctx->auth.claims);
    ctx->call.reply = NULL;
    ctx->auth.claims = NULL;
}


/*
 * Cookie-carried sessions need a header that a cross-site form cannot set;
 * bearer-token clients are not exposed to CSRF.
 */

static ngx_int_t
ngx_taskmgr_csrf_ok(ngx_http_request_t *r)
{
    if (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)) {
        return 1;
    }

    if (r->headers_in.authorization
        && r->headers_in.authorization->value.len > 7
        && ngx_strncasecmp(r->headers_in.authorization->value.data,
                           (u_char *) "Bearer ", 7) == 0)
    {
        return 1;
    }

    return ngx_taskmgr_header_has(r, "X-Requested-With", NULL);
}
