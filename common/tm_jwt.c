/*
 * JWT verification (RFC 7519, JWS compact RS256 only) against a JWKS
 * (RFC 7517), as issued by Cognito.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "tm_jwt.h"


#define TM_JWT_MAX_LEN       16384
#define TM_JWT_MIN_RSA_BITS  2048


typedef struct {
    char       *kid;
    EVP_PKEY   *pkey;
} tm_jwk_t;


struct tm_jwks_s {
    tm_jwk_t   *keys;
    size_t      n;
};


/* header, payload, signature: decoded, in one buffer per token */
typedef struct {
    unsigned char  *data;
    size_t          len;
} tm_jwt_part_t;


static int tm_base64url_value(unsigned char c);
static void tm_jwt_error(char *err, size_t errlen, const char *msg);
static EVP_PKEY *tm_jwk_rsa_key(const char *n64, const char *e64);
static BIGNUM *tm_jwk_bignum(const char *b64);
static int tm_jwk_usable(json_t *jwk);
static const EVP_PKEY *tm_jwks_find(const tm_jwks_t *keys, const char *kid);
static int tm_jwt_split(const char *token, size_t len, unsigned char *buf,
    tm_jwt_part_t *parts, size_t *signed_len);
static json_t *tm_jwt_parse_object(const tm_jwt_part_t *part);
static tm_jwt_rc_e tm_jwt_check_header(json_t *header, const tm_jwks_t *keys,
    const EVP_PKEY **pkey);
static tm_jwt_rc_e tm_jwt_check_signature(const EVP_PKEY *pkey,
    const char *signed_part, size_t signed_len, const tm_jwt_part_t *sig);
static int tm_jwt_str_is(json_t *v, const char *s);
static int tm_jwt_aud_has(json_t *aud, const char *client_id);
static tm_jwt_rc_e tm_jwt_check_claims(json_t *claims,
    const tm_jwt_expect_t *expect);


static int
tm_base64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }

    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }

    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }

    if (c == '-') {
        return 62;
    }

    if (c == '_') {
        return 63;
    }

    return -1;
}


int
tm_base64url_decode(const char *in, size_t len, unsigned char *out,
    size_t *out_len)
{
    int            v;
    size_t         i, n, pad;
    unsigned long  bits;

    /* padding is optional, but if present it must be right */
    pad = 0;
    while (pad < 2 && len > pad && in[len - pad - 1] == '=') {
        pad++;
    }

    if (pad > 0 && len % 4 != 0) {
        return -1;
    }

    len -= pad;

    if (len % 4 == 1) {
        return -1;
    }

    n = 0;
    bits = 0;

    for (i = 0; i < len; i++) {
        v = tm_base64url_value((unsigned char) in[i]);
        if (v < 0) {
            return -1;
        }

        bits = bits << 6 | (unsigned long) v;

        if (i % 4 == 3) {
            out[n++] = (unsigned char) (bits >> 16);
            out[n++] = (unsigned char) (bits >> 8);
            out[n++] = (unsigned char) bits;
            bits = 0;
        }
    }

    /* a final group of 2 or 3 characters; its spare bits must be zero */
    switch (len % 4) {

    case 2:
        if (bits & 0x0f) {
            return -1;
        }

        out[n++] = (unsigned char) (bits >> 4);
        break;

    case 3:
        if (bits & 0x03) {
            return -1;
        }

        out[n++] = (unsigned char) (bits >> 10);
        out[n++] = (unsigned char) (bits >> 2);
        break;

    default:
        break;
    }

    *out_len = n;

    return 0;
}


size_t
tm_base64url_encode(const unsigned char *in, size_t len, char *out)
{
    static const char  alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t             i, n;
    unsigned long      bits;

    n = 0;

    for (i = 0; i + 2 < len; i += 3) {
        bits = (unsigned long) in[i] << 16 | (unsigned long) in[i + 1] << 8
               | in[i + 2];
        out[n++] = alphabet[bits >> 18 & 0x3f];
        out[n++] = alphabet[bits >> 12 & 0x3f];
        out[n++] = alphabet[bits >> 6 & 0x3f];
        out[n++] = alphabet[bits & 0x3f];
    }

    if (len - i == 1) {
        bits = (unsigned long) in[i] << 16;
        out[n++] = alphabet[bits >> 18 & 0x3f];
        out[n++] = alphabet[bits >> 12 & 0x3f];

    } else if (len - i == 2) {
        bits = (unsigned long) in[i] << 16 | (unsigned long) in[i + 1] << 8;
        out[n++] = alphabet[bits >> 18 & 0x3f];
        out[n++] = alphabet[bits >> 12 & 0x3f];
        out[n++] = alphabet[bits >> 6 & 0x3f];
    }

    out[n] = '\0';

    return n;
}


static void
tm_jwt_error(char *err, size_t errlen, const char *msg)
{
    if (err != NULL && errlen > 0) {
        snprintf(err, errlen, "%s", msg);
    }
}


static BIGNUM *
tm_jwk_bignum(const char *b64)
{
    size_t          len, n;
    BIGNUM         *bn;
    unsigned char  *bin;

    len = strlen(b64);

    bin = malloc(len * 3 / 4 + 1);
    if (bin == NULL) {
        return NULL;
    }

    bn = NULL;

    if (tm_base64url_decode(b64, len, bin, &n) == 0 && n > 0) {
        bn = BN_bin2bn(bin, (int) n, NULL);
    }

    free(bin);

    return bn;
}


/* an RSA public key from the JWK's base64url "n" and "e" */
static EVP_PKEY *
tm_jwk_rsa_key(const char *n64, const char *e64)
{
    BIGNUM          *n, *e;
    EVP_PKEY        *pkey;
    OSSL_PARAM      *params;
    EVP_PKEY_CTX    *ctx;
    OSSL_PARAM_BLD  *bld;

    pkey = NULL;
    params = NULL;
    ctx = NULL;

    n = tm_jwk_bignum(n64);
    e = tm_jwk_bignum(e64);
    bld = OSSL_PARAM_BLD_new();

    if (n == NULL || e == NULL || bld == NULL
        || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n)
        || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
    {
        goto done;
    }

    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);

    if (params == NULL || ctx == NULL
        || EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
    {
        goto done;
    }

    /* short keys are forgeable: refuse them rather than trust them */
    if (EVP_PKEY_get_bits(pkey) < TM_JWT_MIN_RSA_BITS) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }

done:

    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);

    return pkey;
}


/* kty "RSA" with kid, n, e; alg and use, if given, "RS256" and "sig" */
static int
tm_jwk_usable(json_t *jwk)
{
    json_t  *alg, *use;

    alg = json_object_get(jwk, "alg");
    use = json_object_get(jwk, "use");

    return json_is_object(jwk)
           && tm_jwt_str_is(json_object_get(jwk, "kty"), "RSA")
           && json_is_string(json_object_get(jwk, "kid"))
           && json_is_string(json_object_get(jwk, "n"))
           && json_is_string(json_object_get(jwk, "e"))
           && (alg == NULL || tm_jwt_str_is(alg, "RS256"))
           && (use == NULL || tm_jwt_str_is(use, "sig"));
}


tm_jwks_t *
tm_jwks_parse(const char *json, size_t len, char *err, size_t errlen)
{
    size_t        i;
    json_t       *root, *list, *jwk;
    EVP_PKEY     *pkey;
    tm_jwk_t     *key;
    tm_jwks_t    *keys;

    tm_jwt_error(err, errlen, "");

    root = json_loadb(json, len, 0, NULL);
    list = json_object_get(root, "keys");

    if (!json_is_array(list)) {
        tm_jwt_error(err, errlen, root ? "no \"keys\" array"
                                       : "not valid JSON");
        json_decref(root);
        return NULL;
    }

    keys = calloc(1, sizeof(tm_jwks_t));
    if (keys != NULL) {
        keys->keys = calloc(json_array_size(list) + 1, sizeof(tm_jwk_t));
    }

    if (keys == NULL || keys->keys == NULL) {
        tm_jwt_error(err, errlen, "out of memory");
        goto failed;
    }

    json_array_foreach(list, i, jwk) {
        if (!tm_jwk_usable(jwk)) {
            continue;
        }

        pkey = tm_jwk_rsa_key(
                   json_string_value(json_object_get(jwk, "n")),
                   json_string_value(json_object_get(jwk, "e")));
        if (pkey == NULL) {
            continue;
        }

        key = &keys->keys[keys->n];
        key->pkey = pkey;
        key->kid = strdup(json_string_value(json_object_get(jwk, "kid")));

        if (key->kid == NULL) {
            tm_jwt_error(err, errlen, "out of memory");
            EVP_PKEY_free(pkey);
            goto failed;
        }

        keys->n++;
    }

    if (keys->n == 0) {
        tm_jwt_error(err, errlen, "no usable RS256 signing key");
        goto failed;
    }

    json_decref(root);

    return keys;

failed:

    json_decref(root);
    tm_jwks_free(keys);

    return NULL;
}


void
tm_jwks_free(tm_jwks_t *keys)
{
    size_t  i;

    if (keys == NULL) {
        return;
    }

    for (i = 0; i < keys->n; i++) {
        free(keys->keys[i].kid);
        EVP_PKEY_free(keys->keys[i].pkey);
    }

    free(keys->keys);
    free(keys);
}


size_t
tm_jwks_count(const tm_jwks_t *keys)
{
    return keys ? keys->n : 0;
}


static const EVP_PKEY *
tm_jwks_find(const tm_jwks_t *keys, const char *kid)
{
    size_t  i;

    for (i = 0; keys != NULL && i < keys->n; i++) {
        if (strcmp(keys->keys[i].kid, kid) == 0) {
            return keys->keys[i].pkey;
        }
    }

    return NULL;
}


/* "header.payload.signature", each part base64url-decoded into buf */
static int
tm_jwt_split(const char *token, size_t len, unsigned char *buf,
    tm_jwt_part_t *parts, size_t *signed_len)
{
    size_t       i, n;
    const char  *p, *end, *dot;

    p = token;
    end = token + len;

    for (i = 0; i < 3; i++) {
        dot = memchr(p, '.', (size_t) (end - p));

        if ((i < 2) != (dot != NULL)) {
            return -1;
        }

        if (i == 1) {
            *signed_len = (size_t) (dot - token);
        }

        n = (size_t) ((dot ? dot : end) - p);

        /* the signature of an unsigned token ("alg":"none") is empty */
        if ((n == 0 && i < 2)
            || tm_base64url_decode(p, n, buf, &parts[i].len) != 0)
        {
            return -1;
        }

        parts[i].data = buf;
        buf += parts[i].len;
        p += n + 1;
    }

    return 0;
}


/* duplicate names could make us and another reader see different claims,
 * so they are refused */
static json_t *
tm_jwt_parse_object(const tm_jwt_part_t *part)
{
    json_t  *json;

    json = json_loadb((const char *) part->data, part->len,
                      JSON_REJECT_DUPLICATES, NULL);

    if (json != NULL && !json_is_object(json)) {
        json_decref(json);
        return NULL;
    }

    return json;
}


static tm_jwt_rc_e
tm_jwt_check_header(json_t *header, const tm_jwks_t *keys,
    const EVP_PKEY **pkey)
{
    json_t  *typ, *kid;

    /* the only algorithm taken, whatever the token asks for */
    if (!tm_jwt_str_is(json_object_get(header, "alg"), "RS256")) {
        return TM_JWT_BAD_ALG;
    }

    typ = json_object_get(header, "typ");
    if (typ != NULL && !tm_jwt_str_is(typ, "JWT")) {
        return TM_JWT_MALFORMED;
    }

    /* we understand no extension, so any "crit" must be refused */
    if (json_object_get(header, "crit") != NULL) {
        return TM_JWT_MALFORMED;
    }

    kid = json_object_get(header, "kid");
    if (!json_is_string(kid)) {
        return TM_JWT_UNKNOWN_KID;
    }

    *pkey = tm_jwks_find(keys, json_string_value(kid));

    return *pkey ? TM_JWT_OK : TM_JWT_UNKNOWN_KID;
}


/* RSASSA-PKCS1-v1_5 with SHA-256 over "header.payload" */
static tm_jwt_rc_e
tm_jwt_check_signature(const EVP_PKEY *pkey, const char *signed_part,
    size_t signed_len, const tm_jwt_part_t *sig)
{
    int          ok;
    EVP_MD_CTX  *md;

    md = EVP_MD_CTX_new();

    ok = md != NULL
         && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL,
                                 (EVP_PKEY *) pkey) == 1
         && EVP_DigestVerify(md, sig->data, sig->len,
                             (const unsigned char *) signed_part, signed_len)
            == 1;

    EVP_MD_CTX_free(md);

    return ok ? TM_JWT_OK : TM_JWT_BAD_SIGNATURE;
}


static int
tm_jwt_str_is(json_t *v, const char *s)
{
    return json_is_string(v) && s != NULL
           && strcmp(json_string_value(v), s) == 0;
}


static int
tm_jwt_aud_has(json_t *aud, const char *client_id)
{
    size_t   i;
    json_t  *v;

    if (json_is_array(aud)) {
        json_array_foreach(aud, i, v) {
            if (tm_jwt_str_is(v, client_id)) {
                return 1;
            }
        }

        return 0;
    }

    return tm_jwt_str_is(aud, client_id);
}


static tm_jwt_rc_e
tm_jwt_check_claims(json_t *claims, const tm_jwt_expect_t *expect)
{
    size_t       i;
    json_t      *v;
    const char  *token_use;

    static const char  *not_before[] = { "iat", "nbf" };

    v = json_object_get(claims, "exp");
    if (!json_is_number(v)
        || json_number_value(v) <= (double) (expect->now - expect->leeway))
    {
        return TM_JWT_EXPIRED;
    }

    for (i = 0; i < sizeof(not_before) / sizeof(not_before[0]); i++) {
        v = json_object_get(claims, not_before[i]);
        if (v == NULL) {
            continue;
        }

        if (!json_is_number(v)) {
            return TM_JWT_MALFORMED;
        }

        if (json_number_value(v) > (double) (expect->now + expect->leeway)) {
            return TM_JWT_NOT_YET_VALID;
        }
    }

    if (!tm_jwt_str_is(json_object_get(claims, "iss"), expect->issuer)) {
        return TM_JWT_BAD_ISSUER;
    }

    token_use = expect->token_use;

    if (!tm_jwt_str_is(json_object_get(claims, "token_use"), token_use)) {
        return TM_JWT_BAD_TOKEN_USE;
    }

    /* Cognito names the app client "client_id" in access tokens and
     * "aud" in id tokens */
    if (strcmp(token_use, "access") == 0) {
        v = json_object_get(claims, "client_id");
        return tm_jwt_str_is(v, expect->client_id) ? TM_JWT_OK
                                                   : TM_JWT_BAD_CLIENT;
    }

    if (strcmp(token_use, "id") == 0) {
        v = json_object_get(claims, "aud");
        return tm_jwt_aud_has(v, expect->client_id) ? TM_JWT_OK
                                                    : TM_JWT_BAD_CLIENT;
    }

    return TM_JWT_BAD_TOKEN_USE;
}


tm_jwt_rc_e
tm_jwt_verify(const char *token, size_t len, const tm_jwks_t *keys,
    const tm_jwt_expect_t *expect, json_t **claims)
{
    size_t           signed_len;
    json_t          *header, *payload;
    tm_jwt_rc_e      rc;
    unsigned char   *buf;
    tm_jwt_part_t    parts[3];
    const EVP_PKEY  *pkey;

    if (claims != NULL) {
        *claims = NULL;
    }

    if (token == NULL || len > TM_JWT_MAX_LEN) {
        return TM_JWT_MALFORMED;
    }

    buf = malloc(len + 1);
    if (buf == NULL) {
        return TM_JWT_MALFORMED;
    }

    signed_len = 0;
    header = NULL;
    payload = NULL;
    rc = TM_JWT_MALFORMED;

    if (tm_jwt_split(token, len, buf, parts, &signed_len) != 0) {
        goto done;
    }

    header = tm_jwt_parse_object(&parts[0]);
    if (header == NULL) {
        goto done;
    }

    rc = tm_jwt_check_header(header, keys, &pkey);
    if (rc != TM_JWT_OK) {
        goto done;
    }

    rc = tm_jwt_check_signature(pkey, token, signed_len, &parts[2]);
    if (rc != TM_JWT_OK) {
        goto done;
    }

    /* only now is the payload known to come from the issuer */
    payload = tm_jwt_parse_object(&parts[1]);
    if (payload == NULL) {
        rc = TM_JWT_MALFORMED;
        goto done;
    }

    rc = expect ? tm_jwt_check_claims(payload, expect) : TM_JWT_BAD_ISSUER;

    if (rc == TM_JWT_OK && claims != NULL) {
        *claims = payload;
        payload = NULL;
    }

done:

    json_decref(payload);
    json_decref(header);
    free(buf);

    return rc;
}


const char *
tm_jwt_strerror(tm_jwt_rc_e rc)
{
    switch (rc) {

    case TM_JWT_OK:
        return "ok";

    case TM_JWT_MALFORMED:
        return "malformed token";

    case TM_JWT_BAD_ALG:
        return "algorithm not allowed";

    case TM_JWT_UNKNOWN_KID:
        return "unknown signing key";

    case TM_JWT_BAD_SIGNATURE:
        return "bad signature";

    case TM_JWT_EXPIRED:
        return "token expired";

    case TM_JWT_NOT_YET_VALID:
        return "token not yet valid";

    case TM_JWT_BAD_ISSUER:
        return "wrong issuer";

    case TM_JWT_BAD_TOKEN_USE:
        return "wrong token use";

    case TM_JWT_BAD_CLIENT:
        return "wrong client";
    }

    return "unknown error";
}
