/*
 * Two-factor sign-in with an authenticator app (TOTP), on Cognito's own
 * MFA: AssociateSoftwareToken gives the secret, VerifySoftwareToken checks
 * a code, SetUserMFAPreference turns it on or off, and a sign-in that
 * Cognito answers with SOFTWARE_TOKEN_MFA ends with RespondToAuthChallenge.
 * The module adds what the API promises on top (README, Two-factor
 * sign-in):
 *
 * - the client's challenge is an opaque random token; the table keeps its
 *   SHA-256 with Cognito's Session, for 3 minutes and 5 tries, and a
 *   sign-in uses it once;
 * - a code once accepted is refused for NGX_TASKMGR_MFA_REPLAY seconds
 *   (the user item keeps the last one, a conditional write claims it);
 * - the user item says mfaEnabled, so that reading a profile needs no
 *   call to Cognito.
 */

#include <openssl/rand.h>

#include "ngx_taskmgr.h"
#include "tm_ddb.h"
#include "tm_jwt.h"
#include "tm_mfa.h"
#include "tm_user.h"
#include "tm_validate.h"


/* Cognito's session lasts 3 minutes: the challenge no longer */
#define NGX_TASKMGR_MFA_TTL       180
#define NGX_TASKMGR_MFA_TRIES     "5"
/* a code is good for its step and the steps either side: 90 s, and some
 * clock skew between here and Cognito */
#define NGX_TASKMGR_MFA_REPLAY    180


typedef struct {
    tm_mfa_fields_t            fields;
    void                      *saved;      /* the caller's ctx->data */
    ngx_taskmgr_step_pt        next;       /* the caller's continuation */
    json_t                    *result;     /* RespondToAuthChallenge's */
    const char                *email;
    char                       key[TM_MFA_KEY_SIZE];
    u_char                     challenge[TM_MFA_CHALLENGE_LEN + 1];
    unsigned                   enable:1;
} ngx_taskmgr_mfa_t;


static ngx_taskmgr_mfa_t *ngx_taskmgr_mfa_state(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_setup_user(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_setup_secret(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_switch(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_uint_t enable);
static ngx_int_t ngx_taskmgr_mfa_switch_verified(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_switch_claimed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_switch_set(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_switch_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_challenge_stored(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_login_found(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_login_answered(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_login_verified(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_login_claimed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_login_revoked(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_login_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_mfa_claim(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *sub, ngx_taskmgr_step_pt next);
static ngx_int_t ngx_taskmgr_mfa_invalid_code(ngx_http_request_t *r);
static ngx_int_t ngx_taskmgr_mfa_invalid_challenge(ngx_http_request_t *r);
static json_t *ngx_taskmgr_mfa_user_key(const char *sub);


static ngx_taskmgr_mfa_t *
ngx_taskmgr_mfa_state(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_mfa_t  *m;

    m = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_mfa_t));
    if (m == NULL) {
        return NULL;
    }

    m->saved = ctx->data;
    ctx->data = m;

    return m;
}


/* POST /api/users/me/mfa/totp: a new secret, {secret, otpauthUri}; not
 * while two-factor is on (a new secret would leave Cognito asking for
 * codes of a secret not yet confirmed) */

ngx_int_t
ngx_taskmgr_mfa_setup(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t           rc;
    ngx_taskmgr_mfa_t  *m;

    m = ngx_taskmgr_mfa_state(r, ctx);
    if (m == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL,
                               &m->fields);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_taskmgr_ddb_get(r, ctx, ngx_taskmgr_mfa_user_key(ctx->auth.sub),
                               1, "Email, MfaEnabled",
                               ngx_taskmgr_mfa_setup_user);
}


static ngx_int_t
ngx_taskmgr_mfa_setup_user(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t             *item;
    ngx_taskmgr_mfa_t  *m;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    m = ctx->data;
    item = json_object_get(ctx->call.reply, "Item");
    m->email = tm_ddb_get_s(item, "Email");

    if (m->email == NULL) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such user", NULL);
    }

    m->email = ngx_taskmgr_cstr(r->pool, (u_char *) m->email,
                                ngx_strlen(m->email));
    if (m->email == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (tm_ddb_get_bool(item, "MfaEnabled", 0)) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT, "mfa_enabled",
                                      "two-factor sign-in is on: turn it "
                                      "off first", NULL);
    }

    return ngx_taskmgr_cognito(r, ctx, "AssociateSoftwareToken",
                               json_pack("{s:s%}", "AccessToken",
                                         ctx->auth.token.data,
                                         ctx->auth.token.len),
                               ngx_taskmgr_mfa_setup_secret);
}


static ngx_int_t
ngx_taskmgr_mfa_setup_secret(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                uri[1024];
    const char         *secret;
    ngx_taskmgr_mfa_t  *m;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    m = ctx->data;
    secret = json_string_value(json_object_get(ctx->call.reply,
                                               "SecretCode"));

    if (secret == NULL
        || tm_mfa_uri(m->email, secret, uri, sizeof(uri)) < 0)
    {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    return ngx_taskmgr_send_json(r, NGX_HTTP_OK,
                                 json_pack("{s:s, s:s}", "secret", secret,
                                           "otpauthUri", uri));
}


/* POST /api/users/me/mfa/totp/confirm {code}: 204, two-factor is on */

ngx_int_t
ngx_taskmgr_mfa_confirm(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_mfa_switch(r, ctx, 1);
}


/* DELETE /api/users/me/mfa {code}: 204, two-factor is off */

ngx_int_t
ngx_taskmgr_mfa_disable(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_mfa_switch(r, ctx, 0);
}


/* both: Cognito checks the code, the code is claimed, Cognito's
 * preference is set, then the user item */

static ngx_int_t
ngx_taskmgr_mfa_switch(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t enable)
{
    ngx_int_t           rc;
    ngx_taskmgr_mfa_t  *m;

    m = ngx_taskmgr_mfa_state(r, ctx);
    if (m == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    m->enable = enable;

    rc = ngx_taskmgr_body_read(r, ctx, tm_mfa_code_body, TM_BODY_REQUIRED,
                               &m->fields);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_taskmgr_cognito(r, ctx, "VerifySoftwareToken",
                               json_pack("{s:s%, s:s, s:s}",
                                         "AccessToken",
                                         ctx->auth.token.data,
                                         ctx->auth.token.len,
                                         "UserCode", m->fields.code,
                                         "FriendlyDeviceName",
                                         TM_MFA_ISSUER),
                               ngx_taskmgr_mfa_switch_verified);
}


static ngx_int_t
ngx_taskmgr_mfa_switch_verified(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    const char         *status;
    ngx_taskmgr_mfa_t  *m;

    m = ctx->data;

    /* a wrong code: CodeMismatch here, EnableSoftwareTokenMFA on AWS */
    if (ngx_taskmgr_aws_is(ctx, "CodeMismatchException")
        || ngx_taskmgr_aws_is(ctx, "EnableSoftwareTokenMFAException"))
    {
        return ngx_taskmgr_mfa_invalid_code(r);
    }

    /* no secret to check the code with */
    if (ngx_taskmgr_aws_is(ctx, "InvalidParameterException")
        || ngx_taskmgr_aws_is(ctx, "SoftwareTokenMFANotFoundException"))
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT, "mfa_not_set_up",
                                      m->enable
                                      ? "ask for a secret first (POST "
                                        "/api/users/me/mfa/totp)"
                                      : "two-factor sign-in is off", NULL);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    status = json_string_value(json_object_get(ctx->call.reply, "Status"));
    if (status && ngx_strcmp(status, "SUCCESS") != 0) {
        return ngx_taskmgr_mfa_invalid_code(r);
    }

    return ngx_taskmgr_mfa_claim(r, ctx, ctx->auth.sub,
                                 ngx_taskmgr_mfa_switch_claimed);
}


static ngx_int_t
ngx_taskmgr_mfa_switch_claimed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    int                 on;
    ngx_taskmgr_mfa_t  *m;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        return ngx_taskmgr_mfa_invalid_code(r);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    m = ctx->data;
    on = m->enable ? 1 : 0;

    return ngx_taskmgr_cognito(r, ctx, "SetUserMFAPreference",
                               json_pack("{s:s%, s:{s:b, s:b}}",
                                         "AccessToken",
                                         ctx->auth.token.data,
                                         ctx->auth.token.len,
                                         "SoftwareTokenMfaSettings",
                                         "Enabled", on,
                                         "PreferredMfa", on),
                               ngx_taskmgr_mfa_switch_set);
}


static ngx_int_t
ngx_taskmgr_mfa_switch_set(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                now[24];
    json_t             *key;
    ngx_taskmgr_mfa_t  *m;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    m = ctx->data;
    key = ngx_taskmgr_mfa_user_key(ctx->auth.sub);
    tm_format_rfc3339((long long) ngx_time(), now);

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem",
                           key ? json_pack("{s:s, s:o, s:s, s:{s:{s:b},"
                                           " s:{s:s}}}",
                                           "TableName",
                                           ctx->conf->table.data,
                                           "Key", key,
                                           "UpdateExpression",
                                           "SET MfaEnabled = :on,"
                                           " UpdatedAt = :now",
                                           "ExpressionAttributeValues",
                                           ":on", "BOOL", (int) m->enable,
                                           ":now", "S", now)
                               : NULL,
                           ngx_taskmgr_mfa_switch_done);
}


static ngx_int_t
ngx_taskmgr_mfa_switch_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    return ngx_taskmgr_send_empty(r, NGX_HTTP_NO_CONTENT);
}


/*
 * A login that Cognito answered with SOFTWARE_TOKEN_MFA (ctx->call.reply):
 * the challenge is stored and sent, {mfaRequired, challenge}, no tokens.
 */

ngx_int_t
ngx_taskmgr_mfa_challenge(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *email)
{
    u_char              bits[TM_MFA_CHALLENGE_BYTES];
    char                expires[NGX_TIME_T_LEN + 1];
    json_t             *item;
    ngx_str_t           raw, token;
    const char         *session, *username;
    ngx_taskmgr_mfa_t  *m;

    session = json_string_value(json_object_get(ctx->call.reply,
                                                "Session"));
    username = json_string_value(json_object_get(
                   json_object_get(ctx->call.reply, "ChallengeParameters"),
                   "USER_ID_FOR_SRP"));

    if (session == NULL) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    m = ngx_taskmgr_mfa_state(r, ctx);
    if (m == NULL || RAND_bytes(bits, sizeof(bits)) != 1) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    raw.data = bits;
    raw.len = sizeof(bits);
    token.data = m->challenge;
    ngx_encode_base64url(&token, &raw);
    m->challenge[token.len] = '\0';

    tm_mfa_key((const char *) token.data, token.len, m->key);
    ngx_sprintf((u_char *) expires, "%T%Z",
                ngx_time() + NGX_TASKMGR_MFA_TTL);

    /* NotificationExpiry is the table's TTL attribute */
    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s},"
                     " s:{s:s}, s:{s:s}}",
                     TM_PK, "S", m->key, TM_SK, "S", m->key,
                     "Session", "S", session,
                     "Username", "S", username ? username : email,
                     "ExpiresAt", "N", expires,
                     "NotificationExpiry", "N", expires,
                     "Attempts", "N", "0");

    return ngx_taskmgr_ddb_put_new(r, ctx, item,
                                   ngx_taskmgr_mfa_challenge_stored);
}


static ngx_int_t
ngx_taskmgr_mfa_challenge_stored(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_mfa_t  *m;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    m = ctx->data;

    return ngx_taskmgr_send_json(r, NGX_HTTP_OK,
                                 json_pack("{s:b, s:s}", "mfaRequired", 1,
                                           "challenge",
                                           (char *) m->challenge));
}


/*
 * POST /api/users/login/mfa {challenge, code}: a try taken from the
 * challenge, Cognito's answer to the code, the code claimed; then next
 * runs with the caller's ctx->data back and RespondToAuthChallenge's reply
 * in ctx->call.reply (an AuthenticationResult, as InitiateAuth's).
 */

ngx_int_t
ngx_taskmgr_mfa_login(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    char                now[NGX_TIME_T_LEN + 1];
    ngx_int_t           rc;
    ngx_taskmgr_mfa_t  *m;

    m = ngx_taskmgr_mfa_state(r, ctx);
    if (m == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    m->next = next;

    rc = ngx_taskmgr_body_read(r, ctx, tm_mfa_login_body, TM_BODY_REQUIRED,
                               &m->fields);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    tm_mfa_key(m->fields.challenge, ngx_strlen(m->fields.challenge),
               m->key);
    ngx_sprintf((u_char *) now, "%T%Z", ngx_time());

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem",
                           json_pack("{s:s, s:o, s:s, s:s, s:{s:{s:s},"
                                     " s:{s:s}, s:{s:s}}, s:s}",
                                     "TableName", ctx->conf->table.data,
                                     "Key", tm_ddb_key(m->key, m->key),
                                     "UpdateExpression",
                                     "ADD Attempts :one",
                                     "ConditionExpression",
                                     "attribute_exists(EntityPartition)"
                                     " AND ExpiresAt > :now"
                                     " AND Attempts < :tries",
                                     "ExpressionAttributeValues",
                                     ":one", "N", "1",
                                     ":now", "N", now,
                                     ":tries", "N",
                                     NGX_TASKMGR_MFA_TRIES,
                                     "ReturnValues", "ALL_NEW"),
                           ngx_taskmgr_mfa_login_found);
}


static ngx_int_t
ngx_taskmgr_mfa_login_found(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t             *item;
    const char         *session, *username;
    ngx_taskmgr_mfa_t  *m;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        return ngx_taskmgr_mfa_invalid_challenge(r);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    m = ctx->data;
    item = json_object_get(ctx->call.reply, "Attributes");
    session = tm_ddb_get_s(item, "Session");
    username = tm_ddb_get_s(item, "Username");

    if (session == NULL || username == NULL) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    return ngx_taskmgr_cognito(r, ctx, "RespondToAuthChallenge",
                               json_pack("{s:s, s:s, s:s, s:{s:s, s:s}}",
                                         "ChallengeName",
                                         "SOFTWARE_TOKEN_MFA",
                                         "ClientId",
                                         ctx->conf->client_id.data,
                                         "Session", session,
                                         "ChallengeResponses",
                                         "USERNAME", username,
                                         "SOFTWARE_TOKEN_MFA_CODE",
                                         m->fields.code),
                               ngx_taskmgr_mfa_login_answered);
}


static ngx_int_t
ngx_taskmgr_mfa_login_answered(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    json_t             *result;
    ngx_str_t           token;
    ngx_taskmgr_mfa_t  *m;

    if (ngx_taskmgr_aws_is(ctx, "CodeMismatchException")) {
        return ngx_taskmgr_mfa_invalid_code(r);
    }

    /* Cognito's session expired, used up, or its user gone */
    if (ngx_taskmgr_aws_is(ctx, "NotAuthorizedException")
        || ngx_taskmgr_aws_is(ctx, "ExpiredCodeException")
        || ngx_taskmgr_aws_is(ctx, "UserNotFoundException"))
    {
        return ngx_taskmgr_mfa_invalid_challenge(r);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    m = ctx->data;
    result = json_object_get(ctx->call.reply, "AuthenticationResult");
    token.data = (u_char *) json_string_value(json_object_get(result,
                                                              "IdToken"));
    if (token.data == NULL) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    m->result = json_incref(ctx->call.reply);
    ngx_taskmgr_json_track(r, m->result);

    token.len = ngx_strlen(token.data);

    /* the sub whose code this was: the id token's, once verified */
    return ngx_taskmgr_auth_verify(r, ctx, &token, "id",
                                   ngx_taskmgr_mfa_login_verified);
}


static ngx_int_t
ngx_taskmgr_mfa_login_verified(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->auth.jwt_rc != TM_JWT_OK) {
        /* the caller's continuation verifies it again and says why */
        return ngx_taskmgr_mfa_login_done(r, ctx);
    }

    return ngx_taskmgr_mfa_claim(r, ctx, ctx->auth.sub,
                                 ngx_taskmgr_mfa_login_claimed);
}


static ngx_int_t
ngx_taskmgr_mfa_login_claimed(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    const char         *refresh;
    ngx_taskmgr_mfa_t  *m;

    m = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        /* a replayed code: Cognito's tokens are not given, and revoked */
        refresh = json_string_value(json_object_get(
                      json_object_get(m->result, "AuthenticationResult"),
                      "RefreshToken"));

        if (refresh == NULL) {
            return ngx_taskmgr_mfa_invalid_code(r);
        }

        return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_COGNITO,
                                    "RevokeToken",
                                    json_pack("{s:s, s:s}", "Token", refresh,
                                              "ClientId",
                                              ctx->conf->client_id.data),
                                    NGX_TASKMGR_AWS_RAW,
                                    ngx_taskmgr_mfa_login_revoked);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    /* the challenge is spent */
    return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_DYNAMODB, "DeleteItem",
                                json_pack("{s:s, s:o}",
                                          "TableName", ctx->conf->table.data,
                                          "Key", tm_ddb_key(m->key, m->key)),
                                NGX_TASKMGR_AWS_RAW,
                                ngx_taskmgr_mfa_login_done);
}


static ngx_int_t
ngx_taskmgr_mfa_login_revoked(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->call.status != NGX_HTTP_OK) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "taskmgr cognito RevokeToken: status %ui %s",
                      ctx->call.status, ctx->call.error ? ctx->call.error : "");
    }

    return ngx_taskmgr_mfa_invalid_code(r);
}


static ngx_int_t
ngx_taskmgr_mfa_login_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_mfa_t  *m;

    m = ctx->data;

    if (ctx->call.op && ngx_strcmp(ctx->call.op, "DeleteItem") == 0
        && ctx->call.status != NGX_HTTP_OK)
    {
        /* it expires within minutes anyway */
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "taskmgr dynamodb DeleteItem of a used MFA challenge: "
                      "status %ui", ctx->call.status);
    }

    if (ctx->call.reply) {
        json_decref(ctx->call.reply);
    }

    ctx->call.reply = json_incref(m->result);
    ctx->call.error = NULL;
    ctx->call.message = NULL;
    ctx->call.status = NGX_HTTP_OK;
    ctx->data = m->saved;

    return m->next(r, ctx);
}


/*
 * The code is taken: the user item keeps it with its time, and a write of
 * the same code within NGX_TASKMGR_MFA_REPLAY seconds fails its condition
 * (ConditionalCheckFailedException: a replay).
 */

static ngx_int_t
ngx_taskmgr_mfa_claim(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *sub, ngx_taskmgr_step_pt next)
{
    char                now[NGX_TIME_T_LEN + 1], cut[NGX_TIME_T_LEN + 1];
    json_t             *key;
    ngx_taskmgr_mfa_t  *m;

    m = ctx->data;
    key = ngx_taskmgr_mfa_user_key(sub);

    ngx_sprintf((u_char *) now, "%T%Z", ngx_time());
    ngx_sprintf((u_char *) cut, "%T%Z", ngx_time() - NGX_TASKMGR_MFA_REPLAY);

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem",
                           key ? json_pack("{s:s, s:o, s:s, s:s, s:{s:{s:s},"
                                           " s:{s:s}, s:{s:s}}}",
                                           "TableName",
                                           ctx->conf->table.data,
                                           "Key", key,
                                           "UpdateExpression",
                                           "SET MfaLastCode = :code,"
                                           " MfaLastCodeAt = :now",
                                           "ConditionExpression",
                                           "attribute_exists(EntityPartition)"
                                           " AND (attribute_not_exists("
                                           "MfaLastCodeAt)"
                                           " OR MfaLastCode <> :code"
                                           " OR MfaLastCodeAt < :cut)",
                                           "ExpressionAttributeValues",
                                           ":code", "S", m->fields.code,
                                           ":now", "N", now,
                                           ":cut", "N", cut)
                               : NULL,
                           next);
}


static ngx_int_t
ngx_taskmgr_mfa_invalid_code(ngx_http_request_t *r)
{
    return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST, "invalid_code",
                                  "the code is wrong, expired or used "
                                  "already", "code");
}


static ngx_int_t
ngx_taskmgr_mfa_invalid_challenge(ngx_http_request_t *r)
{
    return ngx_taskmgr_send_error(r, NGX_HTTP_UNAUTHORIZED,
                                  "invalid_challenge",
                                  "the sign-in has expired: log in again",
                                  "challenge");
}


static json_t *
ngx_taskmgr_mfa_user_key(const char *sub)
{
    char  key[160];

    if (sub == NULL || ngx_strlen(sub) > 128) {
        return NULL;
    }

    tm_user_key(sub, key, sizeof(key));

    return tm_ddb_key(key, key);
}
