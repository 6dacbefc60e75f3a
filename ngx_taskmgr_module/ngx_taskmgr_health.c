/*
 * GET /api/health: can this node reach DynamoDB (DescribeTable) and
 * Cognito (the pool's JWKS)?  200 when both answer, else 503 naming what
 * is down.  A worker answers from its last checks for
 * taskmgr_health_cache (3 s): load balancers and monitors poll it, and
 * anyone may, so it must not become a way to make backend calls at will.
 */

#include "ngx_taskmgr.h"


#define NGX_TASKMGR_DDB_OK      1
#define NGX_TASKMGR_COGNITO_OK  2
#define NGX_TASKMGR_EVENTS_OK   4
#define NGX_TASKMGR_EVENTS_OFF  8


static ngx_int_t ngx_taskmgr_health_start(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_health_ddb(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_health_cognito(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_health_events(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_health_send(ngx_http_request_t *r,
    ngx_uint_t up);


/* what answered */
typedef struct {
    ngx_uint_t                 up;
} ngx_taskmgr_health_t;


/* this worker's last checks */
static ngx_uint_t  ngx_taskmgr_health_up;
static time_t      ngx_taskmgr_health_at;


const ngx_taskmgr_route_t  ngx_taskmgr_health_routes[] = {
    { ngx_string("/api/health"), NGX_HTTP_GET, NGX_TASKMGR_AUTH_NONE,
      ngx_taskmgr_health_start },
    { ngx_null_string, 0, 0, NULL }
};


static ngx_int_t
ngx_taskmgr_health_start(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ngx_taskmgr_health_at
        && ngx_time() - ngx_taskmgr_health_at < ctx->conf->health_cache)
    {
        return ngx_taskmgr_health_send(r, ngx_taskmgr_health_up);
    }

    ctx->data = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_health_t));
    if (ctx->data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_DYNAMODB, "DescribeTable",
                                json_pack("{s:s}", "TableName",
                                          ctx->conf->table.data),
                                NGX_TASKMGR_AWS_RAW, ngx_taskmgr_health_ddb);
}


static ngx_int_t
ngx_taskmgr_health_ddb(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_health_t  *h = ctx->data;

    if (ctx->call.status == NGX_HTTP_OK && ctx->call.reply) {
        h->up |= NGX_TASKMGR_DDB_OK;
    }

    return ngx_taskmgr_http_get(r, ctx, &ctx->conf->jwks_uri, NULL, NULL,
                                "GetJwks", ngx_taskmgr_health_cognito);
}


static ngx_int_t
ngx_taskmgr_health_cognito(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_health_t  *h = ctx->data;

    if (ctx->call.status == NGX_HTTP_OK && ctx->call.reply) {
        h->up |= NGX_TASKMGR_COGNITO_OK;
    }

    return ngx_taskmgr_events_health(r, ctx, ngx_taskmgr_health_events);
}


/* push is not part of the status: without it the API works, polled */

static ngx_int_t
ngx_taskmgr_health_events(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_health_t  *h = ctx->data;

    if (ctx->call.status == 0 && ctx->conf->events.len == 0) {
        h->up |= NGX_TASKMGR_EVENTS_OFF;

    } else if (ctx->call.status >= NGX_HTTP_OK
               && ctx->call.status < NGX_HTTP_SPECIAL_RESPONSE)
    {
        h->up |= NGX_TASKMGR_EVENTS_OK;
    }

    ngx_taskmgr_health_up = h->up;
    ngx_taskmgr_health_at = ngx_time();

    return ngx_taskmgr_health_send(r, h->up);
}


static ngx_int_t
ngx_taskmgr_health_send(ngx_http_request_t *r, ngx_uint_t up)
{
    json_t      *obj;
    ngx_uint_t   ok;

    ok = (up & (NGX_TASKMGR_DDB_OK|NGX_TASKMGR_COGNITO_OK))
         == (NGX_TASKMGR_DDB_OK|NGX_TASKMGR_COGNITO_OK);

    obj = json_pack("{s:s, s:s, s:s, s:s}",
                    "status", ok ? "ok" : "degraded",
                    "dynamodb", (up & NGX_TASKMGR_DDB_OK)
                                ? "ok" : "unavailable",
                    "cognito", (up & NGX_TASKMGR_COGNITO_OK)
                               ? "ok" : "unavailable",
                    "events", (up & NGX_TASKMGR_EVENTS_OFF) ? "off"
                              : (up & NGX_TASKMGR_EVENTS_OK)
                                ? "ok" : "unavailable");

    return ngx_taskmgr_send_json(r, ok ? NGX_HTTP_OK
                                     : NGX_HTTP_SERVICE_UNAVAILABLE, obj);
}
