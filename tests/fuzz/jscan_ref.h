/*
 * The reference for tests/fuzz/jscan_diff.c: the JSON reader of
 * common/tm_jscan.c as it was before its one-pass rewrite (issue 17), a
 * byte at a time, its functions renamed fz_ref_* and static.  Kept here
 * only to be run beside the new reader on every fuzz input; nothing else
 * may use it.
 */

#ifndef FZ_JSCAN_REF_H
#define FZ_JSCAN_REF_H

#include <string.h>

#include "tm_jscan.h"


static void fz_ref_jscan_blank(tm_jscan_t *s);
static int fz_ref_jscan_value(tm_jscan_t *s, tm_jstr_t *text);
static int fz_ref_jscan_string(tm_jscan_t *s, tm_jstr_t *str);
static long fz_ref_jstr_copy(const tm_jstr_t *str, char *out, size_t size);
static int fz_ref_jscan_utf8(const unsigned char **pp,
    const unsigned char *end);
static int fz_ref_jscan_number(tm_jscan_t *s);
static int fz_ref_jscan_literal(tm_jscan_t *s, const char *lit, size_t len);
static int fz_ref_jscan_hex4(const char *p, unsigned *v);


static void
fz_ref_jscan_init(tm_jscan_t *s, const char *data, size_t len)
{
    s->p = data;
    s->end = data + len;
    s->depth = 0;
    s->after_value = 0;
}


static void
fz_ref_jscan_blank(tm_jscan_t *s)
{
    while (s->p < s->end
           && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n'
               || *s->p == '\r'))
    {
        s->p++;
    }
}


static int
fz_ref_jscan_peek(tm_jscan_t *s)
{
    fz_ref_jscan_blank(s);

    return s->p < s->end ? (unsigned char) *s->p : 0;
}


static int
fz_ref_jscan_open(tm_jscan_t *s, char c)
{
    if (s->after_value || fz_ref_jscan_peek(s) != c
        || s->depth >= TM_JSCAN_DEPTH)
    {
        return -1;
    }

    s->p++;
    s->depth++;

    return 0;
}


static int
fz_ref_jscan_object(tm_jscan_t *s)
{
    return fz_ref_jscan_open(s, '{');
}


static int
fz_ref_jscan_array(tm_jscan_t *s)
{
    return fz_ref_jscan_open(s, '[');
}


/* the closer c, or a ',' when a value came before: 0 closed, 1 go on */
static int
fz_ref_jscan_next(tm_jscan_t *s, char c)
{
    int  ch;

    ch = fz_ref_jscan_peek(s);

    if (ch == c) {
        s->p++;
        s->depth--;
        s->after_value = 1;
        return 0;
    }

    if (s->after_value) {
        if (ch != ',') {
            return -1;
        }

        s->p++;
        s->after_value = 0;

        ch = fz_ref_jscan_peek(s);

        if (ch == c) {
            return -1;          /* a trailing comma */
        }
    }

    return ch == 0 || ch == ',' ? -1 : 1;
}


static int
fz_ref_jscan_member(tm_jscan_t *s, tm_jstr_t *key)
{
    int  rc;

    rc = fz_ref_jscan_next(s, '}');
    if (rc != 1) {
        return rc;
    }

    if (fz_ref_jscan_string(s, key) != 0 || fz_ref_jscan_peek(s) != ':') {
        return -1;
    }

    s->p++;
    s->after_value = 0;

    return 1;
}


static int
fz_ref_jscan_element(tm_jscan_t *s)
{
    return fz_ref_jscan_next(s, ']');
}


static int
fz_ref_jscan_string(tm_jscan_t *s, tm_jstr_t *str)
{
    unsigned              v;
    const unsigned char  *p, *end;

    if (s->after_value || fz_ref_jscan_peek(s) != '"') {
        return -1;
    }

    p = (const unsigned char *) s->p + 1;
    end = (const unsigned char *) s->end;

    str->data = (const char *) p;
    str->escaped = 0;

    while (p < end && *p != '"') {

        /* the common case first: printable ASCII but the quote and the
         * backslash */
        if (*p >= 0x20 && *p < 0x80 && *p != '\\') {
            p++;
            continue;
        }

        if (*p < 0x20) {
            return -1;
        }

        if (*p == '\\') {
            str->escaped = 1;

            if (end - p < 2) {
                return -1;
            }

            if (p[1] == 'u') {
                if (end - p < 6 || fz_ref_jscan_hex4((const char *) p + 2, &v)
                    || v == 0 || (v >= 0xdc00 && v <= 0xdfff))
                {
                    /* no NUL, no low surrogate alone: the text is copied
                     * into replies as it is, and must stay valid */
                    return -1;
                }

                p += 6;

                if (v >= 0xd800 && v <= 0xdbff) {
                    /* a high surrogate: its low one must follow */
                    if (end - p < 6 || p[0] != '\\' || p[1] != 'u'
                        || fz_ref_jscan_hex4((const char *) p + 2, &v)
                        || v < 0xdc00 || v > 0xdfff)
                    {
                        return -1;
                    }

                    p += 6;
                }

                continue;
            }

            if (strchr("\"\\/bfnrt", p[1]) == NULL || p[1] == '\0') {
                return -1;
            }

            p += 2;
            continue;
        }

        if (*p >= 0x80) {
            if (fz_ref_jscan_utf8(&p, end) != 0) {
                return -1;
            }

            continue;
        }

        p++;
    }

    if (p == end) {
        return -1;
    }

    str->len = (const char *) p - str->data;
    s->p = (const char *) p + 1;
    s->after_value = 1;

    return 0;
}


/* one UTF-8 sequence at *pp: no overlong forms, surrogates or > U+10FFFF */
static int
fz_ref_jscan_utf8(const unsigned char **pp, const unsigned char *end)
{
    size_t                n, i;
    unsigned char         lo, hi;
    const unsigned char  *p;

    p = *pp;
    lo = 0x80;
    hi = 0xbf;

    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        n = 1;

    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        n = 2;
        lo = p[0] == 0xe0 ? 0xa0 : 0x80;
        hi = p[0] == 0xed ? 0x9f : 0xbf;

    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        n = 3;
        lo = p[0] == 0xf0 ? 0x90 : 0x80;
        hi = p[0] == 0xf4 ? 0x8f : 0xbf;

    } else {
        return -1;
    }

    if ((size_t) (end - p) <= n || p[1] < lo || p[1] > hi) {
        return -1;
    }

    for (i = 2; i <= n; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf) {
            return -1;
        }
    }

    *pp = p + n + 1;

    return 0;
}


static int
fz_ref_jscan_hex4(const char *p, unsigned *v)
{
    int  i;
    char c;

    *v = 0;

    for (i = 0; i < 4; i++) {
        c = p[i];
        *v <<= 4;

        if (c >= '0' && c <= '9') {
            *v |= (unsigned) (c - '0');

        } else if (c >= 'a' && c <= 'f') {
            *v |= (unsigned) (c - 'a' + 10);

        } else if (c >= 'A' && c <= 'F') {
            *v |= (unsigned) (c - 'A' + 10);

        } else {
            return -1;
        }
    }

    return 0;
}


static int
fz_ref_jscan_digits(tm_jscan_t *s)
{
    const char  *start;

    start = s->p;

    while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
        s->p++;
    }

    return s->p > start ? 0 : -1;
}


/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
fz_ref_jscan_number(tm_jscan_t *s)
{
    if (s->p < s->end && *s->p == '-') {
        s->p++;
    }

    if (s->p < s->end && *s->p == '0') {
        s->p++;

    } else if (fz_ref_jscan_digits(s) != 0) {
        return -1;
    }

    if (s->p < s->end && *s->p == '.') {
        s->p++;

        if (fz_ref_jscan_digits(s) != 0) {
            return -1;
        }
    }

    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;

        if (s->p < s->end && (*s->p == '+' || *s->p == '-')) {
            s->p++;
        }

        if (fz_ref_jscan_digits(s) != 0) {
            return -1;
        }
    }

    s->after_value = 1;

    return 0;
}


static int
fz_ref_jscan_literal(tm_jscan_t *s, const char *lit, size_t len)
{
    if ((size_t) (s->end - s->p) < len || memcmp(s->p, lit, len) != 0) {
        return -1;
    }

    s->p += len;
    s->after_value = 1;

    return 0;
}


static int
fz_ref_jscan_value(tm_jscan_t *s, tm_jstr_t *text)
{
    int          c, rc;
    tm_jstr_t    str;
    const char  *start;

    if (s->after_value) {
        return -1;
    }

    c = fz_ref_jscan_peek(s);
    start = s->p;

    switch (c) {

    case '{':
        if (fz_ref_jscan_object(s) != 0) {
            return -1;
        }

        while ((rc = fz_ref_jscan_member(s, &str)) == 1) {
            if (fz_ref_jscan_value(s, NULL) != 0) {
                return -1;
            }
        }

        break;

    case '[':
        if (fz_ref_jscan_array(s) != 0) {
            return -1;
        }

        while ((rc = fz_ref_jscan_element(s)) == 1) {
            if (fz_ref_jscan_value(s, NULL) != 0) {
                return -1;
            }
        }

        break;

    case '"':
        rc = fz_ref_jscan_string(s, &str);
        break;

    case 't':
        rc = fz_ref_jscan_literal(s, "true", 4);
        break;

    case 'f':
        rc = fz_ref_jscan_literal(s, "false", 5);
        break;

    case 'n':
        rc = fz_ref_jscan_literal(s, "null", 4);
        break;

    default:
        rc = (c == '-' || (c >= '0' && c <= '9')) ? fz_ref_jscan_number(s) : -1;
    }

    if (rc != 0) {
        return -1;
    }

    if (text) {
        text->data = start;
        text->len = s->p - start;
        text->escaped = 0;
    }

    return 0;
}


static int
fz_ref_jscan_end(tm_jscan_t *s)
{
    return s->depth == 0 && fz_ref_jscan_peek(s) == 0 && s->p == s->end
           ? 0 : -1;
}


static int
fz_ref_jstr_eq(const tm_jstr_t *str, const char *lit)
{
    size_t  n;
    long    len;
    char    buf[256];

    n = strlen(lit);

    if (!str->escaped) {
        return str->len == n && memcmp(str->data, lit, n) == 0;
    }

    len = n < sizeof(buf) ? fz_ref_jstr_copy(str, buf, sizeof(buf)) : -1;

    return len >= 0 && (size_t) len == n && memcmp(buf, lit, n) == 0;
}


/* code point c as UTF-8 at out[*n], if it fits */
static int
fz_ref_jstr_put(unsigned c, char *out, size_t size, size_t *n)
{
    unsigned char  b[4];
    size_t         k;

    if (c < 0x80) {
        b[0] = (unsigned char) c;
        k = 1;

    } else if (c < 0x800) {
        b[0] = (unsigned char) (0xc0 | (c >> 6));
        b[1] = (unsigned char) (0x80 | (c & 0x3f));
        k = 2;

    } else if (c < 0x10000) {
        b[0] = (unsigned char) (0xe0 | (c >> 12));
        b[1] = (unsigned char) (0x80 | ((c >> 6) & 0x3f));
        b[2] = (unsigned char) (0x80 | (c & 0x3f));
        k = 3;

    } else {
        b[0] = (unsigned char) (0xf0 | (c >> 18));
        b[1] = (unsigned char) (0x80 | ((c >> 12) & 0x3f));
        b[2] = (unsigned char) (0x80 | ((c >> 6) & 0x3f));
        b[3] = (unsigned char) (0x80 | (c & 0x3f));
        k = 4;
    }

    if (*n + k >= size) {
        return -1;
    }

    memcpy(out + *n, b, k);
    *n += k;

    return 0;
}


static long
fz_ref_jstr_copy(const tm_jstr_t *str, char *out, size_t size)
{
    size_t       n;
    unsigned     c, lo;
    const char  *p, *end;

    if (size == 0) {
        return -1;
    }

    n = 0;
    p = str->data;
    end = p + str->len;

    while (p < end) {

        if (*p != '\\') {
            if (n + 1 >= size) {
                return -1;
            }

            out[n++] = *p++;
            continue;
        }

        /* the scanner checked the escapes: p[1] and \uXXXX are there */
        switch (p[1]) {
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'u': c = 0; break;
        default:  c = (unsigned char) p[1];
        }

        if (p[1] != 'u') {
            p += 2;

        } else {
            if (fz_ref_jscan_hex4(p + 2, &c) != 0) {
                return -1;
            }

            p += 6;

            if (c >= 0xdc00 && c <= 0xdfff) {
                return -1;      /* a low surrogate alone */
            }

            if (c >= 0xd800 && c <= 0xdbff) {
                if (end - p < 6 || p[0] != '\\' || p[1] != 'u'
                    || fz_ref_jscan_hex4(p + 2, &lo) != 0
                    || lo < 0xdc00 || lo > 0xdfff)
                {
                    return -1;
                }

                c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            }

            if (c == 0) {
                return -1;      /* would cut the C string */
            }
        }

        if (fz_ref_jstr_put(c, out, size, &n) != 0) {
            return -1;
        }
    }

    out[n] = '\0';

    return (long) n;
}

#endif /* FZ_JSCAN_REF_H */
