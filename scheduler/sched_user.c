/*
 * The owners of a page of items (tasks or notifications): their user
 * items, by BatchGetItem, 100 keys a call, unprocessed keys asked again.
 * A user item that is missing is simply absent from the result.
 */

#include <stdio.h>
#include <string.h>

#include "sched.h"
#include "tm_ddb.h"
#include "tm_user.h"


#define SCHED_BATCH       100
#define SCHED_BATCH_TRIES 5


static int sched_users_batch(sched_t *s, json_t *keys, json_t *users);


int
sched_users(sched_t *s, const json_t *items, json_t **users)
{
    int            rc;
    size_t         i;
    json_t        *seen, *keys, *item;
    const char    *pk;

    *users = json_object();
    seen = json_object();
    keys = json_array();

    if (*users == NULL || seen == NULL || keys == NULL) {
        rc = SCHED_EFAIL;
        goto done;
    }

    rc = SCHED_OK;

    json_array_foreach(items, i, item) {
        pk = tm_ddb_get_s(item, TM_PK);

        if (pk == NULL
            || strncmp(pk, TM_USER_PREFIX, sizeof(TM_USER_PREFIX) - 1) != 0
            || json_object_get(seen, pk))
        {
            continue;
        }

        json_object_set_new(seen, pk, json_true());
        json_array_append_new(keys, tm_ddb_key(pk, pk));

        if (json_array_size(keys) == SCHED_BATCH) {
            rc = sched_users_batch(s, keys, *users);
            json_array_clear(keys);

            if (rc != SCHED_OK) {
                goto done;
            }
        }
    }

    if (json_array_size(keys)) {
        rc = sched_users_batch(s, keys, *users);
    }

done:

    json_decref(seen);
    json_decref(keys);

    if (rc != SCHED_OK) {
        json_decref(*users);
        *users = NULL;
    }

    return rc;
}


static int
sched_users_batch(sched_t *s, json_t *keys, json_t *users)
{
    int            rc, try;
    size_t         i;
    json_t        *reply, *req, *got, *item, *left;
    const char    *pk, *table;

    table = s->conf->table;
    json_incref(keys);

    for (try = 0; try < SCHED_BATCH_TRIES; try++) {
        req = json_pack("{s:{s:{s:o, s:s}}}", "RequestItems", table,
                        "Keys", keys,
                        "ProjectionExpression",
                        "EntityPartition, Email, FirstName, PhoneNumber, "
                        "PhoneVerified, "
                        "NotificationPreferences, UserTimeZone, "
                        "QuietHours, Digest");

        rc = sched_ddb(s, "BatchGetItem", req, &reply);
        if (rc != SCHED_OK) {
            return rc == SCHED_CONDITION ? SCHED_EFAIL : rc;
        }

        got = json_object_get(json_object_get(reply, "Responses"), table);

        json_array_foreach(got, i, item) {
            pk = tm_ddb_get_s(item, TM_PK);
            if (pk) {
                json_object_set(users, pk, item);
            }
        }

        left = json_object_get(json_object_get(json_object_get(reply,
                                                    "UnprocessedKeys"),
                                               table),
                               "Keys");

        if (json_array_size(left) == 0) {
            json_decref(reply);
            return SCHED_OK;
        }

        /* throttled in part: ask again for what was left, after a pause */
        keys = json_incref(left);
        json_decref(reply);
        sched_sleep_ms(100LL << try);
    }

    json_decref(keys);

    sched_log(SCHED_LOG_WARN, "users_unprocessed",
              json_pack("{s:i}", "tries", SCHED_BATCH_TRIES));

    return SCHED_EUNAVAIL;
}
