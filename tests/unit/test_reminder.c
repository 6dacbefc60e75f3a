/*
 * A task's reminders and repeat (common/tm_reminder.c, tm_repeat.c): the
 * API values read and refused, the stored form both ways, arming (ids kept
 * by value, past ones cancelled, re-arming), the index key, snoozes.
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
#include "tm_reminder.h"
#include "tm_repeat.h"
#include "tm_task.h"
#include "tm_update.h"
#include "tm_validate.h"


#define TM_TEST_N(a)    (sizeof(a) / sizeof((a)[0]))
#define TM_TEST_DUE     1796119200LL    /* 2026-12-01T10:00:00Z */


static long long
tm_test_t(const char *s)
{
    long long  t;

    assert_int_equal(tm_parse_rfc3339(s, strlen(s), &t), 0);

    return t;
}


static void
tm_test_parse(void **state)
{
    size_t          i;
    json_t         *v;
    const char     *why;
    tm_reminders_t  rs;

    static const struct {
        const char  *json;
        int          has_due;
        int          ok;
    } cases[] = {
        { "[]", 1, 1 },
        { "[{\"before\": \"PT0S\"}]", 1, 1 },
        { "[{\"before\": \"P4W\"}]", 1, 1 },
        { "[{\"before\": \"P4WT1S\"}]", 1, 0 },
        { "[{\"before\": \"P29D\"}]", 1, 0 },
        { "[{\"before\": \"PT15M\"}]", 0, 0 },
        { "[{\"at\": \"2026-12-24T18:00:00+01:00\"}]", 0, 1 },
        { "[{\"at\": \"2026-12-24\"}]", 0, 0 },
        { "[{\"before\": \"PT1H\", \"at\": \"2026-12-24T18:00:00Z\"}]", 1,
          0 },
        { "[{}]", 1, 0 },
        { "[{\"before\": 60}]", 1, 0 },
        { "[{\"before\": \"PT1H\", \"x\": 1}]", 1, 0 },
        { "[{\"before\": \"PT1H\", \"id\": \"x\", \"state\": \"sent\","
          " \"fireAt\": null}]", 1, 1 },
        { "[{\"before\": \"PT1H\"}, {\"before\": \"PT60M\"}]", 1, 0 },
        { "[{\"at\": \"2026-12-24T18:00:00Z\"},"
          " {\"at\": \"2026-12-24T19:00:00+01:00\"}]", 1, 0 },
        { "[1, 2]", 1, 0 },
        { "{\"before\": \"PT1H\"}", 1, 0 },
        { "[{\"before\": \"PT1M\"}, {\"before\": \"PT2M\"},"
          " {\"before\": \"PT3M\"}, {\"before\": \"PT4M\"},"
          " {\"before\": \"PT5M\"}]", 1, 1 },
        { "[{\"before\": \"PT1M\"}, {\"before\": \"PT2M\"},"
          " {\"before\": \"PT3M\"}, {\"before\": \"PT4M\"},"
          " {\"before\": \"PT5M\"}, {\"before\": \"PT6M\"}]", 1, 0 },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        v = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
        assert_non_null(v);

        why = tm_reminders_parse(v, cases[i].has_due, &rs);

        if ((why == NULL) != cases[i].ok) {
            fail_msg("%s: %s", cases[i].json, why ? why : "accepted");
        }

        json_decref(v);
    }
}


static void
tm_test_arm(void **state)
{
    json_t          *v;
    tm_reminders_t   rs, old;
    char             id0[TM_REMINDER_ID_LEN + 1];
    long long        now;

    now = TM_TEST_DUE - 2 * 86400;

    v = json_loads("[{\"before\": \"PT1H\"}, {\"before\": \"P3D\"},"
                   " {\"at\": \"2026-11-30T00:00:00Z\"}]", 0, NULL);
    assert_null(tm_reminders_parse(v, 1, &rs));
    json_decref(v);

    tm_reminders_arm(&rs, NULL, TM_TEST_DUE, now, 0);

    /* ids given, times computed, the past one cancelled at once */
    assert_int_equal(strlen(rs.r[0].id), TM_REMINDER_ID_LEN);
    assert_string_not_equal(rs.r[0].id, rs.r[1].id);
    assert_int_equal(rs.r[0].fire, TM_TEST_DUE - 3600);
    assert_int_equal(rs.r[0].state, TM_REMINDER_PENDING);
    assert_int_equal(rs.r[1].fire, TM_TEST_DUE - 3 * 86400);
    assert_int_equal(rs.r[1].state, TM_REMINDER_CANCELLED);
    assert_int_equal(rs.r[2].fire, tm_test_t("2026-11-30T00:00:00Z"));
    assert_int_equal(rs.r[2].state, TM_REMINDER_PENDING);
    assert_int_equal(tm_reminders_next(&rs),
                     tm_test_t("2026-11-30T00:00:00Z"));

    /* a list sent again: matched by value, ids and states kept */
    memcpy(id0, rs.r[0].id, sizeof(id0));
    rs.r[0].state = TM_REMINDER_SENT;
    old = rs;
    v = json_loads("[{\"at\": \"2026-11-30T01:00:00+01:00\"},"
                   " {\"before\": \"PT60M\"}]", 0, NULL);
    assert_null(tm_reminders_parse(v, 1, &rs));
    json_decref(v);
    tm_reminders_arm(&rs, &old, TM_TEST_DUE, now, 0);
    assert_string_equal(rs.r[0].id, old.r[2].id);
    assert_string_equal(rs.r[1].id, id0);
    assert_int_equal(rs.r[1].state, TM_REMINDER_SENT);

    /* the due date moved: the relative one re-armed, sent or not */
    old = rs;
    tm_reminders_arm(&rs, &old, TM_TEST_DUE + 86400, now, 0);
    assert_int_equal(rs.r[1].fire, TM_TEST_DUE + 86400 - 3600);
    assert_int_equal(rs.r[1].state, TM_REMINDER_PENDING);
    assert_int_equal(rs.r[0].state, TM_REMINDER_PENDING);

    /* completing cancels what is pending; reopening re-arms the future */
    tm_reminders_cancel(&rs);
    assert_int_equal(tm_reminders_next(&rs), -1);
    old = rs;
    tm_reminders_arm(&rs, &old, TM_TEST_DUE + 86400,
                     tm_test_t("2026-11-30T12:00:00Z"), 1);
    assert_int_equal(rs.r[0].state, TM_REMINDER_CANCELLED);  /* passed */
    assert_int_equal(rs.r[1].state, TM_REMINDER_PENDING);

    /* no due date: a relative one has nothing to fire at */
    old = rs;
    tm_reminders_arm(&rs, &old, -1, now, 0);
    assert_int_equal(rs.r[1].fire, -1);
    assert_int_equal(rs.r[1].state, TM_REMINDER_CANCELLED);
}


static void
tm_test_stored(void **state)
{
    char            key[TM_REMINDER_KEY_SIZE], out[512];
    json_t          *v, *item, *l;
    char            *text;
    tm_jout_t        o;
    tm_reminders_t   rs, back;

    v = json_loads("[{\"before\": \"P1D\"},"
                   " {\"at\": \"2026-12-24T18:00:00Z\"}]", 0, NULL);
    assert_null(tm_reminders_parse(v, 1, &rs));
    json_decref(v);
    tm_reminders_arm(&rs, NULL, TM_TEST_DUE, TM_TEST_DUE - 3 * 86400, 0);

    l = tm_reminders_to_ddb(&rs, 1);
    item = json_pack("{s:o}", "Reminders", l);
    assert_int_equal(tm_reminders_from_ddb(item, "Reminders", &back), 0);
    assert_int_equal(back.n, 2);
    assert_string_equal(back.r[0].id, rs.r[0].id);
    assert_string_equal(back.r[0].before, "P1D");
    assert_int_equal(back.r[0].fire, TM_TEST_DUE - 86400);
    assert_int_equal(back.r[1].at, tm_test_t("2026-12-24T18:00:00Z"));
    assert_int_equal(back.r[1].state, TM_REMINDER_PENDING);

    /* the API JSON from the stored text */
    text = json_dumps(json_object_get(l, "L"), JSON_COMPACT);
    tm_jout_init(&o, out, sizeof(out));
    tm_reminders_write(&o, text, strlen(text));
    assert_false(o.bad);
    out[tm_jout_len(&o)] = '\0';
    assert_non_null(strstr(out, "\"before\":\"P1D\""));
    assert_non_null(strstr(out, "\"fireAt\":\"2026-11-30T10:00:00Z\""));
    assert_non_null(strstr(out, "\"at\":\"2026-12-24T18:00:00Z\""));
    free(text);

    /* a stored state not known, a list too long: malformed */
    json_object_set_new(json_object_get(json_array_get(
        json_object_get(l, "L"), 0), "M"), "State", tm_ddb_s("maybe"));
    assert_int_equal(tm_reminders_from_ddb(item, "Reminders", &back), -1);
    json_decref(item);

    /* the index key: the fire time's day, a shard from the id */
    tm_reminder_key(TM_TEST_DUE, "abc", 8, key, sizeof(key));
    assert_int_equal(strncmp(key, "2026-12-01#REMIND#", 18), 0);
    assert_true(key[18] >= '0' && key[18] <= '7' && key[19] == '\0');
}


/*
 * The stored list written as API JSON: plain lists read from their text,
 * any other shape by jansson, the same bytes either way.
 */

static void
tm_test_written(void **state)
{
    char         out[512];
    size_t       i;
    tm_jout_t    o;

    static const struct {
        const char  *text;
        const char  *json;      /* NULL: malformed, [] and bad */
    } cases[] = {
        { "[{\"M\":{\"Before\":{\"S\":\"P1D\"},\"Id\":{\"S\":\"a1b2c3d4e5f6\"},"
          "\"FireAt\":{\"S\":\"2030-11-30T10:00:00Z\"},"
          "\"State\":{\"S\":\"pending\"}}}]",
          "[{\"id\":\"a1b2c3d4e5f6\",\"before\":\"P1D\","
          "\"fireAt\":\"2030-11-30T10:00:00Z\",\"state\":\"pending\"}]" },

        /* a profile's default: no id, time or state */
        { "[{\"M\":{\"Before\":{\"S\":\"P1W\"}}},"
          " {\"M\":{\"At\":{\"S\":\"2030-11-30T10:00:00Z\"},"
          "\"State\":{\"S\":\"sent\"}}}]",
          "[{\"id\":\"\",\"before\":\"P1W\",\"fireAt\":null,"
          "\"state\":\"pending\"},{\"id\":\"\","
          "\"at\":\"2030-11-30T10:00:00Z\",\"fireAt\":null,"
          "\"state\":\"sent\"}]" },

        { "[]", "[]" },

        /* an escaped id (jansson's escapes), a name twice (the last), an
         * attribute of two types: jansson's reading */
        { "[{\"M\":{\"Id\":{\"S\":\"ab\\\"cd\\\\ef\\/g\\u0001h\"},"
          "\"At\":{\"S\":\"2030-11-30T10:00:00Z\"}}}]",
          "[{\"id\":\"ab\\\"cd\\\\ef/g\\u0001h\","
          "\"at\":\"2030-11-30T10:00:00Z\",\"fireAt\":null,"
          "\"state\":\"pending\"}]" },
        { "[{\"M\":{\"Before\":{\"S\":\"P1D\"},\"Before\":{\"S\":\"P2D\"}}}]",
          "[{\"id\":\"\",\"before\":\"P2D\",\"fireAt\":null,"
          "\"state\":\"pending\"}]" },
        { "[{\"M\":{\"Before\":{\"N\":\"1\",\"S\":\"P1D\"}}}]",
          "[{\"id\":\"\",\"before\":\"P1D\",\"fireAt\":null,"
          "\"state\":\"pending\"}]" },

        /* malformed, plain or not */
        { "[{\"M\":{\"Before\":{\"S\":\"P1D\"},\"State\":{\"S\":\"maybe\"}}}]",
          NULL },
        { "[{\"M\":{\"Before\":{\"S\":\"P1D\"},"
          "\"At\":{\"S\":\"2030-11-30T10:00:00Z\"}}}]", NULL },
        { "[{\"M\":{}}]", NULL },
        { "[{\"M\":{\"Before\":{\"S\":\"P1D\"},\"Id\":{\"S\":\"abc\"}}}]",
          NULL },
        { "[{\"M\":{\"Before\":{\"S\":\"P1D\"},\"X\":1e999}}]",
          NULL },
        { "[{\"M\":{\"Before\":{\"S\":\"P1D\"}}},5]", NULL },
        { "[{\"M\":", NULL },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tm_jout_init(&o, out, sizeof(out) - 1);
        tm_reminders_write(&o, cases[i].text, strlen(cases[i].text));

        assert_true(tm_jout_len(&o) >= 0);
        out[tm_jout_len(&o)] = '\0';

        if (cases[i].json == NULL) {
            if (!o.bad) {
                fail_msg("not malformed: %s", cases[i].text);
            }

            assert_string_equal(out, "[]");
            continue;
        }

        assert_false(o.bad);
        assert_string_equal(out, cases[i].json);
    }
}


static void
tm_test_repeat(void **state)
{
    json_t       *v;
    long long     next;
    tm_repeat_t   rp;

    v = json_loads("{\"rule\": \"FREQ=MONTHLY;BYMONTHDAY=31\"}", 0, NULL);
    assert_null(tm_repeat_parse(v, 1, &rp));
    assert_false(rp.from_completion);
    assert_non_null(tm_repeat_parse(v, 0, &rp));   /* needs a due date */
    json_decref(v);

    /* from due: the next after the current due, 31st months only */
    v = json_loads("{\"rule\": \"FREQ=MONTHLY;BYMONTHDAY=31\","
                   " \"from\": \"due\"}", 0, NULL);
    assert_null(tm_repeat_parse(v, 1, &rp));
    json_decref(v);
    assert_int_equal(tm_repeat_next(&rp, tm_test_t("2027-01-31T09:00:00Z"),
                                    1, "UTC",
                                    tm_test_t("2027-01-31T09:00:00Z"),
                                    tm_test_t("2027-02-10T09:00:00Z"),
                                    &next), 1);
    assert_int_equal(next, tm_test_t("2027-03-31T09:00:00Z"));

    /* from completion: after the completion's day */
    v = json_loads("{\"rule\": \"FREQ=DAILY;INTERVAL=2\","
                   " \"from\": \"completion\"}", 0, NULL);
    assert_null(tm_repeat_parse(v, 1, &rp));
    json_decref(v);
    assert_true(rp.from_completion);
    assert_int_equal(tm_repeat_next(&rp, tm_test_t("2027-01-01T09:00:00Z"),
                                    1, "UTC",
                                    tm_test_t("2027-01-01T09:00:00Z"),
                                    tm_test_t("2027-01-05T15:00:00Z"),
                                    &next), 1);
    assert_int_equal(next, tm_test_t("2027-01-07T09:00:00Z"));

    /* refused */
    v = json_loads("[\"FREQ=DAILY\", {\"rule\": \"FREQ=SECONDLY\"},"
                   " {\"rule\": \"FREQ=DAILY\", \"from\": \"start\"},"
                   " {\"rule\": \"FREQ=DAILY\", \"x\": 1}, {}]", 0, NULL);
    assert_non_null(tm_repeat_parse(json_array_get(v, 0), 1, &rp));
    assert_non_null(tm_repeat_parse(json_array_get(v, 1), 1, &rp));
    assert_non_null(tm_repeat_parse(json_array_get(v, 2), 1, &rp));
    assert_non_null(tm_repeat_parse(json_array_get(v, 3), 1, &rp));
    assert_non_null(tm_repeat_parse(json_array_get(v, 4), 1, &rp));
    json_decref(v);

    /* null: none */
    assert_null(tm_repeat_parse(json_null(), 0, &rp));
    assert_string_equal(rp.rule, "");
}


static void
tm_test_snooze(void **state)
{
    int             rc;
    json_t         *task;
    tm_update_t     u;
    tm_reminder_t   added;
    tm_reminders_t  rs;
    int             i;

    memset(&rs, 0, sizeof(rs));

    for (i = 0; i < TM_REMINDERS_MAX; i++) {
        rs.r[i].at = TM_TEST_DUE - 3600 * (i + 1);
        rs.r[i].before_s = 0;
    }

    rs.n = TM_REMINDERS_MAX;
    tm_reminders_arm(&rs, NULL, TM_TEST_DUE, TM_TEST_DUE - 86400, 0);

    task = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:o}",
                     "Status", "S", "pending", "Version", "N", "4",
                     "DueDate", "S", "2026-12-01T10:00:00Z",
                     "Reminders", tm_reminders_to_ddb(&rs, 1));

    /* five pending: no room */
    tm_update_init(&u);
    rc = tm_task_snooze(task, TM_TEST_DUE, "t", "2026-11-30T09:20:00Z", 8,
                        &u, &added);
    assert_int_equal(rc, TM_TASK_SNOOZE_FULL);
    tm_update_free(&u);

    /* one sent: it makes room */
    rs.r[4].state = TM_REMINDER_SENT;
    json_object_set_new(task, "Reminders", tm_reminders_to_ddb(&rs, 1));
    tm_update_init(&u);
    rc = tm_task_snooze(task, TM_TEST_DUE + 600, "t",
                        "2026-11-30T09:20:00Z", 8, &u, &added);
    assert_int_equal(rc, 0);
    assert_int_equal(added.state, TM_REMINDER_PENDING);
    assert_int_equal(added.fire, TM_TEST_DUE + 600);
    assert_string_equal(tm_update_expression(&u),
                        "SET TaskUpdatedAt = :now, Version = Version + :one,"
                        " Reminders = :rm, ReminderKey = :rk,"
                        " ReminderAt = :ra");
    tm_update_free(&u);

    /* completed: not snoozable */
    json_object_set_new(task, "Status", tm_ddb_s("completed"));
    tm_update_init(&u);
    assert_int_equal(tm_task_snooze(task, TM_TEST_DUE, "t",
                                    "2026-11-30T09:20:00Z", 8, &u, &added),
                     TM_TASK_SNOOZE_COMPLETED);
    tm_update_free(&u);
    json_decref(task);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_parse),
        cmocka_unit_test(tm_test_arm),
        cmocka_unit_test(tm_test_stored),
        cmocka_unit_test(tm_test_written),
        cmocka_unit_test(tm_test_repeat),
        cmocka_unit_test(tm_test_snooze),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
