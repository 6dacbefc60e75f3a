/*
 * libFuzzer target: JWKS parsing (tm_jwks_parse, common/tm_jwt.c), the
 * key set the module fetches from Cognito and keeps.  Whatever the reply,
 * the result is a key set or NULL with a reason; every key kept is found
 * by its kid (a token naming it reaches the signature check), and a kid
 * whose key was skipped is unknown.
 */

#include <string.h>
#include <jansson.h>

#include "fuzz.h"
#include "tm_jwt.h"


/* a token naming kid, with a signature no key made: the kid's key is
 * found (the signature is checked) or was skipped */
static tm_jwt_rc_e
fz_kid(const tm_jwks_t *keys, const char *kid)
{
    char         *header, *token;
    size_t        n, len;
    json_t       *h;
    tm_jwt_rc_e   rc;

    h = json_pack("{s:s, s:s}", "alg", "RS256", "kid", kid);
    header = json_dumps(h, JSON_COMPACT);
    json_decref(h);
    fz_check(header != NULL);

    len = strlen(header);
    token = malloc((len + 2) / 3 * 4 + 16);
    n = tm_base64url_encode((unsigned char *) header, len, token);
    memcpy(token + n, ".e30.AAAA", 10);

    rc = tm_jwt_verify(token, n + 9, keys, NULL, NULL);
    fz_check(rc == TM_JWT_BAD_SIGNATURE || rc == TM_JWT_UNKNOWN_KID);

    free(token);
    free(header);

    return rc;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char         err[128];
    size_t       i, found;
    json_t      *root, *jwk, *kid;
    tm_jwks_t   *keys;

    keys = tm_jwks_parse((const char *) data, size, err, sizeof(err));

    if (keys == NULL) {
        fz_check(err[0] != '\0');
        return 0;
    }

    fz_check(tm_jwks_count(keys) >= 1);

    /* the kids as sent: the keys kept are among them */
    root = json_loadb((const char *) data, size, 0, NULL);
    fz_check(root != NULL);

    found = 0;
    json_array_foreach(json_object_get(root, "keys"), i, jwk) {
        kid = json_object_get(jwk, "kid");

        if (json_is_string(kid)
            && fz_kid(keys, json_string_value(kid)) == TM_JWT_BAD_SIGNATURE)
        {
            found++;
        }
    }

    fz_check(found >= tm_jwks_count(keys));

    json_decref(root);
    tm_jwks_free(keys);

    return 0;
}
