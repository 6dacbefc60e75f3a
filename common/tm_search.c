/*
 * Search folding with libunistring: case folded to NFD, then the marks
 * (accents) dropped and everything that is neither a letter nor a digit
 * made a space.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "tm_search.h"
#include "tm_validate.h"


long
tm_search_fold(const char *s, size_t len, char *out, size_t size)
{
    int            n;
    size_t         i, flen, o;
    ucs4_t         uc;
    uint8_t       *f;

    if (size == 0 || tm_utf8_length(s, len) < 0) {
        return -1;
    }

    f = u8_casefold((const uint8_t *) s, len, NULL, UNINORM_NFD, NULL,
                    &flen);
    if (f == NULL) {
        return -1;
    }

    o = 0;

    for (i = 0; i < flen; i += (size_t) n) {
        /* valid UTF-8 in, valid UTF-8 out */
        n = u8_mbtouc(&uc, f + i, flen - i);

        if (uc_is_general_category(uc, UC_CATEGORY_M)) {
            continue;
        }

        if (!uc_is_property_alphabetic(uc)
            && !uc_is_general_category(uc, UC_CATEGORY_N))
        {
            if (o + 1 >= size) {
                free(f);
                return -1;
            }

            out[o++] = ' ';
            continue;
        }

        if (o + (size_t) n >= size) {
            free(f);
            return -1;
        }

        memcpy(out + o, f + i, (size_t) n);
        o += (size_t) n;
    }

    free(f);
    out[o] = '\0';

    return (long) o;
}


long
tm_search_text(const char *const *parts, char *out, size_t size)
{
    char    *buf, *w, *end;
    size_t   o, n, plen;
    long     flen;

    if (size < 2) {
        return -1;
    }

    out[0] = ' ';
    out[1] = '\0';
    o = 1;

    for ( /* void */ ; *parts; parts++) {
        plen = strlen(*parts);
        buf = malloc(plen * 3 + 1);
        if (buf == NULL) {
            return -1;
        }

        flen = tm_search_fold(*parts, plen, buf, plen * 3 + 1);
        if (flen < 0) {
            free(buf);
            return -1;
        }

        for (w = strtok_r(buf, " ", &end); w; w = strtok_r(NULL, " ", &end)) {
            n = strlen(w);

            /* " word " already there: once is enough */
            if (o + n + 1 >= size) {
                break;
            }

            memcpy(out + o, w, n);
            out[o + n] = ' ';
            out[o + n + 1] = '\0';

            if (strstr(out, out + o - 1) != out + o - 1) {
                out[o] = '\0';
                continue;
            }

            o += n + 1;
        }

        free(buf);
    }

    return (long) o;
}


long
tm_search_words(const char *q, size_t len, char *buf, size_t size,
    const char **words, size_t max)
{
    char    *w, *end;
    long     chars;
    size_t   n;

    chars = tm_utf8_length(q, len);

    if (chars < 0 || chars > TM_SEARCH_Q_MAX
        || tm_search_fold(q, len, buf, size) < 0)
    {
        return -1;
    }

    n = 0;

    for (w = strtok_r(buf, " ", &end); w; w = strtok_r(NULL, " ", &end)) {
        if (n == max) {
            return -1;
        }

        words[n++] = w;
    }

    return (long) n;
}
