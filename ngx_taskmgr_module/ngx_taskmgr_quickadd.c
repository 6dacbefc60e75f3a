/*
 * Quick add: "Pay rent tomorrow 5pm #Home @bills p1" read by
 * common/tm_quickadd.c in the caller's zone.
 *
 * POST /api/tasks/parse {"text"} answers what would be made, creating
 * nothing, for the web app to highlight as the user types; the list the
 * #name names is looked up by its LISTNAME_ claim (ngx_taskmgr_lists.c):
 * listId when the caller has it, else listName alone.
 *
 * POST /api/tasks {"quickAdd"} (and no other field) makes the task: the
 * parsed fields go through the same body table as any POST (one validator
 * per field), an unknown #name is made a list as POST /api/lists would,
 * and the task gets the profile's default reminders.
 */

#include "ngx_taskmgr_lists.h"
#include "ngx_taskmgr_tasks.h"
#include "tm_ddb.h"
#include "tm_list.h"
#include "tm_user.h"


static const tm_field_t  ngx_taskmgr_qa_parse_body[] = {
    { "text", TM_FIELD_STRING, TM_FIELD_REQUIRED,
      offsetof(ngx_taskmgr_tasks_t, qa_text), NULL, NULL, NULL, 0, 0, NULL,
      NULL },
    tm_field_null
};

static const tm_field_t  ngx_taskmgr_qa_create_body[] = {
    { "quickAdd", TM_FIELD_STRING, TM_FIELD_REQUIRED,
      offsetof(ngx_taskmgr_tasks_t, qa_text), NULL, NULL, NULL, 0, 0, NULL,
      NULL },
    tm_field_null
};


static ngx_int_t ngx_taskmgr_qa_user(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_qa_list(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_qa_listed(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_qa_make(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static json_t *ngx_taskmgr_qa_task(ngx_taskmgr_tasks_t *t);
static ngx_int_t ngx_taskmgr_qa_reply(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


ngx_int_t
ngx_taskmgr_quickadd(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx,
    ngx_taskmgr_step_pt make)
{
    ngx_int_t             rc;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;
    t->qa_make = make;

    rc = ngx_taskmgr_body_read(r, ctx, make ? ngx_taskmgr_qa_create_body
                                            : ngx_taskmgr_qa_parse_body,
                               TM_BODY_REQUIRED, t);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    t->qa = ngx_pcalloc(r->pool, sizeof(tm_quickadd_t));
    if (t->qa == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(t->pk, t->pk), 0,
                               "UserTimeZone, DefaultReminders",
                               ngx_taskmgr_qa_user);
}


static ngx_int_t
ngx_taskmgr_qa_user(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    int                   rc;
    char                  key[TM_LIST_KEY_LEN];
    const char           *field;
    ngx_taskmgr_tasks_t  *t;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;
    t->qa_user = json_object_get(ctx->call.reply, "Item");
    json_incref(t->qa_user);
    ngx_taskmgr_json_track(r, t->qa_user);

    rc = tm_quickadd_parse(t->qa_text, ngx_strlen(t->qa_text),
                           (long long) ngx_taskmgr_request_now(r, ctx),
                           tm_ddb_get_s(t->qa_user, "UserTimeZone"), t->qa);

    field = t->qa_make ? "quickAdd" : "text";

    if (rc == TM_QA_BAD_TEXT) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field", t->qa->title, field);
    }

    if (rc == TM_QA_EMPTY_TITLE) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "empty_title", t->qa->title, field);
    }

    if (t->qa->list[0] == '\0') {
        return ngx_taskmgr_qa_listed(r, ctx);
    }

    if (tm_list_name_key(t->qa->list, key, sizeof(key)) < 0) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field",
                                      "the list name is not valid UTF-8",
                                      field);
    }

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(t->pk, key), 1,
                               "ListId", ngx_taskmgr_qa_list);
}


static ngx_int_t
ngx_taskmgr_qa_list(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    const char           *id;
    ngx_taskmgr_tasks_t  *t;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    t = ctx->data;
    id = tm_ddb_get_s(json_object_get(ctx->call.reply, "Item"), "ListId");

    if (id) {
        t->qa_list_id = ngx_taskmgr_cstr(r->pool, (u_char *) id,
                                         ngx_strlen(id));
        if (t->qa_list_id == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

    } else if (t->qa_make) {
        /* "#New": made, as the user asked for it by name */
        return ngx_taskmgr_lists_create_named(r, ctx, t->qa->list,
                                              &t->qa_list_id,
                                              ngx_taskmgr_qa_listed);
    }

    return ngx_taskmgr_qa_listed(r, ctx);
}


static ngx_int_t
ngx_taskmgr_qa_listed(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    return t->qa_make ? ngx_taskmgr_qa_make(r, ctx)
                        : ngx_taskmgr_qa_reply(r, ctx);
}


/* the parsed task read as the body of a POST would be, then created */

static ngx_int_t
ngx_taskmgr_qa_make(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    json_t               *body;
    ngx_int_t             rc;
    const char           *why, *field;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;

    body = ngx_taskmgr_qa_task(t);
    if (body == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_taskmgr_json_track(r, body);
    json_object_del(body, "listName");

    ctx->body = body;

    rc = ngx_taskmgr_body_read(r, ctx, tm_task_body, TM_BODY_REQUIRED,
                               &t->fields);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    why = tm_task_extras(&t->fields, t->fields.due && *t->fields.due,
                         &field);
    if (why) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field", why, "quickAdd");
    }

    tm_task_default_reminders(&t->fields, t->qa_user,
                              t->fields.due && *t->fields.due);

    t->list_check = t->fields.list_id;

    return t->qa_make(r, ctx);
}


/* {title, dueDate, listId?, listName?, labels, priority, repeat?} */

static json_t *
ngx_taskmgr_qa_task(ngx_taskmgr_tasks_t *t)
{
    char            due[24];
    size_t          i;
    json_t         *task, *labels;
    tm_quickadd_t  *p;

    p = t->qa;

    labels = json_array();

    for (i = 0; labels && i < p->nlabels; i++) {
        json_array_append_new(labels, json_string(p->labels[i]));
    }

    if (p->has_due) {
        tm_format_rfc3339(p->due, due);
    }

    task = json_pack("{s:s, s:o, s:o, s:i}",
                     "title", p->title,
                     "dueDate", p->has_due ? json_string(due) : json_null(),
                     "labels", labels ? labels : json_array(),
                     "priority", p->priority ? p->priority : 4);

    if (task && p->list[0]) {
        json_object_set_new(task, "listName", json_string(p->list));

        if (t->qa_list_id) {
            json_object_set_new(task, "listId", json_string(t->qa_list_id));
        }
    }

    if (task && p->repeat[0]) {
        json_object_set_new(task, "repeat",
                            json_pack("{s:s, s:s}", "rule", p->repeat,
                                      "from", "due"));
    }

    return task;
}


/* {"task": ..., "tokens": [{start, end, kind}...]}: offsets in UTF-16
 * code units, as JavaScript indexes the text */

static ngx_int_t
ngx_taskmgr_qa_reply(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    size_t                i;
    json_t               *task, *tokens;
    tm_quickadd_t        *p;
    ngx_taskmgr_tasks_t  *t;

    t = ctx->data;
    p = t->qa;

    task = ngx_taskmgr_qa_task(t);
    tokens = json_array();

    for (i = 0; tokens && i < p->ntokens; i++) {
        json_array_append_new(tokens,
                              json_pack("{s:I, s:I, s:s}",
                                        "start",
                                        (json_int_t) p->tokens[i].start16,
                                        "end",
                                        (json_int_t) p->tokens[i].end16,
                                        "kind",
                                        tm_qa_kinds[p->tokens[i].kind]));
    }

    if (task == NULL || tokens == NULL) {
        json_decref(task);
        json_decref(tokens);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_taskmgr_send_json(r, NGX_HTTP_OK,
                                 json_pack("{s:o, s:o}", "task", task,
                                           "tokens", tokens));
}
