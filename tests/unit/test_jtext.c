/*
 * JSON as text: the reader (tm_jscan) against jansson's verdict on valid
 * and broken documents, unescaping, and the writer (tm_jout).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "tm_jout.h"
#include "tm_jscan.h"


#define TM_TEST_N(a)  (sizeof(a) / sizeof((a)[0]))


/* 0 if the whole text is one well-formed value */
static int
tm_test_scan(const char *text)
{
    tm_jscan_t  s;

    tm_jscan_init(&s, text, strlen(text));

    if (tm_jscan_value(&s, NULL) != 0) {
        return -1;
    }

    return tm_jscan_end(&s);
}


static void
tm_test_scan_like_jansson(void **state)
{
    size_t   i;
    json_t  *v;

    static const char  *docs[] = {
        /* well-formed */
        "{}", "[]", "\"\"", "0", "-0", "1.5e+3", "-12.25E-2", "true",
        "false", "null", " { \"a\" : [ 1 , 2 , {\"b\":null} ] } ",
        "{\"a\":{\"b\":{\"c\":[[],[{}]]}},\"d\":\"e\"}",
        "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDCC5\"",
        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x85\"",
        "[1,\"two\",false,null,{\"x\":[]}]",
        /* broken */
        "", " ", "{", "}", "[", "]", "{]", "[}", "{\"a\"}", "{\"a\":}",
        "{\"a\":1,}", "[1,]", "[,1]", "{,\"a\":1}", "[1 2]",
        "{\"a\":1 \"b\":2}", "{\"a\" 1}", "{a:1}", "'a'", "01", "1.",
        ".5", "-", "1e", "1e+", "+1", "tru", "nul", "True", "\"abc",
        "\"a\\x\"", "\"a\\u12\"", "\"a\\u12G4\"", "\"tab\there\"",
        "\"nl\nhere\"", "\"\xc3\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
        "\"\xf4\x90\x80\x80\"", "\"\xff\"", "[1] [2]", "{} x", "[\"a\",]",
    };

    for (i = 0; i < TM_TEST_N(docs); i++) {
        v = json_loads(docs[i], JSON_DECODE_ANY, NULL);

        if ((v != NULL) != (tm_test_scan(docs[i]) == 0)) {
            fail_msg("jansson and tm_jscan disagree on <%s>", docs[i]);
        }

        json_decref(v);
    }
}


static void
tm_test_scan_depth(void **state)
{
    char    doc[2 * TM_JSCAN_DEPTH + 8];
    size_t  i, n;

    /* exactly the limit, then one more */
    for (n = TM_JSCAN_DEPTH; n <= TM_JSCAN_DEPTH + 1; n++) {
        for (i = 0; i < n; i++) {
            doc[i] = '[';
            doc[n + i] = ']';
        }

        doc[2 * n] = '\0';
        assert_int_equal(tm_test_scan(doc), n == TM_JSCAN_DEPTH ? 0 : -1);
    }
}


static void
tm_test_scan_walk(void **state)
{
    int          seen;
    tm_jstr_t    key, str, text;
    tm_jscan_t   s;
    const char  *doc;

    doc = "{\"name\":\"a\\\"b\",\"skip\":{\"x\":[1,2]},\"list\":[\"p\",\"q\"]}";
    tm_jscan_init(&s, doc, strlen(doc));

    assert_int_equal(tm_jscan_object(&s), 0);

    assert_int_equal(tm_jscan_member(&s, &key), 1);
    assert_true(tm_jstr_eq(&key, "name"));
    assert_int_equal(tm_jscan_string(&s, &str), 0);
    assert_true(str.escaped);
    assert_int_equal(str.len, 4);
    assert_true(tm_jstr_eq(&str, "a\"b"));
    assert_false(tm_jstr_eq(&str, "a\\\"b"));

    assert_int_equal(tm_jscan_member(&s, &key), 1);
    assert_true(tm_jstr_eq(&key, "skip"));
    assert_int_equal(tm_jscan_value(&s, &text), 0);
    assert_int_equal(text.len, strlen("{\"x\":[1,2]}"));
    assert_memory_equal(text.data, "{\"x\":[1,2]}", text.len);

    assert_int_equal(tm_jscan_member(&s, &key), 1);
    assert_true(tm_jstr_eq(&key, "list"));
    assert_int_equal(tm_jscan_array(&s), 0);

    seen = 0;
    while (tm_jscan_element(&s) == 1) {
        assert_int_equal(tm_jscan_string(&s, &str), 0);
        seen++;
    }

    assert_int_equal(seen, 2);
    assert_int_equal(tm_jscan_member(&s, &key), 0);
    assert_int_equal(tm_jscan_end(&s), 0);

    /* a string where an object is due, and the reverse */
    tm_jscan_init(&s, "\"x\"", 3);
    assert_int_equal(tm_jscan_object(&s), -1);
    tm_jscan_init(&s, "{}", 2);
    assert_int_equal(tm_jscan_string(&s, &str), -1);
}


/* the string of len bytes at text, copied into a buffer of exactly its
 * size (ASan sees a read past it): 0 and *str, or -1 */
static int
tm_test_str(const char *text, size_t len, tm_jstr_t *str, size_t *left)
{
    int          rc;
    char        *buf;
    tm_jscan_t   s;

    buf = malloc(len ? len : 1);
    assert_non_null(buf);
    memcpy(buf, text, len);

    tm_jscan_init(&s, buf, len);
    rc = tm_jscan_string(&s, str);

    /* the slice as an offset into text, the buffer freed */
    if (rc == 0) {
        str->data = text + (str->data - buf);
        *left = (size_t) (s.end - s.p);

    } else {
        assert_ptr_equal(s.p, buf);     /* a bad string consumes nothing */
    }

    free(buf);

    return rc;
}


/*
 * The reader skips the plain bytes of a string 16 or 8 at a time: every
 * byte that needs a look is put at every place around those blocks and
 * the end of the buffer, and must be seen there as one at a time would.
 */

static void
tm_test_scan_blocks(void **state)
{
    int          rc;
    char         doc[64];
    size_t       len, at, k, cut, left;
    tm_jstr_t    str;

    static const struct {
        const char  *bytes;
        int          ok;        /* 1 taken, 0 refused, 2 ends the string */
        int          escaped;
    } odd[] = {
        { "\"", 2, 0 },
        { "\\n", 1, 1 },
        { "\\\"", 1, 1 },
        { "\\\\", 1, 1 },
        { "\\u00E9", 1, 1 },
        { "\\uD83D\\uDCC5", 1, 1 },
        { "\\uDBFF\\uDFFF", 1, 1 },
        { "\\u0000", 0, 0 },
        { "\\uDC00", 0, 0 },
        { "\\uD800x", 0, 0 },
        { "\\u12g4", 0, 0 },
        { "\\x", 0, 0 },
        { "\x01", 0, 0 },
        { "\x1f", 0, 0 },
        { "\t", 0, 0 },
        { "\x7f", 1, 0 },
        { " ", 1, 0 },
        { "\xc3\xa9", 1, 0 },
        { "\xe2\x82\xac", 1, 0 },
        { "\xf0\x9f\x93\x85", 1, 0 },
        { "\xc3", 0, 0 },
        { "\xc0\xaf", 0, 0 },
        { "\xed\xa0\x80", 0, 0 },
        { "\xf4\x90\x80\x80", 0, 0 },
        { "\x80", 0, 0 },
        { "\xff", 0, 0 },
    };

    for (k = 0; k < TM_TEST_N(odd); k++) {
        for (at = 0; at < 36; at++) {
            /* '"', at plain bytes, the odd bytes, 5 plain bytes, '"' */
            doc[0] = '"';
            memset(doc + 1, 'a', at);
            len = 1 + at;
            memcpy(doc + len, odd[k].bytes, strlen(odd[k].bytes));
            len += strlen(odd[k].bytes);
            memcpy(doc + len, "bcdef\"", 6);
            len += 6;

            rc = tm_test_str(doc, len, &str, &left);

            if (odd[k].ok == 0) {
                assert_int_equal(rc, -1);
                continue;
            }

            assert_int_equal(rc, 0);
            assert_ptr_equal(str.data, doc + 1);
            assert_int_equal(str.escaped, odd[k].escaped);

            if (odd[k].ok == 2) {
                assert_int_equal(str.len, at);
                assert_int_equal(left, 6);

            } else {
                assert_int_equal(str.len, len - 2);
                assert_int_equal(left, 0);
            }

            /* the same cut before its closing quote: never taken */
            if (odd[k].ok == 1) {
                for (cut = 1; cut < len; cut++) {
                    assert_int_equal(tm_test_str(doc, cut, &str, &left), -1);
                }
            }
        }
    }
}


/* peek skips blanks and tells a NUL byte (0) from the end (0) only by
 * the position; numbers stop where their grammar does */
static void
tm_test_scan_edges(void **state)
{
    tm_jstr_t    text;
    tm_jscan_t   s;

    tm_jscan_init(&s, " \t\r\n[ ]", 7);
    assert_int_equal(tm_jscan_peek(&s), '[');
    assert_int_equal(s.end - s.p, 3);
    assert_int_equal(tm_jscan_array(&s), 0);
    assert_int_equal(tm_jscan_element(&s), 0);
    assert_int_equal(tm_jscan_end(&s), 0);

    tm_jscan_init(&s, " \0x", 3);
    assert_int_equal(tm_jscan_peek(&s), 0);
    assert_int_equal(s.end - s.p, 2);
    assert_int_equal(tm_jscan_end(&s), -1);

    /* blanks are these four only */
    tm_jscan_init(&s, "\f1", 2);
    assert_int_equal(tm_jscan_value(&s, &text), -1);

    tm_jscan_init(&s, "-12.5e+3,", 9);
    assert_int_equal(tm_jscan_value(&s, &text), 0);
    assert_int_equal(text.len, 8);
    assert_true(s.after_value);

    tm_jscan_init(&s, "-12.x", 5);
    assert_int_equal(tm_jscan_value(&s, &text), -1);

    /* a value after a value wants a ',' first */
    tm_jscan_init(&s, "[\"a\" \"b\"]", 9);
    assert_int_equal(tm_jscan_array(&s), 0);
    assert_int_equal(tm_jscan_element(&s), 1);
    assert_int_equal(tm_jscan_string(&s, &text), 0);
    assert_int_equal(tm_jscan_string(&s, &text), -1);
    assert_int_equal(tm_jscan_element(&s), -1);

    /* a key with an escape, a blank before its ':' */
    tm_jscan_init(&s, "{\"\\u0053\" :1}", 13);
    assert_int_equal(tm_jscan_object(&s), 0);
    assert_int_equal(tm_jscan_member(&s, &text), 1);
    assert_true(text.escaped);
    assert_true(tm_jstr_eq(&text, "S"));
    assert_int_equal(tm_jscan_value(&s, NULL), 0);
    assert_int_equal(tm_jscan_member(&s, &text), 0);
    assert_int_equal(tm_jscan_end(&s), 0);
}


static void
tm_test_jstr_copy(void **state)
{
    char         out[64];
    tm_jstr_t    str;
    tm_jscan_t   s;
    size_t       i;

    static const struct {
        const char  *json;
        long         len;
        const char  *text;
    } cases[] = {
        { "\"plain\"", 5, "plain" },
        { "\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\"", 14,
          "q\" b\\ s/ \b\f\n\r\t" },
        { "\"\\u0041\\u00e9\\u20ac\"", 6, "A\xc3\xa9\xe2\x82\xac" },
        { "\"\\ud83d\\udcc5\"", 4, "\xf0\x9f\x93\x85" },
        { "\"\\ud83d\"", -1, NULL },            /* high surrogate alone */
        { "\"\\udcc5\"", -1, NULL },            /* low surrogate alone */
        { "\"\\ud83d\\u0041\"", -1, NULL },     /* high, then no low */
        { "\"a\\u0000b\"", -1, NULL },          /* would cut the string */
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        tm_jscan_init(&s, cases[i].json, strlen(cases[i].json));

        /* what cannot be copied is refused by the reader already: the
         * listings copy strings into replies without unescaping them */
        if (cases[i].len < 0) {
            assert_int_equal(tm_jscan_string(&s, &str), -1);
            continue;
        }

        assert_int_equal(tm_jscan_string(&s, &str), 0);
        assert_int_equal(tm_jstr_copy(&str, out, sizeof(out)), cases[i].len);

        if (cases[i].text) {
            assert_string_equal(out, cases[i].text);
        }
    }

    /* the terminator needs room too */
    tm_jscan_init(&s, "\"abcd\"", 6);
    assert_int_equal(tm_jscan_string(&s, &str), 0);
    assert_int_equal(tm_jstr_copy(&str, out, 4), -1);
    assert_int_equal(tm_jstr_copy(&str, out, 5), 4);
    assert_int_equal(tm_jstr_copy(&str, out, 0), -1);
}


/* integers written by hand, as snprintf writes them */
static void
tm_test_jout_int(void **state)
{
    size_t     i;
    char       buf[32], ref[32];
    tm_jout_t  o;

    static const long long  n[] = {
        0, 1, -1, 9, 10, -10, 99, 100, 123456789, -987654321,
        LLONG_MAX, LLONG_MIN, LLONG_MIN + 1,
    };

    for (i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
        tm_jout_init(&o, buf, sizeof(buf));
        tm_jout_int(&o, n[i]);
        snprintf(ref, sizeof(ref), "%lld", n[i]);
        assert_int_equal(tm_jout_len(&o), strlen(ref));
        assert_memory_equal(buf, ref, strlen(ref));

        /* one byte short: full, nothing written past the end */
        tm_jout_init(&o, buf, strlen(ref) - 1);
        tm_jout_int(&o, n[i]);
        assert_int_equal(tm_jout_len(&o), -1);
    }
}


static void
tm_test_jout(void **state)
{
    char         buf[128];
    long         n;
    json_t      *v;
    tm_jout_t    o;
    const char  *s;

    s = "quote \" backslash \\ ctl \x01\x1f nl \n caf\xc3\xa9";

    tm_jout_init(&o, buf, sizeof(buf));
    tm_jout_lit(&o, "[");
    tm_jout_str(&o, s);
    tm_jout_lit(&o, ",");
    tm_jout_int(&o, -42);
    tm_jout_lit(&o, ",");
    tm_jout_bool(&o, 1);
    tm_jout_lit(&o, ",");
    tm_jout_jstr(&o, NULL);
    tm_jout_lit(&o, "]");

    n = tm_jout_len(&o);
    assert_true(n > 0);

    v = json_loadb(buf, (size_t) n, 0, NULL);
    assert_non_null(v);
    assert_string_equal(json_string_value(json_array_get(v, 0)), s);
    assert_int_equal(json_integer_value(json_array_get(v, 1)), -42);
    assert_true(json_is_true(json_array_get(v, 2)));
    assert_true(json_is_null(json_array_get(v, 3)));
    json_decref(v);

    /* a buffer too small: refused, nothing written past it */
    memset(buf, 'x', sizeof(buf));
    tm_jout_init(&o, buf, 4);
    tm_jout_str(&o, "abcdef");
    assert_true(o.full);
    assert_int_equal(tm_jout_len(&o), -1);
    assert_int_equal(buf[4], 'x');
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_scan_like_jansson),
        cmocka_unit_test(tm_test_scan_depth),
        cmocka_unit_test(tm_test_scan_walk),
        cmocka_unit_test(tm_test_scan_blocks),
        cmocka_unit_test(tm_test_scan_edges),
        cmocka_unit_test(tm_test_jstr_copy),
        cmocka_unit_test(tm_test_jout),
        cmocka_unit_test(tm_test_jout_int),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
