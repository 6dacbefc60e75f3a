/*
 * libFuzzer target: JWT verification (common/tm_jwt.c) against a key set
 * made here at start (RSA 2048, as Cognito's JWKS gives them).  An input
 * with a newline is a header and a payload (JSON, one a line), signed here
 * with the key: the claims checks are reached, and a token they pass must
 * hold what they check; with another signature it fails.
 * Any other input is a token as a client sends it: forged, it never
 * passes, and each of its base64url parts that decodes encodes back the
 * same.
 */

#include <string.h>
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "fuzz.h"
#include "tm_jwt.h"


#define FZ_ISSUER  "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_fz"
#define FZ_CLIENT  "fuzzclient"
#define FZ_NOW     1764090000LL
#define FZ_LEEWAY  60


static EVP_PKEY   *fz_pkey;
static tm_jwks_t  *fz_keys;


/* the key pair, and the key set holding its public half as kid "fz" */
static void
fz_init(void)
{
    char            jwks[1024], n64[400];
    BIGNUM         *n;
    unsigned char   bin[256];

    fz_pkey = EVP_RSA_gen(2048);
    fz_check(fz_pkey != NULL);

    n = NULL;
    fz_check(EVP_PKEY_get_bn_param(fz_pkey, OSSL_PKEY_PARAM_RSA_N, &n)
             && BN_bn2binpad(n, bin, sizeof(bin)) == sizeof(bin));
    BN_free(n);

    tm_base64url_encode(bin, sizeof(bin), n64);
    snprintf(jwks, sizeof(jwks),
             "{\"keys\":[{\"alg\":\"RS256\",\"e\":\"AQAB\",\"kid\":\"fz\","
             "\"kty\":\"RSA\",\"n\":\"%s\",\"use\":\"sig\"}]}", n64);

    fz_keys = tm_jwks_parse(jwks, strlen(jwks), NULL, 0);
    fz_check(tm_jwks_count(fz_keys) == 1);
}


/* "b64(header).b64(payload).b64(signature)" into a new string */
static char *
fz_sign(const char *header, size_t hlen, const char *payload, size_t plen)
{
    char           *token;
    size_t          n, siglen;
    EVP_MD_CTX     *md;
    unsigned char   sig[256];

    token = malloc((hlen + plen + 2) / 3 * 4 + 8 + 4 * 256 / 3 + 8);
    n = tm_base64url_encode((const unsigned char *) header, hlen, token);
    token[n++] = '.';
    n += tm_base64url_encode((const unsigned char *) payload, plen,
                             token + n);

    siglen = sizeof(sig);
    md = EVP_MD_CTX_new();
    fz_check(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, fz_pkey) == 1
             && EVP_DigestSign(md, sig, &siglen, (unsigned char *) token, n)
                == 1);
    EVP_MD_CTX_free(md);

    token[n++] = '.';
    tm_base64url_encode(sig, siglen, token + n);

    return token;
}


static int
fz_is(const json_t *v, const char *s)
{
    return json_is_string(v) && strcmp(json_string_value(v), s) == 0;
}


/* a token that passed: what the checks promise */
static void
fz_passed(const json_t *c, const char *use)
{
    size_t   i;
    json_t  *v, *aud;

    fz_check(json_is_object(c));

    v = json_object_get(c, "exp");
    fz_check(json_is_number(v)
             && json_number_value(v) > (double) (FZ_NOW - FZ_LEEWAY));

    v = json_object_get(c, "iat");
    fz_check(v == NULL || json_number_value(v) <= FZ_NOW + FZ_LEEWAY);
    v = json_object_get(c, "nbf");
    fz_check(v == NULL || json_number_value(v) <= FZ_NOW + FZ_LEEWAY);

    fz_check(fz_is(json_object_get(c, "iss"), FZ_ISSUER));
    fz_check(fz_is(json_object_get(c, "token_use"), use));

    if (strcmp(use, "access") == 0) {
        fz_check(fz_is(json_object_get(c, "client_id"), FZ_CLIENT));
        return;
    }

    aud = json_object_get(c, "aud");
    if (json_is_array(aud)) {
        json_array_foreach(aud, i, v) {
            if (fz_is(v, FZ_CLIENT)) {
                return;
            }
        }

        fz_check(0);
    }

    fz_check(fz_is(aud, FZ_CLIENT));
}


static void
fz_signed(const char *text, size_t size)
{
    int               i;
    char             *token, *last, c;
    json_t           *claims;
    const char       *nl, *uses[] = { "access", "id" };
    tm_jwt_rc_e       rc;
    tm_jwt_expect_t   expect;

    nl = memchr(text, '\n', size);
    token = fz_sign(text, (size_t) (nl - text), nl + 1,
                    size - (size_t) (nl - text) - 1);

    expect.issuer = FZ_ISSUER;
    expect.client_id = FZ_CLIENT;
    expect.now = FZ_NOW;
    expect.leeway = FZ_LEEWAY;

    for (i = 0; i < 2; i++) {
        expect.token_use = uses[i];
        rc = tm_jwt_verify(token, strlen(token), fz_keys, &expect, &claims);

        fz_check(rc <= TM_JWT_BAD_CLIENT && tm_jwt_strerror(rc) != NULL);
        fz_check((rc == TM_JWT_OK) == (claims != NULL));

        if (rc != TM_JWT_OK) {
            continue;
        }

        fz_passed(claims, uses[i]);
        json_decref(claims);

        /* another signature: one character of its last full group */
        last = token + strlen(token) - 3;
        c = *last;
        *last = c == 'A' ? 'B' : 'A';
        rc = tm_jwt_verify(token, strlen(token), fz_keys, &expect, NULL);
        fz_check(rc == TM_JWT_BAD_SIGNATURE);
        *last = c;
    }

    free(token);
}


/* a token as sent: forged, it never passes */
static void
fz_token(const char *text, size_t size)
{
    char             *back;
    size_t            n, len;
    json_t           *claims;
    const char       *p, *dot, *end;
    tm_jwt_rc_e       rc;
    unsigned char    *bin;
    tm_jwt_expect_t   expect;

    expect.issuer = FZ_ISSUER;
    expect.client_id = FZ_CLIENT;
    expect.token_use = "access";
    expect.now = FZ_NOW;
    expect.leeway = FZ_LEEWAY;

    rc = tm_jwt_verify(text, size, fz_keys, &expect, &claims);
    fz_check(rc != TM_JWT_OK && claims == NULL);

    rc = tm_jwt_verify(text, size, NULL, &expect, NULL);
    fz_check(rc != TM_JWT_OK);

    /* base64url: what decodes (unpadded) encodes back the same */
    bin = malloc(size + 1);
    back = malloc(size + 8);
    end = text + size;

    for (p = text; p < end; p = dot < end ? dot + 1 : end) {
        dot = memchr(p, '.', (size_t) (end - p));
        dot = dot ? dot : end;
        len = (size_t) (dot - p);

        if (memchr(p, '=', len) == NULL
            && tm_base64url_decode(p, len, bin, &n) == 0)
        {
            fz_check(tm_base64url_encode(bin, n, back) == len
                     && memcmp(back, p, len) == 0);
        }
    }

    free(back);
    free(bin);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char  *text;

    if (fz_keys == NULL) {
        fz_init();
    }

    text = (const char *) data;

    if (memchr(text, '\n', size)) {
        fz_signed(text, size);

    } else {
        fz_token(text, size);
    }

    return 0;
}
