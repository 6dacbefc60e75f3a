/*
 * Case folding of user text for comparisons: labels are the same label
 * whatever their case ("Home", "HOME"), in every script, so folding is
 * Unicode's (libunistring's u8_casefold), not ASCII's.  nginx-free.
 */

#ifndef TM_FOLD_H
#define TM_FOLD_H

#include <stddef.h>


/* s (valid UTF-8, len bytes) case-folded and NFC-normalised into out,
 * NUL-terminated: its length, or -1 if it does not fit in size - 1 bytes
 * or s is not valid UTF-8 */
long tm_fold_case(const char *s, size_t len, char *out, size_t size);

#endif /* TM_FOLD_H */
