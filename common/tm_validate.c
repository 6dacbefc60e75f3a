/*
 * Field validators and RFC 3339 date-times.  Plain C, ASCII rules, no
 * locale.
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tm_validate.h"


#define TM_STR(x)            TM_STR_(x)
#define TM_STR_(x)           #x

#define TM_MSG_UTF8          "must be valid UTF-8"
#define TM_MSG_CONTROL       "must not contain control characters"
#define TM_MSG_REQUIRED      "must not be empty"
#define TM_MSG_EMAIL         "must be a valid email address"
#define TM_MSG_EMAIL_LONG    "must be at most " TM_STR(TM_EMAIL_MAX)          \
                             " characters"
#define TM_MSG_PASSWORD      "must be " TM_PASSWORD_POLICY
#define TM_MSG_PASSWORD_LONG TM_MSG_PASSWORD ", and at most "                \
                             TM_STR(TM_PASSWORD_MAX) " characters"
#define TM_MSG_PASSWORD_SPACE                                                 \
                             TM_MSG_PASSWORD ", not starting or ending "      \
                             "with a space"
#define TM_MSG_PHONE         "must be an international number like "          \
                             "+14155550123"

#define TM_EMAIL_LOCAL_MAX   64
#define TM_EMAIL_LABEL_MAX   63


static int tm_utf8_char(const unsigned char *p, size_t len);
static int tm_is_digit(int c);
static int tm_is_space(int c);
static int tm_email_local(const char *s, size_t len);
static int tm_email_domain(const char *s, size_t len);
static int tm_digits(const char *s, size_t n);
static int tm_days_in_month(int year, int month);
static long long tm_days_from_civil(int year, int month, int day);


/*
 * the length of the well-formed UTF-8 sequence at p, or -1: no overlong
 * forms, no surrogates, nothing above U+10FFFF (RFC 3629, table 3-7 of
 * the Unicode standard)
 */
static int
tm_utf8_char(const unsigned char *p, size_t len)
{
    int            n, i;
    unsigned char  lo, hi;

    lo = 0x80;
    hi = 0xbf;

    if (p[0] < 0x80) {
        return 1;

    } else if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        n = 2;

    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        n = 3;
        lo = (p[0] == 0xe0) ? 0xa0 : 0x80;      /* overlong */
        hi = (p[0] == 0xed) ? 0x9f : 0xbf;      /* surrogates */

    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        n = 4;
        lo = (p[0] == 0xf0) ? 0x90 : 0x80;      /* overlong */
        hi = (p[0] == 0xf4) ? 0x8f : 0xbf;      /* above U+10FFFF */

    } else {
        return -1;
    }

    if (len < (size_t) n || p[1] < lo || p[1] > hi) {
        return -1;
    }

    for (i = 2; i < n; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf) {
            return -1;
        }
    }

    return n;
}


long
tm_utf8_length(const char *s, size_t len)
{
    int                   n;
    long                  count;
    const unsigned char  *p, *end;

    p = (const unsigned char *) s;
    end = p + len;

    for (count = 0; p < end; count++) {
        n = tm_utf8_char(p, (size_t) (end - p));
        if (n < 0) {
            return -1;
        }

        p += n;
    }

    return count;
}


static int
tm_is_digit(int c)
{
    return c >= '0' && c <= '9';
}


static int
tm_is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}


const char *
tm_valid_text(const char *s, size_t len, size_t max_chars, int required,
    int multiline)
{
    int            blank;
    long           n;
    size_t         i;
    unsigned char  c;

    /* the limit varies, so its message is made per thread */
    static _Thread_local char  too_long[64];

    n = tm_utf8_length(s, len);
    if (n < 0) {
        return TM_MSG_UTF8;
    }

    blank = 1;

    /* control characters are ASCII, so bytes will do */
    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];

        if ((c < 0x20 || c == 0x7f)
            && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
        {
            return TM_MSG_CONTROL;
        }

        if (!tm_is_space(c)) {
            blank = 0;
        }
    }

    if (required && blank) {
        return TM_MSG_REQUIRED;
    }

    if ((size_t) n > max_chars) {
        snprintf(too_long, sizeof(too_long), "must be at most %zu characters",
                 max_chars);
        return too_long;
    }

    return NULL;
}


const char *
tm_valid_name(const char *s, size_t len)
{
    return tm_valid_text(s, len, TM_NAME_MAX, 1, 0);
}


/* dot-atom: [a-z0-9.!#$%&'*+/=?^_`{|}~-], no leading, trailing or ".." */
static int
tm_email_local(const char *s, size_t len)
{
    size_t  i;

    if (len == 0 || len > TM_EMAIL_LOCAL_MAX || s[0] == '.'
        || s[len - 1] == '.')
    {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (s[i] == '.' && s[i - 1] == '.') {     /* s[0] is not a '.' */
            return 0;
        }

        if (!((s[i] >= 'a' && s[i] <= 'z') || tm_is_digit(s[i])
              || (s[i] != '\0' && strchr(".!#$%&'*+/=?^_`{|}~-", s[i]))))
        {
            return 0;
        }
    }

    return 1;
}


/* labels of [a-z0-9-], not starting or ending with '-'; a TLD of letters */
static int
tm_email_domain(const char *s, size_t len)
{
    size_t  i, start, labels;
    int     alpha;

    labels = 0;
    start = 0;
    alpha = 1;

    for (i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            if (i == start || i - start > TM_EMAIL_LABEL_MAX
                || s[start] == '-' || s[i - 1] == '-')
            {
                return 0;
            }

            labels++;

            if (i == len) {
                break;
            }

            start = i + 1;
            alpha = 1;
            continue;
        }

        if (s[i] >= 'a' && s[i] <= 'z') {
            continue;
        }

        if (!tm_is_digit(s[i]) && s[i] != '-') {
            return 0;
        }

        alpha = 0;
    }

    /* alpha and start describe the last label here */
    return labels >= 2 && alpha && len - start >= 2;
}


const char *
tm_valid_email(const char *s, size_t len)
{
    const char  *at;

    if (len > TM_EMAIL_MAX) {
        return TM_MSG_EMAIL_LONG;
    }

    if (len < 3) {
        return TM_MSG_EMAIL;
    }

    at = memchr(s, '@', len);

    if (at == NULL
        || memchr(at + 1, '@', len - (size_t) (at - s) - 1) != NULL
        || !tm_email_local(s, (size_t) (at - s))
        || !tm_email_domain(at + 1, len - (size_t) (at - s) - 1))
    {
        return TM_MSG_EMAIL;
    }

    return NULL;
}


const char *
tm_valid_password(const char *s, size_t len)
{
    int            upper, lower, digit, symbol;
    long           n;
    size_t         i;
    unsigned char  c;

    n = tm_utf8_length(s, len);

    if (n < 0 || n < TM_PASSWORD_MIN) {
        return TM_MSG_PASSWORD;
    }

    if (n > TM_PASSWORD_MAX) {
        return TM_MSG_PASSWORD_LONG;
    }

    /* Cognito's own pattern refuses white space at either end */
    if (s[0] == ' ' || s[len - 1] == ' ') {
        return TM_MSG_PASSWORD_SPACE;
    }

    upper = 0;
    lower = 0;
    digit = 0;
    symbol = 0;

    /* any byte of a non-ASCII character makes a symbol */
    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];

        if (c < 0x20 || c == 0x7f) {
            return TM_MSG_PASSWORD;
        }

        if (c >= 'A' && c <= 'Z') {
            upper = 1;

        } else if (c >= 'a' && c <= 'z') {
            lower = 1;

        } else if (tm_is_digit(c)) {
            digit = 1;

        } else {
            symbol = 1;
        }
    }

    return (upper && lower && digit && symbol) ? NULL : TM_MSG_PASSWORD;
}


/* what a user typed as a secret to check elsewhere: any non-empty string
 * of a sane size (login's password, a refresh token) */
const char *
tm_valid_present(const char *s, size_t len)
{
    if (len == 0) {
        return "must not be empty";
    }

    return len > 8192 ? "is too long" : NULL;
}


/* Cognito's confirmation codes: 1 to 16 letters or digits */
const char *
tm_valid_code(const char *s, size_t len)
{
    size_t  i;

    if (len == 0 || len > 16) {
        return "must be 1 to 16 letters or digits";
    }

    for (i = 0; i < len; i++) {
        if (!tm_is_digit(s[i]) && !((s[i] | 0x20) >= 'a'
                                    && (s[i] | 0x20) <= 'z'))
        {
            return "must be 1 to 16 letters or digits";
        }
    }

    return NULL;
}


const char *
tm_valid_clock(const char *s, size_t len)
{
    if (len != 5 || !tm_is_digit(s[0]) || !tm_is_digit(s[1]) || s[2] != ':'
        || !tm_is_digit(s[3]) || !tm_is_digit(s[4])
        || (s[0] - '0') * 10 + (s[1] - '0') > 23 || s[3] > '5')
    {
        return "must be a time of day HH:MM, 00:00 to 23:59";
    }

    return NULL;
}


const char *
tm_valid_title(const char *s, size_t len)
{
    return tm_valid_text(s, len, TM_TITLE_MAX, 1, 0);
}


const char *
tm_valid_description(const char *s, size_t len)
{
    return tm_valid_text(s, len, TM_DESCRIPTION_MAX, 0, 1);
}


/* a label: one line of 1 to 40 characters without the characters that
 * mark lists, labels and separators in quick add and in label= filters */
const char *
tm_valid_label(const char *s, size_t len)
{
    const char  *why;

    why = tm_valid_text(s, len, TM_LABEL_MAX, 1, 0);
    if (why) {
        return why;
    }

    if (memchr(s, '#', len) || memchr(s, '@', len) || memchr(s, ',', len)) {
        return "must not contain #, @ or ,";
    }

    return NULL;
}


/* in the order of the bits of tm_valid_status_list's mask */
const char *const  tm_task_statuses[] = {
    "pending", "in_progress", "completed", NULL
};


long
tm_enum_index(const char *const *values, const char *s, size_t len)
{
    long  i;

    for (i = 0; values[i]; i++) {
        if (strlen(values[i]) == len && memcmp(values[i], s, len) == 0) {
            return i;
        }
    }

    return -1;
}


const char *
tm_valid_status(const char *s, size_t len)
{
    return tm_enum_index(tm_task_statuses, s, len) >= 0
           ? NULL : "must be pending, in_progress or completed";
}


const char *
tm_valid_status_list(const char *s, size_t len, unsigned *mask)
{
    long         i;
    const char  *e, *end;

    *mask = 0;
    end = s + len;

    for ( ;; ) {
        e = memchr(s, ',', (size_t) (end - s));
        if (e == NULL) {
            e = end;
        }

        i = tm_enum_index(tm_task_statuses, s, (size_t) (e - s));
        if (i < 0) {
            *mask = 0;
            return "must be pending, in_progress or completed, or a "
                   "comma list of them";
        }

        *mask |= 1u << i;

        if (e == end) {
            return NULL;
        }

        s = e + 1;
    }
}


const char *
tm_valid_priority_list(const char *s, size_t len, unsigned *mask)
{
    size_t  i;

    *mask = 0;

    /* digits 1 to 4, one each, between commas */
    for (i = 0; i < len; i += 2) {
        if (s[i] < '1' || s[i] > '0' + TM_PRIORITY_LOW
            || (i + 1 < len && s[i + 1] != ',') || i + 1 == len - 1)
        {
            *mask = 0;
            return "must be 1, 2, 3 or 4, or a comma list of them";
        }

        *mask |= 1u << (s[i] - '0');
    }

    if (len == 0) {
        return "must be 1, 2, 3 or 4, or a comma list of them";
    }

    return NULL;
}


const char *
tm_valid_datetime(const char *s, size_t len)
{
    long long  t;

    return tm_parse_rfc3339(s, len, &t) == 0
           ? NULL
           : "must be an RFC 3339 date-time like 2026-11-25T17:00:00Z";
}


/* E.164: '+', then 7 to 15 digits, the first not 0 */
const char *
tm_valid_phone(const char *s, size_t len)
{
    size_t  i;

    if (len < 8 || len > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9') {
        return TM_MSG_PHONE;
    }

    for (i = 2; i < len; i++) {
        if (!tm_is_digit(s[i])) {
            return TM_MSG_PHONE;
        }
    }

    return NULL;
}


void
tm_ascii_lower(char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (s[i] >= 'A' && s[i] <= 'Z') {
            s[i] = (char) (s[i] + ('a' - 'A'));
        }
    }
}


/* the value of exactly n decimal digits, or -1 */
static int
tm_digits(const char *s, size_t n)
{
    int     v;
    size_t  i;

    v = 0;

    for (i = 0; i < n; i++) {
        if (!tm_is_digit(s[i])) {
            return -1;
        }

        v = v * 10 + (s[i] - '0');
    }

    return v;
}


static int
tm_days_in_month(int year, int month)
{
    static const int  days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                                 31 };

    if (month == 2
        && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
    {
        return 29;
    }

    return days[month - 1];
}


/*
 * days since 1970-01-01 of a proleptic Gregorian date, for years >= 0
 * (H. Hinnant's days_from_civil; no time zone involved)
 */
static long long
tm_days_from_civil(int year, int month, int day)
{
    int  era, yoe, doy, doe;

    year -= month <= 2;
    era = year / 400;
    yoe = year - era * 400;
    doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return (long long) era * 146097 + doe - 719468;
}


/* YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM) */
int
tm_parse_rfc3339(const char *s, size_t len, long long *epoch)
{
    int        year, month, day, hour, min, sec, off_hour, off_min, sign;
    size_t     i, frac;
    long long  t;

    if (len < 20
        || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't')
        || s[13] != ':' || s[16] != ':')
    {
        return -1;
    }

    year = tm_digits(s, 4);
    month = tm_digits(s + 5, 2);
    day = tm_digits(s + 8, 2);
    hour = tm_digits(s + 11, 2);
    min = tm_digits(s + 14, 2);
    sec = tm_digits(s + 17, 2);

    if (year < 1970 || month < 1 || month > 12 || day < 1
        || day > tm_days_in_month(year, month)
        || hour < 0 || hour > 23 || min < 0 || min > 59
        || sec < 0 || sec > 59)
    {
        return -1;
    }

    i = 19;

    /* fractions of a second are dropped */
    if (s[i] == '.') {
        for (frac = 0; i + 1 + frac < len && tm_is_digit(s[i + 1 + frac]);
             frac++)
        {
            /* void */
        }

        if (frac < 1 || frac > 9) {
            return -1;
        }

        i += 1 + frac;
    }

    if (i + 1 == len && (s[i] == 'Z' || s[i] == 'z')) {
        sign = 0;
        off_hour = 0;
        off_min = 0;

    } else if (i + 6 == len && (s[i] == '+' || s[i] == '-')
               && s[i + 3] == ':')
    {
        sign = (s[i] == '+') ? 1 : -1;
        off_hour = tm_digits(s + i + 1, 2);
        off_min = tm_digits(s + i + 4, 2);

        if (off_hour < 0 || off_hour > 23 || off_min < 0 || off_min > 59) {
            return -1;
        }

    } else {
        return -1;
    }

    t = tm_days_from_civil(year, month, day) * 86400
        + hour * 3600 + min * 60 + sec;

    /* local time = UTC + offset; in UTC, still within the years accepted
     * ("9999-12-31T23:59:59-23:59" is in 10000, "1970-01-01T00:00:00+01:00"
     * in 1969): what passes must format back */
    t -= sign * (off_hour * 3600 + off_min * 60);

    if (t < 0 || t > TM_RFC3339_MAX) {
        return -1;
    }

    *epoch = t;

    return 0;
}


/* digits by hand, not strftime (a listing formats one per reminder);
 * years 1000 to 9999 only, as strftime's 20 characters held them */
void
tm_format_rfc3339(long long epoch, char *out)
{
    int        i, year;
    int        v[5];
    time_t     t;
    struct tm  tm;

    static const char  sep[] = "--T::Z";

    t = (time_t) epoch;

    if (gmtime_r(&t, &tm) == NULL) {
        out[0] = '\0';
        return;
    }

    year = tm.tm_year + 1900;

    if (year < 1000 || year > 9999) {
        out[0] = '\0';
        return;
    }

    out[0] = (char) ('0' + year / 1000);
    out[1] = (char) ('0' + year / 100 % 10);
    out[2] = (char) ('0' + year / 10 % 10);
    out[3] = (char) ('0' + year % 10);

    v[0] = tm.tm_mon + 1;
    v[1] = tm.tm_mday;
    v[2] = tm.tm_hour;
    v[3] = tm.tm_min;
    v[4] = tm.tm_sec;

    /* "-MM-DDTHH:MM:SS" then "Z" */
    for (i = 0; i < 5; i++) {
        out[4 + 3 * i] = sep[i];
        out[5 + 3 * i] = (char) ('0' + v[i] / 10);
        out[6 + 3 * i] = (char) ('0' + v[i] % 10);
    }

    out[19] = 'Z';
    out[20] = '\0';
}
