/*
 * The users service's phone routes: a code sent to the profile's number
 * (POST /api/users/me/phone/verify) and its confirmation
 * (POST /api/users/me/phone/confirm {code}), after which the number is
 * verified (PhoneVerified on the user item) and SMS may go to it.
 *
 * The codes are ours, not Cognito's: the number lives in the user item
 * (the scheduler reads it there), and the code goes out by the SMS path
 * every other SMS takes (the scheduler's, SNS on AWS, the outbox file
 * here).  One item per user, USER_<sub> / PHONECODE, holds the code's
 * SHA-256 (with the user and the number), the number, its expiry and the
 * wrong tries, the codes sent this hour, and, until the scheduler has
 * sent it, the code itself with an outbox marker (SmsCode, DeliverySms,
 * OutboxShard, OutboxAt): the scheduler removes the code once sent.
 */

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ngx_taskmgr.h"
#include "tm_ddb.h"
#include "tm_task.h"
#include "tm_time.h"
#include "tm_user.h"
#include "tm_validate.h"


#define NGX_TASKMGR_PHONE_SK        "PHONECODE"
#define NGX_TASKMGR_PHONE_TTL       600       /* a code's life, s */
#define NGX_TASKMGR_PHONE_TRIES     5         /* wrong codes, then none */
#define NGX_TASKMGR_PHONE_PER_HOUR  3         /* codes sent per user */


typedef struct {
    tm_user_fields_t           fields;
    time_t                     now;
    char                       hash[65];
    char                       code[8];
    char                       number[40];
    char                       hour[32];
    unsigned                   second_try:1;
} ngx_taskmgr_phone_t;


static ngx_taskmgr_phone_t *ngx_taskmgr_phone_state(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_phone_user(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_phone_store(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_phone_stored(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_phone_code(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_phone_wrong(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_phone_used(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_phone_verified(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_phone_invalid(ngx_http_request_t *r,
    const char *message);
static json_t *ngx_taskmgr_phone_key(ngx_taskmgr_ctx_t *ctx,
    const char *sk);
static ngx_int_t ngx_taskmgr_phone_hash(const char *sub, const char *number,
    const char *code, char *out);


static ngx_taskmgr_phone_t *
ngx_taskmgr_phone_state(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_phone_t  *p;

    p = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_phone_t));
    if (p == NULL) {
        return NULL;
    }

    p->now = ngx_taskmgr_request_now(r, ctx);
    ctx->data = p;

    return p;
}


/* POST /api/users/me/phone/verify: 202, a code on its way */

ngx_int_t
ngx_taskmgr_phone_verify(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_taskmgr_phone_t  *p;

    p = ngx_taskmgr_phone_state(r, ctx);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL,
                               &p->fields);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_taskmgr_ddb_get(r, ctx, ngx_taskmgr_phone_key(ctx, NULL), 1,
                               NULL, ngx_taskmgr_phone_user);
}


static ngx_int_t
ngx_taskmgr_phone_user(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    u_char                b[4];
    json_t               *item;
    uint32_t              n;
    const char           *number;
    ngx_taskmgr_phone_t  *p;

    p = ctx->data;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    item = json_object_get(ctx->call.reply, "Item");
    if (item == NULL) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such user", NULL);
    }

    number = tm_ddb_get_s(item, "PhoneNumber");
    if (number == NULL || *number == '\0'
        || ngx_strlen(number) >= sizeof(p->number))
    {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "no_phone_number",
                                      "the profile has no phone number to "
                                      "verify", "phoneNumber");
    }

    if (tm_user_phone_verified(item)) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_CONFLICT,
                                      "already_verified",
                                      "the phone number is verified "
                                      "already", "phoneNumber");
    }

    ngx_cpystrn((u_char *) p->number, (u_char *) number, sizeof(p->number));

    if (RAND_bytes(b, sizeof(b)) != 1) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* 6 digits; the bias of 2^32 mod 10^6 is below one in 4,000 */
    n = (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16
        | (uint32_t) b[2] << 8 | (uint32_t) b[3];
    ngx_snprintf((u_char *) p->code, sizeof(p->code), "%06uD%Z",
                 n % 1000000);

    if (ngx_taskmgr_phone_hash(ctx->auth.sub, p->number, p->code, p->hash)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the hour the codes are counted in: "2026-12-02T01" */
    tm_format_rfc3339((long long) p->now, p->hour);
    p->hour[13] = '\0';

    return ngx_taskmgr_phone_store(r, ctx);
}


/*
 * The code and its delivery, counted in this hour's codes: first as one
 * more of this hour's (on condition that there are fewer than the limit),
 * else as the first of a new hour (on condition that the hour is another);
 * both refused: too many this hour.
 */

static ngx_int_t
ngx_taskmgr_phone_store(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                  at[32], id[40], shard[32];
    json_t               *req;
    ngx_taskmgr_phone_t  *p;

    p = ctx->data;

    ngx_taskmgr_now_ms(at);

    /* the delivery's idempotency key: one per code sent */
    if (tm_uuid_v4(id) != 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    tm_outbox_shard(id, (unsigned) ctx->conf->reminder_shards, shard,
                    sizeof(shard));

    req = json_pack("{s:s, s:o, s:s, s:s,"
                    " s:{s:o, s:{s:s}, s:{s:s}, s:o, s:o, s:{s:s}, s:{s:s},"
                    " s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:o, s:o}}",
                    "TableName", (const char *) ctx->conf->table.data,
                    "Key", ngx_taskmgr_phone_key(ctx, NGX_TASKMGR_PHONE_SK),
                    "UpdateExpression",
                    p->second_try
                    ? "SET SendHour = :h, SendCount = :one, CodeHash = :ch,"
                      " CodeNumber = :cn, CodeExpiresAt = :ce,"
                      " CodeAttempts = :zero, CodeId = :id, SmsCode = :sc,"
                      " SmsTo = :cn, DeliverySms = :pending,"
                      " OutboxShard = :sh, OutboxAt = :at,"
                      " NotificationExpiry = :exp"
                    : "SET SendCount = SendCount + :one, CodeHash = :ch,"
                      " CodeNumber = :cn, CodeExpiresAt = :ce,"
                      " CodeAttempts = :zero, CodeId = :id, SmsCode = :sc,"
                      " SmsTo = :cn, DeliverySms = :pending,"
                      " OutboxShard = :sh, OutboxAt = :at,"
                      " NotificationExpiry = :exp",
                    "ConditionExpression",
                    p->second_try
                    ? "attribute_not_exists(SendHour) OR SendHour <> :h"
                    : "SendHour = :h AND SendCount < :max",
                    "ExpressionAttributeValues",
                    ":one", tm_ddb_n(1),
                    ":h", "S", p->hour,
                    ":ch", "S", p->hash,
                    ":ce", tm_ddb_n((long long) p->now
                                    + NGX_TASKMGR_PHONE_TTL),
                    ":zero", tm_ddb_n(0),
                    ":cn", "S", p->number,
                    ":id", "S", id,
                    ":sc", "S", p->code,
                    ":pending", "S", "pending",
                    ":sh", "S", shard,
                    ":at", "S", at,
                    ":exp", tm_ddb_n((long long) p->now + 86400),
                    ":max", tm_ddb_n(NGX_TASKMGR_PHONE_PER_HOUR));

    if (req == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (p->second_try) {
        json_object_del(json_object_get(req, "ExpressionAttributeValues"),
                        ":max");
    }

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem", req,
                           ngx_taskmgr_phone_stored);
}


static ngx_int_t
ngx_taskmgr_phone_stored(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                  at[32];
    ngx_str_t             retry;
    ngx_taskmgr_phone_t  *p;

    p = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        if (!p->second_try) {
            p->second_try = 1;
            return ngx_taskmgr_phone_store(r, ctx);
        }

        retry.data = ngx_pnalloc(r->pool, NGX_TIME_T_LEN);
        if (retry.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        retry.len = ngx_sprintf(retry.data, "%T", 3600 - p->now % 3600)
                    - retry.data;

        if (ngx_taskmgr_add_header(r, "Retry-After", &retry) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_taskmgr_send_error(r, NGX_HTTP_TOO_MANY_REQUESTS,
                                      "too_many_codes",
                                      "too many codes sent this hour: try "
                                      "again later", NULL);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    tm_format_rfc3339((long long) p->now + NGX_TASKMGR_PHONE_TTL, at);

    return ngx_taskmgr_send_json(r, NGX_HTTP_ACCEPTED,
                                 json_pack("{s:b, s:s}", "accepted", 1,
                                           "expiresAt", at));
}


/* POST /api/users/me/phone/confirm {code}: 200 {user}, verified */

ngx_int_t
ngx_taskmgr_phone_confirm(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_taskmgr_phone_t  *p;

    p = ngx_taskmgr_phone_state(r, ctx);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_taskmgr_body_read(r, ctx, tm_user_phone_confirm_body,
                               TM_BODY_REQUIRED, &p->fields);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_taskmgr_ddb_get(r, ctx,
                               ngx_taskmgr_phone_key(ctx,
                                                     NGX_TASKMGR_PHONE_SK),
                               1, NULL, ngx_taskmgr_phone_code);
}


static ngx_int_t
ngx_taskmgr_phone_code(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                  hash[65];
    json_t               *item, *req;
    long long             expires, tries;
    const char           *stored, *number;
    ngx_taskmgr_phone_t  *p;

    p = ctx->data;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    item = json_object_get(ctx->call.reply, "Item");
    stored = tm_ddb_get_s(item, "CodeHash");
    number = tm_ddb_get_s(item, "CodeNumber");

    if (stored == NULL || number == NULL
        || ngx_strlen(stored) != 64
        || ngx_strlen(number) >= sizeof(p->number)
        || tm_ddb_get_n(item, "CodeExpiresAt", &expires) != 0)
    {
        return ngx_taskmgr_phone_invalid(r, "no code was sent, or it was "
                                         "used: ask for a new one");
    }

    if (expires < (long long) p->now) {
        return ngx_taskmgr_phone_invalid(r, "the code expired: ask for a "
                                         "new one");
    }

    if (tm_ddb_get_n(item, "CodeAttempts", &tries) != 0) {
        tries = 0;
    }

    if (tries >= NGX_TASKMGR_PHONE_TRIES) {
        return ngx_taskmgr_phone_invalid(r, "too many wrong codes: ask for "
                                         "a new one");
    }

    ngx_cpystrn((u_char *) p->number, (u_char *) number, sizeof(p->number));
    ngx_cpystrn((u_char *) p->hash, (u_char *) stored, sizeof(p->hash));

    if (ngx_taskmgr_phone_hash(ctx->auth.sub, p->number, p->fields.code,
                               hash)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (CRYPTO_memcmp(hash, p->hash, 64) != 0) {
        /* one try fewer for this code */
        req = json_pack("{s:s, s:o, s:s, s:s, s:{s:o, s:{s:s}}}",
                        "TableName", (const char *) ctx->conf->table.data,
                        "Key", ngx_taskmgr_phone_key(ctx,
                                                     NGX_TASKMGR_PHONE_SK),
                        "UpdateExpression", "ADD CodeAttempts :one",
                        "ConditionExpression", "CodeHash = :ch",
                        "ExpressionAttributeValues",
                        ":one", tm_ddb_n(1), ":ch", "S", p->hash);

        return ngx_taskmgr_ddb(r, ctx, "UpdateItem", req,
                               ngx_taskmgr_phone_wrong);
    }

    /* used once: of two confirmations of one code, one goes on */
    req = json_pack("{s:s, s:o, s:s, s:s, s:{s:{s:s}}}",
                    "TableName", (const char *) ctx->conf->table.data,
                    "Key", ngx_taskmgr_phone_key(ctx, NGX_TASKMGR_PHONE_SK),
                    "UpdateExpression",
                    "REMOVE CodeHash, CodeNumber, CodeExpiresAt,"
                    " CodeAttempts",
                    "ConditionExpression", "CodeHash = :ch",
                    "ExpressionAttributeValues", ":ch", "S", p->hash);

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem", req, ngx_taskmgr_phone_used);
}


static ngx_int_t
ngx_taskmgr_phone_wrong(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->call.error
        && !ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException"))
    {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    return ngx_taskmgr_phone_invalid(r, "wrong code");
}


static ngx_int_t
ngx_taskmgr_phone_used(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                  now[32];
    json_t               *req;
    ngx_taskmgr_phone_t  *p;

    p = ctx->data;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        return ngx_taskmgr_phone_invalid(r, "the code was used: ask for a "
                                         "new one");
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    tm_format_rfc3339((long long) ngx_time(), now);

    /* the number the code went to, if it is still the profile's */
    req = json_pack("{s:s, s:o, s:s, s:s, s:{s:{s:b}, s:{s:s}, s:{s:s}},"
                    " s:s}",
                    "TableName", (const char *) ctx->conf->table.data,
                    "Key", ngx_taskmgr_phone_key(ctx, NULL),
                    "UpdateExpression",
                    "SET PhoneVerified = :t, UpdatedAt = :now",
                    "ConditionExpression", "PhoneNumber = :cn",
                    "ExpressionAttributeValues",
                    ":t", "BOOL", 1, ":now", "S", now, ":cn", "S", p->number,
                    "ReturnValues", "ALL_NEW");

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem", req,
                           ngx_taskmgr_phone_verified);
}


static ngx_int_t
ngx_taskmgr_phone_verified(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t  *item, *user;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        return ngx_taskmgr_phone_invalid(r, "the phone number changed "
                                         "since the code was sent");
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    item = json_object_get(ctx->call.reply, "Attributes");
    user = item ? tm_user_json(item) : NULL;

    if (user == NULL) {
        return ngx_taskmgr_aws_malformed(r, ctx);
    }

    return ngx_taskmgr_send_json(r, NGX_HTTP_OK,
                                 json_pack("{s:o}", "user", user));
}


static ngx_int_t
ngx_taskmgr_phone_invalid(ngx_http_request_t *r, const char *message)
{
    return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST, "invalid_code",
                                  message, "code");
}


/* the caller's user item (sk NULL) or another item of theirs */

static json_t *
ngx_taskmgr_phone_key(ngx_taskmgr_ctx_t *ctx, const char *sk)
{
    char  key[160];

    if (ctx->auth.sub == NULL || ngx_strlen(ctx->auth.sub) > 128) {
        return NULL;
    }

    tm_user_key(ctx->auth.sub, key, sizeof(key));

    return tm_ddb_key(key, sk ? sk : key);
}


/* hex SHA-256 of "<sub>:<number>:<code>" into out (65 bytes) */

static ngx_int_t
ngx_taskmgr_phone_hash(const char *sub, const char *number,
    const char *code, char *out)
{
    u_char        md[EVP_MAX_MD_SIZE];
    unsigned int  n;
    EVP_MD_CTX   *c;

    c = EVP_MD_CTX_new();
    if (c == NULL) {
        return NGX_ERROR;
    }

    if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1
        || EVP_DigestUpdate(c, sub, ngx_strlen(sub)) != 1
        || EVP_DigestUpdate(c, ":", 1) != 1
        || EVP_DigestUpdate(c, number, ngx_strlen(number)) != 1
        || EVP_DigestUpdate(c, ":", 1) != 1
        || EVP_DigestUpdate(c, code, ngx_strlen(code)) != 1
        || EVP_DigestFinal_ex(c, md, &n) != 1
        || n != 32)
    {
        EVP_MD_CTX_free(c);
        return NGX_ERROR;
    }

    EVP_MD_CTX_free(c);

    *ngx_hex_dump((u_char *) out, md, 32) = '\0';

    return NGX_OK;
}
