/*
 * The user item and its API JSON.
 */

#include <stdio.h>
#include <string.h>

#include "tm_ddb.h"
#include "tm_user.h"


void
tm_user_key(const char *sub, char *out, size_t size)
{
    snprintf(out, size, TM_USER_PREFIX "%s", sub);
}


json_t *
tm_user_item(const tm_user_t *u)
{
    char     key[160];
    json_t  *item;

    tm_user_key(u->sub, key, sizeof(key));

    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s},"
                     " s:{s:{s:{s:b}, s:{s:b}}}, s:{s:s}, s:{s:s}}",
                     TM_PK, "S", key,
                     TM_SK, "S", key,
                     "Email", "S", u->email,
                     "FirstName", "S", u->first_name,
                     "LastName", "S", u->last_name,
                     "NotificationPreferences", "M",
                         "email", "BOOL", 0, "sms", "BOOL", 0,
                     "CreatedAt", "S", u->now,
                     "UpdatedAt", "S", u->now);

    if (item && u->phone) {
        json_object_set_new(item, "PhoneNumber", tm_ddb_s(u->phone));
    }

    if (item && u->last_login) {
        json_object_set_new(item, "LastLogin", tm_ddb_s(u->last_login));
    }

    return item;
}


static json_t *
tm_json_string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}


json_t *
tm_user_json(const json_t *item)
{
    const char    *pk, *sk;
    const json_t  *prefs;

    pk = tm_ddb_get_s(item, TM_PK);
    sk = tm_ddb_get_s(item, TM_SK);

    /* a user item's sort key is its partition key: not a task of it */
    if (pk == NULL || strncmp(pk, TM_USER_PREFIX, sizeof(TM_USER_PREFIX) - 1)
        || sk == NULL || strcmp(pk, sk) != 0)
    {
        return NULL;
    }

    prefs = tm_ddb_get_m(item, "NotificationPreferences");

    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:{s:b, s:b}, s:o, s:o, s:o}",
                     "id", pk + sizeof(TM_USER_PREFIX) - 1,
                     "email", tm_json_string_or_null(
                                  tm_ddb_get_s(item, "Email")),
                     "firstName", tm_json_string_or_null(
                                      tm_ddb_get_s(item, "FirstName")),
                     "lastName", tm_json_string_or_null(
                                     tm_ddb_get_s(item, "LastName")),
                     "phoneNumber", tm_json_string_or_null(
                                        tm_ddb_get_s(item, "PhoneNumber")),
                     "notificationPreferences",
                         "email", tm_ddb_get_bool(prefs, "email", 0),
                         "sms", tm_ddb_get_bool(prefs, "sms", 0),
                     "createdAt", tm_json_string_or_null(
                                      tm_ddb_get_s(item, "CreatedAt")),
                     "updatedAt", tm_json_string_or_null(
                                      tm_ddb_get_s(item, "UpdatedAt")),
                     "lastLogin", tm_json_string_or_null(
                                      tm_ddb_get_s(item, "LastLogin")));
}
