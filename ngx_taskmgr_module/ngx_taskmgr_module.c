/*
 * taskmgr: directives and configuration.  Each service is a location
 * directive (taskmgr_users, taskmgr_health, ...) whose cmd->post is the
 * service's route table; the location's content handler dispatches on it
 * (ngx_taskmgr_dispatch.c).  The endpoints, names and credentials the
 * services share are http-level directives.
 */

#include "ngx_taskmgr.h"
#include <openssl/rand.h>


static ngx_int_t ngx_taskmgr_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_taskmgr_host_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static void *ngx_taskmgr_create_main_conf(ngx_conf_t *cf);
static char *ngx_taskmgr_init_main_conf(ngx_conf_t *cf, void *conf);
static char *ngx_taskmgr_init_issuer(ngx_conf_t *cf,
    ngx_taskmgr_main_conf_t *mcf);
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
static char *ngx_taskmgr_metrics(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_taskmgr_postconfiguration(ngx_conf_t *cf);


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

    /* the prefix of the nchan publisher ("pub/<sub>") and subscriber
     * ("sub/<sub>") locations; unset: no push */
    { ngx_string("taskmgr_events_location"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, events),
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

    { ngx_string("taskmgr_max_tasks"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, max_tasks),
      NULL },

    { ngx_string("taskmgr_max_completions"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, max_completions),
      NULL },

    { ngx_string("taskmgr_health_cache"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_taskmgr_main_conf_t, health_cache),
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
      (void *) ngx_taskmgr_users_routes },

    { ngx_string("taskmgr_tasks"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_taskmgr_service,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      (void *) ngx_taskmgr_tasks_routes },

    { ngx_string("taskmgr_notifications"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_taskmgr_service,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      (void *) ngx_taskmgr_notifs_routes },

    { ngx_string("taskmgr_health"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_taskmgr_service,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      (void *) ngx_taskmgr_health_routes },

    { ngx_string("taskmgr_events"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_taskmgr_service,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      (void *) ngx_taskmgr_events_routes },

    { ngx_string("taskmgr_reject"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_taskmgr_reject,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("taskmgr_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_taskmgr_metrics,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_taskmgr_module_ctx = {
    ngx_taskmgr_add_variables,             /* preconfiguration */
    ngx_taskmgr_postconfiguration,         /* postconfiguration */

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


/*
 * $taskmgr_host: the Host a subrequest of the module signed, for the
 * internal locations' "proxy_set_header Host".  Not $http_host: a request
 * and its subrequests share cached variable values, so a second call would
 * go out with the first call's host.
 */

static ngx_int_t
ngx_taskmgr_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var;

    static ngx_str_t  host = ngx_string("taskmgr_host");
    static ngx_str_t  user = ngx_string("taskmgr_user");

    var = ngx_http_add_variable(cf, &host, NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_ERROR;
    }

    var->get_handler = ngx_taskmgr_host_variable;

    /* $taskmgr_user: see ngx_taskmgr_auth.c */
    var = ngx_http_add_variable(cf, &user, 0);
    if (var == NULL) {
        return NGX_ERROR;
    }

    var->get_handler = ngx_taskmgr_user_variable;

    return ngx_taskmgr_metrics_variables(cf);
}


/* the metrics number the routes of every service; a feed's token is
 * masked in the request line (ngx_taskmgr_calendar_mask) */

static ngx_int_t
ngx_taskmgr_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    static const ngx_taskmgr_route_t *const  tables[] = {
        ngx_taskmgr_users_routes, ngx_taskmgr_tasks_routes,
        ngx_taskmgr_notifs_routes, ngx_taskmgr_health_routes,
        ngx_taskmgr_events_routes
    };

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_POST_READ_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_taskmgr_calendar_mask;

    return ngx_taskmgr_metrics_init(cf, tables,
                                    sizeof(tables) / sizeof(tables[0]));
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
    mcf->max_tasks = NGX_CONF_UNSET_UINT;
    mcf->health_cache = NGX_CONF_UNSET;
    mcf->max_completions = NGX_CONF_UNSET_UINT;
    mcf->test_faults = NGX_CONF_UNSET;

    return mcf;
}


static char *
ngx_taskmgr_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_taskmgr_main_conf_t *mcf = conf;

    ngx_str_t   zone = ngx_string("taskmgr_revoked");

    ngx_conf_init_value(mcf->cookie_secure, 1);
    ngx_conf_init_value(mcf->require_confirmation, 0);
    ngx_conf_init_size_value(mcf->max_body, 64 * 1024);
    ngx_conf_init_value(mcf->jwks_refresh, 30);
    ngx_conf_init_value(mcf->revocation_cache, 5);
    ngx_conf_init_value(mcf->refresh_cookie_ttl, 30 * 24 * 3600);
    ngx_conf_init_uint_value(mcf->reminder_shards, 8);
    ngx_conf_init_value(mcf->notification_ttl, 30 * 24 * 3600);
    ngx_conf_init_uint_value(mcf->max_tasks, 10000);
    ngx_conf_init_value(mcf->health_cache, 3);
    ngx_conf_init_uint_value(mcf->max_completions, 1000);
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

    mcf->jwks_zone = ngx_taskmgr_jwks_zone_add(cf);
    mcf->unread_zone = ngx_taskmgr_unread_zone_add(cf);
    mcf->metrics_zone = ngx_taskmgr_metrics_zone_add(cf);
    if (mcf->jwks_zone == NULL || mcf->unread_zone == NULL
        || mcf->metrics_zone == NULL)
    {
        return NGX_CONF_ERROR;
    }

    return ngx_taskmgr_init_issuer(cf, mcf);
}


/* Cognito's issuer is its endpoint plus the pool id; the keys are at
 * <issuer>/.well-known/jwks.json, reached through the cognito location */

static char *
ngx_taskmgr_init_issuer(ngx_conf_t *cf, ngx_taskmgr_main_conf_t *mcf)
{
    if (mcf->cognito.url.len && mcf->user_pool.len) {
        mcf->issuer.len = mcf->cognito.url.len + 1 + mcf->user_pool.len;
        mcf->issuer.data = ngx_pnalloc(cf->pool, mcf->issuer.len + 1);
        if (mcf->issuer.data == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_sprintf(mcf->issuer.data, "%V/%V%Z", &mcf->cognito.url,
                    &mcf->user_pool);

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
ngx_taskmgr_service(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_taskmgr_loc_conf_t *lcf = conf;

    ngx_taskmgr_main_conf_t   *mcf;
    ngx_http_core_loc_conf_t  *clcf;

    if (lcf->routes || lcf->reject_status || lcf->metrics) {
        return "is duplicate";
    }

    lcf->routes = cmd->post;

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_taskmgr_module);

    if (lcf->routes != ngx_taskmgr_health_routes
        && (mcf->user_pool.len == 0 || mcf->client_id.len == 0
            || mcf->cognito.url.len == 0 || mcf->dynamodb.url.len == 0))
    {
        return "needs taskmgr_user_pool, taskmgr_client_id, "
               "taskmgr_cognito_endpoint and taskmgr_dynamodb_endpoint "
               "before it";
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_taskmgr_dispatch;

    return NGX_CONF_OK;
}


static char *
ngx_taskmgr_reject(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_taskmgr_loc_conf_t *lcf = conf;

    ngx_int_t                  n;
    ngx_str_t                 *value;
    ngx_http_core_loc_conf_t  *clcf;

    if (lcf->routes || lcf->reject_status || lcf->metrics) {
        return "is duplicate";
    }

    value = cf->args->elts;

    n = ngx_atoi(value[1].data, value[1].len);
    if (n != NGX_HTTP_BAD_REQUEST && n != NGX_HTTP_NOT_FOUND
        && n != NGX_HTTP_NOT_ALLOWED
        && n != NGX_HTTP_REQUEST_ENTITY_TOO_LARGE
        && n != NGX_HTTP_TOO_MANY_REQUESTS)
    {
        return "takes 400, 404, 405, 413 or 429";
    }

    lcf->reject_status = n;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_taskmgr_reject_handler;

    return NGX_CONF_OK;
}


/* the counters in Prometheus text format; who may read them is the
 * location's allow and deny */

static char *
ngx_taskmgr_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_taskmgr_loc_conf_t *lcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    if (lcf->routes || lcf->reject_status || lcf->metrics) {
        return "is duplicate";
    }

    lcf->metrics = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_taskmgr_metrics_handler;

    return NGX_CONF_OK;
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
