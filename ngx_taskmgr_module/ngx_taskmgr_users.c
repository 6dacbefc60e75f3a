/*
 * The user service (taskmgr_users): register, confirm, login, refresh,
 * logout, and the caller's own profile.  Passwords live in Cognito only;
 * the profile is the USER_<sub> item.
 */

#include "ngx_taskmgr.h"
#include "tm_ddb.h"
#include "tm_jwt.h"
#include "tm_user.h"
#include "tm_validate.h"


/* a users request's own state */
typedef struct {
    tm_user_fields_t           fields;     /* what the body says */
    char                       now[24];
    json_t                    *item;       /* the user item written */
    json_t                    *session;    /* AuthenticationResult */
    unsigned                   registering:1;
    unsigned                   sms_cond:1;  /* the PATCH's condition is
                                               about SMS */
} ngx_taskmgr_users_t;


static ngx_int_t ngx_taskmgr_users_register(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_register_signed_up(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_register_put(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_register_stored(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_register_undone(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_confirm(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_confirmed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_login(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_initiate_auth(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_login_authed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_login_mfa(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_login_verified(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_login_updated(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_login_repaired(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_send_session(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_uint_t status, json_t *result,
    json_t *user_item);
static ngx_int_t ngx_taskmgr_users_refresh(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_refreshed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_logout(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_logout_revoke(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_logout_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_me(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_me_patch(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_me_reply(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_users_put(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, tm_user_t *user, ngx_taskmgr_step_pt next);
static json_t *ngx_taskmgr_users_user_key(ngx_http_request_t *r,
    const char *sub);
static void ngx_taskmgr_users_now(char *out);


const ngx_taskmgr_route_t  ngx_taskmgr_users_routes[] = {
    { ngx_string("/api/users/register"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_NONE, ngx_taskmgr_users_register },
    { ngx_string("/api/users/confirm"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_NONE, ngx_taskmgr_users_confirm },
    { ngx_string("/api/users/confirm/resend"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_NONE, ngx_taskmgr_password_resend },
    { ngx_string("/api/users/password/forgot"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_NONE, ngx_taskmgr_password_forgot },
    { ngx_string("/api/users/password/reset"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_NONE, ngx_taskmgr_password_reset },
    { ngx_string("/api/users/password/change"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_password_change },
    { ngx_string("/api/users/login"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_NONE, ngx_taskmgr_users_login },
    { ngx_string("/api/users/login/mfa"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_NONE, ngx_taskmgr_users_login_mfa },
    { ngx_string("/api/users/me/mfa/totp"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_mfa_setup },
    { ngx_string("/api/users/me/mfa/totp/confirm"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_mfa_confirm },
    { ngx_string("/api/users/me/mfa"), NGX_HTTP_DELETE,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_mfa_disable },
    { ngx_string("/api/users/refresh"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_NONE, ngx_taskmgr_users_refresh },
    { ngx_string("/api/users/logout"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_OPTIONAL, ngx_taskmgr_users_logout },
    { ngx_string("/api/users/me"),
      NGX_HTTP_GET|NGX_HTTP_PATCH|NGX_HTTP_DELETE,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_users_me },
    { ngx_string("/api/users/me/phone/verify"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_phone_verify },
    { ngx_string("/api/users/me/phone/confirm"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_phone_confirm },
    { ngx_string("/api/users/me/export"), NGX_HTTP_GET,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_export },
    { ngx_string("/api/users/me/calendar"), NGX_HTTP_POST|NGX_HTTP_DELETE,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_calendar },
    { ngx_string("/api/calendar/{}.ics"), NGX_HTTP_GET,
      NGX_TASKMGR_AUTH_NONE, ngx_taskmgr_calendar_feed },
    { ngx_null_string, 0, 0, NULL }
};


/* every route's state */

static ngx_taskmgr_users_t *
ngx_taskmgr_users_state(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_users_t  *u;

    u = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_users_t));
    ctx->data = u;

    return u;
}


/* the route's body into the state, by its table */

static ngx_int_t
ngx_taskmgr_users_body(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const tm_field_t *table, ngx_uint_t mode)
{
    ngx_taskmgr_users_t  *u;

    u = ngx_taskmgr_users_state(r, ctx);
    if (u == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_body_read(r, ctx, table, mode, &u->fields);
}


static ngx_int_t
ngx_taskmgr_users_register(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t               *attrs;
    ngx_int_t             rc;
    ngx_taskmgr_users_t  *u;

    rc = ngx_taskmgr_users_body(r, ctx, tm_user_register_body,
                                TM_BODY_REQUIRED);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    u = ctx->data;

    if (u->fields.phone && *u->fields.phone == '\0') {
        u->fields.phone = NULL;
    }

    ngx_taskmgr_users_now(u->now);

    attrs = json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]",
                      "Name", "email", "Value", u->fields.email,
                      "Name", "given_name", "Value", u->fields.first_name,
                      "Name", "family_name", "Value", u->fields.last_name);

    return ngx_taskmgr_cognito(r, ctx, "SignUp",
                               attrs ? json_pack("{s:s, s:s, s:s, s:o}",
                                                 "ClientId",
                                                 ctx->conf->client_id.data,
                                                 "Username", u->fields.email,
                                                 "Password",
                                                 u->fields.password,
                                                 "UserAttributes", attrs)
                                     : NULL,
                               ngx_taskmgr_users_register_signed_up);
}


static ngx_int_t
ngx_taskmgr_users_register_signed_up(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    const char            *sub;
    ngx_taskmgr_users_t   *u;

    u = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "UsernameExistsException")
        || ngx_taskmgr_aws_is(ctx, "AliasExistsException"))
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT, "email_taken",
                                      "an account with this email exists",
                                      "email");
    }

    if (ngx_taskmgr_aws_is(ctx, "InvalidPasswordException")) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "weak_password",
                                      "must be " TM_PASSWORD_POLICY,
                                      "password");
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    sub = json_string_value(json_object_get(ctx->call.reply, "UserSub"));
    if (sub == NULL) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    ctx->auth.sub = ngx_taskmgr_cstr(r->pool, (u_char *) sub, ngx_strlen(sub));
    if (ctx->auth.sub == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->conf->require_confirmation
        || json_is_true(json_object_get(ctx->call.reply, "UserConfirmed")))
    {
        return ngx_taskmgr_users_register_put(r, ctx);
    }

    return ngx_taskmgr_cognito(r, ctx, "AdminConfirmSignUp",
                               json_pack("{s:s, s:s}",
                                         "UserPoolId",
                                         ctx->conf->user_pool.data,
                                         "Username", u->fields.email),
                               ngx_taskmgr_users_register_put);
}


static ngx_int_t
ngx_taskmgr_users_register_put(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    tm_user_t              user;
    ngx_taskmgr_users_t   *u;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    u = ctx->data;

    user.sub = ctx->auth.sub;
    user.email = u->fields.email;
    user.first_name = u->fields.first_name;
    user.last_name = u->fields.last_name;
    user.phone = u->fields.phone;
    user.time_zone = u->fields.time_zone;
    user.now = u->now;
    user.last_login = ctx->conf->require_confirmation ? NULL : u->now;

    return ngx_taskmgr_users_put(r, ctx, &user,
                                 ngx_taskmgr_users_register_stored);
}


static ngx_int_t
ngx_taskmgr_users_register_stored(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    json_t               *obj;
    ngx_taskmgr_users_t  *u;

    u = ctx->data;

    if (ctx->call.error) {
        /* no account without its item: undo the sign-up, then answer */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "taskmgr dynamodb PutItem: %s: %s", ctx->call.error,
                      ctx->call.message ? ctx->call.message : "");

        return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_COGNITO,
                                    "AdminDeleteUser",
                                    json_pack("{s:s, s:s}",
                                              "UserPoolId",
                                              ctx->conf->user_pool.data,
                                              "Username", u->fields.email),
                                    NGX_TASKMGR_AWS_RAW,
                                    ngx_taskmgr_users_register_undone);
    }

    if (!ctx->conf->require_confirmation) {
        u->registering = 1;
        return ngx_taskmgr_users_initiate_auth(r, ctx);
    }

    obj = json_pack("{s:o, s:b}", "user", tm_user_json(u->item),
                    "confirmationRequired", 1);

    return ngx_taskmgr_send_json(r, NGX_HTTP_CREATED, obj);
}


static ngx_int_t
ngx_taskmgr_users_register_undone(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    ngx_str_t  retry = ngx_string("1");

    if (ctx->call.status != NGX_HTTP_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "taskmgr cognito AdminDeleteUser: could not undo the "
                      "sign-up of user %s (status %ui)", ctx->auth.sub,
                      ctx->call.status);
    }

    if (ngx_taskmgr_add_header(r, "Retry-After", &retry) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                  "unavailable",
                                  "the account could not be created, "
                                  "try again", NULL);
}


static ngx_int_t
ngx_taskmgr_users_confirm(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_taskmgr_users_t  *u;

    rc = ngx_taskmgr_users_body(r, ctx, tm_user_confirm_body,
                                TM_BODY_REQUIRED);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    u = ctx->data;

    return ngx_taskmgr_cognito(r, ctx, "ConfirmSignUp",
                               json_pack("{s:s, s:s, s:s}",
                                         "ClientId",
                                         ctx->conf->client_id.data,
                                         "Username", u->fields.email,
                                         "ConfirmationCode", u->fields.code),
                               ngx_taskmgr_users_confirmed);
}


static ngx_int_t
ngx_taskmgr_users_confirmed(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t     *obj;

    /* an unknown user gets the same answer as a wrong code */
    if (ngx_taskmgr_aws_is(ctx, "CodeMismatchException")
        || ngx_taskmgr_aws_is(ctx, "ExpiredCodeException")
        || ngx_taskmgr_aws_is(ctx, "UserNotFoundException"))
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST, "invalid_code",
                                      "the code is wrong or has expired",
                                      "code");
    }

    if (ctx->call.error && !ngx_taskmgr_aws_is(ctx, "NotAuthorizedException"))
    {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    /* NotAuthorizedException: already confirmed, which is what was asked */

    obj = json_pack("{s:b}", "confirmed", 1);
    return ngx_taskmgr_send_json(r, NGX_HTTP_OK, obj);
}


/* POST /api/users/login {email, password} */

static ngx_int_t
ngx_taskmgr_users_login(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t  rc;

    rc = ngx_taskmgr_users_body(r, ctx, tm_user_login_body,
                                TM_BODY_REQUIRED);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_taskmgr_users_initiate_auth(r, ctx);
}


static ngx_int_t
ngx_taskmgr_users_initiate_auth(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_users_t  *u;

    u = ctx->data;

    return ngx_taskmgr_cognito(r, ctx, "InitiateAuth",
                               json_pack("{s:s, s:s, s:{s:s, s:s}}",
                                         "AuthFlow", "USER_PASSWORD_AUTH",
                                         "ClientId",
                                         ctx->conf->client_id.data,
                                         "AuthParameters",
                                         "USERNAME", u->fields.email,
                                         "PASSWORD", u->fields.password),
                               ngx_taskmgr_users_login_authed);
}


static ngx_int_t
ngx_taskmgr_users_login_authed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    json_t               *result;
    ngx_str_t             token;
    const char           *name;
    ngx_taskmgr_users_t  *u;

    /* Cognito says NotAuthorized on AWS, InvalidPassword locally */
    if (ngx_taskmgr_aws_is(ctx, "NotAuthorizedException")
        || ngx_taskmgr_aws_is(ctx, "UserNotFoundException")
        || ngx_taskmgr_aws_is(ctx, "InvalidPasswordException"))
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_UNAUTHORIZED,
                                      "invalid_credentials",
                                      "the email or password is incorrect",
                                      NULL);
    }

    if (ngx_taskmgr_aws_is(ctx, "UserNotConfirmedException")) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_FORBIDDEN,
                                      "user_not_confirmed",
                                      "confirm the account with the emailed "
                                      "code first", NULL);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    result = json_object_get(ctx->call.reply, "AuthenticationResult");
    token.data = (u_char *) json_string_value(json_object_get(result,
                                                              "IdToken"));

    if (token.data == NULL
        || json_string_value(json_object_get(result, "AccessToken")) == NULL)
    {
        u = ctx->data;
        name = json_string_value(json_object_get(ctx->call.reply,
                                                 "ChallengeName"));

        if (name && ngx_strcmp(name, "SOFTWARE_TOKEN_MFA") == 0
            && !u->registering && u->fields.email)
        {
            return ngx_taskmgr_mfa_challenge(r, ctx, u->fields.email);
        }

        if (name) {
            return ngx_taskmgr_send_error(r, NGX_HTTP_FORBIDDEN,
                                          "challenge_required",
                                          "the account needs an action "
                                          "this API does not offer", NULL);
        }

        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    u = ctx->data;
    u->session = json_incref(result);
    ngx_taskmgr_json_track(r, result);

    token.len = ngx_strlen(token.data);

    return ngx_taskmgr_auth_verify(r, ctx, &token, "id",
                                   ngx_taskmgr_users_login_verified);
}


/* POST /api/users/login/mfa {challenge, code}: the login's second step,
 * its session as login's */

static ngx_int_t
ngx_taskmgr_users_login_mfa(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ngx_taskmgr_users_state(r, ctx) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_mfa_login(r, ctx, ngx_taskmgr_users_login_authed);
}


static ngx_int_t
ngx_taskmgr_users_login_verified(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    char                  now[24];
    json_t               *key;
    ngx_taskmgr_users_t  *u;

    if (ctx->auth.jwt_rc != TM_JWT_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "taskmgr cognito InitiateAuth: the id token fails "
                      "verification: %s", tm_jwt_strerror(ctx->auth.jwt_rc));

        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_GATEWAY, "bad_gateway",
                                      "the identity service sent an invalid "
                                      "token", NULL);
    }

    u = ctx->data;

    if (u->registering) {
        return ngx_taskmgr_users_send_session(r, ctx, NGX_HTTP_CREATED,
                                              u->session, u->item);
    }

    ngx_taskmgr_users_now(now);
    key = ngx_taskmgr_users_user_key(r, ctx->auth.sub);

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem",
                           key ? json_pack("{s:s, s:o, s:s, s:s, s:{s:{s:s}},"
                                           " s:s}",
                                           "TableName",
                                           ctx->conf->table.data,
                                           "Key", key,
                                           "UpdateExpression",
                                           "SET LastLogin = :now",
                                           "ConditionExpression",
                                           "attribute_exists(EntityPartition)",
                                           "ExpressionAttributeValues",
                                           ":now", "S", now,
                                           "ReturnValues", "ALL_NEW")
                               : NULL,
                           ngx_taskmgr_users_login_updated);
}


static ngx_int_t
ngx_taskmgr_users_login_updated(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    char                  now[24];
    tm_user_t             user;
    ngx_taskmgr_users_t  *u;

    u = ctx->data;

    if (!ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        if (ctx->call.error) {
            return ngx_taskmgr_aws_fail(r, ctx);
        }

        return ngx_taskmgr_users_send_session(r, ctx, NGX_HTTP_OK,
                                              u->session,
                                              json_object_get(ctx->call.reply,
                                                              "Attributes"));
    }

    /* the account exists without its item (a sign-up cut short): make it
     * from what Cognito knows */

    ngx_taskmgr_users_now(now);

    tm_user_from_claims(ctx->auth.claims, ctx->auth.sub, now, &user);

    return ngx_taskmgr_users_put(r, ctx, &user,
                                 ngx_taskmgr_users_login_repaired);
}


static ngx_int_t
ngx_taskmgr_users_login_repaired(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_users_t  *u;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "taskmgr: recreated the missing item of user %s",
                  ctx->auth.sub);

    u = ctx->data;

    return ngx_taskmgr_users_send_session(r, ctx, NGX_HTTP_OK, u->session,
                                          u->item);
}


/* {user?, accessToken, idToken, expiresIn} from Cognito's
 * AuthenticationResult, the tokens also as cookies (a refresh brings no new
 * refresh token, and no user) */

static ngx_int_t
ngx_taskmgr_users_send_session(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t status, json_t *result, json_t *user_item)
{
    json_t      *obj;
    json_int_t   expires;
    const char  *access, *refresh;

    access = json_string_value(json_object_get(result, "AccessToken"));
    refresh = json_string_value(json_object_get(result, "RefreshToken"));
    expires = json_integer_value(json_object_get(result, "ExpiresIn"));

    if (access == NULL) {
        ctx->call.status = NGX_HTTP_OK + 1;
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    /* cognito-local leaves ExpiresIn out; Cognito's default is an hour */
    if (expires <= 0) {
        expires = 3600;
    }

    if (ngx_taskmgr_set_cookie(r, NGX_TASKMGR_COOKIE_ACCESS, access,
                               (time_t) expires)
        != NGX_OK
        || (refresh
            && ngx_taskmgr_set_cookie(r, NGX_TASKMGR_COOKIE_REFRESH, refresh,
                                      ctx->conf->refresh_cookie_ttl)
               != NGX_OK))
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    obj = json_pack("{s:s, s:O, s:I}",
                    "accessToken", access,
                    "idToken", json_object_get(result, "IdToken"),
                    "expiresIn", expires);

    if (obj && user_item) {
        json_object_set_new(obj, "user", tm_user_json(user_item));
    }

    return ngx_taskmgr_send_json(r, status, obj);
}


/* POST /api/users/refresh: new tokens from the refresh cookie (or, for API
 * clients, {refreshToken}) */

static ngx_int_t
ngx_taskmgr_users_refresh(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_str_t             cookie;
    const char           *token;
    ngx_taskmgr_users_t  *u;

    rc = ngx_taskmgr_users_body(r, ctx, tm_user_refresh_body,
                                TM_BODY_OPTIONAL);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    u = ctx->data;
    token = u->fields.refresh_token;

    if (token == NULL) {
        if (ngx_taskmgr_get_cookie(r, NGX_TASKMGR_COOKIE_REFRESH, &cookie)
            != NGX_OK)
        {
            return ngx_taskmgr_unauthorized(r, "no refresh token");
        }

        token = ngx_taskmgr_cstr(r->pool, cookie.data, cookie.len);
        if (token == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    return ngx_taskmgr_cognito(r, ctx, "InitiateAuth",
                               json_pack("{s:s, s:s, s:{s:s}}",
                                         "AuthFlow", "REFRESH_TOKEN_AUTH",
                                         "ClientId",
                                         ctx->conf->client_id.data,
                                         "AuthParameters",
                                         "REFRESH_TOKEN", token),
                               ngx_taskmgr_users_refreshed);
}


static ngx_int_t
ngx_taskmgr_users_refreshed(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ngx_taskmgr_aws_is(ctx, "NotAuthorizedException")
        || ngx_taskmgr_aws_is(ctx, "UserNotFoundException")
        || ngx_taskmgr_aws_is(ctx, "InvalidParameterException"))
    {
        if (ngx_taskmgr_clear_cookies(r) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_taskmgr_unauthorized(r, "the session has ended, "
                                           "log in again");
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    return ngx_taskmgr_users_send_session(r, ctx, NGX_HTTP_OK,
                                    json_object_get(ctx->call.reply,
                                                    "AuthenticationResult"),
                                    NULL);
}


/* POST /api/users/logout: the access token refused from now on, the
 * refresh token revoked, the cookies cleared; 204 whatever the session's
 * state (expired, revoked), so that a client can always leave; 401 when
 * the request names no session at all */

static ngx_int_t
ngx_taskmgr_users_logout(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t  rc;
    ngx_str_t  refresh;

    rc = ngx_taskmgr_users_body(r, ctx, tm_no_body, TM_BODY_OPTIONAL);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (ctx->auth.token.len == 0
        && ngx_taskmgr_get_cookie(r, NGX_TASKMGR_COOKIE_REFRESH, &refresh)
           != NGX_OK)
    {
        return ngx_taskmgr_unauthorized(r, "no session to log out");
    }

    if (ctx->auth.claims && ctx->auth.jwt_rc == TM_JWT_OK) {
        return ngx_taskmgr_revoke_record(r, ctx,
                                         ngx_taskmgr_users_logout_revoke);
    }

    return ngx_taskmgr_users_logout_revoke(r, ctx);
}


static ngx_int_t
ngx_taskmgr_users_logout_revoke(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    char       *p;
    ngx_str_t   cookie;

    if (ngx_taskmgr_get_cookie(r, NGX_TASKMGR_COOKIE_REFRESH, &cookie)
        != NGX_OK)
    {
        return ngx_taskmgr_users_logout_done(r, ctx);
    }

    p = ngx_taskmgr_cstr(r->pool, cookie.data, cookie.len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_COGNITO, "RevokeToken",
                                json_pack("{s:s, s:s}", "Token", p,
                                          "ClientId",
                                          ctx->conf->client_id.data),
                                NGX_TASKMGR_AWS_RAW,
                                ngx_taskmgr_users_logout_done);
}


static ngx_int_t
ngx_taskmgr_users_logout_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->call.op && ngx_strcmp(ctx->call.op, "RevokeToken") == 0
        && ctx->call.status != NGX_HTTP_OK)
    {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "taskmgr cognito RevokeToken: status %ui %s",
                      ctx->call.status, ctx->call.error ? ctx->call.error : "");
    }

    if (ngx_taskmgr_clear_cookies(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_empty(r, NGX_HTTP_NO_CONTENT);
}


/* GET, PATCH and DELETE /api/users/me */

static ngx_int_t
ngx_taskmgr_users_me(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t   rc;
    json_t     *key;

    if (r->method == NGX_HTTP_PATCH) {
        return ngx_taskmgr_users_me_patch(r, ctx);
    }

    if (r->method == NGX_HTTP_DELETE) {
        return ngx_taskmgr_delete_account(r, ctx);
    }

    rc = ngx_taskmgr_users_body(r, ctx, tm_no_body, TM_BODY_OPTIONAL);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    key = ngx_taskmgr_users_user_key(r, ctx->auth.sub);

    return ngx_taskmgr_ddb_get(r, ctx, key, 0, NULL,
                               ngx_taskmgr_users_me_reply);
}


/* PATCH /api/users/me: the rules are common/tm_user.c's */

static ngx_int_t
ngx_taskmgr_users_me_patch(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    int                   sms_cond;
    json_t               *req;
    ngx_int_t             rc;
    const char           *why, *field;
    tm_update_t           upd;
    ngx_taskmgr_users_t  *u;

    rc = ngx_taskmgr_users_body(r, ctx, tm_user_patch_body, TM_BODY_PATCH);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    u = ctx->data;

    why = tm_user_patch_check(&u->fields, &field);
    if (why) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field", why, field);
    }

    ngx_taskmgr_users_now(u->now);

    tm_update_init(&upd);
    (void) tm_user_patch(&u->fields, ctx->auth.sub, u->now,
                         (unsigned) ctx->conf->reminder_shards, &upd,
                         &sms_cond);
    u->sms_cond = sms_cond;

    req = tm_update_request(&upd, (const char *) ctx->conf->table.data,
                            ngx_taskmgr_users_user_key(r, ctx->auth.sub),
                            "ALL_NEW");
    tm_update_free(&upd);

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem", req,
                           ngx_taskmgr_users_me_reply);
}


static ngx_int_t
ngx_taskmgr_users_me_reply(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t               *item, *obj;
    ngx_taskmgr_users_t  *u;

    u = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        if (u->sms_cond) {
            return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                          "invalid_field",
                                          "SMS notifications need a phone "
                                          "number",
                                          "notificationPreferences.sms");
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such user", NULL);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    item = json_object_get(ctx->call.reply, "Item");
    if (item == NULL) {
        item = json_object_get(ctx->call.reply, "Attributes");
    }

    if (item == NULL) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such user", NULL);
    }

    obj = json_pack("{s:o}", "user", tm_user_json(item));

    return ngx_taskmgr_send_json(r, NGX_HTTP_OK, obj);
}


/* a new user item, written only if there is none */

static ngx_int_t
ngx_taskmgr_users_put(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    tm_user_t *user, ngx_taskmgr_step_pt next)
{
    ngx_taskmgr_users_t  *u;

    u = ctx->data;

    u->item = tm_user_item(user);
    if (u->item == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_json_track(r, u->item);

    return ngx_taskmgr_ddb_put_new(r, ctx, json_incref(u->item), next);
}


static json_t *
ngx_taskmgr_users_user_key(ngx_http_request_t *r, const char *sub)
{
    char  key[160];

    if (sub == NULL || ngx_strlen(sub) > 128) {
        return NULL;
    }

    tm_user_key(sub, key, sizeof(key));

    return tm_ddb_key(key, key);
}


static void
ngx_taskmgr_users_now(char *out)
{
    tm_format_rfc3339((long long) ngx_time(), out);
}
