/*
 * Writing JSON text into a caller's buffer, bounded: a write that does not
 * fit sets `full` and the caller retries with a larger buffer.  The other
 * half of tm_jscan.h: strings read there are copied here as they are.
 * nginx-free.
 */

#ifndef TM_JOUT_H
#define TM_JOUT_H

#include <stddef.h>
#include <string.h>

#include "tm_jscan.h"


/* what the item writers return besides a length: not an item of their
 * kind, or out too small */
#define TM_WRITE_NOT_ITEM  -1
#define TM_WRITE_FULL      -2
#define TM_WRITE_BAD       -3   /* the item holds a value that cannot be
                                   written: the backend sent nonsense */

typedef struct {
    char    *start;
    char    *p;
    char    *end;
    int      full;
    int      bad;      /* a stored value that cannot be written */
} tm_jout_t;


void tm_jout_init(tm_jout_t *o, char *buf, size_t size);

/* bytes as they are: JSON text that is already valid.  Inline: a listing
 * writes some two thousand pieces, most of them literals of known size */
static inline void
tm_jout_raw(tm_jout_t *o, const char *s, size_t len)
{
    if (o->full || (size_t) (o->end - o->p) < len) {
        o->full = 1;
        return;
    }

    memcpy(o->p, s, len);
    o->p += len;
}

#define tm_jout_lit(o, lit)  tm_jout_raw(o, lit, sizeof(lit) - 1)

/* a string read by tm_jscan (escapes kept), quoted; NULL: null */
void tm_jout_jstr(tm_jout_t *o, const tm_jstr_t *str);

/* a C string, quoted and escaped */
void tm_jout_str(tm_jout_t *o, const char *s);

void tm_jout_int(tm_jout_t *o, long long n);
void tm_jout_bool(tm_jout_t *o, int b);

/* the length written, or -1 if it did not fit */
long tm_jout_len(const tm_jout_t *o);

#endif /* TM_JOUT_H */
