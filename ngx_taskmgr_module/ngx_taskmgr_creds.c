/*
 * AWS credentials for SigV4: static ones from taskmgr_aws_credentials, or
 * temporary ones from the ECS container credentials endpoint
 * (taskmgr_aws_credentials_endpoint: an internal location proxying to
 * 169.254.170.2<AWS_CONTAINER_CREDENTIALS_RELATIVE_URI> or the full URI),
 * fetched through a subrequest like every other call, kept per worker and
 * refreshed before they expire.
 */

#include "ngx_taskmgr.h"
#include "tm_validate.h"


#define NGX_TASKMGR_CREDS_EARLY  300    /* refresh this long before expiry */


typedef struct {
    char                       key[128];
    char                       secret[128];
    char                       token[4096];
    time_t                     expires;
} ngx_taskmgr_creds_t;


static ngx_int_t ngx_taskmgr_creds_fetched(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


static ngx_taskmgr_creds_t  ngx_taskmgr_creds;


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
    long long     expires;
    const char   *key, *secret, *token, *exp;

    key = json_string_value(json_object_get(ctx->call.reply, "AccessKeyId"));
    secret = json_string_value(json_object_get(ctx->call.reply,
                                               "SecretAccessKey"));
    token = json_string_value(json_object_get(ctx->call.reply, "Token"));
    exp = json_string_value(json_object_get(ctx->call.reply, "Expiration"));

    if (ctx->call.status == NGX_HTTP_OK && key && secret && exp
        && ngx_strlen(key) < sizeof(ngx_taskmgr_creds.key)
        && ngx_strlen(secret) < sizeof(ngx_taskmgr_creds.secret)
        && (token == NULL
            || ngx_strlen(token) < sizeof(ngx_taskmgr_creds.token))
        && tm_parse_rfc3339(exp, ngx_strlen(exp), &expires) == 0
        && expires > (long long) ngx_time())
    {
        ngx_cpystrn((u_char *) ngx_taskmgr_creds.key, (u_char *) key,
                    sizeof(ngx_taskmgr_creds.key));
        ngx_cpystrn((u_char *) ngx_taskmgr_creds.secret, (u_char *) secret,
                    sizeof(ngx_taskmgr_creds.secret));
        ngx_cpystrn((u_char *) ngx_taskmgr_creds.token,
                    (u_char *) (token ? token : ""),
                    sizeof(ngx_taskmgr_creds.token));
        ngx_taskmgr_creds.expires = (time_t) expires;

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "taskmgr: credentials %s until %s", key, exp);

        return ctx->creds.next(r, ctx);
    }

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "taskmgr GetCredentials: no usable credentials "
                  "(status %ui, %uz bytes)", ctx->call.status,
                  ctx->call.raw.len);

    /* the ones in hand still work until they expire */
    ctx->creds.failed = ngx_taskmgr_creds.expires <= ngx_time();

    return ctx->creds.next(r, ctx);
}
