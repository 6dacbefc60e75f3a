/*
 * The JSON writer of tm_jout.h.
 */

#include <stdio.h>
#include <string.h>

#include "tm_jout.h"


void
tm_jout_init(tm_jout_t *o, char *buf, size_t size)
{
    o->start = buf;
    o->p = buf;
    o->end = buf + size;
    o->full = 0;
    o->bad = 0;
}


void
tm_jout_jstr(tm_jout_t *o, const tm_jstr_t *str)
{
    if (str == NULL) {
        tm_jout_lit(o, "null");
        return;
    }

    tm_jout_lit(o, "\"");
    tm_jout_raw(o, str->data, str->len);
    tm_jout_lit(o, "\"");
}


void
tm_jout_str(tm_jout_t *o, const char *s)
{
    char                  esc[8];
    const unsigned char  *p;

    tm_jout_lit(o, "\"");

    for (p = (const unsigned char *) s; *p; p++) {

        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char) *p;
            tm_jout_raw(o, esc, 2);

        } else if (*p < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", *p);
            tm_jout_raw(o, esc, 6);

        } else {
            tm_jout_raw(o, (const char *) p, 1);
        }
    }

    tm_jout_lit(o, "\"");
}


/* digits by hand: snprintf's was a visible share of a listing's CPU */
void
tm_jout_int(tm_jout_t *o, long long n)
{
    char                *p;
    char                 buf[24];
    unsigned long long   u;

    p = buf + sizeof(buf);
    u = n < 0 ? 0ULL - (unsigned long long) n : (unsigned long long) n;

    do {
        *--p = (char) ('0' + u % 10);
        u /= 10;
    } while (u);

    if (n < 0) {
        *--p = '-';
    }

    tm_jout_raw(o, p, (size_t) (buf + sizeof(buf) - p));
}


long
tm_jout_len(const tm_jout_t *o)
{
    return o->full ? -1 : (long) (o->p - o->start);
}


void
tm_jout_bool(tm_jout_t *o, int b)
{
    if (b) {
        tm_jout_lit(o, "true");

    } else {
        tm_jout_lit(o, "false");
    }
}
