/*
 * List deletions the tasks service could not finish
 * (ngx_taskmgr_lists_delete.c): a list marked ListDeleting (move or
 * delete) carries an outbox marker whose OutboxAt is the request's lease;
 * past it the drain finds the list here.  Its tasks are moved to the inbox
 * or deleted as the request would have, each write conditional on the
 * task still being in the list (a request still at work, or a second
 * scheduler, makes them no-ops), then the list and its name claim go.
 */

#include <stdio.h>
#include <string.h>

#include "sched.h"
#include "tm_ddb.h"
#include "tm_list.h"
#include "tm_task.h"
#include "tm_time.h"
#include "tm_user.h"


typedef struct {
    const char  *list_id;
    const char  *mode;
    char         now[32];
    long         tasks;
} sched_list_t;


static int
sched_list_task(sched_t *s, void *ctx, const json_t *item,
    const json_t *users)
{
    int            rc;
    json_t        *key;
    sched_list_t  *l;

    (void) users;

    l = ctx;
    key = json_pack("{s:O, s:O}", TM_PK, json_object_get(item, TM_PK),
                    TM_SK, json_object_get(item, TM_SK));

    if (strcmp(l->mode, "delete") == 0) {
        rc = sched_ddb(s, "DeleteItem",
                       json_pack("{s:s, s:o, s:s, s:{s:{s:s}}}",
                                 "TableName", s->conf->table, "Key", key,
                                 "ConditionExpression", "ListId = :list",
                                 "ExpressionAttributeValues",
                                 ":list", "S", l->list_id),
                       NULL);

    } else {
        rc = sched_ddb(s, "UpdateItem",
                       tm_task_move_request(s->conf->table, key, item,
                                            l->list_id, TM_LIST_INBOX, l->now),
                       NULL);
    }

    if (rc == SCHED_OK) {
        l->tasks++;
    }

    return rc == SCHED_CONDITION ? SCHED_OK : rc;
}


int
sched_list_finish(sched_t *s, const json_t *list)
{
    int           rc;
    const char   *pk, *sk, *key;
    sched_list_t  l;

    memset(&l, 0, sizeof(l));
    pk = tm_ddb_get_s(list, TM_PK);
    sk = tm_ddb_get_s(list, TM_SK);
    l.mode = tm_ddb_get_s(list, "ListDeleting");
    l.list_id = tm_list_id(list);
    key = tm_ddb_get_s(list, "ListNameKey");

    if (pk == NULL || l.list_id == NULL || l.mode == NULL
        || strncmp(pk, TM_USER_PREFIX, sizeof(TM_USER_PREFIX) - 1) != 0
        || strcmp(l.list_id, TM_LIST_INBOX) == 0
        || (strcmp(l.mode, "move") != 0 && strcmp(l.mode, "delete") != 0))
    {
        sched_log(SCHED_LOG_WARN, "malformed_item",
                  json_pack("{s:s, s:s?, s:s?}", "pass", "outbox",
                            "pk", pk, "sk", sk));
        return SCHED_EFAIL;
    }

    tm_time_ms(sched_now_ms(s), l.now);

    rc = sched_ddb_query(s,
             json_pack("{s:s, s:s, s:s, s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}},"
                       " s:b}",
                       "TableName", s->conf->table,
                       "KeyConditionExpression",
                       "EntityPartition = :pk"
                       " AND begins_with(EntitySort, :task)",
                       "FilterExpression", "ListId = :list",
                       "ProjectionExpression",
                       "EntityPartition, EntitySort, Priority, TaskDueSort",
                       "ExpressionAttributeValues",
                       ":pk", "S", pk, ":task", "S", TM_TASK_PREFIX,
                       ":list", "S", l.list_id,
                       "ConsistentRead", 1),
             sched_list_task, &l);
    if (rc != SCHED_OK) {
        return rc;
    }

    rc = sched_ddb(s, "DeleteItem",
                   json_pack("{s:s, s:o, s:s}",
                             "TableName", s->conf->table,
                             "Key", tm_ddb_key(pk, sk),
                             "ConditionExpression",
                             "attribute_exists(ListDeleting)"),
                   NULL);
    if (rc != SCHED_OK && rc != SCHED_CONDITION) {
        return rc;
    }

    if (key) {
        rc = sched_ddb(s, "DeleteItem",
                       json_pack("{s:s, s:o, s:s, s:{s:{s:s}}}",
                                 "TableName", s->conf->table,
                                 "Key", tm_ddb_key(pk, key),
                                 "ConditionExpression", "ListId = :id",
                                 "ExpressionAttributeValues",
                                 ":id", "S", l.list_id),
                       NULL);
        if (rc != SCHED_OK && rc != SCHED_CONDITION) {
            return rc;
        }
    }

    sched_log(SCHED_LOG_INFO, "list_deletion_finished",
              json_pack("{s:s, s:s, s:s, s:I}", "pk", pk, "list", l.list_id,
                        "mode", l.mode, "tasks", (json_int_t) l.tasks));

    return SCHED_OK;
}
