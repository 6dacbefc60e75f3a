/*
 * A repeating task: the API's {"rule": RRULE, "from": "due" | "completion"}
 * (the rule checked and expanded by tm_rrule.h), its stored form, and the
 * due date a completion moves the task to.  nginx-free.
 *
 * Stored on the task item:
 *
 *     TaskRepeat   M {Rule S, From S}   ("Repeat" is a reserved word)
 *     RepeatFirst  S the series' first occurrence (its DTSTART): the due
 *                  date when the rule was set or the date last moved by
 *                  hand; COUNT counts from it
 *     RepeatSeq    N occurrences so far, the current one included
 */

#ifndef TM_REPEAT_H
#define TM_REPEAT_H

#include <jansson.h>

#include "tm_jout.h"
#include "tm_rrule.h"


#define TM_REPEAT_NEXT  3           /* nextOccurrences shown */


typedef struct {
    char       rule[TM_RRULE_MAX + 1];     /* "": none */
    int        from_completion;
} tm_repeat_t;


/* the API value (null: none) into out: NULL, or why not (static text for
 * invalid_field on "repeat"); has_due: a repeat needs a due date */
const char *tm_repeat_parse(const json_t *v, int has_due, tm_repeat_t *out);

/* the item's Repeat (jansson DynamoDB JSON) into out (rule "" when
 * absent): 0, or -1 if malformed */
int tm_repeat_from_ddb(const json_t *item, tm_repeat_t *out);

/* {"M": {Rule, From}} */
json_t *tm_repeat_to_ddb(const tm_repeat_t *rp);

/*
 * The due date after completing the occurrence due at due (epoch seconds)
 * at done: the rule's next occurrence after due, or, from completion, the
 * first after done's day (tm_rrule_after_completion).  first and seq as
 * stored; zone the owner's.  1 and *next, 0 when the series has ended
 * (COUNT, UNTIL), -1 on error.
 */
int tm_repeat_next(const tm_repeat_t *rp, long long first, int seq,
    const char *zone, long long due, long long done, long long *next);

/* the API JSON {"rule", "from"} or null of the stored Repeat (the M
 * value's DynamoDB JSON text; NULL: none) into o */
void tm_repeat_write(tm_jout_t *o, const char *text, size_t len);

#endif /* TM_REPEAT_H */
