/*
 * One call to a backend: a subrequest to an internal location that
 * proxy_passes to the endpoint, its reply captured in memory, parsed, and
 * the caller's continuation run; the generic answer to a failed call.
 * The transport under the credentials (ngx_taskmgr_creds.c) and the
 * signed AWS calls (ngx_taskmgr_aws.c).  Nothing here blocks the worker.
 */

#include "ngx_taskmgr.h"
#include "tm_aws.h"
#include "tm_ddb.h"



#define NGX_TASKMGR_FAIL_LOG_EVERY  5     /* s */

typedef struct {
    time_t                     last;
    ngx_uint_t                 suppressed;
} ngx_taskmgr_fail_log_t;

static ngx_taskmgr_fail_log_t  ngx_taskmgr_fail_log[NGX_TASKMGR_BACKENDS];

static ngx_int_t ngx_taskmgr_subrequest_done(ngx_http_request_t *sr,
    void *data, ngx_int_t rc);
static void ngx_taskmgr_resume(ngx_http_request_t *r);
static ngx_int_t ngx_taskmgr_outcome_now(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static void ngx_taskmgr_log_unavailable(ngx_log_t *log, ngx_uint_t backend,
    const char *name, const char *op, ngx_uint_t status);
static ngx_int_t ngx_taskmgr_aws_refused(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_outcome(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


static const char  *ngx_taskmgr_backend_names[] = {
    "dynamodb", "cognito", "nchan"
};

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

    ctx->call.op = op;
    ctx->call.backend = NGX_TASKMGR_COGNITO;
    ctx->call.flags = NGX_TASKMGR_AWS_RAW;
    ctx->call.next = next;

    n = 0;
    h[n].name = "Host";
    h[n++].value = host ? host : (const char *) ctx->conf->cognito.host.data;

    if (authorization) {
        h[n].name = "Authorization";
        h[n++].value = authorization;
    }

    return ngx_taskmgr_subrequest(r, ctx, uri, h, n, NULL);
}


ngx_int_t
ngx_taskmgr_subrequest(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_str_t *uri, tm_sigv4_header_t *headers, ngx_uint_t nheaders,
    ngx_str_t *body)
{
    ngx_http_request_t          *sr;
    ngx_http_post_subrequest_t  *ps;

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ps->handler = ngx_taskmgr_subrequest_done;
    ps->data = ctx;

    ctx->call.done = 0;
    ctx->call.malformed = 0;
    ctx->call.start = ngx_current_msec;
    ctx->call.status = 0;
    ctx->call.raw.len = 0;
    ctx->call.raw.data = NULL;
    ctx->call.error = NULL;
    ctx->call.message = NULL;

    if (!ngx_taskmgr_circuit_allow(ctx->call.backend)) {
        /* known to be unreachable: fails now, as if no answer came */
        return ngx_taskmgr_outcome_now(r, ctx);
    }

    if (ngx_http_subrequest(r, uri, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_IN_MEMORY
                            |NGX_HTTP_SUBREQUEST_WAITED)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_taskmgr_subrequest_headers(r, sr, headers, nheaders) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_taskmgr_subrequest_body(r, sr, body) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->write_event_handler = ngx_http_request_empty_handler;

    return NGX_DONE;
}


/* the subrequest starts with a shallow copy of the client's headers: none
 * of them (cookies, authorization) may reach AWS, only the call's own */

ngx_int_t
ngx_taskmgr_subrequest_headers(ngx_http_request_t *r, ngx_http_request_t *sr,
    tm_sigv4_header_t *headers, ngx_uint_t nheaders)
{
    ngx_uint_t        i;
    ngx_table_elt_t  *h;

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
        return NGX_ERROR;
    }

    for (i = 0; i < nheaders; i++) {
        h = (i == 0) ? ngx_pcalloc(r->pool, sizeof(ngx_table_elt_t))
                     : ngx_list_push(&sr->headers_in.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        h->key.data = (u_char *) headers[i].name;
        h->key.len = ngx_strlen(headers[i].name);
        h->value.data = (u_char *) headers[i].value;
        h->value.len = ngx_strlen(headers[i].value);

        h->lowcase_key = ngx_pnalloc(r->pool, h->key.len);
        if (h->lowcase_key == NULL) {
            return NGX_ERROR;
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

    return NGX_OK;
}


/* a POST's body, one in-memory buffer; no body: a GET */

ngx_int_t
ngx_taskmgr_subrequest_body(ngx_http_request_t *r, ngx_http_request_t *sr,
    ngx_str_t *body)
{
    ngx_buf_t                *b;
    ngx_chain_t              *cl;
    ngx_http_request_body_t  *rb;

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
            return NGX_ERROR;
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

    return NGX_OK;
}


/* may run twice for one failed upstream: keep the last word */

static ngx_int_t
ngx_taskmgr_subrequest_done(ngx_http_request_t *sr, void *data, ngx_int_t rc)
{
    ngx_taskmgr_ctx_t *ctx = data;

    ngx_http_request_t  *r;

    r = sr->parent;

    ctx->call.status = sr->headers_out.status;

    if (ctx->call.status == 0 && rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        ctx->call.status = rc;
    }

    if (sr->out && sr->out->buf) {
        ctx->call.raw.data = sr->out->buf->pos;
        ctx->call.raw.len = sr->out->buf->last - sr->out->buf->pos;
    }

    /* once a call (this handler may run twice for one) */
    if (!ctx->call.done) {
        ngx_taskmgr_circuit_record(r->connection->log, ctx->call.backend,
                                   ngx_taskmgr_backend_names[
                                       ctx->call.backend],
                                   ctx->call.status != 0
                                   && ctx->call.status
                                      != NGX_HTTP_BAD_GATEWAY
                                   && ctx->call.status
                                      != NGX_HTTP_GATEWAY_TIME_OUT);
    }

    ctx->call.done = 1;
    r->write_event_handler = ngx_taskmgr_resume;

    ngx_log_debug5(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "taskmgr %s %s: status %ui, %uz bytes, %M ms",
                   ngx_taskmgr_backend_names[ctx->call.backend],
                   ctx->call.op, ctx->call.status, ctx->call.raw.len,
                   ngx_current_msec - ctx->call.start);

    return rc;
}


static void
ngx_taskmgr_resume(ngx_http_request_t *r)
{
    ngx_int_t           rc;
    ngx_taskmgr_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_taskmgr_module);

    if (ctx == NULL || !ctx->call.done) {
        return;
    }

    ctx->call.done = 0;
    r->write_event_handler = ngx_http_request_empty_handler;

    rc = ngx_taskmgr_outcome_now(r, ctx);

    if (rc != NGX_DONE) {
        ngx_http_finalize_request(r, rc);
    }
}


/* the call's outcome, then its continuation: the rc of the step */

static ngx_int_t
ngx_taskmgr_outcome_now(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t  rc;

    rc = ngx_taskmgr_outcome(r, ctx);

    ngx_taskmgr_metrics_call(ctx);

    return (rc == NGX_DECLINED) ? ctx->call.next(r, ctx) : rc;
}


/*
 * Parses the reply; answers transport failures and malformed replies
 * itself unless the caller asked for the raw outcome.  NGX_DECLINED: the
 * continuation runs (success, or an AWS error in ctx->call.error).
 */

static ngx_int_t
ngx_taskmgr_outcome(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t      *reply;
    const char  *type;

    if (ctx->call.reply) {
        json_decref(ctx->call.reply);
        ctx->call.reply = NULL;
    }

    /* a successful reply the caller reads as text needs no tree */
    if (ctx->call.raw.len
        && !(ctx->call.status == NGX_HTTP_OK
             && (ctx->call.flags & NGX_TASKMGR_AWS_TEXT)))
    {
        reply = json_loadb((char *) ctx->call.raw.data, ctx->call.raw.len, 0,
                           NULL);
        if (json_is_object(reply)) {
            ctx->call.reply = reply;

        } else {
            json_decref(reply);
        }
    }

    if (ctx->call.status >= 400 && ctx->call.status < 500 && ctx->call.reply) {
        type = tm_ddb_error_type(ctx->call.reply);

        if (type) {
            ctx->call.error = type;
            ctx->call.message = tm_ddb_error_message(ctx->call.reply);
        }
    }

    if (ctx->call.flags & NGX_TASKMGR_AWS_RAW) {
        return NGX_DECLINED;
    }

    if (ctx->call.error
        || (ctx->call.status == NGX_HTTP_OK
            && (ctx->call.reply || (ctx->call.flags & NGX_TASKMGR_AWS_TEXT))))
    {
        return NGX_DECLINED;
    }

    return ngx_taskmgr_aws_fail(r, ctx);
}


/* a successful reply without what the caller needs (no Attributes, no
 * UserSub, no AccessToken): the backend misbehaved */

ngx_int_t
ngx_taskmgr_aws_malformed(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ctx->call.error = NULL;
    ctx->call.malformed = 1;

    return ngx_taskmgr_aws_fail(r, ctx);
}


ngx_int_t
ngx_taskmgr_aws_is(ngx_taskmgr_ctx_t *ctx, const char *type)
{
    return ctx->call.error && ngx_strcmp(ctx->call.error, type) == 0;
}


/* failed, and not on a condition (a write that lost to another is the
 * caller's to handle) */

ngx_int_t
ngx_taskmgr_aws_broke(ngx_taskmgr_ctx_t *ctx)
{
    return ctx->call.error
           && !ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException");
}


/*
 * A backend down fails every request: logged once per
 * NGX_TASKMGR_FAIL_LOG_EVERY seconds per worker and backend, with the
 * number left out since
 */

static void
ngx_taskmgr_log_unavailable(ngx_log_t *log, ngx_uint_t backend,
    const char *name, const char *op, ngx_uint_t status)
{
    ngx_taskmgr_fail_log_t  *fl;

    fl = &ngx_taskmgr_fail_log[backend];

    if (fl->last && ngx_time() - fl->last < NGX_TASKMGR_FAIL_LOG_EVERY) {
        fl->suppressed++;
        return;
    }

    ngx_log_error(NGX_LOG_ERR, log, 0,
                  "taskmgr %s %s: unavailable (status %ui); %ui more "
                  "failures in the last %d s not logged", name, op, status,
                  fl->suppressed, NGX_TASKMGR_FAIL_LOG_EVERY);

    fl->last = ngx_time();
    fl->suppressed = 0;
}


/*
 * The generic answer to a failed call, logged once with the operation:
 * a backend down or timing out is 503, throttling 503 with Retry-After,
 * a failed condition 409, anything unexpected from AWS 502.
 */

ngx_int_t
ngx_taskmgr_aws_fail(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    const char   *name;
    ngx_str_t     retry = ngx_string("1");
    ngx_log_t    *log;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_refused(r, ctx);
    }

    log = r->connection->log;
    name = ngx_taskmgr_backend_names[ctx->call.backend];

    if (!ctx->call.malformed
        && (ctx->call.status == 0
            || ctx->call.status == NGX_HTTP_BAD_GATEWAY
            || ctx->call.status == NGX_HTTP_GATEWAY_TIME_OUT
            || ctx->call.status == NGX_HTTP_SERVICE_UNAVAILABLE))
    {
        ngx_taskmgr_log_unavailable(log, ctx->call.backend, name,
                                    ctx->call.op, ctx->call.status);

        if (ngx_taskmgr_add_header(r, "Retry-After", &retry) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "unavailable",
                                      ctx->call.backend == NGX_TASKMGR_DYNAMODB
                                      ? "the database is unavailable"
                                      : "the identity service is "
                                        "unavailable", NULL);
    }

    ngx_log_error(NGX_LOG_ERR, log, 0,
                  "taskmgr %s %s: malformed reply (status %ui, %uz bytes)",
                  name, ctx->call.op, ctx->call.status, ctx->call.raw.len);

    return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_GATEWAY, "bad_gateway",
                                  "the backend sent a malformed reply", NULL);
}


/* an AWS error reply: a failed condition is 409, throttling 503 with
 * Retry-After, anything else 502 */

static ngx_int_t
ngx_taskmgr_aws_refused(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_str_t    retry = ngx_string("1");
    const char  *name;

    name = ngx_taskmgr_backend_names[ctx->call.backend];

    switch (tm_aws_error_class(ctx->call.error)) {

    case TM_AWS_CONDITION:
        return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT, "conflict",
                                      "the item changed meanwhile", NULL);

    case TM_AWS_THROTTLED:
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "taskmgr %s %s: throttled: %s", name, ctx->call.op,
                      ctx->call.error);

        if (ngx_taskmgr_add_header(r, "Retry-After", &retry) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "throttled",
                                      "the service is busy, retry shortly",
                                      NULL);

    default:
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "taskmgr %s %s: %s: %s", name, ctx->call.op,
                      ctx->call.error,
                      ctx->call.message ? ctx->call.message : "");

        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_GATEWAY, "bad_gateway",
                                      "the backend refused the request",
                                      NULL);
    }
}
