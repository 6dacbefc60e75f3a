/*
 * A DynamoDB UpdateItem built up clause by clause: SET and REMOVE parts, a
 * condition of AND-ed terms, the placeholders' values and names.  Every
 * part grows as needed; a failure (out of memory, a bad placeholder) is
 * remembered and makes the request NULL: an expression is never cut.
 * nginx-free, for the PATCH rules of tm_task.c and tm_user.c.
 */

#ifndef TM_UPDATE_H
#define TM_UPDATE_H

#include <stddef.h>
#include <jansson.h>


typedef struct {
    char    *data;
    size_t   len;
    size_t   size;
} tm_update_buf_t;


typedef struct {
    tm_update_buf_t   set;      /* "a = :a, b = b + :one" */
    tm_update_buf_t   remove;   /* "c, d" */
    tm_update_buf_t   cond;     /* "x AND y" */
    tm_update_buf_t   expr;     /* "SET ... REMOVE ..." */
    json_t           *values;   /* ExpressionAttributeValues */
    json_t           *names;    /* ExpressionAttributeNames */
    int               failed;
} tm_update_t;


void tm_update_init(tm_update_t *u);
void tm_update_free(tm_update_t *u);

/* "SET expr" part: "Title = :ti", "Version = Version + :one" */
void tm_update_set(tm_update_t *u, const char *expr);

/* "SET attr = ph" with ph's value (takes the reference) */
void tm_update_set_value(tm_update_t *u, const char *attr, const char *ph,
    json_t *value);

void tm_update_remove(tm_update_t *u, const char *attr);

/* one more AND-ed condition */
void tm_update_cond(tm_update_t *u, const char *expr);

/* a placeholder's value (takes the reference) or name ("#st" "Status") */
void tm_update_value(tm_update_t *u, const char *ph, json_t *value);
void tm_update_name(tm_update_t *u, const char *ph, const char *name);

/*
 * The UpdateItem request {TableName, Key, UpdateExpression,
 * ConditionExpression?, ExpressionAttributeValues?, ExpressionAttribute-
 * Names?, ReturnValues?} (takes key), or NULL when any step failed or
 * nothing is set or removed.  u stays the caller's to free.
 */
json_t *tm_update_request(tm_update_t *u, const char *table, json_t *key,
    const char *return_values);

/* "SET ... REMOVE ...", or NULL: a view valid until u changes */
const char *tm_update_expression(tm_update_t *u);

#endif /* TM_UPDATE_H */
