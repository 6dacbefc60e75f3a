/*
 * Logged-out access tokens.  Logout writes a record REVOKED_<jti> into the
 * table (NotificationExpiry = the token's exp, so DynamoDB's TTL drops it)
 * so that every nginx node refuses the token; each node keeps what it
 * learnt in a shared memory zone: "revoked" until the token's exp, "not
 * revoked" for taskmgr_revocation_cache seconds.  Records of expired
 * tokens are never consulted: such tokens fail the exp check first.
 */

#include "ngx_taskmgr.h"
#include "tm_ddb.h"
#include "tm_jwt.h"


#define NGX_TASKMGR_JTI_MAX  128


typedef struct {
    u_char                     color;
    u_char                     revoked;
    u_char                     len;
    u_char                     pad;
    ngx_queue_t                queue;
    time_t                     expires;    /* the token's exp */
    time_t                     fresh;      /* "not revoked" holds until */
    u_char                     jti[1];
} ngx_taskmgr_revoke_node_t;


typedef struct {
    ngx_rbtree_t               rbtree;
    ngx_rbtree_node_t          sentinel;
    ngx_queue_t                queue;      /* most recently used first */
    ngx_uint_t                 full_logged;  /* said once per zone */
} ngx_taskmgr_revoke_sh_t;


typedef struct {
    ngx_taskmgr_revoke_sh_t   *sh;
    ngx_slab_pool_t           *shpool;
} ngx_taskmgr_revoke_zone_t;


static ngx_int_t ngx_taskmgr_revoke_fresh(ngx_shm_zone_t *zone);
static void ngx_taskmgr_revoke_view(ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_revoke_zone_t *z);
static ngx_int_t ngx_taskmgr_revoke_checked(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_revoke_recorded(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static json_t *ngx_taskmgr_revoke_key(ngx_taskmgr_ctx_t *ctx);
static ngx_str_t ngx_taskmgr_revoke_id(ngx_taskmgr_ctx_t *ctx);
static ngx_taskmgr_revoke_node_t *ngx_taskmgr_revoke_lookup(
    ngx_taskmgr_revoke_zone_t *z, ngx_str_t *jti, uint32_t hash);
static void ngx_taskmgr_revoke_store(ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t revoked, time_t fresh);
static void ngx_taskmgr_revoke_full(ngx_taskmgr_revoke_zone_t *z,
    ngx_uint_t full);
static void ngx_taskmgr_revoke_expire(ngx_taskmgr_revoke_zone_t *z,
    ngx_uint_t all);
static void ngx_taskmgr_revoke_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);


ngx_shm_zone_t *
ngx_taskmgr_revoke_zone_add(ngx_conf_t *cf, ngx_str_t *name, size_t size)
{
    return ngx_taskmgr_shm_add(cf, name, size,
                               sizeof(ngx_taskmgr_revoke_sh_t),
                               ngx_taskmgr_revoke_fresh);
}


static ngx_int_t
ngx_taskmgr_revoke_fresh(ngx_shm_zone_t *zone)
{
    ngx_slab_pool_t          *shpool;
    ngx_taskmgr_revoke_sh_t  *sh;

    sh = zone->data;
    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    ngx_rbtree_init(&sh->rbtree, &sh->sentinel,
                    ngx_taskmgr_revoke_insert_value);
    ngx_queue_init(&sh->queue);

    /* a full zone is said once (ngx_taskmgr_revoke_full), not per try */
    shpool->log_nomem = 0;
    shpool->log_ctx = (u_char *) " in taskmgr revocation zone";

    return NGX_OK;
}


/* the zone as the functions here use it */

static void
ngx_taskmgr_revoke_view(ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_revoke_zone_t *z)
{
    z->sh = ctx->conf->revocation_zone->data;
    z->shpool = (ngx_slab_pool_t *) ctx->conf->revocation_zone->shm.addr;
}


/* runs next with ctx->auth.revoked: was the caller's token logged out?  The
 * verdict is auth.c's to act on */

ngx_int_t
ngx_taskmgr_revoke_check(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    time_t                      now;
    uint32_t                    hash;
    ngx_str_t                   jti;
    ngx_int_t                   known;
    ngx_uint_t                  revoked;
    ngx_taskmgr_revoke_node_t  *node;
    ngx_taskmgr_revoke_zone_t  *z, zv;

    ngx_taskmgr_revoke_view(ctx, &zv);
    z = &zv;
    jti = ngx_taskmgr_revoke_id(ctx);
    hash = ngx_crc32_short(jti.data, jti.len);
    now = ngx_time();
    known = 0;
    revoked = 0;

    ngx_shmtx_lock(&z->shpool->mutex);

    node = ngx_taskmgr_revoke_lookup(z, &jti, hash);

    if (node && (node->revoked || node->fresh > now)) {
        known = 1;
        revoked = node->revoked;
        ngx_queue_remove(&node->queue);
        ngx_queue_insert_head(&z->sh->queue, &node->queue);
    }

    ngx_shmtx_unlock(&z->shpool->mutex);

    ctx->auth.revoke_next = next;

    ngx_taskmgr_metrics_event(ctx->conf, known ? NGX_TASKMGR_REVOKE_HIT
                                               : NGX_TASKMGR_REVOKE_MISS);

    if (known) {
        ctx->auth.revoked = revoked;
        return next(r, ctx);
    }

    return ngx_taskmgr_ddb_get(r, ctx, ngx_taskmgr_revoke_key(ctx), 1, NULL,
                               ngx_taskmgr_revoke_checked);
}


static ngx_int_t
ngx_taskmgr_revoke_checked(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t  *item;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    item = json_object_get(ctx->call.reply, "Item");

    if (item) {
        ngx_taskmgr_revoke_store(ctx, 1, 0);
        ctx->auth.revoked = 1;
        return ctx->auth.revoke_next(r, ctx);
    }

    ngx_taskmgr_revoke_store(ctx, 0,
                             ngx_time() + ctx->conf->revocation_cache);

    return ctx->auth.revoke_next(r, ctx);
}


/* logout: this node refuses the token at once, the others once the record
 * is written and their cached "not revoked" has aged out */

ngx_int_t
ngx_taskmgr_revoke_record(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    json_t  *item;

    ngx_taskmgr_revoke_store(ctx, 1, 0);

    item = ngx_taskmgr_revoke_key(ctx);
    if (item) {
        json_object_set_new(item, "NotificationExpiry",
                            tm_ddb_n((long long) ctx->auth.exp));
        json_object_set_new(item, "Sub", tm_ddb_s(ctx->auth.sub));
    }

    ctx->auth.revoke_next = next;

    return ngx_taskmgr_ddb(r, ctx, "PutItem",
                           item ? json_pack("{s:s, s:o}",
                                            "TableName",
                                            ctx->conf->table.data,
                                            "Item", item)
                                : NULL,
                           ngx_taskmgr_revoke_recorded);
}


static ngx_int_t
ngx_taskmgr_revoke_recorded(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    return ctx->auth.revoke_next(r, ctx);
}


static json_t *
ngx_taskmgr_revoke_key(ngx_taskmgr_ctx_t *ctx)
{
    char       key[sizeof("REVOKED_") + NGX_TASKMGR_JTI_MAX];
    ngx_str_t  jti;

    jti = ngx_taskmgr_revoke_id(ctx);

    ngx_sprintf((u_char *) key, "REVOKED_%V%Z", &jti);

    return tm_ddb_key(key, key);
}


/* the token's jti, or its signature when it has none */

static ngx_str_t
ngx_taskmgr_revoke_id(ngx_taskmgr_ctx_t *ctx)
{
    u_char     *dot;
    ngx_str_t   id;

    if (ctx->auth.jti && *ctx->auth.jti) {
        id.data = (u_char *) ctx->auth.jti;
        id.len = ngx_strlen(ctx->auth.jti);

    } else {
        dot = ctx->auth.token.data + ctx->auth.token.len;
        while (dot > ctx->auth.token.data && dot[-1] != '.') {
            dot--;
        }

        id.data = dot;
        id.len = ctx->auth.token.data + ctx->auth.token.len - dot;
    }

    if (id.len > NGX_TASKMGR_JTI_MAX) {
        id.len = NGX_TASKMGR_JTI_MAX;
    }

    return id;
}


static ngx_taskmgr_revoke_node_t *
ngx_taskmgr_revoke_lookup(ngx_taskmgr_revoke_zone_t *z, ngx_str_t *jti,
    uint32_t hash)
{
    ngx_int_t                   rc;
    ngx_rbtree_node_t          *node, *sentinel;
    ngx_taskmgr_revoke_node_t  *rn;

    node = z->sh->rbtree.root;
    sentinel = z->sh->rbtree.sentinel;

    while (node != sentinel) {

        if (hash < node->key) {
            node = node->left;
            continue;
        }

        if (hash > node->key) {
            node = node->right;
            continue;
        }

        rn = (ngx_taskmgr_revoke_node_t *) &node->color;

        rc = ngx_memn2cmp(jti->data, rn->jti, jti->len, (size_t) rn->len);

        if (rc == 0) {
            return rn;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


static void
ngx_taskmgr_revoke_store(ngx_taskmgr_ctx_t *ctx, ngx_uint_t revoked,
    time_t fresh)
{
    size_t                      size;
    uint32_t                    hash;
    ngx_str_t                   jti;
    ngx_uint_t                  tries, full;
    ngx_rbtree_node_t          *node;
    ngx_taskmgr_revoke_node_t  *rn;
    ngx_taskmgr_revoke_zone_t  *z, zv;

    ngx_taskmgr_revoke_view(ctx, &zv);
    z = &zv;
    jti = ngx_taskmgr_revoke_id(ctx);
    hash = ngx_crc32_short(jti.data, jti.len);
    full = 0;

    ngx_shmtx_lock(&z->shpool->mutex);

    ngx_taskmgr_revoke_expire(z, 0);

    rn = ngx_taskmgr_revoke_lookup(z, &jti, hash);

    if (rn == NULL) {
        size = offsetof(ngx_rbtree_node_t, color)
               + offsetof(ngx_taskmgr_revoke_node_t, jti) + jti.len;

        for (tries = 0; tries < 8; tries++) {
            node = ngx_slab_alloc_locked(z->shpool, size);
            if (node) {
                break;
            }

            /* full: make room by dropping the least recently used */
            ngx_taskmgr_revoke_expire(z, 1);
        }

        /* an operator should size the zone for the tokens alive at once:
         * say so the first time it overflows */
        full = tries && !z->sh->full_logged;
        if (full) {
            z->sh->full_logged = 1;
        }

        if (node == NULL) {
            ngx_shmtx_unlock(&z->shpool->mutex);
            ngx_taskmgr_revoke_full(z, full);
            return;
        }

        node->key = hash;
        rn = (ngx_taskmgr_revoke_node_t *) &node->color;
        rn->len = (u_char) jti.len;
        ngx_memcpy(rn->jti, jti.data, jti.len);

        ngx_rbtree_insert(&z->sh->rbtree, node);

    } else {
        ngx_queue_remove(&rn->queue);
    }

    ngx_queue_insert_head(&z->sh->queue, &rn->queue);

    rn->revoked = rn->revoked || revoked;
    rn->expires = ctx->auth.exp;
    rn->fresh = fresh;

    ngx_shmtx_unlock(&z->shpool->mutex);

    ngx_taskmgr_revoke_full(z, full);
}


static void
ngx_taskmgr_revoke_full(ngx_taskmgr_revoke_zone_t *z, ngx_uint_t full)
{
    if (full) {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                      "taskmgr: the revocation zone is full, entries are "
                      "dropped least recently used first (a larger "
                      "taskmgr_revocation_zone keeps more)");
    }
}


/* drops up to two entries whose token has expired, or with all set the
 * least recently used one whatever its state */

static void
ngx_taskmgr_revoke_expire(ngx_taskmgr_revoke_zone_t *z, ngx_uint_t all)
{
    time_t                      now;
    ngx_uint_t                  n;
    ngx_queue_t                *q;
    ngx_rbtree_node_t          *node;
    ngx_taskmgr_revoke_node_t  *rn;

    now = ngx_time();

    for (n = 0; n < 2; n++) {

        if (ngx_queue_empty(&z->sh->queue)) {
            return;
        }

        q = ngx_queue_last(&z->sh->queue);
        rn = ngx_queue_data(q, ngx_taskmgr_revoke_node_t, queue);

        if (!all && rn->expires > now) {
            return;
        }

        ngx_queue_remove(q);

        node = (ngx_rbtree_node_t *)
                   ((u_char *) rn - offsetof(ngx_rbtree_node_t, color));

        ngx_rbtree_delete(&z->sh->rbtree, node);
        ngx_slab_free_locked(z->shpool, node);

        if (all) {
            return;
        }
    }
}


static void
ngx_taskmgr_revoke_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t          **p;
    ngx_taskmgr_revoke_node_t   *rn, *rnt;

    for ( ;; ) {

        if (node->key < temp->key) {
            p = &temp->left;

        } else if (node->key > temp->key) {
            p = &temp->right;

        } else {
            rn = (ngx_taskmgr_revoke_node_t *) &node->color;
            rnt = (ngx_taskmgr_revoke_node_t *) &temp->color;

            p = (ngx_memn2cmp(rn->jti, rnt->jti, rn->len, rnt->len) < 0)
                ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}
