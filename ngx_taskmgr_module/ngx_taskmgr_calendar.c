/*
 * The calendar feed's secret URL: POST /api/users/me/calendar makes one
 * ({"url"}, a new one replacing the last), DELETE revokes it.  The token
 * is 256 random bits; the table keeps only its SHA-256: a feed item
 * CALFEED_<hash> naming the owner, and the hash on the user item as
 * CalendarFeed.  A feed is served only while both agree
 * (ngx_taskmgr_calendar_feed.c), so each change is one write to the user
 * item: a feed item left behind by a chain cut short opens nothing.
 */

#include <openssl/rand.h>

#include "ngx_taskmgr_calendar.h"
#include "tm_ddb.h"
#include "tm_validate.h"


typedef struct {
    char                       user[160];  /* USER_<sub> */
    char                       hash[NGX_TASKMGR_CALFEED_HASH + 1];
    ngx_str_t                  url;
} ngx_taskmgr_calendar_t;


static ngx_int_t ngx_taskmgr_calendar_make(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_calendar_url(ngx_http_request_t *r,
    ngx_str_t *token, ngx_str_t *url);
static ngx_int_t ngx_taskmgr_calendar_set(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_calendar_old(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_calendar_done(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


ngx_int_t
ngx_taskmgr_calendar(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t                  *key, *req;
    ngx_int_t                rc;
    ngx_taskmgr_calendar_t  *cal;

    cal = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_calendar_t));
    if (cal == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->data = cal;

    if (ngx_strlen(ctx->auth.sub) > 128) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    tm_user_key(ctx->auth.sub, cal->user, sizeof(cal->user));

    rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, cal);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->method == NGX_HTTP_POST) {
        return ngx_taskmgr_calendar_make(r, ctx);
    }

    /* DELETE: the user item forgets the feed, then its item goes */
    key = tm_ddb_key(cal->user, cal->user);
    req = key ? json_pack("{s:s, s:o, s:s, s:s, s:s}",
                          "TableName", ctx->conf->table.data, "Key", key,
                          "UpdateExpression", "REMOVE CalendarFeed",
                          "ConditionExpression",
                          "attribute_exists(EntityPartition)",
                          "ReturnValues", "UPDATED_OLD")
              : NULL;

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem", req,
                           ngx_taskmgr_calendar_old);
}


/* POST: a new token, its feed item first (the user item then names it) */

static ngx_int_t
ngx_taskmgr_calendar_make(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    u_char                   bits[NGX_TASKMGR_CALFEED_BITS / 8];
    char                     pk[sizeof(NGX_TASKMGR_CALFEED_PREFIX)
                                + NGX_TASKMGR_CALFEED_HASH];
    char                     now[24];
    json_t                  *item;
    ngx_str_t                token, raw;
    ngx_taskmgr_calendar_t  *cal;

    cal = ctx->data;

    if (RAND_bytes(bits, sizeof(bits)) != 1) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    raw.data = bits;
    raw.len = sizeof(bits);

    token.data = ngx_pnalloc(r->pool, ngx_base64_encoded_length(raw.len));
    if (token.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_encode_base64url(&token, &raw);

    ngx_taskmgr_calendar_hash(&token, cal->hash);

    if (ngx_taskmgr_calendar_url(r, &token, &cal->url) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf((u_char *) pk, "%s%s%Z", NGX_TASKMGR_CALFEED_PREFIX,
                cal->hash);
    tm_format_rfc3339((long long) ngx_time(), now);

    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}",
                     TM_PK, "S", pk, TM_SK, "S", pk,
                     "Owner", "S", cal->user, "CreatedAt", "S", now);

    return ngx_taskmgr_ddb_put_new(r, ctx, item, ngx_taskmgr_calendar_set);
}


/* the feed's absolute URL, as the caller reached us: a calendar
 * subscription needs one */

static ngx_int_t
ngx_taskmgr_calendar_url(ngx_http_request_t *r, ngx_str_t *token,
    ngx_str_t *url)
{
    ngx_str_t                 host;
    const char               *scheme;
    ngx_taskmgr_main_conf_t  *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_taskmgr_module);

    scheme = (mcf->cookie_secure
#if (NGX_HTTP_SSL)
              || r->connection->ssl
#endif
             ) ? "https" : "http";

    if (r->headers_in.host) {
        host = r->headers_in.host->value;

    } else {
        host = r->headers_in.server;
    }

    url->data = ngx_pnalloc(r->pool, sizeof("https:///api/calendar/.ics")
                                     + host.len + token->len);
    if (url->data == NULL) {
        return NGX_ERROR;
    }

    url->len = ngx_sprintf(url->data, "%s://%V/api/calendar/%V.ics%Z",
                           scheme, &host, token)
               - url->data - 1;

    return NGX_OK;
}


static ngx_int_t
ngx_taskmgr_calendar_set(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t                  *key, *req;
    ngx_taskmgr_calendar_t  *cal;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    cal = ctx->data;

    key = tm_ddb_key(cal->user, cal->user);
    req = key ? json_pack("{s:s, s:o, s:s, s:s, s:{s:{s:s}}, s:s}",
                          "TableName", ctx->conf->table.data, "Key", key,
                          "UpdateExpression", "SET CalendarFeed = :h",
                          "ConditionExpression",
                          "attribute_exists(EntityPartition)",
                          "ExpressionAttributeValues",
                          ":h", "S", cal->hash,
                          "ReturnValues", "UPDATED_OLD")
              : NULL;

    return ngx_taskmgr_ddb(r, ctx, "UpdateItem", req,
                           ngx_taskmgr_calendar_old);
}


/* the feed the user item named before: its item is deleted */

static ngx_int_t
ngx_taskmgr_calendar_old(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char         pk[sizeof(NGX_TASKMGR_CALFEED_PREFIX)
                    + NGX_TASKMGR_CALFEED_HASH];
    json_t      *attrs;
    const char  *old;

    if (ngx_taskmgr_aws_is(ctx, "ConditionalCheckFailedException")) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "no such user", NULL);
    }

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    attrs = json_object_get(ctx->call.reply, "Attributes");
    old = tm_ddb_get_s(attrs, "CalendarFeed");

    if (old == NULL || ngx_strlen(old) != NGX_TASKMGR_CALFEED_HASH) {
        return ngx_taskmgr_calendar_done(r, ctx);
    }

    ngx_sprintf((u_char *) pk, "%s%s%Z", NGX_TASKMGR_CALFEED_PREFIX, old);

    return ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_DYNAMODB, "DeleteItem",
                                json_pack("{s:s, s:o}",
                                          "TableName",
                                          ctx->conf->table.data,
                                          "Key", tm_ddb_key(pk, pk)),
                                NGX_TASKMGR_AWS_RAW,
                                ngx_taskmgr_calendar_done);
}


static ngx_int_t
ngx_taskmgr_calendar_done(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_calendar_t  *cal;

    /* the old feed is closed already (the user item no longer names it):
     * an item left behind is litter, not a way in */
    if (ctx->call.op && ngx_strcmp(ctx->call.op, "DeleteItem") == 0
        && ctx->call.status != NGX_HTTP_OK)
    {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "taskmgr dynamodb DeleteItem: an old calendar feed "
                      "item of %s stays (status %ui)", ctx->auth.sub,
                      ctx->call.status);
    }

    cal = ctx->data;

    if (r->method == NGX_HTTP_DELETE) {
        return ngx_taskmgr_send_empty(r, NGX_HTTP_NO_CONTENT);
    }

    return ngx_taskmgr_send_json(r, NGX_HTTP_CREATED,
                                 json_pack("{s:s}", "url",
                                           (char *) cal->url.data));
}


/* the hex SHA-256 of a token: what the table keeps */

void
ngx_taskmgr_calendar_hash(ngx_str_t *token, char *out)
{
    u_char  md[SHA256_DIGEST_LENGTH];

    SHA256(token->data, token->len, md);
    *ngx_hex_dump((u_char *) out, md, sizeof(md)) = '\0';
}
