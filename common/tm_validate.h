/*
 * One validator per field kind.  Each returns NULL when the value is valid,
 * else a short human-readable reason ("must be at most 100 characters"):
 * static text, except tm_valid_text's length reason, which stays valid
 * until the thread's next call.  Values are UTF-8 (jansson guarantees it
 * for decoded JSON strings).
 */

#ifndef TM_VALIDATE_H
#define TM_VALIDATE_H

#include <stddef.h>


#define TM_EMAIL_MAX     254
#define TM_NAME_MAX      100
#define TM_TITLE_MAX     200
#define TM_DESCRIPTION_MAX  5000
#define TM_LABEL_MAX     40       /* characters in a label */
#define TM_LABELS_MAX    10       /* labels on a task */
#define TM_PRIORITY_LOW  4        /* 1 is the highest, 4 the default */
#define TM_PASSWORD_MIN  12
#define TM_PASSWORD_MAX  256

/* text shown to users and put in infra/'s Cognito password policy */
#define TM_PASSWORD_POLICY                                                    \
    "at least 12 characters, with an upper-case letter, a lower-case "        \
    "letter, a digit and a symbol"


/* number of code points, or -1 if not valid UTF-8 */
long tm_utf8_length(const char *s, size_t len);

/* free text: max_chars code points, no control characters except \n \r \t
 * when multiline; required means not empty and not all white space */
const char *tm_valid_text(const char *s, size_t len, size_t max_chars,
    int required, int multiline);

const char *tm_valid_name(const char *s, size_t len);       /* 1..100 */
const char *tm_valid_email(const char *s, size_t len);      /* lower-cased */
const char *tm_valid_password(const char *s, size_t len);
const char *tm_valid_phone(const char *s, size_t len);      /* E.164 */
const char *tm_valid_present(const char *s, size_t len);    /* 1..8192 */
const char *tm_valid_code(const char *s, size_t len);
/* a local time of day "HH:MM", 00:00 to 23:59 */
const char *tm_valid_clock(const char *s, size_t len);       /* alnum 1..16 */
const char *tm_valid_title(const char *s, size_t len);      /* 1..200 */
const char *tm_valid_description(const char *s, size_t len); /* 0..5000 */
const char *tm_valid_status(const char *s, size_t len);     /* task status */
const char *tm_valid_label(const char *s, size_t len);      /* 1..40, no #@, */
const char *tm_valid_datetime(const char *s, size_t len);   /* RFC 3339 */

/* the task statuses, NULL-terminated */
extern const char *const  tm_task_statuses[];

/* the index of s (len bytes, exact, case-sensitive) in the NULL-terminated
 * values, or -1 */
long tm_enum_index(const char *const *values, const char *s, size_t len);

/* "pending,completed": *mask gets bit i for tm_task_statuses[i]; NULL, or
 * the reason (and *mask 0) when an item is not a status */
const char *tm_valid_status_list(const char *s, size_t len, unsigned *mask);

/* "1,2": *mask gets bit p for each priority p (1..4); NULL, or the reason
 * (and *mask 0) */
const char *tm_valid_priority_list(const char *s, size_t len,
    unsigned *mask);

/* lower-cases ASCII letters in place */
void tm_ascii_lower(char *s, size_t len);

/* 9999-12-31T23:59:59Z */
#define TM_RFC3339_MAX  253402300799LL

/*
 * RFC 3339 date-time ("2026-11-25T17:00:00Z", "...T17:00:00.123+01:00"),
 * years 1970-9999 both as written and in UTC, fraction dropped, impossible
 * dates and leap seconds refused.  0 and *epoch set on success, -1
 * otherwise.
 */
int tm_parse_rfc3339(const char *s, size_t len, long long *epoch);

/* "2026-11-25T17:00:00Z"; out holds >= 21 bytes */
void tm_format_rfc3339(long long epoch, char *out);

#endif /* TM_VALIDATE_H */
