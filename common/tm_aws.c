/*
 * What the module's and the scheduler's AWS calls share: the error
 * classes, the signed headers, the credentials endpoint's reply.  One
 * table of error names serves both, where each once kept its own list
 * and the two had drifted apart.
 */

#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "tm_aws.h"
#include "tm_validate.h"


typedef struct {
    const char  *type;
    int          class;
} tm_aws_error_t;


static int tm_aws_creds_string(json_t *j, const char *name, int required,
    size_t size, const char **value, char *err, size_t errlen);


/*
 * DynamoDB, Cognito, SNS and STS names; any other is TM_AWS_OTHER.
 */

static const tm_aws_error_t  tm_aws_errors[] = {

    /* DynamoDB: a table or index over its provisioned capacity */
    { "ProvisionedThroughputExceededException", TM_AWS_THROTTLED },

    /* the API rate of an account: DynamoDB's control plane, Cognito, STS */
    { "ThrottlingException", TM_AWS_THROTTLED },

    /* DynamoDB: the account's throughput quota */
    { "RequestLimitExceeded", TM_AWS_THROTTLED },

    /* Cognito: a user pool's request rate */
    { "TooManyRequestsException", TM_AWS_THROTTLED },

    /*
     * DynamoDB: too many control-plane operations at once; Cognito: too
     * many attempts of one kind (codes sent, password resets) for now.
     * Both pass with time.
     */
    { "LimitExceededException", TM_AWS_THROTTLED },

    /* DynamoDB's 500 and the generic 503: AWS itself, for a moment */
    { "InternalServerError", TM_AWS_TRANSIENT },
    { "ServiceUnavailable", TM_AWS_TRANSIENT },

    /*
     * The session token we signed with has expired.  Not the request's
     * fault: temporary credentials are fetched afresh before their
     * Expiration, and at once past it, so a later try signs with new
     * ones.  (Static ones stay expired until replaced: a few more tries
     * cost little.)
     */
    { "ExpiredTokenException", TM_AWS_TRANSIENT },

    /* a conditional write found the item changed: the caller decides */
    { "ConditionalCheckFailedException", TM_AWS_CONDITION },

    { NULL, TM_AWS_OTHER }
};


int
tm_aws_error_class(const char *type)
{
    const tm_aws_error_t  *e;

    if (type == NULL) {
        return TM_AWS_OTHER;
    }

    for (e = tm_aws_errors; e->type; e++) {
        if (strcmp(type, e->type) == 0) {
            return e->class;
        }
    }

    return TM_AWS_OTHER;
}


int
tm_aws_retryable(const char *type)
{
    int  class;

    class = tm_aws_error_class(type);

    return class == TM_AWS_THROTTLED || class == TM_AWS_TRANSIENT;
}


size_t
tm_aws_headers(tm_sigv4_header_t *h, size_t max, const char *host,
    const char *content_type, const char *amz_date, const char *target,
    const char *token)
{
    size_t  n, need;

    if (target && *target == '\0') {
        target = NULL;
    }

    if (token && *token == '\0') {
        token = NULL;
    }

    need = 3 + (target != NULL) + (token != NULL);

    if (max < need) {
        return 0;
    }

    n = 0;
    h[n].name = "Host";
    h[n++].value = host;
    h[n].name = "Content-Type";
    h[n++].value = content_type;
    h[n].name = "X-Amz-Date";
    h[n++].value = amz_date;

    if (target) {
        h[n].name = "X-Amz-Target";
        h[n++].value = target;
    }

    if (token) {
        h[n].name = "X-Amz-Security-Token";
        h[n++].value = token;
    }

    return n;
}


int
tm_aws_creds_parse(const char *json, size_t len, long long now,
    tm_aws_creds_t *out, char *err, size_t errlen)
{
    int          rc;
    json_t      *j;
    long long    expires;
    const char  *key, *secret, *token, *exp;

    /* jansson refuses a \u0000 in a string: each is one C string */
    j = json_loadb(json, len, 0, NULL);

    if (!json_is_object(j)) {
        json_decref(j);
        snprintf(err, errlen, "the reply is not a JSON object");
        return -1;
    }

    rc = -1;

    if (tm_aws_creds_string(j, "AccessKeyId", 1, sizeof(out->key), &key,
                            err, errlen)
        != 0
        || tm_aws_creds_string(j, "SecretAccessKey", 1, sizeof(out->secret),
                               &secret, err, errlen)
           != 0
        || tm_aws_creds_string(j, "Token", 0, sizeof(out->token), &token,
                               err, errlen)
           != 0
        || tm_aws_creds_string(j, "Expiration", 1, 0, &exp, err, errlen)
           != 0)
    {
        goto done;
    }

    if (tm_parse_rfc3339(exp, strlen(exp), &expires) != 0) {
        snprintf(err, errlen, "Expiration \"%.40s\" is not an RFC 3339 "
                 "date-time", exp);
        goto done;
    }

    if (expires <= now) {
        snprintf(err, errlen, "served credentials that expire at %.40s",
                 exp);
        goto done;
    }

    strcpy(out->key, key);
    strcpy(out->secret, secret);
    strcpy(out->token, token ? token : "");
    out->expires = expires;

    rc = 0;

done:

    json_decref(j);

    return rc;
}


/*
 * *value: the string member name of j; required: not absent, null or "".
 * size: the buffer it goes to, NUL included (0: no limit).
 */

static int
tm_aws_creds_string(json_t *j, const char *name, int required, size_t size,
    const char **value, char *err, size_t errlen)
{
    json_t  *v;

    v = json_object_get(j, name);

    if (v == NULL || json_is_null(v)) {
        *value = NULL;

    } else if (json_is_string(v)) {
        *value = json_string_value(v);

    } else {
        snprintf(err, errlen, "%s is not a string", name);
        return -1;
    }

    if (*value && **value == '\0') {
        *value = NULL;
    }

    if (*value == NULL) {
        if (required) {
            snprintf(err, errlen, "no %s", name);
            return -1;
        }

        return 0;
    }

    if (size && strlen(*value) >= size) {
        snprintf(err, errlen, "%s longer than %zu bytes", name, size - 1);
        return -1;
    }

    return 0;
}
