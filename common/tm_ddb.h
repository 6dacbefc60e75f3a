/*
 * DynamoDB's JSON wire format: attribute values ({"S": ...}), item keys,
 * error replies.  nginx-free, shared by the module and the scheduler.
 */

#ifndef TM_DDB_H
#define TM_DDB_H

#include <jansson.h>


#define TM_PK  "EntityPartition"
#define TM_SK  "EntitySort"


/* new attribute values ({"S": s}, {"N": "n"}, {"BOOL": b}, {"NULL": true}) */
json_t *tm_ddb_s(const char *s);
json_t *tm_ddb_n(long long n);
json_t *tm_ddb_bool(int b);

/* {"EntityPartition": {"S": pk}, "EntitySort": {"S": sk}} */
json_t *tm_ddb_key(const char *pk, const char *sk);

/* read an item's attributes: NULL / -1 when absent or of another type */
const char *tm_ddb_get_s(const json_t *item, const char *name);
int tm_ddb_get_n(const json_t *item, const char *name, long long *n);
int tm_ddb_get_bool(const json_t *item, const char *name, int dflt);
const json_t *tm_ddb_get_m(const json_t *item, const char *name);

/* "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"
 * -> "ConditionalCheckFailedException"; NULL if the reply is no error */
const char *tm_ddb_error_type(const json_t *reply);
const char *tm_ddb_error_message(const json_t *reply);

#endif /* TM_DDB_H */
