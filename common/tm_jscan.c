/*
 * The JSON reader of tm_jscan.h.  Grammar of RFC 8259, strings checked for
 * well-formed escapes and UTF-8, so that a slice copied into a reply is
 * valid JSON whatever the backend sent.
 *
 * A listing reads its DynamoDB reply (up to 4 x limit items, 200 KB)
 * twice, the reply and then its items, and this reader was the first item
 * of the workers' profile: one pass, no call per character.  The bytes of
 * a string that need no look (printable ASCII but '"' and '\\') are
 * skipped 16 at a time with SSE2 (every x86-64 has it), 8 at a time with
 * word arithmetic on other little-endian machines, one at a time near the
 * end of the buffer (a load never reads past it).  The walk's helpers are
 * inline here; the functions of tm_jscan.h wrap them.  What is accepted,
 * and the reader's state after every call, are the former byte-at-a-time
 * reader's (tests/fuzz/jscan_diff.c runs both on every input).
 */

#include <stdint.h>
#include <string.h>

#include "tm_jscan.h"


/* TM_JSCAN_NO_SSE2: the word arithmetic on x86-64 too (its fuzz target
 * builds this file so, beside the SSE2 build) */
#if defined(__SSE2__) && !defined(TM_JSCAN_NO_SSE2)
#define TM_JSCAN_SSE2  1
#include <emmintrin.h>
#else
#define TM_JSCAN_SSE2  0
#endif

#if !(TM_JSCAN_SSE2) && defined(__GNUC__)                                    \
    && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define TM_JSCAN_SWAR  1
#else
#define TM_JSCAN_SWAR  0
#endif

/* a word of eight bytes each b */
#define TM_JSCAN_B8(b)  (0x0101010101010101ULL * (unsigned char) (b))

#define TM_JSCAN_BLANK(c)                                                     \
    ((c) == ' ' || (c) == '\n' || (c) == '\r' || (c) == '\t')

#if defined(__GNUC__)
#define TM_JSCAN_COLD  __attribute__((noinline, cold))
#define tm_jscan_likely(x)    __builtin_expect(!!(x), 1)
#define tm_jscan_unlikely(x)  __builtin_expect(!!(x), 0)
#else
#define TM_JSCAN_COLD
#define tm_jscan_likely(x)    (x)
#define tm_jscan_unlikely(x)  (x)
#endif


static int tm_jscan_escape(const unsigned char **pp,
    const unsigned char *end) TM_JSCAN_COLD;
static int tm_jscan_utf8(const unsigned char **pp,
    const unsigned char *end) TM_JSCAN_COLD;
static int tm_jscan_number(tm_jscan_t *s);
static int tm_jscan_literal(tm_jscan_t *s, const char *lit, size_t len);
static int tm_jscan_hex4(const char *p, unsigned *v);


/* the value of a hex digit, -1 for any other byte */
static const signed char  tm_jscan_hex[256] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
     0,  1,  2,  3,  4,  5,  6,  7,  8,  9, -1, -1, -1, -1, -1, -1,
    -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
};


void
tm_jscan_init(tm_jscan_t *s, const char *data, size_t len)
{
    s->p = data;
    s->end = data + len;
    s->depth = 0;
    s->after_value = 0;
}


/* the next byte that is no blank (0 at the end), s->p on it; compact
 * text has no blank: one test then */
static inline int
tm_jscan_peek_i(tm_jscan_t *s)
{
    const char  *p, *end;

    p = s->p;
    end = s->end;

    if (tm_jscan_likely(p < end && (unsigned char) *p > ' ')) {
        return (unsigned char) *p;
    }

    while (p < end && TM_JSCAN_BLANK(*p)) {
        p++;
    }

    s->p = p;

    return p < end ? (unsigned char) *p : 0;
}


int
tm_jscan_peek(tm_jscan_t *s)
{
    return tm_jscan_peek_i(s);
}


static inline int
tm_jscan_open(tm_jscan_t *s, int c)
{
    if (s->after_value || tm_jscan_peek_i(s) != c
        || s->depth >= TM_JSCAN_DEPTH)
    {
        return -1;
    }

    s->p++;
    s->depth++;

    return 0;
}


int
tm_jscan_object(tm_jscan_t *s)
{
    return tm_jscan_open(s, '{');
}


int
tm_jscan_array(tm_jscan_t *s)
{
    return tm_jscan_open(s, '[');
}


/* the closer c, or a ',' when a value came before: 0 closed, 1 go on */
static inline int
tm_jscan_next(tm_jscan_t *s, int c)
{
    int  ch;

    ch = tm_jscan_peek_i(s);

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

        ch = tm_jscan_peek_i(s);

        if (ch == c) {
            return -1;          /* a trailing comma */
        }
    }

    return ch == 0 || ch == ',' ? -1 : 1;
}


/*
 * The first byte at or after p that a string cannot hold as it is: '"',
 * '\\', a control or a non-ASCII byte (the UTF-8 check), or end.
 */

static inline const unsigned char *
tm_jscan_plain(const unsigned char *p, const unsigned char *end)
{
#if (TM_JSCAN_SSE2)
    int       m;
    __m128i   v, quote, bslash, space;

    quote = _mm_set1_epi8('"');
    bslash = _mm_set1_epi8('\\');
    space = _mm_set1_epi8(0x20);

    while (end - p >= 16) {
        v = _mm_loadu_si128((const __m128i *) p);

        /* signed: the bytes from 0x80 up are below the space too */
        m = _mm_movemask_epi8(
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                          _mm_cmpeq_epi8(v, bslash)),
                             _mm_cmplt_epi8(v, space)));
        if (m) {
            return p + __builtin_ctz((unsigned) m);
        }

        p += 16;
    }

#elif (TM_JSCAN_SWAR)
    uint64_t  x, q, b, m;

    /* (v - 0x01..) & ~v & 0x80.. marks the bytes of v that are zero and
     * maybe some above the first (a borrow): the lowest mark is right */
    while (end - p >= 8) {
        memcpy(&x, p, 8);
        q = x ^ TM_JSCAN_B8('"');
        b = x ^ TM_JSCAN_B8('\\');

        m = (((q - TM_JSCAN_B8(1)) & ~q)
             | ((b - TM_JSCAN_B8(1)) & ~b)
             | ((x - TM_JSCAN_B8(0x20)) & ~x)
             | x)
            & TM_JSCAN_B8(0x80);

        if (m) {
            return p + (__builtin_ctzll(m) >> 3);
        }

        p += 8;
    }
#endif

    while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') {
        p++;
    }

    return p;
}


/* the string whose opening quote is at s->p; s is left as it is when the
 * string is malformed */
static inline int
tm_jscan_str(tm_jscan_t *s, tm_jstr_t *str)
{
    int                   escaped;
    const unsigned char  *p, *start, *end;

    start = (const unsigned char *) s->p + 1;
    end = (const unsigned char *) s->end;
    p = start;
    escaped = 0;

    for ( ;; ) {
        p = tm_jscan_plain(p, end);

        if (tm_jscan_unlikely(p == end)) {
            return -1;
        }

        if (tm_jscan_likely(*p == '"')) {
            break;
        }

        if (*p == '\\') {
            escaped = 1;

            if (tm_jscan_escape(&p, end) != 0) {
                return -1;
            }

        } else if (*p < 0x20 || tm_jscan_utf8(&p, end) != 0) {
            return -1;
        }
    }

    str->data = (const char *) start;
    str->len = p - start;
    str->escaped = escaped;

    s->p = (const char *) p + 1;
    s->after_value = 1;

    return 0;
}


static inline int
tm_jscan_member_i(tm_jscan_t *s, tm_jstr_t *key)
{
    int  rc;

    rc = tm_jscan_next(s, '}');
    if (rc != 1) {
        return rc;
    }

    /* next left s->p on the key's quote, and no value before it */
    if (*s->p != '"' || tm_jscan_str(s, key) != 0
        || tm_jscan_peek_i(s) != ':')
    {
        return -1;
    }

    s->p++;
    s->after_value = 0;

    return 1;
}


int
tm_jscan_member(tm_jscan_t *s, tm_jstr_t *key)
{
    return tm_jscan_member_i(s, key);
}


int
tm_jscan_element(tm_jscan_t *s)
{
    return tm_jscan_next(s, ']');
}


int
tm_jscan_string(tm_jscan_t *s, tm_jstr_t *str)
{
    if (s->after_value || tm_jscan_peek_i(s) != '"') {
        return -1;
    }

    return tm_jscan_str(s, str);
}


/* the escape at *pp: \uXXXX (a surrogate pair whole) or one of "\/bfnrt */
static int
tm_jscan_escape(const unsigned char **pp, const unsigned char *end)
{
    unsigned              v;
    const unsigned char  *p;

    p = *pp;

    if (end - p < 2) {
        return -1;
    }

    switch (p[1]) {

    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r':
    case 't':
        *pp = p + 2;
        return 0;

    case 'u':
        break;

    default:
        return -1;
    }

    if (end - p < 6 || tm_jscan_hex4((const char *) p + 2, &v)
        || v == 0 || (v >= 0xdc00 && v <= 0xdfff))
    {
        /* no NUL, no low surrogate alone: the text is copied into replies
         * as it is, and must stay valid */
        return -1;
    }

    p += 6;

    if (v >= 0xd800 && v <= 0xdbff) {
        /* a high surrogate: its low one must follow */
        if (end - p < 6 || p[0] != '\\' || p[1] != 'u'
            || tm_jscan_hex4((const char *) p + 2, &v)
            || v < 0xdc00 || v > 0xdfff)
        {
            return -1;
        }

        p += 6;
    }

    *pp = p;

    return 0;
}


/* one UTF-8 sequence at *pp: no overlong forms, surrogates or > U+10FFFF */
static int
tm_jscan_utf8(const unsigned char **pp, const unsigned char *end)
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
tm_jscan_hex4(const char *p, unsigned *v)
{
    int  a, b, c, d;

    a = tm_jscan_hex[(unsigned char) p[0]];
    b = tm_jscan_hex[(unsigned char) p[1]];
    c = tm_jscan_hex[(unsigned char) p[2]];
    d = tm_jscan_hex[(unsigned char) p[3]];

    if ((a | b | c | d) < 0) {
        return -1;
    }

    *v = (unsigned) (a << 12 | b << 8 | c << 4 | d);

    return 0;
}


static inline const char *
tm_jscan_digits(const char *p, const char *end)
{
    while (p < end && *p >= '0' && *p <= '9') {
        p++;
    }

    return p;
}


/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; s->p where it stops,
 * malformed or not */
static int
tm_jscan_number(tm_jscan_t *s)
{
    const char  *p, *q, *end;

    p = s->p;
    end = s->end;

    if (p < end && *p == '-') {
        p++;
    }

    if (p < end && *p == '0') {
        p++;

    } else if ((q = tm_jscan_digits(p, end)) == p) {
        goto bad;

    } else {
        p = q;
    }

    if (p < end && *p == '.') {
        p++;

        if ((q = tm_jscan_digits(p, end)) == p) {
            goto bad;
        }

        p = q;
    }

    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;

        if (p < end && (*p == '+' || *p == '-')) {
            p++;
        }

        if ((q = tm_jscan_digits(p, end)) == p) {
            goto bad;
        }

        p = q;
    }

    s->p = p;
    s->after_value = 1;

    return 0;

bad:

    s->p = p;

    return -1;
}


static int
tm_jscan_literal(tm_jscan_t *s, const char *lit, size_t len)
{
    if ((size_t) (s->end - s->p) < len || memcmp(s->p, lit, len) != 0) {
        return -1;
    }

    s->p += len;
    s->after_value = 1;

    return 0;
}


int
tm_jscan_value(tm_jscan_t *s, tm_jstr_t *text)
{
    int          c, rc;
    tm_jstr_t    str;
    const char  *start;

    if (s->after_value) {
        return -1;
    }

    c = tm_jscan_peek_i(s);
    start = s->p;

    switch (c) {

    case '{':
        if (tm_jscan_open(s, '{') != 0) {
            return -1;
        }

        while ((rc = tm_jscan_member_i(s, &str)) == 1) {
            if (tm_jscan_value(s, NULL) != 0) {
                return -1;
            }
        }

        break;

    case '[':
        if (tm_jscan_open(s, '[') != 0) {
            return -1;
        }

        while ((rc = tm_jscan_next(s, ']')) == 1) {
            if (tm_jscan_value(s, NULL) != 0) {
                return -1;
            }
        }

        break;

    case '"':
        rc = tm_jscan_str(s, &str);
        break;

    case 't':
        rc = tm_jscan_literal(s, "true", 4);
        break;

    case 'f':
        rc = tm_jscan_literal(s, "false", 5);
        break;

    case 'n':
        rc = tm_jscan_literal(s, "null", 4);
        break;

    default:
        rc = (c == '-' || (c >= '0' && c <= '9')) ? tm_jscan_number(s) : -1;
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


int
tm_jscan_end(tm_jscan_t *s)
{
    return s->depth == 0 && tm_jscan_peek_i(s) == 0 && s->p == s->end
           ? 0 : -1;
}


int
tm_jstr_eq(const tm_jstr_t *str, const char *lit)
{
    size_t  n;
    long    len;
    char    buf[256];

    n = strlen(lit);

    if (!str->escaped) {
        return str->len == n && memcmp(str->data, lit, n) == 0;
    }

    len = n < sizeof(buf) ? tm_jstr_copy(str, buf, sizeof(buf)) : -1;

    return len >= 0 && (size_t) len == n && memcmp(buf, lit, n) == 0;
}


/* code point c as UTF-8 at out[*n], if it fits */
static int
tm_jstr_put(unsigned c, char *out, size_t size, size_t *n)
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


long
tm_jstr_copy(const tm_jstr_t *str, char *out, size_t size)
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
            if (tm_jscan_hex4(p + 2, &c) != 0) {
                return -1;
            }

            p += 6;

            if (c >= 0xdc00 && c <= 0xdfff) {
                return -1;      /* a low surrogate alone */
            }

            if (c >= 0xd800 && c <= 0xdbff) {
                if (end - p < 6 || p[0] != '\\' || p[1] != 'u'
                    || tm_jscan_hex4(p + 2, &lo) != 0
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

        if (tm_jstr_put(c, out, size, &n) != 0) {
            return -1;
        }
    }

    out[n] = '\0';

    return (long) n;
}
