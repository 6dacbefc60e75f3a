/*
 * Signed page cursors.
 */

#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tm_cursor.h"
#include "tm_jwt.h"


#define TM_MAC_LEN  32
#define TM_MAC_B64  43      /* base64url of 32 bytes, unpadded */


static int
tm_cursor_mac(const char *data, size_t len, const unsigned char *key,
    size_t key_len, unsigned char *mac)
{
    unsigned int  n;

    n = TM_MAC_LEN;

    return HMAC(EVP_sha256(), key, (int) key_len,
                (const unsigned char *) data, len, mac, &n)
           != NULL && n == TM_MAC_LEN ? 0 : -1;
}


char *
tm_cursor_encode(const json_t *state, const unsigned char *key,
    size_t key_len)
{
    char           *json, *out;
    size_t          len, n;
    unsigned char   mac[TM_MAC_LEN];

    json = json_dumps(state, JSON_COMPACT | JSON_SORT_KEYS);
    if (json == NULL) {
        return NULL;
    }

    len = strlen(json);

    if (len > TM_CURSOR_MAX) {
        free(json);
        return NULL;
    }

    out = malloc((len + 2) / 3 * 4 + 1 + TM_MAC_B64 + 1);
    if (out == NULL) {
        free(json);
        return NULL;
    }

    n = tm_base64url_encode((const unsigned char *) json, len, out);
    free(json);

    if (tm_cursor_mac(out, n, key, key_len, mac) != 0) {
        free(out);
        return NULL;
    }

    out[n++] = '.';
    tm_base64url_encode(mac, TM_MAC_LEN, out + n);

    return out;
}


json_t *
tm_cursor_decode(const char *cursor, size_t len, const unsigned char *key,
    size_t key_len)
{
    size_t          body_len, n;
    json_t         *state;
    const char     *dot;
    unsigned char   mac[TM_MAC_LEN], given[TM_MAC_LEN + 3], *json;

    if (len == 0 || len > TM_CURSOR_MAX * 2) {
        return NULL;
    }

    dot = memchr(cursor, '.', len);
    if (dot == NULL) {
        return NULL;
    }

    body_len = (size_t) (dot - cursor);

    if (len - body_len - 1 != TM_MAC_B64) {
        return NULL;
    }

    n = sizeof(given);
    if (tm_base64url_decode(dot + 1, len - body_len - 1, given, &n) != 0
        || n != TM_MAC_LEN
        || tm_cursor_mac(cursor, body_len, key, key_len, mac) != 0
        || CRYPTO_memcmp(mac, given, TM_MAC_LEN) != 0)
    {
        return NULL;
    }

    json = malloc(body_len + 1);
    if (json == NULL) {
        return NULL;
    }

    n = body_len + 1;
    if (tm_base64url_decode(cursor, body_len, json, &n) != 0) {
        free(json);
        return NULL;
    }

    state = json_loadb((const char *) json, n, JSON_REJECT_DUPLICATES, NULL);
    free(json);

    if (!json_is_object(state)) {
        json_decref(state);
        return NULL;
    }

    return state;
}
