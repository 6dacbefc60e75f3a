/*
 * What the module's and the scheduler's AWS calls share (common/tm_aws.c):
 * error classes, signed headers, the credentials endpoint's reply.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tm_aws.h"


#define TM_TEST_N(a)  (sizeof(a) / sizeof((a)[0]))

/* 2026-11-25T17:00:00Z */
#define TM_TEST_NOW  1795626000LL


static void
tm_test_error_class(void **state)
{
    size_t  i;

    static const struct {
        const char  *type;
        int          class;
    } cases[] = {
        { "ProvisionedThroughputExceededException", TM_AWS_THROTTLED },
        { "ThrottlingException", TM_AWS_THROTTLED },
        { "RequestLimitExceeded", TM_AWS_THROTTLED },
        { "TooManyRequestsException", TM_AWS_THROTTLED },
        { "LimitExceededException", TM_AWS_THROTTLED },
        { "InternalServerError", TM_AWS_TRANSIENT },
        { "ServiceUnavailable", TM_AWS_TRANSIENT },
        { "ExpiredTokenException", TM_AWS_TRANSIENT },
        { "ConditionalCheckFailedException", TM_AWS_CONDITION },

        /* exact names only */
        { NULL, TM_AWS_OTHER },
        { "", TM_AWS_OTHER },
        { "throttlingexception", TM_AWS_OTHER },
        { "THROTTLINGEXCEPTION", TM_AWS_OTHER },
        { "ThrottlingException ", TM_AWS_OTHER },
        { " ThrottlingException", TM_AWS_OTHER },
        { "Throttling", TM_AWS_OTHER },
        { "ThrottlingExceptionX", TM_AWS_OTHER },
        { "com.amazonaws.dynamodb.v20120810#ThrottlingException",
          TM_AWS_OTHER },
        { "conditionalCheckFailedException", TM_AWS_OTHER },
        { "ConditionalCheckFailed", TM_AWS_OTHER },
        { "InternalServerErrorException", TM_AWS_OTHER },
        { "ExpiredToken", TM_AWS_OTHER },

        /* refusals that no retry mends */
        { "ValidationException", TM_AWS_OTHER },
        { "ResourceNotFoundException", TM_AWS_OTHER },
        { "AccessDeniedException", TM_AWS_OTHER },
        { "UnrecognizedClientException", TM_AWS_OTHER },
        { "NotAuthorizedException", TM_AWS_OTHER },
        { "UsernameExistsException", TM_AWS_OTHER },
        { "TransactionCanceledException", TM_AWS_OTHER },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        if (tm_aws_error_class(cases[i].type) != cases[i].class) {
            fail_msg("case %zu \"%s\": class %d, want %d", i,
                     cases[i].type ? cases[i].type : "(null)",
                     tm_aws_error_class(cases[i].type), cases[i].class);
        }

        if (tm_aws_retryable(cases[i].type)
            != (cases[i].class == TM_AWS_THROTTLED
                || cases[i].class == TM_AWS_TRANSIENT))
        {
            fail_msg("case %zu \"%s\": retryable %d", i,
                     cases[i].type ? cases[i].type : "(null)",
                     tm_aws_retryable(cases[i].type));
        }
    }
}


static void
tm_test_headers(void **state)
{
    size_t             i, j, n;
    tm_sigv4_header_t  h[TM_AWS_HEADERS + 1];

    static const char  *host = "dynamodb.eu-west-1.amazonaws.com";
    static const char  *type = "application/x-amz-json-1.0";
    static const char  *date = "20261125T170000Z";
    static const char  *target = "DynamoDB_20120810.Query";
    static const char  *token = "IQoJb3JpZ2luX2VjE";

    static const struct {
        const char  *target;
        const char  *token;
        size_t       max;
        size_t       n;
        const char  *names[TM_AWS_HEADERS];
        const char  *values[TM_AWS_HEADERS];
    } cases[] = {
        { "DynamoDB_20120810.Query", "IQoJb3JpZ2luX2VjE", TM_AWS_HEADERS, 5,
          { "Host", "Content-Type", "X-Amz-Date", "X-Amz-Target",
            "X-Amz-Security-Token" },
          { "dynamodb.eu-west-1.amazonaws.com", "application/x-amz-json-1.0",
            "20261125T170000Z", "DynamoDB_20120810.Query",
            "IQoJb3JpZ2luX2VjE" } },
        { "DynamoDB_20120810.Query", NULL, TM_AWS_HEADERS, 4,
          { "Host", "Content-Type", "X-Amz-Date", "X-Amz-Target" },
          { "dynamodb.eu-west-1.amazonaws.com", "application/x-amz-json-1.0",
            "20261125T170000Z", "DynamoDB_20120810.Query" } },
        { NULL, "IQoJb3JpZ2luX2VjE", TM_AWS_HEADERS, 4,
          { "Host", "Content-Type", "X-Amz-Date", "X-Amz-Security-Token" },
          { "dynamodb.eu-west-1.amazonaws.com", "application/x-amz-json-1.0",
            "20261125T170000Z", "IQoJb3JpZ2luX2VjE" } },
        { NULL, NULL, TM_AWS_HEADERS, 3,
          { "Host", "Content-Type", "X-Amz-Date" },
          { "dynamodb.eu-west-1.amazonaws.com", "application/x-amz-json-1.0",
            "20261125T170000Z" } },

        /* "" is none */
        { "", "", TM_AWS_HEADERS, 3,
          { "Host", "Content-Type", "X-Amz-Date" },
          { "dynamodb.eu-west-1.amazonaws.com", "application/x-amz-json-1.0",
            "20261125T170000Z" } },

        /* exactly enough room, then one short */
        { "DynamoDB_20120810.Query", NULL, 4, 4,
          { "Host", "Content-Type", "X-Amz-Date", "X-Amz-Target" },
          { "dynamodb.eu-west-1.amazonaws.com", "application/x-amz-json-1.0",
            "20261125T170000Z", "DynamoDB_20120810.Query" } },
        { "DynamoDB_20120810.Query", "IQoJb3JpZ2luX2VjE", 4, 0,
          { NULL }, { NULL } },
        { NULL, NULL, 2, 0, { NULL }, { NULL } },
        { NULL, NULL, 0, 0, { NULL }, { NULL } },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        memset(h, 0, sizeof(h));

        n = tm_aws_headers(h, cases[i].max, host, type, date,
                           cases[i].target, cases[i].token);

        if (n != cases[i].n) {
            fail_msg("case %zu: %zu headers, want %zu", i, n, cases[i].n);
        }

        for (j = 0; j < n; j++) {
            if (strcmp(h[j].name, cases[i].names[j]) != 0
                || strcmp(h[j].value, cases[i].values[j]) != 0)
            {
                fail_msg("case %zu, header %zu: \"%s: %s\", want "
                         "\"%s: %s\"", i, j, h[j].name, h[j].value,
                         cases[i].names[j], cases[i].values[j]);
            }
        }

        /* nothing written past what it returns, nor when it refuses */
        for (j = n; j < TM_TEST_N(h); j++) {
            if (h[j].name != NULL || h[j].value != NULL) {
                fail_msg("case %zu: header %zu written", i, j);
            }
        }
    }

    /* the values are the caller's, not copies */
    n = tm_aws_headers(h, TM_AWS_HEADERS, host, type, date, target, token);
    assert_int_equal(n, 5);
    assert_ptr_equal(h[0].value, host);
    assert_ptr_equal(h[4].value, token);
}


/* {"AccessKeyId": key, ...} with the given members, NULL: left out */
static char *
tm_test_creds_json(const char *key, const char *secret, const char *token,
    const char *exp)
{
    char    *out;
    size_t   len;

    len = 256 + (key ? strlen(key) : 0) + (secret ? strlen(secret) : 0)
          + (token ? strlen(token) : 0) + (exp ? strlen(exp) : 0);

    out = malloc(len);
    assert_non_null(out);

    snprintf(out, len, "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\""
             "%s%s%s" "%s%s%s" "%s%s%s" "%s%s%s}",
             key ? ",\"AccessKeyId\":\"" : "", key ? key : "",
             key ? "\"" : "",
             secret ? ",\"SecretAccessKey\":\"" : "", secret ? secret : "",
             secret ? "\"" : "",
             token ? ",\"Token\":\"" : "", token ? token : "",
             token ? "\"" : "",
             exp ? ",\"Expiration\":\"" : "", exp ? exp : "",
             exp ? "\"" : "");

    return out;
}


/* c repeated n times; to be freed */
static char *
tm_test_repeat(char c, size_t n)
{
    char  *out;

    out = malloc(n + 1);
    assert_non_null(out);

    memset(out, c, n);
    out[n] = '\0';

    return out;
}


static void
tm_test_creds_parse(void **state)
{
    int              rc;
    char            *json, err[256], *k127, *k128, *t4095, *t4096;
    size_t           i;
    tm_aws_creds_t  *c;

    /* one byte too long: the key, the secret, the token */
    static const char  *over[] = {
        "AccessKeyId longer than 127 bytes",
        "SecretAccessKey longer than 127 bytes",
        "Token longer than 4095 bytes",
    };

    /* json NULL: built from key, secret, token, exp (NULL: left out) */
    const struct {
        const char  *json;
        const char  *key;
        const char  *secret;
        const char  *token;
        const char  *exp;
        long long    now;
        int          rc;
        const char  *err;
        long long    expires;
    } *t, cases[] = {

        /* good */
        { NULL, "ASIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG", "IQoJb3JpZ2lu",
          "2026-11-25T18:00:00Z", TM_TEST_NOW, 0, NULL, TM_TEST_NOW + 3600 },
        { NULL, "ASIAEXAMPLE", "secret", NULL, "2026-11-25T17:00:01Z",
          TM_TEST_NOW, 0, NULL, TM_TEST_NOW + 1 },
        { NULL, "ASIAEXAMPLE", "secret", "", "2026-11-25T18:00:00.250Z",
          TM_TEST_NOW, 0, NULL, TM_TEST_NOW + 3600 },
        { NULL, "ASIAEXAMPLE", "secret", "tok", "2026-11-25T19:00:00+01:00",
          TM_TEST_NOW, 0, NULL, TM_TEST_NOW + 3600 },
        { "{\"AccessKeyId\":\"AKIA\",\"SecretAccessKey\":\"s\","
          "\"Token\":null,\"Expiration\":\"2026-11-25T18:00:00Z\"}",
          NULL, NULL, NULL, NULL, TM_TEST_NOW, 0, NULL, TM_TEST_NOW + 3600 },

        /* missing */
        { NULL, NULL, "secret", "tok", "2026-11-25T18:00:00Z", TM_TEST_NOW,
          -1, "no AccessKeyId", 0 },
        { NULL, "", "secret", "tok", "2026-11-25T18:00:00Z", TM_TEST_NOW,
          -1, "no AccessKeyId", 0 },
        { NULL, "AKIA", NULL, "tok", "2026-11-25T18:00:00Z", TM_TEST_NOW,
          -1, "no SecretAccessKey", 0 },
        { NULL, "AKIA", "secret", "tok", NULL, TM_TEST_NOW,
          -1, "no Expiration", 0 },
        { "{\"AccessKeyId\":null,\"SecretAccessKey\":\"s\","
          "\"Expiration\":\"2026-11-25T18:00:00Z\"}",
          NULL, NULL, NULL, NULL, TM_TEST_NOW, -1, "no AccessKeyId", 0 },
        { "{\"AccessKeyId\":12,\"SecretAccessKey\":\"s\","
          "\"Expiration\":\"2026-11-25T18:00:00Z\"}",
          NULL, NULL, NULL, NULL, TM_TEST_NOW, -1,
          "AccessKeyId is not a string", 0 },
        { "{\"AccessKeyId\":\"AKIA\",\"SecretAccessKey\":\"s\","
          "\"Token\":[],\"Expiration\":\"2026-11-25T18:00:00Z\"}",
          NULL, NULL, NULL, NULL, TM_TEST_NOW, -1,
          "Token is not a string", 0 },

        /* expired, or expiring at now */
        { NULL, "AKIA", "secret", "tok", "2026-11-25T17:00:00Z", TM_TEST_NOW,
          -1, "served credentials that expire at 2026-11-25T17:00:00Z", 0 },
        { NULL, "AKIA", "secret", "tok", "2026-11-25T16:00:00Z", TM_TEST_NOW,
          -1, "served credentials that expire at 2026-11-25T16:00:00Z", 0 },
        { NULL, "AKIA", "secret", "tok", "2026-11-25T17:00:10Z",
          TM_TEST_NOW + 10, -1,
          "served credentials that expire at 2026-11-25T17:00:10Z", 0 },

        /* Expiration not RFC 3339 */
        { NULL, "AKIA", "secret", "tok", "2026-11-25 18:00:00", TM_TEST_NOW,
          -1, "Expiration \"2026-11-25 18:00:00\" is not an RFC 3339 "
          "date-time", 0 },
        { NULL, "AKIA", "secret", "tok", "1795629600", TM_TEST_NOW,
          -1, "Expiration \"1795629600\" is not an RFC 3339 date-time", 0 },
        { NULL, "AKIA", "secret", "tok", "2026-02-30T18:00:00Z", TM_TEST_NOW,
          -1, "Expiration \"2026-02-30T18:00:00Z\" is not an RFC 3339 "
          "date-time", 0 },
        { "{\"AccessKeyId\":\"AKIA\",\"SecretAccessKey\":\"s\","
          "\"Expiration\":1795629600}",
          NULL, NULL, NULL, NULL, TM_TEST_NOW, -1,
          "Expiration is not a string", 0 },

        /* not JSON, or not an object */
        { "", NULL, NULL, NULL, NULL, TM_TEST_NOW, -1,
          "the reply is not a JSON object", 0 },
        { "<html>502 Bad Gateway</html>", NULL, NULL, NULL, NULL,
          TM_TEST_NOW, -1, "the reply is not a JSON object", 0 },
        { "{\"AccessKeyId\":\"AKIA\"", NULL, NULL, NULL, NULL,
          TM_TEST_NOW, -1, "the reply is not a JSON object", 0 },
        { "[{\"AccessKeyId\":\"AKIA\"}]", NULL, NULL, NULL, NULL,
          TM_TEST_NOW, -1, "the reply is not a JSON object", 0 },
        { "\"AKIA\"", NULL, NULL, NULL, NULL, TM_TEST_NOW, -1,
          "the reply is not a JSON object", 0 },
        { "{\"AccessKeyId\":\"AK\\u0000IA\",\"SecretAccessKey\":\"s\","
          "\"Expiration\":\"2026-11-25T18:00:00Z\"}",
          NULL, NULL, NULL, NULL, TM_TEST_NOW, -1,
          "the reply is not a JSON object", 0 },
    };

    c = malloc(sizeof(tm_aws_creds_t));
    assert_non_null(c);

    k127 = tm_test_repeat('K', 127);
    k128 = tm_test_repeat('K', 128);
    t4095 = tm_test_repeat('T', 4095);
    t4096 = tm_test_repeat('T', 4096);

    for (i = 0; i < TM_TEST_N(cases); i++) {
        t = &cases[i];

        if (t->json) {
            json = strdup(t->json);
            assert_non_null(json);

        } else {
            json = tm_test_creds_json(t->key, t->secret, t->token, t->exp);
        }

        memset(c, 0x5a, sizeof(tm_aws_creds_t));
        err[0] = '\0';

        rc = tm_aws_creds_parse(json, strlen(json), t->now, c, err,
                                sizeof(err));

        if (rc != t->rc) {
            fail_msg("case %zu %s: rc %d, want %d (%s)", i, json, rc, t->rc,
                     err);
        }

        if (rc != 0) {
            if (strcmp(err, t->err) != 0) {
                fail_msg("case %zu: \"%s\", want \"%s\"", i, err, t->err);
            }

            /* *out untouched */
            if (c->key[0] != 0x5a || c->token[0] != 0x5a) {
                fail_msg("case %zu: refused, but written", i);
            }

        } else {
            assert_string_equal(c->key, t->json ? "AKIA" : t->key);
            assert_string_equal(c->secret, t->json ? "s" : t->secret);
            assert_string_equal(c->token, t->token ? t->token : "");
            assert_int_equal(c->expires, t->expires);
        }

        free(json);
    }

    /* the longest that fit */
    json = tm_test_creds_json(k127, k127, t4095, "2026-11-25T18:00:00Z");
    rc = tm_aws_creds_parse(json, strlen(json), TM_TEST_NOW, c, err,
                            sizeof(err));
    free(json);

    assert_int_equal(rc, 0);
    assert_string_equal(c->key, k127);
    assert_string_equal(c->secret, k127);
    assert_string_equal(c->token, t4095);

    /* oversized: one byte past what fits */
    for (i = 0; i < TM_TEST_N(over); i++) {
        json = tm_test_creds_json(i == 0 ? k128 : k127, i == 1 ? k128 : k127,
                                  i == 2 ? t4096 : t4095,
                                  "2026-11-25T18:00:00Z");

        memset(c, 0x5a, sizeof(tm_aws_creds_t));

        rc = tm_aws_creds_parse(json, strlen(json), TM_TEST_NOW, c, err,
                                sizeof(err));
        free(json);

        assert_int_equal(rc, -1);
        assert_string_equal(err, over[i]);
        assert_int_equal(c->key[0], 0x5a);
    }

    /* len is honoured: the same text cut short is not JSON */
    json = tm_test_creds_json("AKIA", "s", NULL, "2026-11-25T18:00:00Z");
    rc = tm_aws_creds_parse(json, strlen(json) - 1, TM_TEST_NOW, c, err,
                            sizeof(err));
    assert_int_equal(rc, -1);
    rc = tm_aws_creds_parse(json, strlen(json), TM_TEST_NOW, c, err,
                            sizeof(err));
    assert_int_equal(rc, 0);
    free(json);

    /* a short err buffer is cut, never overrun */
    rc = tm_aws_creds_parse("nope", 4, TM_TEST_NOW, c, err, 8);
    assert_int_equal(rc, -1);
    assert_string_equal(err, "the rep");

    free(k127);
    free(k128);
    free(t4095);
    free(t4096);
    free(c);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_error_class),
        cmocka_unit_test(tm_test_headers),
        cmocka_unit_test(tm_test_creds_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
