/*
 * AWS credentials for SigV4: static ones from taskmgr_aws_credentials, or
 * temporary ones from the ECS container credentials endpoint
 * (taskmgr_aws_credentials_endpoint: an internal location proxying to
 * 169.254.170.2<AWS_CONTAINER_CREDENTIALS_RELATIVE_URI> or the full URI),
 * fetched through a subrequest like every other call, kept per worker and
 * refreshed before they expire.
 */

#include "ngx_taskmgr.h"
#include "tm_aws.h"


#define NGX_TASKMGR_CREDS_EARLY  300    /* refresh this long before expiry */


static ngx_int_t ngx_taskmgr_creds_fetched(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


static tm_aws_creds_t  ngx_taskmgr_creds;


/*
 * NGX_OK with the credentials to sign with, or NGX_AGAIN when they must be
 * fetched first (none yet, or expiring; once per request at most).
 */

ngx_int_t
ngx_taskmgr_creds_get(ngx_taskmgr_ctx_t *ctx, const char **key,
    const char **secret, const char **token)
{
    time_t                    now;
    ngx_taskmgr_main_conf_t  *mcf;

    mcf = ctx->conf;

    if (mcf->credentials_endpoint.len == 0) {
        *key = (const char *) mcf->access_key.data;
        *secret = (const char *) mcf->secret_key.data;
        *token = mcf->session_token.len ? (const char *) mcf->session_token.data
                                        : NULL;
        return NGX_OK;
    }

    now = ngx_time();

    if (ngx_taskmgr_creds.expires - NGX_TASKMGR_CREDS_EARLY <= now
        && !(ctx->creds.fetched && ngx_taskmgr_creds.expires > now))
    {
        return NGX_AGAIN;
    }

    *key = ngx_taskmgr_creds.key;
    *secret = ngx_taskmgr_creds.secret;
    *token = ngx_taskmgr_creds.token[0] ? ngx_taskmgr_creds.token : NULL;

    return NGX_OK;
}


ngx_int_t
ngx_taskmgr_creds_fetch(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    ngx_taskmgr_main_conf_t  *mcf;

    mcf = ctx->conf;

    ctx->creds.fetched = 1;
    ctx->creds.next = next;

    return ngx_taskmgr_http_get(r, ctx, &mcf->credentials_endpoint, NULL,
                                mcf->credentials_token.len
                                ? (const char *) mcf->credentials_token.data
                                : NULL,
                                "GetCredentials", ngx_taskmgr_creds_fetched);
}


static ngx_int_t
ngx_taskmgr_creds_fetched(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char            err[128];
    tm_aws_creds_t  creds;

    if (ctx->call.status == NGX_HTTP_OK
        && tm_aws_creds_parse((const char *) ctx->call.raw.data,
                              ctx->call.raw.len, (long long) ngx_time(),
                              &creds, err, sizeof(err))
           == 0)
    {
        ngx_taskmgr_creds = creds;
        ctx->creds.failed = 0;

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "taskmgr: credentials %s until %T", creds.key,
                      (time_t) creds.expires);

        return ctx->creds.next(r, ctx);
    }

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "taskmgr GetCredentials: no usable credentials "
                  "(status %ui): %s", ctx->call.status,
                  ctx->call.status == NGX_HTTP_OK ? err : "no reply");

    /* the ones in hand still work until they expire */
    ctx->creds.failed = ngx_taskmgr_creds.expires <= (long long) ngx_time();

    return ctx->creds.next(r, ctx);
}
