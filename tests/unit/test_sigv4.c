/*
 * SigV4 against the AWS signing test suite (tests/unit/data/sigv4/, see its
 * README.md).  Run from the repo root, or pass the data directory as argv[1].
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tm_sigv4.h"


#define TM_TEST_SIGV4_DIR   "tests/unit/data/sigv4"
#define TM_TEST_MAX_HEADERS 16
#define TM_TEST_OUT         4096


typedef struct {
    const char          *name;
    char                *request;   /* request.txt, split in place */
    char                *expected[4];
    json_t              *context;
    char                 amz_date[17];
    char                 body_hash[65];
    tm_sigv4_header_t    headers[TM_TEST_MAX_HEADERS];
    tm_sigv4_request_t   req;
} tm_test_case_t;


static const char  *tm_test_dir = TM_TEST_SIGV4_DIR;


static char *
tm_test_read(const char *name, const char *file)
{
    FILE    *f;
    char     path[512];
    char    *data;
    long     size;

    snprintf(path, sizeof(path), "%s/%s/%s", tm_test_dir, name, file);

    f = fopen(path, "rb");
    if (f == NULL) {
        fail_msg("cannot open %s (run from the repo root)", path);
    }

    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size >= 0);
    rewind(f);

    data = malloc((size_t) size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t) size, f), (size_t) size);
    data[size] = '\0';

    fclose(f);

    return data;
}


static void
tm_test_add_header(tm_test_case_t *tc, const char *name, const char *value)
{
    assert_true(tc->req.nheaders < TM_TEST_MAX_HEADERS);

    tc->headers[tc->req.nheaders].name = name;
    tc->headers[tc->req.nheaders].value = value;
    tc->req.nheaders++;
}


/* "GET /p?q HTTP/1.1\nName:value\n  more\n\nbody", split in place */
static void
tm_test_parse_request(tm_test_case_t *tc)
{
    char  *p, *line, *colon, *target, *q;

    line = tc->request;
    p = strchr(line, '\n');
    assert_non_null(p);
    *p++ = '\0';

    target = strchr(line, ' ');
    assert_non_null(target);
    *target++ = '\0';
    tc->req.method = line;

    q = strrchr(target, ' ');       /* " HTTP/1.1"; the path may hold ' ' */
    assert_non_null(q);
    *q = '\0';

    q = strchr(target, '?');
    if (q) {
        *q++ = '\0';
    }

    tc->req.path = target;
    tc->req.query = q ? q : "";

    while (*p != '\0' && *p != '\n') {
        line = p;

        /* a value runs on over lines that start with white space */
        for ( ;; ) {
            p += strcspn(p, "\n");

            if (*p == '\n' && (p[1] == ' ' || p[1] == '\t')) {
                p++;
                continue;
            }

            break;
        }

        if (*p == '\n') {
            *p++ = '\0';
        }

        colon = strchr(line, ':');
        assert_non_null(colon);
        *colon = '\0';
        tm_test_add_header(tc, line, colon + 1);
    }

    if (*p == '\n') {
        p++;
    }

    tc->req.payload = (const unsigned char *) p;
    tc->req.payload_len = strlen(p);
}


/* what the suite's signer adds to the request before signing */
static void
tm_test_add_signer_headers(tm_test_case_t *tc)
{
    static const char  hex[] = "0123456789abcdef";
    const char        *ts, *token;
    unsigned char      hash[32];
    size_t             i, n;

    ts = json_string_value(json_object_get(tc->context, "timestamp"));
    assert_non_null(ts);

    /* "2015-08-30T12:36:00Z" -> "20150830T123600Z" */
    for (n = 0; *ts && n < sizeof(tc->amz_date) - 1; ts++) {
        if (*ts != '-' && *ts != ':') {
            tc->amz_date[n++] = *ts;
        }
    }

    tc->amz_date[n] = '\0';
    tc->req.amz_date = tc->amz_date;
    tm_test_add_header(tc, "X-Amz-Date", tc->amz_date);

    if (json_is_true(json_object_get(tc->context, "sign_body"))) {
        assert_int_equal(EVP_Digest(tc->req.payload, tc->req.payload_len,
                                    hash, NULL, EVP_sha256(), NULL), 1);

        for (i = 0; i < sizeof(hash); i++) {
            tc->body_hash[2 * i] = hex[hash[i] >> 4];
            tc->body_hash[2 * i + 1] = hex[hash[i] & 0x0f];
        }

        tm_test_add_header(tc, "x-amz-content-sha256", tc->body_hash);
    }

    token = json_string_value(json_object_get(
                json_object_get(tc->context, "credentials"), "token"));

    if (token
        && !json_is_true(json_object_get(tc->context, "omit_session_token")))
    {
        tm_test_add_header(tc, "X-Amz-Security-Token", token);
    }
}


static int
tm_test_setup(void **state)
{
    char            *text;
    json_t          *creds;
    tm_test_case_t  *tc;

    tc = calloc(1, sizeof(tm_test_case_t));
    assert_non_null(tc);

    tc->name = *state;
    *state = tc;

    tc->request = tm_test_read(tc->name, "request.txt");
    tc->req.headers = tc->headers;
    tm_test_parse_request(tc);

    text = tm_test_read(tc->name, "context.json");
    tc->context = json_loads(text, 0, NULL);
    free(text);
    assert_non_null(tc->context);

    creds = json_object_get(tc->context, "credentials");
    tc->req.access_key = json_string_value(
                             json_object_get(creds, "access_key_id"));
    tc->req.secret_key = json_string_value(
                             json_object_get(creds, "secret_access_key"));
    tc->req.region = json_string_value(
                         json_object_get(tc->context, "region"));
    tc->req.service = json_string_value(
                          json_object_get(tc->context, "service"));

    tm_test_add_signer_headers(tc);

    tc->expected[0] = tm_test_read(tc->name, "header-canonical-request.txt");
    tc->expected[1] = tm_test_read(tc->name, "header-string-to-sign.txt");
    tc->expected[2] = tm_test_read(tc->name, "header-signed-request.txt");
    tc->expected[3] = tm_test_read(tc->name, "header-signature.txt");

    return 0;
}


static int
tm_test_teardown(void **state)
{
    size_t           i;
    tm_test_case_t  *tc = *state;

    for (i = 0; i < 4; i++) {
        free(tc->expected[i]);
    }

    json_decref(tc->context);
    free(tc->request);
    free(tc);

    return 0;
}


static void
tm_test_vector(void **state)
{
    int              rc;
    char             out[TM_TEST_OUT], *auth, *sig;
    tm_test_case_t  *tc = *state;

    rc = tm_sigv4_canonical_request(&tc->req, out, sizeof(out));
    assert_string_equal(out, tc->expected[0]);
    assert_int_equal(rc, strlen(tc->expected[0]));

    rc = tm_sigv4_string_to_sign(&tc->req, out, sizeof(out));
    assert_string_equal(out, tc->expected[1]);
    assert_int_equal(rc, strlen(tc->expected[1]));

    /* the value of the signed request's "Authorization:" line */
    auth = strstr(tc->expected[2], "\nAuthorization:");
    assert_non_null(auth);
    auth += sizeof("\nAuthorization:") - 1;
    auth[strcspn(auth, "\n")] = '\0';

    rc = tm_sigv4_authorization(&tc->req, out, sizeof(out));
    assert_string_equal(out, auth);
    assert_int_equal(rc, strlen(auth));

    sig = strstr(out, ", Signature=");
    assert_non_null(sig);
    assert_string_equal(sig + sizeof(", Signature=") - 1, tc->expected[3]);
}


static void
tm_test_request(tm_sigv4_request_t *req, tm_sigv4_header_t *headers)
{
    headers[0].name = "Host";
    headers[0].value = "dynamodb.us-east-1.amazonaws.com";
    headers[1].name = "X-Amz-Date";
    headers[1].value = "20150830T123600Z";

    memset(req, 0, sizeof(tm_sigv4_request_t));
    req->method = "POST";
    req->path = "/";
    req->query = "";
    req->headers = headers;
    req->nheaders = 2;
    req->payload = (const unsigned char *) "{}";
    req->payload_len = 2;
    req->region = "us-east-1";
    req->service = "dynamodb";
    req->access_key = "AKIDEXAMPLE";
    req->secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    req->amz_date = "20150830T123600Z";
}


static void
tm_test_out_too_small(void **state)
{
    int                 rc;
    char                out[TM_TEST_OUT];
    tm_sigv4_header_t   headers[2];
    tm_sigv4_request_t  req;

    tm_test_request(&req, headers);

    rc = tm_sigv4_authorization(&req, out, sizeof(out));
    assert_true(rc > 0);

    /* exactly enough room, then one byte short */
    assert_int_equal(tm_sigv4_authorization(&req, out, (size_t) rc + 1), rc);
    assert_int_equal(tm_sigv4_authorization(&req, out, (size_t) rc), -1);

    rc = tm_sigv4_canonical_request(&req, out, sizeof(out));
    assert_true(rc > 0);
    assert_int_equal(tm_sigv4_canonical_request(&req, out, (size_t) rc),
                     -1);

    rc = tm_sigv4_string_to_sign(&req, out, sizeof(out));
    assert_true(rc > 0);
    assert_int_equal(tm_sigv4_string_to_sign(&req, out, (size_t) rc), -1);

    assert_int_equal(tm_sigv4_authorization(&req, NULL, 0), -1);
}


/* the signature as the AWS documentation derives it, by OpenSSL's one-shot
 * HMAC: a reference for the cached signing key */
static void
tm_test_reference(const tm_sigv4_request_t *req, char *hex)
{
    int            i;
    char           sts[TM_TEST_OUT], secret[128];
    unsigned int   len;
    unsigned char  key[32];

    assert_true(tm_sigv4_string_to_sign(req, sts, sizeof(sts)) > 0);
    snprintf(secret, sizeof(secret), "AWS4%s", req->secret_key);

    HMAC(EVP_sha256(), secret, (int) strlen(secret),
         (const unsigned char *) req->amz_date, 8, key, &len);
    HMAC(EVP_sha256(), key, 32, (const unsigned char *) req->region,
         strlen(req->region), key, &len);
    HMAC(EVP_sha256(), key, 32, (const unsigned char *) req->service,
         strlen(req->service), key, &len);
    HMAC(EVP_sha256(), key, 32, (const unsigned char *) "aws4_request", 12,
         key, &len);
    HMAC(EVP_sha256(), key, 32, (const unsigned char *) sts, strlen(sts),
         key, &len);

    for (i = 0; i < 32; i++) {
        sprintf(hex + 2 * i, "%02x", key[i]);
    }
}


/* the signature that tm_sigv4_authorization wrote into out */
static const char *
tm_test_signature(const tm_sigv4_request_t *req, char *out, size_t size)
{
    const char  *sig;

    assert_true(tm_sigv4_authorization(req, out, size) > 0);
    sig = strstr(out, ", Signature=");
    assert_non_null(sig);

    return sig + sizeof(", Signature=") - 1;
}


/* each part of the signing key changed, then back: never a stale key */
static void
tm_test_key_changes(void **state)
{
    int                 i;
    char                out[TM_TEST_OUT], ref[65], first[65];
    tm_sigv4_header_t   headers[2];
    tm_sigv4_request_t  req;

    tm_test_request(&req, headers);

    for (i = 0; i < 7; i++) {
        switch (i) {
        case 1:
            req.secret_key = "another/secret+key";
            break;
        case 2:
            req.region = "eu-central-1";
            break;
        case 3:
            req.amz_date = "20150831T000000Z";
            headers[1].value = req.amz_date;
            break;
        case 4:
            req.service = "cognito-idp";
            break;
        case 5:
            req.payload = (const unsigned char *) "{\"a\":1}";
            req.payload_len = 7;
            break;
        case 6:
            tm_test_request(&req, headers);
            break;
        }

        tm_test_reference(&req, ref);
        assert_string_equal(tm_test_signature(&req, out, sizeof(out)), ref);
        /* a second time: from the cache */
        assert_string_equal(tm_test_signature(&req, out, sizeof(out)), ref);

        if (i == 0) {
            memcpy(first, ref, sizeof(first));

        } else if (i < 6) {
            assert_string_not_equal(ref, first);
        }
    }

    assert_string_equal(ref, first);
}


static void
tm_test_invalid(void **state)
{
    char                out[TM_TEST_OUT];
    tm_sigv4_header_t   headers[2];
    tm_sigv4_request_t  req;

    assert_int_equal(tm_sigv4_authorization(NULL, out, sizeof(out)), -1);

    tm_test_request(&req, headers);
    req.method = NULL;
    assert_int_equal(tm_sigv4_canonical_request(&req, out, sizeof(out)), -1);

    tm_test_request(&req, headers);
    req.amz_date = "2015-08-30";
    assert_int_equal(tm_sigv4_string_to_sign(&req, out, sizeof(out)), -1);

    tm_test_request(&req, headers);
    req.secret_key = NULL;
    assert_int_equal(tm_sigv4_authorization(&req, out, sizeof(out)), -1);

    tm_test_request(&req, headers);
    headers[1].name = "";
    assert_int_equal(tm_sigv4_authorization(&req, out, sizeof(out)), -1);

    /* a broken %XX escape in the query */
    tm_test_request(&req, headers);
    req.query = "a=%zz";
    assert_int_equal(tm_sigv4_canonical_request(&req, out, sizeof(out)), -1);
    req.query = "a=%4";
    assert_int_equal(tm_sigv4_canonical_request(&req, out, sizeof(out)), -1);
}


static void
tm_test_query_forms(void **state)
{
    char                out[TM_TEST_OUT];
    tm_sigv4_header_t   headers[2];
    tm_sigv4_request_t  req;

    tm_test_request(&req, headers);

    /* keys without '=', empty parts, equal keys by value, '+' and '/' */
    req.query = "b=2&&a&c=x+y/z&b=1&";
    assert_true(tm_sigv4_canonical_request(&req, out, sizeof(out)) > 0);
    assert_non_null(strstr(out, "\n/\na=&b=1&b=2&c=x%2By%2Fz\n"));

    req.query = "";
    req.path = "";
    assert_true(tm_sigv4_canonical_request(&req, out, sizeof(out)) > 0);
    assert_int_equal(strncmp(out, "POST\n/\n\n", 8), 0);
}


static void
tm_test_amz_date(void **state)
{
    char  out[17];

    tm_sigv4_amz_date(1440938160, out);
    assert_string_equal(out, "20150830T123600Z");

    tm_sigv4_amz_date(0, out);
    assert_string_equal(out, "19700101T000000Z");

    tm_sigv4_amz_date(951782400, out);     /* leap day */
    assert_string_equal(out, "20000229T000000Z");
}


/* one test per vector, named after it */
#define TM_TEST_CASE(name)                                                    \
    { name, tm_test_vector, tm_test_setup, tm_test_teardown, (void *) name }


int
main(int argc, char **argv)
{
    /* every case kept in tests/unit/data/sigv4/ */
    const struct CMUnitTest  tests[] = {
        TM_TEST_CASE("get-header-key-duplicate"),
        TM_TEST_CASE("get-header-value-multiline"),
        TM_TEST_CASE("get-header-value-order"),
        TM_TEST_CASE("get-header-value-trim"),
        TM_TEST_CASE("get-relative-relative-unnormalized"),
        TM_TEST_CASE("get-relative-unnormalized"),
        TM_TEST_CASE("get-slash-dot-slash-unnormalized"),
        TM_TEST_CASE("get-slash-pointless-dot-unnormalized"),
        TM_TEST_CASE("get-slash-unnormalized"),
        TM_TEST_CASE("get-slashes-unnormalized"),
        TM_TEST_CASE("get-space-normalized"),
        TM_TEST_CASE("get-space-unnormalized"),
        TM_TEST_CASE("get-unreserved"),
        TM_TEST_CASE("get-utf8"),
        TM_TEST_CASE("get-vanilla"),
        TM_TEST_CASE("get-vanilla-empty-query-key"),
        TM_TEST_CASE("get-vanilla-query"),
        TM_TEST_CASE("get-vanilla-query-order-encoded"),
        TM_TEST_CASE("get-vanilla-query-order-key-case"),
        TM_TEST_CASE("get-vanilla-query-unreserved"),
        TM_TEST_CASE("get-vanilla-utf8-query"),
        TM_TEST_CASE("get-vanilla-with-session-token"),
        TM_TEST_CASE("post-header-key-case"),
        TM_TEST_CASE("post-header-key-sort"),
        TM_TEST_CASE("post-header-value-case"),
        TM_TEST_CASE("post-sts-header-after"),
        TM_TEST_CASE("post-sts-header-before"),
        TM_TEST_CASE("post-vanilla"),
        TM_TEST_CASE("post-vanilla-empty-query-value"),
        TM_TEST_CASE("post-vanilla-query"),
        TM_TEST_CASE("post-x-www-form-urlencoded"),
        TM_TEST_CASE("post-x-www-form-urlencoded-parameters"),
        cmocka_unit_test(tm_test_out_too_small),
        cmocka_unit_test(tm_test_key_changes),
        cmocka_unit_test(tm_test_invalid),
        cmocka_unit_test(tm_test_query_forms),
        cmocka_unit_test(tm_test_amz_date),
    };

    if (argc > 1) {
        tm_test_dir = argv[1];
    }

    return cmocka_run_group_tests(tests, NULL, NULL);
}
