/*
 * Search words: "every word of q must match the start of a word in the
 * title, description or labels, case and accents ignored".  A task keeps
 * SearchText, its words folded (Unicode case folding, accents dropped:
 * "Café" is "cafe") and each written once as " word", so that a word of q
 * is a filter contains(SearchText, " <word>").  nginx-free.
 */

#ifndef TM_SEARCH_H
#define TM_SEARCH_H

#include <stddef.h>


#define TM_SEARCH_MAX     8192   /* bytes of SearchText */
#define TM_SEARCH_Q_MAX   100    /* characters of q */
#define TM_SEARCH_WORDS   10     /* words of q */


/* s folded for search, every character that is not part of a word made a
 * space, into out (NUL-terminated): its length, or -1 if s is not valid
 * UTF-8 or out is too small */
long tm_search_fold(const char *s, size_t len, char *out, size_t size);

/* the SearchText of the parts (NULL-ended): " w1 w2 ... " with each word
 * once, into out (NUL-terminated); words past size are left out.  Its
 * length, or -1 if a part is not valid UTF-8 */
long tm_search_text(const char *const *parts, char *out, size_t size);

/* the words of q folded, in buf, pointed to by words[]: their number (0
 * when q holds none), or -1 when q is longer than TM_SEARCH_Q_MAX
 * characters, has more than max words or is not valid UTF-8 */
long tm_search_words(const char *q, size_t len, char *buf, size_t size,
    const char **words, size_t max);

#endif /* TM_SEARCH_H */
