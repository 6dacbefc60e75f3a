/*
 * Signed page cursors: round trip, tampering, wrong keys, malformed input.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tm_cursor.h"
#include "tm_jwt.h"


#define TM_TEST_N(a)   (sizeof(a) / sizeof((a)[0]))
#define TM_TEST_SIG    43          /* base64url of an HMAC-SHA256 */


static const unsigned char  tm_test_key[] = "0123456789abcdef0123456789abcdef";
static const unsigned char  tm_test_key2[] = "0123456789abcdef0123456789abcdeX";

#define TM_TEST_KEY_LEN  (sizeof(tm_test_key) - 1)


static json_t *
tm_test_state(void)
{
    json_t  *state;

    state = json_pack("{s:{s:{s:s}, s:{s:s}, s:{s:s}}, s:s, s:s, s:I}",
                      "key",
                          "EntityPartition", "S", "USER_abc",
                          "EntitySort", "S",
                              "TASK_3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b",
                          "TaskDueSort", "S", "2026-11-25T17:00:00Z",
                      "sort", "due",
                      "owner", "abc",
                      "limit", (json_int_t) 20);
    assert_non_null(state);

    return state;
}


static char *
tm_test_encode(const unsigned char *key, size_t key_len)
{
    char    *cursor;
    json_t  *state;

    state = tm_test_state();
    cursor = tm_cursor_encode(state, key, key_len);
    assert_non_null(cursor);
    json_decref(state);

    return cursor;
}


/* a cursor made here: base64url(payload) "." base64url(HMAC of that) */
static char *
tm_test_sign(const char *payload, const unsigned char *key, size_t key_len)
{
    char           *cursor;
    size_t          len, n;
    unsigned int    mac_len;
    unsigned char   mac[EVP_MAX_MD_SIZE];

    len = strlen(payload);
    cursor = malloc((len + 2) / 3 * 4 + 1 + TM_TEST_SIG + 1);
    assert_non_null(cursor);

    n = tm_base64url_encode((const unsigned char *) payload, len, cursor);

    assert_non_null(HMAC(EVP_sha256(), key, (int) key_len,
                         (const unsigned char *) cursor, n, mac, &mac_len));
    assert_int_equal(mac_len, 32);

    cursor[n++] = '.';
    tm_base64url_encode(mac, mac_len, cursor + n);

    return cursor;
}


/* 1 if the cursor (len bytes) decodes under the test key; frees nothing */
static int
tm_test_accepted(const char *cursor, size_t len)
{
    json_t  *state;

    state = tm_cursor_decode(cursor, len, tm_test_key, TM_TEST_KEY_LEN);
    if (state == NULL) {
        return 0;
    }

    json_decref(state);

    return 1;
}


static int
tm_test_accepted_str(const char *cursor)
{
    return tm_test_accepted(cursor, strlen(cursor));
}


static void
tm_test_round_trip(void **state)
{
    char        *cursor, *again, *dot;
    size_t       i, len;
    json_t      *in, *out;

    in = tm_test_state();

    cursor = tm_cursor_encode(in, tm_test_key, TM_TEST_KEY_LEN);
    assert_non_null(cursor);

    /* payload "." signature, all base64url, one dot, 43 signature chars */
    len = strlen(cursor);
    dot = strchr(cursor, '.');
    assert_non_null(dot);
    assert_null(strchr(dot + 1, '.'));
    assert_int_equal(strlen(dot + 1), TM_TEST_SIG);
    assert_true(dot > cursor);

    for (i = 0; i < len; i++) {
        if (cursor + i != dot) {
            assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "abcdefghijklmnopqrstuvwxyz"
                                   "0123456789-_", cursor[i]));
        }
    }

    out = tm_cursor_decode(cursor, len, tm_test_key, TM_TEST_KEY_LEN);
    assert_non_null(out);
    assert_true(json_equal(in, out));
    json_decref(out);

    /* deterministic: the same state gives the same cursor */
    again = tm_cursor_encode(in, tm_test_key, TM_TEST_KEY_LEN);
    assert_non_null(again);
    assert_string_equal(cursor, again);
    free(again);

    /* a cursor made independently with the same scheme is accepted */
    free(cursor);
    cursor = tm_test_sign("{\"owner\":\"abc\",\"sort\":\"created\"}",
                          tm_test_key, TM_TEST_KEY_LEN);
    out = tm_cursor_decode(cursor, strlen(cursor), tm_test_key,
                           TM_TEST_KEY_LEN);
    assert_non_null(out);
    assert_string_equal(json_string_value(json_object_get(out, "sort")),
                        "created");
    json_decref(out);
    free(cursor);

    /* the empty object */
    json_decref(in);
    in = json_object();
    cursor = tm_cursor_encode(in, tm_test_key, TM_TEST_KEY_LEN);
    assert_non_null(cursor);
    out = tm_cursor_decode(cursor, strlen(cursor), tm_test_key,
                           TM_TEST_KEY_LEN);
    assert_non_null(out);
    assert_true(json_equal(in, out));
    json_decref(out);
    free(cursor);
    json_decref(in);
}


static void
tm_test_tampered(void **state)
{
    char    *cursor, *other, *dot, c;
    size_t   i, len;

    cursor = tm_test_encode(tm_test_key, TM_TEST_KEY_LEN);
    len = strlen(cursor);

    assert_true(tm_test_accepted(cursor, len));

    /* any one character changed, in the payload or in the signature */
    for (i = 0; i < len; i++) {
        if (cursor[i] == '.') {
            continue;
        }

        c = cursor[i];
        cursor[i] = (c == 'A') ? 'B' : 'A';

        if (tm_test_accepted(cursor, len)) {
            fail_msg("accepted with character %zu changed: %s", i, cursor);
        }

        cursor[i] = c;
    }

    assert_true(tm_test_accepted(cursor, len));

    /* another payload under the original signature */
    other = tm_test_sign("{\"owner\":\"evil\"}", tm_test_key,
                         TM_TEST_KEY_LEN);
    dot = strchr(other, '.');
    strcpy(dot + 1, strchr(cursor, '.') + 1);
    assert_false(tm_test_accepted_str(other));
    free(other);

    free(cursor);
}


static void
tm_test_wrong_key(void **state)
{
    char    *cursor;
    json_t  *out;

    cursor = tm_test_encode(tm_test_key, TM_TEST_KEY_LEN);

    /* one byte different, shorter, empty */
    assert_null(tm_cursor_decode(cursor, strlen(cursor), tm_test_key2,
                                 TM_TEST_KEY_LEN));
    assert_null(tm_cursor_decode(cursor, strlen(cursor), tm_test_key,
                                 TM_TEST_KEY_LEN - 1));
    assert_null(tm_cursor_decode(cursor, strlen(cursor), tm_test_key, 0));

    /* the right key still works */
    out = tm_cursor_decode(cursor, strlen(cursor), tm_test_key,
                           TM_TEST_KEY_LEN);
    assert_non_null(out);
    json_decref(out);

    free(cursor);

    /* made under the other key */
    cursor = tm_test_encode(tm_test_key2, TM_TEST_KEY_LEN);
    assert_false(tm_test_accepted_str(cursor));
    free(cursor);
}


static void
tm_test_malformed(void **state)
{
    char           *cursor, *buf, *dot, *sig;
    size_t          i, len;
    unsigned int    mac_len;
    unsigned char   mac[EVP_MAX_MD_SIZE];

    static const char  *garbage[] = { "e3+9", "e3/9", "e!0", "e30==" };
    static const char  *bad[] = {
        "",
        ".",
        "e30",
        "e30.",
        ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "e30.!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        "e30.AAAA",
        "not a cursor at all",
    };

    for (i = 0; i < TM_TEST_N(bad); i++) {
        if (tm_test_accepted_str(bad[i])) {
            fail_msg("accepted \"%s\"", bad[i]);
        }
    }

    assert_null(tm_cursor_decode(NULL, 0, tm_test_key, TM_TEST_KEY_LEN));

    cursor = tm_test_encode(tm_test_key, TM_TEST_KEY_LEN);
    len = strlen(cursor);
    dot = strchr(cursor, '.');

    /* truncated anywhere */
    for (i = 0; i < len; i++) {
        if (tm_test_accepted(cursor, i)) {
            fail_msg("accepted truncated to %zu of %zu bytes", i, len);
        }
    }

    /* no dot: the payload alone, or payload and signature run together */
    buf = malloc(len + 64);
    assert_non_null(buf);

    memcpy(buf, cursor, (size_t) (dot - cursor));
    buf[dot - cursor] = '\0';
    assert_false(tm_test_accepted_str(buf));

    strcpy(buf + (dot - cursor), dot + 1);
    assert_false(tm_test_accepted_str(buf));

    /* the signature only */
    assert_false(tm_test_accepted_str(dot));

    /* overlong signature: one more character, padding, a second copy */
    sprintf(buf, "%sA", cursor);
    assert_false(tm_test_accepted_str(buf));

    sprintf(buf, "%s=", cursor);
    assert_false(tm_test_accepted_str(buf));

    sprintf(buf, "%s.%s", cursor, dot + 1);
    assert_false(tm_test_accepted_str(buf));

    /* a second dot inside the payload */
    sprintf(buf, "%.*s.%s", (int) (dot - cursor), cursor, dot);
    assert_false(tm_test_accepted_str(buf));

    /* the signature in base64 rather than base64url: '+' and '/' */
    strcpy(buf, cursor);
    sig = buf + (dot - cursor) + 1;
    sig[0] = '+';
    assert_false(tm_test_accepted_str(buf));
    sig[0] = '/';
    assert_false(tm_test_accepted_str(buf));

    free(buf);
    free(cursor);

    /* correctly signed, but the payload is not base64url */
    cursor = tm_test_sign("{}", tm_test_key, TM_TEST_KEY_LEN);
    assert_true(tm_test_accepted_str(cursor));
    free(cursor);

    buf = malloc(64 + TM_TEST_SIG);
    assert_non_null(buf);

    for (i = 0; i < TM_TEST_N(garbage); i++) {
        len = strlen(garbage[i]);
        memcpy(buf, garbage[i], len);
        assert_non_null(HMAC(EVP_sha256(), tm_test_key, (int) TM_TEST_KEY_LEN,
                             (const unsigned char *) buf, len, mac,
                             &mac_len));
        buf[len] = '.';
        tm_base64url_encode(mac, mac_len, buf + len + 1);

        if (tm_test_accepted_str(buf)) {
            fail_msg("accepted signed garbage payload \"%s\"", garbage[i]);
        }
    }

    free(buf);
}


static void
tm_test_not_object(void **state)
{
    char    *cursor;
    size_t   i;

    static const char  *payload[] = {
        "[1,2]",
        "[]",
        "\"abc\"",
        "42",
        "true",
        "null",
        "",
        "not json",
        "{",
        "{\"a\":1}x",
        "{\"a\":1,\"a\":2}",
    };

    for (i = 0; i < TM_TEST_N(payload); i++) {
        cursor = tm_test_sign(payload[i], tm_test_key, TM_TEST_KEY_LEN);

        if (tm_test_accepted_str(cursor)) {
            fail_msg("accepted signed payload '%s'", payload[i]);
        }

        free(cursor);
    }
}


static void
tm_test_size(void **state)
{
    char    *cursor, *pad;
    json_t  *in, *out;

    pad = malloc(TM_CURSOR_MAX + 1);
    assert_non_null(pad);

    /* a state near the limit round-trips */
    memset(pad, 'x', TM_CURSOR_MAX - 100);
    pad[TM_CURSOR_MAX - 100] = '\0';
    in = json_pack("{s:s}", "pad", pad);
    cursor = tm_cursor_encode(in, tm_test_key, TM_TEST_KEY_LEN);
    assert_non_null(cursor);
    out = tm_cursor_decode(cursor, strlen(cursor), tm_test_key,
                           TM_TEST_KEY_LEN);
    assert_non_null(out);
    assert_true(json_equal(in, out));
    json_decref(out);
    free(cursor);
    json_decref(in);

    /* over the limit: not encoded */
    memset(pad, 'x', TM_CURSOR_MAX);
    pad[TM_CURSOR_MAX] = '\0';
    in = json_pack("{s:s}", "pad", pad);
    assert_null(tm_cursor_encode(in, tm_test_key, TM_TEST_KEY_LEN));
    json_decref(in);

    /* and a correctly signed object too large for a cursor is not decoded */
    free(pad);
    pad = malloc(TM_CURSOR_MAX * 2);
    assert_non_null(pad);
    memset(pad, 'x', TM_CURSOR_MAX * 2 - 1);
    memcpy(pad, "{\"p\":\"", 6);
    memcpy(pad + TM_CURSOR_MAX * 2 - 3, "\"}", 2);
    pad[TM_CURSOR_MAX * 2 - 1] = '\0';
    cursor = tm_test_sign(pad, tm_test_key, TM_TEST_KEY_LEN);
    assert_true(strlen(cursor) > TM_CURSOR_MAX * 2);
    assert_false(tm_test_accepted_str(cursor));
    free(cursor);
    free(pad);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_round_trip),
        cmocka_unit_test(tm_test_tampered),
        cmocka_unit_test(tm_test_wrong_key),
        cmocka_unit_test(tm_test_malformed),
        cmocka_unit_test(tm_test_not_object),
        cmocka_unit_test(tm_test_size),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
