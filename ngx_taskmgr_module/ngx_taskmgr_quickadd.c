/*
 * POST /api/tasks/parse {"text"}: what quick add reads in a line ("Pay rent
 * tomorrow 5pm #Home @bills p1"), without creating anything, for the web
 * app to highlight as the user types.  The parser is common/tm_quickadd.c;
 * here: the caller's zone (dates are theirs), and the list the #name
 * names (its LISTNAME_ claim, ngx_taskmgr_lists.c): listId when the caller
 * has it, else listName alone.
 */

#include "ngx_taskmgr_tasks.h"
#include "tm_ddb.h"
#include "tm_list.h"
#include "tm_quickadd.h"
#include "tm_user.h"


typedef struct {
    const char                *text;      /* the body's */
    char                       pk[160];
    tm_quickadd_t              qa;
    const char                *list_id;   /* the named list's, if known */
} ngx_taskmgr_qa_t;


static const tm_field_t  ngx_taskmgr_qa_body[] = {
    { "text", TM_FIELD_STRING, TM_FIELD_REQUIRED,
      offsetof(ngx_taskmgr_qa_t, text), NULL, NULL, NULL, 0, 0, NULL, NULL },
    tm_field_null
};


static ngx_int_t ngx_taskmgr_qa_zone(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_qa_list(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);
static ngx_int_t ngx_taskmgr_qa_reply(ngx_http_request_t *r,
    ngx_taskmgr_ctx_t *ctx);


ngx_int_t
ngx_taskmgr_quickadd_parse(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    ngx_int_t          rc;
    ngx_taskmgr_qa_t  *qa;

    qa = ngx_pcalloc(r->pool, sizeof(ngx_taskmgr_qa_t));
    if (qa == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->data = qa;
    tm_user_key(ctx->auth.sub, qa->pk, sizeof(qa->pk));

    rc = ngx_taskmgr_body_read(r, ctx, ngx_taskmgr_qa_body,
                               TM_BODY_REQUIRED, qa);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(qa->pk, qa->pk), 0,
                               "UserTimeZone", ngx_taskmgr_qa_zone);
}


static ngx_int_t
ngx_taskmgr_qa_zone(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    int                rc;
    char               key[TM_LIST_KEY_LEN];
    const char        *zone;
    ngx_taskmgr_qa_t  *qa;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    qa = ctx->data;
    zone = tm_ddb_get_s(json_object_get(ctx->call.reply, "Item"),
                        "UserTimeZone");

    rc = tm_quickadd_parse(qa->text, ngx_strlen(qa->text),
                           (long long) ngx_taskmgr_request_now(r, ctx), zone,
                           &qa->qa);

    if (rc == TM_QA_BAD_TEXT) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_field", qa->qa.title, "text");
    }

    if (rc == TM_QA_EMPTY_TITLE) {
        return ngx_taskmgr_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "empty_title", qa->qa.title, "text");
    }

    if (qa->qa.list[0] == '\0'
        || tm_list_name_key(qa->qa.list, key, sizeof(key)) < 0)
    {
        return ngx_taskmgr_qa_reply(r, ctx);
    }

    return ngx_taskmgr_ddb_get(r, ctx, tm_ddb_key(qa->pk, key), 0,
                               "ListId", ngx_taskmgr_qa_list);
}


static ngx_int_t
ngx_taskmgr_qa_list(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    const char        *id;
    ngx_taskmgr_qa_t  *qa;

    if (ctx->call.error) {
        return ngx_taskmgr_aws_fail(r, ctx);
    }

    qa = ctx->data;
    id = tm_ddb_get_s(json_object_get(ctx->call.reply, "Item"), "ListId");

    if (id) {
        qa->list_id = ngx_taskmgr_cstr(r->pool, (u_char *) id,
                                       ngx_strlen(id));
        if (qa->list_id == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    return ngx_taskmgr_qa_reply(r, ctx);
}


/* {"task": {title, dueDate, listId?, listName?, labels, priority,
 * repeat?}, "tokens": [{start, end, kind}...]}: offsets in UTF-16 code
 * units, as JavaScript indexes the text */

static ngx_int_t
ngx_taskmgr_qa_reply(ngx_http_request_t *r, ngx_taskmgr_ctx_t *ctx)
{
    char               due[24];
    size_t             i;
    json_t            *task, *labels, *tokens;
    ngx_taskmgr_qa_t  *qa;
    tm_quickadd_t     *p;

    qa = ctx->data;
    p = &qa->qa;

    labels = json_array();
    tokens = json_array();

    for (i = 0; labels && i < p->nlabels; i++) {
        json_array_append_new(labels, json_string(p->labels[i]));
    }

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

        if (qa->list_id) {
            json_object_set_new(task, "listId", json_string(qa->list_id));
        }
    }

    if (task && p->repeat[0]) {
        json_object_set_new(task, "repeat",
                            json_pack("{s:s, s:s}", "rule", p->repeat,
                                      "from", "due"));
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
