/*
 * Push (issue 14): GET /api/events and what the module publishes.
 *
 * nchan holds the subscribers; this file only decides whose channel.
 * /api/events is authenticated like every route (cookie or bearer, the
 * revocation check too), then internally redirected to the nchan
 * subscriber location "<taskmgr_events>sub/<sub>": the channel id comes
 * from the verified token, never from the client, so a user can only
 * ever subscribe to their own events.
 *
 * A write that succeeded publishes with an in-memory subrequest to
 * "<taskmgr_events>pub/<sub>" (POST, the event name in
 * X-EventSource-Event), a location that proxy_passes to this node's nchan
 * publisher; its outcome only counts and logs (nchan answers 503 at once
 * when Redis is down), the request has succeeded already.  The reply
 * waits in the postpone filter for the publish (a loopback round trip,
 * ~1-2 ms; bounded by the location's proxy timeouts).  Measured with
 * nginx 1.22.1 and nchan 1.3.6:
 *   - a subrequest straight to the nchan publisher location works
 *     while Redis answers, but nchan's 503 finalizes a background one
 *     twice ("subrequest ... logged again"), and a waited in-memory one
 *     never completed: hence the proxy, where nchan serves a request of
 *     its own;
 *   - a background subrequest (the reply not waiting at all) through the
 *     proxy crashed workers under tests/faults/dynamodb.t (DynamoDB
 *     paused while clients gave up): a request terminated while it ran
 *     is closed whatever its count; a plain subrequest is counted and
 *     cleaned up with its request like every backend call.
 */

#include "ngx_taskmgr.h"
#include "tm_notification.h"


#define NGX_TASKMGR_EVENTS_HEAD    256


static ngx_int_t ngx_taskmgr_events_subscribe(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_events_send(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *channel, const char *event,
    ngx_str_t *body);
static ngx_int_t ngx_taskmgr_events_done(ngx_http_request_t *sr, void *data,
    ngx_int_t rc);
static ngx_int_t ngx_taskmgr_events_count_page(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_events_counted(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


/* a publish in flight: its post-subrequest handler may run twice */
typedef struct {
    const char                *event;
    ngx_uint_t                 counted;
} ngx_taskmgr_events_pub_t;


const ngx_taskmgr_route_t  ngx_taskmgr_events_routes[] = {
    { ngx_string("/api/events"), NGX_HTTP_GET, NGX_TASKMGR_AUTH_REQUIRED,
      ngx_taskmgr_events_subscribe },
    { ngx_null_string, 0, 0, NULL }
};


static ngx_int_t
ngx_taskmgr_events_subscribe(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_str_t  uri;

    if (ctx->conf->events.len == 0) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "unavailable",
                                      "live updates are not configured",
                                      NULL);
    }

    uri.len = ctx->conf->events.len + sizeof("sub/") - 1
              + ngx_strlen(ctx->auth.sub);
    uri.data = ngx_pnalloc(r->pool, uri.len);
    if (uri.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf(uri.data, "%Vsub/%s", &ctx->conf->events, ctx->auth.sub);

    /* Last-Event-ID, Accept and Upgrade go along: nchan reads them */
    (void) ngx_http_internal_redirect(r, &uri, NULL);

    /* the redirect holds the request now: let go of dispatch's hold */
    ngx_http_finalize_request(r, NGX_DONE);

    return NGX_DONE;
}


/* event's data is one JSON object; published to the caller's channel */

void
ngx_taskmgr_events_publish(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *event, ngx_taskmgr_text_t *data)
{
    ngx_str_t  body;

    if (ctx->conf->events.len == 0 || ctx->auth.sub == NULL) {
        return;
    }

    body.data = data->data;
    body.len = data->len;

    if (ngx_taskmgr_events_send(r, ctx, ctx->auth.sub, event, &body)
        != NGX_OK)
    {
        ngx_taskmgr_metrics_event(ctx->conf, NGX_TASKMGR_PUBLISH_ERROR);
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "taskmgr: %s event not published: no subrequest",
                      event);
    }
}


/*
 * {"event":E,<head>,"<name>":<the item's API JSON>}: head, members
 * already written ("\"op\":\"created\""), or NULL; name NULL: the item's
 * own members join the object (a notification as it is listed)
 */

void
ngx_taskmgr_events_item(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *event, const char *head, const char *name,
    ngx_taskmgr_write_pt write, const tm_ddb_item_t *item)
{
    size_t              at;
    u_char             *p;
    ngx_taskmgr_text_t  t;
    u_char              start[NGX_TASKMGR_EVENTS_HEAD];

    if (ctx->conf->events.len == 0) {
        return;
    }

    ngx_memzero(&t, sizeof(ngx_taskmgr_text_t));

    p = ngx_snprintf(start, sizeof(start), "{\"event\":\"%s\"%s%s%s%s%s",
                     event, head ? "," : "", head ? head : "",
                     name ? ",\"" : "", name ? name : "",
                     name ? "\":" : "");

    if (ngx_taskmgr_text_add(r->pool, &t, (char *) start, p - start)
        != NGX_OK)
    {
        return;
    }

    at = t.len;

    if (ngx_taskmgr_text_item(r->pool, &t, write, item,
                              (long long) ngx_time())
        != NGX_OK)
    {
        return;
    }

    if (name == NULL) {
        if (t.len - at == 2) {          /* "{}": nothing to join */
            t.len = at;

        } else {
            t.data[at] = ',';
            t.len--;
        }
    }

    if (ngx_taskmgr_text_add(r->pool, &t, "}", 1) != NGX_OK) {
        return;
    }

    ngx_taskmgr_events_publish(r, ctx, event, &t);
}


/* an event whose data is built as a jansson object (takes obj's ref) */

void
ngx_taskmgr_events_json(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *event, json_t *obj)
{
    ngx_str_t           text;
    ngx_taskmgr_text_t  t;

    if (obj == NULL) {
        return;
    }

    ngx_taskmgr_json_track(r, obj);

    if (ctx->conf->events.len == 0
        || ngx_taskmgr_json_dump(r->pool, obj, &text) != NGX_OK)
    {
        return;
    }

    t.data = text.data;
    t.len = text.len;
    t.size = text.len;

    ngx_taskmgr_events_publish(r, ctx, event, &t);
}


/*
 * pk's unread count, for the "unreadCount" of the notification event the
 * request publishes (ngx_taskmgr_events_unread); then next.  One Query
 * (COUNT) or a few, made only when push is on; a count that fails or
 * does not end leaves it out (the client counts for itself) and never
 * fails the request.  Its cost is that Query, before the reply.
 */

ngx_int_t
ngx_taskmgr_events_count(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *pk, ngx_taskmgr_step_pt next)
{
    ngx_taskmgr_events_unread_t  *u;

    if (ctx->conf->events.len == 0) {
        return next(r, ctx);
    }

    u = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_events_unread_t));
    if (u == NULL) {
        return next(r, ctx);
    }

    u->pk = pk;
    u->next = next;
    ctx->unread = u;

    return ngx_taskmgr_events_count_page(r, ctx);
}


static ngx_int_t
ngx_taskmgr_events_count_page(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t                       *q;
    ngx_taskmgr_events_unread_t  *u;
    u_char                        now[NGX_INT64_LEN + 1];

    u = ctx->unread;

    ngx_sprintf(now, "%T%Z", ngx_time());

    q = tm_notification_unread_query((char *) ctx->conf->table.data, u->pk,
                                     (char *) now);
    if (q == NULL) {
        return u->next(r, ctx);
    }

    json_object_set_new(q, "Select", json_string("COUNT"));

    if (u->start) {
        json_object_set(q, "ExclusiveStartKey", u->start);
    }

    u->calls++;

    return ngx_taskmgr_ddb(r, ctx, "Query", q, ngx_taskmgr_events_counted);
}


static ngx_int_t
ngx_taskmgr_events_counted(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t                       *count, *lek;
    ngx_taskmgr_events_unread_t  *u;

    u = ctx->unread;

    if (ctx->call.error) {
        return u->next(r, ctx);
    }

    count = json_object_get(ctx->call.reply, "Count");

    if (!json_is_integer(count) || json_integer_value(count) < 0
        || json_integer_value(count) > NGX_TASKMGR_COUNT_MAX)
    {
        return u->next(r, ctx);
    }

    u->count += (ngx_uint_t) json_integer_value(count);
    lek = json_object_get(ctx->call.reply, "LastEvaluatedKey");

    if (lek == NULL) {
        u->known = 1;
        return u->next(r, ctx);
    }

    if (u->calls >= NGX_TASKMGR_COUNT_CALLS) {
        return u->next(r, ctx);
    }

    u->start = json_incref(lek);
    ngx_taskmgr_json_track(r, u->start);

    return ngx_taskmgr_events_count_page(r, ctx);
}


/* "\"unreadCount\":N" once counted, else NULL */

const char *
ngx_taskmgr_events_unread(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    u_char  *p;

    if (ctx->unread == NULL || !ctx->unread->known) {
        return NULL;
    }

    p = ngx_pnalloc(r->pool, sizeof("\"unreadCount\":") + NGX_INT_T_LEN);
    if (p == NULL) {
        return NULL;
    }

    ngx_sprintf(p, "\"unreadCount\":%ui%Z", ctx->unread->count);

    return (const char *) p;
}


/*
 * /api/health's "events": a publish to the probe channel, waited for:
 * 2xx while Redis answers, 503 when it does not.  next reads
 * ctx->call.status (0: push not configured, no probe made).
 */

ngx_int_t
ngx_taskmgr_events_health(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    ngx_str_t          uri;
    tm_sigv4_header_t  h[2];
    static ngx_str_t   body = ngx_string("{}");

    if (ctx->conf->events.len == 0) {
        ctx->call.status = 0;
        return next(r, ctx);
    }

    uri.len = ctx->conf->events.len + sizeof("pub/_health") - 1;
    uri.data = ngx_pnalloc(r->pool, uri.len);
    if (uri.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf(uri.data, "%Vpub/_health", &ctx->conf->events);

    h[0].name = "Host";
    h[0].value = "localhost";
    h[1].name = "Content-Type";
    h[1].value = "application/json";

    ctx->call.op = "Probe";
    ctx->call.backend = NGX_TASKMGR_NCHAN;
    ctx->call.flags = NGX_TASKMGR_AWS_RAW;
    ctx->call.next = next;

    return ngx_taskmgr_subrequest(r, ctx, &uri, h, 2, &body);
}


static ngx_int_t
ngx_taskmgr_events_send(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *channel, const char *event, ngx_str_t *body)
{
    ngx_str_t                    uri;
    ngx_uint_t                   n;
    ngx_http_request_t          *sr;
    tm_sigv4_header_t            h[3];
    ngx_http_post_subrequest_t  *ps;
    ngx_taskmgr_events_pub_t    *pub;

    uri.len = ctx->conf->events.len + sizeof("pub/") - 1
              + ngx_strlen(channel);
    uri.data = ngx_pnalloc(r->pool, uri.len);
    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    pub = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_events_pub_t));
    if (uri.data == NULL || ps == NULL || pub == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(uri.data, "%Vpub/%s", &ctx->conf->events, channel);

    ps->handler = ngx_taskmgr_events_done;
    pub->event = event;
    ps->data = pub;

    /* not background: see the top of this file */
    if (ngx_http_subrequest(r, &uri, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_IN_MEMORY)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    n = 0;
    h[n].name = "Host";
    h[n++].value = "localhost";

    h[n].name = "X-EventSource-Event";
    h[n++].value = event;
    h[n].name = "Content-Type";
    h[n++].value = "application/json";

    if (ngx_taskmgr_subrequest_headers(r, sr, h, n) != NGX_OK
        || ngx_taskmgr_subrequest_body(r, sr, body) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_taskmgr_events_done(ngx_http_request_t *sr, void *data, ngx_int_t rc)
{
    ngx_taskmgr_events_pub_t *pub = data;

    ngx_uint_t                status;
    ngx_taskmgr_main_conf_t  *conf;

    conf = ngx_http_get_module_main_conf(sr, ngx_taskmgr_module);
    status = sr->headers_out.status;

    /* nchan's 503 (Redis down) comes as the rc, no header sent */
    if (status == 0 && rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        status = rc;
    }

    if (pub->counted++) {
        return NGX_OK;
    }

    if (status >= NGX_HTTP_OK && status < NGX_HTTP_SPECIAL_RESPONSE) {
        ngx_taskmgr_metrics_event(conf, NGX_TASKMGR_PUBLISH_OK);
        return NGX_OK;
    }

    ngx_taskmgr_metrics_event(conf, NGX_TASKMGR_PUBLISH_ERROR);
    ngx_log_error(NGX_LOG_ERR, sr->connection->log, 0,
                  "taskmgr: %s event not published: nchan answered %ui "
                  "(the request succeeded all the same)", pub->event,
                  status);

    return NGX_OK;
}
