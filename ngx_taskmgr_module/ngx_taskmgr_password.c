/*
 * The users service's password routes: forgot and reset, change, and the
 * confirmation code sent again.  Cognito holds the passwords and sends the
 * codes; a reset or a change ends the user's other sessions through a user
 * revocation record (ngx_taskmgr_revoke.c).
 */

#include "ngx_taskmgr.h"
#include "tm_jwt.h"
#include "tm_user.h"
#include "tm_validate.h"


/*
 * forgot and resend answer 202 whether the account exists or not, and no
 * sooner than this after the request came: Cognito answers an unknown
 * email at once but a known one after sending the code.  The answer
 * cannot go first with the call finished later: a subrequest does not
 * outlive its request.
 */
#define NGX_TASKMGR_PASSWORD_QUIET  500


typedef struct {
    tm_user_fields_t           fields;
    ngx_msec_t                 start;
    ngx_event_t                timer;
    ngx_taskmgr_step_pt        wake;
    const char                *sub;
} ngx_taskmgr_password_t;


static ngx_int_t ngx_taskmgr_password_body(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const tm_field_t *table);
static ngx_int_t ngx_taskmgr_password_send_code(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *op);
static ngx_int_t ngx_taskmgr_password_code_sent(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_password_accepted(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_password_was_reset(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_password_user_found(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_password_changed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_password_revoked(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_password_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_password_busy(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_password_later(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_msec_t delay, ngx_taskmgr_step_pt next);
static void ngx_taskmgr_password_wake(ngx_event_t *ev);
static void ngx_taskmgr_password_cleanup(void *data);


static ngx_int_t
ngx_taskmgr_password_body(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const tm_field_t *table)
{
    ngx_taskmgr_password_t  *p;

    p = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_password_t));
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p->start = ngx_current_msec;
    ctx->data = p;

    return ngx_taskmgr_body_read(r, ctx, table, TM_BODY_REQUIRED,
                                 &p->fields);
}


/* POST /api/users/password/forgot {email}: 202 always */

ngx_int_t
ngx_taskmgr_password_forgot(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_password_send_code(r, ctx, "ForgotPassword");
}


/* POST /api/users/confirm/resend {email}: 202 always */

ngx_int_t
ngx_taskmgr_password_resend(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_password_send_code(r, ctx, "ResendConfirmationCode");
}


/* Cognito's op that mails the account a code, for {email} */

static ngx_int_t
ngx_taskmgr_password_send_code(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *op)
{
    ngx_int_t                rc;
    ngx_taskmgr_password_t  *p;

    rc = ngx_taskmgr_password_body(r, ctx, tm_user_email_body);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    p = ctx->data;

    return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_COGNITO, op,
                                json_pack("{s:s, s:s}",
                                          "ClientId",
                                          ctx->conf->client_id.data,
                                          "Username", p->fields.email),
                                NGX_TASKMGR_AWS_RAW,
                                ngx_taskmgr_password_code_sent);
}


/*
 * Whatever Cognito says of the account (unknown, unconfirmed, confirmed
 * already, too many codes asked for) the client hears 202; only a Cognito
 * that cannot be reached is told, the same for every email.
 */

static ngx_int_t
ngx_taskmgr_password_code_sent(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    ngx_msec_t               spent;
    ngx_taskmgr_password_t  *p;

    p = ctx->data;

    if (ctx->call.error) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "taskmgr cognito %s: %s", ctx->call.op,
                      ctx->call.error);

    } else if (ctx->call.status == NGX_HTTP_INTERNAL_SERVER_ERROR
               && ngx_strlcasestrn(ctx->call.raw.data,
                                   ctx->call.raw.data + ctx->call.raw.len,
                                   (u_char *) "CognitoLocal#Unsupported",
                                   sizeof("CognitoLocal#Unsupported") - 2)
                  != NULL)
    {
        /* cognito-local has no ResendConfirmationCode: its first code
         * stays valid */
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "taskmgr cognito %s: not supported here",
                      ctx->call.op);

    } else if (ctx->call.status != NGX_HTTP_OK) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    spent = ngx_current_msec - p->start;

    if (spent >= NGX_TASKMGR_PASSWORD_QUIET) {
        return ngx_taskmgr_password_accepted(r, ctx);
    }

    return ngx_taskmgr_password_later(r, ctx,
                                      NGX_TASKMGR_PASSWORD_QUIET - spent,
                                      ngx_taskmgr_password_accepted);
}


static ngx_int_t
ngx_taskmgr_password_accepted(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_send_json(r, NGX_HTTP_ACCEPTED,
                                 json_pack("{s:b}", "accepted", 1));
}


/* POST /api/users/password/reset {email, code, password}: 204 */

ngx_int_t
ngx_taskmgr_password_reset(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t                rc;
    ngx_taskmgr_password_t  *p;

    rc = ngx_taskmgr_password_body(r, ctx, tm_user_reset_body);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    p = ctx->data;

    return ngx_taskmgr_cognito(r, ctx, "ConfirmForgotPassword",
                               json_pack("{s:s, s:s, s:s, s:s}",
                                         "ClientId",
                                         ctx->conf->client_id.data,
                                         "Username", p->fields.email,
                                         "ConfirmationCode", p->fields.code,
                                         "Password", p->fields.password),
                               ngx_taskmgr_password_was_reset);
}


static ngx_int_t
ngx_taskmgr_password_was_reset(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_password_t  *p;

    /* an unknown user gets the same answer as a wrong code */
    if (ngx_taskmgr_aws_is(ctx, "CodeMismatchException")
        || ngx_taskmgr_aws_is(ctx, "ExpiredCodeException")
        || ngx_taskmgr_aws_is(ctx, "UserNotFoundException"))
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST, "invalid_code",
                                      "the code is wrong or has expired",
                                      "code");
    }

    if (ngx_taskmgr_aws_is(ctx, "InvalidPasswordException")) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "weak_password",
                                      "must be " TM_PASSWORD_POLICY,
                                      "password");
    }

    if (ctx->call.error) {
        return ngx_taskmgr_password_busy(r, ctx);
    }

    p = ctx->data;

    /* the sessions to end are the sub's: the body names only the email */
    return ngx_taskmgr_cognito(r, ctx, "AdminGetUser",
                               json_pack("{s:s, s:s}",
                                         "UserPoolId",
                                         ctx->conf->user_pool.data,
                                         "Username", p->fields.email),
                               ngx_taskmgr_password_user_found);
}


static ngx_int_t
ngx_taskmgr_password_user_found(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    size_t                   i;
    json_t                  *attr;
    const char              *name;
    ngx_taskmgr_password_t  *p;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    p = ctx->data;

    json_array_foreach(json_object_get(ctx->call.reply, "UserAttributes"),
                       i, attr)
    {
        name = json_string_value(json_object_get(attr, "Name"));

        if (name && ngx_strcmp(name, "sub") == 0) {
            p->sub = json_string_value(json_object_get(attr, "Value"));
        }
    }

    if (p->sub == NULL || *p->sub == '\0') {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    return ngx_taskmgr_revoke_user(r, ctx, p->sub, 0,
                                   ngx_taskmgr_password_revoked);
}


/* POST /api/users/password/change {currentPassword, newPassword}: 204,
 * the caller's session goes on, the others end */

ngx_int_t
ngx_taskmgr_password_change(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t                rc;
    ngx_taskmgr_password_t  *p;

    rc = ngx_taskmgr_password_body(r, ctx, tm_user_change_body);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    p = ctx->data;

    return ngx_taskmgr_cognito(r, ctx, "ChangePassword",
                               json_pack("{s:s%, s:s, s:s}",
                                         "AccessToken",
                                         ctx->auth.token.data,
                                         ctx->auth.token.len,
                                         "PreviousPassword",
                                         p->fields.password,
                                         "ProposedPassword",
                                         p->fields.new_password),
                               ngx_taskmgr_password_changed);
}


static ngx_int_t
ngx_taskmgr_password_changed(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    /* Cognito says NotAuthorized for a wrong password, cognito-local
     * InvalidPassword; the new one passed the pool's policy here already */
    if (ngx_taskmgr_aws_is(ctx, "NotAuthorizedException")
        || ngx_taskmgr_aws_is(ctx, "InvalidPasswordException"))
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_password",
                                      "the current password is incorrect",
                                      "currentPassword");
    }

    if (ctx->call.error) {
        return ngx_taskmgr_password_busy(r, ctx);
    }

    return ngx_taskmgr_revoke_user(r, ctx, ctx->auth.sub, 1,
                                   ngx_taskmgr_password_revoked);
}


/*
 * The record ends sessions signed in until this second, auth_time being in
 * seconds: the answer waits for the next second, so that a sign-in after
 * it (with the new password) is not ended too.
 */

static ngx_int_t
ngx_taskmgr_password_revoked(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_time_t  *tp;

    tp = ngx_timeofday();

    return ngx_taskmgr_password_later(r, ctx, 1000 - tp->msec + 10,
                                      ngx_taskmgr_password_done);
}


static ngx_int_t
ngx_taskmgr_password_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_send_empty(r, NGX_HTTP_NO_CONTENT);
}


/* Cognito's limits on codes and attempts, else its failure */

static ngx_int_t
ngx_taskmgr_password_busy(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_str_t  retry = ngx_string("60");

    if (!ngx_taskmgr_aws_is(ctx, "LimitExceededException")
        && !ngx_taskmgr_aws_is(ctx, "TooManyFailedAttemptsException")
        && !ngx_taskmgr_aws_is(ctx, "TooManyRequestsException"))
    {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (ngx_taskmgr_add_header(r, "Retry-After", &retry) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_error(r, NGX_HTTP_TOO_MANY_REQUESTS,
                                  "rate_limited",
                                  "too many attempts, retry later", NULL);
}


/* next runs after delay ms; the request waits on a timer, not a worker */

static ngx_int_t
ngx_taskmgr_password_later(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_msec_t delay, ngx_taskmgr_step_pt next)
{
    ngx_pool_cleanup_t      *cln;
    ngx_taskmgr_password_t  *p;

    p = ctx->data;

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_taskmgr_password_cleanup;
    cln->data = &p->timer;

    p->wake = next;
    p->timer.handler = ngx_taskmgr_password_wake;
    p->timer.data = r;
    p->timer.log = r->connection->log;

    ngx_add_timer(&p->timer, delay);

    return NGX_DONE;
}


static void
ngx_taskmgr_password_wake(ngx_event_t *ev)
{
    ngx_int_t                rc;
    ngx_connection_t        *c;
    ngx_http_request_t      *r;
    ngx_taskmgr_ctx_t       *ctx;
    ngx_taskmgr_password_t  *p;

    r = ev->data;
    c = r->connection;
    ctx = ngx_http_get_module_ctx(r, ngx_taskmgr_module);
    p = ctx->data;

    rc = p->wake(r, ctx);

    if (rc != NGX_DONE) {
        ngx_http_finalize_request(r, rc);
    }

    ngx_http_run_posted_requests(c);
}


/* a request ended while it waits (the client went) takes its timer along */

static void
ngx_taskmgr_password_cleanup(void *data)
{
    ngx_event_t *ev = data;

    if (ev->timer_set) {
        ngx_del_timer(ev);
    }
}
