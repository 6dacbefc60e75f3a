/*
 * The user item (EntityPartition = EntitySort = USER_<sub>) and its API
 * JSON.  nginx-free, shared by the module and the scheduler.
 */

#ifndef TM_USER_H
#define TM_USER_H

#include <jansson.h>


#define TM_USER_PREFIX  "USER_"


typedef struct {
    const char  *sub;
    const char  *email;
    const char  *first_name;
    const char  *last_name;
    const char  *phone;         /* NULL: none */
    const char  *now;           /* RFC 3339: CreatedAt, UpdatedAt */
    const char  *last_login;    /* NULL: never */
} tm_user_t;


/* "USER_<sub>" into out (>= 5 + strlen(sub) + 1 bytes) */
void tm_user_key(const char *sub, char *out, size_t size);

/* a new user item for PutItem, preferences off */
json_t *tm_user_item(const tm_user_t *u);

/* {id, email, firstName, lastName, phoneNumber, notificationPreferences:
 * {email, sms}, createdAt, updatedAt, lastLogin}; NULL if the item is not
 * a user item */
json_t *tm_user_json(const json_t *item);

#endif /* TM_USER_H */
