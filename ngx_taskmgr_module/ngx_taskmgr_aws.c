/*
 * The one way the module talks to AWS: a subrequest to an internal location
 * that proxy_passes to the endpoint, its reply captured in memory, then the
 * caller's continuation.  DynamoDB speaks AWS JSON 1.0, Cognito 1.1; both
 * are signed with SigV4.  Nothing here blocks the worker.
 */

#include "ngx_taskmgr.h"
#include "tm_sigv4.h"
#include "tm_ddb.h"


#define NGX_TASKMGR_HEADERS_MAX  6


typedef struct {
    const char  *name;
    ngx_str_t    location;
    const char  *service;
    const char  *target_prefix;
    const char  *content_type;
} ngx_taskmgr_backend_t;


static ngx_int_t ngx_taskmgr_subrequest(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_str_t *uri, tm_sigv4_header_t *headers,
    ngx_uint_t nheaders, ngx_str_t *body);
static ngx_int_t ngx_taskmgr_aws_resend(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_subrequest_done(ngx_http_request_t *sr,
    void *data, ngx_int_t rc);
static void ngx_taskmgr_resume(ngx_http_request_t *r);
static ngx_int_t ngx_taskmgr_outcome(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


static ngx_taskmgr_backend_t  ngx_taskmgr_backends[] = {
    { "dynamodb", ngx_string("/_taskmgr/dynamodb"), "dynamodb",
      "DynamoDB_20120810.", "application/x-amz-json-1.0" },
    { "cognito", ngx_string("/_taskmgr/cognito/"), "cognito-idp",
      "AWSCognitoIdentityProviderService.", "application/x-amz-json-1.1" }
};


/* the names AWS uses for "slow down" across DynamoDB and Cognito */
static const char  *ngx_taskmgr_throttles[] = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "LimitExceededException",
    NULL
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
    char                     *date, *auth, *target;
    const char               *key, *secret, *token;
    size_t                    len;
    ngx_str_t                 payload;
    ngx_uint_t                n;
    tm_sigv4_header_t         h[NGX_TASKMGR_HEADERS_MAX];
    tm_sigv4_request_t        sig;
    ngx_taskmgr_backend_t    *be;
    ngx_taskmgr_main_conf_t  *mcf;
    ngx_taskmgr_endpoint_t   *ep;

    mcf = ctx->conf;
    be = &ngx_taskmgr_backends[backend];
    ep = (backend == NGX_TASKMGR_DYNAMODB) ? &mcf->dynamodb : &mcf->cognito;

    ctx->op = op;
    ctx->backend = backend;
    ctx->call_flags = flags;
    ctx->next = next;

    if (body == NULL) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "taskmgr %s: could not build the request", op);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_taskmgr_creds_get(ctx, &key, &secret, &token) == NGX_AGAIN) {
        /* the call waits for fresh credentials, then goes as asked */
        ctx->held.body = body;
        ctx->held.backend = backend;
        ctx->held.op = op;
        ctx->held.flags = flags;
        ctx->held.next = next;
        ngx_taskmgr_json_track(r, body);
        return ngx_taskmgr_creds_fetch(r, ctx, ngx_taskmgr_aws_resend);
    }

    len = json_dumpb(body, NULL, 0, JSON_COMPACT);

    payload.data = ngx_pnalloc(r->pool, len + 1);
    if (payload.data == NULL) {
        json_decref(body);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    payload.len = json_dumpb(body, (char *) payload.data, len, JSON_COMPACT);
    json_decref(body);

    n = 0;
    h[n].name = "Host";
    h[n++].value = (const char *) ep->host.data;
    h[n].name = "Content-Type";
    h[n++].value = be->content_type;
    h[n].name = "X-Amz-Date";
    date = ngx_pnalloc(r->pool, 20);
    if (date == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    tm_sigv4_amz_date((long long) ngx_time(), date);
    h[n++].value = date;
    h[n].name = "X-Amz-Target";
    target = ngx_pnalloc(r->pool, ngx_strlen(be->target_prefix)
                                  + ngx_strlen(op) + 1);
    if (target == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf((u_char *) target, "%s%s%Z", be->target_prefix, op);
    h[n++].value = target;

    if (token) {
        h[n].name = "X-Amz-Security-Token";
        h[n++].value = token;
    }

    ngx_memzero(&sig, sizeof(tm_sigv4_request_t));
    sig.method = "POST";
    sig.path = "/";
    sig.query = "";
    sig.headers = h;
    sig.nheaders = n;
    sig.payload = payload.data;
    sig.payload_len = payload.len;
    sig.region = (const char *) mcf->region.data;
    sig.service = be->service;
    sig.access_key = key;
    sig.secret_key = secret;
    sig.amz_date = date;

    auth = ngx_pnalloc(r->pool, 512 + ngx_strlen(key));
    if (auth == NULL
        || tm_sigv4_authorization(&sig, auth, 512 + ngx_strlen(key)) < 0)
    {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "taskmgr %s: could not sign the request", op);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h[n].name = "Authorization";
    h[n++].value = auth;

    return ngx_taskmgr_subrequest(r, ctx, &be->location, h, n, &payload);
}


static ngx_int_t
ngx_taskmgr_aws_resend(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    /* the pool still holds a reference to the body: this one is the
     * call's */
    return ngx_taskmgr_aws_call(r, ctx, ctx->held.backend, ctx->held.op,
                                json_incref(ctx->held.body),
                                ctx->held.flags, ctx->held.next);
}


/*
 * An unsigned GET through an internal location (the pool's JWKS, the
 * container credentials); host NULL: the Cognito endpoint's.  The
 * continuation gets the raw outcome.
 */

ngx_int_t
ngx_taskmgr_http_get(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_str_t *uri, const char *host, const char *authorization,
    const char *op, ngx_taskmgr_step_pt next)
{
    ngx_uint_t         n;
    tm_sigv4_header_t  h[2];

    ctx->op = op;
    ctx->backend = NGX_TASKMGR_COGNITO;
    ctx->call_flags = NGX_TASKMGR_AWS_RAW;
    ctx->next = next;

    n = 0;
    h[n].name = "Host";
    h[n++].value = host ? host : (const char *) ctx->conf->cognito.host.data;

    if (authorization) {
        h[n].name = "Authorization";
        h[n++].value = authorization;
    }

    return ngx_taskmgr_subrequest(r, ctx, uri, h, n, NULL);
}


static ngx_int_t
ngx_taskmgr_subrequest(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_str_t *uri, tm_sigv4_header_t *headers, ngx_uint_t nheaders,
    ngx_str_t *body)
{
    ngx_buf_t                   *b;
    ngx_uint_t                   i;
    ngx_chain_t                 *cl;
    ngx_table_elt_t             *h;
    ngx_http_request_t          *sr;
    ngx_http_request_body_t     *rb;
    ngx_http_post_subrequest_t  *ps;

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ps->handler = ngx_taskmgr_subrequest_done;
    ps->data = ctx;

    ctx->call_done = 0;
    ctx->status = 0;
    ctx->raw.len = 0;
    ctx->raw.data = NULL;
    ctx->aws_error = NULL;
    ctx->aws_message = NULL;

    if (ngx_http_subrequest(r, uri, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_IN_MEMORY
                            |NGX_HTTP_SUBREQUEST_WAITED)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the subrequest starts with a shallow copy of the client's headers:
     * none of them (cookies, authorization) may reach AWS */

    ngx_memzero(&sr->headers_in, sizeof(ngx_http_headers_in_t));
    sr->headers_in.content_length_n = -1;
    sr->headers_in.keep_alive_n = -1;

    if (ngx_list_init(&sr->headers_in.headers, r->pool, nheaders + 1,
                      sizeof(ngx_table_elt_t))
        != NGX_OK
        || ngx_array_init(&sr->headers_in.cookies, r->pool, 1,
                          sizeof(ngx_table_elt_t *))
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < nheaders; i++) {
        h = (i == 0) ? ngx_pcalloc(r->pool, sizeof(ngx_table_elt_t))
                     : ngx_list_push(&sr->headers_in.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->key.data = (u_char *) headers[i].name;
        h->key.len = ngx_strlen(headers[i].name);
        h->value.data = (u_char *) headers[i].value;
        h->value.len = ngx_strlen(headers[i].value);

        h->lowcase_key = ngx_pnalloc(r->pool, h->key.len);
        if (h->lowcase_key == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = ngx_hash_strlow(h->lowcase_key, h->key.data, h->key.len);

        /* Host (always first) reaches the upstream through the location's
         * "proxy_set_header Host $http_host", not as a passed header */
        if (i == 0) {
            sr->headers_in.host = h;

        } else if (h->key.len == sizeof("Authorization") - 1
                   && ngx_strncmp(h->lowcase_key, "authorization",
                                  h->key.len) == 0)
        {
            /* $http_authorization, for an operator's log */
            sr->headers_in.authorization = h;
        }
    }

    if (body == NULL) {
        sr->method = NGX_HTTP_GET;
        ngx_str_set(&sr->method_name, "GET");
        sr->request_body = NULL;
        sr->header_only = 0;

    } else {
        sr->method = NGX_HTTP_POST;
        ngx_str_set(&sr->method_name, "POST");

        rb = ngx_pcalloc(r->pool, sizeof(ngx_http_request_body_t));
        b = ngx_calloc_buf(r->pool);
        cl = ngx_alloc_chain_link(r->pool);
        if (rb == NULL || b == NULL || cl == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        b->start = body->data;
        b->pos = body->data;
        b->last = body->data + body->len;
        b->end = b->last;
        b->memory = 1;
        b->last_buf = 1;
        b->last_in_chain = 1;

        cl->buf = b;
        cl->next = NULL;

        rb->bufs = cl;
        rb->buf = b;

        sr->request_body = rb;
        sr->headers_in.content_length_n = body->len;
    }

    r->write_event_handler = ngx_http_request_empty_handler;

    return NGX_DONE;
}


/* may run twice for one failed upstream: keep the last word */

static ngx_int_t
ngx_taskmgr_subrequest_done(ngx_http_request_t *sr, void *data, ngx_int_t rc)
{
    ngx_taskmgr_ctx_t *ctx = data;

    ngx_http_request_t  *r;

    r = sr->parent;

    ctx->status = sr->headers_out.status;

    if (ctx->status == 0 && rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        ctx->status = rc;
    }

    if (sr->out && sr->out->buf) {
        ctx->raw.data = sr->out->buf->pos;
        ctx->raw.len = sr->out->buf->last - sr->out->buf->pos;
    }

    ctx->call_done = 1;
    r->write_event_handler = ngx_taskmgr_resume;

    return rc;
}


static void
ngx_taskmgr_resume(ngx_http_request_t *r)
{
    ngx_int_t           rc;
    ngx_taskmgr_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_taskmgr_module);

    if (ctx == NULL || !ctx->call_done) {
        return;
    }

    ctx->call_done = 0;
    r->write_event_handler = ngx_http_request_empty_handler;

    rc = ngx_taskmgr_outcome(r, ctx);

    if (rc == NGX_DECLINED) {
        rc = ctx->next(r, ctx);
    }

    if (rc != NGX_DONE) {
        ngx_http_finalize_request(r, rc);
    }
}


/*
 * Parses the reply; answers transport failures and malformed replies
 * itself unless the caller asked for the raw outcome.  NGX_DECLINED: the
 * continuation runs (success, or an AWS error in ctx->aws_error).
 */

static ngx_int_t
ngx_taskmgr_outcome(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t      *reply;
    const char  *type;

    if (ctx->reply) {
        json_decref(ctx->reply);
        ctx->reply = NULL;
    }

    /* a successful reply the caller reads as text needs no tree */
    if (ctx->raw.len
        && !(ctx->status == NGX_HTTP_OK
             && (ctx->call_flags & NGX_TASKMGR_AWS_TEXT)))
    {
        reply = json_loadb((char *) ctx->raw.data, ctx->raw.len, 0, NULL);
        if (json_is_object(reply)) {
            ctx->reply = reply;

        } else {
            json_decref(reply);
        }
    }

    if (ctx->status >= 400 && ctx->status < 500 && ctx->reply) {
        type = tm_ddb_error_type(ctx->reply);

        if (type) {
            ctx->aws_error = type;
            ctx->aws_message = tm_ddb_error_message(ctx->reply);
        }
    }

    if (ctx->call_flags & NGX_TASKMGR_AWS_RAW) {
        return NGX_DECLINED;
    }

    if (ctx->aws_error
        || (ctx->status == NGX_HTTP_OK
            && (ctx->reply || (ctx->call_flags & NGX_TASKMGR_AWS_TEXT))))
    {
        return NGX_DECLINED;
    }

    return ngx_taskmgr_aws_fail(r, ctx);
}


ngx_int_t
ngx_taskmgr_aws_is(ngx_taskmgr_ctx_t *ctx, const char *type)
{
    return ctx->aws_error && ngx_strcmp(ctx->aws_error, type) == 0;
}


/*
 * The generic answer to a failed call, logged once with the operation:
 * a backend down or timing out is 503, throttling 503 with Retry-After,
 * a failed condition 409, anything unexpected from AWS 502.
 */

ngx_int_t
ngx_taskmgr_aws_fail(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    const char   *name, **t;
    ngx_str_t     retry = ngx_string("1");
    ngx_log_t    *log;

    log = r->connection->log;
    name = ngx_taskmgr_backends[ctx->backend].name;

    if (ctx->aws_error) {

        if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
            return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT, "conflict",
                                          "the item changed meanwhile",
                                          NULL);
        }

        for (t = ngx_taskmgr_throttles; *t; t++) {
            if (ngx_taskmgr_aws_is(ctx, *t)) {
                ngx_log_error(NGX_LOG_WARN, log, 0,
                              "taskmgr %s %s: throttled: %s", name, ctx->op,
                              ctx->aws_error);

                if (ngx_taskmgr_add_header(r, "Retry-After", &retry)
                    != NGX_OK)
                {
                    return NGX_HTTP_INTERNAL_SERVER_ERROR;
                }

                return ngx_taskmgr_send_error(r,
                                       NGX_HTTP_SERVICE_UNAVAILABLE,
                                       "throttled",
                                       "the service is busy, retry shortly",
                                       NULL);
            }
        }

        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "taskmgr %s %s: %s: %s", name, ctx->op,
                      ctx->aws_error,
                      ctx->aws_message ? ctx->aws_message : "");

        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_GATEWAY, "bad_gateway",
                                      "the backend refused the request",
                                      NULL);
    }

    if (ctx->status == 0 || ctx->status == NGX_HTTP_BAD_GATEWAY
        || ctx->status == NGX_HTTP_GATEWAY_TIME_OUT
        || ctx->status == NGX_HTTP_SERVICE_UNAVAILABLE)
    {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "taskmgr %s %s: unavailable (status %ui)", name,
                      ctx->op, ctx->status);

        if (ngx_taskmgr_add_header(r, "Retry-After", &retry) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "unavailable",
                                      ctx->backend == NGX_TASKMGR_DYNAMODB
                                      ? "the database is unavailable"
                                      : "the identity service is "
                                        "unavailable", NULL);
    }

    ngx_log_error(NGX_LOG_ERR, log, 0,
                  "taskmgr %s %s: malformed reply (status %ui, %uz bytes)",
                  name, ctx->op, ctx->status, ctx->raw.len);

    return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_GATEWAY, "bad_gateway",
                                  "the backend sent a malformed reply", NULL);
}
