/*
 * Task ids, the reminder and outbox keys, notification ids and the task's
 * API JSON.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <openssl/sha.h>

#include "tm_ddb.h"
#include "tm_ddb_item.h"
#include "tm_task.h"


#define TM_TEST_N(a)       (sizeof(a) / sizeof((a)[0]))
#define TM_TEST_UUIDS      1000
#define TM_TEST_TASK_ID    "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b"


/*
 * The task's API JSON as the module makes it: the item as DynamoDB's text,
 * read with tm_ddb_item, written by tm_task_write; NULL when not a task.
 * A buffer one byte short must be refused, never overrun.
 */
/* tm_task_write's result on the item */
static long
tm_test_task_write_rc(const json_t *item)
{
    char           *text, out[4096];
    long            n;
    tm_ddb_item_t   it;

    text = json_dumps(item, JSON_COMPACT);
    assert_non_null(text);
    assert_int_equal(tm_ddb_item_parse(text, strlen(text), &it), 0);
    n = tm_task_write(&it, out, sizeof(out));
    free(text);

    return n;
}


static json_t *
tm_test_task_json(const json_t *item)
{
    char           *text, *out;
    long            n;
    json_t         *task;
    tm_ddb_item_t   it;

    if (item == NULL) {
        return NULL;
    }

    text = json_dumps(item, JSON_COMPACT);
    assert_non_null(text);
    assert_int_equal(tm_ddb_item_parse(text, strlen(text), &it), 0);

    out = malloc(4096);
    assert_non_null(out);

    n = tm_task_write(&it, out, 4096);

    if (n == TM_WRITE_NOT_ITEM || n == TM_WRITE_BAD) {
        free(out);
        free(text);
        return NULL;
    }

    assert_true(n > 0);
    assert_int_equal(tm_task_write(&it, out, (size_t) n - 1), TM_WRITE_FULL);
    assert_int_equal(tm_task_write(&it, out, (size_t) n), n);

    task = json_loadb(out, (size_t) n, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(task);

    free(out);
    free(text);

    return task;
}


static int
tm_test_strcmp(const void *a, const void *b)
{
    return strcmp((const char *) a, (const char *) b);
}


static int
tm_test_lower_hex(const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }

    return 1;
}


static void
tm_test_uuid_v4(void **state)
{
    char    *all, *u;
    size_t   i;

    all = calloc(TM_TEST_UUIDS, TM_UUID_LEN + 1);
    assert_non_null(all);

    for (i = 0; i < TM_TEST_UUIDS; i++) {
        u = all + i * (TM_UUID_LEN + 1);

        assert_int_equal(tm_uuid_v4(u), 0);
        assert_int_equal(strlen(u), TM_UUID_LEN);

        /* xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lower-case */
        assert_int_equal(u[8], '-');
        assert_int_equal(u[13], '-');
        assert_int_equal(u[18], '-');
        assert_int_equal(u[23], '-');
        assert_true(tm_test_lower_hex(u, 8));
        assert_true(tm_test_lower_hex(u + 9, 4));
        assert_true(tm_test_lower_hex(u + 14, 4));
        assert_true(tm_test_lower_hex(u + 19, 4));
        assert_true(tm_test_lower_hex(u + 24, 12));
        assert_int_equal(u[14], '4');
        assert_non_null(strchr("89ab", u[19]));

        assert_true(tm_uuid_valid(u, strlen(u)));
    }

    /* no two alike */
    qsort(all, TM_TEST_UUIDS, TM_UUID_LEN + 1, tm_test_strcmp);

    for (i = 1; i < TM_TEST_UUIDS; i++) {
        if (strcmp(all + (i - 1) * (TM_UUID_LEN + 1),
                   all + i * (TM_UUID_LEN + 1)) == 0)
        {
            fail_msg("duplicate uuid %s", all + i * (TM_UUID_LEN + 1));
        }
    }

    free(all);
}


static void
tm_test_uuid_valid(void **state)
{
    size_t  i;

    static const char  *bad[] = {
        "3F2B8C1E-9A4D-4E6F-8B7A-1C2D3E4F5A6B",       /* upper-case */
        "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6B",
        "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6",        /* short */
        "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b0",      /* long */
        "3f2b8c1e9-a4d-4e6f-8b7a-1c2d3e4f5a6b",       /* misplaced hyphens */
        "3f2b8c1e-9a4d4-e6f-8b7a-1c2d3e4f5a6b",
        "3f2b8c1e-9a4d-4e6f8-b7a-1c2d3e4f5a6b",
        "3f2b8c1e-9a4d-4e6f-8b7a1-c2d3e4f5a6b",
        "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a-b",
        "3f2b8c1e09a4d04e6f08b7a01c2d3e4f5a6b",       /* no hyphens */
        "3f2b8c1e9a4d4e6f8b7a1c2d3e4f5a6b",
        "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6g",       /* not hex */
        "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6 ",
        "{f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6}",
        "",
    };

    assert_true(tm_uuid_valid(TM_TEST_TASK_ID, TM_UUID_LEN));
    assert_true(tm_uuid_valid("00000000-0000-4000-8000-000000000000",
                              TM_UUID_LEN));

    for (i = 0; i < TM_TEST_N(bad); i++) {
        if (tm_uuid_valid(bad[i], strlen(bad[i]))) {
            fail_msg("accepted \"%s\"", bad[i]);
        }
    }

    /* the length given, not the string's */
    assert_false(tm_uuid_valid(TM_TEST_TASK_ID, TM_UUID_LEN - 1));
    assert_false(tm_uuid_valid(TM_TEST_TASK_ID "0", TM_UUID_LEN + 1));
    assert_false(tm_uuid_valid(TM_TEST_TASK_ID, 0));
}


static void
tm_test_reminder_key(void **state)
{
    char           key[TM_REMINDER_KEY_SIZE], again[TM_REMINDER_KEY_SIZE];
    char           id[TM_UUID_LEN + 1], *end;
    size_t         i;
    unsigned long  shard;
    unsigned       seen;

    /* 2026-11-25T17:00:00Z and 03:15:00Z */
    static const long long  t1 = 1795626000LL, t2 = 1795576500LL;
    static const char       prefix[] = "2026-11-25#REMIND#";

    seen = 0;

    for (i = 0; i < 200; i++) {
        assert_int_equal(tm_uuid_v4(id), 0);

        tm_reminder_key(t1, id, 8, key, sizeof(key));

        assert_memory_equal(key, prefix, sizeof(prefix) - 1);
        end = NULL;
        shard = strtoul(key + sizeof(prefix) - 1, &end, 10);
        assert_true(end != key + sizeof(prefix) - 1);
        assert_int_equal(*end, '\0');
        assert_true(shard < 8);
        seen |= 1u << shard;

        /* stable for the same id, whatever the time of day */
        tm_reminder_key(t2, id, 8, again, sizeof(again));
        assert_string_equal(key, again);
    }

    /* 200 random ids spread over every one of 8 shards */
    assert_int_equal(seen, 0xff);

    /* one shard, or none configured, is shard 0 */
    tm_reminder_key(t1, TM_TEST_TASK_ID, 1, key, sizeof(key));
    assert_string_equal(key, "2026-11-25#REMIND#0");

    tm_reminder_key(t1, TM_TEST_TASK_ID, 0, key, sizeof(key));
    assert_string_equal(key, "2026-11-25#REMIND#0");

    /* FNV-1a, so the same across processes: "a" -> 0xe40c292c */
    tm_reminder_key(t1, "a", 1000, key, sizeof(key));
    assert_string_equal(key, "2026-11-25#REMIND#220");

    /* the largest shard count still fits */
    tm_reminder_key(t1, "a", 4294967295u, key, sizeof(key));
    assert_string_equal(key, "2026-11-25#REMIND#3826002220");
}


static void
tm_test_outbox_shard(void **state)
{
    char           out[32], again[32], id[TM_UUID_LEN + 1], *end;
    size_t         i;
    unsigned long  shard;

    for (i = 0; i < 100; i++) {
        assert_int_equal(tm_uuid_v4(id), 0);

        tm_outbox_shard(id, 4, out, sizeof(out));
        assert_memory_equal(out, "OUTBOX#", 7);
        shard = strtoul(out + 7, &end, 10);
        assert_true(end != out + 7);
        assert_int_equal(*end, '\0');
        assert_true(shard < 4);

        tm_outbox_shard(id, 4, again, sizeof(again));
        assert_string_equal(out, again);
    }

    /* FNV-1a offset basis 0x811c9dc5 for "", 0xbf9cf968 for "foobar" */
    tm_outbox_shard("", 16, out, sizeof(out));
    assert_string_equal(out, "OUTBOX#5");

    tm_outbox_shard("foobar", 1000, out, sizeof(out));
    assert_string_equal(out, "OUTBOX#720");

    tm_outbox_shard("foobar", 1, out, sizeof(out));
    assert_string_equal(out, "OUTBOX#0");

    tm_outbox_shard("foobar", 0, out, sizeof(out));
    assert_string_equal(out, "OUTBOX#0");

    /* and the same shard as the reminder key for the same id */
    tm_reminder_key(1795626000LL, "foobar", 1000, again, sizeof(again));
    assert_string_equal(again, "2026-11-25#REMIND#720");
}


static void
tm_test_notification_id(void **state)
{
    char           id[33], again[33], other[33], expect[33];
    size_t         i;
    unsigned char  md[SHA256_DIGEST_LENGTH];

    static const char  input[] = TM_TEST_TASK_ID "|task_completed|"
                                 "2026-11-25T17:00:00.123Z";

    memset(id, '*', sizeof(id));
    tm_notification_id(TM_TEST_TASK_ID, "task_completed",
                       "2026-11-25T17:00:00.123Z", id);
    assert_int_equal(strlen(id), 32);
    assert_true(tm_test_lower_hex(id, 32));

    /* deterministic */
    tm_notification_id(TM_TEST_TASK_ID, "task_completed",
                       "2026-11-25T17:00:00.123Z", again);
    assert_string_equal(id, again);

    /* the first half of SHA-256("<task>|<type>|<event>") */
    SHA256((const unsigned char *) input, sizeof(input) - 1, md);
    for (i = 0; i < 16; i++) {
        sprintf(expect + 2 * i, "%02x", md[i]);
    }
    assert_string_equal(id, expect);

    /* another task, type or event */
    tm_notification_id("4f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b",
                       "task_completed", "2026-11-25T17:00:00.123Z", other);
    assert_string_not_equal(id, other);

    tm_notification_id(TM_TEST_TASK_ID, "task_due",
                       "2026-11-25T17:00:00.123Z", other);
    assert_string_not_equal(id, other);

    tm_notification_id(TM_TEST_TASK_ID, "task_completed",
                       "2026-11-25T17:00:00.124Z", other);
    assert_string_not_equal(id, other);

    tm_notification_id(TM_TEST_TASK_ID, "task_completed", "", other);
    assert_string_not_equal(id, other);
    assert_int_equal(strlen(other), 32);
}


static void
tm_test_time_seconds(void **state)
{
    char    out[21];
    size_t  i;

    static const struct {
        const char  *in;
        const char  *out;
    } cases[] = {
        { "2026-11-25T17:00:00.123Z", "2026-11-25T17:00:00Z" },
        { "2026-11-25T17:00:00Z", "2026-11-25T17:00:00Z" },
        { "2026-11-25T17:00:00.123456789Z", "2026-11-25T17:00:00Z" },
        { "2026-11-25T17:00:00", "2026-11-25T17:00:00Z" },
        { "1999-12-31T23:59:59.999Z", "1999-12-31T23:59:59Z" },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        memset(out, '*', sizeof(out));
        tm_time_seconds(cases[i].in, out);
        assert_string_equal(out, cases[i].out);
    }
}


static json_t *
tm_test_full_item(void)
{
    json_t  *item;

    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s},"
                     " s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:b},"
                     " s:{s:s}, s:{s:s}}",
                     TM_PK, "S", "USER_abc",
                     TM_SK, "S", TM_TASK_PREFIX TM_TEST_TASK_ID,
                     "Title", "S", "Write the report",
                     "Description", "S", "Quarterly, with figures",
                     "Status", "S", "completed",
                     "DueDate", "S", "2026-11-30T09:00:00Z",
                     "CreatedAt", "S", "2026-11-20T08:30:00.456Z",
                     "TaskUpdatedAt", "S", "2026-11-25T17:00:00.123Z",
                     "TaskCompletedAt", "S", "2026-11-25T17:00:00.120Z",
                     "NotificationSent", "BOOL", 1,
                     "Version", "N", "3",
                     "TaskDueSort", "S", "2026-11-30T09:00:00Z");
    assert_non_null(item);

    json_object_set_new(item, "Priority", tm_ddb_n(2));
    json_object_set_new(item, "ListId",
                        tm_ddb_s("3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6c"));
    json_object_set_new(item, "Labels",
                        json_pack("{s:[{s:s}, {s:s}]}", "L", "S", "Work",
                                  "S", "Q\"4\""));
    json_object_set_new(item, "LabelKeys",
                        json_pack("{s:[{s:s}, {s:s}]}", "L", "S", "work",
                                  "S", "q\"4\""));
    json_object_set_new(item, "Reminders",
        json_pack("{s:[{s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}},"
                  " {s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}]}", "L",
                  "M", "Id", "S", "0123456789ab", "Before", "S", "PT1H",
                  "FireAt", "S", "2026-11-30T08:00:00Z", "State", "S", "sent",
                  "M", "Id", "S", "ba9876543210", "At", "S",
                  "2026-11-29T18:00:00Z", "FireAt", "S",
                  "2026-11-29T18:00:00Z", "State", "S", "cancelled"));
    json_object_set_new(item, "TaskRepeat",
                        json_pack("{s:{s:{s:s}, s:{s:s}}}", "M",
                                  "Rule", "S", "FREQ=WEEKLY;BYDAY=MO",
                                  "From", "S", "completion"));

    return item;
}


static void
tm_test_task_json_full(void **state)
{
    json_t      *item, *task;
    const char  *key;
    json_t      *value;

    static const char  *keys[] = {
        "id", "title", "description", "status", "dueDate", "createdAt",
        "updatedAt", "completedAt", "notificationSent", "version",
        "priority", "labels", "listId", "reminders", "repeat",
        "lastCompletedAt",
    };

    item = tm_test_full_item();
    task = tm_test_task_json(item);
    assert_non_null(task);

    /* exactly these keys */
    assert_int_equal(json_object_size(task), TM_TEST_N(keys));
    json_object_foreach(task, key, value) {
        size_t  i;

        for (i = 0; i < TM_TEST_N(keys); i++) {
            if (strcmp(key, keys[i]) == 0) {
                break;
            }
        }

        if (i == TM_TEST_N(keys)) {
            fail_msg("unexpected key \"%s\"", key);
        }
    }

    assert_string_equal(json_string_value(json_object_get(task, "id")),
                        TM_TEST_TASK_ID);
    assert_string_equal(json_string_value(json_object_get(task, "title")),
                        "Write the report");
    assert_string_equal(
        json_string_value(json_object_get(task, "description")),
        "Quarterly, with figures");
    assert_string_equal(json_string_value(json_object_get(task, "status")),
                        "completed");
    assert_string_equal(json_string_value(json_object_get(task, "dueDate")),
                        "2026-11-30T09:00:00Z");
    assert_string_equal(
        json_string_value(json_object_get(task, "createdAt")),
        "2026-11-20T08:30:00Z");
    assert_string_equal(
        json_string_value(json_object_get(task, "updatedAt")),
        "2026-11-25T17:00:00Z");
    assert_string_equal(
        json_string_value(json_object_get(task, "completedAt")),
        "2026-11-25T17:00:00Z");
    assert_true(json_is_true(json_object_get(task, "notificationSent")));
    assert_true(json_is_integer(json_object_get(task, "version")));
    assert_int_equal(json_integer_value(json_object_get(task, "version")), 3);
    assert_int_equal(json_integer_value(json_object_get(task, "priority")),
                     2);
    assert_string_equal(json_string_value(json_object_get(task, "listId")),
                        "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6c");

    value = json_object_get(task, "reminders");
    assert_int_equal(json_array_size(value), 2);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(value, 0), "before")), "PT1H");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(value, 0), "state")), "sent");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(value, 1), "at")),
                        "2026-11-29T18:00:00Z");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(value, 1), "id")), "ba9876543210");
    assert_null(json_object_get(json_array_get(value, 1), "before"));
    value = json_object_get(task, "repeat");
    assert_string_equal(json_string_value(json_object_get(value, "rule")),
                        "FREQ=WEEKLY;BYDAY=MO");
    assert_string_equal(json_string_value(json_object_get(value, "from")),
                        "completion");
    assert_true(json_is_null(json_object_get(task, "lastCompletedAt")));

    /* as first written, in order */
    value = json_object_get(task, "labels");
    assert_int_equal(json_array_size(value), 2);
    assert_string_equal(json_string_value(json_array_get(value, 0)), "Work");
    assert_string_equal(json_string_value(json_array_get(value, 1)),
                        "Q\"4\"");

    json_decref(task);
    json_decref(item);
}


static void
tm_test_task_json_minimal(void **state)
{
    json_t  *item, *task;

    /* no Description, DueDate, TaskCompletedAt, NotificationSent, Version */
    item = tm_test_full_item();
    json_object_del(item, "Description");
    json_object_del(item, "DueDate");
    json_object_del(item, "TaskCompletedAt");
    json_object_del(item, "NotificationSent");
    json_object_del(item, "Version");
    json_object_del(item, "TaskDueSort");
    json_object_del(item, "Priority");
    json_object_del(item, "Labels");
    json_object_del(item, "LabelKeys");
    json_object_del(item, "ListId");
    json_object_del(item, "Reminders");
    json_object_del(item, "TaskRepeat");
    json_object_set_new(item, "Status", tm_ddb_s("pending"));

    task = tm_test_task_json(item);
    assert_non_null(task);

    /* items written before priority, labels, lists and reminders: 4, [],
     * inbox, [], null */
    assert_int_equal(json_object_size(task), 16);
    assert_int_equal(json_array_size(json_object_get(task, "reminders")), 0);
    assert_true(json_is_null(json_object_get(task, "repeat")));
    assert_string_equal(json_string_value(json_object_get(task, "listId")),
                        "inbox");
    assert_int_equal(json_integer_value(json_object_get(task, "priority")),
                     4);
    assert_int_equal(json_array_size(json_object_get(task, "labels")), 0);
    assert_string_equal(
        json_string_value(json_object_get(task, "description")), "");
    assert_string_equal(json_string_value(json_object_get(task, "status")),
                        "pending");
    assert_true(json_is_null(json_object_get(task, "dueDate")));
    assert_true(json_is_null(json_object_get(task, "completedAt")));
    assert_true(json_is_false(json_object_get(task, "notificationSent")));
    assert_int_equal(json_integer_value(json_object_get(task, "version")), 1);
    assert_string_equal(
        json_string_value(json_object_get(task, "createdAt")),
        "2026-11-20T08:30:00Z");

    json_decref(task);

    /* a wrongly typed value is as none */
    json_object_set_new(item, "DueDate", tm_ddb_n(20261130));
    json_object_set_new(item, "NotificationSent", tm_ddb_s("true"));
    json_object_set_new(item, "Version", tm_ddb_s("3"));

    task = tm_test_task_json(item);
    assert_non_null(task);
    assert_true(json_is_null(json_object_get(task, "dueDate")));
    assert_true(json_is_false(json_object_get(task, "notificationSent")));
    assert_int_equal(json_integer_value(json_object_get(task, "version")), 1);
    json_decref(task);

    /* a time that is none: the backend's nonsense, not written (502) */
    {
        size_t       i;
        const char  *bad[] = {
            "2026-11-25", "2026-11-25 10:00:00Z", "abcdefghijklmnopqrstZ",
            "2026-11-2\u00e9T10:00:00Z", "2026-11-25T10:00:0\u00e9Z",
        };

        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            json_object_set_new(item, "TaskCompletedAt",
                                json_pack("{s:s}", "S", bad[i]));
            if (tm_test_task_write_rc(item) != TM_WRITE_BAD) {
                fail_msg("TaskCompletedAt \"%s\" written", bad[i]);
            }
        }
    }

    json_decref(item);
}


static void
tm_test_task_json_escapes(void **state)
{
    json_t      *item, *task;
    const char  *title;

    /* quotes, backslash, control characters, non-ASCII and an astral
     * character come back exactly as stored */
    title = "say \"hi\" \\ tab\there\nnext \x01 caf\xc3\xa9 "
            "\xf0\x9f\x93\x85 </script>";

    item = tm_test_full_item();
    json_object_set_new(item, "Title", tm_ddb_s(title));
    json_object_set_new(item, "Description", tm_ddb_s("\\u0041 is not A"));

    task = tm_test_task_json(item);
    assert_non_null(task);
    assert_string_equal(json_string_value(json_object_get(task, "title")),
                        title);
    assert_string_equal(
        json_string_value(json_object_get(task, "description")),
        "\\u0041 is not A");

    json_decref(task);
    json_decref(item);
}


static void
tm_test_task_json_not_task(void **state)
{
    json_t  *item, *user;

    /* the user item of the same partition */
    user = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}",
                     TM_PK, "S", "USER_abc",
                     TM_SK, "S", "USER_abc",
                     "Email", "S", "a@example.com",
                     "CreatedAt", "S", "2026-11-20T08:30:00Z");
    assert_non_null(user);
    assert_null(tm_test_task_json(user));

    /* ... even with a title and a status */
    json_object_set_new(user, "Title", tm_ddb_s("x"));
    json_object_set_new(user, "Status", tm_ddb_s("pending"));
    assert_null(tm_test_task_json(user));
    json_decref(user);

    /* a notification item */
    item = tm_test_full_item();
    json_object_set_new(item, TM_SK, tm_ddb_s(TM_NOTIF_PREFIX "abc"));
    assert_null(tm_test_task_json(item));
    json_decref(item);

    /* no sort key, or not a string */
    item = tm_test_full_item();
    json_object_del(item, TM_SK);
    assert_null(tm_test_task_json(item));
    json_object_set_new(item, TM_SK, tm_ddb_n(1));
    assert_null(tm_test_task_json(item));
    json_decref(item);

    /* no title, no status */
    item = tm_test_full_item();
    json_object_del(item, "Title");
    assert_null(tm_test_task_json(item));
    json_decref(item);

    item = tm_test_full_item();
    json_object_del(item, "Status");
    assert_null(tm_test_task_json(item));
    json_decref(item);

    item = json_object();
    assert_null(tm_test_task_json(item));
    json_decref(item);

    assert_null(tm_test_task_json(NULL));
}


static void
tm_test_priority_sort(void **state)
{
    json_t            *v, *item;
    tm_task_fields_t   f;

    v = tm_task_priority_sort(1, "2026-12-01T10:00:00Z",
                              "2026-11-30T08:00:00.123Z");
    assert_string_equal(json_string_value(json_object_get(v, "S")),
                        "1#2026-12-01T10:00:00Z#2026-11-30T08:00:00.123Z");
    json_decref(v);

    /* undated after every date, "" as NULL */
    v = tm_task_priority_sort(4, "", "2026-11-30T08:00:00.123Z");
    assert_string_equal(json_string_value(json_object_get(v, "S")),
                        "4#~#2026-11-30T08:00:00.123Z");
    json_decref(v);

    /* a new task: priority 4 unless given */
    memset(&f, 0, sizeof(f));
    f.title = "t";
    f.priority = TM_FIELD_NO_INT;
    f.labels.n = -1;
    item = tm_task_item(&f, "USER_a", TM_TEST_TASK_ID,
                        "2026-11-30T08:00:00.123Z", 8);
    assert_non_null(item);
    assert_string_equal(tm_ddb_get_s(item, "TaskPrioritySort"),
                        "4#~#2026-11-30T08:00:00.123Z");
    json_decref(item);

    f.priority = 2;
    f.due = "2026-12-01T10:00:00Z";
    item = tm_task_item(&f, "USER_a", TM_TEST_TASK_ID,
                        "2026-11-30T08:00:00.123Z", 8);
    assert_string_equal(tm_ddb_get_s(item, "TaskPrioritySort"),
                        "2#2026-12-01T10:00:00Z#2026-11-30T08:00:00.123Z");
    json_decref(item);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_uuid_v4),
        cmocka_unit_test(tm_test_uuid_valid),
        cmocka_unit_test(tm_test_reminder_key),
        cmocka_unit_test(tm_test_outbox_shard),
        cmocka_unit_test(tm_test_notification_id),
        cmocka_unit_test(tm_test_time_seconds),
        cmocka_unit_test(tm_test_task_json_full),
        cmocka_unit_test(tm_test_task_json_minimal),
        cmocka_unit_test(tm_test_task_json_escapes),
        cmocka_unit_test(tm_test_task_json_not_task),
        cmocka_unit_test(tm_test_priority_sort),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
