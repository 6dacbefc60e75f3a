/*
 * Tasks as CSV rows: the columns, RFC 4180 quoting, a buffer too small.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "tm_csv.h"


static json_t *
tm_test_task(void)
{
    return json_pack("{s:s, s:s, s:n, s:s, s:i, s:s, s:s, s:[s, s],"
                     " s:[{s:s}, {s:s}], s:{s:s, s:s}, s:s, s:s, s:n,"
                     " s:n}",
                     "id", "6f1c1e8a-1b2c-4d3e-8f90-0a1b2c3d4e5f",
                     "title", "Pay rent", "description",
                     "status", "pending", "priority", 2,
                     "dueDate", "2026-12-01T09:00:00Z", "listId", "inbox",
                     "labels", "home", "money",
                     "reminders", "before", "PT15M",
                     "at", "2026-11-30T18:00:00Z",
                     "repeat", "rule", "FREQ=MONTHLY", "from", "due",
                     "createdAt", "2026-11-25T17:00:00Z",
                     "updatedAt", "2026-11-26T08:00:00Z",
                     "completedAt", "lastCompletedAt");
}


static void
tm_test_row(void **state)
{
    char     out[1024];
    long     n;
    json_t  *task;

    task = tm_test_task();
    n = tm_csv_task_row(task, out, sizeof(out));

    assert_string_equal(out,
        "6f1c1e8a-1b2c-4d3e-8f90-0a1b2c3d4e5f,Pay rent,,pending,2,"
        "2026-12-01T09:00:00Z,inbox,\"home, money\","
        "\"PT15M, 2026-11-30T18:00:00Z\",FREQ=MONTHLY,due,"
        "2026-11-25T17:00:00Z,2026-11-26T08:00:00Z,,\r\n");
    assert_int_equal(n, (long) strlen(out));

    /* as many fields as the header has */
    assert_int_equal(strchr(tm_csv_task_header, '\r') != NULL, 1);

    json_decref(task);
}


static void
tm_test_quoting(void **state)
{
    char     out[1024];
    json_t  *task;

    task = tm_test_task();
    json_object_set_new(task, "title", json_string("a, \"b\"\r\nc"));
    json_object_set_new(task, "description", json_string("caf\xc3\xa9"));
    json_object_set_new(task, "labels", json_array());
    json_object_set_new(task, "reminders", json_array());
    json_object_set_new(task, "repeat", json_null());

    assert_true(tm_csv_task_row(task, out, sizeof(out)) > 0);
    assert_non_null(strstr(out, ",\"a, \"\"b\"\"\r\nc\",caf\xc3\xa9,"));
    assert_non_null(strstr(out, ",inbox,,,,,2026-11-25T17:00:00Z,"));

    json_decref(task);
}


static void
tm_test_small(void **state)
{
    char     out[1024];
    long     n;
    json_t  *task;

    task = tm_test_task();
    n = tm_csv_task_row(task, out, sizeof(out));

    assert_int_equal(tm_csv_task_row(task, out, (size_t) n), -1);
    assert_int_equal(tm_csv_task_row(task, out, (size_t) n + 1), n);
    assert_int_equal(tm_csv_task_row(task, out, 0), -1);

    json_decref(task);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_row),
        cmocka_unit_test(tm_test_quoting),
        cmocka_unit_test(tm_test_small),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
