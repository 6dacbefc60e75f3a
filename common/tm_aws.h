/*
 * What every AWS call of the module and the scheduler shares, kept once so
 * that the two cannot drift: which error replies are worth another try,
 * the headers a SigV4-signed JSON POST carries, and the reply of a
 * container credentials endpoint.  nginx-free.
 */

#ifndef TM_AWS_H
#define TM_AWS_H

#include <stddef.h>

#include "tm_sigv4.h"


/* tm_aws_error_class() */
#define TM_AWS_OTHER        0     /* a bad request, a missing table... */
#define TM_AWS_THROTTLED    1     /* "slow down": retry after a pause */
#define TM_AWS_TRANSIENT    2     /* AWS or our credentials, for a while */
#define TM_AWS_CONDITION    3     /* ConditionalCheckFailedException */

/* the most headers tm_aws_headers() writes; the caller adds
 * Authorization after signing */
#define TM_AWS_HEADERS      5

/* the sizes of tm_aws_creds_t's strings, their NUL included */
#define TM_AWS_KEY_SIZE     128
#define TM_AWS_SECRET_SIZE  128
#define TM_AWS_TOKEN_SIZE   4096


typedef struct {
    char       key[TM_AWS_KEY_SIZE];         /* AccessKeyId, never "" */
    char       secret[TM_AWS_SECRET_SIZE];   /* SecretAccessKey, never "" */
    char       token[TM_AWS_TOKEN_SIZE];     /* Token; "": none */
    long long  expires;                      /* Expiration, epoch seconds */
} tm_aws_creds_t;


/*
 * The class of an error type as AWS names it in a JSON reply's __type
 * (after tm_ddb_error_type() took off the namespace) or a query reply's
 * <Code>: exact names, case included; NULL is TM_AWS_OTHER.  The HTTP
 * status is the caller's: any 5xx is worth another try whatever its name.
 */
int tm_aws_error_class(const char *type);

/* 1 if TM_AWS_THROTTLED or TM_AWS_TRANSIENT, else 0 */
int tm_aws_retryable(const char *type);

/*
 * The headers of a signed POST, in this order: Host, Content-Type,
 * X-Amz-Date, then X-Amz-Target and X-Amz-Security-Token unless NULL or
 * "" (the query protocol has no target; static credentials may have no
 * token).  The values are pointed to, not copied.  Returns how many it
 * wrote into h, or 0 if they do not fit in max.
 */
size_t tm_aws_headers(tm_sigv4_header_t *h, size_t max, const char *host,
    const char *content_type, const char *amz_date, const char *target,
    const char *token);

/*
 * The reply of a container credentials endpoint,
 * {"AccessKeyId": ..., "SecretAccessKey": ..., "Token": ...,
 *  "Expiration": "2026-11-25T17:00:00Z"}, into *out.  Refused, with -1
 * and a reason in err: not a JSON object, AccessKeyId or SecretAccessKey
 * missing, empty or too long for out, a Token too long, an Expiration
 * missing or not RFC 3339, or one at or before now (epoch seconds; a
 * caller that keeps a margin passes now plus the margin).  A Token absent,
 * null or "" is none.  0 on success; *out is written only then.
 */
int tm_aws_creds_parse(const char *json, size_t len, long long now,
    tm_aws_creds_t *out, char *err, size_t errlen);

#endif /* TM_AWS_H */
