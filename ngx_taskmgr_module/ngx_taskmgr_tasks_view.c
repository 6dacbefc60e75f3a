/*
 * The listing views, in the caller's time zone (the user item's
 * UserTimeZone, UTC without one): today (due before tomorrow begins,
 * overdue first), upcoming (due from today's start through the next 7
 * local days), overdue (due before now).  Each is a due range on
 * DueDateIndex, soonest first, completed tasks left out.
 */

#include "ngx_taskmgr_tasks.h"
#include "tm_ddb.h"
#include "tm_zone.h"


static ngx_int_t ngx_taskmgr_tasks_view_zone(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


static const char  *ngx_taskmgr_views[] = {
    "today", "upcoming", "overdue", NULL
};


const char *
ngx_taskmgr_tasks_view_arg(ngx_taskmgr_tasks_t *t, ngx_str_t *value)
{
    long  i;

    i = tm_enum_index(ngx_taskmgr_views, (const char *) value->data,
                      value->len);
    if (i < 0) {
        return "must be today, upcoming or overdue";
    }

    t->view = ngx_taskmgr_views[i];

    return NULL;
}


ngx_int_t
ngx_taskmgr_tasks_view(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt next)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;
    t->list_next = next;

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(t->pk, t->pk), 0,
                               "UserTimeZone", ngx_taskmgr_tasks_view_zone);
}


static ngx_int_t
ngx_taskmgr_tasks_view_zone(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    long long             now, from, to;
    const char           *zone;
    ngx_taskmgr_tasks_t  *t;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;
    zone = tm_ddb_get_s(json_object_get(ctx->call.reply, "Item"),
                        "UserTimeZone");
    if (zone == NULL) {
        zone = TM_ZONE_DEFAULT;
    }

    now = (long long) ngx_time();

    if (tm_zone_day_start(zone, now, 0, &from) != 0) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "taskmgr: unknown time zone \"%s\", UTC instead",
                      zone);
        zone = TM_ZONE_DEFAULT;
        (void) tm_zone_day_start(zone, now, 0, &from);
    }

    if (ngx_strcmp(t->view, "today") == 0) {
        (void) tm_zone_day_start(zone, now, 1, &to);
        to--;

    } else if (ngx_strcmp(t->view, "upcoming") == 0) {
        (void) tm_zone_day_start(zone, now, 7, &to);
        to--;
        tm_format_rfc3339(from, t->due_from);

    } else {
        to = now - 1;
    }

    tm_format_rfc3339(to, t->due_to);
    t->sort = NGX_TASKMGR_SORT_DUE;
    t->completed = 0;

    return t->list_next(r, ctx);
}
