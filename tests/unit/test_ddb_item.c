/*
 * DynamoDB items and Query replies read from text (tm_ddb_item), and the
 * notification's API JSON written from them.
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

#include "tm_ddb.h"
#include "tm_ddb_item.h"
#include "tm_jout.h"
#include "tm_notification.h"
#include "tm_validate.h"


static void
tm_test_reply(void **state)
{
    size_t           n;
    tm_jscan_t       s;
    tm_ddb_item_t    item;
    tm_ddb_reply_t   reply;
    char             buf[64];
    const char      *text;

    text = "{\"Count\":2,\"Items\":["
           "{\"EntitySort\":{\"S\":\"TASK_a\"},\"Version\":{\"N\":\"7\"},"
           "\"Done\":{\"BOOL\":true},\"Gone\":{\"NULL\":true},"
           "\"Tags\":{\"L\":[{\"S\":\"x\"}]},\"Box\":{\"M\":{}}},"
           "{\"EntitySort\":{\"S\":\"TASK_b\"}}],"
           "\"ScannedCount\":2,"
           "\"LastEvaluatedKey\":{\"EntitySort\":{\"S\":\"TASK_b\"}}}";

    assert_int_equal(tm_ddb_reply_read(text, strlen(text), &reply), 0);
    assert_int_equal(reply.count, 2);
    assert_int_equal(reply.last_key.len,
                     strlen("{\"EntitySort\":{\"S\":\"TASK_b\"}}"));

    tm_jscan_init(&s, reply.items.data, reply.items.len);
    assert_int_equal(tm_jscan_array(&s), 0);

    n = 0;
    while (tm_jscan_element(&s) == 1) {
        assert_int_equal(tm_ddb_item_read(&s, &item), 0);
        n++;

        if (n == 1) {
            long long  v;

            assert_int_equal(item.n, 6);
            assert_int_equal(tm_ddb_item_s(&item, "EntitySort", buf,
                                           sizeof(buf)), 6);
            assert_string_equal(buf, "TASK_a");
            assert_int_equal(tm_ddb_item_n(&item, "Version", &v), 0);
            assert_int_equal(v, 7);
            assert_int_equal(tm_ddb_item_bool(&item, "Done", 0), 1);
            assert_int_equal(tm_ddb_item_bool(&item, "Absent", 1), 1);

            /* of another type than asked: absent */
            assert_null(tm_ddb_item_get(&item, "Version", 'S'));
            assert_int_equal(tm_ddb_item_n(&item, "EntitySort", &v), -1);
            assert_null(tm_ddb_item_get(&item, "Gone", 'S'));
            assert_null(tm_ddb_item_get(&item, "Tags", 'S'));
        }
    }

    assert_int_equal(n, 2);
    assert_int_equal(tm_jscan_end(&s), 0);

    /* no LastEvaluatedKey: the last page */
    text = "{\"Items\":[],\"Count\":0}";
    assert_int_equal(tm_ddb_reply_read(text, strlen(text), &reply), 0);
    assert_int_equal(reply.last_key.len, 0);
    assert_int_equal(reply.items.len, 2);
}


static void
tm_test_reply_malformed(void **state)
{
    size_t  i;

    static const char  *bad[] = {
        "", "[]", "{\"Items\":{}}", "{\"Items\":[]", "{\"Items\":[]}x",
        "{\"LastEvaluatedKey\":[]}", "{\"Count\":\"2\"}",
        "{\"Count\":-1}", "{\"Items\":[1,]}",
        "{\"Count\":12345678}", "{\"Count\":99999999999999999999}",
        "{\"Items\":[],\"Items\":[]}",
        "{\"Items\":[{\"T\":{\"S\":\"a\\u0000b\"}}]}",
        "{\"Items\":[{\"T\":{\"S\":\"\\ud800\"}}]}",
        "{\"Items\":[{\"T\":{\"S\":\"\\udc00x\"}}]}",
    };

    tm_ddb_reply_t  reply;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (tm_ddb_reply_read(bad[i], strlen(bad[i]), &reply) == 0) {
            fail_msg("accepted <%s>", bad[i]);
        }
    }
}


/* a GetItem's Item and an UpdateItem's Attributes, read from the reply */
static void
tm_test_reply_item(void **state)
{
    size_t            i;
    const char       *text;
    tm_ddb_item_t     item;
    const tm_jstr_t  *v;

    static const char  *bad[] = {
        "", "[]", "{\"Item\":[]}", "{\"Item\":{\"A\":\"x\"}}",
        "{\"Item\":{}", "{\"Item\":{}}x", "{\"Item\":{},\"Item\":{}}",
        "{\"ConsumedCapacity\":}", "{\"Item\":{\"T\":{\"S\":\"\\ud800\"}}}",
    };

    text = "{\"ConsumedCapacity\":{\"TableName\":\"T\"},"
           "\"Item\":{\"Title\":{\"S\":\"a \\\"b\\\"\"},"
           "\"Version\":{\"N\":\"3\"}}}";
    assert_int_equal(tm_ddb_reply_item(text, strlen(text), "Item", &item), 1);
    assert_int_equal(item.n, 2);
    v = tm_ddb_item_get(&item, "Title", 'S');
    assert_non_null(v);
    assert_true(tm_jstr_eq(v, "a \"b\""));
    assert_int_equal(item.text.len, strlen(strstr(text, "\"Item\":")) - 8);

    /* absent, and another member asked for */
    assert_int_equal(tm_ddb_reply_item("{}", 2, "Item", &item), 0);
    assert_int_equal(tm_ddb_reply_item(text, strlen(text), "Attributes",
                                       &item), 0);

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (tm_ddb_reply_item(bad[i], strlen(bad[i]), "Item", &item) != -1) {
            fail_msg("accepted <%s>", bad[i]);
        }
    }
}


static void
tm_test_item_malformed(void **state)
{
    size_t         i;
    tm_ddb_item_t  item;

    static const char  *bad[] = {
        "[]", "{\"A\":\"x\"}", "{\"A\":{}}", "{\"A\":{\"S\":\"x\",\"N\":\"1\"}}",
        "{\"A\":{\"S\":1}}", "{\"A\":{\"N\":true}}", "{\"A\":{\"BOOL\":\"t\"}}",
        "{\"A\":{\"S\":\"x\"}", "{\"A\":{\"S\":\"x\"}} {}",
    };

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (tm_ddb_item_parse(bad[i], strlen(bad[i]), &item) == 0) {
            fail_msg("accepted <%s>", bad[i]);
        }
    }
}


/* the types compared as written, escaped ones unescaped; names found by
 * length, first byte and the rest */
static void
tm_test_item_types(void **state)
{
    const char        *text;
    tm_ddb_item_t      item;
    const tm_jstr_t   *v;

    text = "{\"Ab\":{\"S\":\"x\"},\"Ac\":{\"N\":\"2\"},\"Bc\":{\"BOOL\":true},"
           "\"L1\":{\"L\":[]},\"L2\":{\"\\u004c\":[1]},"
           "\"B2\":{\"\\u0042OOL\":false},\"M\":{\"M\":{}},"
           "\"\":{\"S\":\"e\"},\"SS\":{\"SS\":[\"a\"]},"
           "\"Long\":{\"BOOLEAN\":true}}";

    assert_int_equal(tm_ddb_item_parse(text, strlen(text), &item), 0);
    assert_int_equal(item.n, 10);

    v = tm_ddb_item_get(&item, "Ab", 'S');
    assert_non_null(v);
    assert_int_equal(v->len, 1);
    assert_null(tm_ddb_item_get(&item, "Ab", 'N'));
    assert_non_null(tm_ddb_item_get(&item, "Ac", 'N'));
    assert_null(tm_ddb_item_get(&item, "Bb", 'S'));
    assert_null(tm_ddb_item_get(&item, "A", 'S'));

    assert_true(tm_ddb_item_bool(&item, "Bc", 0));
    assert_false(tm_ddb_item_bool(&item, "B2", 1));
    assert_non_null(tm_ddb_item_get(&item, "L1", 'L'));
    assert_non_null(tm_ddb_item_get(&item, "L2", 'L'));

    /* other types: kept, as none of ours */
    assert_non_null(tm_ddb_item_get(&item, "M", 0));
    assert_non_null(tm_ddb_item_get(&item, "SS", 0));
    assert_non_null(tm_ddb_item_get(&item, "Long", 0));

    v = tm_ddb_item_get(&item, "", 'S');
    assert_non_null(v);
    assert_memory_equal(v->data, "e", 1);
}


static void
tm_test_item_many_attrs(void **state)
{
    char           text[8192], *p;
    size_t         i;
    tm_ddb_item_t  item;

    /* more attributes than kept: read, the first ones kept */
    p = text;
    p += sprintf(p, "{");

    for (i = 0; i < 2 * TM_DDB_ITEM_ATTRS; i++) {
        p += sprintf(p, "%s\"A%zu\":{\"S\":\"v%zu\"}", i ? "," : "", i, i);
    }

    sprintf(p, "}");

    assert_int_equal(tm_ddb_item_parse(text, strlen(text), &item), 0);
    assert_int_equal(item.n, TM_DDB_ITEM_ATTRS);
    assert_non_null(tm_ddb_item_get(&item, "A0", 'S'));
    assert_null(tm_ddb_item_get(&item, "A79", 'S'));
}


static void
tm_test_item_key(void **state)
{
    char           *s;
    json_t         *key;
    tm_ddb_item_t   item;
    const char     *text;

    static const char  *names[] = { TM_PK, TM_SK, "TaskUpdatedAt", NULL };
    static const char  *missing[] = { TM_PK, "Nope", NULL };

    text = "{\"EntityPartition\":{\"S\":\"USER_\\u00e9\"},"
           "\"EntitySort\":{\"S\":\"TASK_1\"},"
           "\"TaskUpdatedAt\":{\"S\":\"2026-11-25T17:00:00.123Z\"},"
           "\"Title\":{\"S\":\"not in the key\"}}";

    assert_int_equal(tm_ddb_item_parse(text, strlen(text), &item), 0);

    key = tm_ddb_item_key(&item, names);
    assert_non_null(key);
    s = json_dumps(key, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(s, "{\"EntityPartition\":{\"S\":\"USER_\xc3\xa9\"},"
                           "\"EntitySort\":{\"S\":\"TASK_1\"},"
                           "\"TaskUpdatedAt\":{\"S\":"
                           "\"2026-11-25T17:00:00.123Z\"}}");
    free(s);
    json_decref(key);

    assert_null(tm_ddb_item_key(&item, missing));
}


/* tm_notification_write of the item obj into out */
static long
tm_test_notification_write_rc(const json_t *obj, long long now, char *out,
    size_t size)
{
    char           *text;
    long            n;
    tm_ddb_item_t   item;

    text = json_dumps(obj, JSON_COMPACT);
    assert_non_null(text);
    assert_int_equal(tm_ddb_item_parse(text, strlen(text), &item), 0);

    n = tm_notification_write(&item, now, out, size);
    free(text);

    return n;
}


/* the notification's API JSON as the module writes it, NULL if refused */
static json_t *
tm_test_notification_json(const json_t *obj, long long now)
{
    char     out[2048];
    long     n;
    json_t  *v;

    n = tm_test_notification_write_rc(obj, now, out, sizeof(out));

    if (n == TM_WRITE_NOT_ITEM) {
        return NULL;
    }

    assert_true(n > 0);
    assert_int_equal(tm_test_notification_write_rc(obj, now, out,
                                                   (size_t) n - 1),
                     TM_WRITE_FULL);

    v = json_loadb(out, (size_t) n, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(v);

    return v;
}


static const char *
tm_test_attr(const json_t *item, const char *name, const char *type)
{
    return json_string_value(json_object_get(json_object_get(item, name),
                                             type));
}


static void
tm_test_notification_item(void **state)
{
    char                sk[64];
    json_t             *a, *b, *c;
    tm_notification_t   n;

    memset(&n, 0, sizeof(n));
    n.pk = "USER_abc";
    n.type = "task_due";
    n.task_id = "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b";
    n.task_title = "Pay rent";
    n.event = "2026-11-30T17:00:00Z#0123456789ab";
    n.timestamp = "2026-11-30T17:00:00.250Z";
    n.expiry = 1800000000;
    n.email = 1;
    n.shards = 8;
    n.due = "2026-12-01T17:00:00Z";
    n.reminder_id = "0123456789ab";
    n.fire_at = "2026-11-30T17:00:00Z";

    a = tm_notification_item(&n);
    assert_non_null(a);

    assert_string_equal(tm_test_attr(a, "EntityPartition", "S"),
                        "USER_abc");
    assert_int_equal(strlen(tm_test_attr(a, "EntitySort", "S")),
                     sizeof("NOTIF_") - 1 + TM_NOTIF_ID_LEN);
    assert_memory_equal(tm_test_attr(a, "EntitySort", "S"), "NOTIF_", 6);
    assert_true(tm_notification_id_valid(tm_test_attr(a, "EntitySort", "S")
                                         + 6, TM_NOTIF_ID_LEN));
    assert_string_equal(tm_test_attr(a, "Type", "S"), "task_due");
    assert_string_equal(tm_test_attr(a, "TaskId", "S"), n.task_id);
    assert_string_equal(tm_test_attr(a, "TaskTitle", "S"), "Pay rent");
    assert_string_equal(tm_test_attr(a, "Message", "S"),
                        "Task \"Pay rent\" is due tomorrow at 5:00 PM (UTC)");
    assert_string_equal(tm_test_attr(a, "NotificationTimestamp", "S"),
                        n.timestamp);
    assert_true(json_is_false(json_object_get(json_object_get(a,
                                              "Notif_isRead"), "BOOL")));
    assert_string_equal(tm_test_attr(a, "NotificationExpiry", "N"),
                        "1800000000");
    assert_string_equal(tm_test_attr(a, "TaskDueDate", "S"), n.due);
    assert_string_equal(tm_test_attr(a, "ReminderId", "S"), "0123456789ab");
    assert_string_equal(tm_test_attr(a, "ReminderFireAt", "S"), n.fire_at);
    assert_null(json_object_get(a, "ReminderLate"));

    /* email owed, SMS not: the outbox marker at the event's timestamp */
    assert_string_equal(tm_test_attr(a, "DeliveryEmail", "S"), "pending");
    assert_null(json_object_get(a, "DeliverySms"));
    assert_non_null(tm_test_attr(a, "OutboxShard", "S"));
    assert_string_equal(tm_test_attr(a, "OutboxAt", "S"), n.timestamp);

    /* the id is the task, type and event's: written twice, one item */
    b = tm_notification_item(&n);
    assert_non_null(b);
    assert_string_equal(tm_test_attr(a, "EntitySort", "S"),
                        tm_test_attr(b, "EntitySort", "S"));
    snprintf(sk, sizeof(sk), "%s", tm_test_attr(a, "EntitySort", "S"));
    json_decref(b);

    /* the message in the owner's zone; 23:59 there is a day only */
    n.zone = "Europe/Berlin";
    b = tm_notification_item(&n);
    assert_string_equal(tm_test_attr(b, "Message", "S"),
                        "Task \"Pay rent\" is due tomorrow at 6:00 PM"
                        " (Europe/Berlin)");
    assert_string_equal(tm_test_attr(b, "EntitySort", "S"), sk);
    json_decref(b);

    n.due = "2026-12-04T22:59:00Z";
    b = tm_notification_item(&n);
    assert_string_equal(tm_test_attr(b, "Message", "S"),
                        "Task \"Pay rent\" is due on Friday, 4 December");
    json_decref(b);

    /* late: when it was set for, in the owner's zone */
    n.late = 1;
    b = tm_notification_item(&n);
    assert_string_equal(tm_test_attr(b, "Message", "S"),
                        "Task \"Pay rent\" is due on Friday, 4 December."
                        " Late reminder, set for Monday, 30 November 2026"
                        " at 6:00 PM (Europe/Berlin)");
    assert_true(json_is_true(json_object_get(json_object_get(b,
                                             "ReminderLate"), "BOOL")));
    json_decref(b);
    n.late = 0;
    n.zone = NULL;

    /* no due date: a reminder of the task alone; held by quiet hours:
     * OutboxAt when they end */
    n.due = NULL;
    n.outbox_at = "2026-12-01T06:00:00.000Z";
    b = tm_notification_item(&n);
    assert_string_equal(tm_test_attr(b, "Message", "S"),
                        "Reminder: task \"Pay rent\"");
    assert_null(json_object_get(b, "TaskDueDate"));
    assert_string_equal(tm_test_attr(b, "OutboxAt", "S"), n.outbox_at);
    json_decref(b);
    n.outbox_at = NULL;
    n.due = "2026-12-01T17:00:00Z";

    /* another event, type or task: another id */
    n.event = "2026-11-30T17:00:00Z#0123456789ac";
    b = tm_notification_item(&n);
    assert_string_not_equal(tm_test_attr(b, "EntitySort", "S"), sk);
    json_decref(b);

    n.event = "2026-11-30T17:00:00Z#0123456789ab";
    n.task_id = "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6c";
    b = tm_notification_item(&n);
    assert_string_not_equal(tm_test_attr(b, "EntitySort", "S"), sk);
    json_decref(b);

    /* a completion, SMS only; nothing owed: no outbox marker; no
     * reminder's attributes */
    n.task_id = "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b";
    n.type = "task_completed";
    n.email = 0;
    n.sms = 1;
    c = tm_notification_item(&n);
    assert_non_null(c);
    assert_string_not_equal(tm_test_attr(c, "EntitySort", "S"), sk);
    assert_string_equal(tm_test_attr(c, "Message", "S"),
                        "Task \"Pay rent\" was completed");
    assert_null(json_object_get(c, "DeliveryEmail"));
    assert_string_equal(tm_test_attr(c, "DeliverySms", "S"), "pending");
    assert_non_null(json_object_get(c, "OutboxShard"));
    assert_null(json_object_get(c, "ReminderId"));
    assert_null(json_object_get(c, "TaskDueDate"));
    json_decref(c);

    n.sms = 0;
    c = tm_notification_item(&n);
    assert_null(json_object_get(c, "DeliveryEmail"));
    assert_null(json_object_get(c, "DeliverySms"));
    assert_null(json_object_get(c, "OutboxShard"));
    assert_null(json_object_get(c, "OutboxAt"));
    json_decref(c);

    json_decref(a);
}


static void
tm_test_notification_write(void **state)
{
    char                out[2048];
    json_t             *item, *v;
    tm_notification_t   n;

    memset(&n, 0, sizeof(n));
    n.pk = "USER_abc";
    n.type = "task_completed";
    n.task_id = "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b";
    n.task_title = "Say \"done\"";
    n.event = "2026-11-25T17:00:00.123Z";
    n.timestamp = "2026-11-25T17:00:00.123Z";
    n.expiry = 1800000000;
    n.shards = 4;

    item = tm_notification_item(&n);
    assert_non_null(item);

    v = tm_test_notification_json(item, 1790000000);
    assert_non_null(v);
    assert_int_equal(json_object_size(v), 10);
    assert_true(json_is_null(json_object_get(v, "reminderId")));
    assert_true(json_is_null(json_object_get(v, "dueDate")));
    assert_int_equal(strlen(json_string_value(json_object_get(v, "id"))),
                     TM_NOTIF_ID_LEN);
    assert_string_equal(json_string_value(json_object_get(v, "type")),
                        "task_completed");
    assert_string_equal(json_string_value(json_object_get(v, "taskId")),
                        n.task_id);
    assert_string_equal(json_string_value(json_object_get(v, "taskTitle")),
                        "Say \"done\"");
    assert_true(json_is_string(json_object_get(v, "message")));
    assert_string_equal(json_string_value(json_object_get(v, "createdAt")),
                        "2026-11-25T17:00:00Z");
    assert_true(json_is_false(json_object_get(v, "read")));
    assert_string_equal(json_string_value(json_object_get(v, "expiresAt")),
                        "2027-01-15T08:00:00Z");
    json_decref(v);

    /* a reminder's: which one, and the due date */
    json_object_set_new(item, "ReminderId", tm_ddb_s("0123456789ab"));
    json_object_set_new(item, "TaskDueDate",
                        tm_ddb_s("2026-11-26T09:00:00Z"));
    v = tm_test_notification_json(item, 1790000000);
    assert_string_equal(json_string_value(json_object_get(v, "reminderId")),
                        "0123456789ab");
    assert_string_equal(json_string_value(json_object_get(v, "dueDate")),
                        "2026-11-26T09:00:00Z");
    json_decref(v);

    /* expired at now: not listed */
    assert_null(tm_test_notification_json(item, 1800000000));

    /* no task: null, not absent */
    json_object_del(item, "TaskId");
    json_object_set_new(item, "Notif_isRead", tm_ddb_bool(1));
    v = tm_test_notification_json(item, 1790000000);
    assert_non_null(v);
    assert_true(json_is_null(json_object_get(v, "taskId")));
    assert_true(json_is_true(json_object_get(v, "read")));
    json_decref(v);

    /* the last second there is, then the one after: no Timestamp, so the
     * item is nonsense, not "expiresAt": "" (tests/fuzz/ddb_item.c) */
    json_object_set_new(item, "NotificationExpiry", tm_ddb_n(TM_RFC3339_MAX));
    v = tm_test_notification_json(item, 1790000000);
    assert_non_null(v);
    assert_string_equal(json_string_value(json_object_get(v, "expiresAt")),
                        "9999-12-31T23:59:59Z");
    json_decref(v);

    json_object_set_new(item, "NotificationExpiry",
                        tm_ddb_n(TM_RFC3339_MAX + 1));
    assert_int_equal(tm_test_notification_write_rc(item, 1790000000, out,
                                                   sizeof(out)),
                     TM_WRITE_BAD);

    /* a task item is no notification */
    json_object_set_new(item, TM_SK, tm_ddb_s("TASK_x"));
    assert_null(tm_test_notification_json(item, 1790000000));

    json_decref(item);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_reply),
        cmocka_unit_test(tm_test_reply_malformed),
        cmocka_unit_test(tm_test_reply_item),
        cmocka_unit_test(tm_test_item_malformed),
        cmocka_unit_test(tm_test_item_types),
        cmocka_unit_test(tm_test_item_many_attrs),
        cmocka_unit_test(tm_test_item_key),
        cmocka_unit_test(tm_test_notification_item),
        cmocka_unit_test(tm_test_notification_write),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
