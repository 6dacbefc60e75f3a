/*
 * JWT verification: tokens are signed here with RSA keys made at start.
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
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "tm_jwt.h"


#define TM_TEST_ISSUER  "https://cognito-idp.us-east-1.amazonaws.com/pool"
#define TM_TEST_CLIENT  "client-123"
#define TM_TEST_NOW     1700000000LL
#define TM_TEST_LEEWAY  60


typedef enum {
    TM_TEST_SIGN_RS256,
    TM_TEST_SIGN_NONE,
    TM_TEST_SIGN_HS256_PEM      /* HMAC keyed with the public key's PEM */
} tm_test_sign_e;


typedef struct {
    EVP_PKEY   *key_a;          /* kid "a" */
    EVP_PKEY   *key_b;          /* kid "b" */
    char       *jwks_a;         /* {"keys":[a]} */
    char       *jwks_ab;        /* {"keys":[a, b]} */
    tm_jwks_t  *keys_a;
    tm_jwks_t  *keys_ab;
} tm_test_keys_t;


static tm_test_keys_t     tm_test;
static tm_jwt_expect_t    tm_test_access = {
    TM_TEST_ISSUER, TM_TEST_CLIENT, "access", TM_TEST_NOW, TM_TEST_LEEWAY
};
static tm_jwt_expect_t    tm_test_id = {
    TM_TEST_ISSUER, TM_TEST_CLIENT, "id", TM_TEST_NOW, TM_TEST_LEEWAY
};


static char *
tm_test_b64(const unsigned char *p, size_t len)
{
    char  *out;

    out = malloc((len + 2) / 3 * 4 + 1);
    assert_non_null(out);
    tm_base64url_encode(p, len, out);

    return out;
}


/* the base64url of a big-endian RSA parameter ("n", "e") */
static char *
tm_test_rsa_param(EVP_PKEY *key, const char *name)
{
    int             n;
    char           *out;
    BIGNUM         *bn;
    unsigned char  *bin;

    bn = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(key, name, &bn), 1);

    bin = malloc((size_t) BN_num_bytes(bn));
    assert_non_null(bin);
    n = BN_bn2bin(bn, bin);

    out = tm_test_b64(bin, (size_t) n);

    free(bin);
    BN_free(bn);

    return out;
}


static json_t *
tm_test_jwk(EVP_PKEY *key, const char *kid)
{
    char    *n, *e;
    json_t  *jwk;

    n = tm_test_rsa_param(key, OSSL_PKEY_PARAM_RSA_N);
    e = tm_test_rsa_param(key, OSSL_PKEY_PARAM_RSA_E);

    jwk = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "RSA",
                    "kid", kid, "alg", "RS256", "use", "sig", "n", n,
                    "e", e);
    assert_non_null(jwk);

    free(n);
    free(e);

    return jwk;
}


/* {"keys":[...]} from a NULL-terminated list of JWKs (references taken) */
static char *
tm_test_jwks(json_t *jwk, ...)
{
    char     *s;
    va_list   args;
    json_t   *list, *jwks;

    list = json_array();

    va_start(args, jwk);

    for ( /* void */ ; jwk != NULL; jwk = va_arg(args, json_t *)) {
        json_array_append_new(list, jwk);
    }

    va_end(args);

    jwks = json_pack("{s:o}", "keys", list);
    s = json_dumps(jwks, JSON_COMPACT);
    assert_non_null(s);
    json_decref(jwks);

    return s;
}


static tm_jwks_t *
tm_test_parse(const char *json)
{
    char        err[128];
    tm_jwks_t  *keys;

    keys = tm_jwks_parse(json, strlen(json), err, sizeof(err));
    if (keys == NULL) {
        fail_msg("tm_jwks_parse: %s", err);
    }

    return keys;
}


static int
tm_test_setup(void **state)
{
    tm_test.key_a = EVP_RSA_gen(2048);
    tm_test.key_b = EVP_RSA_gen(2048);
    assert_non_null(tm_test.key_a);
    assert_non_null(tm_test.key_b);

    tm_test.jwks_a = tm_test_jwks(tm_test_jwk(tm_test.key_a, "a"), NULL);
    tm_test.jwks_ab = tm_test_jwks(tm_test_jwk(tm_test.key_a, "a"),
                                   tm_test_jwk(tm_test.key_b, "b"), NULL);

    tm_test.keys_a = tm_test_parse(tm_test.jwks_a);
    tm_test.keys_ab = tm_test_parse(tm_test.jwks_ab);

    return 0;
}


static int
tm_test_teardown(void **state)
{
    tm_jwks_free(tm_test.keys_a);
    tm_jwks_free(tm_test.keys_ab);
    free(tm_test.jwks_a);
    free(tm_test.jwks_ab);
    EVP_PKEY_free(tm_test.key_a);
    EVP_PKEY_free(tm_test.key_b);

    return 0;
}


static size_t
tm_test_sign(EVP_PKEY *key, tm_test_sign_e how, const char *data,
    unsigned char *sig)
{
    BIO         *bio;
    char        *pem;
    long         pem_len;
    size_t       len;
    unsigned     hmac_len;
    EVP_MD_CTX  *md;

    switch (how) {

    case TM_TEST_SIGN_NONE:
        return 0;

    case TM_TEST_SIGN_HS256_PEM:
        bio = BIO_new(BIO_s_mem());
        assert_int_equal(PEM_write_bio_PUBKEY(bio, key), 1);
        pem_len = BIO_get_mem_data(bio, &pem);
        assert_non_null(HMAC(EVP_sha256(), pem, (int) pem_len,
                             (const unsigned char *) data, strlen(data), sig,
                             &hmac_len));
        BIO_free(bio);
        return hmac_len;

    default:
        md = EVP_MD_CTX_new();
        len = 512;
        assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL,
                                            key), 1);
        assert_int_equal(EVP_DigestSign(md, sig, &len,
                                        (const unsigned char *) data,
                                        strlen(data)), 1);
        EVP_MD_CTX_free(md);
        return len;
    }
}


/* header.payload.signature from the header's and claims' JSON text */
static char *
tm_test_token_raw(const char *header, const char *claims, EVP_PKEY *key,
    tm_test_sign_e how)
{
    char           *h, *p, *s, *token;
    size_t          len;
    unsigned char   sig[512];

    h = tm_test_b64((const unsigned char *) header, strlen(header));
    p = tm_test_b64((const unsigned char *) claims, strlen(claims));

    token = malloc(strlen(h) + strlen(p) + sizeof(sig) * 2);
    assert_non_null(token);
    sprintf(token, "%s.%s", h, p);

    len = tm_test_sign(key, how, token, sig);
    s = tm_test_b64(sig, len);
    strcat(token, ".");
    strcat(token, s);

    free(h);
    free(p);
    free(s);

    return token;
}


/* an RS256 token with the given kid and claims (reference taken) */
static char *
tm_test_token(json_t *claims, const char *kid, EVP_PKEY *key)
{
    char    *c, *h, *token;
    json_t  *header;

    header = json_pack("{s:s, s:s}", "alg", "RS256", "kid", kid);
    h = json_dumps(header, JSON_COMPACT);
    c = json_dumps(claims, JSON_COMPACT);

    token = tm_test_token_raw(h, c, key, TM_TEST_SIGN_RS256);

    free(h);
    free(c);
    json_decref(header);
    json_decref(claims);

    return token;
}


static json_t *
tm_test_access_claims(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}",
                     "sub", "user-1", "iss", TM_TEST_ISSUER,
                     "token_use", "access", "client_id", TM_TEST_CLIENT,
                     "iat", (json_int_t) TM_TEST_NOW - 10,
                     "exp", (json_int_t) TM_TEST_NOW + 3600);
}


static json_t *
tm_test_id_claims(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I}",
                     "sub", "user-1", "email", "a@example.com",
                     "iss", TM_TEST_ISSUER, "token_use", "id",
                     "aud", TM_TEST_CLIENT,
                     "iat", (json_int_t) TM_TEST_NOW - 10,
                     "exp", (json_int_t) TM_TEST_NOW + 3600);
}


/* the JSON text of a claim set (reference taken) */
static char *
tm_test_dump(json_t *json)
{
    char  *s;

    s = json_dumps(json, JSON_COMPACT);
    assert_non_null(s);
    json_decref(json);

    return s;
}


/* verifies a token, and frees it */
static tm_jwt_rc_e
tm_test_verify(char *token, const tm_jwks_t *keys,
    const tm_jwt_expect_t *expect)
{
    json_t       *claims;
    tm_jwt_rc_e   rc;

    claims = (json_t *) 1;
    rc = tm_jwt_verify(token, strlen(token), keys, expect, &claims);

    if (rc == TM_JWT_OK) {
        assert_non_null(claims);
        json_decref(claims);

    } else {
        assert_null(claims);
    }

    free(token);

    return rc;
}


/* a claim set with one claim changed (value reference taken), or removed */
static json_t *
tm_test_with(json_t *claims, const char *name, json_t *value)
{
    if (value) {
        json_object_set_new(claims, name, value);

    } else {
        json_object_del(claims, name);
    }

    return claims;
}


/* verifies an RS256 token signed by key a, from its JSON texts */
static tm_jwt_rc_e
tm_test_header(const char *header, const char *claims)
{
    return tm_test_verify(tm_test_token_raw(header, claims, tm_test.key_a,
                                            TM_TEST_SIGN_RS256),
                          tm_test.keys_a, &tm_test_access);
}


/* verifies a kid "a" token whose claims have one changed (value NULL:
 * removed) */
static tm_jwt_rc_e
tm_test_access_with(const char *name, json_t *value)
{
    return tm_test_verify(
               tm_test_token(tm_test_with(tm_test_access_claims(), name,
                                          value), "a", tm_test.key_a),
               tm_test.keys_a, &tm_test_access);
}


static tm_jwt_rc_e
tm_test_id_with(const char *name, json_t *value)
{
    return tm_test_verify(
               tm_test_token(tm_test_with(tm_test_id_claims(), name, value),
                             "a", tm_test.key_a),
               tm_test.keys_a, &tm_test_id);
}


static void
tm_test_access_ok(void **state)
{
    char          *token;
    json_t        *claims;
    tm_jwt_rc_e    rc;

    token = tm_test_token(tm_test_access_claims(), "a", tm_test.key_a);

    rc = tm_jwt_verify(token, strlen(token), tm_test.keys_a, &tm_test_access,
                       &claims);
    assert_int_equal(rc, TM_JWT_OK);
    assert_non_null(claims);
    assert_string_equal(json_string_value(json_object_get(claims, "sub")),
                        "user-1");
    json_decref(claims);

    /* claims are optional */
    rc = tm_jwt_verify(token, strlen(token), tm_test.keys_a, &tm_test_access,
                       NULL);
    assert_int_equal(rc, TM_JWT_OK);

    free(token);
}


static void
tm_test_id_ok(void **state)
{
    json_t  *aud;

    assert_int_equal(tm_test_verify(
        tm_test_token(tm_test_id_claims(), "a", tm_test.key_a),
        tm_test.keys_a, &tm_test_id), TM_JWT_OK);

    aud = json_pack("[s, s]", "other", TM_TEST_CLIENT);
    assert_int_equal(tm_test_id_with("aud", aud), TM_JWT_OK);
}


static void
tm_test_times(void **state)
{
    json_int_t  now = TM_TEST_NOW;

    /* expired beyond the leeway, within it, at its edge, absent, a string */
    assert_int_equal(tm_test_access_with("exp", json_integer(now - 100)),
                     TM_JWT_EXPIRED);

    assert_int_equal(tm_test_access_with("exp", json_integer(now - 30)),
                     TM_JWT_OK);

    assert_int_equal(tm_test_access_with("exp",
                                         json_integer(now - TM_TEST_LEEWAY)),
                     TM_JWT_EXPIRED);

    assert_int_equal(tm_test_access_with("exp", NULL), TM_JWT_EXPIRED);

    assert_int_equal(tm_test_access_with("exp", json_string("9999999999")),
                     TM_JWT_EXPIRED);

    /* issued or usable only in the future */
    assert_int_equal(tm_test_access_with("iat", json_integer(now + 100)),
                     TM_JWT_NOT_YET_VALID);

    assert_int_equal(tm_test_access_with("iat", json_integer(now + 30)),
                     TM_JWT_OK);

    assert_int_equal(tm_test_access_with("nbf", json_integer(now + 100)),
                     TM_JWT_NOT_YET_VALID);

    assert_int_equal(tm_test_access_with("iat", NULL), TM_JWT_OK);
}


static void
tm_test_wrong_claims(void **state)
{
    assert_int_equal(tm_test_access_with("iss",
                                         json_string("https://evil.example")),
                     TM_JWT_BAD_ISSUER);

    assert_int_equal(tm_test_access_with("iss", NULL), TM_JWT_BAD_ISSUER);

    /* an id token where an access token is expected, and back */
    assert_int_equal(tm_test_verify(
        tm_test_token(tm_test_id_claims(), "a", tm_test.key_a),
        tm_test.keys_a, &tm_test_access), TM_JWT_BAD_TOKEN_USE);

    assert_int_equal(tm_test_verify(
        tm_test_token(tm_test_access_claims(), "a", tm_test.key_a),
        tm_test.keys_a, &tm_test_id), TM_JWT_BAD_TOKEN_USE);

    assert_int_equal(tm_test_access_with("client_id", json_string("other")),
                     TM_JWT_BAD_CLIENT);

    assert_int_equal(tm_test_access_with("client_id", NULL),
                     TM_JWT_BAD_CLIENT);

    /* an access token's client is not taken from "aud" */
    assert_int_equal(tm_test_verify(
        tm_test_token(tm_test_with(tm_test_with(tm_test_access_claims(),
                                                "client_id", NULL),
                                   "aud", json_string(TM_TEST_CLIENT)),
                      "a", tm_test.key_a),
        tm_test.keys_a, &tm_test_access), TM_JWT_BAD_CLIENT);

    assert_int_equal(tm_test_id_with("aud", json_string("other")),
                     TM_JWT_BAD_CLIENT);

    assert_int_equal(tm_test_id_with("aud", json_pack("[s]", "other")),
                     TM_JWT_BAD_CLIENT);
}


static void
tm_test_kid(void **state)
{
    char  *token, *c;

    /* not in the set, not in a second set, no set at all */
    assert_int_equal(tm_test_verify(
        tm_test_token(tm_test_access_claims(), "zzz", tm_test.key_a),
        tm_test.keys_a, &tm_test_access), TM_JWT_UNKNOWN_KID);

    assert_int_equal(tm_test_verify(
        tm_test_token(tm_test_access_claims(), "b", tm_test.key_b),
        tm_test.keys_a, &tm_test_access), TM_JWT_UNKNOWN_KID);

    assert_int_equal(tm_test_verify(
        tm_test_token(tm_test_access_claims(), "a", tm_test.key_a),
        NULL, &tm_test_access), TM_JWT_UNKNOWN_KID);

    /* no kid, or not a string */
    c = tm_test_dump(tm_test_access_claims());
    token = tm_test_token_raw("{\"alg\":\"RS256\"}", c, tm_test.key_a,
                              TM_TEST_SIGN_RS256);
    assert_int_equal(tm_test_verify(token, tm_test.keys_a, &tm_test_access),
                     TM_JWT_UNKNOWN_KID);

    token = tm_test_token_raw("{\"alg\":\"RS256\",\"kid\":1}", c,
                              tm_test.key_a, TM_TEST_SIGN_RS256);
    assert_int_equal(tm_test_verify(token, tm_test.keys_a, &tm_test_access),
                     TM_JWT_UNKNOWN_KID);
    free(c);
}


static void
tm_test_select_by_kid(void **state)
{
    assert_int_equal(tm_jwks_count(tm_test.keys_ab), 2);

    assert_int_equal(tm_test_verify(
        tm_test_token(tm_test_access_claims(), "a", tm_test.key_a),
        tm_test.keys_ab, &tm_test_access), TM_JWT_OK);

    assert_int_equal(tm_test_verify(
        tm_test_token(tm_test_access_claims(), "b", tm_test.key_b),
        tm_test.keys_ab, &tm_test_access), TM_JWT_OK);

    /* signed by one key, naming the other */
    assert_int_equal(tm_test_verify(
        tm_test_token(tm_test_access_claims(), "a", tm_test.key_b),
        tm_test.keys_ab, &tm_test_access), TM_JWT_BAD_SIGNATURE);
}


static void
tm_test_tampered(void **state)
{
    char  *token, *forged, *p;

    token = tm_test_token(tm_test_access_claims(), "a", tm_test.key_a);

    /* another payload under the original signature */
    forged = tm_test_token(tm_test_with(tm_test_access_claims(), "sub",
                                        json_string("admin")),
                           "a", tm_test.key_a);
    strcpy(strrchr(forged, '.') + 1, strrchr(token, '.') + 1);
    assert_int_equal(tm_test_verify(forged, tm_test.keys_a, &tm_test_access),
                     TM_JWT_BAD_SIGNATURE);

    /* one signature character changed */
    p = strrchr(token, '.') + 5;
    *p = (*p == 'A') ? 'B' : 'A';
    assert_int_equal(tm_test_verify(token, tm_test.keys_a, &tm_test_access),
                     TM_JWT_BAD_SIGNATURE);

    /* signed by a key not in the set under a known kid */
    assert_int_equal(tm_test_verify(
        tm_test_token(tm_test_access_claims(), "a", tm_test.key_b),
        tm_test.keys_a, &tm_test_access), TM_JWT_BAD_SIGNATURE);
}


static void
tm_test_bad_alg(void **state)
{
    char  *c;

    c = tm_test_dump(tm_test_access_claims());

    /* "none" with an empty signature */
    assert_int_equal(tm_test_verify(
        tm_test_token_raw("{\"alg\":\"none\",\"kid\":\"a\"}", c, NULL,
                          TM_TEST_SIGN_NONE),
        tm_test.keys_a, &tm_test_access), TM_JWT_BAD_ALG);

    assert_int_equal(tm_test_verify(
        tm_test_token_raw("{\"alg\":\"none\"}", c, NULL, TM_TEST_SIGN_NONE),
        tm_test.keys_a, &tm_test_access), TM_JWT_BAD_ALG);

    /* HS256 keyed with the public key, as a confused verifier would */
    assert_int_equal(tm_test_verify(
        tm_test_token_raw("{\"alg\":\"HS256\",\"kid\":\"a\"}", c,
                          tm_test.key_a, TM_TEST_SIGN_HS256_PEM),
        tm_test.keys_a, &tm_test_access), TM_JWT_BAD_ALG);

    assert_int_equal(tm_test_header("{\"alg\":\"RS512\",\"kid\":\"a\"}", c),
                     TM_JWT_BAD_ALG);

    assert_int_equal(tm_test_header("{\"alg\":\"rs256\",\"kid\":\"a\"}", c),
                     TM_JWT_BAD_ALG);

    assert_int_equal(tm_test_header("{\"kid\":\"a\"}", c), TM_JWT_BAD_ALG);

    assert_int_equal(tm_test_header("{\"alg\":null,\"kid\":\"a\"}", c),
                     TM_JWT_BAD_ALG);

    /* typ, when given, is "JWT"; "crit" extensions are not understood */
    assert_int_equal(tm_test_header("{\"alg\":\"RS256\",\"typ\":\"JWT\","
                                    "\"kid\":\"a\"}", c),
                     TM_JWT_OK);

    assert_int_equal(tm_test_header("{\"alg\":\"RS256\",\"typ\":\"at+jwt\","
                                    "\"kid\":\"a\"}", c),
                     TM_JWT_MALFORMED);

    assert_int_equal(tm_test_header("{\"alg\":\"RS256\",\"crit\":[\"x\"],"
                                    "\"x\":1,\"kid\":\"a\"}", c),
                     TM_JWT_MALFORMED);

    free(c);
}


static tm_jwt_rc_e
tm_test_verify_str(const char *token)
{
    return tm_jwt_verify(token, strlen(token), tm_test.keys_a,
                         &tm_test_access, NULL);
}


static void
tm_test_malformed(void **state)
{
    char  *c, *pad;

    assert_int_equal(tm_test_verify_str(""), TM_JWT_MALFORMED);
    assert_int_equal(tm_test_verify_str("abc"), TM_JWT_MALFORMED);
    assert_int_equal(tm_test_verify_str("abc.def"), TM_JWT_MALFORMED);
    assert_int_equal(tm_test_verify_str("a.b.c.d"), TM_JWT_MALFORMED);
    assert_int_equal(tm_test_verify_str(".."), TM_JWT_MALFORMED);
    assert_int_equal(tm_test_verify_str("e30.e30.!!!!"), TM_JWT_MALFORMED);
    assert_int_equal(tm_test_verify_str("e3 0.e30.AAAA"), TM_JWT_MALFORMED);
    assert_int_equal(tm_test_verify_str("e30.e3+.AAAA"), TM_JWT_MALFORMED);
    assert_int_equal(tm_jwt_verify(NULL, 0, tm_test.keys_a, &tm_test_access,
                                   NULL), TM_JWT_MALFORMED);

    c = tm_test_dump(tm_test_access_claims());

    /* header not JSON, or JSON but not an object, or with repeated names */
    assert_int_equal(tm_test_header("not json", c), TM_JWT_MALFORMED);

    assert_int_equal(tm_test_header("[\"RS256\"]", c), TM_JWT_MALFORMED);

    assert_int_equal(tm_test_header("{\"alg\":\"RS256\",\"kid\":\"a\","
                                    "\"kid\":\"a\"}", c),
                     TM_JWT_MALFORMED);

    /* a properly signed payload that is not a JSON object */
    assert_int_equal(tm_test_header("{\"alg\":\"RS256\",\"kid\":\"a\"}",
                                    "[1]"),
                     TM_JWT_MALFORMED);

    assert_int_equal(tm_test_header("{\"alg\":\"RS256\",\"kid\":\"a\"}",
                                    "nope"),
                     TM_JWT_MALFORMED);

    /* a valid token over 16 KiB is refused, one of about 12 KiB is not */
    pad = calloc(1, 12001);
    assert_non_null(pad);
    memset(pad, 'x', 12000);

    assert_int_equal(tm_test_access_with("pad", json_string(pad)),
                     TM_JWT_MALFORMED);

    pad[9000] = '\0';
    assert_int_equal(tm_test_access_with("pad", json_string(pad)), TM_JWT_OK);

    free(pad);
    free(c);
}


static void
tm_test_jwks_errors(void **state)
{
    char         err[128], *json;
    json_t      *jwk;
    EVP_PKEY    *small;
    tm_jwks_t   *keys;
    size_t       i;

    static const char  *bad[] = {
        "",
        "not json",
        "[]",
        "{}",
        "{\"keys\":{}}",
        "{\"keys\":[]}",
        "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"x\",\"crv\":\"P-256\"}]}",
        "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"x\",\"n\":\"!!\","
            "\"e\":\"AQAB\"}]}",
    };

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        keys = tm_jwks_parse(bad[i], strlen(bad[i]), err, sizeof(err));
        assert_null(keys);
        assert_true(err[0] != '\0');
    }

    assert_null(tm_jwks_parse("{}", 2, NULL, 0));

    /* keys skipped for their alg, use, missing kid/n/e or size */
    jwk = tm_test_jwk(tm_test.key_a, "a");
    json_object_set_new(jwk, "alg", json_string("RS512"));
    json = tm_test_jwks(jwk, NULL);
    assert_null(tm_jwks_parse(json, strlen(json), err, sizeof(err)));
    free(json);

    jwk = tm_test_jwk(tm_test.key_a, "a");
    json_object_set_new(jwk, "use", json_string("enc"));
    json = tm_test_jwks(jwk, NULL);
    assert_null(tm_jwks_parse(json, strlen(json), err, sizeof(err)));
    free(json);

    jwk = tm_test_jwk(tm_test.key_a, "a");
    json_object_del(jwk, "kid");
    json = tm_test_jwks(jwk, NULL);
    assert_null(tm_jwks_parse(json, strlen(json), err, sizeof(err)));
    free(json);

    jwk = tm_test_jwk(tm_test.key_a, "a");
    json_object_del(jwk, "e");
    json = tm_test_jwks(jwk, NULL);
    assert_null(tm_jwks_parse(json, strlen(json), err, sizeof(err)));
    free(json);

    small = EVP_RSA_gen(1024);
    assert_non_null(small);
    json = tm_test_jwks(tm_test_jwk(small, "s"), NULL);
    assert_null(tm_jwks_parse(json, strlen(json), err, sizeof(err)));
    free(json);
    EVP_PKEY_free(small);

    /* alg and use are optional; unusable keys beside a good one skipped */
    jwk = tm_test_jwk(tm_test.key_b, "b");
    json_object_del(jwk, "alg");
    json_object_del(jwk, "use");
    json = tm_test_jwks(json_pack("{s:s, s:s}", "kty", "EC", "kid", "x"),
                        jwk, tm_test_jwk(tm_test.key_a, "a"), NULL);
    keys = tm_test_parse(json);
    assert_int_equal(tm_jwks_count(keys), 2);
    assert_int_equal(tm_test_verify(
        tm_test_token(tm_test_access_claims(), "b", tm_test.key_b),
        keys, &tm_test_access), TM_JWT_OK);
    tm_jwks_free(keys);
    free(json);

    assert_int_equal(tm_jwks_count(NULL), 0);
    tm_jwks_free(NULL);
}


static void
tm_test_base64url(void **state)
{
    char            out[16];
    size_t          i, n;
    unsigned char   bin[16];

    static const char  *plain[] = { "", "f", "fo", "foo", "foob", "fooba",
                                    "foobar" };
    static const char  *coded[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg",
                                    "Zm9vYmE", "Zm9vYmFy" };

    for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        n = tm_base64url_encode((const unsigned char *) plain[i],
                                strlen(plain[i]), out);
        assert_int_equal(n, strlen(coded[i]));
        assert_string_equal(out, coded[i]);

        assert_int_equal(tm_base64url_decode(coded[i], strlen(coded[i]), bin,
                                             &n), 0);
        assert_int_equal(n, strlen(plain[i]));
        assert_memory_equal(bin, plain[i], n);
    }

    /* the url-safe alphabet: 0xfb 0xff -> "-_8" */
    bin[0] = 0xfb;
    bin[1] = 0xff;
    tm_base64url_encode(bin, 2, out);
    assert_string_equal(out, "-_8");

    /* padding is optional but must fit */
    assert_int_equal(tm_base64url_decode("Zg==", 4, bin, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(tm_base64url_decode("Zm8=", 4, bin, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(tm_base64url_decode("Zg=", 3, bin, &n), -1);
    assert_int_equal(tm_base64url_decode("Zm9v=", 5, bin, &n), -1);
    assert_int_equal(tm_base64url_decode("Z===", 4, bin, &n), -1);

    /* not the alphabet, impossible length, bits beyond the data */
    assert_int_equal(tm_base64url_decode("Zm+v", 4, bin, &n), -1);
    assert_int_equal(tm_base64url_decode("Zm/v", 4, bin, &n), -1);
    assert_int_equal(tm_base64url_decode("Zm v", 4, bin, &n), -1);
    assert_int_equal(tm_base64url_decode("Zm9vY", 5, bin, &n), -1);
    assert_int_equal(tm_base64url_decode("Zh", 2, bin, &n), -1);
    assert_int_equal(tm_base64url_decode("Zm9", 3, bin, &n), -1);
}


static void
tm_test_strerror(void **state)
{
    int  rc;

    for (rc = TM_JWT_OK; rc <= TM_JWT_BAD_CLIENT; rc++) {
        assert_true(strlen(tm_jwt_strerror((tm_jwt_rc_e) rc)) > 0);
    }

    assert_string_equal(tm_jwt_strerror(TM_JWT_EXPIRED), "token expired");
    assert_string_equal(tm_jwt_strerror((tm_jwt_rc_e) 99), "unknown error");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_access_ok),
        cmocka_unit_test(tm_test_id_ok),
        cmocka_unit_test(tm_test_times),
        cmocka_unit_test(tm_test_wrong_claims),
        cmocka_unit_test(tm_test_kid),
        cmocka_unit_test(tm_test_select_by_kid),
        cmocka_unit_test(tm_test_tampered),
        cmocka_unit_test(tm_test_bad_alg),
        cmocka_unit_test(tm_test_malformed),
        cmocka_unit_test(tm_test_jwks_errors),
        cmocka_unit_test(tm_test_base64url),
        cmocka_unit_test(tm_test_strerror),
    };

    return cmocka_run_group_tests(tests, tm_test_setup, tm_test_teardown);
}
