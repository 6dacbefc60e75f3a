/*
 * JWT (JWS compact, RS256 only) verification against a JWKS, with
 * OpenSSL 3 and jansson.  nginx-free.
 */

#ifndef TM_JWT_H
#define TM_JWT_H

#include <stddef.h>
#include <jansson.h>


typedef struct tm_jwks_s  tm_jwks_t;    /* parsed RSA keys by kid */


typedef enum {
    TM_JWT_OK = 0,
    TM_JWT_MALFORMED,           /* not three base64url parts, bad JSON,
                                   over 16 KiB, typ not "JWT", crit */
    TM_JWT_BAD_ALG,             /* alg other than RS256 (none, HS256, ...) */
    TM_JWT_UNKNOWN_KID,         /* header kid not in the key set */
    TM_JWT_BAD_SIGNATURE,
    TM_JWT_EXPIRED,             /* exp missing or <= now - leeway */
    TM_JWT_NOT_YET_VALID,       /* iat/nbf in the future beyond leeway */
    TM_JWT_BAD_ISSUER,
    TM_JWT_BAD_TOKEN_USE,
    TM_JWT_BAD_CLIENT           /* client_id (access) / aud (id) mismatch */
} tm_jwt_rc_e;


typedef struct {
    const char  *issuer;        /* exact "iss" */
    const char  *client_id;     /* access: "client_id"; id: "aud" */
    const char  *token_use;     /* "access" or "id" */
    long long    now;           /* epoch seconds */
    long long    leeway;        /* seconds of clock skew allowed */
} tm_jwt_expect_t;


/* NULL on error (err gets a short reason), or if no key is usable; keys
 * without kid/n/e, not RSA "sig"/RS256, or under 2048 bits are skipped */
tm_jwks_t *tm_jwks_parse(const char *json, size_t len, char *err,
    size_t errlen);
void tm_jwks_free(tm_jwks_t *keys);
size_t tm_jwks_count(const tm_jwks_t *keys);

/*
 * Verifies signature and claims.  On TM_JWT_OK *claims (if not NULL) gets a
 * new reference to the payload object, to json_decref().  keys may be NULL
 * (then any well-formed RS256 token gives TM_JWT_UNKNOWN_KID).
 */
tm_jwt_rc_e tm_jwt_verify(const char *token, size_t len,
    const tm_jwks_t *keys, const tm_jwt_expect_t *expect, json_t **claims);

const char *tm_jwt_strerror(tm_jwt_rc_e rc);

/*
 * base64url.  decode: padding optional, out holds >= len * 3 / 4 bytes,
 * -1 on a bad character, length or trailing bits.  encode: no padding,
 * NUL-terminated, out holds >= (len + 2) / 3 * 4 + 1 bytes.
 */
int tm_base64url_decode(const char *in, size_t len, unsigned char *out,
    size_t *out_len);
size_t tm_base64url_encode(const unsigned char *in, size_t len, char *out);

#endif /* TM_JWT_H */
