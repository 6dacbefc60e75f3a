/*
 * The one way the module talks to AWS: the request's JSON, signed with
 * SigV4 by the credentials of ngx_taskmgr_creds.c (waiting for them when
 * they must be fetched first), sent by ngx_taskmgr_call.c.  DynamoDB speaks
 * AWS JSON 1.0, Cognito 1.1.
 */

#include "ngx_taskmgr.h"
#include "tm_aws.h"
#include "tm_ddb.h"
#include "tm_sigv4.h"


#define NGX_TASKMGR_HEADERS_MAX  (TM_AWS_HEADERS + 1)   /* Authorization */


typedef struct {
    const char  *name;
    ngx_str_t    location;
    const char  *service;
    const char  *target_prefix;
    const char  *content_type;
} ngx_taskmgr_backend_t;


static ngx_int_t ngx_taskmgr_aws_hold(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_uint_t backend, const char *op,
    json_t *body, ngx_uint_t flags, ngx_taskmgr_step_pt next);
static ngx_int_t ngx_taskmgr_aws_resend(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_ddb_get_as(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, json_t *key, ngx_uint_t consistent,
    const char *projection, ngx_uint_t flags, ngx_taskmgr_step_pt next);
static char *ngx_taskmgr_aws_sign(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_backend_t *be, ngx_str_t *payload,
    tm_sigv4_header_t *h, ngx_uint_t n, const char *key,
    const char *secret);


static ngx_taskmgr_backend_t  ngx_taskmgr_backends[] = {
    { "dynamodb", ngx_string("/_taskmgr/dynamodb"), "dynamodb",
      "DynamoDB_20120810.", "application/x-amz-json-1.0" },
    { "cognito", ngx_string("/_taskmgr/cognito/"), "cognito-idp",
      "AWSCognitoIdentityProviderService.", "application/x-amz-json-1.1" }
};


/*
 * Takes ownership of body.  Returns NGX_DONE once the call is on its way
 * (next runs when it ends), else the rc of the error reply it sent.
 */

ngx_int_t
ngx_taskmgr_aws_call(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t backend, const char *op, json_t *body, ngx_uint_t flags,
    ngx_taskmgr_step_pt next)
{
    char                    *date, *target, *auth;
    ngx_int_t                rc;
    ngx_str_t                payload;
    ngx_uint_t               n;
    const char              *key, *secret, *token;
    tm_sigv4_header_t        h[NGX_TASKMGR_HEADERS_MAX];
    ngx_taskmgr_backend_t   *be;
    ngx_taskmgr_endpoint_t  *ep;

    be = &ngx_taskmgr_backends[backend];
    ep = (backend == NGX_TASKMGR_DYNAMODB) ? &ctx->conf->dynamodb
                                           : &ctx->conf->cognito;

    ctx->call.op = op;
    ctx->call.backend = backend;
    ctx->call.flags = flags;
    ctx->call.next = next;

    if (body == NULL) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "taskmgr %s: could not build the request", op);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_taskmgr_creds_get(ctx, &key, &secret, &token) == NGX_AGAIN) {
        return ngx_taskmgr_aws_hold(r, ctx, backend, op, body, flags, next);
    }

    rc = ngx_taskmgr_json_dump(r->pool, body, &payload);
    json_decref(body);

    date = ngx_pnalloc(r->pool, 20);
    target = ngx_pnalloc(r->pool, ngx_strlen(be->target_prefix)
                                  + ngx_strlen(op) + 1);
    if (rc != NGX_OK || date == NULL || target == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    tm_sigv4_amz_date((long long) ngx_time(), date);
    ngx_sprintf((u_char *) target, "%s%s%Z", be->target_prefix, op);

    n = tm_aws_headers(h, TM_AWS_HEADERS, (const char *) ep->host.data,
                       be->content_type, date, target, token);

    auth = ngx_taskmgr_aws_sign(r, ctx, be, &payload, h, n, key, secret);
    if (auth == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h[n].name = "Authorization";
    h[n++].value = auth;

    return ngx_taskmgr_subrequest(r, ctx, &be->location, h, n, &payload);
}


/* PutItem of a new item (takes it): a replay or a clash with an item of
 * that key fails the condition instead of overwriting */

ngx_int_t
ngx_taskmgr_ddb_put_new(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    json_t *item, ngx_taskmgr_step_pt next)
{
    return ngx_taskmgr_ddb(r, ctx, "PutItem",
                           item ? json_pack("{s:s, s:o, s:s}",
                                            "TableName",
                                            ctx->conf->table.data,
                                            "Item", item,
                                            "ConditionExpression",
                                            "attribute_not_exists("
                                            "EntityPartition)")
                                : NULL,
                           next);
}


/* GetItem of one item (takes key); projection NULL: all of it */

ngx_int_t
ngx_taskmgr_ddb_get(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    json_t *key, ngx_uint_t consistent, const char *projection,
    ngx_taskmgr_step_pt next)
{
    return ngx_taskmgr_ddb_get_as(r, ctx, key, consistent, projection, 0,
                                  next);
}


/* the same, its reply read as text (NGX_TASKMGR_AWS_TEXT) */

ngx_int_t
ngx_taskmgr_ddb_get_text(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    json_t *key, ngx_uint_t consistent, ngx_taskmgr_step_pt next)
{
    return ngx_taskmgr_ddb_get_as(r, ctx, key, consistent, NULL,
                                  NGX_TASKMGR_AWS_TEXT, next);
}


static ngx_int_t
ngx_taskmgr_ddb_get_as(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    json_t *key, ngx_uint_t consistent, const char *projection,
    ngx_uint_t flags, ngx_taskmgr_step_pt next)
{
    json_t  *req;

    req = key ? json_pack("{s:s, s:o, s:b}",
                          "TableName", ctx->conf->table.data,
                          "Key", key,
                          "ConsistentRead", (int) consistent)
              : NULL;

    if (req && projection
        && json_object_set_new(req, "ProjectionExpression",
                               json_string(projection)) != 0)
    {
        json_decref(req);
        req = NULL;
    }

    return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_DYNAMODB, "GetItem", req,
                                flags, next);
}


/* the Authorization header of the call (h[0] is Host, h[2] X-Amz-Date) */

static char *
ngx_taskmgr_aws_sign(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_backend_t *be, ngx_str_t *payload, tm_sigv4_header_t *h,
    ngx_uint_t n, const char *key, const char *secret)
{
    char                *auth;
    size_t               size;
    tm_sigv4_request_t   sig;

    ngx_memzero(&sig, sizeof(tm_sigv4_request_t));
    sig.method = "POST";
    sig.path = "/";
    sig.query = "";
    sig.headers = h;
    sig.nheaders = n;
    sig.payload = payload->data;
    sig.payload_len = payload->len;
    sig.region = (const char *) ctx->conf->region.data;
    sig.service = be->service;
    sig.access_key = key;
    sig.secret_key = secret;
    sig.amz_date = h[2].value;

    size = 512 + ngx_strlen(key);

    auth = ngx_pnalloc(r->pool, size);
    if (auth == NULL || tm_sigv4_authorization(&sig, auth, size) < 0) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "taskmgr %s: could not sign the request",
                      ctx->call.op);
        return NULL;
    }

    return auth;
}


/* the call waits for fresh credentials, then goes as asked */

static ngx_int_t
ngx_taskmgr_aws_hold(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t backend, const char *op, json_t *body, ngx_uint_t flags,
    ngx_taskmgr_step_pt next)
{
    ctx->held.body = body;
    ctx->held.backend = backend;
    ctx->held.op = op;
    ctx->held.flags = flags;
    ctx->held.next = next;
    ngx_taskmgr_json_track(r, body);

    return ngx_taskmgr_creds_fetch(r, ctx, ngx_taskmgr_aws_resend);
}


static ngx_int_t
ngx_taskmgr_aws_resend(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_str_t  retry = ngx_string("5");

    if (!ctx->creds.failed) {
        /* the pool still holds a reference to the body: this one is the
         * call's */
        return ngx_taskmgr_aws_call(r, ctx, ctx->held.backend, ctx->held.op,
                                    json_incref(ctx->held.body),
                                    ctx->held.flags, ctx->held.next);
    }

    /* a caller that takes the raw outcome (health) hears "unavailable" */
    if (ctx->held.flags & NGX_TASKMGR_AWS_RAW) {
        ctx->call.status = 0;
        ctx->call.raw.len = 0;
        ctx->call.error = NULL;
        json_decref(ctx->call.reply);
        ctx->call.reply = NULL;
        return ctx->held.next(r, ctx);
    }

    if (ngx_taskmgr_add_header(r, "Retry-After", &retry) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                  "unavailable",
                                  "no AWS credentials at the moment", NULL);
}
