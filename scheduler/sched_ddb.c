/*
 * DynamoDB calls: one request, its reply classified.  A busy or absent
 * DynamoDB is retried a few times here (short waits); longer outages are
 * the caller's: the pass stops and runs again later.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "tm_aws.h"
#include "tm_ddb.h"


#define SCHED_DDB_TRIES    3
#define SCHED_DDB_WAIT_MS  200


static int sched_ddb_once(sched_t *s, const char *op, const char *body,
    size_t len, json_t **reply, char *err, size_t errlen);


int
sched_ddb(sched_t *s, const char *op, json_t *req, json_t **reply)
{
    int     rc, try;
    char   *body, err[256];
    size_t  len;

    if (reply) {
        *reply = NULL;
    }

    if (req == NULL) {
        sched_log(SCHED_LOG_ERROR, "ddb_request",
                  json_pack("{s:s, s:s}", "op", op,
                            "error", "could not build the request"));
        return SCHED_EFAIL;
    }

    body = json_dumps(req, JSON_COMPACT);
    json_decref(req);

    if (body == NULL) {
        return SCHED_EFAIL;
    }

    len = strlen(body);

    s->calls[s->shard >= 0 && s->shard < SCHED_SHARDS_MAX
             ? s->shard : SCHED_SHARDS_MAX]++;

    for (try = 1; /* void */ ; try++) {
        rc = sched_ddb_once(s, op, body, len, reply, err, sizeof(err));

        if (rc != SCHED_EUNAVAIL || try == SCHED_DDB_TRIES || sched_stop) {
            break;
        }

        sched_sleep_ms((long long) SCHED_DDB_WAIT_MS << (try - 1));
    }

    free(body);

    if (rc == SCHED_EUNAVAIL || rc == SCHED_EFAIL) {
        sched_log(rc == SCHED_EUNAVAIL ? SCHED_LOG_WARN : SCHED_LOG_ERROR,
                  "ddb_error",
                  json_pack("{s:s, s:s, s:i, s:b}", "op", op, "error", err,
                            "tries", try, "retryable",
                            rc == SCHED_EUNAVAIL));
    }

    return rc;
}


int
sched_ddb_query(sched_t *s, json_t *req, sched_item_pt handler, void *ctx)
{
    int      rc;
    size_t   i;
    json_t  *reply, *items, *item, *users, *lek;

    lek = NULL;

    do {
        if (req && lek) {
            json_object_set_new(req, "ExclusiveStartKey", lek);
            lek = NULL;
        }

        /* sched_ddb() steals one reference; req is kept for the next page */
        rc = sched_ddb(s, "Query", json_incref(req), &reply);
        if (rc != SCHED_OK) {
            json_decref(req);
            return rc == SCHED_CONDITION ? SCHED_EFAIL : rc;
        }

        items = json_object_get(reply, "Items");

        rc = sched_users(s, items, &users);
        if (rc != SCHED_OK) {
            json_decref(reply);
            json_decref(req);
            return rc;
        }

        json_array_foreach(items, i, item) {
            if (sched_stop) {
                break;
            }

            rc = handler(s, ctx, item, users);
            if (rc != SCHED_OK) {
                break;
            }
        }

        lek = json_incref(json_object_get(reply, "LastEvaluatedKey"));
        json_decref(users);
        json_decref(reply);

    } while (lek && rc == SCHED_OK && !sched_stop);

    json_decref(lek);
    json_decref(req);

    return rc;
}


static int
sched_ddb_once(sched_t *s, const char *op, const char *body, size_t len,
    json_t **reply, char *err, size_t errlen)
{
    int           class;
    long          status;
    char          target[64];
    json_t       *j;
    sched_buf_t   out;
    const char   *type, *msg;
    json_error_t  jerr;

    snprintf(target, sizeof(target), "DynamoDB_20120810.%s", op);

    if (sched_aws_post(s, s->ddb, s->conf->dynamodb_endpoint, "/",
                       "dynamodb", "application/x-amz-json-1.0", target,
                       body, len, &status, &out, err, errlen)
        != 0)
    {
        sched_metrics_ddb(op, SCHED_EUNAVAIL, 0, err);
        return SCHED_EUNAVAIL;
    }

    j = json_loadb(out.data, out.len, 0, &jerr);
    free(out.data);

    if (!json_is_object(j)) {
        json_decref(j);
        snprintf(err, errlen, "HTTP %ld with a reply that is not JSON",
                 status);
        sched_metrics_ddb(op, SCHED_EFAIL, 0, NULL);
        return status >= 500 ? SCHED_EUNAVAIL : SCHED_EFAIL;
    }

    if (status == 200) {
        sched_metrics_ddb(op, SCHED_OK, 0, NULL);

        if (reply) {
            *reply = j;

        } else {
            json_decref(j);
        }

        return SCHED_OK;
    }

    type = tm_ddb_error_type(j);
    msg = tm_ddb_error_message(j);
    snprintf(err, errlen, "HTTP %ld %s: %s", status, type ? type : "?",
             msg ? msg : "");

    class = tm_aws_error_class(type);
    json_decref(j);

    sched_metrics_ddb(op, class == TM_AWS_CONDITION ? SCHED_CONDITION
                                                     : SCHED_EFAIL,
                      class == TM_AWS_THROTTLED, NULL);

    if (class == TM_AWS_CONDITION) {
        return SCHED_CONDITION;
    }

    return (status >= 500 || class == TM_AWS_THROTTLED
            || class == TM_AWS_TRANSIENT) ? SCHED_EUNAVAIL : SCHED_EFAIL;
}

