/*
 * Case folding with libunistring: u8_casefold writes into the caller's
 * buffer when the result fits, so the common case allocates nothing.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>

#include "tm_fold.h"


long
tm_fold_case(const char *s, size_t len, char *out, size_t size)
{
    size_t    n;
    uint8_t  *r;

    if (size == 0) {
        return -1;
    }

    n = size - 1;
    r = u8_casefold((const uint8_t *) s, len, NULL, UNINORM_NFC,
                    (uint8_t *) out, &n);
    if (r == NULL) {
        return -1;
    }

    if (r != (uint8_t *) out) {
        /* it did not fit: libunistring allocated the result */
        free(r);
        return -1;
    }

    if (n >= size) {
        return -1;
    }

    out[n] = '\0';

    return (long) n;
}
