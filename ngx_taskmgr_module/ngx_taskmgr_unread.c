/*
 * The unread count of GET /api/notifications, remembered briefly: counting
 * takes up to NGX_TASKMGR_COUNT_CALLS Queries of a user's notifications,
 * and the web app's bell asks on every page and every 30 s.
 *
 * A worker remembers, per user, the count with what it was computed from:
 * the first page of the listing as it was sent (the newest notifications
 * and whether each is read) and the user's generation.  It is used again
 * only for the same first page, the same generation, within
 * NGX_TASKMGR_UNREAD_TTL seconds.  A new notification (the scheduler's
 * reminders too) comes first and changes the page; the module's own writes
 * (read, unread, read-all, delete, a completion) bump the user's
 * generation, kept in a shared memory zone so every worker sees it.
 * Generations live in buckets by a hash of the user: users sharing a
 * bucket only count again a little more often.  What the TTL leaves open:
 * an unread notification past the first page expiring.
 */

#include "ngx_taskmgr.h"


#define NGX_TASKMGR_UNREAD_BUCKETS  65536
#define NGX_TASKMGR_UNREAD_SLOTS    256     /* users remembered per worker */
#define NGX_TASKMGR_UNREAD_TTL      10      /* s */
#define NGX_TASKMGR_UNREAD_PK       160


typedef struct {
    char                       pk[NGX_TASKMGR_UNREAD_PK];
    ngx_atomic_uint_t          gen;
    uint32_t                   page;       /* crc32 of the first page */
    ngx_uint_t                 count;
    time_t                     at;
} ngx_taskmgr_unread_slot_t;


static ngx_atomic_t *ngx_taskmgr_unread_gen(ngx_taskmgr_ctx_t *ctx,
    const char *pk);


static ngx_taskmgr_unread_slot_t
    ngx_taskmgr_unread_slots[NGX_TASKMGR_UNREAD_SLOTS];


ngx_shm_zone_t *
ngx_taskmgr_unread_zone_add(ngx_conf_t *cf)
{
    ngx_str_t  name = ngx_string("taskmgr_unread");

    return ngx_taskmgr_shm_add(cf, &name,
                               NGX_TASKMGR_UNREAD_BUCKETS
                               * sizeof(ngx_atomic_t) + 64 * 1024,
                               NGX_TASKMGR_UNREAD_BUCKETS
                               * sizeof(ngx_atomic_t), NULL);
}


static ngx_atomic_t *
ngx_taskmgr_unread_gen(ngx_taskmgr_ctx_t *ctx, const char *pk)
{
    ngx_atomic_t  *gens;

    gens = ctx->conf->unread_zone->data;

    return &gens[ngx_crc32_short((u_char *) pk, ngx_strlen(pk))
                 % NGX_TASKMGR_UNREAD_BUCKETS];
}


/* a write of the module changed the user's notifications */

void
ngx_taskmgr_unread_changed(ngx_taskmgr_ctx_t *ctx, const char *pk)
{
    (void) ngx_atomic_fetch_add(ngx_taskmgr_unread_gen(ctx, pk), 1);
}


static ngx_taskmgr_unread_slot_t *
ngx_taskmgr_unread_slot(const char *pk)
{
    return &ngx_taskmgr_unread_slots[ngx_crc32_short((u_char *) pk,
                                                     ngx_strlen(pk))
                                     % NGX_TASKMGR_UNREAD_SLOTS];
}


/* NGX_OK: *count is the user's unread count for this first page */

ngx_int_t
ngx_taskmgr_unread_cached(ngx_taskmgr_ctx_t *ctx, const char *pk,
    ngx_str_t *page, ngx_uint_t *count)
{
    ngx_taskmgr_unread_slot_t  *s;

    s = ngx_taskmgr_unread_slot(pk);

    if (s->at == 0
        || ngx_time() - s->at >= NGX_TASKMGR_UNREAD_TTL
        || ngx_strcmp(s->pk, pk) != 0
        || s->gen != *ngx_taskmgr_unread_gen(ctx, pk)
        || s->page != ngx_crc32_long(page->data, page->len))
    {
        return NGX_DECLINED;
    }

    *count = s->count;

    return NGX_OK;
}


/*
 * A count just made.  gen is the user's generation read before counting:
 * a write during the count leaves the slot stale at once.
 */

void
ngx_taskmgr_unread_remember(ngx_taskmgr_ctx_t *ctx, const char *pk,
    ngx_atomic_uint_t gen, ngx_str_t *page, ngx_uint_t count)
{
    ngx_taskmgr_unread_slot_t  *s;

    if (ngx_strlen(pk) >= NGX_TASKMGR_UNREAD_PK) {
        return;
    }

    s = ngx_taskmgr_unread_slot(pk);

    ngx_cpystrn((u_char *) s->pk, (u_char *) pk, NGX_TASKMGR_UNREAD_PK);
    s->gen = gen;
    s->page = ngx_crc32_long(page->data, page->len);
    s->count = count;
    s->at = ngx_time();
}


ngx_atomic_uint_t
ngx_taskmgr_unread_generation(ngx_taskmgr_ctx_t *ctx, const char *pk)
{
    return *ngx_taskmgr_unread_gen(ctx, pk);
}
