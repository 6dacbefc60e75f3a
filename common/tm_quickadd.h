/*
 * Quick add: "Pay rent tomorrow 5pm #Home @bills p1" read into a task's
 * title, due date, list name, labels, priority and repeat rule, with where
 * each part was found (tm_quickadd.c says the rules).  nginx-free.
 */

#ifndef TM_QUICKADD_H
#define TM_QUICKADD_H

#include <stddef.h>

#include "tm_validate.h"


#define TM_QA_TEXT_MAX   2000            /* bytes of text read */
#define TM_QA_TOKENS     32              /* parts recognised, at most */
#define TM_QA_LIST_MAX   (100 * 4 + 1)   /* a list name, 100 characters */
#define TM_QA_LABEL_SIZE (TM_LABEL_MAX * 4 + 1)
#define TM_QA_RULE_MAX   96


/* what a recognised part is; tm_qa_kinds[] names them for the API */
enum {
    TM_QA_DATE = 0,
    TM_QA_TIME,
    TM_QA_LIST,
    TM_QA_LABEL,
    TM_QA_PRIORITY,
    TM_QA_REPEAT
};

extern const char *const  tm_qa_kinds[];


typedef struct {
    size_t                start;      /* bytes of the text */
    size_t                end;
    size_t                start16;    /* the same in UTF-16 code units: */
    size_t                end16;      /* JavaScript's string indexes */
    int                   kind;       /* TM_QA_* */
} tm_qa_token_t;


typedef struct {
    char                  title[TM_QA_TEXT_MAX + 1];
    int                   has_due;
    int                   has_time;   /* 0: a date only, due at its end */
    long long             due;        /* epoch seconds, when has_due */
    char                  list[TM_QA_LIST_MAX];            /* "": none */
    char                  labels[TM_LABELS_MAX][TM_QA_LABEL_SIZE];
    size_t                nlabels;
    int                   priority;   /* 1-4; 0: not said */
    char                  repeat[TM_QA_RULE_MAX];          /* "": none */
    tm_qa_token_t         tokens[TM_QA_TOKENS];
    size_t                ntokens;
} tm_quickadd_t;


/* what tm_quickadd_parse returns */
#define TM_QA_OK           0
#define TM_QA_BAD_TEXT     1    /* not UTF-8, a NUL, over TM_QA_TEXT_MAX */
#define TM_QA_EMPTY_TITLE  2    /* nothing left for a title */

/*
 * Reads text at now (epoch seconds) in zone (an IANA name; NULL or an
 * unknown one: UTC).  TM_QA_OK and *qa filled, or an error (qa->title then
 * holds the reason, for the API's message).
 */
int tm_quickadd_parse(const char *text, size_t len, long long now,
    const char *zone, tm_quickadd_t *qa);

#endif /* TM_QUICKADD_H */
