/*
 * libFuzzer target: the JSON reader (common/tm_jscan.c) against jansson.
 * Listings copy the reader's string slices into replies unchecked, so its
 * verdict must be jansson's: a document is well-formed for both or for
 * neither (but where they differ by design: the reader's depth limit,
 * jansson's number range), the walk sees jansson's tree, every string
 * unescapes (tm_jstr_copy) to jansson's value, and a string written again
 * (tm_jout_str, tm_jout_jstr) reads back the same.
 */

#include <string.h>
#include <jansson.h>

#include "fuzz.h"
#include "tm_jout.h"
#include "tm_jscan.h"


static size_t
fz_depth(const json_t *v)
{
    size_t       i, d, max;
    json_t      *e;
    const char  *k;

    max = 0;

    if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            d = fz_depth(e);
            max = d > max ? d : max;
        }

        return max + 1;
    }

    if (json_is_object(v)) {
        json_object_foreach((json_t *) v, k, e) {
            d = fz_depth(e);
            max = d > max ? d : max;
        }

        return max + 1;
    }

    return 0;
}


/* str unescaped must be want (len bytes); written back it reads the same */
static void
fz_string(const tm_jstr_t *str, const char *want, size_t len)
{
    char        *copy, *out;
    long         n;
    tm_jout_t    o;
    tm_jstr_t    again;
    tm_jscan_t   s;

    /* an escape is never shorter than what it stands for */
    copy = malloc(str->len + 1);
    n = tm_jstr_copy(str, copy, str->len + 1);

    fz_check(n >= 0 && (size_t) n == len && memcmp(copy, want, len) == 0);

    /* tm_jstr_eq unescapes into 256 bytes */
    fz_check(len >= 256 || tm_jstr_eq(str, copy));

    /* the copy quoted and escaped by the writer (\u00XX: 6 bytes for 1),
     * then read again */
    out = malloc(len * 6 + 2);
    tm_jout_init(&o, out, len * 6 + 2);
    tm_jout_str(&o, copy);

    fz_check(tm_jout_len(&o) >= 0);

    tm_jscan_init(&s, out, (size_t) tm_jout_len(&o));

    fz_check(tm_jscan_string(&s, &again) == 0 && tm_jscan_end(&s) == 0);
    fz_check(len >= 256 || tm_jstr_eq(&again, copy));

    /* the slice as it is, quoted: the same string (escaped text is at
     * most 6 bytes for each byte it stands for, so out is large enough) */
    tm_jout_init(&o, out, str->len + 2);
    tm_jout_jstr(&o, str);

    fz_check(tm_jout_len(&o) == (long) str->len + 2);

    tm_jscan_init(&s, out, str->len + 2);

    fz_check(tm_jscan_string(&s, &again) == 0 && again.len == str->len);

    free(out);
    free(copy);
}


/* the value at s, as the reader walks it, must be v (NULL: unchecked) */
static int
fz_walk(tm_jscan_t *s, const json_t *v)
{
    int          rc;
    char        *key, *end;
    size_t       n;
    tm_jstr_t    str, text;

    switch (tm_jscan_peek(s)) {

    case '{':
        if (tm_jscan_object(s) != 0) {
            return -1;
        }

        n = 0;
        while ((rc = tm_jscan_member(s, &str)) == 1) {
            key = malloc(str.len + 1);

            fz_check(tm_jstr_copy(&str, key, str.len + 1) >= 0);
            fz_check(v == NULL
                     || (json_is_object(v) && json_object_get(v, key)));

            rc = fz_walk(s, v ? json_object_get(v, key) : NULL);
            free(key);

            if (rc != 0) {
                return -1;
            }

            n++;
        }

        fz_check(rc != 0 || v == NULL || n == json_object_size(v));

        return rc;

    case '[':
        if (tm_jscan_array(s) != 0) {
            return -1;
        }

        n = 0;
        while ((rc = tm_jscan_element(s)) == 1) {
            fz_check(v == NULL
                     || (json_is_array(v) && n < json_array_size(v)));

            if (fz_walk(s, v ? json_array_get(v, n) : NULL) != 0) {
                return -1;
            }

            n++;
        }

        fz_check(rc != 0 || v == NULL || n == json_array_size(v));

        return rc;

    case '"':
        if (tm_jscan_string(s, &str) != 0) {
            return -1;
        }

        if (v) {
            fz_check(json_is_string(v));
            fz_string(&str, json_string_value(v), json_string_length(v));
        }

        return 0;
    }

    if (tm_jscan_value(s, &text) != 0) {
        return -1;
    }

    if (v == NULL) {
        return 0;
    }

    key = strndup(text.data, text.len);

    if (json_is_integer(v)) {
        fz_check(strtoll(key, &end, 10) == json_integer_value(v)
                 && *end == '\0');

    } else if (json_is_real(v)) {
        fz_check(strtod(key, &end) == json_real_value(v) && *end == '\0');

    } else {
        fz_check((json_is_true(v) && strcmp(key, "true") == 0)
                 || (json_is_false(v) && strcmp(key, "false") == 0)
                 || (json_is_null(v) && strcmp(key, "null") == 0));
    }

    free(key);

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int            ok;
    json_t        *v, *tree;
    const char    *text;
    tm_jstr_t      whole;
    tm_jscan_t     s;
    json_error_t   err;

    text = (const char *) data;

    /* the reader alone: its verdict, and the text of the whole value */
    tm_jscan_init(&s, text, size);
    ok = tm_jscan_value(&s, &whole) == 0 && tm_jscan_end(&s) == 0;

    v = json_loadb(text, size, JSON_DECODE_ANY, &err);

    /* what the reader takes, jansson takes, but for numbers out of its
     * range */
    fz_check(!ok || v != NULL || strstr(err.text, "too big") != NULL
             || strstr(err.text, "overflow") != NULL);

    /* what jansson takes, the reader takes, but for documents nested
     * deeper than its limit, and jansson's "2\0" (a NUL after a bare
     * number is its end of input) */
    fz_check(ok || v == NULL || fz_depth(v) > TM_JSCAN_DEPTH
             || memchr(data, '\0', size) != NULL);

    if (ok) {
        /* the value's text is all of it but the blanks around */
        tm_jscan_init(&s, whole.data, whole.len);
        fz_check(tm_jscan_value(&s, NULL) == 0
                 && s.p == whole.data + whole.len);
    }

    /* the walk against jansson's tree (with duplicate names, which member
     * jansson keeps is its choice: not compared) */
    tree = ok ? json_loadb(text, size,
                           JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL)
              : NULL;

    if (tree) {
        tm_jscan_init(&s, text, size);
        fz_check(fz_walk(&s, tree) == 0 && tm_jscan_end(&s) == 0);
    }

    json_decref(tree);
    json_decref(v);

    return 0;
}
