/*
 * A shared memory zone holding one struct of the module's, zeroed when the
 * zone is made and handed on to the new workers of a reload (nginx keeps a
 * zone of the same name, size and module).  zone->data is the struct once
 * nginx has set the zone up; the zone's slab pool (zone->shm.addr) holds
 * its mutex and what else the zone allocates.
 */

#include "ngx_taskmgr.h"


static ngx_int_t ngx_taskmgr_shm_init(ngx_shm_zone_t *zone, void *data);


/* until the zone is made: what it will hold */
typedef struct {
    size_t                     size;
    ngx_taskmgr_shm_fresh_pt   fresh;
} ngx_taskmgr_shm_need_t;


/* fresh, if not NULL, sets up a new struct (not one a reload hands on) */

ngx_shm_zone_t *
ngx_taskmgr_shm_add(ngx_conf_t *cf, ngx_str_t *name, size_t size,
    size_t data_size, ngx_taskmgr_shm_fresh_pt fresh)
{
    ngx_shm_zone_t          *zone;
    ngx_taskmgr_shm_need_t  *need;

    zone = ngx_shared_memory_add(cf, name, size, &ngx_taskmgr_module);
    if (zone == NULL) {
        return NULL;
    }

    if (zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is already used", name);
        return NULL;
    }

    need = ngx_palloc(cf->pool, sizeof(ngx_taskmgr_shm_need_t));
    if (need == NULL) {
        return NULL;
    }

    need->size = data_size;
    need->fresh = fresh;

    zone->init = ngx_taskmgr_shm_init;
    zone->data = need;

    return zone;
}


static ngx_int_t
ngx_taskmgr_shm_init(ngx_shm_zone_t *zone, void *data)
{
    ngx_slab_pool_t         *shpool;
    ngx_taskmgr_shm_need_t  *need;

    if (data) {
        /* a reload: the struct of the workers before */
        zone->data = data;
        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    if (zone->shm.exists) {
        zone->data = shpool->data;
        return NGX_OK;
    }

    need = zone->data;

    zone->data = ngx_slab_calloc(shpool, need->size);
    if (zone->data == NULL) {
        return NGX_ERROR;
    }

    shpool->data = zone->data;

    return need->fresh ? need->fresh(zone) : NGX_OK;
}
