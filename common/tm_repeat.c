/*
 * A repeating task (tm_repeat.h).
 */

#include <string.h>

#include "tm_ddb.h"
#include "tm_repeat.h"


const char *
tm_repeat_parse(const json_t *v, int has_due, tm_repeat_t *out)
{
    const char  *key, *rule, *from, *why;
    json_t      *value;

    memset(out, 0, sizeof(tm_repeat_t));

    if (json_is_null(v)) {
        return NULL;
    }

    if (!json_is_object(v)) {
        return "must be null or {\"rule\": RRULE, \"from\": \"due\" or"
               " \"completion\"}";
    }

    json_object_foreach((json_t *) v, key, value) {
        if (strcmp(key, "rule") != 0 && strcmp(key, "from") != 0) {
            return "has only \"rule\" and \"from\"";
        }
    }

    rule = json_string_value(json_object_get(v, "rule"));
    value = json_object_get(v, "from");
    from = value ? json_string_value(value) : "due";

    if (rule == NULL) {
        return "\"rule\" must be an RFC 5545 RRULE value like"
               " FREQ=WEEKLY;BYDAY=MO";
    }

    why = tm_valid_rrule(rule, json_string_length(json_object_get(v,
                                                                  "rule")));
    if (why) {
        return why;
    }

    if (from == NULL
        || (strcmp(from, "due") != 0 && strcmp(from, "completion") != 0))
    {
        return "\"from\" must be \"due\" or \"completion\"";
    }

    if (!has_due) {
        return "a repeating task needs a due date";
    }

    /* tm_valid_rrule bounds the rule to TM_RRULE_MAX bytes */
    strcpy(out->rule, rule);
    out->from_completion = (from[0] == 'c');

    return NULL;
}


int
tm_repeat_from_ddb(const json_t *item, tm_repeat_t *out)
{
    json_t      *m;
    const char  *rule, *from;

    memset(out, 0, sizeof(tm_repeat_t));

    m = json_object_get(item, "TaskRepeat");
    if (m == NULL) {
        return 0;
    }

    m = json_object_get(m, "M");
    rule = tm_ddb_get_s(m, "Rule");
    from = tm_ddb_get_s(m, "From");

    if (rule == NULL || from == NULL || strlen(rule) > TM_RRULE_MAX) {
        return -1;
    }

    strcpy(out->rule, rule);
    out->from_completion = (strcmp(from, "completion") == 0);

    return 0;
}


json_t *
tm_repeat_to_ddb(const tm_repeat_t *rp)
{
    return json_pack("{s:{s:{s:s}, s:{s:s}}}", "M",
                     "Rule", "S", rp->rule,
                     "From", "S", rp->from_completion ? "completion" : "due");
}


int
tm_repeat_next(const tm_repeat_t *rp, long long first, int seq,
    const char *zone, long long due, long long done, long long *next)
{
    if (rp->from_completion) {
        return tm_rrule_after_completion(rp->rule, first, zone, done, seq,
                                         next);
    }

    return tm_rrule_next(rp->rule, first, zone, due, next, 1);
}


void
tm_repeat_write(tm_jout_t *o, const char *text, size_t len)
{
    json_t       *m;
    const char   *rule, *from;

    if (text == NULL) {
        tm_jout_lit(o, "null");
        return;
    }

    m = json_loadb(text, len, 0, NULL);
    rule = tm_ddb_get_s(m, "Rule");
    from = tm_ddb_get_s(m, "From");

    if (rule == NULL || from == NULL) {
        o->bad = 1;
        tm_jout_lit(o, "null");

    } else {
        tm_jout_lit(o, "{\"rule\":");
        tm_jout_str(o, rule);
        tm_jout_lit(o, ",\"from\":");
        tm_jout_str(o, from);
        tm_jout_lit(o, "}");
    }

    json_decref(m);
}
