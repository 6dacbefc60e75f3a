/*
 * taskmgr nginx module: shared types.  One file per service (users, tasks,
 * notifications, health) and one per mechanism (AWS calls, auth, token
 * revocation, request bodies, JSON replies).
 */

#ifndef _NGX_TASKMGR_H_INCLUDED_
#define _NGX_TASKMGR_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <jansson.h>

#include "tm_ddb_item.h"
#include "tm_fields.h"
#include "tm_sigv4.h"
#include "tm_update.h"


#define NGX_TASKMGR_DYNAMODB           0
#define NGX_TASKMGR_COGNITO            1
#define NGX_TASKMGR_NCHAN              2    /* push: health's probe only */
#define NGX_TASKMGR_BACKENDS           3

/* the continuation gets the raw outcome, transport failures included */
#define NGX_TASKMGR_AWS_RAW            1
/* a successful reply stays text in ctx->raw (read with tm_ddb_item.h) */
#define NGX_TASKMGR_AWS_TEXT           2

#define NGX_TASKMGR_AUTH_NONE          0
#define NGX_TASKMGR_AUTH_REQUIRED      1
#define NGX_TASKMGR_AUTH_OPTIONAL      2


typedef struct ngx_taskmgr_ctx_s  ngx_taskmgr_ctx_t;

/* a step of a handler's chain: returns NGX_DONE while a call is in flight,
 * otherwise the rc of the reply it sent (the caller finalizes) */
typedef ngx_int_t (*ngx_taskmgr_step_pt)(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


typedef struct {
    ngx_str_t                  url;        /* http://127.0.0.1:8000 */
    ngx_str_t                  host;       /* 127.0.0.1:8000, signed */
} ngx_taskmgr_endpoint_t;


/* every string here is NUL-terminated (nginx's conf parser ends each word
 * with one, the module's own copies do too) */

typedef struct {
    ngx_str_t                  region;
    ngx_str_t                  table;
    ngx_taskmgr_endpoint_t     dynamodb;
    ngx_taskmgr_endpoint_t     cognito;
    ngx_str_t                  user_pool;
    ngx_str_t                  client_id;
    ngx_str_t                  issuer;      /* cognito url + "/" + pool */
    ngx_str_t                  jwks_uri;    /* internal location path */
    ngx_str_t                  access_key;
    ngx_str_t                  secret_key;
    ngx_str_t                  session_token;
    ngx_str_t                  credentials_endpoint;  /* internal uri */
    ngx_str_t                  credentials_token;
    ngx_flag_t                 cookie_secure;
    ngx_flag_t                 require_confirmation;
    size_t                     max_body;
    time_t                     jwks_refresh;    /* min gap between fetches */
    time_t                     revocation_cache;
    time_t                     refresh_cookie_ttl;
    ngx_shm_zone_t            *revocation_zone;
    ngx_shm_zone_t            *jwks_zone;
    ngx_shm_zone_t            *unread_zone;
    ngx_shm_zone_t            *metrics_zone;
    ngx_str_t                  cursor_key;
    ngx_uint_t                 reminder_shards;
    time_t                     notification_ttl;
    ngx_uint_t                 max_tasks;        /* per user */
    ngx_uint_t                 max_completions;  /* notifications kept */
    time_t                     health_cache;
    ngx_flag_t                 test_faults;
    ngx_str_t                  events;     /* nchan locations' prefix */
} ngx_taskmgr_main_conf_t;


typedef struct {
    ngx_str_t                  path;       /* exact, a prefix ending '/', or
                                              with one "{}" segment */
    ngx_uint_t                 methods;    /* NGX_HTTP_GET|NGX_HTTP_POST... */
    ngx_uint_t                 auth;
    ngx_taskmgr_step_pt        handler;
} ngx_taskmgr_route_t;


/* a service location's routes (from its directive's cmd->post), or the
 * status a taskmgr_reject location answers */
typedef struct {
    const ngx_taskmgr_route_t *routes;
    ngx_uint_t                 reject_status;
    ngx_flag_t                 metrics;    /* a taskmgr_metrics location */
} ngx_taskmgr_loc_conf_t;


typedef ngx_int_t (*ngx_taskmgr_arg_pt)(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_str_t *name, ngx_str_t *value);

/* JSON text growing in the request's pool (ngx_taskmgr_text.c) */
typedef struct {
    u_char                    *data;
    size_t                     len;
    size_t                     size;
} ngx_taskmgr_text_t;

/* an item's API JSON into out: its length or TM_WRITE_* (tm_task.h) */
typedef long (*ngx_taskmgr_write_pt)(const tm_ddb_item_t *item,
    long long now, char *out, size_t size);

/* one item of a walk (ngx_taskmgr_walk.c): NGX_OK, or NGX_ERROR when the
 * item is malformed (the walk answers 502) */
typedef ngx_int_t (*ngx_taskmgr_each_pt)(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, json_t *item);

/* every item of a Query, page after page (ngx_taskmgr_walk.c) */
typedef struct {
    json_t                    *query;
    ngx_taskmgr_each_pt        each;
    ngx_taskmgr_step_pt        done;
    ngx_uint_t                 calls;
} ngx_taskmgr_walk_t;

/* one item of a streamed Query (ngx_taskmgr_stream.c): NGX_OK written,
 * NGX_DECLINED skipped, NGX_ERROR malformed */
typedef ngx_int_t (*ngx_taskmgr_stream_each_pt)(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const tm_ddb_item_t *item);

/* a reply sent a page at a time (ngx_taskmgr_stream.c) */
typedef struct {
    const char                *type;       /* Content-Type */
    const char                *name;       /* attachment's, or NULL */
    ngx_taskmgr_text_t         text;       /* written, not yet sent */
    json_t                    *query;
    ngx_taskmgr_stream_each_pt each;
    ngx_taskmgr_step_pt        next;       /* after the last page */
    ngx_taskmgr_step_pt        drained;    /* once the client took it */
    unsigned                   started:1;  /* the headers are sent */
    unsigned                   more:1;     /* pages left */
} ngx_taskmgr_stream_t;

/* a user's allowance being taken or given back (ngx_taskmgr_quota.c) */
#define NGX_TASKMGR_QUOTA_TASKS        0
#define NGX_TASKMGR_QUOTA_COMPLETIONS  1

typedef struct {
    const char                *pk;
    ngx_uint_t                 which;      /* NGX_TASKMGR_QUOTA_* */
    ngx_uint_t                 count;
    ngx_taskmgr_step_pt        next;
    unsigned                   full:1;     /* nothing left: none taken */
    unsigned                   recounted:1;
} ngx_taskmgr_quota_state_t;

/* a listing page (ngx_taskmgr_page.c) */
typedef struct {
    json_t                    *query;      /* Query without Limit, ESK */
    const char                *pk;
    const char                *sort_attr;  /* the index's sort key */
    char                       listing[96]; /* sort and filters */
    ngx_uint_t                 limit;
    ngx_str_t                  cursor;
    ngx_taskmgr_write_pt       write;
    long long                  now;
    ngx_taskmgr_step_pt        done;
    ngx_uint_t                 filter_rare;  /* the filter seldom drops
                                                an item: read no wider */

    ngx_uint_t                 calls;
    ngx_uint_t                 count;      /* items kept */
    ngx_taskmgr_text_t         text;       /* {"items":[ and the items */
    tm_jstr_t                  last;       /* the last item kept */
    char                      *next_cursor;  /* NULL: the last page */
} ngx_taskmgr_page_t;


/* the authenticated caller (ngx_taskmgr_auth.c, ngx_taskmgr_revoke.c) */
typedef struct {
    ngx_str_t                  token;
    json_t                    *claims;
    const char                *sub;
    const char                *jti;
    time_t                     exp;
    time_t                     auth_time;  /* the sign-in's, else iat */
    ngx_uint_t                 mode;       /* NGX_TASKMGR_AUTH_* */
    ngx_int_t                  jwt_rc;     /* tm_jwt_rc_e */
    const char                *use;        /* token_use being verified */
    unsigned                   jwks_fetched:1;  /* once per request */
    unsigned                   revoked:1;  /* the revocation check's word */
    ngx_taskmgr_step_pt        verify_next;
    ngx_taskmgr_step_pt        jwks_next;
    ngx_taskmgr_step_pt        revoke_next;
    ngx_taskmgr_step_pt        next;       /* the route's handler */
} ngx_taskmgr_auth_t;


/* the backend call in flight and its outcome (ngx_taskmgr_call.c) */
typedef struct {
    const char                *op;
    ngx_uint_t                 backend;
    ngx_uint_t                 flags;      /* NGX_TASKMGR_AWS_* */
    ngx_taskmgr_step_pt        next;
    ngx_msec_t                 start;
    unsigned                   done:1;
    unsigned                   malformed:1;  /* a 200 without what the
                                                caller needs */
    ngx_uint_t                 status;     /* backend HTTP status, 0: none */
    ngx_str_t                  raw;        /* backend reply body */
    json_t                    *reply;      /* parsed reply, or NULL */
    const char                *error;      /* __type after '#', or NULL */
    const char                *message;
} ngx_taskmgr_call_t;


/* a signed call waiting for credentials (ngx_taskmgr_aws.c) */
typedef struct {
    json_t                    *body;
    ngx_uint_t                 backend;
    const char                *op;
    ngx_uint_t                 flags;
    ngx_taskmgr_step_pt        next;
} ngx_taskmgr_held_t;


/* the credentials fetch of this request (ngx_taskmgr_creds.c) */
typedef struct {
    unsigned                   fetched:1;  /* once per request */
    unsigned                   failed:1;   /* nothing usable came */
    ngx_taskmgr_step_pt        next;
} ngx_taskmgr_creds_state_t;


/* what a request did, for the access log (ngx_taskmgr_metrics.c) */
typedef struct {
    ngx_uint_t                 calls;      /* backend calls made */
    ngx_msec_t                 ms;         /* their time, summed */
    const char                *error;      /* the error code answered */
} ngx_taskmgr_tally_t;


/* an unread count's Query pages: items one Count may say, calls at most */
#define NGX_TASKMGR_COUNT_MAX          1000000
#define NGX_TASKMGR_COUNT_CALLS        20

/* the owner's unread count for a notification event (ngx_taskmgr_events.c) */
typedef struct {
    const char                *pk;
    json_t                    *start;      /* the next page's start key */
    ngx_uint_t                 count;
    ngx_uint_t                 calls;
    ngx_uint_t                 known;      /* counted to the end */
    ngx_taskmgr_step_pt        next;
} ngx_taskmgr_events_unread_t;


struct ngx_taskmgr_ctx_s {
    ngx_taskmgr_main_conf_t   *conf;
    const ngx_taskmgr_route_t *route;
    json_t                    *body;       /* the client's JSON object */
    ngx_str_t                  path_arg;   /* what follows a prefix route */

    ngx_taskmgr_auth_t         auth;
    ngx_taskmgr_call_t         call;
    ngx_taskmgr_held_t         held;
    ngx_taskmgr_creds_state_t  creds;

    ngx_taskmgr_page_t        *page;       /* a listing (ngx_taskmgr_page.c) */
    ngx_taskmgr_walk_t         walk;       /* ngx_taskmgr_walk.c */
    ngx_taskmgr_stream_t      *stream;     /* ngx_taskmgr_stream.c */
    ngx_taskmgr_quota_state_t  quota;      /* ngx_taskmgr_quota.c */
    ngx_taskmgr_tally_t        tally;
    ngx_taskmgr_events_unread_t *unread;   /* NULL: not counted */
    void                      *data;       /* the service's own state */
};


extern ngx_module_t  ngx_taskmgr_module;


/* ngx_taskmgr_dispatch.c: the content handlers of service locations */
ngx_int_t ngx_taskmgr_dispatch(ngx_http_request_t *r);
ngx_int_t ngx_taskmgr_reject_handler(ngx_http_request_t *r);

/* ngx_taskmgr_call.c: one subrequest to a backend, then ctx->call.next */
ngx_int_t ngx_taskmgr_subrequest(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_str_t *uri, tm_sigv4_header_t *headers,
    ngx_uint_t nheaders, ngx_str_t *body);
ngx_int_t ngx_taskmgr_http_get(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_str_t *uri, const char *host, const char *authorization,
    const char *op, ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_subrequest_headers(ngx_http_request_t *r,
    ngx_http_request_t *sr, tm_sigv4_header_t *headers,
    ngx_uint_t nheaders);
ngx_int_t ngx_taskmgr_subrequest_body(ngx_http_request_t *r,
    ngx_http_request_t *sr, ngx_str_t *body);
ngx_int_t ngx_taskmgr_aws_fail(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_aws_malformed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_aws_is(ngx_taskmgr_ctx_t *ctx, const char *type);
ngx_int_t ngx_taskmgr_aws_broke(ngx_taskmgr_ctx_t *ctx);

/* ngx_taskmgr_circuit.c: whether a call may go to the backend now, and
 * what came of one */
ngx_int_t ngx_taskmgr_circuit_allow(ngx_uint_t backend);
void ngx_taskmgr_circuit_record(ngx_log_t *log, ngx_uint_t backend,
    const char *name, ngx_uint_t reached);

/* ngx_taskmgr_quota.c: what one user may hold */
ngx_int_t ngx_taskmgr_quota_take(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *pk, ngx_uint_t which,
    ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_quota_give(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *pk, ngx_uint_t which,
    ngx_taskmgr_step_pt next);

/* ngx_taskmgr_walk.c: every item of a Query (takes query), then done */
ngx_int_t ngx_taskmgr_walk(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    json_t *query, ngx_taskmgr_each_pt each, ngx_taskmgr_step_pt done);

/* ngx_taskmgr_stream.c: a reply as long as the caller's items */
ngx_int_t ngx_taskmgr_stream_init(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *type, const char *name);
ngx_int_t ngx_taskmgr_stream_add(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *s, size_t len);
ngx_int_t ngx_taskmgr_stream_query(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, json_t *query, ngx_taskmgr_stream_each_pt each,
    ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_stream_flush(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_uint_t last, ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_stream_fail(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_uint_t malformed);

/* ngx_taskmgr_creds.c: what SigV4 signs with */
ngx_int_t ngx_taskmgr_creds_get(ngx_taskmgr_ctx_t *ctx, const char **key,
    const char **secret, const char **token);
ngx_int_t ngx_taskmgr_creds_fetch(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);

/* ngx_taskmgr_aws.c: one signed AWS call (takes body), then next */
ngx_int_t ngx_taskmgr_aws_call(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t backend, const char *op, json_t *body, ngx_uint_t flags,
    ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_ddb_put_new(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, json_t *item, ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_ddb_get(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    json_t *key, ngx_uint_t consistent, const char *projection,
    ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_ddb_get_text(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, json_t *key, ngx_uint_t consistent,
    ngx_taskmgr_step_pt next);
#define ngx_taskmgr_ddb(r, ctx, op, body, next)                               \
    ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_DYNAMODB, op, body, 0, next)
#define ngx_taskmgr_cognito(r, ctx, op, body, next)                           \
    ngx_taskmgr_aws_call(r, ctx, NGX_TASKMGR_COGNITO, op, body, 0, next)

/* ngx_taskmgr_reply.c: every reply the module writes */
ngx_int_t ngx_taskmgr_send_json(ngx_http_request_t *r, ngx_uint_t status,
    json_t *obj);
ngx_int_t ngx_taskmgr_send_text(ngx_http_request_t *r, ngx_uint_t status,
    u_char *data, size_t len);
ngx_int_t ngx_taskmgr_send_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *message, const char *field);
ngx_int_t ngx_taskmgr_send_empty(ngx_http_request_t *r, ngx_uint_t status);
ngx_int_t ngx_taskmgr_unauthorized(ngx_http_request_t *r,
    const char *message);
ngx_int_t ngx_taskmgr_add_header(ngx_http_request_t *r, const char *name,
    ngx_str_t *value);
/* the session cookies: their names and paths follow taskmgr_cookie_secure */
#define NGX_TASKMGR_COOKIE_ACCESS   0
#define NGX_TASKMGR_COOKIE_REFRESH  1
const char *ngx_taskmgr_cookie_name(ngx_http_request_t *r, ngx_uint_t which,
    const char **path);
ngx_int_t ngx_taskmgr_clear_cookies(ngx_http_request_t *r);
ngx_int_t ngx_taskmgr_set_cookie(ngx_http_request_t *r, ngx_uint_t which,
    const char *value, time_t max_age);
void ngx_taskmgr_json_track(ngx_http_request_t *r, json_t *obj);
ngx_int_t ngx_taskmgr_json_dump(ngx_pool_t *pool, const json_t *obj,
    ngx_str_t *out);

/*
 * ngx_taskmgr_body.c: the client's request.  Checks return NGX_DECLINED
 * when the handler goes on, else the rc of the error reply they sent.
 */
ngx_int_t ngx_taskmgr_if_match(ngx_http_request_t *r, ngx_int_t *version);
ngx_int_t ngx_taskmgr_no_args(ngx_http_request_t *r);
ngx_int_t ngx_taskmgr_body_check(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_body_parse(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
/* the body into target by a field table (tm_fields.h), mode TM_BODY_* */
ngx_int_t ngx_taskmgr_body_read(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const tm_field_t *table, ngx_uint_t mode,
    void *target);
ngx_int_t ngx_taskmgr_get_cookie(ngx_http_request_t *r, ngx_uint_t which,
    ngx_str_t *value);
ngx_int_t ngx_taskmgr_header_has(ngx_http_request_t *r, const char *name,
    const char *value);
ngx_int_t ngx_taskmgr_header_find(ngx_http_request_t *r, const char *name,
    const char *value, ngx_str_t *found);
time_t ngx_taskmgr_request_now(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
/* with taskmgr_test_faults on, a request header "X-Taskmgr-Fault: <name>"
 * asks for the named failure (tests of crash recovery) */
ngx_int_t ngx_taskmgr_fault(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *name);

/* ngx_taskmgr_text.c: strings and API JSON written from items */
char *ngx_taskmgr_cstr(ngx_pool_t *pool, u_char *data, size_t len);
ngx_int_t ngx_taskmgr_text_add(ngx_pool_t *pool, ngx_taskmgr_text_t *t,
    const char *s, size_t len);
ngx_int_t ngx_taskmgr_text_reserve(ngx_pool_t *pool, ngx_taskmgr_text_t *t,
    size_t n);
ngx_int_t ngx_taskmgr_text_item(ngx_pool_t *pool, ngx_taskmgr_text_t *t,
    ngx_taskmgr_write_pt write, const tm_ddb_item_t *item, long long now);
ngx_int_t ngx_taskmgr_text_json(ngx_pool_t *pool, ngx_taskmgr_text_t *t,
    ngx_taskmgr_write_pt write, const tm_ddb_item_t *item, long long now,
    json_t **out);
ngx_int_t ngx_taskmgr_item_parse(ngx_http_request_t *r, const json_t *obj,
    tm_ddb_item_t *item);
ngx_int_t ngx_taskmgr_send_item(ngx_http_request_t *r, ngx_uint_t status,
    const char *name, ngx_taskmgr_write_pt write, const tm_ddb_item_t *item);
/* "2026-11-25T17:00:00.123Z", the millisecond time; out >= 25 bytes */
void ngx_taskmgr_now_ms(char *out);

/* ngx_taskmgr_page.c: listings */
ngx_int_t ngx_taskmgr_page_args(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_page_t *pg, ngx_taskmgr_arg_pt arg);
ngx_int_t ngx_taskmgr_page_start(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_page_t *pg);
/* {"items": [...], "nextCursor": ...<extra>}: extra is more members of the
 * reply as JSON text (",\"unreadCount\":3"), or NULL */
ngx_int_t ngx_taskmgr_page_send(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *extra);

/* ngx_taskmgr_auth.c: who is calling */
ngx_int_t ngx_taskmgr_auth(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t mode, ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_auth_verify(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_str_t *token, const char *token_use,
    ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_user_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);

/* ngx_taskmgr_shm.c: a zone holding one struct (zone->data), kept across
 * reloads */
typedef ngx_int_t (*ngx_taskmgr_shm_fresh_pt)(ngx_shm_zone_t *zone);
ngx_shm_zone_t *ngx_taskmgr_shm_add(ngx_conf_t *cf, ngx_str_t *name,
    size_t size, size_t data_size, ngx_taskmgr_shm_fresh_pt fresh);

/* ngx_taskmgr_jwks.c: the pool's keys, shared by a node's workers */
ngx_shm_zone_t *ngx_taskmgr_jwks_zone_add(ngx_conf_t *cf);
struct tm_jwks_s *ngx_taskmgr_jwks_keys(ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t *version);
ngx_int_t ngx_taskmgr_jwks_fetch(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);

/* ngx_taskmgr_unread.c: unread counts remembered briefly */
ngx_shm_zone_t *ngx_taskmgr_unread_zone_add(ngx_conf_t *cf);
void ngx_taskmgr_unread_changed(ngx_taskmgr_ctx_t *ctx, const char *pk);
ngx_atomic_uint_t ngx_taskmgr_unread_generation(ngx_taskmgr_ctx_t *ctx,
    const char *pk);
ngx_int_t ngx_taskmgr_unread_cached(ngx_taskmgr_ctx_t *ctx, const char *pk,
    ngx_str_t *page, ngx_uint_t *count);
void ngx_taskmgr_unread_remember(ngx_taskmgr_ctx_t *ctx, const char *pk,
    ngx_atomic_uint_t gen, ngx_str_t *page, ngx_uint_t count);

/* ngx_taskmgr_metrics.c: counters for operators, variables for logs */
#define NGX_TASKMGR_JWKS_OK           0
#define NGX_TASKMGR_JWKS_ERROR        1
#define NGX_TASKMGR_REVOKE_HIT        2
#define NGX_TASKMGR_REVOKE_MISS       3
#define NGX_TASKMGR_TOKEN_HIT         4
#define NGX_TASKMGR_TOKEN_MISS        5
#define NGX_TASKMGR_PUBLISH_OK        6
#define NGX_TASKMGR_PUBLISH_ERROR     7
#define NGX_TASKMGR_EVENTS            8
ngx_shm_zone_t *ngx_taskmgr_metrics_zone_add(ngx_conf_t *cf);
ngx_int_t ngx_taskmgr_metrics_init(ngx_conf_t *cf,
    const ngx_taskmgr_route_t *const *tables, ngx_uint_t ntables);
ngx_int_t ngx_taskmgr_metrics_variables(ngx_conf_t *cf);
ngx_int_t ngx_taskmgr_metrics_handler(ngx_http_request_t *r);
void ngx_taskmgr_metrics_error(ngx_http_request_t *r, const char *code);
void ngx_taskmgr_metrics_event(ngx_taskmgr_main_conf_t *conf,
    ngx_uint_t event);
void ngx_taskmgr_metrics_call(ngx_taskmgr_ctx_t *ctx);

/* ngx_taskmgr_revoke.c: logged-out access tokens; next runs with
 * ctx->auth.revoked set */
ngx_shm_zone_t *ngx_taskmgr_revoke_zone_add(ngx_conf_t *cf, ngx_str_t *name,
    size_t size);
ngx_int_t ngx_taskmgr_revoke_check(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_revoke_record(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);
/* every session of sub signed in until now ends, but with keep set the
 * caller's */
ngx_int_t ngx_taskmgr_revoke_user(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *sub, ngx_uint_t keep,
    ngx_taskmgr_step_pt next);

/* ngx_taskmgr_password.c: the users service's password routes */
ngx_int_t ngx_taskmgr_password_forgot(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_password_reset(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_password_change(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_password_resend(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);

/* ngx_taskmgr_phone.c: the users service's phone verification routes */
ngx_int_t ngx_taskmgr_phone_verify(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_phone_confirm(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);

/* ngx_taskmgr_mfa.c: two-factor sign-in (TOTP) on Cognito's MFA; login
 * answers a SOFTWARE_TOKEN_MFA challenge with ngx_taskmgr_mfa_challenge,
 * and POST /api/users/login/mfa goes through ngx_taskmgr_mfa_login to
 * next, which finds RespondToAuthChallenge's reply in ctx->call.reply */
ngx_int_t ngx_taskmgr_mfa_setup(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_mfa_confirm(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_mfa_disable(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_mfa_challenge(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *email);
ngx_int_t ngx_taskmgr_mfa_login(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);

/* ngx_taskmgr_delete.c: DELETE /api/users/me, the account deleted (its
 * items by the scheduler) */
ngx_int_t ngx_taskmgr_delete_account(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);

/* ngx_taskmgr_export.c, ngx_taskmgr_calendar*.c: the users service's
 * export and calendar feed routes */
ngx_int_t ngx_taskmgr_export(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_calendar(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_calendar_mask(ngx_http_request_t *r);
ngx_int_t ngx_taskmgr_calendar_feed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);

/* the services' routes, named by their directives (ngx_taskmgr_module.c) */
extern const ngx_taskmgr_route_t  ngx_taskmgr_users_routes[];
extern const ngx_taskmgr_route_t  ngx_taskmgr_tasks_routes[];
extern const ngx_taskmgr_route_t  ngx_taskmgr_notifs_routes[];
ngx_int_t ngx_taskmgr_snooze(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx);
extern const ngx_taskmgr_route_t  ngx_taskmgr_health_routes[];
extern const ngx_taskmgr_route_t  ngx_taskmgr_events_routes[];

/* ngx_taskmgr_events.c: what the module publishes to the caller's own
 * channel (nchan) after a write succeeded; never fails the request */
void ngx_taskmgr_events_publish(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *event, ngx_taskmgr_text_t *data);
void ngx_taskmgr_events_item(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *event, const char *head, const char *name,
    ngx_taskmgr_write_pt write, const tm_ddb_item_t *item);
void ngx_taskmgr_events_json(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *event, json_t *obj);
ngx_int_t ngx_taskmgr_events_count(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *pk, ngx_taskmgr_step_pt next);
const char *ngx_taskmgr_events_unread(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_events_health(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);


#endif /* _NGX_TASKMGR_H_INCLUDED_ */
