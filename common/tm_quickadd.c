/*
 * Quick add, English, case-insensitive (issue 13).  Written here: no kept
 * C library reads this kind of phrase, and one parser serves the module,
 * the tests and the fuzzers.  The text is cut into words at ASCII white
 * space; at each word the phrases below are tried, longest first, and the
 * words a phrase takes leave the title.  What is left, joined by single
 * spaces, is the title.
 *
 *   dates     today, tonight (today 20:00; tonight at 9 is 21:00),
 *             tomorrow, a weekday (mon,
 *             monday: the next such day, today included), next week (the
 *             next Monday after today), next month (its 1st), in N days,
 *             in N weeks, dec 5, 5 dec, december 5 2027, 2027-12-05 (no
 *             year: this year's unless past, then next year's)
 *   times     5pm, 5 pm, 5:30pm, 17:00, at 9 (09:00), at 9pm, noon,
 *             midnight (the end of the day: 00:00 after it); in N hours,
 *             in N minutes (an instant)
 *   list      #Name, #"Two words" (the first one)
 *   labels    @label, as many as a task holds
 *   priority  p1-p4, !1-!4 (the first one)
 *   repeat    every day, every weekday, every monday (every mon, thu),
 *             every N days|weeks|months|years, every week|month|year,
 *             every month on the 15th
 *
 * A date without a time is due at 23:59 local, as the web app stores a
 * day without a time; a time without a date is the next such time (today
 * if still ahead); a repeat without a date starts at its first day from
 * today.  A second date, time, list or priority is left in the title, as
 * is anything that does not read as one of these (p5, @@, #, every).
 * Trailing , ; . after a recognised word go with it.
 */

#include <string.h>
#include <stdlib.h>
#include <strings.h>
#include <stdio.h>
#include <libical/ical.h>

#include "tm_quickadd.h"
#include "tm_zone.h"


#define TM_QA_WORD_LOW  24


const char *const  tm_qa_kinds[] = {
    "date", "time", "list", "label", "priority", "repeat"
};


typedef struct {
    size_t                start;
    size_t                end;
    char                  low[TM_QA_WORD_LOW];   /* "": too long to be a
                                                    keyword */
    unsigned              used:1;
} tm_qa_word_t;


typedef struct {
    const char           *text;
    tm_qa_word_t         *w;
    size_t                n;
    tm_quickadd_t        *qa;
    const char           *zone;
    long long             now;
    struct icaltimetype   today;       /* a date */
    int                   now_minute;  /* of the day, local */
    int                   kind;        /* of the phrase just read */

    int                   has_date;
    struct icaltimetype   date;
    int                   has_time;
    int                   hour;
    int                   minute;
    int                   day_after;   /* midnight */
    int                   tonight;
    int                   has_instant;
    long long             instant;
    int                   byday;       /* the repeat's weekdays: bits */
    int                   bymonthday;
} tm_qa_t;


static size_t tm_qa_words(const char *text, size_t len, tm_qa_word_t *w,
    size_t max);
static size_t tm_qa_one(tm_qa_t *q, size_t i);
static size_t tm_qa_repeat(tm_qa_t *q, size_t i);
static size_t tm_qa_relative(tm_qa_t *q, size_t i);
static size_t tm_qa_next(tm_qa_t *q, size_t i);
static size_t tm_qa_day(tm_qa_t *q, size_t i);
static size_t tm_qa_month_day(tm_qa_t *q, size_t i);
static size_t tm_qa_time(tm_qa_t *q, size_t i);
static size_t tm_qa_list(tm_qa_t *q, size_t i);
static size_t tm_qa_label(tm_qa_t *q, size_t i);
static size_t tm_qa_priority(tm_qa_t *q, size_t i);
static void tm_qa_due(tm_qa_t *q);
static int tm_qa_is(tm_qa_t *q, size_t i, const char *s);
static int tm_qa_number(const char *s, int min, int max);
static int tm_qa_digits(const char *s, size_t n);
static int tm_qa_weekday(const char *s);
static int tm_qa_month(const char *s);
static int tm_qa_clock(const char *s, int *hour, int *minute);
static void tm_qa_set_date(tm_qa_t *q, struct icaltimetype d);
static size_t tm_qa_utf16(const char *text, size_t bytes);


static const char  *tm_qa_days[][2] = {
    { "sunday", "sun" }, { "monday", "mon" }, { "tuesday", "tue" },
    { "wednesday", "wed" }, { "thursday", "thu" }, { "friday", "fri" },
    { "saturday", "sat" },
};

static const char  *tm_qa_rrule_days[] = {
    "SU", "MO", "TU", "WE", "TH", "FR", "SA"
};

static const char  *tm_qa_months[][2] = {
    { "january", "jan" }, { "february", "feb" }, { "march", "mar" },
    { "april", "apr" }, { "may", "may" }, { "june", "jun" },
    { "july", "jul" }, { "august", "aug" }, { "september", "sep" },
    { "october", "oct" }, { "november", "nov" }, { "december", "dec" },
};


int
tm_quickadd_parse(const char *text, size_t len, long long now,
    const char *zone, tm_quickadd_t *qa)
{
    size_t         i, k, t;
    tm_qa_t        q;
    tm_local_t     l;
    tm_qa_word_t   words[TM_QA_TEXT_MAX / 2 + 1];

    memset(qa, 0, sizeof(tm_quickadd_t));

    if (len > TM_QA_TEXT_MAX || memchr(text, '\0', len) != NULL
        || tm_utf8_length(text, len) < 0)
    {
        snprintf(qa->title, sizeof(qa->title), "must be UTF-8 text of at "
                 "most %d bytes", TM_QA_TEXT_MAX);
        return TM_QA_BAD_TEXT;
    }

    if (zone == NULL || tm_valid_time_zone(zone, strlen(zone)) != NULL) {
        zone = TM_ZONE_DEFAULT;
    }

    memset(&q, 0, sizeof(tm_qa_t));
    q.text = text;
    q.w = words;
    q.n = tm_qa_words(text, len, words, sizeof(words) / sizeof(words[0]));
    q.qa = qa;
    q.zone = zone;
    q.now = now;

    (void) tm_zone_local(zone, now, &l);
    q.today = icaltime_null_date();
    q.today.year = l.year;
    q.today.month = l.month;
    q.today.day = l.day;
    q.now_minute = l.hour * 60 + l.minute;

    for (i = 0; i < q.n; /* void */) {
        k = tm_qa_one(&q, i);

        if (k == 0) {
            i++;
            continue;
        }

        for (t = i; t < i + k; t++) {
            words[t].used = 1;
        }

        if (qa->ntokens < TM_QA_TOKENS) {
            qa->tokens[qa->ntokens].start = words[i].start;
            qa->tokens[qa->ntokens].end = words[i + k - 1].end;
            qa->tokens[qa->ntokens].start16 = tm_qa_utf16(text,
                                                          words[i].start);
            qa->tokens[qa->ntokens].end16 = tm_qa_utf16(text,
                                                  words[i + k - 1].end);
            qa->tokens[qa->ntokens].kind = q.kind;
            qa->ntokens++;
        }

        i += k;
    }

    /* the title: what is left, single spaces */
    t = 0;
    for (i = 0; i < q.n; i++) {
        if (words[i].used) {
            continue;
        }

        if (t) {
            qa->title[t++] = ' ';
        }

        memcpy(qa->title + t, text + words[i].start,
               words[i].end - words[i].start);
        t += words[i].end - words[i].start;
    }

    qa->title[t] = '\0';

    if (t == 0) {
        snprintf(qa->title, sizeof(qa->title), "nothing is left for a "
                 "title");
        return TM_QA_EMPTY_TITLE;
    }

    tm_qa_due(&q);

    return TM_QA_OK;
}


/* words: runs of bytes other than ASCII white space */

static size_t
tm_qa_words(const char *text, size_t len, tm_qa_word_t *w, size_t max)
{
    size_t  i, n, e, k;

    n = 0;
    i = 0;

    while (i < len && n < max) {
        while (i < len && (text[i] == ' ' || (text[i] >= '\t'
                                              && text[i] <= '\r')))
        {
            i++;
        }

        if (i == len) {
            break;
        }

        w[n].start = i;
        while (i < len && !(text[i] == ' ' || (text[i] >= '\t'
                                               && text[i] <= '\r')))
        {
            i++;
        }
        w[n].end = i;
        w[n].used = 0;

        /* the keyword form: lower case, without , ; . at the end */
        e = w[n].end;
        while (e > w[n].start
               && (text[e - 1] == ',' || text[e - 1] == ';'
                   || text[e - 1] == '.'))
        {
            e--;
        }

        w[n].low[0] = '\0';

        if (e > w[n].start && e - w[n].start < TM_QA_WORD_LOW) {
            for (k = 0; k < e - w[n].start; k++) {
                w[n].low[k] = text[w[n].start + k];
            }

            w[n].low[k] = '\0';
            tm_ascii_lower(w[n].low, k);
        }

        n++;
    }

    return n;
}


/* the phrase at word i: the words it takes (q->kind set), or 0 */

static size_t
tm_qa_one(tm_qa_t *q, size_t i)
{
    size_t  k;

    if ((k = tm_qa_repeat(q, i)) || (k = tm_qa_relative(q, i))
        || (k = tm_qa_next(q, i)) || (k = tm_qa_day(q, i))
        || (k = tm_qa_month_day(q, i)) || (k = tm_qa_time(q, i))
        || (k = tm_qa_list(q, i)) || (k = tm_qa_label(q, i))
        || (k = tm_qa_priority(q, i)))
    {
        return k;
    }

    return 0;
}


static int
tm_qa_is(tm_qa_t *q, size_t i, const char *s)
{
    return i < q->n && !q->w[i].used && strcmp(q->w[i].low, s) == 0;
}


/* every ... */

static size_t
tm_qa_repeat(tm_qa_t *q, size_t i)
{
    int          n, d, k;
    size_t       j;
    const char  *freq, *unit;
    char        *r;

    if (q->qa->repeat[0] || !tm_qa_is(q, i, "every") || i + 1 >= q->n
        || q->w[i + 1].used)
    {
        return 0;
    }

    r = q->qa->repeat;
    unit = q->w[i + 1].low;
    q->kind = TM_QA_REPEAT;

    if (strcmp(unit, "day") == 0) {
        strcpy(r, "FREQ=DAILY");
        return 2;
    }

    if (strcmp(unit, "weekday") == 0) {
        strcpy(r, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
        q->byday = 0x3e;
        return 2;
    }

    if (strcmp(unit, "week") == 0 || strcmp(unit, "year") == 0) {
        strcpy(r, unit[0] == 'w' ? "FREQ=WEEKLY" : "FREQ=YEARLY");
        return 2;
    }

    if (strcmp(unit, "month") == 0) {
        /* every month on the 15th */
        if (tm_qa_is(q, i + 2, "on") && tm_qa_is(q, i + 3, "the")
            && i + 4 < q->n && !q->w[i + 4].used)
        {
            n = tm_qa_number(q->w[i + 4].low, 1, 31);
            if (n > 0) {
                snprintf(r, TM_QA_RULE_MAX, "FREQ=MONTHLY;BYMONTHDAY=%d",
                         n);
                q->bymonthday = n;
                return 5;
            }
        }

        strcpy(r, "FREQ=MONTHLY");
        return 2;
    }

    /* every monday, every mon, thu */
    if (tm_qa_weekday(unit) >= 0) {
        k = 0;
        for (j = i + 1; j < q->n && !q->w[j].used; j++) {
            d = tm_qa_weekday(q->w[j].low);
            if (d < 0) {
                if (strcmp(q->w[j].low, "and") == 0 && j + 1 < q->n
                    && tm_qa_weekday(q->w[j + 1].low) >= 0)
                {
                    continue;
                }
                break;
            }
            k |= 1 << d;
        }

        strcpy(r, "FREQ=WEEKLY;BYDAY=");
        for (d = 1; d <= 7; d++) {
            if (k & (1 << (d % 7))) {
                if (r[strlen(r) - 1] != '=') {
                    strcat(r, ",");
                }
                strcat(r, tm_qa_rrule_days[d % 7]);
            }
        }

        q->byday = k;
        return j - i;
    }

    /* every 2 weeks */
    n = tm_qa_number(unit, 1, 999);
    if (n > 0 && i + 2 < q->n && !q->w[i + 2].used) {
        unit = q->w[i + 2].low;
        freq = (strcmp(unit, "days") == 0 || strcmp(unit, "day") == 0)
               ? "DAILY"
               : (strcmp(unit, "weeks") == 0 || strcmp(unit, "week") == 0)
               ? "WEEKLY"
               : (strcmp(unit, "months") == 0 || strcmp(unit, "month") == 0)
               ? "MONTHLY"
               : (strcmp(unit, "years") == 0 || strcmp(unit, "year") == 0)
               ? "YEARLY" : NULL;

        if (freq) {
            if (n == 1) {
                snprintf(r, TM_QA_RULE_MAX, "FREQ=%s", freq);
            } else {
                snprintf(r, TM_QA_RULE_MAX, "FREQ=%s;INTERVAL=%d", freq, n);
            }
            return 3;
        }
    }

    return 0;
}


/* in N days|weeks (a date), in N hours|minutes (an instant) */

static size_t
tm_qa_relative(tm_qa_t *q, size_t i)
{
    int                   n;
    const char           *u;
    struct icaltimetype   d;

    if (!tm_qa_is(q, i, "in") || i + 2 >= q->n || q->w[i + 1].used
        || q->w[i + 2].used || q->has_date || q->has_time || q->has_instant)
    {
        return 0;
    }

    n = tm_qa_number(q->w[i + 1].low, 1, 999);
    if (n <= 0) {
        return 0;
    }

    u = q->w[i + 2].low;

    if (strcmp(u, "day") == 0 || strcmp(u, "days") == 0
        || strcmp(u, "week") == 0 || strcmp(u, "weeks") == 0)
    {
        d = q->today;
        icaltime_adjust(&d, u[0] == 'w' ? 7 * n : n, 0, 0, 0);
        tm_qa_set_date(q, d);
        return 3;
    }

    if (strcmp(u, "hour") == 0 || strcmp(u, "hours") == 0
        || strcmp(u, "minute") == 0 || strcmp(u, "minutes") == 0
        || strcmp(u, "min") == 0 || strcmp(u, "mins") == 0)
    {
        q->has_instant = 1;
        q->instant = q->now + (long long) n * (u[0] == 'h' ? 3600 : 60);
        q->kind = TM_QA_TIME;
        return 3;
    }

    return 0;
}


/* next week, next month */

static size_t
tm_qa_next(tm_qa_t *q, size_t i)
{
    int                   wd;
    struct icaltimetype   d;

    if (q->has_date || q->has_instant || !tm_qa_is(q, i, "next")) {
        return 0;
    }

    d = q->today;

    if (tm_qa_is(q, i + 1, "week")) {
        wd = icaltime_day_of_week(d) - 1;         /* 0 Sunday */
        icaltime_adjust(&d, wd == 1 ? 7 : (8 - wd) % 7, 0, 0, 0);
        tm_qa_set_date(q, d);
        return 2;
    }

    if (tm_qa_is(q, i + 1, "month")) {
        d.day = 1;
        d.month++;
        d = icaltime_normalize(d);
        tm_qa_set_date(q, d);
        return 2;
    }

    return 0;
}


/* today, tonight, tomorrow, a weekday, 2027-12-05 */

static size_t
tm_qa_day(tm_qa_t *q, size_t i)
{
    int                   wd, y, m, dd;
    const char           *s;
    struct icaltimetype   d;

    if (q->has_date || q->has_instant || i >= q->n || q->w[i].used) {
        return 0;
    }

    s = q->w[i].low;
    d = q->today;

    if (strcmp(s, "today") == 0) {
        tm_qa_set_date(q, d);
        return 1;
    }

    if (strcmp(s, "tonight") == 0) {
        /* 20:00, or the time given, read in the evening */
        tm_qa_set_date(q, d);
        q->tonight = 1;
        return 1;
    }

    if (strcmp(s, "tomorrow") == 0) {
        icaltime_adjust(&d, 1, 0, 0, 0);
        tm_qa_set_date(q, d);
        return 1;
    }

    wd = tm_qa_weekday(s);
    if (wd >= 0) {
        icaltime_adjust(&d, (wd - (icaltime_day_of_week(d) - 1) + 7) % 7,
                        0, 0, 0);
        tm_qa_set_date(q, d);
        return 1;
    }

    if (strlen(s) == 10 && s[4] == '-' && s[7] == '-'
        && tm_qa_digits(s, 4) && tm_qa_digits(s + 5, 2)
        && tm_qa_digits(s + 8, 2))
    {
        y = atoi(s);
        m = atoi(s + 5);
        dd = atoi(s + 8);
    } else {
        y = m = dd = 0;
    }

    if (y >= 1970 && y <= 9999 && m >= 1 && m <= 12 && dd >= 1
        && dd <= icaltime_days_in_month(m, y))
    {
        d.year = y;
        d.month = m;
        d.day = dd;
        tm_qa_set_date(q, d);
        return 1;
    }

    return 0;
}


/* dec 5, 5 dec, dec 5th, december 5 2027 */

static size_t
tm_qa_month_day(tm_qa_t *q, size_t i)
{
    int                   m, day, year;
    size_t                k;
    struct icaltimetype   d;

    if (q->has_date || q->has_instant || i + 1 >= q->n || q->w[i].used
        || q->w[i + 1].used)
    {
        return 0;
    }

    m = tm_qa_month(q->w[i].low);
    if (m > 0) {
        day = tm_qa_number(q->w[i + 1].low, 1, 31);
    } else {
        day = tm_qa_number(q->w[i].low, 1, 31);
        m = tm_qa_month(q->w[i + 1].low);
    }

    if (m <= 0 || day <= 0) {
        return 0;
    }

    k = 2;
    year = 0;

    if (i + 2 < q->n && !q->w[i + 2].used && strlen(q->w[i + 2].low) == 4) {
        year = tm_qa_number(q->w[i + 2].low, 1970, 9999);
        if (year > 0) {
            k = 3;
        } else {
            year = 0;
        }
    }

    d = q->today;
    d.year = year ? year : q->today.year;
    d.month = m;
    d.day = day;

    if (day > icaltime_days_in_month(m, d.year)) {
        /* Feb 29 of a year without one, Apr 31: not a date */
        if (year || day > icaltime_days_in_month(m, d.year + 1)) {
            return 0;
        }
    }

    /* no year: this year's unless past, then next year's */
    if (!year
        && (day > icaltime_days_in_month(m, d.year)
            || icaltime_compare_date_only(d, q->today) < 0))
    {
        d.year++;
    }

    tm_qa_set_date(q, d);

    return k;
}


/* 5pm, 5 pm, 5:30pm, 17:00, at 9, at 9pm, at 5:30 pm, noon, midnight */

static size_t
tm_qa_time(tm_qa_t *q, size_t i)
{
    int          hour, minute;
    size_t       k, at;
    const char  *s;
    char         both[TM_QA_WORD_LOW * 2];

    if (q->has_time || q->has_instant || i >= q->n || q->w[i].used) {
        return 0;
    }

    q->kind = TM_QA_TIME;

    at = tm_qa_is(q, i, "at");
    if (at && (i + 1 >= q->n || q->w[i + 1].used)) {
        return 0;
    }

    s = q->w[i + at].low;
    k = at + 1;

    if (strcmp(s, "noon") == 0 || strcmp(s, "midnight") == 0) {
        q->has_time = 1;
        q->day_after = (s[0] == 'm');
        q->hour = (s[0] == 'n') ? 12 : 0;
        q->minute = 0;
        return k;
    }

    /* a number, then am or pm as a word of its own */
    if (i + at + 1 < q->n && !q->w[i + at + 1].used
        && (strcmp(q->w[i + at + 1].low, "am") == 0
            || strcmp(q->w[i + at + 1].low, "pm") == 0)
        && strlen(s) + 2 < sizeof(both))
    {
        snprintf(both, sizeof(both), "%s%s", s, q->w[i + at + 1].low);
        s = both;
        k++;
    }

    if (tm_qa_clock(s, &hour, &minute) != 0) {
        /* at 9: a plain hour, only after "at" */
        hour = at ? tm_qa_number(s, 0, 23) : -1;
        minute = 0;
        if (hour < 0 || k != 2) {
            return 0;
        }
    }

    q->has_time = 1;
    q->hour = hour;
    q->minute = minute;

    return k;
}


/* #Name, #"Two words" */

static size_t
tm_qa_list(tm_qa_t *q, size_t i)
{
    size_t       j, start, end, len;
    const char  *t;

    t = q->text;

    if (q->qa->list[0] || i >= q->n || q->w[i].used
        || t[q->w[i].start] != '#' || q->w[i].end - q->w[i].start < 2)
    {
        return 0;
    }

    start = q->w[i].start + 1;
    j = i;

    if (t[start] == '"') {
        start++;
        for (j = i; j < q->n && !q->w[j].used; j++) {
            end = q->w[j].end;
            if (end > start && t[end - 1] == '"'
                && (j > i || end - 1 > start))
            {
                break;
            }
        }

        if (j == q->n || q->w[j].used) {
            return 0;
        }

        end = q->w[j].end - 1;

    } else {
        end = q->w[i].end;
        while (end > start
               && (t[end - 1] == ',' || t[end - 1] == ';'
                   || t[end - 1] == '.'))
        {
            end--;
        }
    }

    len = end - start;

    if (len == 0 || len >= TM_QA_LIST_MAX
        || tm_valid_name(t + start, len) != NULL)
    {
        return 0;
    }

    memcpy(q->qa->list, t + start, len);
    q->qa->list[len] = '\0';
    q->kind = TM_QA_LIST;

    return j - i + 1;
}


/* @label: kept once whatever its case; past TM_LABELS_MAX, the title's */

static size_t
tm_qa_label(tm_qa_t *q, size_t i)
{
    size_t       n, start, end, k;
    const char  *t;

    t = q->text;

    if (i >= q->n || q->w[i].used || t[q->w[i].start] != '@') {
        return 0;
    }

    start = q->w[i].start + 1;
    end = q->w[i].end;
    while (end > start
           && (t[end - 1] == ',' || t[end - 1] == ';' || t[end - 1] == '.'))
    {
        end--;
    }

    n = end - start;

    if (n == 0 || n >= TM_QA_LABEL_SIZE
        || tm_valid_label(t + start, n) != NULL)
    {
        return 0;
    }

    for (k = 0; k < q->qa->nlabels; k++) {
        if (strlen(q->qa->labels[k]) == n
            && strncasecmp(q->qa->labels[k], t + start, n) == 0)
        {
            q->kind = TM_QA_LABEL;
            return 1;
        }
    }

    if (q->qa->nlabels == TM_LABELS_MAX) {
        return 0;
    }

    memcpy(q->qa->labels[q->qa->nlabels], t + start, n);
    q->qa->labels[q->qa->nlabels][n] = '\0';
    q->qa->nlabels++;
    q->kind = TM_QA_LABEL;

    return 1;
}


/* p1-p4, !1-!4 */

static size_t
tm_qa_priority(tm_qa_t *q, size_t i)
{
    const char  *s;

    if (q->qa->priority || i >= q->n || q->w[i].used) {
        return 0;
    }

    s = q->w[i].low;

    if ((s[0] == 'p' || s[0] == '!') && s[1] >= '1' && s[1] <= '4'
        && s[2] == '\0')
    {
        q->qa->priority = s[1] - '0';
        q->kind = TM_QA_PRIORITY;
        return 1;
    }

    return 0;
}


/* the due instant from what was read */

static void
tm_qa_due(tm_qa_t *q)
{
    int                   wd, k, settled;
    tm_local_t            l;
    struct icaltimetype   d;

    if (q->has_instant) {
        q->qa->has_due = 1;
        q->qa->has_time = 1;
        q->qa->due = q->instant;
        return;
    }

    d = q->has_date ? q->date : q->today;
    settled = 0;

    if (!q->has_date && !q->has_time && q->qa->repeat[0] == '\0') {
        return;
    }

    if (!q->has_date && q->qa->repeat[0] != '\0') {
        /* a repeat starts on its first day from today, today only if its
         * time is still ahead: "every monday at 9" is a Monday */
        if (q->has_time && !q->day_after
            && q->hour * 60 + q->minute <= q->now_minute)
        {
            icaltime_adjust(&d, 1, 0, 0, 0);
        }

        settled = 1;

        if (q->byday) {
            for (k = 0; k < 7; k++) {
                wd = icaltime_day_of_week(d) - 1;
                if (q->byday & (1 << wd)) {
                    break;
                }
                icaltime_adjust(&d, 1, 0, 0, 0);
            }

        } else if (q->bymonthday) {
            for (k = 0; k < 24; k++) {
                if (q->bymonthday <= icaltime_days_in_month(d.month, d.year)
                    && (k > 0 || q->bymonthday >= d.day))
                {
                    d.day = q->bymonthday;
                    break;
                }
                d.day = 1;
                d.month++;
                d = icaltime_normalize(d);
            }
        }
    }

    if (q->tonight) {
        if (!q->has_time) {
            q->has_time = 1;
            q->hour = 20;
            q->minute = 0;

        } else if (q->hour < 12 && !q->day_after) {
            q->hour += 12;
        }
    }

    if (!q->has_date && !settled && q->has_time && !q->day_after
        && q->hour * 60 + q->minute <= q->now_minute)
    {
        /* a time alone: the next such time */
        icaltime_adjust(&d, 1, 0, 0, 0);
    }

    if (q->day_after) {
        icaltime_adjust(&d, 1, 0, 0, 0);
    }

    l.year = d.year;
    l.month = d.month;
    l.day = d.day;
    l.hour = q->has_time ? q->hour : 23;
    l.minute = q->has_time ? q->minute : 59;
    l.second = 0;
    l.weekday = 0;

    if (tm_zone_utc(q->zone, &l, &q->qa->due) == 0) {
        q->qa->has_due = 1;
        q->qa->has_time = q->has_time;
    }
}


static void
tm_qa_set_date(tm_qa_t *q, struct icaltimetype d)
{
    q->has_date = 1;
    q->date = icaltime_normalize(d);
    q->kind = TM_QA_DATE;
}


/* 1-3 digits, or a day with its ordinal (5th, 1st, 22nd, 3rd), within
 * [min, max]; -1 otherwise */

static int
tm_qa_number(const char *s, int min, int max)
{
    int     n;
    size_t  i;

    n = 0;

    for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
        if (i == 4) {
            return -1;
        }
        n = n * 10 + (s[i] - '0');
    }

    if (i == 0) {
        return -1;
    }

    if (s[i] != '\0'
        && !(strcmp(s + i, "st") == 0 || strcmp(s + i, "nd") == 0
             || strcmp(s + i, "rd") == 0 || strcmp(s + i, "th") == 0))
    {
        return -1;
    }

    return (n >= min && n <= max) ? n : -1;
}


static int
tm_qa_digits(const char *s, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }

    return 1;
}


static int
tm_qa_weekday(const char *s)
{
    int  d;

    for (d = 0; d < 7; d++) {
        if (strcmp(s, tm_qa_days[d][0]) == 0
            || strcmp(s, tm_qa_days[d][1]) == 0)
        {
            return d;
        }
    }

    return -1;
}


static int
tm_qa_month(const char *s)
{
    int  m;

    for (m = 0; m < 12; m++) {
        if (strcmp(s, tm_qa_months[m][0]) == 0
            || strcmp(s, tm_qa_months[m][1]) == 0
            || (m == 8 && strcmp(s, "sept") == 0))
        {
            return m + 1;
        }
    }

    return -1;
}


/* 5pm, 5:30pm, 12am, 17:00, 9:05: 0 and the time, or -1 */

static int
tm_qa_clock(const char *s, int *hour, int *minute)
{
    int     h, m, digits;
    size_t  i;

    h = 0;
    m = 0;
    digits = 0;

    for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
        h = h * 10 + (s[i] - '0');
        if (++digits > 2) {
            return -1;
        }
    }

    if (digits == 0) {
        return -1;
    }

    if (s[i] == ':') {
        if (!(s[i + 1] >= '0' && s[i + 1] <= '5'
              && s[i + 2] >= '0' && s[i + 2] <= '9'))
        {
            return -1;
        }
        m = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
        i += 3;

        if (s[i] == '\0') {
            /* 17:00, 9:05: a 24-hour clock */
            if (h > 23) {
                return -1;
            }
            *hour = h;
            *minute = m;
            return 0;
        }
    }

    if ((strcmp(s + i, "am") != 0 && strcmp(s + i, "pm") != 0)
        || h < 1 || h > 12)
    {
        return -1;
    }

    *hour = (h % 12) + (s[i] == 'p' ? 12 : 0);
    *minute = m;

    return 0;
}


static size_t
tm_qa_utf16(const char *text, size_t bytes)
{
    size_t               i, n;
    const unsigned char *p;

    p = (const unsigned char *) text;
    n = 0;

    for (i = 0; i < bytes; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            /* a lead byte: four-byte sequences are two code units */
            n += (p[i] >= 0xf0) ? 2 : 1;
        }
    }

    return n;
}
