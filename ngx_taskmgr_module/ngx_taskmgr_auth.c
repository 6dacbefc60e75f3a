/*
 * Who is calling: the Cognito access token from "Authorization: Bearer" or
 * the tm_access cookie, verified here (RS256 against the pool's JWKS, exp,
 * iss, token_use, client id), then checked against logged-out tokens.
 *
 * The pool's keys are shared by the node's workers and survive reloads
 * (ngx_taskmgr_jwks.c); an unknown kid refetches them at most once per
 * request, and at most once per taskmgr_jwks_refresh per node, so forged
 * kids cannot flood Cognito.  With no keys at all (a cold start while
 * Cognito is down) a token cannot be judged: 503, not 401.
 *
 * Access tokens that verified are remembered per worker (the whole token,
 * compared byte for byte, until its exp; forgotten when the keys change):
 * a client sends the same token with every request, and the RSA check and
 * claims parsing were a fifth of a listing's CPU.  Revocation is checked
 * on every request all the same.
 */

#include "ngx_taskmgr.h"
#include "tm_jwt.h"


#define NGX_TASKMGR_JWT_LEEWAY  30
#define NGX_TASKMGR_VERIFIED    64      /* tokens remembered per worker */


typedef struct {
    u_char                    *token;   /* ngx_alloc'ed copy, or NULL */
    size_t                     len;
    json_t                    *claims;
    time_t                     exp;
} ngx_taskmgr_verified_t;


static ngx_int_t ngx_taskmgr_auth_verified(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_auth_checked(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_verify_now(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_jwks_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_judged(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_caller_token(ngx_http_request_t *r,
    ngx_str_t *token);
static ngx_int_t ngx_taskmgr_bearer(ngx_http_request_t *r, ngx_str_t *token);


static ngx_int_t ngx_taskmgr_verified_get(ngx_taskmgr_ctx_t *ctx);
static void ngx_taskmgr_verified_put(ngx_taskmgr_ctx_t *ctx,
    json_t *claims);
static void ngx_taskmgr_verified_flush(void);
static ngx_int_t ngx_taskmgr_claims(ngx_taskmgr_ctx_t *ctx, json_t *claims);


static ngx_taskmgr_verified_t  ngx_taskmgr_verified[NGX_TASKMGR_VERIFIED];
static ngx_uint_t              ngx_taskmgr_verified_version;


ngx_int_t
ngx_taskmgr_auth(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t mode, ngx_taskmgr_step_pt next)
{
    ngx_str_t  token;

    ctx->auth.mode = mode;
    ctx->auth.next = next;

    if (ngx_taskmgr_caller_token(r, &token) != NGX_OK) {
        if (mode == NGX_TASKMGR_AUTH_OPTIONAL) {
            return next(r, ctx);
        }

        return ngx_taskmgr_unauthorized(r, "authentication required");
    }

    return ngx_taskmgr_auth_verify(r, ctx, &token, "access",
                                   ngx_taskmgr_auth_verified);
}


static ngx_int_t
ngx_taskmgr_auth_verified(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->auth.jwt_rc != TM_JWT_OK) {
        if (ctx->auth.mode == NGX_TASKMGR_AUTH_OPTIONAL) {
            return ctx->auth.next(r, ctx);
        }

        return ngx_taskmgr_unauthorized(r,
                   ctx->auth.jwt_rc == TM_JWT_EXPIRED ? "the token has expired"
                                                 : "the token is not valid");
    }

    return ngx_taskmgr_revoke_check(r, ctx, ngx_taskmgr_auth_checked);
}


/* a revoked token is refused; where a session is optional (logout) it is
 * no session */

static ngx_int_t
ngx_taskmgr_auth_checked(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (!ctx->auth.revoked) {
        return ctx->auth.next(r, ctx);
    }

    if (ctx->auth.mode != NGX_TASKMGR_AUTH_OPTIONAL) {
        return ngx_taskmgr_unauthorized(r, "the token was revoked");
    }

    json_decref(ctx->auth.claims);
    ctx->auth.claims = NULL;
    ctx->auth.sub = NULL;
    ctx->auth.jwt_rc = TM_JWT_EXPIRED;

    return ctx->auth.next(r, ctx);
}


/*
 * Verifies a token and runs next with ctx->auth.jwt_rc set; on TM_JWT_OK
 * also the claims, sub, jti and exp of ctx->auth.  Used for callers' access
 * tokens and for the tokens Cognito hands out at login.
 */

ngx_int_t
ngx_taskmgr_auth_verify(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_str_t *token, const char *token_use, ngx_taskmgr_step_pt next)
{
    ctx->auth.token = *token;
    ctx->auth.use = token_use;
    ctx->auth.verify_next = next;

    if (ngx_taskmgr_verify_now(r, ctx) == NGX_OK
        || ctx->auth.jwt_rc != TM_JWT_UNKNOWN_KID
        || ctx->auth.jwks_fetched)
    {
        return ngx_taskmgr_judged(r, ctx);
    }

    ctx->auth.jwks_fetched = 1;

    return ngx_taskmgr_jwks_fetch(r, ctx, ngx_taskmgr_jwks_done);
}


/* after a fetch, a wait for another's, or neither (the throttle) */

static ngx_int_t
ngx_taskmgr_jwks_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    (void) ngx_taskmgr_verify_now(r, ctx);

    return ngx_taskmgr_judged(r, ctx);
}


static ngx_int_t
ngx_taskmgr_judged(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_uint_t  version;

    if (ctx->auth.jwt_rc == TM_JWT_UNKNOWN_KID
        && ngx_taskmgr_jwks_keys(ctx, &version) == NULL)
    {
        /* Cognito did not give the keys: the token may well be good */
        ctx->call.backend = NGX_TASKMGR_COGNITO;
        ctx->call.op = "GetJwks";
        ctx->call.status = 0;
        ctx->call.error = NULL;
        ctx->call.malformed = 0;

        return ngx_taskmgr_aws_fail(r, ctx);
    }

    return ctx->auth.verify_next(r, ctx);
}


static ngx_int_t
ngx_taskmgr_verify_now(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t           *claims;
    tm_jwks_t        *keys;
    ngx_uint_t        version;
    tm_jwt_expect_t   expect;

    keys = ngx_taskmgr_jwks_keys(ctx, &version);

    if (version != ngx_taskmgr_verified_version) {
        /* a token verified with keys since dropped is verified again */
        ngx_taskmgr_verified_flush();
        ngx_taskmgr_verified_version = version;
    }

    if (ngx_taskmgr_verified_get(ctx) == NGX_OK) {
        ctx->auth.jwt_rc = TM_JWT_OK;
        return NGX_OK;
    }

    expect.issuer = (const char *) ctx->conf->issuer.data;
    expect.client_id = (const char *) ctx->conf->client_id.data;
    expect.token_use = ctx->auth.use;
    expect.now = (long long) ngx_time();
    expect.leeway = NGX_TASKMGR_JWT_LEEWAY;

    claims = NULL;
    ctx->auth.jwt_rc = tm_jwt_verify((const char *) ctx->auth.token.data,
                                ctx->auth.token.len, keys, &expect,
                                &claims);

    if (ctx->auth.jwt_rc != TM_JWT_OK) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "taskmgr: %s token refused: %s", ctx->auth.use,
                      tm_jwt_strerror(ctx->auth.jwt_rc));
        return NGX_DECLINED;
    }

    if (ngx_taskmgr_claims(ctx, claims) != NGX_OK) {
        ctx->auth.jwt_rc = TM_JWT_MALFORMED;
        return NGX_DECLINED;
    }

    ngx_taskmgr_verified_put(ctx, claims);

    return NGX_OK;
}


/* ctx takes the claims (one reference) and what it needs of them */

static ngx_int_t
ngx_taskmgr_claims(ngx_taskmgr_ctx_t *ctx, json_t *claims)
{
    json_t  *jti;

    json_decref(ctx->auth.claims);
    ctx->auth.claims = claims;
    ctx->auth.sub = json_string_value(json_object_get(claims, "sub"));
    ctx->auth.exp = (time_t) json_integer_value(json_object_get(claims,
                                                                 "exp"));
    ctx->auth.auth_time = (time_t) json_integer_value(
                              json_object_get(claims, "auth_time"));
    if (ctx->auth.auth_time == 0) {
        ctx->auth.auth_time = (time_t) json_integer_value(
                                  json_object_get(claims, "iat"));
    }

    /* Cognito gives every token of one sign-in the same origin_jti, so
     * revoking it at logout also refuses the session's earlier access
     * tokens; tokens without one (cognito-local) are revoked one by one */
    jti = json_object_get(claims, "origin_jti");
    if (jti == NULL) {
        jti = json_object_get(claims, "jti");
    }

    ctx->auth.jti = json_string_value(jti);

    return ctx->auth.sub && *ctx->auth.sub ? NGX_OK : NGX_DECLINED;
}


/* by the token's last bytes, its signature's: as random as the whole
 * token; hashing the whole (about 1 kB) was 3 % of a GET's CPU */

static ngx_uint_t
ngx_taskmgr_verified_slot(ngx_str_t *token)
{
    size_t  n;

    n = ngx_min(token->len, 32);

    return ngx_hash_key(token->data + token->len - n, n)
           % NGX_TASKMGR_VERIFIED;
}


static ngx_int_t
ngx_taskmgr_verified_get(ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_verified_t  *v;

    if (ngx_strcmp(ctx->auth.use, "access") != 0) {
        return NGX_DECLINED;
    }

    v = &ngx_taskmgr_verified[ngx_taskmgr_verified_slot(&ctx->auth.token)];

    if (v->token == NULL || v->len != ctx->auth.token.len
        || ngx_memcmp(v->token, ctx->auth.token.data, v->len) != 0
        || v->exp <= ngx_time())
    {
        /* one expired is verified afresh, which says "expired" in its own
         * words */
        ngx_taskmgr_metrics_event(ctx->conf, NGX_TASKMGR_TOKEN_MISS);
        return NGX_DECLINED;
    }

    ngx_taskmgr_metrics_event(ctx->conf, NGX_TASKMGR_TOKEN_HIT);

    return ngx_taskmgr_claims(ctx, json_incref(v->claims));
}


static void
ngx_taskmgr_verified_put(ngx_taskmgr_ctx_t *ctx, json_t *claims)
{
    u_char                  *copy;
    ngx_taskmgr_verified_t  *v;

    if (ngx_strcmp(ctx->auth.use, "access") != 0) {
        return;
    }

    copy = ngx_alloc(ctx->auth.token.len, ngx_cycle->log);
    if (copy == NULL) {
        return;
    }

    v = &ngx_taskmgr_verified[ngx_taskmgr_verified_slot(&ctx->auth.token)];

    if (v->token) {
        ngx_free(v->token);
        json_decref(v->claims);
    }

    ngx_memcpy(copy, ctx->auth.token.data, ctx->auth.token.len);

    v->token = copy;
    v->len = ctx->auth.token.len;
    v->claims = json_incref(claims);
    v->exp = ctx->auth.exp;
}


static void
ngx_taskmgr_verified_flush(void)
{
    ngx_uint_t  i;

    for (i = 0; i < NGX_TASKMGR_VERIFIED; i++) {
        if (ngx_taskmgr_verified[i].token) {
            ngx_free(ngx_taskmgr_verified[i].token);
            json_decref(ngx_taskmgr_verified[i].claims);
            ngx_taskmgr_verified[i].token = NULL;
            ngx_taskmgr_verified[i].claims = NULL;
        }
    }
}


/*
 * $taskmgr_user: the sub of the caller's access token when it verifies
 * with the keys held (a variable cannot wait: no fetch and no revocation
 * check), else empty.  It keys limit_req per user before the request
 * reaches the module, and names the caller in access logs.  A forged
 * token keys nothing (limit_req skips an empty key), so nobody can spend
 * another user's allowance; the module refuses it anyway.
 */

ngx_int_t
ngx_taskmgr_user_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    size_t              len;
    ngx_str_t           token;
    const char         *sub;
    ngx_taskmgr_ctx_t  *ctx, *t;

    v->not_found = 1;

    ctx = ngx_http_get_module_ctx(r->main, ngx_taskmgr_module);
    t = NULL;

    if (ctx && ctx->auth.sub && ctx->auth.jwt_rc == TM_JWT_OK) {
        /* the request's own verdict (a log line at its end) */
        sub = ctx->auth.sub;

    } else {
        if (ngx_taskmgr_caller_token(r->main, &token) != NGX_OK) {
            return NGX_OK;
        }

        t = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_ctx_t));
        if (t == NULL) {
            return NGX_ERROR;
        }

        t->conf = ngx_http_get_module_main_conf(r, ngx_taskmgr_module);
        t->auth.token = token;
        t->auth.use = "access";

        if (ngx_taskmgr_verify_now(r, t) != NGX_OK) {
            json_decref(t->auth.claims);
            return NGX_OK;
        }

        sub = t->auth.sub;
    }

    len = ngx_strlen(sub);

    v->data = ngx_pnalloc(r->pool, len);
    if (v->data == NULL) {
        json_decref(t ? t->auth.claims : NULL);
        return NGX_ERROR;
    }

    ngx_memcpy(v->data, sub, len);
    v->len = len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    json_decref(t ? t->auth.claims : NULL);

    return NGX_OK;
}


/* the bearer token, else the access cookie */

static ngx_int_t
ngx_taskmgr_caller_token(ngx_http_request_t *r, ngx_str_t *token)
{
    if (ngx_taskmgr_bearer(r, token) == NGX_OK
        || ngx_taskmgr_get_cookie(r, NGX_TASKMGR_COOKIE_ACCESS, token)
           == NGX_OK)
    {
        return NGX_OK;
    }

    return NGX_DECLINED;
}


static ngx_int_t
ngx_taskmgr_bearer(ngx_http_request_t *r, ngx_str_t *token)
{
    ngx_str_t  *v;

    if (r->headers_in.authorization == NULL) {
        return NGX_DECLINED;
    }

    v = &r->headers_in.authorization->value;

    if (v->len <= sizeof("Bearer ") - 1
        || ngx_strncasecmp(v->data, (u_char *) "Bearer ",
                           sizeof("Bearer ") - 1) != 0)
    {
        return NGX_DECLINED;
    }

    token->data = v->data + sizeof("Bearer ") - 1;
    token->len = v->len - (sizeof("Bearer ") - 1);

    while (token->len && token->data[0] == ' ') {
        token->data++;
        token->len--;
    }

    return token->len ? NGX_OK : NGX_DECLINED;
}
