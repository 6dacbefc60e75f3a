/*
 * AWS Signature Version 4 (nginx-free; shared by the module and the
 * scheduler).  All strings are NUL-terminated unless a length is given.
 */

#ifndef TM_SIGV4_H
#define TM_SIGV4_H

#include <stddef.h>


typedef struct {
    const char  *name;      /* any case; lower-cased when signed */
    const char  *value;     /* trimmed, inner runs of white space folded */
} tm_sigv4_header_t;


typedef struct {
    const char               *method;      /* "POST" */
    const char               *path;        /* as sent: "/" or "/a/b" */
    const char               *query;       /* raw query without '?', or "" */
    const tm_sigv4_header_t  *headers;     /* must include host, x-amz-date;
                                              all of them are signed */
    size_t                    nheaders;
    const unsigned char      *payload;
    size_t                    payload_len;
    const char               *region;      /* "us-east-1" */
    const char               *service;     /* "dynamodb", "cognito-idp" */
    const char               *access_key;
    const char               *secret_key;
    const char               *amz_date;    /* "20150830T123600Z" */
} tm_sigv4_request_t;


/*
 * Each writes a NUL-terminated string into out and returns its length,
 * or -1 when out is too small or the request is invalid.  The path is
 * URI-encoded as AWS does ('/' kept) but not normalised ("/./", "//");
 * query components have their %XX decoded then are re-encoded, and are
 * sorted; a '+' is a plus sign.
 */
int tm_sigv4_canonical_request(const tm_sigv4_request_t *req, char *out,
    size_t size);
int tm_sigv4_string_to_sign(const tm_sigv4_request_t *req, char *out,
    size_t size);
/* "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." */
int tm_sigv4_authorization(const tm_sigv4_request_t *req, char *out,
    size_t size);

/* "20150830T123600Z" for the given epoch second; out holds >= 17 bytes */
void tm_sigv4_amz_date(long long epoch, char *out);

#endif /* TM_SIGV4_H */
