/*
 * The task service's own state and the steps its files share: routes and
 * single tasks (ngx_taskmgr_tasks.c), PATCH and the completion chain
 * (ngx_taskmgr_tasks_patch.c), listings (ngx_taskmgr_tasks_list.c), all
 * using ngx_taskmgr_tasks_reply.c, with the views' due ranges
 * (ngx_taskmgr_tasks_view.c); the labels in use (ngx_taskmgr_labels.c).
 */

#ifndef _NGX_TASKMGR_TASKS_H_INCLUDED_
#define _NGX_TASKMGR_TASKS_H_INCLUDED_


#include "ngx_taskmgr.h"
#include "tm_quickadd.h"
#include "tm_search.h"
#include "tm_task.h"
#include "tm_validate.h"


#define NGX_TASKMGR_SORT_UPDATED   0
#define NGX_TASKMGR_SORT_DUE       1
#define NGX_TASKMGR_SORT_PRIORITY  2


typedef struct {
    char                       pk[160];
    char                       sk[48];
    const char                *id;
    ngx_int_t                  if_match;      /* -1: no If-Match */

    tm_task_fields_t           fields;        /* what the body asks */
    const char                *list_check;    /* a list that must exist */
    ngx_taskmgr_step_pt        list_next;
    tm_task_effects_t          effects;       /* what the PATCH does */
    ngx_uint_t                 tries;
    ngx_uint_t                 restoring;     /* POST .../restore */
    ngx_uint_t                 trash;         /* GET ?trash=true */
    char                       now[32];
    const char                *zone;          /* the owner's, when read */
    ngx_taskmgr_step_pt        zone_next;
    json_t                    *task;          /* the item after the write */
    ngx_uint_t                 status;        /* the reply's */
    json_t                    *notification;  /* a completion's, to write */
    ngx_uint_t                 notified;      /* written: its event goes
                                                 with the reply */
    ngx_taskmgr_step_pt        after;         /* after the chain: not the
                                                 reply (a batch goes on) */
    struct ngx_taskmgr_batch_s *batch;

    /* GET list */
    ngx_uint_t                 sort;          /* NGX_TASKMGR_SORT_* */
    ngx_uint_t                 sort_set;
    const char                *view;          /* today, upcoming, overdue */
    ngx_uint_t                 statuses;
    ngx_uint_t                 priorities;    /* bit p: priority p */
    ngx_int_t                  completed;     /* -1: not asked */
    const char                *labels[TM_LABELS_MAX];  /* folded */
    ngx_uint_t                 nlabels;
    const char                *list;          /* list=, as asked */
    const char                *words[TM_SEARCH_WORDS];  /* q=, folded */
    ngx_uint_t                 nwords;
    char                       due_from[24];
    char                       due_to[24];

    /* quick add (ngx_taskmgr_quickadd.c) */
    const char                *qa_text;
    ngx_taskmgr_step_pt        qa_make;       /* POST {quickAdd}: the create
                                                 goes on there; NULL:
                                                 parse */
    tm_quickadd_t             *qa;
    json_t                    *qa_user;       /* zone, default reminders */
    const char                *qa_list_id;
} ngx_taskmgr_tasks_t;


ngx_int_t ngx_taskmgr_tasks_read(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_tasks_list_check(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_tasks_reply(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_uint_t status);
ngx_int_t ngx_taskmgr_tasks_reply_item(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const tm_ddb_item_t *item, ngx_uint_t status);
ngx_int_t ngx_taskmgr_tasks_tree(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const tm_ddb_item_t *item);
ngx_int_t ngx_taskmgr_tasks_send_item(ngx_http_request_t *r,
    ngx_uint_t status, const tm_ddb_item_t *item);
long ngx_taskmgr_tasks_write(const tm_ddb_item_t *item, long long now,
    char *out, size_t size);
void ngx_taskmgr_tasks_event(ngx_http_request_t *r, const char *op,
    const tm_ddb_item_t *item);
void ngx_taskmgr_tasks_notification_event(ngx_http_request_t *r);
ngx_int_t ngx_taskmgr_tasks_stale(ngx_http_request_t *r);
ngx_int_t ngx_taskmgr_tasks_zone(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_tasks_full(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_tasks_fields(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, const char *field);
ngx_int_t ngx_taskmgr_tasks_not_found(ngx_http_request_t *r);

ngx_int_t ngx_taskmgr_tasks_patch(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_tasks_chain(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_tasks_batch(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_tasks_list(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
const char *ngx_taskmgr_tasks_view_arg(ngx_taskmgr_tasks_t *t,
    ngx_str_t *value);
ngx_int_t ngx_taskmgr_tasks_view(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt next);
ngx_int_t ngx_taskmgr_labels_list(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_quickadd(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx, ngx_taskmgr_step_pt make);
ngx_int_t ngx_taskmgr_tasks_trash(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_tasks_restore(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
ngx_int_t ngx_taskmgr_tasks_trashed(const json_t *item);


#endif /* _NGX_TASKMGR_TASKS_H_INCLUDED_ */
