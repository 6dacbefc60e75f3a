/*
 * The user pool's signing keys (JWKS), shared by the workers of a node.
 *
 * The JSON Cognito sent is kept in a shared memory zone, which nginx hands
 * on to the new workers of a reload: they verify tokens at once, also
 * while Cognito is down.  Each worker parses its own copy when the zone's
 * version moves (OpenSSL keys cannot live in shared memory).
 *
 * A fetch is wanted when a token names a kid none of the keys has (a key
 * rotation, or a forged token) or when no keys are held (a cold start).
 * One fetch at a time per node: a request that wants one while another
 * runs waits for it, looking at the zone on a short timer rather than
 * being woken, so a fetcher whose request is gone strands nobody.  Fetches
 * begin at most once per taskmgr_jwks_refresh per node while keys are
 * held, once a second while none are: Cognito is spared during an outage
 * and the keys come within a second of its return.  A failed fetch keeps
 * the keys held.
 */

#include "ngx_taskmgr.h"
#include "tm_jwt.h"


#define NGX_TASKMGR_JWKS_ZONE       (64 * 1024)
#define NGX_TASKMGR_JWKS_MAX        (16 * 1024)  /* JSON kept, bytes */
#define NGX_TASKMGR_JWKS_LOOK       25           /* ms between looks */
#define NGX_TASKMGR_JWKS_IN_FLIGHT  10           /* s a fetch may take */
#define NGX_TASKMGR_JWKS_RETRY      1            /* s between fetches while
                                                    no keys are held */


typedef struct {
    time_t                     began;      /* the last fetch began */
    time_t                     in_flight;  /* a fetch runs until; or 0 */
    ngx_uint_t                 version;    /* moves when the keys change */
    size_t                     len;
    u_char                     json[NGX_TASKMGR_JWKS_MAX];
} ngx_taskmgr_jwks_sh_t;


static ngx_int_t ngx_taskmgr_jwks_wait(ngx_http_request_t *r);
static void ngx_taskmgr_jwks_waited(ngx_http_request_t *r);
static ngx_int_t ngx_taskmgr_jwks_fetched(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_uint_t ngx_taskmgr_jwks_store(ngx_shm_zone_t *zone,
    ngx_str_t *json);


/* this worker's parsed copy of the zone's keys */
static tm_jwks_t   *ngx_taskmgr_jwks_held;
static ngx_uint_t   ngx_taskmgr_jwks_held_version;


ngx_shm_zone_t *
ngx_taskmgr_jwks_zone_add(ngx_conf_t *cf)
{
    ngx_str_t  name = ngx_string("taskmgr_jwks");

    return ngx_taskmgr_shm_add(cf, &name, NGX_TASKMGR_JWKS_ZONE,
                               sizeof(ngx_taskmgr_jwks_sh_t), NULL);
}


/*
 * The keys to verify with now, NULL when none are held; *version names
 * them (it moves when they change).  Parsed again when another worker
 * stored newer ones.
 */

tm_jwks_t *
ngx_taskmgr_jwks_keys(ngx_taskmgr_ctx_t *ctx, ngx_uint_t *version)
{
    char                      err[128];
    u_char                   *copy;
    size_t                    len;
    tm_jwks_t                *keys;
    ngx_uint_t                v;
    ngx_shmtx_t              *mutex;
    ngx_shm_zone_t           *zone;
    ngx_taskmgr_jwks_sh_t    *sh;

    zone = ctx->conf->jwks_zone;
    sh = zone->data;
    mutex = &((ngx_slab_pool_t *) zone->shm.addr)->mutex;

    /* read without the lock: a torn read costs one more look only */
    if (sh->version != ngx_taskmgr_jwks_held_version) {

        copy = ngx_alloc(NGX_TASKMGR_JWKS_MAX, ngx_cycle->log);
        if (copy == NULL) {
            goto done;
        }

        ngx_shmtx_lock(mutex);
        len = sh->len;
        v = sh->version;
        ngx_memcpy(copy, sh->json, len);
        ngx_shmtx_unlock(mutex);

        keys = tm_jwks_parse((char *) copy, len, err, sizeof(err));
        ngx_free(copy);

        if (keys == NULL) {
            /* checked before it was stored: cannot happen */
            ngx_log_error(NGX_LOG_ALERT, ngx_cycle->log, 0,
                          "taskmgr: the shared JWKS: %s", err);
            goto done;
        }

        tm_jwks_free(ngx_taskmgr_jwks_held);
        ngx_taskmgr_jwks_held = keys;
        ngx_taskmgr_jwks_held_version = v;
    }

done:

    *version = ngx_taskmgr_jwks_held_version;

    return ngx_taskmgr_jwks_held;
}


/*
 * Asks Cognito for the keys, or waits for the fetch under way, or (the
 * throttle) does neither; then runs next, which finds the keys there are
 * with ngx_taskmgr_jwks_keys().
 */

ngx_int_t
ngx_taskmgr_jwks_fetch(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    time_t                    now, gap;
    ngx_shmtx_t              *mutex;
    ngx_shm_zone_t           *zone;
    ngx_taskmgr_jwks_sh_t    *sh;

    zone = ctx->conf->jwks_zone;
    sh = zone->data;
    mutex = &((ngx_slab_pool_t *) zone->shm.addr)->mutex;
    now = ngx_time();

    ctx->auth.jwks_next = next;

    ngx_shmtx_lock(mutex);

    if (sh->in_flight > now) {
        ngx_shmtx_unlock(mutex);
        return ngx_taskmgr_jwks_wait(r);
    }

    gap = sh->len ? ctx->conf->jwks_refresh : NGX_TASKMGR_JWKS_RETRY;

    if (now - sh->began < gap) {
        ngx_shmtx_unlock(mutex);
        return next(r, ctx);
    }

    sh->began = now;
    sh->in_flight = now + NGX_TASKMGR_JWKS_IN_FLIGHT;

    ngx_shmtx_unlock(mutex);

    return ngx_taskmgr_http_get(r, ctx, &ctx->conf->jwks_uri, NULL, NULL,
                                "GetJwks", ngx_taskmgr_jwks_fetched);
}


/* the request sleeps on its connection's write timer, as limit_req's
 * delay does; it holds a reference meanwhile, as a subrequest would */

static ngx_int_t
ngx_taskmgr_jwks_wait(ngx_http_request_t *r)
{
    r->main->count++;
    r->write_event_handler = ngx_taskmgr_jwks_waited;
    ngx_add_timer(r->connection->write, NGX_TASKMGR_JWKS_LOOK);

    return NGX_DONE;
}


static void
ngx_taskmgr_jwks_waited(ngx_http_request_t *r)
{
    ngx_int_t           rc;
    ngx_event_t        *wev;
    ngx_taskmgr_ctx_t  *ctx;

    wev = r->connection->write;

    if (!wev->timedout) {
        /* the socket, not the timer */
        return;
    }

    wev->timedout = 0;
    r->main->count--;
    r->write_event_handler = ngx_http_request_empty_handler;

    ctx = ngx_http_get_module_ctx(r, ngx_taskmgr_module);

    rc = ngx_taskmgr_jwks_fetch(r, ctx, ctx->auth.jwks_next);

    if (rc != NGX_DONE) {
        ngx_http_finalize_request(r, rc);
    }
}


static ngx_int_t
ngx_taskmgr_jwks_fetched(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char                      err[128];
    tm_jwks_t                *keys;
    ngx_shmtx_t              *mutex;
    ngx_shm_zone_t           *zone;
    ngx_taskmgr_jwks_sh_t    *sh;

    zone = ctx->conf->jwks_zone;
    sh = zone->data;
    mutex = &((ngx_slab_pool_t *) zone->shm.addr)->mutex;
    keys = NULL;
    err[0] = '\0';

    if (ctx->call.status == NGX_HTTP_OK) {
        if (ctx->call.raw.len > NGX_TASKMGR_JWKS_MAX) {
            ngx_cpystrn((u_char *) err, (u_char *) "over 16 KiB",
                        sizeof(err));

        } else {
            keys = tm_jwks_parse((char *) ctx->call.raw.data,
                                 ctx->call.raw.len, err, sizeof(err));
        }
    }

    ngx_taskmgr_metrics_event(ctx->conf, keys ? NGX_TASKMGR_JWKS_OK
                                              : NGX_TASKMGR_JWKS_ERROR);

    if (keys) {
        tm_jwks_free(ngx_taskmgr_jwks_held);
        ngx_taskmgr_jwks_held = keys;
        ngx_taskmgr_jwks_held_version = ngx_taskmgr_jwks_store(zone,
                                                           &ctx->call.raw);

    } else {
        ngx_shmtx_lock(mutex);
        sh->in_flight = 0;
        ngx_shmtx_unlock(mutex);

        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "taskmgr cognito GetJwks failed (status %ui%s%s), "
                      "%s", ctx->call.status, err[0] ? ": " : "", err,
                      sh->len ? "keeping the keys held"
                                 : "no keys held");
    }

    return ctx->auth.jwks_next(r, ctx);
}


/* the zone's copy, which the other workers parse; its version */

static ngx_uint_t
ngx_taskmgr_jwks_store(ngx_shm_zone_t *zone, ngx_str_t *json)
{
    ngx_uint_t              v;
    ngx_shmtx_t            *mutex;
    ngx_taskmgr_jwks_sh_t  *sh;

    sh = zone->data;
    mutex = &((ngx_slab_pool_t *) zone->shm.addr)->mutex;

    ngx_shmtx_lock(mutex);

    if (sh->len != json->len
        || ngx_memcmp(sh->json, json->data, json->len) != 0)
    {
        ngx_memcpy(sh->json, json->data, json->len);
        sh->len = json->len;
        sh->version++;
    }

    sh->in_flight = 0;
    v = sh->version;

    ngx_shmtx_unlock(mutex);

    return v;
}
