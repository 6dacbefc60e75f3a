/*
 * A strict JSON reader over a buffer, without allocating: the caller walks
 * objects and arrays and gets strings as slices of the buffer, escapes
 * left as they are.  Listings read DynamoDB's replies with it and copy the
 * escaped strings straight into their reply, where building a jansson tree
 * of fifty items and dumping it again cost most of a request's CPU.
 * nginx-free, shared by the module and the unit tests.
 */

#ifndef TM_JSCAN_H
#define TM_JSCAN_H

#include <stddef.h>


/* nested objects and arrays deeper than this are refused */
#define TM_JSCAN_DEPTH  32

typedef struct {
    const char  *p;
    const char  *end;
    int          depth;
    int          after_value;  /* a ',' or a closer must come next */
} tm_jscan_t;

/* a string as written between its quotes (escaped: holds a backslash), or
 * any value's whole text (tm_jscan_value) */
typedef struct {
    const char  *data;
    size_t       len;
    int          escaped;
} tm_jstr_t;


void tm_jscan_init(tm_jscan_t *s, const char *data, size_t len);

/* the next character that is not blank, 0 at the end (consumes nothing) */
int tm_jscan_peek(tm_jscan_t *s);

/* '{' or '[': 0, or -1 if something else comes */
int tm_jscan_object(tm_jscan_t *s);
int tm_jscan_array(tm_jscan_t *s);

/* 1: a member follows, its key read and the ':' after it consumed;
 * 0: the object ended ('}' consumed); -1: malformed */
int tm_jscan_member(tm_jscan_t *s, tm_jstr_t *key);

/* 1: an element follows; 0: the array ended (']' consumed); -1 */
int tm_jscan_element(tm_jscan_t *s);

/* a string value: 0, or -1 if the next value is no well-formed string */
int tm_jscan_string(tm_jscan_t *s, tm_jstr_t *str);

/* any value, checked and skipped; its text in *text unless NULL */
int tm_jscan_value(tm_jscan_t *s, tm_jstr_t *text);

/* 0 if only blanks are left */
int tm_jscan_end(tm_jscan_t *s);

/* 1 if the string, unescaped, is exactly lit */
int tm_jstr_eq(const tm_jstr_t *str, const char *lit);

/* the string unescaped (UTF-8) and NUL-terminated in out: its length, or
 * -1 if it does not fit in size - 1 bytes */
long tm_jstr_copy(const tm_jstr_t *str, char *out, size_t size);

#endif /* TM_JSCAN_H */
