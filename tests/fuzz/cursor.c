/*
 * libFuzzer target: page cursors (common/tm_cursor.c), which clients send
 * back as cursor=.  The input is tried three ways: as a cursor (signed or
 * not: a cursor that decodes is one the key signed), as the body of a
 * cursor signed here (base64url and JSON past the signature), and as the
 * JSON state of a listing.  A state that decodes encodes again, and
 * whatever encodes decodes to the same state.
 */

#include <string.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fuzz.h"
#include "tm_cursor.h"
#include "tm_jwt.h"


/* the key of the corpus's cursors (tests/fuzz/corpus/cursor/README) */
static const unsigned char  fz_key[] = "taskmgr fuzz cursor key 32 bytes";


/* state encoded decodes to itself */
static void
fz_round(const json_t *state)
{
    char    *cursor;
    json_t  *back;

    cursor = tm_cursor_encode(state, fz_key, sizeof(fz_key) - 1);
    if (cursor == NULL) {
        return;                 /* larger than TM_CURSOR_MAX */
    }

    back = tm_cursor_decode(cursor, strlen(cursor), fz_key,
                            sizeof(fz_key) - 1);
    fz_check(back != NULL && json_equal(back, state));

    /* under another key it is refused */
    fz_check(tm_cursor_decode(cursor, strlen(cursor), fz_key, 16) == NULL);

    json_decref(back);
    free(cursor);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char           *cursor;
    size_t          n;
    json_t         *state;
    unsigned int    len;
    unsigned char   mac[32];

    /* a cursor as a client sends it */
    state = tm_cursor_decode((const char *) data, size, fz_key,
                             sizeof(fz_key) - 1);
    if (state) {
        fz_check(json_is_object(state));
        fz_round(state);
        json_decref(state);
    }

    /* the bytes as a cursor's body, signed here: past the signature */
    cursor = malloc((size + 2) / 3 * 4 + 1 + 43 + 1);
    n = tm_base64url_encode(data, size, cursor);

    len = sizeof(mac);
    HMAC(EVP_sha256(), fz_key, sizeof(fz_key) - 1,
         (const unsigned char *) cursor, n, mac, &len);
    cursor[n++] = '.';
    n += tm_base64url_encode(mac, sizeof(mac), cursor + n);

    state = tm_cursor_decode(cursor, n, fz_key, sizeof(fz_key) - 1);
    if (state) {
        fz_check(json_is_object(state));
        fz_round(state);
        json_decref(state);
    }

    free(cursor);

    /* the bytes as a listing's state */
    state = json_loadb((const char *) data, size, JSON_REJECT_DUPLICATES,
                       NULL);
    if (json_is_object(state)) {
        fz_round(state);
    }

    json_decref(state);

    return 0;
}
