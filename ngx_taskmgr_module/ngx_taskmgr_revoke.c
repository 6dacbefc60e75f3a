/*
 * Logged-out access tokens.  Logout writes a record REVOKED_<jti> into the
 * table (NotificationExpiry = the token's exp, so DynamoDB's TTL drops it)
 * so that every nginx node refuses the token; each node keeps what it
 * learnt in a shared memory zone: "revoked" until the token's exp, "not
 * revoked" for taskmgr_revocation_cache seconds.  Records of expired
 * tokens are never consulted: such tokens fail the exp check first.
 *
 * A password reset or change ends every session of a user at once: a
 * record REVOKEDUSER_<sub> {RevokedBefore: T, Keep: jti} refuses every
 * token whose auth_time is T or earlier, but the session named by Keep.
 * Cognito keeps auth_time across refreshes, so a refreshed token of an
 * ended session is refused too.  The check reads both records in one
 * BatchGetItem on a miss; a node keeps the user record beside the tokens'
 * (key "~<sub>"), so a hit still costs one lookup in the zone.
 */

#include "ngx_taskmgr.h"
#include "tm_ddb.h"
#include "tm_jwt.h"


#define NGX_TASKMGR_JTI_MAX  128

/* Cognito's longest refresh token life: a user record outlives them */
#define NGX_TASKMGR_REVOKE_USER_TTL  (3650 * 86400)


typedef struct {
    u_char                     color;
    u_char                     revoked;
    u_char                     len;
    u_char                     keep_len;
    ngx_queue_t                queue;
    time_t                     expires;    /* the token's exp */
    time_t                     fresh;      /* "not revoked" holds until */
    time_t                     before;     /* a user's: RevokedBefore */
    u_char                     jti[1];     /* the key, then a user's Keep */
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
static ngx_int_t ngx_taskmgr_revoke_user_recorded(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static json_t *ngx_taskmgr_revoke_key(ngx_taskmgr_ctx_t *ctx);
static json_t *ngx_taskmgr_revoke_user_key(const char *sub);
static ngx_str_t ngx_taskmgr_revoke_id(ngx_taskmgr_ctx_t *ctx);
static ngx_str_t ngx_taskmgr_revoke_user_id(u_char *buf, const char *sub);
static ngx_uint_t ngx_taskmgr_revoke_ended(ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_revoke_node_t *un);
static ngx_uint_t ngx_taskmgr_revoke_ended_by(ngx_taskmgr_ctx_t *ctx,
    time_t before, ngx_str_t *keep);
static ngx_taskmgr_revoke_node_t *ngx_taskmgr_revoke_lookup(
    ngx_taskmgr_revoke_zone_t *z, ngx_str_t *jti, uint32_t hash);
static void ngx_taskmgr_revoke_store(ngx_taskmgr_ctx_t *ctx,
    ngx_uint_t revoked, time_t fresh);
static void ngx_taskmgr_revoke_store_user(ngx_taskmgr_ctx_t *ctx,
    const char *sub, time_t before, ngx_str_t *keep, time_t expires);
static void ngx_taskmgr_revoke_store_key(ngx_taskmgr_ctx_t *ctx,
    ngx_str_t *key, ngx_uint_t revoked, time_t expires, time_t fresh,
    time_t before, ngx_str_t *keep);
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


/* runs next with ctx->auth.revoked: was the caller's token logged out, or
 * its user's sessions ended by a password reset or change?  The
 * verdict is auth.c's to act on */

ngx_int_t
ngx_taskmgr_revoke_check(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    u_char                      buf[2 + NGX_TASKMGR_JTI_MAX];
    json_t                     *keys, *key;
    time_t                      now;
    uint32_t                    hash;
    ngx_str_t                   jti, uid;
    ngx_int_t                   known;
    ngx_uint_t                  revoked;
    ngx_taskmgr_revoke_node_t  *node, *un;
    ngx_taskmgr_revoke_zone_t  *z, zv;

    ngx_taskmgr_revoke_view(ctx, &zv);
    z = &zv;
    jti = ngx_taskmgr_revoke_id(ctx);
    hash = ngx_crc32_short(jti.data, jti.len);
    uid = ngx_taskmgr_revoke_user_id(buf, ctx->auth.sub);
    now = ngx_time();
    known = 0;
    revoked = 0;

    ngx_shmtx_lock(&z->shpool->mutex);

    node = ngx_taskmgr_revoke_lookup(z, &jti, hash);
    un = ngx_taskmgr_revoke_lookup(z, &uid,
                                   ngx_crc32_short(uid.data, uid.len));

    if (un && ngx_taskmgr_revoke_ended(ctx, un)) {
        known = 1;
        revoked = 1;

    } else if (node && (node->revoked || node->fresh > now)) {
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

    keys = json_pack("[o]", ngx_taskmgr_revoke_key(ctx));
    key = ngx_taskmgr_revoke_user_key(ctx->auth.sub);

    /* a sub too long for a record has none */
    if (keys && key) {
        json_array_append_new(keys, key);

    } else {
        json_decref(key);
    }

    return ngx_taskmgr_ddb(r, ctx, "BatchGetItem",
                           keys ? json_pack("{s:{s:{s:o, s:b}}}",
                                            "RequestItems",
                                            ctx->conf->table.data,
                                            "Keys", keys,
                                            "ConsistentRead", 1)
                                : NULL,
                           ngx_taskmgr_revoke_checked);
}


static ngx_int_t
ngx_taskmgr_revoke_checked(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    size_t       i;
    json_t      *items, *item, *unprocessed;
    ngx_str_t    keep;
    long long    before, expires;
    const char  *pk;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    unprocessed = json_object_get(ctx->call.reply, "UnprocessedKeys");
    items = json_object_get(json_object_get(ctx->call.reply, "Responses"),
                            (const char *) ctx->conf->table.data);

    if (!json_is_array(items)
        || (unprocessed && json_object_size(unprocessed)))
    {
        ctx->call.status = NGX_HTTP_OK + 1;
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    json_array_foreach(items, i, item) {
        pk = tm_ddb_get_s(item, TM_PK);

        if (pk == NULL || ngx_strncmp(pk, "REVOKEDUSER_", 12) != 0) {
            ngx_taskmgr_revoke_store(ctx, 1, 0);
            ctx->auth.revoked = 1;
            continue;
        }

        if (tm_ddb_get_n(item, "RevokedBefore", &before) != 0
            || tm_ddb_get_n(item, "NotificationExpiry", &expires) != 0)
        {
            continue;
        }

        keep.data = (u_char *) tm_ddb_get_s(item, "Keep");
        keep.len = keep.data ? ngx_strlen(keep.data) : 0;

        ngx_taskmgr_revoke_store_user(ctx, ctx->auth.sub, (time_t) before,
                                      &keep, (time_t) expires);

        /* the record read is the one the zone now holds: judge by it */
        ctx->auth.revoked |= ngx_taskmgr_revoke_ended_by(ctx,
                                                         (time_t) before,
                                                         &keep);
    }

    if (ctx->auth.revoked) {
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


/*
 * A password reset or change: every session of sub signed in until now
 * ends, but the caller's own if keep is set.  The record lives as long
 * as a refresh token may (taskmgr_revocation_user_ttl); this node refuses
 * the tokens at once, the others once their cached verdicts age out.
 */

ngx_int_t
ngx_taskmgr_revoke_user(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    const char *sub, ngx_uint_t keep, ngx_taskmgr_step_pt next)
{
    time_t      now, expires;
    json_t     *item;
    ngx_str_t   k;

    now = ngx_time();
    expires = now + NGX_TASKMGR_REVOKE_USER_TTL;

    if (keep) {
        k = ngx_taskmgr_revoke_id(ctx);

    } else {
        ngx_str_null(&k);
    }

    ngx_taskmgr_revoke_store_user(ctx, sub, now, &k, expires);

    item = ngx_taskmgr_revoke_user_key(sub);
    if (item) {
        json_object_set_new(item, "RevokedBefore", tm_ddb_n(now));
        json_object_set_new(item, "NotificationExpiry", tm_ddb_n(expires));
        json_object_set_new(item, "Sub", tm_ddb_s(sub));

        if (k.len) {
            json_object_set_new(item, "Keep",
                                json_pack("{s:s%}", "S", k.data, k.len));
        }
    }

    ctx->auth.revoke_next = next;

    return ngx_taskmgr_ddb(r, ctx, "PutItem",
                           item ? json_pack("{s:s, s:o}",
                                            "TableName",
                                            ctx->conf->table.data,
                                            "Item", item)
                                : NULL,
                           ngx_taskmgr_revoke_user_recorded);
}


static ngx_int_t
ngx_taskmgr_revoke_user_recorded(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx)
{
    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    return ctx->auth.revoke_next(r, ctx);
}


/* was the caller's session ended by a user record (before, keep)?  A
 * token without auth_time goes by its iat */

static ngx_uint_t
ngx_taskmgr_revoke_ended_by(ngx_taskmgr_ctx_t *ctx, time_t before,
    ngx_str_t *keep)
{
    ngx_str_t  jti;

    if (ctx->auth.auth_time > before) {
        return 0;
    }

    jti = ngx_taskmgr_revoke_id(ctx);

    return keep->len == 0
           || ngx_memn2cmp(jti.data, keep->data, jti.len, keep->len) != 0;
}


static ngx_uint_t
ngx_taskmgr_revoke_ended(ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_revoke_node_t *un)
{
    ngx_str_t  keep;

    keep.data = un->jti + un->len;
    keep.len = un->keep_len;

    return ngx_taskmgr_revoke_ended_by(ctx, un->before, &keep);
}


static json_t *
ngx_taskmgr_revoke_user_key(const char *sub)
{
    char  key[sizeof("REVOKEDUSER_") + NGX_TASKMGR_JTI_MAX];

    if (sub == NULL || ngx_strlen(sub) > NGX_TASKMGR_JTI_MAX) {
        return NULL;
    }

    ngx_sprintf((u_char *) key, "REVOKEDUSER_%s%Z", sub);

    return tm_ddb_key(key, key);
}


/* a user record's key in the zone: "~<sub>", no jti begins so */

static ngx_str_t
ngx_taskmgr_revoke_user_id(u_char *buf, const char *sub)
{
    size_t     len;
    ngx_str_t  id;

    len = sub ? ngx_strlen(sub) : 0;

    if (len > NGX_TASKMGR_JTI_MAX - 1) {
        len = NGX_TASKMGR_JTI_MAX - 1;
    }

    buf[0] = '~';
    ngx_memcpy(buf + 1, sub, len);

    id.data = buf;
    id.len = len + 1;

    return id;
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
    ngx_str_t  jti, keep;

    jti = ngx_taskmgr_revoke_id(ctx);
    ngx_str_null(&keep);

    ngx_taskmgr_revoke_store_key(ctx, &jti, revoked, ctx->auth.exp, fresh,
                                 0, &keep);
}


static void
ngx_taskmgr_revoke_store_user(ngx_taskmgr_ctx_t *ctx, const char *sub,
    time_t before, ngx_str_t *keep, time_t expires)
{
    u_char     buf[2 + NGX_TASKMGR_JTI_MAX];
    ngx_str_t  uid;

    if (sub == NULL) {
        return;
    }

    uid = ngx_taskmgr_revoke_user_id(buf, sub);

    if (keep->len > NGX_TASKMGR_JTI_MAX) {
        keep->len = 0;
    }

    ngx_taskmgr_revoke_store_key(ctx, &uid, 0, expires, 0, before, keep);
}


static void
ngx_taskmgr_revoke_store_key(ngx_taskmgr_ctx_t *ctx, ngx_str_t *key,
    ngx_uint_t revoked, time_t expires, time_t fresh, time_t before,
    ngx_str_t *keep)
{
    size_t                      size;
    uint32_t                    hash;
    ngx_uint_t                  tries, full;
    ngx_rbtree_node_t          *node;
    ngx_taskmgr_revoke_node_t  *rn;
    ngx_taskmgr_revoke_zone_t  *z, zv;

    ngx_taskmgr_revoke_view(ctx, &zv);
    z = &zv;
    hash = ngx_crc32_short(key->data, key->len);
    full = 0;

    ngx_shmtx_lock(&z->shpool->mutex);

    ngx_taskmgr_revoke_expire(z, 0);

    rn = ngx_taskmgr_revoke_lookup(z, key, hash);

    /* a user record's Keep may change: it is stored anew */
    if (rn && keep->len != rn->keep_len) {
        ngx_queue_remove(&rn->queue);
        node = (ngx_rbtree_node_t *)
                   ((u_char *) rn - offsetof(ngx_rbtree_node_t, color));
        ngx_rbtree_delete(&z->sh->rbtree, node);
        ngx_slab_free_locked(z->shpool, node);
        rn = NULL;
    }

    if (rn == NULL) {
        size = offsetof(ngx_rbtree_node_t, color)
               + offsetof(ngx_taskmgr_revoke_node_t, jti) + key->len
               + keep->len;

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
        rn->len = (u_char) key->len;
        rn->keep_len = (u_char) keep->len;
        rn->revoked = 0;
        ngx_memcpy(rn->jti, key->data, key->len);

        ngx_rbtree_insert(&z->sh->rbtree, node);

    } else {
        ngx_queue_remove(&rn->queue);
    }

    ngx_queue_insert_head(&z->sh->queue, &rn->queue);

    if (keep->len) {
        ngx_memcpy(rn->jti + rn->len, keep->data, keep->len);
    }

    rn->revoked = rn->revoked || revoked;
    rn->expires = expires;
    rn->fresh = fresh;
    rn->before = before;

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
