/*
 * A shared memory zone holding one struct of the module's, zeroed when the
 * zone is made and handed on to the new workers of a reload (nginx keeps a
 * zone of the same name, size and module).  zone->data is the struct once
 * nginx has set the zone up; the zone's slab pool (zone->shm.addr) holds
 * its mutex.
 */

#include "ngx_taskmgr.h"


static ngx_int_t ngx_taskmgr_shm_init(ngx_shm_zone_t *zone, void *data);


ngx_shm_zone_t *
ngx_taskmgr_shm_add(ngx_conf_t *cf, ngx_str_t *name, size_t size,
    size_t data_size)
{
    size_t          *need;
    ngx_shm_zone_t  *zone;

    zone = ngx_shared_memory_add(cf, name, size, &ngx_taskmgr_module);
    if (zone == NULL) {
        return NULL;
    }

    if (zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is already used", name);
        return NULL;
    }

    /* until the zone is made: the size of its struct */
    need = ngx_palloc(cf->pool, sizeof(size_t));
    if (need == NULL) {
        return NULL;
    }

    *need = data_size;

    zone->init = ngx_taskmgr_shm_init;
    zone->data = need;

    return zone;
}


static ngx_int_t
ngx_taskmgr_shm_init(ngx_shm_zone_t *zone, void *data)
{
    size_t           *need;
    ngx_slab_pool_t  *shpool;

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

    zone->data = ngx_slab_calloc(shpool, *need);
    if (zone->data == NULL) {
        return NGX_ERROR;
    }

    shpool->data = zone->data;

    return NGX_OK;
}
