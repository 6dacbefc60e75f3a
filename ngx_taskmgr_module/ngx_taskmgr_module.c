/*
 * taskmgr: directives, configuration and request routing.  Each service is
 * a location directive (taskmgr_users, taskmgr_health, ...); the endpoints,
 * names and credentials they share are http-level directives.
 */

#include "ngx_taskmgr.h"
#include <openssl/rand.h>


static ngx_int_t ngx_taskmgr_content_handler(ngx_http_request_t *r);
static ngx_int_t ngx_taskmgr_reject_handler(ngx_http_request_t *r);
static void ngx_taskmgr_body_ready(ngx_http_request_t *r);
static void ngx_taskmgr_ctx_cleanup(void *data);
static ngx_int_t ngx_taskmgr_method_allowed(ngx_http_request_t *r,
    ngx_uint_t methods);
static ngx_int_t ngx_taskmgr_csrf_ok(ngx_http_request_t *r);
static ngx_int_t ngx_taskmgr_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_taskmgr_host_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static void *ngx_taskmgr_create_main_conf(ngx_conf_t *cf);
static char *ngx_taskmgr_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_taskmgr_create_loc_conf(ngx_conf_t *cf);
static char *ngx_taskmgr_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_taskmgr_service(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_taskmgr_reject(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_taskmgr_endpoint(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_taskmgr_credentials(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_taskmgr_revocation_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


static ngx_command_t  ngx_taskmgr_commands[] = {

    { ngx_string("taskmgr_region"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, region),
      NULL },

    { ngx_string("taskmgr_table"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, table),
      NULL },

    { ngx_string("taskmgr_dynamodb_endpoint"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_taskmgr_endpoint,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, dynamodb),
      NULL },

    { ngx_string("taskmgr_cognito_endpoint"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_taskmgr_endpoint,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, cognito),
      NULL },

    { ngx_string("taskmgr_user_pool"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, user_pool),
      NULL },

    { ngx_string("taskmgr_client_id"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, client_id),
      NULL },

    { ngx_string("taskmgr_aws_credentials"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE23,
      ngx_taskmgr_credentials,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("taskmgr_aws_credentials_endpoint"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, credentials_endpoint),
      NULL },

    { ngx_string("taskmgr_aws_credentials_token"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, credentials_token),
      NULL },

    { ngx_string("taskmgr_cookie_secure"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, cookie_secure),
      NULL },

    { ngx_string("taskmgr_require_confirmation"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, require_confirmation),
      NULL },

    { ngx_string("taskmgr_max_body"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, max_body),
      NULL },

    { ngx_string("taskmgr_jwks_refresh"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, jwks_refresh),
      NULL },

    { ngx_string("taskmgr_revocation_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_taskmgr_revocation_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("taskmgr_revocation_cache"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, revocation_cache),
      NULL },

    { ngx_string("taskmgr_refresh_cookie_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, refresh_cookie_ttl),
      NULL },

    { ngx_string("taskmgr_cursor_key"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, cursor_key),
      NULL },

    { ngx_string("taskmgr_reminder_shards"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, reminder_shards),
      NULL },

    { ngx_string("taskmgr_notification_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, notification_ttl),
      NULL },

    { ngx_string("taskmgr_test_faults"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, test_faults),
      NULL },

    { ngx_string("taskmgr_users"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_taskmgr_service,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      (void *) NGX_TASKMGR_SVC_USERS },

    { ngx_string("taskmgr_tasks"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_taskmgr_service,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      (void *) NGX_TASKMGR_SVC_TASKS },

    { ngx_string("taskmgr_notifications"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_taskmgr_service,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      (void *) NGX_TASKMGR_SVC_NOTIFICATIONS },

    { ngx_string("taskmgr_health"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_taskmgr_service,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      (void *) NGX_TASKMGR_SVC_HEALTH },

    { ngx_string("taskmgr_reject"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_taskmgr_reject,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_taskmgr_module_ctx = {
    ngx_taskmgr_add_variables,             /* preconfiguration */
    NULL,                                  /* postconfiguration */

    ngx_taskmgr_create_main_conf,          /* create main configuration */
    ngx_taskmgr_init_main_conf,            /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_taskmgr_create_loc_conf,           /* create location configuration */
    ngx_taskmgr_merge_loc_conf             /* merge location configuration */
};


ngx_module_t  ngx_taskmgr_module = {
    NGX_MODULE_V1,
    &ngx_taskmgr_module_ctx,               /* module context */
    ngx_taskmgr_commands,                  /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_taskmgr_content_handler(ngx_http_request_t *r)
{
    ngx_taskmgr_loc_conf_t  *lcf;

    lcf = ngx_http_get_module_loc_conf(r, ngx_taskmgr_module);

    switch (lcf->service) {

    case NGX_TASKMGR_SVC_USERS:
        return ngx_taskmgr_users_handler(r);

    case NGX_TASKMGR_SVC_TASKS:
        return ngx_taskmgr_tasks_handler(r);

    case NGX_TASKMGR_SVC_NOTIFICATIONS:
        return ngx_taskmgr_notifications_handler(r);

    case NGX_TASKMGR_SVC_HEALTH:
        return ngx_taskmgr_health_handler(r);

    default:
        return ngx_taskmgr_reject_handler(r);
    }
}


static ngx_int_t
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


/*
 * Finds the route, checks method, CSRF header and declared size, then reads
 * the body; the route's handler runs once it is in memory.
 */

ngx_int_t
ngx_taskmgr_dispatch(ngx_http_request_t *r, const ngx_taskmgr_route_t *routes)
{
    ngx_int_t                   rc;
    ngx_str_t                   allow;
    ngx_taskmgr_ctx_t          *ctx;
    ngx_pool_cleanup_t         *cln;
    const ngx_taskmgr_route_t  *rt;
    ngx_taskmgr_main_conf_t    *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_taskmgr_module);

    for (rt = routes; rt->path.len; rt++) {

        if (rt->path.data[rt->path.len - 1] == '/') {
            if (r->uri.len > rt->path.len
                && ngx_strncmp(r->uri.data, rt->path.data, rt->path.len) == 0
                && ngx_strlchr(r->uri.data + rt->path.len,
                               r->uri.data + r->uri.len, '/') == NULL)
            {
                break;
            }

            continue;
        }

        if (r->uri.len == rt->path.len
            && ngx_strncmp(r->uri.data, rt->path.data, rt->path.len) == 0)
        {
            break;
        }
    }

    if (rt->path.len == 0 || ngx_taskmgr_method_allowed(r, rt->methods)
                             != NGX_OK)
    {
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            r->keepalive = 0;
        }

        if (rt->path.len == 0) {
            return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                          "no such route", NULL);
        }

        allow.data = ngx_pnalloc(r->pool, sizeof("GET, POST, PATCH, DELETE"));
        if (allow.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        allow.len = 0;
        if (rt->methods & NGX_HTTP_GET) {
            allow.len = ngx_sprintf(allow.data, "GET") - allow.data;
        }

        if (rt->methods & NGX_HTTP_POST) {
            allow.len = ngx_sprintf(allow.data + allow.len, "%sPOST",
                                    allow.len ? ", " : "") - allow.data;
        }

        if (rt->methods & NGX_HTTP_PATCH) {
            allow.len = ngx_sprintf(allow.data + allow.len, "%sPATCH",
                                    allow.len ? ", " : "") - allow.data;
        }

        if (rt->methods & NGX_HTTP_DELETE) {
            allow.len = ngx_sprintf(allow.data + allow.len, "%sDELETE",
                                    allow.len ? ", " : "") - allow.data;
        }

        if (ngx_taskmgr_add_header(r, "Allow", &allow) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_ALLOWED,
                                      "method_not_allowed",
                                      "method not allowed on this route",
                                      NULL);
    }

    if (!ngx_taskmgr_csrf_ok(r)) {
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            r->keepalive = 0;
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_FORBIDDEN, "csrf",
                                      "the X-Requested-With header is "
                                      "required", NULL);
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->conf = mcf;
    ctx->route = rt;

    if (rt->path.data[rt->path.len - 1] == '/') {
        ctx->path_arg.data = r->uri.data + rt->path.len;
        ctx->path_arg.len = r->uri.len - rt->path.len;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_taskmgr_ctx_cleanup;
    cln->data = ctx;

    ngx_http_set_ctx(r, ctx, ngx_taskmgr_module);

    rc = ngx_taskmgr_body_check(r, ctx);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_http_read_client_request_body(r, ngx_taskmgr_body_ready);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_taskmgr_body_ready(ngx_http_request_t *r)
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


char *
ngx_taskmgr_cstr(ngx_pool_t *pool, u_char *data, size_t len)
{
    u_char  *p;

    p = ngx_pnalloc(pool, len + 1);
    if (p == NULL) {
        return NULL;
    }

    ngx_memcpy(p, data, len);
    p[len] = '\0';

    return (char *) p;
}


void
ngx_taskmgr_strcat(char *dst, size_t size, const char *src)
{
    size_t  len;

    len = ngx_strlen(dst);

    if (len + 1 < size) {
        ngx_cpystrn((u_char *) dst + len, (u_char *) src, size - len);
    }
}


ngx_int_t
ngx_taskmgr_fault(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *name)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    if (!ctx->conf->test_faults) {
        return 0;
    }

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

        if (h[i].key.len == sizeof("X-Taskmgr-Fault") - 1
            && ngx_strncasecmp(h[i].key.data, (u_char *) "X-Taskmgr-Fault",
                               h[i].key.len) == 0
            && h[i].value.len == ngx_strlen(name)
            && ngx_strncmp(h[i].value.data, name, h[i].value.len) == 0)
        {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "taskmgr: test fault \"%s\"", name);
            return 1;
        }
    }
}


/* the jansson values a ctx holds across calls */

static void
ngx_taskmgr_ctx_cleanup(void *data)
{
    ngx_taskmgr_ctx_t *ctx = data;

    json_decref(ctx->reply);
    json_decref(ctx->claims);
    ctx->reply = NULL;
    ctx->claims = NULL;
}


static ngx_int_t
ngx_taskmgr_method_allowed(ngx_http_request_t *r, ngx_uint_t methods)
{
    return (r->method & methods) ? NGX_OK : NGX_DECLINED;
}


/*
 * Cookie-carried sessions need a header that a cross-site form cannot set;
 * bearer-token clients are not exposed to CSRF.
 */

static ngx_int_t
ngx_taskmgr_csrf_ok(ngx_http_request_t *r)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

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

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == sizeof("X-Requested-With") - 1
            && ngx_strncasecmp(h[i].key.data, (u_char *) "X-Requested-With",
                               h[i].key.len) == 0
            && h[i].value.len > 0)
        {
            return 1;
        }
    }

    return 0;
}


/*
 * $taskmgr_host: the Host a subrequest of the module signed, for the
 * internal locations' "proxy_set_header Host".  Not $http_host: a request
 * and its subrequests share cached variable values, so a second call would
 * go out with the first call's host.
 */

static ngx_int_t
ngx_taskmgr_add_variables(ngx_conf_t *cf)
{
    ngx_str_t             name = ngx_string("taskmgr_host");
    ngx_http_variable_t  *var;

    var = ngx_http_add_variable(cf, &name, NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_ERROR;
    }

    var->get_handler = ngx_taskmgr_host_variable;

    return NGX_OK;
}


static ngx_int_t
ngx_taskmgr_host_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    if (r->headers_in.host == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = r->headers_in.host->value.data;
    v->len = r->headers_in.host->value.len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


static void *
ngx_taskmgr_create_main_conf(ngx_conf_t *cf)
{
    ngx_taskmgr_main_conf_t  *mcf;

    mcf = ngx_pcalloc(cf->pool, sizeof(ngx_taskmgr_main_conf_t));
    if (mcf == NULL) {
        return NULL;
    }

    mcf->cookie_secure = NGX_CONF_UNSET;
    mcf->require_confirmation = NGX_CONF_UNSET;
    mcf->max_body = NGX_CONF_UNSET_SIZE;
    mcf->jwks_refresh = NGX_CONF_UNSET;
    mcf->revocation_cache = NGX_CONF_UNSET;
    mcf->refresh_cookie_ttl = NGX_CONF_UNSET;
    mcf->reminder_shards = NGX_CONF_UNSET_UINT;
    mcf->notification_ttl = NGX_CONF_UNSET;
    mcf->test_faults = NGX_CONF_UNSET;

    return mcf;
}


static char *
ngx_taskmgr_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_taskmgr_main_conf_t *mcf = conf;

    ngx_str_t   zone = ngx_string("taskmgr_revoked");
    u_char     *p;

    ngx_conf_init_value(mcf->cookie_secure, 1);
    ngx_conf_init_value(mcf->require_confirmation, 0);
    ngx_conf_init_size_value(mcf->max_body, 64 * 1024);
    ngx_conf_init_value(mcf->jwks_refresh, 30);
    ngx_conf_init_value(mcf->revocation_cache, 5);
    ngx_conf_init_value(mcf->refresh_cookie_ttl, 30 * 24 * 3600);
    ngx_conf_init_uint_value(mcf->reminder_shards, 8);
    ngx_conf_init_value(mcf->notification_ttl, 30 * 24 * 3600);
    ngx_conf_init_value(mcf->test_faults, 0);

    if (mcf->test_faults) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "taskmgr_test_faults is on: clients can make "
                           "requests fail on purpose");
    }

    if (mcf->reminder_shards == 0 || mcf->reminder_shards > 1000) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "taskmgr_reminder_shards must be 1 to 1000");
        return NGX_CONF_ERROR;
    }

    /* cursors must verify on every node: without a configured key they
     * only do within this nginx's lifetime */
    if (mcf->cursor_key.len == 0) {
        mcf->cursor_key.data = ngx_pnalloc(cf->pool, 32);
        if (mcf->cursor_key.data == NULL
            || RAND_bytes(mcf->cursor_key.data, 32) != 1)
        {
            return NGX_CONF_ERROR;
        }

        mcf->cursor_key.len = 32;

        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "no taskmgr_cursor_key: page cursors are signed "
                           "with a random key and fail after a restart or "
                           "on another node");

    } else if (mcf->cursor_key.len < 16) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "taskmgr_cursor_key needs at least 16 characters");
        return NGX_CONF_ERROR;
    }

    if (mcf->region.len == 0) {
        ngx_str_set(&mcf->region, "us-east-1");
    }

    if (mcf->table.len == 0) {
        ngx_str_set(&mcf->table, "TaskManager");
    }

    if (mcf->credentials_endpoint.len && mcf->access_key.len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "taskmgr_aws_credentials and "
                           "taskmgr_aws_credentials_endpoint exclude each "
                           "other");
        return NGX_CONF_ERROR;
    }

    if (mcf->credentials_endpoint.len == 0 && mcf->access_key.len == 0) {
        /* unsigned calls fail on AWS; the local stand-ins want a
         * signature's shape only */
        ngx_str_set(&mcf->access_key, "none");
        ngx_str_set(&mcf->secret_key, "none");
    }

    if (mcf->revocation_zone == NULL) {
        mcf->revocation_zone = ngx_taskmgr_revoke_zone_add(cf, &zone,
                                                           1024 * 1024);
        if (mcf->revocation_zone == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    /* Cognito's issuer is its endpoint plus the pool id; the keys are at
     * <issuer>/.well-known/jwks.json, reached through the cognito location */

    if (mcf->cognito.url.len && mcf->user_pool.len) {
        mcf->issuer.len = mcf->cognito.url.len + 1 + mcf->user_pool.len;
        mcf->issuer.data = ngx_pnalloc(cf->pool, mcf->issuer.len + 1);
        if (mcf->issuer.data == NULL) {
            return NGX_CONF_ERROR;
        }

        p = ngx_sprintf(mcf->issuer.data, "%V/%V%Z", &mcf->cognito.url,
                        &mcf->user_pool);
        (void) p;

        mcf->jwks_uri.len = sizeof("/_taskmgr/cognito/") - 1
                            + mcf->user_pool.len
                            + sizeof("/.well-known/jwks.json") - 1;
        mcf->jwks_uri.data = ngx_pnalloc(cf->pool, mcf->jwks_uri.len);
        if (mcf->jwks_uri.data == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_sprintf(mcf->jwks_uri.data, "/_taskmgr/cognito/%V"
                    "/.well-known/jwks.json", &mcf->user_pool);
    }

    return NGX_CONF_OK;
}


static void *
ngx_taskmgr_create_loc_conf(ngx_conf_t *cf)
{
    ngx_taskmgr_loc_conf_t  *lcf;

    lcf = ngx_pcalloc(cf->pool, sizeof(ngx_taskmgr_loc_conf_t));
    if (lcf == NULL) {
        return NULL;
    }

    return lcf;
}


static char *
ngx_taskmgr_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    return NGX_CONF_OK;
}


static char *
ngx_taskmgr_set_handler(ngx_conf_t *cf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_taskmgr_content_handler;

    return NGX_CONF_OK;
}


static char *
ngx_taskmgr_service(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_taskmgr_loc_conf_t *lcf = conf;

    ngx_taskmgr_main_conf_t  *mcf;

    if (lcf->service != NGX_TASKMGR_SVC_NONE) {
        return "is duplicate";
    }

    lcf->service = (ngx_uint_t) cmd->post;

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_taskmgr_module);

    if (lcf->service != NGX_TASKMGR_SVC_HEALTH
        && (mcf->user_pool.len == 0 || mcf->client_id.len == 0
            || mcf->cognito.url.len == 0 || mcf->dynamodb.url.len == 0))
    {
        return "needs taskmgr_user_pool, taskmgr_client_id, "
               "taskmgr_cognito_endpoint and taskmgr_dynamodb_endpoint "
               "before it";
    }

    return ngx_taskmgr_set_handler(cf);
}


static char *
ngx_taskmgr_reject(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_taskmgr_loc_conf_t *lcf = conf;

    ngx_int_t   n;
    ngx_str_t  *value;

    if (lcf->service != NGX_TASKMGR_SVC_NONE) {
        return "is duplicate";
    }

    value = cf->args->elts;

    n = ngx_atoi(value[1].data, value[1].len);
    if (n != NGX_HTTP_NOT_FOUND && n != NGX_HTTP_REQUEST_ENTITY_TOO_LARGE
        && n != NGX_HTTP_TOO_MANY_REQUESTS)
    {
        return "takes 404, 413 or 429";
    }

    lcf->service = NGX_TASKMGR_SVC_REJECT;
    lcf->reject_status = n;

    return ngx_taskmgr_set_handler(cf);
}


static char *
ngx_taskmgr_endpoint(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    u_char                  *host;
    ngx_str_t               *value;
    ngx_taskmgr_endpoint_t  *ep;

    ep = (ngx_taskmgr_endpoint_t *) (p + cmd->offset);

    if (ep->url.len) {
        return "is duplicate";
    }

    value = cf->args->elts;
    ep->url = value[1];

    while (ep->url.len && ep->url.data[ep->url.len - 1] == '/') {
        ep->url.len--;
    }

    if (ep->url.len > 7
        && ngx_strncasecmp(ep->url.data, (u_char *) "http://", 7) == 0)
    {
        host = ep->url.data + 7;

    } else if (ep->url.len > 8
               && ngx_strncasecmp(ep->url.data, (u_char *) "https://", 8)
                  == 0)
    {
        host = ep->url.data + 8;

    } else {
        return "needs an http:// or https:// URL";
    }

    ep->host.len = ep->url.data + ep->url.len - host;

    if (ep->host.len == 0 || ngx_strlchr(host, host + ep->host.len, '/')) {
        return "needs a URL with a host and no path";
    }

    ep->host.data = ngx_pnalloc(cf->pool, ep->host.len + 1);
    if (ep->host.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(ep->host.data, host, ep->host.len);
    ep->host.data[ep->host.len] = '\0';

    return NGX_CONF_OK;
}


static char *
ngx_taskmgr_credentials(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_taskmgr_main_conf_t *mcf = conf;

    ngx_str_t  *value;

    if (mcf->access_key.len) {
        return "is duplicate";
    }

    value = cf->args->elts;

    mcf->access_key = value[1];
    mcf->secret_key = value[2];

    if (cf->args->nelts == 4) {
        mcf->session_token = value[3];
    }

    return NGX_CONF_OK;
}


static char *
ngx_taskmgr_revocation_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_taskmgr_main_conf_t *mcf = conf;

    u_char     *p;
    ssize_t     size;
    ngx_str_t  *value, name, s;

    if (mcf->revocation_zone) {
        return "is duplicate";
    }

    value = cf->args->elts;

    p = (u_char *) ngx_strchr(value[1].data, ':');
    if (p == NULL) {
        return "needs name:size";
    }

    name.data = value[1].data;
    name.len = p - value[1].data;

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);
    if (name.len == 0 || size == NGX_ERROR
        || size < (ssize_t) (8 * ngx_pagesize))
    {
        return "needs name:size, size at least 8 pages";
    }

    mcf->revocation_zone = ngx_taskmgr_revoke_zone_add(cf, &name, size);
    if (mcf->revocation_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}
