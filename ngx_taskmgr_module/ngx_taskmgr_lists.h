/*
 * The lists' own state and the steps their files share: routes
 * (ngx_taskmgr_lists_routes.c), reads, create and PATCH
 * (ngx_taskmgr_lists.c), DELETE with its tasks (ngx_taskmgr_lists_delete.c).
 * Lists are served by the tasks service.
 */

#ifndef _NGX_TASKMGR_LISTS_H_INCLUDED_
#define _NGX_TASKMGR_LISTS_H_INCLUDED_


#include "ngx_taskmgr.h"
#include "tm_list.h"


typedef struct {
    char                       pk[160];
    char                       sk[64];
    const char                *id;
    char                       key[TM_LIST_KEY_LEN];  /* the name claimed */
    const char                *old_key;   /* released after a rename */
    ngx_int_t                  if_match;  /* -1: no If-Match */
    ngx_uint_t                 tries;
    char                       now[32];

    tm_list_fields_t           fields;
    json_t                    *item;      /* the list read or written */
    json_t                    *lists;     /* every list item, read */
    json_t                    *counts;    /* list id: tasks not completed */
    json_t                    *query;     /* a claim read; the DELETE's
                                             Query of the list's tasks */
    ngx_uint_t                 calls;     /* the DELETE's task in hand */
    ngx_uint_t                 all;       /* count completed tasks too */
    const char                *count_id;  /* count this list's only */
    const char                *mode;      /* DELETE ?tasks=move|delete */
    ngx_taskmgr_step_pt        next;

    /* a list made for another request's sake (quick add's "#New"): its
     * state is given back, the new id set, and done called */
    void                      *outer;
    const char               **made;
    ngx_taskmgr_step_pt        done;
} ngx_taskmgr_lists_t;


ngx_int_t ngx_taskmgr_lists_collection(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_lists_one(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_lists_read_all(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_lists_read_one(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_lists_create(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_lists_create_named(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *name, const char **made,
    ngx_taskmgr_step_pt done);
ngx_taskmgr_lists_t *ngx_taskmgr_lists_state(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_lists_patch(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_lists_get(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_lists_count(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_lists_release(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *key, ngx_taskmgr_step_pt next);
json_t *ngx_taskmgr_lists_keep(ngx_http_request_t *r, json_t *v);
ngx_int_t ngx_taskmgr_lists_not_found(ngx_http_request_t *r);
ngx_int_t ngx_taskmgr_lists_stale(ngx_http_request_t *r);
ngx_int_t ngx_taskmgr_lists_delete(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


#endif /* _NGX_TASKMGR_LISTS_H_INCLUDED_ */
