/*
 * The user item and its API JSON.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "tm_ddb.h"
#include "tm_user.h"


#define TM_TEST_N(a)    (sizeof(a) / sizeof((a)[0]))
#define TM_TEST_SUB     "0b5c7a1e-2f3d-4c5b-9a8e-7d6c5b4a3f21"
#define TM_TEST_NOW     "2026-11-25T17:00:00.123Z"


static const tm_user_t  tm_test_user = {
    TM_TEST_SUB, "ada@example.com", "Ada", "Lovelace", NULL, NULL,
    TM_TEST_NOW, NULL
};


static const char *
tm_test_get(const json_t *json, const char *name)
{
    return json_string_value(json_object_get(json, name));
}


/* the API JSON has exactly the documented keys */
static void
tm_test_keys(const json_t *user)
{
    size_t       i;
    json_t      *value;
    const char  *key;

    static const char  *keys[] = {
        "id", "email", "firstName", "lastName", "phoneNumber", "phoneVerified",
        "timeZone",
        "notificationPreferences", "createdAt", "updatedAt", "lastLogin",
        "defaultReminders", "quietHours", "digest", "mfaEnabled",
    };

    assert_int_equal(json_object_size(user), TM_TEST_N(keys));

    json_object_foreach((json_t *) user, key, value) {
        for (i = 0; i < TM_TEST_N(keys); i++) {
            if (strcmp(key, keys[i]) == 0) {
                break;
            }
        }

        if (i == TM_TEST_N(keys)) {
            fail_msg("unexpected key \"%s\"", key);
        }
    }
}


static void
tm_test_user_key(void **state)
{
    char  key[64];

    tm_user_key(TM_TEST_SUB, key, sizeof(key));
    assert_string_equal(key, "USER_" TM_TEST_SUB);

    tm_user_key("", key, sizeof(key));
    assert_string_equal(key, "USER_");

    /* truncated to the buffer, NUL-terminated */
    tm_user_key(TM_TEST_SUB, key, 8);
    assert_string_equal(key, "USER_0b");
}


static void
tm_test_user_item(void **state)
{
    json_t        *item;
    const json_t  *prefs;

    item = tm_user_item(&tm_test_user);
    assert_non_null(item);

    assert_string_equal(tm_ddb_get_s(item, TM_PK), "USER_" TM_TEST_SUB);
    assert_string_equal(tm_ddb_get_s(item, TM_SK), "USER_" TM_TEST_SUB);
    assert_string_equal(tm_ddb_get_s(item, "Email"), "ada@example.com");
    assert_string_equal(tm_ddb_get_s(item, "FirstName"), "Ada");
    assert_string_equal(tm_ddb_get_s(item, "LastName"), "Lovelace");
    assert_string_equal(tm_ddb_get_s(item, "CreatedAt"), TM_TEST_NOW);
    assert_string_equal(tm_ddb_get_s(item, "UpdatedAt"), TM_TEST_NOW);

    /* preferences off */
    prefs = tm_ddb_get_m(item, "NotificationPreferences");
    assert_non_null(prefs);
    assert_int_equal(json_object_size(prefs), 2);
    assert_int_equal(tm_ddb_get_bool(prefs, "email", -1), 0);
    assert_int_equal(tm_ddb_get_bool(prefs, "sms", -1), 0);

    /* no phone, never logged in: no attributes at all, not NULL ones */
    assert_null(json_object_get(item, "PhoneNumber"));
    assert_null(json_object_get(item, "LastLogin"));
    assert_int_equal(json_object_size(item), 8);

    json_decref(item);
}


static void
tm_test_round_trip(void **state)
{
    json_t        *item, *user, *prefs;
    tm_user_t      u;

    /* without phone and last login */
    item = tm_user_item(&tm_test_user);
    assert_non_null(item);
    user = tm_user_json(item);
    assert_non_null(user);

    tm_test_keys(user);
    assert_string_equal(tm_test_get(user, "id"), TM_TEST_SUB);
    assert_string_equal(tm_test_get(user, "email"), "ada@example.com");
    assert_string_equal(tm_test_get(user, "firstName"), "Ada");
    assert_string_equal(tm_test_get(user, "lastName"), "Lovelace");
    assert_true(json_is_null(json_object_get(user, "phoneNumber")));
    assert_string_equal(tm_test_get(user, "createdAt"), TM_TEST_NOW);
    assert_string_equal(tm_test_get(user, "updatedAt"), TM_TEST_NOW);
    assert_true(json_is_null(json_object_get(user, "lastLogin")));
    assert_true(json_is_false(json_object_get(user, "mfaEnabled")));

    prefs = json_object_get(user, "notificationPreferences");
    assert_true(json_is_object(prefs));
    assert_int_equal(json_object_size(prefs), 4);
    assert_true(json_is_false(json_object_get(prefs, "email")));
    assert_true(json_is_false(json_object_get(prefs, "sms")));
    assert_true(json_is_false(json_object_get(prefs, "completedEmail")));
    assert_true(json_is_false(json_object_get(prefs, "completedSms")));

    /* the defaults of what was never set */
    assert_int_equal(json_array_size(json_object_get(user,
                                                     "defaultReminders")),
                     1);
    assert_string_equal(tm_test_get(json_array_get(json_object_get(user,
                                        "defaultReminders"), 0), "before"),
                        "P1D");
    assert_true(json_is_null(json_object_get(user, "quietHours")));
    assert_true(json_is_false(json_object_get(json_object_get(user,
                                                              "digest"),
                                              "enabled")));
    assert_string_equal(tm_test_get(json_object_get(user, "digest"),
                                    "time"), "07:30");

    json_decref(user);
    json_decref(item);

    /* with both */
    u = tm_test_user;
    u.phone = "+15555550123";
    u.last_login = "2026-11-26T08:00:00Z";

    item = tm_user_item(&u);
    assert_non_null(item);
    assert_string_equal(tm_ddb_get_s(item, "PhoneNumber"), "+15555550123");
    assert_string_equal(tm_ddb_get_s(item, "LastLogin"),
                        "2026-11-26T08:00:00Z");

    user = tm_user_json(item);
    assert_non_null(user);
    tm_test_keys(user);
    assert_string_equal(tm_test_get(user, "phoneNumber"), "+15555550123");
    assert_string_equal(tm_test_get(user, "lastLogin"),
                        "2026-11-26T08:00:00Z");
    assert_true(json_is_false(json_object_get(user, "phoneVerified")));

    json_decref(user);

    /* verified once confirmed */
    json_object_set_new(item, "PhoneVerified",
                        json_pack("{s:b}", "BOOL", 1));
    user = tm_user_json(item);
    assert_true(json_is_true(json_object_get(user, "phoneVerified")));
    json_decref(user);

    /* preferences turned on in the item show in the JSON */
    json_object_set_new(item, "NotificationPreferences",
                        json_pack("{s:{s:{s:b}, s:{s:b}}}", "M",
                                  "email", "BOOL", 1, "sms", "BOOL", 0));
    user = tm_user_json(item);
    assert_non_null(user);
    prefs = json_object_get(user, "notificationPreferences");
    assert_true(json_is_true(json_object_get(prefs, "email")));
    assert_true(json_is_false(json_object_get(prefs, "sms")));
    json_decref(user);

    /* missing preferences are off; a missing attribute is null */
    json_object_del(item, "NotificationPreferences");
    json_object_del(item, "FirstName");
    user = tm_user_json(item);
    assert_non_null(user);
    tm_test_keys(user);
    prefs = json_object_get(user, "notificationPreferences");
    assert_true(json_is_false(json_object_get(prefs, "email")));
    assert_true(json_is_false(json_object_get(prefs, "sms")));
    assert_true(json_is_null(json_object_get(user, "firstName")));
    json_decref(user);

    json_decref(item);
}


static void
tm_test_not_user(void **state)
{
    json_t  *item;

    /* a task item of the user's partition */
    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}",
                     TM_PK, "S", "USER_" TM_TEST_SUB,
                     TM_SK, "S",
                         "TASK_3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b",
                     "Title", "S", "Write the report",
                     "Status", "S", "pending");
    assert_non_null(item);
    assert_null(tm_user_json(item));
    json_decref(item);

    /* another kind of partition */
    item = tm_user_item(&tm_test_user);
    json_object_set_new(item, TM_PK, tm_ddb_s("TASK_x"));
    json_object_set_new(item, TM_SK, tm_ddb_s("TASK_x"));
    assert_null(tm_user_json(item));
    json_decref(item);

    /* no partition key, or not a string */
    item = tm_user_item(&tm_test_user);
    json_object_del(item, TM_PK);
    assert_null(tm_user_json(item));
    json_object_set_new(item, TM_PK, tm_ddb_n(5));
    assert_null(tm_user_json(item));
    json_decref(item);

    item = json_object();
    assert_null(tm_user_json(item));
    json_decref(item);

    assert_null(tm_user_json(NULL));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_user_key),
        cmocka_unit_test(tm_test_user_item),
        cmocka_unit_test(tm_test_round_trip),
        cmocka_unit_test(tm_test_not_user),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
