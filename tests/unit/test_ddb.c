/*
 * DynamoDB's JSON wire format: attribute values, keys, error replies.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "tm_ddb.h"


/* the value as compact JSON with sorted keys, compared; reference taken */
static void
tm_test_json_is(json_t *value, const char *expect)
{
    char  *s;

    assert_non_null(value);
    s = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(s);
    assert_string_equal(s, expect);
    free(s);
    json_decref(value);
}


static void
tm_test_constructors(void **state)
{
    tm_test_json_is(tm_ddb_s("hello"), "{\"S\":\"hello\"}");
    tm_test_json_is(tm_ddb_s(""), "{\"S\":\"\"}");
    tm_test_json_is(tm_ddb_s("a\"b\xc3\xa9"), "{\"S\":\"a\\\"b\xc3\xa9\"}");

    tm_test_json_is(tm_ddb_n(0), "{\"N\":\"0\"}");
    tm_test_json_is(tm_ddb_n(42), "{\"N\":\"42\"}");
    tm_test_json_is(tm_ddb_n(-7), "{\"N\":\"-7\"}");
    tm_test_json_is(tm_ddb_n(LLONG_MAX), "{\"N\":\"9223372036854775807\"}");
    tm_test_json_is(tm_ddb_n(LLONG_MIN), "{\"N\":\"-9223372036854775808\"}");

    tm_test_json_is(tm_ddb_bool(1), "{\"BOOL\":true}");
    tm_test_json_is(tm_ddb_bool(0), "{\"BOOL\":false}");
    tm_test_json_is(tm_ddb_bool(5), "{\"BOOL\":true}");

    tm_test_json_is(tm_ddb_key("USER_a", "TASK_b"),
                    "{\"EntityPartition\":{\"S\":\"USER_a\"},"
                    "\"EntitySort\":{\"S\":\"TASK_b\"}}");

    /* not UTF-8: no value rather than a broken one */
    assert_null(tm_ddb_s("\xff"));
}


static json_t *
tm_test_item(void)
{
    json_t  *item;

    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s},"
                     " s:{s:i}, s:{s:s}, s:{s:s}, s:{s:b}, s:{s:b},"
                     " s:{s:s}, s:{s:{s:{s:b}}}, s:{s:[]}, s:{s:b},"
                     " s:s, s:{s:s, s:s}}",
                     "s", "S", "value",
                     "n", "N", "12",
                     "neg", "N", "-7",
                     "dec", "N", "3.5",
                     "big", "N", "9223372036854775807",
                     "num", "N", 12,
                     "bad_n", "N", "12x",
                     "empty_n", "N", "",
                     "t", "BOOL", 1,
                     "f", "BOOL", 0,
                     "bool_s", "BOOL", "true",
                     "m", "M", "email", "BOOL", 1,
                     "m_list", "M",
                     "null", "NULL", 1,
                     "raw", "plain",
                     "both", "S", "x", "N", "1");
    assert_non_null(item);

    return item;
}


static void
tm_test_get_s(void **state)
{
    json_t  *item;

    item = tm_test_item();

    assert_string_equal(tm_ddb_get_s(item, "s"), "value");
    assert_string_equal(tm_ddb_get_s(item, "both"), "x");

    assert_null(tm_ddb_get_s(item, "absent"));
    assert_null(tm_ddb_get_s(item, "n"));
    assert_null(tm_ddb_get_s(item, "t"));
    assert_null(tm_ddb_get_s(item, "m"));
    assert_null(tm_ddb_get_s(item, "null"));
    assert_null(tm_ddb_get_s(item, "raw"));
    assert_null(tm_ddb_get_s(NULL, "s"));

    json_decref(item);
}


static void
tm_test_get_n(void **state)
{
    json_t     *item;
    long long   n;

    item = tm_test_item();

    n = 0;
    assert_int_equal(tm_ddb_get_n(item, "n", &n), 0);
    assert_int_equal(n, 12);
    assert_int_equal(tm_ddb_get_n(item, "neg", &n), 0);
    assert_int_equal(n, -7);
    assert_int_equal(tm_ddb_get_n(item, "big", &n), 0);
    assert_true(n == LLONG_MAX);
    assert_int_equal(tm_ddb_get_n(item, "both", &n), 0);
    assert_int_equal(n, 1);

    /* a decimal gives its integer part */
    assert_int_equal(tm_ddb_get_n(item, "dec", &n), 0);
    assert_int_equal(n, 3);

    assert_int_equal(tm_ddb_get_n(item, "absent", &n), -1);
    assert_int_equal(tm_ddb_get_n(item, "s", &n), -1);
    assert_int_equal(tm_ddb_get_n(item, "t", &n), -1);
    assert_int_equal(tm_ddb_get_n(item, "num", &n), -1);
    assert_int_equal(tm_ddb_get_n(item, "bad_n", &n), -1);
    assert_int_equal(tm_ddb_get_n(item, "empty_n", &n), -1);
    assert_int_equal(tm_ddb_get_n(item, "raw", &n), -1);
    assert_int_equal(tm_ddb_get_n(NULL, "n", &n), -1);

    json_decref(item);
}


static void
tm_test_get_bool(void **state)
{
    json_t  *item;

    item = tm_test_item();

    assert_int_equal(tm_ddb_get_bool(item, "t", 0), 1);
    assert_int_equal(tm_ddb_get_bool(item, "f", 1), 0);

    /* the default when absent or of another type */
    assert_int_equal(tm_ddb_get_bool(item, "absent", 0), 0);
    assert_int_equal(tm_ddb_get_bool(item, "absent", 1), 1);
    assert_int_equal(tm_ddb_get_bool(item, "bool_s", 0), 0);
    assert_int_equal(tm_ddb_get_bool(item, "bool_s", 1), 1);
    assert_int_equal(tm_ddb_get_bool(item, "s", 1), 1);
    assert_int_equal(tm_ddb_get_bool(item, "n", 0), 0);
    assert_int_equal(tm_ddb_get_bool(item, "null", 0), 0);
    assert_int_equal(tm_ddb_get_bool(NULL, "t", 1), 1);

    json_decref(item);
}


static void
tm_test_get_m(void **state)
{
    json_t        *item;
    const json_t  *m;

    item = tm_test_item();

    m = tm_ddb_get_m(item, "m");
    assert_non_null(m);
    assert_true(m == json_object_get(json_object_get(item, "m"), "M"));
    assert_int_equal(tm_ddb_get_bool(m, "email", 0), 1);

    assert_null(tm_ddb_get_m(item, "absent"));
    assert_null(tm_ddb_get_m(item, "m_list"));
    assert_null(tm_ddb_get_m(item, "s"));
    assert_null(tm_ddb_get_m(item, "t"));
    assert_null(tm_ddb_get_m(item, "raw"));
    assert_null(tm_ddb_get_m(NULL, "m"));

    json_decref(item);
}


static void
tm_test_error(void **state)
{
    json_t  *reply;

    reply = json_pack("{s:s, s:s}",
                      "__type", "com.amazonaws.dynamodb.v20120810"
                                "#ConditionalCheckFailedException",
                      "message", "The conditional request failed");
    assert_string_equal(tm_ddb_error_type(reply),
                        "ConditionalCheckFailedException");
    assert_string_equal(tm_ddb_error_message(reply),
                        "The conditional request failed");
    json_decref(reply);

    /* "Message", as some services spell it */
    reply = json_pack("{s:s, s:s}",
                      "__type", "com.amazon.coral.validate"
                                "#ValidationException",
                      "Message", "1 validation error detected");
    assert_string_equal(tm_ddb_error_type(reply), "ValidationException");
    assert_string_equal(tm_ddb_error_message(reply),
                        "1 validation error detected");
    json_decref(reply);

    /* "message" first when both are there */
    reply = json_pack("{s:s, s:s, s:s}",
                      "__type", "ResourceNotFoundException",
                      "Message", "upper", "message", "lower");
    assert_string_equal(tm_ddb_error_type(reply),
                        "ResourceNotFoundException");
    assert_string_equal(tm_ddb_error_message(reply), "lower");
    json_decref(reply);

    /* several '#': the part after the last */
    reply = json_pack("{s:s}", "__type", "a#b#ThrottlingException");
    assert_string_equal(tm_ddb_error_type(reply), "ThrottlingException");
    assert_null(tm_ddb_error_message(reply));
    json_decref(reply);

    /* no error: a normal reply, a __type of another type */
    reply = json_pack("{s:{s:{s:s}}}", "Item", "Title", "S", "x");
    assert_null(tm_ddb_error_type(reply));
    assert_null(tm_ddb_error_message(reply));
    json_decref(reply);

    reply = json_pack("{s:i, s:i}", "__type", 400, "message", 1);
    assert_null(tm_ddb_error_type(reply));
    assert_null(tm_ddb_error_message(reply));
    json_decref(reply);

    reply = json_object();
    assert_null(tm_ddb_error_type(reply));
    json_decref(reply);

    assert_null(tm_ddb_error_type(NULL));
    assert_null(tm_ddb_error_message(NULL));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_constructors),
        cmocka_unit_test(tm_test_get_s),
        cmocka_unit_test(tm_test_get_n),
        cmocka_unit_test(tm_test_get_bool),
        cmocka_unit_test(tm_test_get_m),
        cmocka_unit_test(tm_test_error),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
