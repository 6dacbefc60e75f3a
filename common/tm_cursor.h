/*
 * Opaque, tamper-proof page cursors: the JSON state of a listing (DynamoDB's
 * LastEvaluatedKey, the sort, the owner) as base64url, then "." and an
 * HMAC-SHA256 of it under a server key.  nginx-free.
 */

#ifndef TM_CURSOR_H
#define TM_CURSOR_H

#include <stddef.h>
#include <jansson.h>


#define TM_CURSOR_MAX  4096


/* a malloc'd NUL-terminated cursor, or NULL (too large, out of memory) */
char *tm_cursor_encode(const json_t *state, const unsigned char *key,
    size_t key_len);

/* the state (new reference), or NULL if the cursor is malformed or its
 * signature does not match */
json_t *tm_cursor_decode(const char *cursor, size_t len,
    const unsigned char *key, size_t key_len);

#endif /* TM_CURSOR_H */
