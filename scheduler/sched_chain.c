/*
 * Completion chains the task service could not finish (docs/architecture.md,
 * "3. The completion chain"): a task still carrying its outbox marker had
 * (1) written, and maybe (2).  Do (2)
 * the task_completed notification, the same item as the module's, under
 * the id derived from the completion time (OutboxAt), so that a chain the
 * module did finish meanwhile is a no-op; then (3) remove the marker, on
 * condition that it is still this completion's.  Its channels are
 * tm_channels' (completedEmail, completedSms, quiet hours), as the
 * module's.
 */

#include <stdio.h>
#include <string.h>

#include "sched.h"
#include "tm_ddb.h"
#include "tm_notification.h"
#include "tm_task.h"
#include "tm_user.h"
#include "tm_validate.h"


int
sched_chain_finish(sched_t *s, const json_t *task, const json_t *user)
{
    int                 rc;
    char                id[40];
    json_t             *item;
    long long           t;
    const char         *pk, *sk, *at, *title, *task_id;
    tm_notification_t   n;

    pk = tm_ddb_get_s(task, TM_PK);
    sk = tm_ddb_get_s(task, TM_SK);
    at = tm_ddb_get_s(task, "OutboxAt");
    title = tm_ddb_get_s(task, "Title");

    if (pk == NULL || sk == NULL || at == NULL
        || strncmp(pk, TM_USER_PREFIX, sizeof(TM_USER_PREFIX) - 1) != 0
        || strlen(pk) > 128
        || strncmp(sk, TM_TASK_PREFIX, sizeof(TM_TASK_PREFIX) - 1) != 0
        || !tm_uuid_valid(sk + sizeof(TM_TASK_PREFIX) - 1,
                          strlen(sk + sizeof(TM_TASK_PREFIX) - 1))
        || tm_parse_rfc3339(at, strlen(at), &t) != 0)
    {
        sched_log(SCHED_LOG_WARN, "malformed_item",
                  json_pack("{s:s, s:s?, s:s?}", "pass", "outbox",
                            "pk", pk, "sk", sk));
        return SCHED_EFAIL;
    }

    task_id = sk + sizeof(TM_TASK_PREFIX) - 1;

    if (user == NULL) {
        sched_log(SCHED_LOG_WARN, "user_missing",
                  json_pack("{s:s, s:s}", "pk", pk, "task", task_id));
    }

    if (title == NULL) {
        title = "";
    }

    memset(&n, 0, sizeof(n));
    n.pk = pk;
    n.type = "task_completed";
    n.task_id = task_id;
    n.task_title = title;
    n.event = at;
    n.timestamp = at;

    item = sched_notif_item(s, &n, user, id);

    rc = sched_notif_put(s, item);
    if (rc != SCHED_OK && rc != SCHED_CONDITION) {
        return rc;
    }

    rc = sched_ddb(s, "UpdateItem",
                   json_pack("{s:s, s:o, s:s, s:s, s:{s:{s:s}}}",
                             "TableName", s->conf->table,
                             "Key", tm_ddb_key(pk, sk),
                             "UpdateExpression",
                             "REMOVE OutboxShard, OutboxAt",
                             "ConditionExpression", "OutboxAt = :at",
                             "ExpressionAttributeValues",
                             ":at", "S", at),
                   NULL);

    if (rc == SCHED_OK || rc == SCHED_CONDITION) {
        sched_log(SCHED_LOG_INFO, "chain_finished",
                  json_pack("{s:s, s:s, s:s, s:b}", "task", task_id,
                            "completed_at", at, "notification", id,
                            "marker_moved_on", rc == SCHED_CONDITION));
        return SCHED_OK;
    }

    return rc;
}
