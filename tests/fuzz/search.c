/*
 * libFuzzer target: search text (common/tm_search.c) and label folding
 * (common/tm_fold.c), over user text in any script.  The input is a task's
 * parts, one a line (title, description, labels), and also a query q= as
 * the list handler reads it.  A task must be found by any word of its own
 * text: every word of q, taken from the title, is in the title's
 * SearchText as " word ".  SearchText is " w1 w2 ... ", each word once;
 * folding a folded label changes nothing.
 */

#include <string.h>

#include "fuzz.h"
#include "tm_fold.h"
#include "tm_search.h"
#include "tm_validate.h"


#define FZ_PARTS  12


/* " w1 w2 ... ": single spaces, each word once */
static void
fz_text(const char *text, long n)
{
    char    *w, *copy, *end, *word;
    size_t   len;

    fz_check(n >= 1 && (size_t) n == strlen(text) && text[0] == ' '
             && text[n - 1] == ' ' && strstr(text, "  ") == NULL);

    copy = strdup(text);
    word = malloc((size_t) n + 2);

    for (w = strtok_r(copy, " ", &end); w; w = strtok_r(NULL, " ", &end)) {
        len = strlen(w);
        word[0] = ' ';
        memcpy(word + 1, w, len);
        word[len + 1] = ' ';
        word[len + 2] = '\0';

        /* its first " w " is this one */
        fz_check(strstr(text, word) == text + (w - 1 - copy));
    }

    free(word);
    free(copy);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long         n, k, i, len, flen;
    char        *copy, *p, *nl, *buf, *fold, *again, *text, *word;
    const char  *parts[FZ_PARTS + 1], *words[TM_SEARCH_WORDS];

    copy = malloc(size + 1);
    memcpy(copy, data, size);
    copy[size] = '\0';

    /* q= as ngx_taskmgr_tasks_list.c reads it */
    buf = malloc(size * 3 + 1);
    n = tm_search_words(copy, size, buf, size * 3 + 1, words,
                        TM_SEARCH_WORDS);
    fz_check(n >= -1 && n <= TM_SEARCH_WORDS);

    /* the same text as a title: its SearchText holds every word */
    if (n > 0 && strlen(copy) == size) {
        text = malloc(TM_SEARCH_MAX);
        parts[0] = copy;
        parts[1] = NULL;

        len = tm_search_text(parts, text, TM_SEARCH_MAX);
        fz_check(len > 0);
        fz_text(text, len);

        word = malloc(TM_SEARCH_MAX);
        for (i = 0; i < n; i++) {
            fz_check(*words[i] != '\0' && strchr(words[i], ' ') == NULL);
            snprintf(word, TM_SEARCH_MAX, " %s ", words[i]);
            fz_check(strstr(text, word) != NULL);
        }

        free(word);
        free(text);
    }

    free(buf);

    /* the lines as the parts of a task */
    k = 0;
    for (p = copy; k < FZ_PARTS && p < copy + size; p = nl + 1) {
        nl = strchr(p, '\n');
        if (nl == NULL) {
            parts[k++] = p;
            break;
        }

        *nl = '\0';
        parts[k++] = p;
    }

    parts[k] = NULL;

    text = malloc(TM_SEARCH_MAX);
    len = tm_search_text(parts, text, TM_SEARCH_MAX);

    if (len >= 0) {
        fz_text(text, len);
    }

    free(text);

    /* each part as a label: folded once is folded */
    for (i = 0; i < k; i++) {
        len = (long) strlen(parts[i]);
        fold = malloc((size_t) len * 3 + 1);
        flen = tm_fold_case(parts[i], (size_t) len, fold,
                            (size_t) len * 3 + 1);

        fz_check(flen >= 0 || tm_utf8_length(parts[i], (size_t) len) < 0);

        if (flen >= 0) {
            again = malloc((size_t) flen * 3 + 1);
            fz_check(tm_fold_case(fold, (size_t) flen, again,
                                  (size_t) flen * 3 + 1) == flen
                     && memcmp(again, fold, (size_t) flen) == 0);
            free(again);
        }

        free(fold);
    }

    free(copy);

    return 0;
}
