/*
 * libFuzzer target: request bodies, as the module reads them
 * (ngx_taskmgr_body.c: jansson, then tm_fields_read by a route's table),
 * through every table: tasks, lists, the users service's bodies.  What a
 * table accepts must be what its validators accept, and must make the
 * item or the update the handler builds next; a task body accepted goes
 * round: body -> item (tm_task_item) -> item text as DynamoDB returns it
 * -> API JSON (tm_ddb_item_parse, tm_task_write), which must say what the
 * body said, and so does a registration's user item (tm_user_json).
 */

#include <string.h>
#include <jansson.h>

#include "fuzz.h"
#include "tm_ddb.h"
#include "tm_ddb_item.h"
#include "tm_list.h"
#include "tm_task.h"
#include "tm_update.h"
#include "tm_user.h"
#include "tm_validate.h"
#include "tm_zone.h"


#define FZ_PK     "USER_6f1c2c9e-8a42-4d3b-9a1e-2f0c1b7d5e44"
#define FZ_ID     "0b7e2a9c-5d41-4f8e-b3a6-9c2d1e0f7a58"
#define FZ_NOW    "2026-11-25T17:00:00.123Z"
#define FZ_OUT    65536


/* the request's pool: what tm_fields_read allocates, freed at the end */
typedef struct {
    void    **p;
    size_t    n;
} fz_pool_t;


static void fz_fields(const tm_field_t *table, const void *target);


static void *
fz_alloc(void *data, size_t size)
{
    void       **p;
    fz_pool_t   *pool;

    pool = data;
    p = realloc(pool->p, (pool->n + 1) * sizeof(void *));
    if (p == NULL) {
        return NULL;
    }

    pool->p = p;
    pool->p[pool->n] = malloc(size);

    return pool->p[pool->n++];
}


static void
fz_free(fz_pool_t *pool)
{
    while (pool->n) {
        free(pool->p[--pool->n]);
    }

    free(pool->p);
    pool->p = NULL;
}


/* the result of a read: an error says what, or the fields are valid */
static int
fz_read(const json_t *body, const tm_field_t *table, unsigned mode,
    void *target, size_t size, fz_pool_t *pool)
{
    int               rc;
    tm_field_error_t  err;

    /* fields not in the table stay as they are: zero here */
    memset(&err, 0, sizeof(err));

    if (target) {
        memset(target, 0, size);
    }

    rc = tm_fields_read(body, table, mode, target, fz_alloc, pool, &err);

    fz_check(rc == 0 || rc == -1);
    fz_check(rc == 0 || (err.code && err.message && err.field));

    if (rc == 0) {
        fz_fields(table, target);
    }

    return rc;
}


/* what the table took, its rows accept: a field absent, cleared ("" when
 * nullable), or a value its row's check takes, for every kind */
static void
fz_fields(const tm_field_t *table, const void *target)
{
    long                       i;
    const char                *p, *v;
    const tm_field_t          *f;
    const tm_field_strings_t  *list;

    for (f = table; f->name; f++) {
        p = (const char *) target + f->offset;

        switch (f->kind) {

        case TM_FIELD_BOOL:
        case TM_FIELD_OBJECT:
            fz_check(*(const int *) p >= -1 && *(const int *) p <= 1);

            if (f->kind == TM_FIELD_OBJECT) {
                fz_fields(f->fields, target);
            }

            break;

        case TM_FIELD_INT:
            fz_check(*(const long long *) p == TM_FIELD_NO_INT
                     || (*(const long long *) p >= f->min
                         && *(const long long *) p <= f->max));
            break;

        case TM_FIELD_STRINGS:
            list = (const tm_field_strings_t *) p;
            fz_check(list->n >= -1 && list->n <= f->max);

            for (i = 0; i < list->n; i++) {
                fz_check(f->valid(list->items[i], strlen(list->items[i]))
                         == NULL);
            }

            break;

        default:
            v = *(const char *const *) p;

            if (v == NULL || ((f->flags & TM_FIELD_NULLABLE) && *v == '\0')) {
                break;
            }

            fz_check(f->kind != TM_FIELD_DATETIME
                     || (tm_valid_datetime(v, strlen(v)) == NULL
                         && strlen(v) == 20));
            fz_check(f->kind != TM_FIELD_ENUM
                     || tm_enum_index(f->values, v, strlen(v)) >= 0);
            fz_check(f->valid == NULL || f->valid(v, strlen(v)) == NULL);
        }
    }
}


static void
fz_update(tm_update_t *u, int rc)
{
    char    *text;
    json_t  *req;

    if (rc == 0) {
        req = tm_update_request(u, "TaskManager", tm_ddb_key(FZ_PK, FZ_PK),
                                "ALL_NEW");
        fz_check(req != NULL);
        text = json_dumps(req, JSON_COMPACT);
        fz_check(text != NULL);
        free(text);
        json_decref(req);
    }

    tm_update_free(u);
}


/* the API JSON of the task item made of f says what f says */
static void
fz_task_round(tm_task_fields_t *f)
{
    long            i, n;
    char           *text, *out;
    json_t         *item, *api, *labels;
    tm_ddb_item_t  *read;

    item = tm_task_item(f, FZ_PK, FZ_ID, FZ_NOW, 4);
    fz_check(item != NULL);

    text = json_dumps(item, JSON_COMPACT);
    fz_check(text != NULL);

    read = malloc(sizeof(tm_ddb_item_t));
    out = malloc(FZ_OUT);

    fz_check(tm_ddb_item_parse(text, strlen(text), read) == 0);

    n = tm_task_write(read, out, FZ_OUT);
    fz_check(n > 0);

    api = json_loadb(out, (size_t) n, JSON_REJECT_DUPLICATES, NULL);
    fz_check(api != NULL);

    fz_check(strcmp(json_string_value(json_object_get(api, "id")), FZ_ID)
             == 0);
    fz_check(strcmp(json_string_value(json_object_get(api, "title")),
                    f->title) == 0);
    fz_check(strcmp(json_string_value(json_object_get(api, "description")),
                    f->description ? f->description : "") == 0);
    fz_check(strcmp(json_string_value(json_object_get(api, "status")),
                    f->status ? f->status : "pending") == 0);
    fz_check(f->due && *f->due
             ? strcmp(json_string_value(json_object_get(api, "dueDate")),
                      f->due) == 0
             : json_is_null(json_object_get(api, "dueDate")));
    fz_check(json_integer_value(json_object_get(api, "priority"))
             == (f->priority == TM_FIELD_NO_INT ? TM_PRIORITY_LOW
                                                : f->priority));

    labels = json_object_get(api, "labels");
    fz_check(json_array_size(labels)
             == (size_t) (f->labels.n > 0 ? f->labels.n : 0));

    for (i = 0; i < f->labels.n; i++) {
        fz_check(strcmp(json_string_value(json_array_get(labels, i)),
                        f->labels.items[i]) == 0);
    }

    json_decref(api);
    free(out);
    free(read);
    free(text);
    json_decref(item);
}


static void
fz_task(const json_t *body, unsigned mode)
{
    int                rc;
    json_t            *old;
    fz_pool_t          pool = { NULL, 0 };
    tm_update_t        u;
    tm_task_fields_t   f, first;
    tm_task_effects_t  fx;

    if (fz_read(body, tm_task_body, mode, &f, sizeof(f), &pool) == 0) {
        if (mode == TM_BODY_REQUIRED) {
            fz_task_round(&f);

        } else {
            /* a PATCH of a stored task */
            memset(&first, 0, sizeof(first));
            first.title = "Pay the rent";
            first.due = "2026-12-01T09:00:00Z";
            first.priority = TM_FIELD_NO_INT;
            first.labels.n = -1;

            old = tm_task_item(&first, FZ_PK, FZ_ID, FZ_NOW, 4);
            tm_update_init(&u);
            rc = tm_task_patch(old, &f, FZ_ID, FZ_NOW, 4, NULL, &u, &fx);

            /* or a field refused (repeat, reminders): the API's 400 */
            fz_check(rc == 0 || fx.why != NULL);
            fz_update(&u, rc);
            json_decref(old);
        }
    }

    fz_free(&pool);
}


static void
fz_list(const json_t *body, unsigned mode)
{
    char              key[TM_LIST_KEY_LEN];
    json_t           *item, *api;
    fz_pool_t         pool = { NULL, 0 };
    tm_list_fields_t  f;

    if (fz_read(body, tm_list_body, mode, &f, sizeof(f), &pool) == 0
        && mode == TM_BODY_REQUIRED)
    {
        fz_check(f.name != NULL && tm_list_name_key(f.name, key, sizeof(key))
                                   > 0);

        item = tm_list_item(&f, FZ_PK, FZ_ID, key, 3, FZ_NOW);
        fz_check(item != NULL);

        api = tm_list_json(item, 0);
        fz_check(api != NULL);
        fz_check(strcmp(json_string_value(json_object_get(api, "name")),
                        f.name) == 0);

        json_decref(api);
        json_decref(item);
    }

    fz_free(&pool);
}


/* the user item of a registration says what the body said */
static void
fz_user_round(const tm_user_fields_t *f)
{
    json_t     *item, *api;
    tm_user_t   u;

    memset(&u, 0, sizeof(u));
    u.sub = FZ_ID;
    u.email = f->email;
    u.first_name = f->first_name;
    u.last_name = f->last_name;
    u.time_zone = f->time_zone;
    u.now = FZ_NOW;

    item = tm_user_item(&u);
    fz_check(item != NULL);

    api = tm_user_json(item);
    fz_check(api != NULL);

    fz_check(strcmp(json_string_value(json_object_get(api, "email")),
                    f->email) == 0);
    fz_check(strcmp(json_string_value(json_object_get(api, "firstName")),
                    f->first_name) == 0);
    fz_check(strcmp(json_string_value(json_object_get(api, "lastName")),
                    f->last_name) == 0);
    fz_check(strcmp(json_string_value(json_object_get(api, "timeZone")),
                    f->time_zone ? f->time_zone : TM_ZONE_DEFAULT) == 0);

    json_decref(api);
    json_decref(item);
}


static void
fz_user(const json_t *body, const tm_field_t *table, unsigned mode)
{
    int               rc, sms;
    fz_pool_t         pool = { NULL, 0 };
    const char       *field;
    tm_update_t       u;
    tm_user_fields_t  f;

    rc = fz_read(body, table, mode, &f, sizeof(f), &pool);

    if (rc == 0 && table == tm_user_register_body) {
        fz_user_round(&f);
    }

    if (rc == 0 && table == tm_user_patch_body
        && tm_user_patch_check(&f, &field) == NULL)
    {
        tm_update_init(&u);
        rc = tm_user_patch(&f, &FZ_PK[5], FZ_NOW, 4, &u, &sms);
        fz_check(rc == 0);
        fz_update(&u, rc);
    }

    fz_free(&pool);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t     *body;
    fz_pool_t   pool = { NULL, 0 };

    /* as the module reads a body; what is no object is refused there */
    body = json_loadb((const char *) data, size, JSON_REJECT_DUPLICATES,
                      NULL);

    fz_task(body, TM_BODY_REQUIRED);
    fz_task(body, TM_BODY_PATCH);
    fz_list(body, TM_BODY_REQUIRED);
    fz_list(body, TM_BODY_PATCH);
    fz_user(body, tm_user_register_body, TM_BODY_REQUIRED);
    fz_user(body, tm_user_confirm_body, TM_BODY_REQUIRED);
    fz_user(body, tm_user_email_body, TM_BODY_REQUIRED);
    fz_user(body, tm_user_reset_body, TM_BODY_REQUIRED);
    fz_user(body, tm_user_change_body, TM_BODY_REQUIRED);
    fz_user(body, tm_user_login_body, TM_BODY_REQUIRED);
    fz_user(body, tm_user_refresh_body, TM_BODY_OPTIONAL);
    fz_user(body, tm_user_patch_body, TM_BODY_PATCH);

    (void) fz_read(body, tm_no_body, TM_BODY_OPTIONAL, NULL, 0, &pool);
    fz_free(&pool);

    json_decref(body);

    return 0;
}
