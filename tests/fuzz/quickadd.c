/*
 * libFuzzer target: quick add (common/tm_quickadd.c), as POST
 * /api/tasks/parse and {"quickAdd"} take it.  Whatever the text: a result
 * or a refusal, never both; a title that is a part of the text, words
 * joined by single spaces; tokens in order, inside the text, not
 * overlapping, their UTF-16 offsets never past their byte offsets; a due
 * date within the years the API takes; the parts valid as the API would
 * check them.
 */

#include <string.h>

#include "fuzz.h"
#include "tm_quickadd.h"
#include "tm_rrule.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int            rc;
    size_t         i, prev;
    tm_quickadd_t  qa;
    const char    *zone;

    /* the first byte picks a zone (one with DST, one without, UTC) */
    static const char  *zones[] = {
        "UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"
    };

    if (size == 0) {
        return 0;
    }

    zone = zones[data[0] % 4];

    rc = tm_quickadd_parse((const char *) data + 1, size - 1,
                           1764583200LL, zone, &qa);

    fz_check(rc == TM_QA_OK || rc == TM_QA_BAD_TEXT
             || rc == TM_QA_EMPTY_TITLE);

    if (rc != TM_QA_OK) {
        fz_check(qa.ntokens == 0 || rc == TM_QA_EMPTY_TITLE);
        return 0;
    }

    fz_check(qa.title[0] != '\0' && qa.title[0] != ' ');
    fz_check(strstr(qa.title, "  ") == NULL);
    fz_check(strlen(qa.title) <= size - 1);
    fz_check(tm_utf8_length(qa.title, strlen(qa.title)) >= 0);

    prev = 0;
    for (i = 0; i < qa.ntokens; i++) {
        fz_check(qa.tokens[i].start >= prev);
        fz_check(qa.tokens[i].start < qa.tokens[i].end);
        fz_check(qa.tokens[i].end <= size - 1);
        fz_check(qa.tokens[i].start16 <= qa.tokens[i].start);
        fz_check(qa.tokens[i].end16 <= qa.tokens[i].end);
        fz_check(qa.tokens[i].kind >= TM_QA_DATE
                 && qa.tokens[i].kind <= TM_QA_REPEAT);
        prev = qa.tokens[i].end;
    }

    if (qa.has_due) {
        /* a date with its year may be any from 1970 to 9999 */
        fz_check(qa.due >= -14 * 3600
                 && qa.due < 253402300800LL + 366 * 86400);
    }

    fz_check(qa.priority >= 0 && qa.priority <= 4);
    fz_check(qa.nlabels <= TM_LABELS_MAX);

    for (i = 0; i < qa.nlabels; i++) {
        fz_check(tm_valid_label(qa.labels[i], strlen(qa.labels[i])) == NULL);
    }

    if (qa.list[0]) {
        fz_check(tm_valid_name(qa.list, strlen(qa.list)) == NULL);
    }

    if (qa.repeat[0]) {
        fz_check(tm_valid_rrule(qa.repeat, strlen(qa.repeat)) == NULL);
    }

    return 0;
}
