/*
 * DELETE /api/users/me {password}: the account deleted.  The request does
 * the quick part and answers 202; the scheduler deletes the items:
 *
 *   1. the password checked with Cognito (InitiateAuth, as at login);
 *   2. the marker USER_<sub> / DELETING written, with an outbox marker due
 *      at once: from here on the deletion is owed and cannot be lost;
 *   3. every session of the user ended (REVOKEDUSER_<sub>, as a password
 *      reset does: this node at once, the others within
 *      taskmgr_revocation_cache);
 *   4. the Cognito user deleted (DeleteUser with the caller's token), so
 *      that no new session can start and the email may register again,
 *      and the marker told so (CognitoDeleted: the scheduler then needs
 *      no Cognito access for this deletion);
 *   5. the cookies cleared, 202.
 *
 * The items (thousands of tasks and notifications, the calendar feed item
 * outside the partition) are deleted by the scheduler's outbox drain
 * (scheduler/sched_delete.c), which finds the marker on OutboxIndex, does
 * again whatever of 3 and 4 is not done (a request cut after 2), then
 * pages through the partition with BatchWriteItem and deletes the marker
 * last.  Bulk deletion in a request would hold a client for as many
 * subrequests as there are pages, and a cut chain would be finished by the
 * scheduler all the same.
 */

#include "ngx_taskmgr.h"
#include "tm_ddb.h"
#include "tm_task.h"
#include "tm_user.h"


typedef struct {
    tm_user_fields_t           fields;
    const char                *username;
} ngx_taskmgr_delete_t;


static ngx_int_t ngx_taskmgr_delete_checked(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_delete_marked(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_delete_revoked(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_delete_cognito_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_delete_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


ngx_int_t
ngx_taskmgr_delete_account(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t              rc;
    ngx_taskmgr_delete_t  *d;

    d = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_delete_t));
    if (d == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->data = d;

    rc = ngx_taskmgr_body_read(r, ctx, tm_user_delete_body, TM_BODY_REQUIRED,
                               &d->fields);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    /* Cognito's own name of the user (the email here, a uuid on AWS) */
    d->username = json_string_value(json_object_get(ctx->auth.claims,
                                                    "username"));
    if (d->username == NULL || *d->username == '\0') {
        return ngx_taskmgr_unauthorized(r, "the token names no user");
    }

    return ngx_taskmgr_cognito(r, ctx, "InitiateAuth",
                               json_pack("{s:s, s:s, s:{s:s, s:s}}",
                                         "AuthFlow", "USER_PASSWORD_AUTH",
                                         "ClientId",
                                         ctx->conf->client_id.data,
                                         "AuthParameters",
                                         "USERNAME", d->username,
                                         "PASSWORD", d->fields.password),
                               ngx_taskmgr_delete_checked);
}


/* the password is right when Cognito answers with tokens or with its MFA
 * challenge; the tokens of this sign-in end with the user (3 and 4) */

static ngx_int_t
ngx_taskmgr_delete_checked(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                   now[32], shard[32], pk[160];
    json_t                *item;
    ngx_str_t              retry = ngx_string("60");
    ngx_taskmgr_delete_t  *d;

    /* Cognito says NotAuthorized on AWS, InvalidPassword locally */
    if (ngx_taskmgr_aws_is(ctx, "NotAuthorizedException")
        || ngx_taskmgr_aws_is(ctx, "InvalidPasswordException"))
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_password",
                                      "the password is incorrect",
                                      "password");
    }

    if (ngx_taskmgr_aws_is(ctx, "TooManyRequestsException")
        || ngx_taskmgr_aws_is(ctx, "TooManyFailedAttemptsException"))
    {
        if (ngx_taskmgr_add_header(r, "Retry-After", &retry) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_TOO_MANY_REQUESTS,
                                      "rate_limited",
                                      "too many attempts, retry later", NULL);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    d = ctx->data;

    ngx_taskmgr_now_ms(now);
    tm_user_key(ctx->auth.sub, pk, sizeof(pk));
    tm_outbox_shard(ctx->auth.sub, (unsigned) ctx->conf->reminder_shards,
                    shard, sizeof(shard));

    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s},"
                     " s:{s:s}, s:{s:s}}",
                     TM_PK, "S", pk,
                     TM_SK, "S", TM_USER_DELETING_SK,
                     "Sub", "S", ctx->auth.sub,
                     "Username", "S", d->username,
                     "RequestedAt", "S", now,
                     "OutboxShard", "S", shard,
                     "OutboxAt", "S", now);

    return ngx_taskmgr_ddb(r, ctx, "PutItem",
                           item ? json_pack("{s:s, s:o}", "TableName",
                                            ctx->conf->table.data,
                                            "Item", item)
                                : NULL,
                           ngx_taskmgr_delete_marked);
}


static ngx_int_t
ngx_taskmgr_delete_marked(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    if (ngx_taskmgr_fault(r, ctx, "after-marker")) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "fault_injected",
                                      "the deletion stopped after its "
                                      "marker (test fault)", NULL);
    }

    return ngx_taskmgr_revoke_user(r, ctx, ctx->auth.sub, 0,
                                   ngx_taskmgr_delete_revoked);
}


static ngx_int_t
ngx_taskmgr_delete_revoked(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_COGNITO, "DeleteUser",
                                json_pack("{s:s%}", "AccessToken",
                                          ctx->auth.token.data,
                                          ctx->auth.token.len),
                                NGX_TASKMGR_AWS_RAW,
                                ngx_taskmgr_delete_cognito_done);
}


/*
 * A Cognito user not deleted here is the scheduler's to delete: the
 * marker is written and the sessions are over, so the answer is 202.
 * One deleted is noted on the marker, on condition that it is still
 * there (the scheduler may have finished already: no marker made anew).
 */

static ngx_int_t
ngx_taskmgr_delete_cognito_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    char  pk[160];

    if (ctx->call.status != NGX_HTTP_OK) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "taskmgr cognito DeleteUser: status %ui %s (left to "
                      "the scheduler)", ctx->call.status,
                      ctx->call.error ? ctx->call.error : "");

        return ngx_taskmgr_delete_done(r, ctx);
    }

    tm_user_key(ctx->auth.sub, pk, sizeof(pk));

    return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_DYNAMODB, "UpdateItem",
                                json_pack("{s:s, s:o, s:s, s:s,"
                                          " s:{s:{s:b}}}",
                                          "TableName",
                                          ctx->conf->table.data,
                                          "Key",
                                          tm_ddb_key(pk,
                                                     TM_USER_DELETING_SK),
                                          "UpdateExpression",
                                          "SET CognitoDeleted = :t",
                                          "ConditionExpression",
                                          "attribute_exists(EntityPartition)",
                                          "ExpressionAttributeValues",
                                          ":t", "BOOL", 1),
                                NGX_TASKMGR_AWS_RAW,
                                ngx_taskmgr_delete_done);
}


/* whatever became of that note, the deletion goes on without it */

static ngx_int_t
ngx_taskmgr_delete_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->call.op && ngx_strcmp(ctx->call.op, "UpdateItem") == 0
        && ctx->call.status != NGX_HTTP_OK)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "taskmgr dynamodb UpdateItem of the deletion marker: "
                      "status %ui %s", ctx->call.status,
                      ctx->call.error ? ctx->call.error : "");
    }

    if (ngx_taskmgr_clear_cookies(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_json(r, NGX_HTTP_ACCEPTED,
                                 json_pack("{s:b}", "accepted", 1));
}
