/*
 * Account deletions (DELETE /api/users/me, ngx_taskmgr_delete.c): the
 * request writes the marker USER_<sub> / DELETING with an outbox marker
 * due at once, ends the sessions, deletes the Cognito user and answers
 * 202; the drain finds the marker here and deletes the rest.  Every step
 * may run again (a request cut after its marker, a pass cut short):
 *
 *   1. the Cognito user, unless the request noted it deleted
 *      (CognitoDeleted), if it is still the one of this sub (AdminGetUser,
 *      then AdminDeleteUser; the email may have registered again since,
 *      as a new user with another sub, left alone);
 *   2. the user's sessions: REVOKEDUSER_<sub> refuses every token signed
 *      in until now, kept a day (the longest an access token lives; no
 *      refresh works for a deleted user), then left to the TTL;
 *   3. the calendar feed item CALFEED_<hash> the user item names (the
 *      user's one item outside the partition), if it is the user's;
 *   4. the partition, a Query page at a time from its start, deleted by
 *      BatchWriteItem (25 keys each, unprocessed keys sent again), until
 *      only the marker is left;
 *   5. the marker.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sched.h"
#include "tm_ddb.h"
#include "tm_user.h"


#define SCHED_DELETE_PAGE       100
#define SCHED_DELETE_BATCH      25
#define SCHED_DELETE_TRIES      5
#define SCHED_DELETE_SESSIONS   86400     /* an access token's longest life */
#define SCHED_COGNITO_TARGET    "AWSCognitoIdentityProviderService."


static int sched_delete_cognito(sched_t *s, const char *sub,
    const char *username);
static int sched_cognito(sched_t *s, const char *op, json_t *req,
    json_t **reply, const char **type);
static int sched_delete_sessions(sched_t *s, const char *sub);
static int sched_delete_feed(sched_t *s, const char *pk);
static int sched_delete_items(sched_t *s, const char *pk, long *items);
static int sched_delete_batch(sched_t *s, json_t *requests);


int
sched_delete_finish(sched_t *s, const json_t *marker)
{
    int          rc, cognito;
    long         items;
    const char  *pk, *sub, *username, *step;

    pk = tm_ddb_get_s(marker, TM_PK);
    sub = tm_ddb_get_s(marker, "Sub");
    username = tm_ddb_get_s(marker, "Username");

    if (pk == NULL || sub == NULL || username == NULL || *sub == '\0'
        || strncmp(pk, TM_USER_PREFIX, sizeof(TM_USER_PREFIX) - 1) != 0
        || strcmp(pk + sizeof(TM_USER_PREFIX) - 1, sub) != 0)
    {
        sched_log(SCHED_LOG_WARN, "malformed_item",
                  json_pack("{s:s, s:s?, s:s}", "pass", "outbox", "pk", pk,
                            "sk", TM_USER_DELETING_SK));
        return SCHED_EFAIL;
    }

    cognito = !tm_ddb_get_bool(marker, "CognitoDeleted", 0);

    /* without Cognito the account would outlive its items */
    if (cognito && s->conf->user_pool == NULL) {
        sched_log(SCHED_LOG_WARN, "account_deletion_waits",
                  json_pack("{s:s, s:s}", "sub", sub, "reason",
                            "user_pool is not set in scheduler.conf"));
        return SCHED_EFAIL;
    }

    items = 0;
    step = "cognito";
    rc = cognito ? sched_delete_cognito(s, sub, username) : SCHED_OK;

    if (rc == SCHED_OK) {
        step = "sessions";
        rc = sched_delete_sessions(s, sub);
    }

    if (rc == SCHED_OK) {
        step = "feed";
        rc = sched_delete_feed(s, pk);
    }

    if (rc == SCHED_OK) {
        step = "items";
        rc = sched_delete_items(s, pk, &items);
    }

    if (rc == SCHED_OK) {
        step = "marker";
        rc = sched_ddb(s, "DeleteItem",
                       json_pack("{s:s, s:o}", "TableName", s->conf->table,
                                 "Key", tm_ddb_key(pk, TM_USER_DELETING_SK)),
                       NULL);
    }

    if (rc != SCHED_OK) {
        /* the marker stays: the next drain goes on from here */
        sched_log(SCHED_LOG_WARN, "account_deletion_incomplete",
                  json_pack("{s:s, s:s, s:i}", "sub", sub, "step", step,
                            "items", (int) items));
        return rc == SCHED_EUNAVAIL ? SCHED_EFAIL : rc;
    }

    sched_log(SCHED_LOG_INFO, "account_deletion_finished",
              json_pack("{s:s, s:i}", "sub", sub, "items", (int) items));

    return SCHED_OK;
}


/* 1: the Cognito user of this sub, if there is still one */

static int
sched_delete_cognito(sched_t *s, const char *sub, const char *username)
{
    int          rc;
    size_t       i;
    json_t      *reply, *attr;
    const char  *type, *name, *value;

    rc = sched_cognito(s, "AdminGetUser",
                       json_pack("{s:s, s:s}", "UserPoolId",
                                 s->conf->user_pool, "Username", username),
                       &reply, &type);

    if (rc == SCHED_EFAIL && type
        && strcmp(type, "UserNotFoundException") == 0)
    {
        return SCHED_OK;
    }

    if (rc != SCHED_OK) {
        return rc;
    }

    value = NULL;

    json_array_foreach(json_object_get(reply, "UserAttributes"), i, attr) {
        name = json_string_value(json_object_get(attr, "Name"));

        if (name && strcmp(name, "sub") == 0) {
            value = json_string_value(json_object_get(attr, "Value"));
        }
    }

    /* the name is someone else's now (the email registered again) */
    if (value == NULL || strcmp(value, sub) != 0) {
        json_decref(reply);
        return SCHED_OK;
    }

    json_decref(reply);

    rc = sched_cognito(s, "AdminDeleteUser",
                       json_pack("{s:s, s:s}", "UserPoolId",
                                 s->conf->user_pool, "Username", username),
                       NULL, &type);

    if (rc == SCHED_EFAIL && type
        && strcmp(type, "UserNotFoundException") == 0)
    {
        return SCHED_OK;
    }

    return rc;
}


/* one Cognito call (req is stolen): SCHED_OK with *reply (a new
 * reference, if asked for), else *type is the error's name (or NULL) */

static int
sched_cognito(sched_t *s, const char *op, json_t *req, json_t **reply,
    const char **type)
{
    int           rc;
    long          status;
    char         *body, target[96], err[256];
    json_t       *j;
    sched_buf_t   out;
    json_error_t  jerr;
    static char   last[64];

    *type = NULL;

    if (reply) {
        *reply = NULL;
    }

    body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);

    if (body == NULL) {
        return SCHED_EFAIL;
    }

    snprintf(target, sizeof(target), SCHED_COGNITO_TARGET "%s", op);

    rc = sched_aws_post(s, s->ddb, s->conf->cognito_endpoint, "/",
                        "cognito-idp", "application/x-amz-json-1.1", target,
                        body, strlen(body), &status, &out, err, sizeof(err));
    free(body);

    if (rc != 0) {
        sched_log(SCHED_LOG_WARN, "cognito_error",
                  json_pack("{s:s, s:s}", "op", op, "error", err));
        return SCHED_EUNAVAIL;
    }

    j = json_loadb(out.data, out.len, 0, &jerr);
    free(out.data);

    if (status == 200 && json_is_object(j)) {
        if (reply) {
            *reply = j;

        } else {
            json_decref(j);
        }

        return SCHED_OK;
    }

    if (json_is_object(j) && tm_ddb_error_type(j)) {
        snprintf(last, sizeof(last), "%s", tm_ddb_error_type(j));
        *type = last;
    }

    json_decref(j);

    if (*type && strcmp(*type, "UserNotFoundException") == 0) {
        return SCHED_EFAIL;
    }

    sched_log(SCHED_LOG_WARN, "cognito_error",
              json_pack("{s:s, s:i, s:s?}", "op", op, "status", (int) status,
                        "type", *type));

    return (status >= 500 || status == 429 || status == 403)
           ? SCHED_EUNAVAIL : SCHED_EFAIL;
}


/* 2: every token of the user refused (the request's record written again,
 * should the request have stopped before it), for a day */

static int
sched_delete_sessions(sched_t *s, const char *sub)
{
    char       key[192];
    long long  now;

    /* auth_time is real time, whatever --now says */
    now = (long long) time(NULL);
    snprintf(key, sizeof(key), "REVOKEDUSER_%s", sub);

    return sched_ddb(s, "PutItem",
                     json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:o, s:o,"
                               " s:{s:s}}}",
                               "TableName", s->conf->table,
                               "Item",
                               TM_PK, "S", key, TM_SK, "S", key,
                               "RevokedBefore", tm_ddb_n(now),
                               "NotificationExpiry",
                               tm_ddb_n(now + SCHED_DELETE_SESSIONS),
                               "Sub", "S", sub),
                     NULL);
}


/* 3: the feed item the user item names, if it is still this user's */

static int
sched_delete_feed(sched_t *s, const char *pk)
{
    int          rc;
    char         key[160];
    json_t      *reply;
    const char  *hash;

    rc = sched_ddb(s, "GetItem",
                   json_pack("{s:s, s:o, s:b, s:s}",
                             "TableName", s->conf->table,
                             "Key", tm_ddb_key(pk, pk),
                             "ConsistentRead", 1,
                             "ProjectionExpression", "CalendarFeed"),
                   &reply);
    if (rc != SCHED_OK) {
        return rc;
    }

    hash = tm_ddb_get_s(json_object_get(reply, "Item"), "CalendarFeed");

    if (hash == NULL || *hash == '\0' || strlen(hash) > 128) {
        json_decref(reply);
        return SCHED_OK;
    }

    snprintf(key, sizeof(key), "CALFEED_%s", hash);
    json_decref(reply);

    rc = sched_ddb(s, "DeleteItem",
                   json_pack("{s:s, s:o, s:s, s:{s:s}, s:{s:{s:s}}}",
                             "TableName", s->conf->table,
                             "Key", tm_ddb_key(key, key),
                             "ConditionExpression", "#o = :o",
                             "ExpressionAttributeNames", "#o", "Owner",
                             "ExpressionAttributeValues",
                             ":o", "S", pk),
                   NULL);

    return rc == SCHED_CONDITION ? SCHED_OK : rc;
}


/*
 * 4: the partition from its start, a page at a time: what is deleted is
 * not read again, so each Query finds the next items, and a write that
 * came in meanwhile (another node's cached session) is found too.  Done
 * when a page holds nothing but the marker.
 */

static int
sched_delete_items(sched_t *s, const char *pk, long *items)
{
    int          rc;
    long         found;
    size_t       i;
    json_t      *reply, *item, *requests;
    const char  *sk;

    for ( ;; ) {
        (void) sched_lease_keep(s);

        if (sched_stop) {
            return SCHED_EUNAVAIL;
        }

        rc = sched_ddb(s, "Query",
                       json_pack("{s:s, s:s, s:s, s:{s:{s:s}}, s:i, s:b}",
                                 "TableName", s->conf->table,
                                 "KeyConditionExpression",
                                 "EntityPartition = :pk",
                                 "ProjectionExpression",
                                 "EntityPartition, EntitySort",
                                 "ExpressionAttributeValues",
                                 ":pk", "S", pk,
                                 "Limit", SCHED_DELETE_PAGE,
                                 "ConsistentRead", 1),
                       &reply);
        if (rc != SCHED_OK) {
            return rc == SCHED_CONDITION ? SCHED_EFAIL : rc;
        }

        found = 0;
        requests = json_array();

        json_array_foreach(json_object_get(reply, "Items"), i, item) {
            sk = tm_ddb_get_s(item, TM_SK);

            if (sk == NULL || strcmp(sk, TM_USER_DELETING_SK) == 0) {
                continue;
            }

            found++;
            json_array_append_new(requests,
                json_pack("{s:{s:o}}", "DeleteRequest",
                          "Key", tm_ddb_key(pk, sk)));

            if (json_array_size(requests) == SCHED_DELETE_BATCH) {
                rc = sched_delete_batch(s, requests);
                requests = json_array();

                if (rc != SCHED_OK) {
                    break;
                }
            }
        }

        json_decref(reply);

        if (rc == SCHED_OK && json_array_size(requests)) {
            rc = sched_delete_batch(s, requests);

        } else {
            json_decref(requests);
        }

        if (rc != SCHED_OK) {
            return rc;
        }

        *items += found;

        if (found == 0) {
            return SCHED_OK;
        }
    }
}


/* one BatchWriteItem of delete requests (stolen), its unprocessed ones
 * sent again with a growing wait */

static int
sched_delete_batch(sched_t *s, json_t *requests)
{
    int      rc, try;
    json_t  *reply, *left;

    for (try = 1; /* void */ ; try++) {
        rc = sched_ddb(s, "BatchWriteItem",
                       json_pack("{s:{s:O}}", "RequestItems",
                                 s->conf->table, requests),
                       &reply);
        json_decref(requests);

        if (rc != SCHED_OK) {
            return rc == SCHED_CONDITION ? SCHED_EFAIL : rc;
        }

        left = json_object_get(json_object_get(reply, "UnprocessedItems"),
                               s->conf->table);

        if (json_array_size(left) == 0) {
            json_decref(reply);
            return SCHED_OK;
        }

        requests = json_incref(left);
        json_decref(reply);

        if (try == SCHED_DELETE_TRIES || sched_stop) {
            json_decref(requests);
            return SCHED_EUNAVAIL;
        }

        sched_sleep_ms(100LL << try);
    }
}
