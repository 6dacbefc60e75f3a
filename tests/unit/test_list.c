/*
 * The list item, its name key and its API JSON (common/tm_list.c).
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
#include "tm_list.h"


#define TM_TEST_N(a)    (sizeof(a) / sizeof((a)[0]))
#define TM_TEST_ID      "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b"


static void
tm_test_list_ids(void **state)
{
    size_t  i;

    static const char  *good[] = { "inbox", TM_TEST_ID };
    static const char  *bad[] = {
        "", "Inbox", "INBOX", "inbox ", "inbo",
        "3F2B8C1E-9A4D-4E6F-8B7A-1C2D3E4F5A6B",
        "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6",
        "3f2b8c1e9a4d4e6f8b7a1c2d3e4f5a6b00", "../inbox", "LIST_inbox",
    };

    for (i = 0; i < TM_TEST_N(good); i++) {
        assert_null(tm_valid_list_id(good[i], strlen(good[i])));
    }

    for (i = 0; i < TM_TEST_N(bad); i++) {
        if (tm_valid_list_id(bad[i], strlen(bad[i])) == NULL) {
            fail_msg("\"%s\" accepted", bad[i]);
        }
    }
}


static void
tm_test_colors(void **state)
{
    size_t  i;

    static const char  *good[] = {
        "#6b7280", "#FFFFFF", "#000000", "#aBc123",
    };
    static const char  *bad[] = {
        "", "#", "6b7280", "#6b728", "#6b72800", "#6b728g", "red",
        " #6b7280", "#6b7280 ", "##6b728",
    };

    for (i = 0; i < TM_TEST_N(good); i++) {
        assert_null(tm_valid_color(good[i], strlen(good[i])));
    }

    for (i = 0; i < TM_TEST_N(bad); i++) {
        if (tm_valid_color(bad[i], strlen(bad[i])) == NULL) {
            fail_msg("\"%s\" accepted", bad[i]);
        }
    }
}


static void
tm_test_name_keys(void **state)
{
    char  a[TM_LIST_KEY_LEN], b[TM_LIST_KEY_LEN];

    /* one key whatever the case, in every script */
    assert_int_equal(tm_list_name_key("Home", a, sizeof(a)), 13);
    assert_string_equal(a, "LISTNAME_home");
    assert_true(tm_list_name_key("HOME", b, sizeof(b)) > 0);
    assert_string_equal(a, b);
    assert_true(tm_list_name_key("Stra\xc3\x9f" "e", a, sizeof(a)) > 0);
    assert_true(tm_list_name_key("STRASSE", b, sizeof(b)) > 0);
    assert_string_equal(a, b);
    assert_true(tm_list_name_key("\xce\x94\xce\xb9\xce\xba\xcf\x8c", a,
                                 sizeof(a)) > 0);
    assert_true(tm_list_name_key("\xce\xb4\xce\xb9\xce\xba\xcf\x8c", b,
                                 sizeof(b)) > 0);
    assert_string_equal(a, b);

    /* others differ */
    assert_true(tm_list_name_key("Home ", b, sizeof(b)) > 0);
    assert_string_not_equal("LISTNAME_home", b);

    /* too small a buffer */
    assert_int_equal(tm_list_name_key("Home", a, 10), -1);
    assert_int_equal(tm_list_name_key("Home", a, 13), -1);
}


static void
tm_test_item_json(void **state)
{
    json_t            *item, *v;
    tm_list_fields_t   f;

    f.name = "Home";
    f.color = NULL;
    f.position = TM_FIELD_NO_INT;

    item = tm_list_item(&f, "USER_abc", TM_TEST_ID, "LISTNAME_home", 7,
                        "2026-12-01T10:00:00.123Z");
    assert_non_null(item);
    assert_string_equal(tm_ddb_get_s(item, TM_SK), "LIST_" TM_TEST_ID);
    assert_string_equal(tm_ddb_get_s(item, "ListNameKey"), "LISTNAME_home");
    assert_string_equal(tm_list_id(item), TM_TEST_ID);

    v = tm_list_json(item, 3);
    assert_non_null(v);
    assert_int_equal(json_object_size(v), 8);
    assert_string_equal(json_string_value(json_object_get(v, "id")),
                        TM_TEST_ID);
    assert_string_equal(json_string_value(json_object_get(v, "name")), "Home");
    assert_string_equal(json_string_value(json_object_get(v, "color")),
                        TM_LIST_COLOR);
    assert_int_equal(json_integer_value(json_object_get(v, "position")), 7);
    assert_int_equal(json_integer_value(json_object_get(v, "taskCount")), 3);
    assert_string_equal(json_string_value(json_object_get(v, "createdAt")),
                        "2026-12-01T10:00:00Z");
    assert_int_equal(json_integer_value(json_object_get(v, "version")), 1);
    json_decref(v);
    json_decref(item);

    /* a colour and position given win */
    f.color = "#ff0000";
    f.position = 0;
    item = tm_list_item(&f, "USER_abc", "inbox", "LISTNAME_inbox", 7,
                        "2026-12-01T10:00:00.123Z");
    v = tm_list_json(item, 0);
    assert_string_equal(json_string_value(json_object_get(v, "id")), "inbox");
    assert_string_equal(json_string_value(json_object_get(v, "color")),
                        "#ff0000");
    assert_int_equal(json_integer_value(json_object_get(v, "position")), 0);
    json_decref(v);

    /* not a list: no JSON */
    json_object_set_new(item, TM_SK, tm_ddb_s("TASK_" TM_TEST_ID));
    assert_null(tm_list_id(item));
    assert_null(tm_list_json(item, 0));
    json_object_set_new(item, TM_SK, tm_ddb_s("LIST_inbox"));
    json_object_del(item, "Version");
    assert_null(tm_list_json(item, 0));
    json_object_set_new(item, "Version", tm_ddb_n(1));
    v = tm_list_json(item, 0);
    assert_non_null(v);
    json_decref(v);

    /* a stored time whose second is no Timestamp: nonsense, not
     * "createdAt": "2026-11-01T10:00.0:0Z" (tests/fuzz/ddb_item.c) */
    json_object_set_new(item, "CreatedAt",
                        tm_ddb_s("2026-11-01T10:00.0:0000Z"));
    assert_null(tm_list_json(item, 0));
    json_object_set_new(item, "CreatedAt", tm_ddb_s("2026-11-01T10:00:00Z"));
    json_object_set_new(item, "UpdatedAt", tm_ddb_s("abcdefghijklmnopqrsZ"));
    assert_null(tm_list_json(item, 0));
    json_decref(item);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_list_ids),
        cmocka_unit_test(tm_test_colors),
        cmocka_unit_test(tm_test_name_keys),
        cmocka_unit_test(tm_test_item_json),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
