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


#define NGX_TASKMGR_REGISTERING  1
#define NGX_TASKMGR_SMS_COND     2


typedef struct {
    const char                *email;
    const char                *password;
    const char                *first_name;
    const char                *last_name;
    const char                *phone;
    char                       now[24];
} ngx_taskmgr_signup_t;


static ngx_int_t ngx_taskmgr_register(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_register_signed_up(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_register_put(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_register_stored(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_register_undone(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_confirm(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_confirmed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_login(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_initiate_auth(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *email, const char *password);
static ngx_int_t ngx_taskmgr_login_authed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_login_verified(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_login_updated(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_login_repaired(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_send_session(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_uint_t status, json_t *result,
    json_t *user_item);
static ngx_int_t ngx_taskmgr_refresh(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_refreshed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_logout(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_logout_revoke(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_logout_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_clear_cookies(ngx_http_request_t *r);
static ngx_int_t ngx_taskmgr_me(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_me_patch(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_me_reply(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static json_t *ngx_taskmgr_user_key(ngx_http_request_t *r, const char *sub);
static void ngx_taskmgr_now(char *out);


static const ngx_taskmgr_route_t  ngx_taskmgr_users_routes[] = {
    { ngx_string("/api/users/register"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_NONE, ngx_taskmgr_register },
    { ngx_string("/api/users/confirm"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_NONE, ngx_taskmgr_confirm },
    { ngx_string("/api/users/login"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_NONE, ngx_taskmgr_login },
    { ngx_string("/api/users/refresh"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_NONE, ngx_taskmgr_refresh },
    { ngx_string("/api/users/logout"), NGX_HTTP_POST,
      NGX_TASKMGR_AUTH_OPTIONAL, ngx_taskmgr_logout },
    { ngx_string("/api/users/me"), NGX_HTTP_GET|NGX_HTTP_PATCH,
      NGX_TASKMGR_AUTH_REQUIRED, ngx_taskmgr_me },
    { ngx_null_string, 0, 0, NULL }
};


static const char  *ngx_taskmgr_register_fields[] = {
    "email", "password", "firstName", "lastName", "phoneNumber", NULL
};
static const char  *ngx_taskmgr_register_required[] = {
    "email", "password", "firstName", "lastName", NULL
};
static const char  *ngx_taskmgr_login_fields[] = {
    "email", "password", NULL
};
static const char  *ngx_taskmgr_confirm_fields[] = {
    "email", "code", NULL
};
static const char  *ngx_taskmgr_refresh_fields[] = {
    "refreshToken", NULL
};
static const char  *ngx_taskmgr_patch_fields[] = {
    "firstName", "lastName", "phoneNumber", "notificationPreferences", NULL
};
static const char  *ngx_taskmgr_no_fields[] = {
    NULL
};


ngx_int_t
ngx_taskmgr_users_handler(ngx_http_request_t *r)
{
    return ngx_taskmgr_dispatch(r, ngx_taskmgr_users_routes);
}


/* POST /api/users/register: Cognito SignUp, (AdminConfirmSignUp), the user
 * item, then a session unless the pool wants the emailed code first */

static ngx_int_t
ngx_taskmgr_register(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t              rc;
    json_t                *attrs;
    ngx_taskmgr_signup_t  *su;

    rc = ngx_taskmgr_body_fields(r, ctx, ngx_taskmgr_register_fields,
                                 ngx_taskmgr_register_required);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    su = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_signup_t));
    if (su == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->data = su;

    if ((rc = ngx_taskmgr_field_str(r, ctx->body, "email", tm_valid_email,
                                    NGX_TASKMGR_LOWER, &su->email))
           != NGX_DECLINED
        || (rc = ngx_taskmgr_field_str(r, ctx->body, "password",
                                       tm_valid_password, 0, &su->password))
           != NGX_DECLINED
        || (rc = ngx_taskmgr_field_str(r, ctx->body, "firstName",
                                       tm_valid_name, 0, &su->first_name))
           != NGX_DECLINED
        || (rc = ngx_taskmgr_field_str(r, ctx->body, "lastName",
                                       tm_valid_name, 0, &su->last_name))
           != NGX_DECLINED
        || (rc = ngx_taskmgr_field_str(r, ctx->body, "phoneNumber",
                                       tm_valid_phone, NGX_TASKMGR_NULLABLE,
                                       &su->phone))
           != NGX_DECLINED)
    {
        return rc;
    }

    if (su->phone && *su->phone == '\0') {
        su->phone = NULL;
    }

    ngx_taskmgr_now(su->now);

    attrs = json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]",
                      "Name", "email", "Value", su->email,
                      "Name", "given_name", "Value", su->first_name,
                      "Name", "family_name", "Value", su->last_name);

    return ngx_taskmgr_cognito(r, ctx, "SignUp",
                               attrs ? json_pack("{s:s, s:s, s:s, s:o}",
                                                 "ClientId",
                                                 ctx->conf->client_id.data,
                                                 "Username", su->email,
                                                 "Password", su->password,
                                                 "UserAttributes", attrs)
                                     : NULL,
                               ngx_taskmgr_register_signed_up);
}


static ngx_int_t
ngx_taskmgr_register_signed_up(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    const char            *sub;
    ngx_taskmgr_signup_t  *su;

    su = ctx->data;

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

    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    sub = json_string_value(json_object_get(ctx->reply, "UserSub"));
    if (sub == NULL) {
        ctx->aws_error = NULL;
        ctx->status = NGX_HTTP_OK + 1;
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    ctx->sub = ngx_taskmgr_cstr(r->pool, (u_char *) sub, ngx_strlen(sub));
    if (ctx->sub == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->conf->require_confirmation
        || json_is_true(json_object_get(ctx->reply, "UserConfirmed")))
    {
        return ngx_taskmgr_register_put(r, ctx);
    }

    return ngx_taskmgr_cognito(r, ctx, "AdminConfirmSignUp",
                               json_pack("{s:s, s:s}",
                                         "UserPoolId",
                                         ctx->conf->user_pool.data,
                                         "Username", su->email),
                               ngx_taskmgr_register_put);
}


static ngx_int_t
ngx_taskmgr_register_put(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t                *item;
    tm_user_t              u;
    ngx_taskmgr_signup_t  *su;

    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    su = ctx->data;

    u.sub = ctx->sub;
    u.email = su->email;
    u.first_name = su->first_name;
    u.last_name = su->last_name;
    u.phone = su->phone;
    u.now = su->now;
    u.last_login = ctx->conf->require_confirmation ? NULL : su->now;

    item = tm_user_item(&u);
    if (item == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->obj = item;
    ngx_taskmgr_json_track(r, item);

    return ngx_taskmgr_ddb(r, ctx, "PutItem",
                           json_pack("{s:s, s:O, s:s}",
                                     "TableName", ctx->conf->table.data,
                                     "Item", item,
                                     "ConditionExpression",
                                     "attribute_not_exists(EntityPartition)"),
                           ngx_taskmgr_register_stored);
}


static ngx_int_t
ngx_taskmgr_register_stored(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t                *obj, *user;
    ngx_taskmgr_signup_t  *su;

    su = ctx->data;

    if (ctx->aws_error) {
        /* no account without its item: undo the sign-up, then answer */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "taskmgr dynamodb PutItem: %s: %s", ctx->aws_error,
                      ctx->aws_message ? ctx->aws_message : "");

        return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_COGNITO,
                                    "AdminDeleteUser",
                                    json_pack("{s:s, s:s}",
                                              "UserPoolId",
                                              ctx->conf->user_pool.data,
                                              "Username", su->email),
                                    NGX_TASKMGR_AWS_RAW,
                                    ngx_taskmgr_register_undone);
    }

    if (!ctx->conf->require_confirmation) {
        ctx->flags |= NGX_TASKMGR_REGISTERING;
        return ngx_taskmgr_initiate_auth(r, ctx, su->email, su->password);
    }

    user = tm_user_json(ctx->obj);
    obj = json_pack("{s:o, s:b}", "user", user, "confirmationRequired", 1);

    return ngx_taskmgr_send_json(r, NGX_HTTP_CREATED, obj);
}


static ngx_int_t
ngx_taskmgr_register_undone(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_str_t  retry = ngx_string("1");

    if (ctx->status != NGX_HTTP_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "taskmgr cognito AdminDeleteUser: could not undo the "
                      "sign-up of user %s (status %ui)", ctx->sub,
                      ctx->status);
    }

    if (ngx_taskmgr_add_header(r, "Retry-After", &retry) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                  "unavailable",
                                  "the account could not be created, "
                                  "try again", NULL);
}


/* POST /api/users/confirm {email, code} */

static ngx_int_t
ngx_taskmgr_confirm(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t    rc;
    const char  *email, *code;

    rc = ngx_taskmgr_body_fields(r, ctx, ngx_taskmgr_confirm_fields,
                                 ngx_taskmgr_confirm_fields);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if ((rc = ngx_taskmgr_field_str(r, ctx->body, "email", tm_valid_email,
                                    NGX_TASKMGR_LOWER, &email))
           != NGX_DECLINED
        || (rc = ngx_taskmgr_field_str(r, ctx->body, "code", tm_valid_code,
                                       0, &code))
           != NGX_DECLINED)
    {
        return rc;
    }

    return ngx_taskmgr_cognito(r, ctx, "ConfirmSignUp",
                               json_pack("{s:s, s:s, s:s}",
                                         "ClientId",
                                         ctx->conf->client_id.data,
                                         "Username", email,
                                         "ConfirmationCode", code),
                               ngx_taskmgr_confirmed);
}


static ngx_int_t
ngx_taskmgr_confirmed(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
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

    if (ctx->aws_error && !ngx_taskmgr_aws_is(ctx, "NotAuthorizedException"))
    {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    /* NotAuthorizedException: already confirmed, which is what was asked */

    obj = json_pack("{s:b}", "confirmed", 1);
    return ngx_taskmgr_send_json(r, NGX_HTTP_OK, obj);
}


/* POST /api/users/login {email, password} */

static ngx_int_t
ngx_taskmgr_login(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t    rc;
    const char  *email, *password;

    rc = ngx_taskmgr_body_fields(r, ctx, ngx_taskmgr_login_fields,
                                 ngx_taskmgr_login_fields);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if ((rc = ngx_taskmgr_field_str(r, ctx->body, "email", tm_valid_email,
                                    NGX_TASKMGR_LOWER, &email))
           != NGX_DECLINED
        || (rc = ngx_taskmgr_field_str(r, ctx->body, "password",
                                       tm_valid_present, 0, &password))
           != NGX_DECLINED)
    {
        return rc;
    }

    return ngx_taskmgr_initiate_auth(r, ctx, email, password);
}


static ngx_int_t
ngx_taskmgr_initiate_auth(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *email, const char *password)
{
    return ngx_taskmgr_cognito(r, ctx, "InitiateAuth",
                               json_pack("{s:s, s:s, s:{s:s, s:s}}",
                                         "AuthFlow", "USER_PASSWORD_AUTH",
                                         "ClientId",
                                         ctx->conf->client_id.data,
                                         "AuthParameters",
                                         "USERNAME", email,
                                         "PASSWORD", password),
                               ngx_taskmgr_login_authed);
}


static ngx_int_t
ngx_taskmgr_login_authed(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t     *result;
    ngx_str_t   token;

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

    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    result = json_object_get(ctx->reply, "AuthenticationResult");
    token.data = (u_char *) json_string_value(json_object_get(result,
                                                              "IdToken"));

    if (token.data == NULL
        || json_string_value(json_object_get(result, "AccessToken")) == NULL)
    {
        if (json_object_get(ctx->reply, "ChallengeName")) {
            return ngx_taskmgr_send_error(r, NGX_HTTP_FORBIDDEN,
                                          "challenge_required",
                                          "the account needs an action "
                                          "this API does not offer", NULL);
        }

        ctx->status = NGX_HTTP_OK + 1;
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    ctx->obj2 = json_incref(result);
    ngx_taskmgr_json_track(r, result);

    token.len = ngx_strlen(token.data);

    return ngx_taskmgr_auth_verify(r, ctx, &token, "id",
                                   ngx_taskmgr_login_verified);
}


static ngx_int_t
ngx_taskmgr_login_verified(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char    now[24];
    json_t  *key;

    if (ctx->jwt_rc != TM_JWT_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "taskmgr cognito InitiateAuth: the id token fails "
                      "verification: %s", tm_jwt_strerror(ctx->jwt_rc));

        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_GATEWAY, "bad_gateway",
                                      "the identity service sent an invalid "
                                      "token", NULL);
    }

    if (ctx->flags & NGX_TASKMGR_REGISTERING) {
        return ngx_taskmgr_send_session(r, ctx, NGX_HTTP_CREATED, ctx->obj2,
                                        ctx->obj);
    }

    ngx_taskmgr_now(now);
    key = ngx_taskmgr_user_key(r, ctx->sub);

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
                           ngx_taskmgr_login_updated);
}


static ngx_int_t
ngx_taskmgr_login_updated(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char        now[24];
    json_t     *item;
    tm_user_t   u;

    if (!ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        if (ctx->aws_error) {
            return ngx_taskmgr_aws_fail(r, ctx);
        }

        return ngx_taskmgr_send_session(r, ctx, NGX_HTTP_OK, ctx->obj2,
                                        json_object_get(ctx->reply,
                                                        "Attributes"));
    }

    /* the account exists without its item (a sign-up cut short): make it
     * from what Cognito knows */

    ngx_taskmgr_now(now);

    u.sub = ctx->sub;
    u.email = json_string_value(json_object_get(ctx->claims, "email"));
    u.first_name = json_string_value(json_object_get(ctx->claims,
                                                     "given_name"));
    u.last_name = json_string_value(json_object_get(ctx->claims,
                                                    "family_name"));
    u.phone = NULL;
    u.now = now;
    u.last_login = now;

    if (u.email == NULL) {
        u.email = json_string_value(json_object_get(ctx->claims,
                                                    "cognito:username"));
    }

    if (u.email == NULL) {
        u.email = "";
    }

    if (u.first_name == NULL) {
        u.first_name = "";
    }

    if (u.last_name == NULL) {
        u.last_name = "";
    }

    item = tm_user_item(&u);
    if (item == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->obj = item;
    ngx_taskmgr_json_track(r, item);

    return ngx_taskmgr_ddb(r, ctx, "PutItem",
                           json_pack("{s:s, s:O, s:s}",
                                     "TableName", ctx->conf->table.data,
                                     "Item", item,
                                     "ConditionExpression",
                                     "attribute_not_exists(EntityPartition)"),
                           ngx_taskmgr_login_repaired);
}


static ngx_int_t
ngx_taskmgr_login_repaired(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "taskmgr: recreated the missing item of user %s",
                  ctx->sub);

    return ngx_taskmgr_send_session(r, ctx, NGX_HTTP_OK, ctx->obj2, ctx->obj);
}


/* {user?, accessToken, idToken, expiresIn} from Cognito's
 * AuthenticationResult, the tokens also as cookies (a refresh brings no new
 * refresh token, and no user) */

static ngx_int_t
ngx_taskmgr_send_session(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t status, json_t *result, json_t *user_item)
{
    json_t      *obj;
    json_int_t   expires;
    const char  *access, *refresh;

    access = json_string_value(json_object_get(result, "AccessToken"));
    refresh = json_string_value(json_object_get(result, "RefreshToken"));
    expires = json_integer_value(json_object_get(result, "ExpiresIn"));

    if (access == NULL) {
        ctx->status = NGX_HTTP_OK + 1;
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    /* cognito-local leaves ExpiresIn out; Cognito's default is an hour */
    if (expires <= 0) {
        expires = 3600;
    }

    if (ngx_taskmgr_set_cookie(r, "tm_access", access, "/api",
                               (time_t) expires)
        != NGX_OK
        || (refresh
            && ngx_taskmgr_set_cookie(r, "tm_refresh", refresh, "/api/users",
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
ngx_taskmgr_refresh(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t    rc;
    ngx_str_t    cookie;
    const char  *token;

    rc = ngx_taskmgr_body_fields(r, ctx, ngx_taskmgr_refresh_fields, NULL);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_taskmgr_field_str(r, ctx->body, "refreshToken",
                               tm_valid_present, 0, &token);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (token == NULL) {
        if (ngx_taskmgr_get_cookie(r, "tm_refresh", &cookie) != NGX_OK) {
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
                               ngx_taskmgr_refreshed);
}


static ngx_int_t
ngx_taskmgr_refreshed(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
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

    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    return ngx_taskmgr_send_session(r, ctx, NGX_HTTP_OK,
                                    json_object_get(ctx->reply,
                                                    "AuthenticationResult"),
                                    NULL);
}


/* POST /api/users/logout: the access token refused from now on, the
 * refresh token revoked, the cookies cleared; 204 whatever the session's
 * state, so that a client can always leave */

static ngx_int_t
ngx_taskmgr_logout(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t  rc;

    rc = ngx_taskmgr_body_fields(r, ctx, ngx_taskmgr_no_fields, NULL);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (ctx->claims && ctx->jwt_rc == TM_JWT_OK) {
        return ngx_taskmgr_revoke_record(r, ctx, ngx_taskmgr_logout_revoke);
    }

    return ngx_taskmgr_logout_revoke(r, ctx);
}


static ngx_int_t
ngx_taskmgr_logout_revoke(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char       *p;
    ngx_str_t   cookie;

    if (ngx_taskmgr_get_cookie(r, "tm_refresh", &cookie) != NGX_OK) {
        return ngx_taskmgr_logout_done(r, ctx);
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
                                ngx_taskmgr_logout_done);
}


static ngx_int_t
ngx_taskmgr_logout_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->op && ngx_strcmp(ctx->op, "RevokeToken") == 0
        && ctx->status != NGX_HTTP_OK)
    {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "taskmgr cognito RevokeToken: status %ui %s",
                      ctx->status, ctx->aws_error ? ctx->aws_error : "");
    }

    if (ngx_taskmgr_clear_cookies(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_empty(r, NGX_HTTP_NO_CONTENT);
}


static ngx_int_t
ngx_taskmgr_clear_cookies(ngx_http_request_t *r)
{
    if (ngx_taskmgr_set_cookie(r, "tm_access", "", "/api", 0) != NGX_OK
        || ngx_taskmgr_set_cookie(r, "tm_refresh", "", "/api/users", 0)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* GET and PATCH /api/users/me */

static ngx_int_t
ngx_taskmgr_me(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t   rc;
    json_t     *key;

    if (r->method == NGX_HTTP_PATCH) {
        return ngx_taskmgr_me_patch(r, ctx);
    }

    rc = ngx_taskmgr_body_fields(r, ctx, ngx_taskmgr_no_fields, NULL);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    key = ngx_taskmgr_user_key(r, ctx->sub);

    return ngx_taskmgr_ddb(r, ctx, "GetItem",
                           key ? json_pack("{s:s, s:o}",
                                           "TableName",
                                           ctx->conf->table.data,
                                           "Key", key)
                               : NULL,
                           ngx_taskmgr_me_reply);
}


static ngx_int_t
ngx_taskmgr_me_patch(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char          now[24], set[256], cond[160];
    json_t       *prefs, *values, *key, *req;
    ngx_int_t     rc, email, sms;
    const char   *first, *last, *phone, *remove;
    static const char  *pref_fields[] = { "email", "sms", NULL };

    rc = ngx_taskmgr_body_patch(r, ctx, ngx_taskmgr_patch_fields);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if ((rc = ngx_taskmgr_field_str(r, ctx->body, "firstName", tm_valid_name,
                                    0, &first))
           != NGX_DECLINED
        || (rc = ngx_taskmgr_field_str(r, ctx->body, "lastName",
                                       tm_valid_name, 0, &last))
           != NGX_DECLINED
        || (rc = ngx_taskmgr_field_str(r, ctx->body, "phoneNumber",
                                       tm_valid_phone, NGX_TASKMGR_NULLABLE,
                                       &phone))
           != NGX_DECLINED)
    {
        return rc;
    }

    email = -1;
    sms = -1;
    prefs = json_object_get(ctx->body, "notificationPreferences");

    if (prefs) {
        if (!json_is_object(prefs) || json_object_size(prefs) == 0) {
            return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                          "invalid_field",
                                          "must be an object with email "
                                          "and/or sms",
                                          "notificationPreferences");
        }

        if (json_object_size(prefs) > (size_t) ((json_object_get(prefs,
                                                              "email") != NULL)
                                                + (json_object_get(prefs,
                                                              "sms") != NULL)))
        {
            return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                          "unknown_field",
                                          "only email and sms are accepted",
                                          "notificationPreferences");
        }

        if ((rc = ngx_taskmgr_field_bool(r, prefs, pref_fields[0],
                                         "notificationPreferences.email",
                                         &email))
               != NGX_DECLINED
            || (rc = ngx_taskmgr_field_bool(r, prefs, pref_fields[1],
                                            "notificationPreferences.sms",
                                            &sms))
               != NGX_DECLINED)
        {
            return rc;
        }
    }

    if (sms == 1 && phone && *phone == '\0') {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field",
                                      "SMS notifications need a phone number",
                                      "notificationPreferences.sms");
    }

    ngx_taskmgr_now(now);

    values = json_pack("{s:{s:s}}", ":now", "S", now);
    if (values == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_json_track(r, values);

    ngx_cpystrn((u_char *) set, (u_char *) "SET UpdatedAt = :now",
                sizeof(set));
    ngx_cpystrn((u_char *) cond,
                (u_char *) "attribute_exists(EntityPartition)",
                sizeof(cond));
    remove = "";

    if (first) {
        ngx_taskmgr_strcat(set, sizeof(set), ", FirstName = :fn");
        json_object_set_new(values, ":fn", tm_ddb_s(first));
    }

    if (last) {
        ngx_taskmgr_strcat(set, sizeof(set), ", LastName = :ln");
        json_object_set_new(values, ":ln", tm_ddb_s(last));
    }

    if (phone && *phone) {
        ngx_taskmgr_strcat(set, sizeof(set), ", PhoneNumber = :ph");
        json_object_set_new(values, ":ph", tm_ddb_s(phone));

    } else if (phone) {
        remove = " REMOVE PhoneNumber";
    }

    if (email != -1) {
        ngx_taskmgr_strcat(set, sizeof(set),
                           ", NotificationPreferences.email = :pe");
        json_object_set_new(values, ":pe", tm_ddb_bool(email));
    }

    if (sms != -1) {
        ngx_taskmgr_strcat(set, sizeof(set),
                           ", NotificationPreferences.sms = :ps");
        json_object_set_new(values, ":ps", tm_ddb_bool(sms));
    }

    /* SMS needs a phone number: enabling it needs one on the item, and
     * clearing the number needs SMS off */

    if (sms == 1 && phone == NULL) {
        ngx_taskmgr_strcat(cond, sizeof(cond),
                           " AND attribute_exists(PhoneNumber)");
        ctx->flags |= NGX_TASKMGR_SMS_COND;
    }

    if (phone && *phone == '\0' && sms != 0) {
        ngx_taskmgr_strcat(cond, sizeof(cond),
                           " AND NotificationPreferences.sms = :false");
        json_object_set_new(values, ":false", tm_ddb_bool(0));
        ctx->flags |= NGX_TASKMGR_SMS_COND;
    }

    ngx_taskmgr_strcat(set, sizeof(set), remove);

    key = ngx_taskmgr_user_key(r, ctx->sub);

    req = key ? json_pack("{s:s, s:o, s:s, s:s, s:O, s:s}",
                          "TableName", ctx->conf->table.data,
                          "Key", key,
                          "UpdateExpression", set,
                          "ConditionExpression", cond,
                          "ExpressionAttributeValues", values,
                          "ReturnValues", "ALL_NEW")
              : NULL;

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem", req, ngx_taskmgr_me_reply);
}


static ngx_int_t
ngx_taskmgr_me_reply(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t     *item, *obj;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        if (ctx->flags & NGX_TASKMGR_SMS_COND) {
            return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                          "invalid_field",
                                          "SMS notifications need a phone "
                                          "number",
                                          "notificationPreferences.sms");
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such user", NULL);
    }

    if (ctx->aws_error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    item = json_object_get(ctx->reply, "Item");
    if (item == NULL) {
        item = json_object_get(ctx->reply, "Attributes");
    }

    if (item == NULL) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such user", NULL);
    }

    obj = json_pack("{s:o}", "user", tm_user_json(item));

    return ngx_taskmgr_send_json(r, NGX_HTTP_OK, obj);
}


static json_t *
ngx_taskmgr_user_key(ngx_http_request_t *r, const char *sub)
{
    char  key[160];

    if (sub == NULL || ngx_strlen(sub) > 128) {
        return NULL;
    }

    tm_user_key(sub, key, sizeof(key));

    return tm_ddb_key(key, key);
}


static void
ngx_taskmgr_now(char *out)
{
    tm_format_rfc3339((long long) ngx_time(), out);
}
