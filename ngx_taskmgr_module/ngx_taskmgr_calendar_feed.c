/*
 * GET /api/calendar/<token>.ics, without authentication: the secret URL
 * is the credential (ngx_taskmgr_calendar.c).  The token's hash finds the
 * feed item, the feed item its owner, and the owner's item must still
 * name that hash (a rotated or revoked feed is 404 at once, as is any
 * token unknown).  Then the owner's tasks with a due date, not completed
 * and not in the trash, as an RFC 5545 VCALENDAR of VEVENTs
 * (common/tm_ical.h says why not VTODO), streamed a page at a time like
 * the export.
 */

#include "ngx_taskmgr_calendar.h"
#include "ngx_taskmgr_tasks.h"
#include "tm_ddb.h"
#include "tm_ical.h"
#include "tm_zone.h"


typedef struct {
    char                       hash[NGX_TASKMGR_CALFEED_HASH + 1];
    const char                *owner;      /* "USER_<sub>" */
    char                       zone[TM_ZONE_MAX + 1];
    ngx_taskmgr_text_t         scratch;    /* a task's JSON */
} ngx_taskmgr_feed_t;


static ngx_int_t ngx_taskmgr_feed_not_found(ngx_http_request_t *r);
static ngx_int_t ngx_taskmgr_feed_found(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_feed_owner(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_feed_event(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const tm_ddb_item_t *item);
static ngx_int_t ngx_taskmgr_feed_end(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


/*
 * The post-read phase: a feed's path is its secret, and nginx's error
 * log writes the request line with every message about a request
 * ("request: ..."), the rate limit's "limiting requests" among them.  From
 * here on that line says "{token}", as the access log's path does.
 */

ngx_int_t
ngx_taskmgr_calendar_mask(ngx_http_request_t *r)
{
    u_char                  *p;
    size_t                   len;
    static const ngx_str_t   prefix = ngx_string("/api/calendar/");
    static const ngx_str_t   masked = ngx_string("/api/calendar/{token}.ics");

    if (r != r->main || r->uri.len <= prefix.len
        || ngx_strncmp(r->uri.data, prefix.data, prefix.len) != 0)
    {
        return NGX_DECLINED;
    }

    len = r->method_name.len + 1 + masked.len + 1 + r->http_protocol.len;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->request_line.data = p;

    p = ngx_cpymem(p, r->method_name.data, r->method_name.len);
    *p++ = ' ';
    p = ngx_cpymem(p, masked.data, masked.len);

    if (r->http_protocol.len) {
        *p++ = ' ';
        p = ngx_cpymem(p, r->http_protocol.data, r->http_protocol.len);
    }

    r->request_line.len = p - r->request_line.data;

    return NGX_DECLINED;
}


ngx_int_t
ngx_taskmgr_calendar_feed(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                 pk[sizeof(NGX_TASKMGR_CALFEED_PREFIX)
                            + NGX_TASKMGR_CALFEED_HASH];
    u_char              *p, *last;
    ngx_int_t            rc;
    ngx_taskmgr_feed_t  *fd;

    fd = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_feed_t));
    if (fd == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->data = fd;

    rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, fd);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    /* a token as made: 43 base64url characters, nothing else */
    p = ctx->path_arg.data;
    last = p + ctx->path_arg.len;

    if (ctx->path_arg.len != NGX_TASKMGR_CALFEED_TOKEN) {
        return ngx_taskmgr_feed_not_found(r);
    }

    for ( /* void */ ; p < last; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')
              || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
        {
            return ngx_taskmgr_feed_not_found(r);
        }
    }

    ngx_taskmgr_calendar_hash(&ctx->path_arg, fd->hash);
    ngx_sprintf((u_char *) pk, "%s%s%Z", NGX_TASKMGR_CALFEED_PREFIX,
                fd->hash);

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(pk, pk), 0, NULL,
                               ngx_taskmgr_feed_found);
}


/* the same answer whatever made the URL no feed */

static ngx_int_t
ngx_taskmgr_feed_not_found(ngx_http_request_t *r)
{
    return ngx_taskmgr_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                  "no such calendar feed", NULL);
}


static ngx_int_t
ngx_taskmgr_feed_found(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    const char          *owner;
    ngx_taskmgr_feed_t  *fd;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    fd = ctx->data;
    owner = tm_ddb_get_s(json_object_get(ctx->call.reply, "Item"), "Owner");

    if (owner == NULL || ngx_strlen(owner) > 160
        || ngx_strncmp(owner, TM_USER_PREFIX, sizeof(TM_USER_PREFIX) - 1)
           != 0)
    {
        return ngx_taskmgr_feed_not_found(r);
    }

    fd->owner = ngx_taskmgr_cstr(r->pool, (u_char *) owner,
                                 ngx_strlen(owner));
    if (fd->owner == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* consistent: a feed revoked a moment ago is refused already */
    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(fd->owner, fd->owner), 1,
                               "CalendarFeed, UserTimeZone",
                               ngx_taskmgr_feed_owner);
}


static ngx_int_t
ngx_taskmgr_feed_owner(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                *head;
    json_t              *item, *q;
    ngx_int_t            rc;
    const char          *feed, *zone;
    ngx_taskmgr_feed_t  *fd;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    fd = ctx->data;
    item = json_object_get(ctx->call.reply, "Item");
    feed = tm_ddb_get_s(item, "CalendarFeed");

    if (feed == NULL || ngx_strcmp(feed, fd->hash) != 0) {
        return ngx_taskmgr_feed_not_found(r);
    }

    zone = tm_ddb_get_s(item, "UserTimeZone");
    ngx_cpystrn((u_char *) fd->zone,
                (u_char *) (zone && ngx_strlen(zone) <= TM_ZONE_MAX
                            ? zone : TM_ZONE_DEFAULT),
                sizeof(fd->zone));

    if (ngx_taskmgr_stream_init(r, ctx, "text/calendar; charset=utf-8",
                                NULL)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    head = tm_ical_head("taskmgr", fd->zone);
    if (head == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_taskmgr_stream_add(r, ctx, head, ngx_strlen(head));
    free(head);

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* DueDateIndex holds the dated tasks before "~", the undated ones */
    q = json_pack("{s:s, s:s, s:s, s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}},"
                  " s:{s:s}}",
                  "TableName", ctx->conf->table.data,
                  "IndexName", "DueDateIndex",
                  "KeyConditionExpression",
                  "EntityPartition = :pk AND TaskDueSort < :none",
                  "FilterExpression",
                  "#st <> :done AND attribute_not_exists(TrashedAt)",
                  "ExpressionAttributeValues",
                  ":pk", "S", fd->owner, ":none", "S", TM_DUE_SORT_NONE,
                  ":done", "S", "completed",
                  "ExpressionAttributeNames", "#st", "Status");

    return ngx_taskmgr_stream_query(r, ctx, q, ngx_taskmgr_feed_event,
                                    ngx_taskmgr_feed_end);
}


/* a task's VEVENT, from its API JSON */

static ngx_int_t
ngx_taskmgr_feed_event(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const tm_ddb_item_t *item)
{
    char                *ev;
    json_t              *task;
    ngx_int_t            rc;
    ngx_taskmgr_feed_t  *fd;

    fd = ctx->data;

    rc = ngx_taskmgr_text_json(r->pool, &fd->scratch,
                               ngx_taskmgr_tasks_write, item,
                               (long long) ngx_time(), &task);
    if (rc != NGX_OK) {
        return rc == NGX_DECLINED ? NGX_DECLINED
               : (rc == NGX_ABORT ? NGX_ERROR : NGX_ABORT);
    }

    ev = tm_ical_event(task, fd->zone);
    json_decref(task);

    if (ev == NULL) {
        return NGX_DECLINED;
    }

    rc = ngx_taskmgr_stream_add(r, ctx, ev, ngx_strlen(ev));
    free(ev);

    return rc == NGX_OK ? NGX_OK : NGX_ABORT;
}


static ngx_int_t
ngx_taskmgr_feed_end(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ngx_taskmgr_stream_add(r, ctx, TM_ICAL_TAIL,
                               sizeof(TM_ICAL_TAIL) - 1)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_taskmgr_stream_flush(r, ctx, 1, NULL);
}
