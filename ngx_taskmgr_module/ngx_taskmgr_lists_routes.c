/*
 * The lists' routes (served by taskmgr_tasks): /api/lists and
 * /api/lists/{id}, their state, the id, If-Match and the body checked,
 * then the step of the method (ngx_taskmgr_lists.c,
 * ngx_taskmgr_lists_delete.c).
 */

#include "ngx_taskmgr_lists.h"
#include "tm_user.h"




ngx_int_t
ngx_taskmgr_lists_collection(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_taskmgr_lists_t  *lb;

    lb = ngx_taskmgr_lists_state(r, ctx);
    if (lb == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (r->method == NGX_HTTP_POST) {
        return ngx_taskmgr_lists_create(r, ctx);
    }

    rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, lb);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->args.len) {
        return ngx_taskmgr_no_args(r);
    }

    return ngx_taskmgr_lists_read_all(r, ctx);
}


/* /api/lists/{id}: a malformed id is as unknown as another user's */

ngx_int_t
ngx_taskmgr_lists_one(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t             rc;
    ngx_taskmgr_lists_t  *lb;

    lb = ngx_taskmgr_lists_state(r, ctx);
    if (lb == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (tm_valid_list_id((const char *) ctx->path_arg.data,
                         ctx->path_arg.len)
        != NULL)
    {
        return ngx_taskmgr_lists_not_found(r);
    }

    lb->id = ngx_taskmgr_cstr(r->pool, ctx->path_arg.data, ctx->path_arg.len);
    if (lb->id == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf((u_char *) lb->sk, TM_LIST_PREFIX "%s%Z", lb->id);

    if (r->method != NGX_HTTP_GET) {
        rc = ngx_taskmgr_if_match(r, &lb->if_match);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    switch (r->method) {

    case NGX_HTTP_PATCH:
        rc = ngx_taskmgr_body_read(r, ctx, tm_list_body, TM_BODY_PATCH,
                                   &lb->fields);
        if (rc != NGX_DECLINED) {
            return rc;
        }

        return ngx_taskmgr_lists_patch(r, ctx);

    case NGX_HTTP_DELETE:
        return ngx_taskmgr_lists_delete(r, ctx);

    default:
        rc = ngx_taskmgr_body_read(r, ctx, tm_no_body, TM_BODY_OPTIONAL, lb);
        if (rc != NGX_DECLINED) {
            return rc;
        }

        if (r->args.len) {
            return ngx_taskmgr_no_args(r);
        }

        return ngx_taskmgr_lists_read_one(r, ctx);
    }
}
