/*
 * What operators read: the $taskmgr_route, $taskmgr_aws_calls,
 * $taskmgr_aws_ms and $taskmgr_error variables of the access log, and
 * counters in a shared memory zone (taskmgr_metrics) that a
 * taskmgr_metrics location answers in Prometheus text format.
 *
 * Requests are counted in the log phase, so every answer counts, nginx's
 * own errors sent through the module's error locations too.  Counters are
 * fixed arrays indexed by route and operation, added to atomically: no
 * lock, no allocation per request.  The zone outlives a reload, so do the
 * counters (unless the routes or operations changed: then they start
 * again).
 */

#include "ngx_taskmgr.h"
#include "tm_aws.h"


#define NGX_TASKMGR_METRICS_ZONE    (64 * 1024)
#define NGX_TASKMGR_ROUTES_MAX      48     /* route ids 1..; 0: none */
#define NGX_TASKMGR_CLASSES         6      /* other, 1xx .. 5xx */
#define NGX_TASKMGR_BUCKETS         11     /* the last: +Inf */
#define NGX_TASKMGR_LINE            192    /* bytes an exposed line needs */

/* a backend call's outcome, as ngx_taskmgr_outcomes[] names it */
#define NGX_TASKMGR_CALL_OK          0
#define NGX_TASKMGR_CALL_ERROR       1
#define NGX_TASKMGR_CALL_THROTTLED   2
#define NGX_TASKMGR_CALL_TIMEOUT     3
#define NGX_TASKMGR_CALL_UNREACHED   4
#define NGX_TASKMGR_OUTCOMES         5

/* the variables' data */
#define NGX_TASKMGR_VAR_ROUTE        0
#define NGX_TASKMGR_VAR_CALLS        1
#define NGX_TASKMGR_VAR_MS           2
#define NGX_TASKMGR_VAR_ERROR        3


typedef struct {
    const char                *backend;
    const char                *op;
} ngx_taskmgr_op_t;


/* every operation the module calls; an unknown one counts as its
 * backend's "other" (the last two) */
static const ngx_taskmgr_op_t  ngx_taskmgr_ops[] = {
    { "dynamodb", "GetItem" },
    { "dynamodb", "BatchGetItem" },
    { "dynamodb", "PutItem" },
    { "dynamodb", "UpdateItem" },
    { "dynamodb", "DeleteItem" },
    { "dynamodb", "Query" },
    { "dynamodb", "DescribeTable" },
    { "cognito", "SignUp" },
    { "cognito", "AdminConfirmSignUp" },
    { "cognito", "ConfirmSignUp" },
    { "cognito", "AdminDeleteUser" },
    { "cognito", "InitiateAuth" },
    { "cognito", "RevokeToken" },
    { "cognito", "ForgotPassword" },
    { "cognito", "ConfirmForgotPassword" },
    { "cognito", "ChangePassword" },
    { "cognito", "ResendConfirmationCode" },
    { "cognito", "AdminGetUser" },
    { "cognito", "GetJwks" },
    { "credentials", "GetCredentials" },
    { "dynamodb", "other" },
    { "cognito", "other" }
};

#define NGX_TASKMGR_OPS                                                       \
    (sizeof(ngx_taskmgr_ops) / sizeof(ngx_taskmgr_ops[0]))

static const char  *ngx_taskmgr_outcomes[NGX_TASKMGR_OUTCOMES] = {
    "ok", "error", "throttled", "timeout", "unreachable"
};

static const char  *ngx_taskmgr_classes[NGX_TASKMGR_CLASSES] = {
    "other", "1xx", "2xx", "3xx", "4xx", "5xx"
};

/* upper bounds in ms, and as Prometheus writes them, in seconds */
static const ngx_msec_t  ngx_taskmgr_bounds[NGX_TASKMGR_BUCKETS - 1] = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000
};

static const char  *ngx_taskmgr_le[NGX_TASKMGR_BUCKETS] = {
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5",
    "5", "+Inf"
};

static const char  *ngx_taskmgr_events[NGX_TASKMGR_EVENTS][2] = {
    { "taskmgr_jwks_fetches_total", "outcome=\"ok\"" },
    { "taskmgr_jwks_fetches_total", "outcome=\"error\"" },
    { "taskmgr_revocation_cache_lookups_total", "result=\"hit\"" },
    { "taskmgr_revocation_cache_lookups_total", "result=\"miss\"" },
    { "taskmgr_token_cache_lookups_total", "result=\"hit\"" },
    { "taskmgr_token_cache_lookups_total", "result=\"miss\"" }
};


typedef struct {
    ngx_uint_t                 tag;        /* the layout counted with */
    ngx_atomic_t               requests[NGX_TASKMGR_ROUTES_MAX + 1]
                                       [NGX_TASKMGR_CLASSES];
    ngx_atomic_t               latency[NGX_TASKMGR_ROUTES_MAX + 1]
                                      [NGX_TASKMGR_BUCKETS];
    ngx_atomic_t               latency_ms[NGX_TASKMGR_ROUTES_MAX + 1];
    ngx_atomic_t               calls[NGX_TASKMGR_OPS][NGX_TASKMGR_OUTCOMES];
    ngx_atomic_t               calls_ms[NGX_TASKMGR_OPS];
    ngx_atomic_t               events[NGX_TASKMGR_EVENTS];
} ngx_taskmgr_metrics_sh_t;


static ngx_int_t ngx_taskmgr_metrics_init_zone(ngx_shm_zone_t *zone,
    void *data);
static ngx_taskmgr_metrics_sh_t *ngx_taskmgr_metrics_sh(
    ngx_http_request_t *r);
static ngx_uint_t ngx_taskmgr_route_id(const ngx_taskmgr_route_t *rt);
static ngx_taskmgr_tally_t *ngx_taskmgr_tally(ngx_http_request_t *r);
static ngx_int_t ngx_taskmgr_metrics_log(ngx_http_request_t *r);
static u_char *ngx_taskmgr_metrics_requests(u_char *p,
    ngx_taskmgr_metrics_sh_t *sh);
static u_char *ngx_taskmgr_metrics_latency(u_char *p,
    ngx_taskmgr_metrics_sh_t *sh);
static u_char *ngx_taskmgr_metrics_calls(u_char *p,
    ngx_taskmgr_metrics_sh_t *sh);
static u_char *ngx_taskmgr_metrics_events(u_char *p,
    ngx_taskmgr_metrics_sh_t *sh);
static ngx_int_t ngx_taskmgr_route_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_taskmgr_tally_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


/* the routes of this configuration: their entries and path templates
 * ("/api/tasks/{id}"), by id */
static const ngx_taskmgr_route_t  *ngx_taskmgr_route_entry[
                                       NGX_TASKMGR_ROUTES_MAX + 1];
static ngx_str_t    ngx_taskmgr_route_name[NGX_TASKMGR_ROUTES_MAX + 1];
static ngx_uint_t   ngx_taskmgr_nroutes;
static ngx_uint_t   ngx_taskmgr_layout;


ngx_shm_zone_t *
ngx_taskmgr_metrics_zone_add(ngx_conf_t *cf)
{
    ngx_str_t        name = ngx_string("taskmgr_metrics");
    ngx_shm_zone_t  *zone;

    zone = ngx_shared_memory_add(cf, &name, NGX_TASKMGR_METRICS_ZONE,
                                 &ngx_taskmgr_module);
    if (zone == NULL) {
        return NULL;
    }

    zone->init = ngx_taskmgr_metrics_init_zone;

    return zone;
}


/* zone->data is the counters once the zone is made; data the old
 * cycle's, on a reload */

static ngx_int_t
ngx_taskmgr_metrics_init_zone(ngx_shm_zone_t *zone, void *data)
{
    ngx_taskmgr_metrics_sh_t  *osh = data;

    ngx_slab_pool_t           *shpool;
    ngx_taskmgr_metrics_sh_t  *sh;

    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    if (osh && osh->tag == ngx_taskmgr_layout) {
        /* a reload: the counts go on */
        zone->data = osh;
        return NGX_OK;
    }

    if (zone->shm.exists) {
        sh = shpool->data;

    } else {
        sh = ngx_slab_calloc(shpool, sizeof(ngx_taskmgr_metrics_sh_t));
        if (sh == NULL) {
            return NGX_ERROR;
        }

        shpool->data = sh;
        shpool->log_ctx = (u_char *) " in taskmgr metrics zone";
    }

    if (sh->tag != ngx_taskmgr_layout) {
        /* other routes or operations than the counts were kept for */
        ngx_memzero(sh, sizeof(ngx_taskmgr_metrics_sh_t));
        sh->tag = ngx_taskmgr_layout;
    }

    zone->data = sh;

    return NGX_OK;
}


/*
 * postconfiguration: numbers the routes of the service tables (the
 * caller's, so that this file needs none of theirs) and adds the log
 * phase handler
 */

ngx_int_t
ngx_taskmgr_metrics_init(ngx_conf_t *cf,
    const ngx_taskmgr_route_t *const *tables, ngx_uint_t ntables)
{
    u_char                     *p, *op;
    ngx_uint_t                  i, n;
    ngx_http_handler_pt        *h;
    const ngx_taskmgr_route_t  *rt;
    ngx_http_core_main_conf_t  *cmcf;

    n = 0;
    ngx_str_set(&ngx_taskmgr_route_name[0], "none");
    ngx_taskmgr_layout = sizeof(ngx_taskmgr_metrics_sh_t);

    for (i = 0; i < ntables; i++) {
        for (rt = tables[i]; rt->path.len; rt++) {

            if (++n > NGX_TASKMGR_ROUTES_MAX) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "taskmgr: more than %d routes",
                                   NGX_TASKMGR_ROUTES_MAX);
                return NGX_ERROR;
            }

            p = ngx_pnalloc(cf->pool, rt->path.len + sizeof("{id}"));
            if (p == NULL) {
                return NGX_ERROR;
            }

            ngx_taskmgr_route_entry[n] = rt;
            ngx_taskmgr_route_name[n].data = p;
            p = ngx_cpymem(p, rt->path.data, rt->path.len);

            if (rt->path.data[rt->path.len - 1] == '/') {
                p = ngx_cpymem(p, "{id}", sizeof("{id}") - 1);
            }

            ngx_taskmgr_route_name[n].len = p - ngx_taskmgr_route_name[n].data;
            ngx_taskmgr_layout = ngx_hash(ngx_taskmgr_layout,
                                          ngx_hash_key(rt->path.data,
                                                       rt->path.len));
        }
    }

    ngx_taskmgr_nroutes = n;

    for (i = 0; i < NGX_TASKMGR_OPS; i++) {
        op = (u_char *) ngx_taskmgr_ops[i].op;
        ngx_taskmgr_layout = ngx_hash(ngx_taskmgr_layout,
                                      ngx_hash_key(op, ngx_strlen(op)));
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_taskmgr_metrics_log;

    return NGX_OK;
}


static ngx_taskmgr_metrics_sh_t *
ngx_taskmgr_metrics_sh(ngx_http_request_t *r)
{
    ngx_taskmgr_main_conf_t  *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_taskmgr_module);

    if (mcf == NULL || mcf->metrics_zone == NULL) {
        return NULL;
    }

    return mcf->metrics_zone->data;
}


static ngx_uint_t
ngx_taskmgr_route_id(const ngx_taskmgr_route_t *rt)
{
    ngx_uint_t  i;

    for (i = 1; rt && i <= ngx_taskmgr_nroutes; i++) {
        if (ngx_taskmgr_route_entry[i] == rt) {
            return i;
        }
    }

    return 0;
}


/* what this request did, kept in its ctx (made bare for a request that
 * reached no route) */

static ngx_taskmgr_tally_t *
ngx_taskmgr_tally(ngx_http_request_t *r)
{
    ngx_taskmgr_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_taskmgr_module);

    if (ctx == NULL) {
        ctx = ngx_pcalloc(r->main->pool, sizeof(ngx_taskmgr_ctx_t));
        if (ctx == NULL) {
            return NULL;
        }

        ctx->conf = ngx_http_get_module_main_conf(r, ngx_taskmgr_module);
        ngx_http_set_ctx(r->main, ctx, ngx_taskmgr_module);
    }

    return &ctx->tally;
}


void
ngx_taskmgr_metrics_error(ngx_http_request_t *r, const char *code)
{
    ngx_taskmgr_tally_t  *t;

    t = ngx_taskmgr_tally(r);

    if (t) {
        t->error = code;
    }
}


void
ngx_taskmgr_metrics_event(ngx_taskmgr_main_conf_t *conf, ngx_uint_t event)
{
    ngx_taskmgr_metrics_sh_t  *sh;

    if (conf->metrics_zone == NULL || conf->metrics_zone->data == NULL) {
        return;
    }

    sh = conf->metrics_zone->data;

    (void) ngx_atomic_fetch_add(&sh->events[event], 1);
}


/*
 * A backend call's outcome is known (ngx_taskmgr_call.c): counted by
 * operation and outcome, its time added to the request's and the
 * operation's
 */

void
ngx_taskmgr_metrics_call(ngx_taskmgr_ctx_t *ctx)
{
    ngx_uint_t                 i, o;
    ngx_msec_int_t             ms;
    ngx_taskmgr_metrics_sh_t  *sh;

    ms = (ngx_msec_int_t) (ngx_current_msec - ctx->call.start);
    if (ms < 0) {
        ms = 0;
    }

    ctx->tally.calls++;
    ctx->tally.ms += ms;

    if (ctx->conf->metrics_zone == NULL
        || ctx->conf->metrics_zone->data == NULL)
    {
        return;
    }

    sh = ctx->conf->metrics_zone->data;

    for (i = 0; i < NGX_TASKMGR_OPS - 2; i++) {
        if (ngx_strcmp(ngx_taskmgr_ops[i].op, ctx->call.op) == 0) {
            break;
        }
    }

    if (i == NGX_TASKMGR_OPS - 2) {
        i += (ctx->call.backend == NGX_TASKMGR_COGNITO);
    }

    if (ctx->call.error) {
        o = (tm_aws_error_class(ctx->call.error) == TM_AWS_THROTTLED)
            ? NGX_TASKMGR_CALL_THROTTLED : NGX_TASKMGR_CALL_ERROR;

    } else if (ctx->call.status >= 200 && ctx->call.status < 300) {
        o = NGX_TASKMGR_CALL_OK;

    } else if (ctx->call.status == NGX_HTTP_GATEWAY_TIME_OUT) {
        o = NGX_TASKMGR_CALL_TIMEOUT;

    } else if (ctx->call.status == 0
               || ctx->call.status == NGX_HTTP_BAD_GATEWAY)
    {
        /* no answer, or the circuit open: nothing was sent */
        o = NGX_TASKMGR_CALL_UNREACHED;

    } else {
        o = NGX_TASKMGR_CALL_ERROR;
    }

    (void) ngx_atomic_fetch_add(&sh->calls[i][o], 1);
    (void) ngx_atomic_fetch_add(&sh->calls_ms[i], ms);
}


/* the log phase: every request, whatever answered it */

static ngx_int_t
ngx_taskmgr_metrics_log(ngx_http_request_t *r)
{
    ngx_uint_t                 id, c, b, status;
    ngx_time_t                *tp;
    ngx_msec_int_t             ms;
    ngx_taskmgr_ctx_t         *ctx;
    ngx_taskmgr_metrics_sh_t  *sh;

    if (r != r->main) {
        return NGX_OK;
    }

    sh = ngx_taskmgr_metrics_sh(r);
    if (sh == NULL) {
        return NGX_OK;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_taskmgr_module);
    id = ngx_taskmgr_route_id(ctx ? ctx->route : NULL);

    status = r->err_status ? r->err_status : r->headers_out.status;
    c = status / 100;
    if (c >= NGX_TASKMGR_CLASSES) {
        c = 0;
    }

    tp = ngx_timeofday();
    ms = (ngx_msec_int_t) ((tp->sec - r->start_sec) * 1000
                           + (tp->msec - r->start_msec));
    if (ms < 0) {
        ms = 0;
    }

    for (b = 0; b < NGX_TASKMGR_BUCKETS - 1; b++) {
        if ((ngx_msec_t) ms <= ngx_taskmgr_bounds[b]) {
            break;
        }
    }

    (void) ngx_atomic_fetch_add(&sh->requests[id][c], 1);
    (void) ngx_atomic_fetch_add(&sh->latency[id][b], 1);
    (void) ngx_atomic_fetch_add(&sh->latency_ms[id], ms);

    return NGX_OK;
}


/* the content handler of a taskmgr_metrics location */

ngx_int_t
ngx_taskmgr_metrics_handler(ngx_http_request_t *r)
{
    u_char                    *p;
    size_t                     size;
    ngx_int_t                  rc;
    ngx_buf_t                 *b;
    ngx_chain_t                out;
    ngx_taskmgr_metrics_sh_t  *sh;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    sh = ngx_taskmgr_metrics_sh(r);
    if (sh == NULL) {
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    /* every line there could be, and the HELP and TYPE lines */
    size = NGX_TASKMGR_LINE
           * ((ngx_taskmgr_nroutes + 1)
              * (NGX_TASKMGR_CLASSES + NGX_TASKMGR_BUCKETS + 2)
              + NGX_TASKMGR_OPS * (NGX_TASKMGR_OUTCOMES + 1)
              + NGX_TASKMGR_EVENTS + 20);

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_taskmgr_metrics_requests(b->last, sh);
    p = ngx_taskmgr_metrics_latency(p, sh);
    p = ngx_taskmgr_metrics_calls(p, sh);
    b->last = ngx_taskmgr_metrics_events(p, sh);

    b->last_buf = (r == r->main);
    b->last_in_chain = 1;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;
    ngx_str_set(&r->headers_out.content_type,
                "text/plain; version=0.0.4; charset=utf-8");
    r->headers_out.content_type_len = sizeof("text/plain") - 1;

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/* a series shows once it has counted something */

static u_char *
ngx_taskmgr_metrics_requests(u_char *p, ngx_taskmgr_metrics_sh_t *sh)
{
    ngx_uint_t  id, c, n;

    p = ngx_sprintf(p, "# HELP taskmgr_http_requests_total Requests "
                    "answered, by route and status class.\n"
                    "# TYPE taskmgr_http_requests_total counter\n");

    for (id = 0; id <= ngx_taskmgr_nroutes; id++) {
        for (c = 0; c < NGX_TASKMGR_CLASSES; c++) {
            n = sh->requests[id][c];

            if (n) {
                p = ngx_sprintf(p, "taskmgr_http_requests_total{route=\"%V\","
                                "status=\"%s\"} %ui\n",
                                &ngx_taskmgr_route_name[id],
                                ngx_taskmgr_classes[c], n);
            }
        }
    }

    return p;
}


/* the buckets read once, the count their sum: +Inf is the count even
 * while other workers add */

static u_char *
ngx_taskmgr_metrics_latency(u_char *p, ngx_taskmgr_metrics_sh_t *sh)
{
    ngx_uint_t  id, b, n[NGX_TASKMGR_BUCKETS], count, ms;

    p = ngx_sprintf(p, "# HELP taskmgr_http_request_duration_seconds "
                    "Request time, by route.\n"
                    "# TYPE taskmgr_http_request_duration_seconds "
                    "histogram\n");

    for (id = 0; id <= ngx_taskmgr_nroutes; id++) {
        count = 0;

        for (b = 0; b < NGX_TASKMGR_BUCKETS; b++) {
            n[b] = sh->latency[id][b];
            count += n[b];
        }

        if (count == 0) {
            continue;
        }

        ms = sh->latency_ms[id];
        count = 0;

        for (b = 0; b < NGX_TASKMGR_BUCKETS; b++) {
            count += n[b];
            p = ngx_sprintf(p, "taskmgr_http_request_duration_seconds_bucket"
                            "{route=\"%V\",le=\"%s\"} %ui\n",
                            &ngx_taskmgr_route_name[id], ngx_taskmgr_le[b],
                            count);
        }

        p = ngx_sprintf(p, "taskmgr_http_request_duration_seconds_sum"
                        "{route=\"%V\"} %ui.%03ui\n"
                        "taskmgr_http_request_duration_seconds_count"
                        "{route=\"%V\"} %ui\n",
                        &ngx_taskmgr_route_name[id], ms / 1000, ms % 1000,
                        &ngx_taskmgr_route_name[id], count);
    }

    return p;
}


static u_char *
ngx_taskmgr_metrics_calls(u_char *p, ngx_taskmgr_metrics_sh_t *sh)
{
    ngx_uint_t  i, o, n, ms;

    p = ngx_sprintf(p, "# HELP taskmgr_aws_calls_total Backend calls, by "
                    "backend, operation and outcome.\n"
                    "# TYPE taskmgr_aws_calls_total counter\n");

    for (i = 0; i < NGX_TASKMGR_OPS; i++) {
        for (o = 0; o < NGX_TASKMGR_OUTCOMES; o++) {
            n = sh->calls[i][o];

            if (n) {
                p = ngx_sprintf(p, "taskmgr_aws_calls_total{backend=\"%s\","
                                "op=\"%s\",outcome=\"%s\"} %ui\n",
                                ngx_taskmgr_ops[i].backend,
                                ngx_taskmgr_ops[i].op,
                                ngx_taskmgr_outcomes[o], n);
            }
        }
    }

    p = ngx_sprintf(p, "# HELP taskmgr_aws_call_seconds_total Time spent "
                    "in backend calls, by backend and operation.\n"
                    "# TYPE taskmgr_aws_call_seconds_total counter\n");

    for (i = 0; i < NGX_TASKMGR_OPS; i++) {
        n = 0;

        for (o = 0; o < NGX_TASKMGR_OUTCOMES; o++) {
            n += sh->calls[i][o];
        }

        if (n) {
            ms = sh->calls_ms[i];
            p = ngx_sprintf(p, "taskmgr_aws_call_seconds_total"
                            "{backend=\"%s\",op=\"%s\"} %ui.%03ui\n",
                            ngx_taskmgr_ops[i].backend,
                            ngx_taskmgr_ops[i].op, ms / 1000, ms % 1000);
        }
    }

    return p;
}


/* always shown: a handful of series */

static u_char *
ngx_taskmgr_metrics_events(u_char *p, ngx_taskmgr_metrics_sh_t *sh)
{
    ngx_uint_t  e;

    static const char  *help[] = {
        "JWKS fetches from Cognito, by outcome.",
        "Revocation cache look-ups (a miss reads DynamoDB).",
        "Verified-token cache look-ups (a miss verifies the signature)."
    };

    for (e = 0; e < NGX_TASKMGR_EVENTS; e++) {
        if (e % 2 == 0) {
            p = ngx_sprintf(p, "# HELP %s %s\n# TYPE %s counter\n",
                            ngx_taskmgr_events[e][0], help[e / 2],
                            ngx_taskmgr_events[e][0]);
        }

        p = ngx_sprintf(p, "%s{%s} %ui\n", ngx_taskmgr_events[e][0],
                        ngx_taskmgr_events[e][1],
                        (ngx_uint_t) sh->events[e]);
    }

    return p;
}


/*
 * $taskmgr_route (the route's template, or empty), $taskmgr_aws_calls,
 * $taskmgr_aws_ms and $taskmgr_error (the code of the module's error
 * reply, or empty), for log_format
 */

ngx_int_t
ngx_taskmgr_metrics_variables(ngx_conf_t *cf)
{
    ngx_uint_t            i;
    ngx_http_variable_t  *var;

    static ngx_str_t  names[] = {
        ngx_string("taskmgr_route"),
        ngx_string("taskmgr_aws_calls"),
        ngx_string("taskmgr_aws_ms"),
        ngx_string("taskmgr_error")
    };

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        var = ngx_http_add_variable(cf, &names[i], NGX_HTTP_VAR_NOCACHEABLE);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = (i == NGX_TASKMGR_VAR_ROUTE)
                           ? ngx_taskmgr_route_variable
                           : ngx_taskmgr_tally_variable;
        var->data = i;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_taskmgr_route_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_uint_t          id;
    ngx_taskmgr_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_taskmgr_module);
    id = ngx_taskmgr_route_id(ctx ? ctx->route : NULL);

    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    if (id == 0) {
        v->len = 0;
        v->data = (u_char *) "";
        return NGX_OK;
    }

    v->len = ngx_taskmgr_route_name[id].len;
    v->data = ngx_taskmgr_route_name[id].data;

    return NGX_OK;
}


static ngx_int_t
ngx_taskmgr_tally_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char             *p;
    ngx_taskmgr_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_taskmgr_module);

    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    if (data == NGX_TASKMGR_VAR_ERROR) {
        p = (u_char *) ((ctx && ctx->tally.error) ? ctx->tally.error : "");
        v->len = ngx_strlen(p);
        v->data = p;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->data = p;
    v->len = ngx_sprintf(p, "%ui", ctx == NULL ? 0
                                   : (data == NGX_TASKMGR_VAR_CALLS)
                                     ? ctx->tally.calls
                                   : (ngx_uint_t) ctx->tally.ms)
             - p;

    return NGX_OK;
}
