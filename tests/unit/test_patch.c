/*
 * The PATCH rules (tm_task_patch, tm_user_patch) and the update builder
 * under them: a table of (stored item, patch) cases and the changes and
 * effects each must give.
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
#include "tm_task.h"
#include "tm_update.h"
#include "tm_user.h"


#define TM_TEST_N(a)    (sizeof(a) / sizeof((a)[0]))
#define TM_TEST_ID      "5f0c6a8e-1b2d-4c3e-8f9a-0b1c2d3e4f50"
#define TM_TEST_NOW     "2026-11-25T17:00:00.123Z"
#define TM_TEST_DUE     "2026-11-26T09:00:00Z"
#define TM_TEST_DUE2    "2026-12-01T09:00:00Z"

/* the fields of a PATCH: what is not named is absent */
#define TM_TEST_F(...)                                                      \
    { .priority = TM_FIELD_NO_INT, .labels = { NULL, NULL, -1 },            \
      __VA_ARGS__ }


static const char  *tm_test_labels[] = { "Home", "Stra\xc3\x9f" "e", NULL };
static const char  *tm_test_folded[] = { "home", "strasse", NULL };


typedef struct {
    const char        *name;
    const char        *status;      /* stored */
    const char        *due;         /* stored, NULL: none */
    int                sent;        /* stored NotificationSent */
    const char        *reminder;    /* stored "<Before>:<state>", or NULL */
    const char        *repeat;      /* stored rule (from due), or NULL */
    tm_task_fields_t   patch;
    const char        *body;        /* JSON of reminders/repeat: {"r", "p"} */
    int                completing, reopening, due_changed, owed;
    const char        *has[4];      /* in the expression */
    const char        *lacks[3];    /* not in it */
    const char        *why;         /* refused: the field */
    const char        *new_due;     /* :du */
} tm_test_task_case_t;


static const tm_test_task_case_t  tm_test_task_cases[] = {
    { "title only", "pending", NULL, 0, NULL, NULL,
      TM_TEST_F(.title = "New"), NULL, 0, 0, 0, 0,
      { "Title = :ti", "REMOVE Reminders, ReminderKey, ReminderAt", NULL },
      { "TaskCompletedAt", "OutboxShard", NULL }, NULL, NULL },

    { "title, reminder still owed", "pending", TM_TEST_DUE, 0,
      "PT1H:pending", NULL,
      TM_TEST_F(.title = "New"), NULL, 0, 0, 0, 1,
      { "Reminders = :rm", "ReminderKey = :rk", "ReminderAt = :ra", NULL },
      { "REMOVE", "NotificationSent = :f", NULL }, NULL, NULL },

    { "title, reminder sent", "pending", TM_TEST_DUE, 1, "PT1H:sent", NULL,
      TM_TEST_F(.title = "New"), NULL, 0, 0, 0, 0,
      { "REMOVE ReminderKey, ReminderAt", NULL },
      { "NotificationSent = :f", NULL }, NULL, NULL },

    { "completing cancels", "in_progress", TM_TEST_DUE, 0, "PT1H:pending",
      NULL, TM_TEST_F(.status = "completed"), NULL, 1, 0, 0, 0,
      { "TaskCompletedAt = :now", "OutboxShard = :os", "OutboxAt = :now",
        "REMOVE ReminderKey" },
      { "NotificationSent = :f", NULL }, NULL, NULL },

    { "completed again", "completed", NULL, 0, NULL, NULL,
      TM_TEST_F(.status = "completed"), NULL, 0, 0, 0, 0,
      { "#st = :st", NULL },
      { "TaskCompletedAt", "OutboxShard", NULL }, NULL, NULL },

    { "reopening re-arms a cancelled reminder", "completed", TM_TEST_DUE, 0,
      "PT1H:cancelled", NULL, TM_TEST_F(.status = "pending"), NULL,
      0, 1, 0, 1,
      { "REMOVE TaskCompletedAt", "ReminderKey = :rk", NULL },
      { "OutboxShard", NULL }, NULL, NULL },

    { "due moved re-arms a sent reminder", "pending", TM_TEST_DUE, 1,
      "PT1H:sent", NULL, TM_TEST_F(.due = TM_TEST_DUE2), NULL, 0, 0, 1, 1,
      { "NotificationSent = :f", "DueDate = :du", "TaskDueSort = :ds",
        "ReminderKey = :rk" },
      { "REMOVE", NULL }, NULL, TM_TEST_DUE2 },

    { "due the same is no move", "pending", TM_TEST_DUE, 1, "PT1H:sent",
      NULL, TM_TEST_F(.due = TM_TEST_DUE), NULL, 0, 0, 0, 0,
      { "REMOVE ReminderKey, ReminderAt", NULL },
      { "NotificationSent = :f", "DueDate = :du", NULL }, NULL, NULL },

    { "due cleared drops relative reminders", "pending", TM_TEST_DUE, 0,
      "PT1H:pending", NULL, TM_TEST_F(.due = ""), NULL, 0, 0, 1, 0,
      { "TaskDueSort = :ds", "REMOVE DueDate, Reminders", NULL },
      { "DueDate = :du", NULL }, NULL, NULL },

    { "due set on a completed task owes nothing", "completed", NULL, 0, NULL,
      NULL, TM_TEST_F(.due = TM_TEST_DUE), NULL, 0, 0, 1, 0,
      { "DueDate = :du", NULL },
      { "ReminderKey = :rk", NULL }, NULL, TM_TEST_DUE },

    { "reminders replaced", "pending", TM_TEST_DUE, 0, "PT1H:pending", NULL,
      TM_TEST_F(.title = NULL),
      "{\"r\": [{\"before\": \"PT15M\"}, {\"at\": \"2026-12-24T08:00:00Z\"}]}",
      0, 0, 0, 1,
      { "Reminders = :rm", "ReminderKey = :rk", NULL },
      { "REMOVE", NULL }, NULL, NULL },

    { "a relative reminder needs the due date", "pending", TM_TEST_DUE, 0,
      NULL, NULL, TM_TEST_F(.due = ""),
      "{\"r\": [{\"before\": \"PT15M\"}]}", 0, 0, 1, 0,
      { NULL }, { NULL }, "reminders", NULL },

    { "a repeat needs a due date", "pending", NULL, 0, NULL, NULL,
      TM_TEST_F(.title = NULL),
      "{\"p\": {\"rule\": \"FREQ=DAILY\", \"from\": \"due\"}}", 0, 0, 0, 0,
      { NULL }, { NULL }, "repeat", NULL },

    { "clearing a repeating task's due date", "pending", TM_TEST_DUE, 0,
      NULL, "FREQ=DAILY", TM_TEST_F(.due = ""), NULL, 0, 0, 1, 0,
      { NULL }, { NULL }, "dueDate", NULL },

    { "an unsupported rule", "pending", TM_TEST_DUE, 0, NULL, NULL,
      TM_TEST_F(.title = NULL),
      "{\"p\": {\"rule\": \"FREQ=HOURLY\"}}", 0, 0, 0, 0,
      { NULL }, { NULL }, "repeat", NULL },

    { "completing a repeating task moves it on", "pending", TM_TEST_DUE, 1,
      "PT1H:sent", "FREQ=DAILY", TM_TEST_F(.status = "completed"), NULL,
      1, 0, 1, 1,
      { "DueDate = :du", "LastCompletedAt = :now", "REMOVE TaskCompletedAt",
        "OutboxAt = :now" },
      { "TaskCompletedAt = :now", NULL }, NULL, "2026-11-27T09:00:00Z" },

    { "the last occurrence completes", "pending", TM_TEST_DUE, 0, NULL,
      "FREQ=DAILY;COUNT=1", TM_TEST_F(.status = "completed"), NULL,
      1, 0, 0, 0,
      { "TaskCompletedAt = :now", "LastCompletedAt = :now", NULL },
      { "DueDate = :du", NULL }, NULL, NULL },

    { "repeat cleared", "pending", TM_TEST_DUE, 0, NULL, "FREQ=DAILY",
      TM_TEST_F(.title = NULL), "{\"p\": null}", 0, 0, 0, 0,
      { "REMOVE TaskRepeat, RepeatFirst, RepeatSeq", NULL },
      { "TaskRepeat = :rp", NULL }, NULL, NULL },

    { "description cleared", "pending", NULL, 0, NULL, NULL,
      TM_TEST_F(.description = ""), NULL, 0, 0, 0, 0,
      { "REMOVE Description", NULL },
      { "Description = :de", NULL }, NULL, NULL },

    { "priority set", "pending", NULL, 0, NULL, NULL,
      { .priority = 1, .labels = { NULL, NULL, -1 } }, NULL, 0, 0, 0, 0,
      { "Priority = :pr", "TaskPrioritySort = :ps", NULL },
      { "Labels", NULL }, NULL, NULL },

    { "labels set, as written and folded", "pending", NULL, 0, NULL, NULL,
      { .priority = TM_FIELD_NO_INT,
        .labels = { tm_test_labels, tm_test_folded, 2 } }, NULL,
      0, 0, 0, 0,
      { "Labels = :lb", "LabelKeys = :lk", NULL },
      { "Priority = :pr", "REMOVE Labels", NULL }, NULL, NULL },

    { "labels cleared", "pending", NULL, 0, NULL, NULL,
      { .priority = TM_FIELD_NO_INT, .labels = { NULL, NULL, 0 } }, NULL,
      0, 0, 0, 0,
      { "REMOVE Labels, LabelKeys", NULL },
      { "Labels =", NULL }, NULL, NULL },

    { "moved to a list", "pending", NULL, 0, NULL, NULL,
      TM_TEST_F(.list_id = "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b"), NULL,
      0, 0, 0, 0,
      { "ListId = :li", NULL },
      { "Labels", "Priority = :pr", NULL }, NULL, NULL },

    { "description set", "pending", NULL, 0, NULL, NULL,
      TM_TEST_F(.description = "d"), NULL, 0, 0, 0, 0,
      { "Description = :de", NULL },
      { "REMOVE Description", NULL }, NULL, NULL },
};


static json_t *
tm_test_task_item(const tm_test_task_case_t *c)
{
    char     before[16];
    json_t  *item;

    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:b}}",
                     "Status", "S", c->status,
                     "Version", "N", "7",
                     "NotificationSent", "BOOL", c->sent);

    if (c->due) {
        json_object_set_new(item, "DueDate", tm_ddb_s(c->due));
    }

    if (c->reminder) {
        /* one relative reminder, its FireAt from the stored due date */
        snprintf(before, sizeof(before), "%.*s",
                 (int) (strchr(c->reminder, ':') - c->reminder), c->reminder);
        json_object_set_new(item, "Reminders",
            json_pack("{s:[{s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}]}", "L",
                      "M", "Id", "S", "0123456789ab", "Before", "S", before,
                      "FireAt", "S", "2026-11-26T08:00:00Z",
                      "State", "S", strchr(c->reminder, ':') + 1));
    }

    if (c->repeat) {
        json_object_set_new(item, "TaskRepeat",
                            json_pack("{s:{s:{s:s}, s:{s:s}}}", "M",
                                      "Rule", "S", c->repeat,
                                      "From", "S", "due"));
        json_object_set_new(item, "RepeatFirst", tm_ddb_s(c->due));
        json_object_set_new(item, "RepeatSeq", tm_ddb_n(1));
    }

    return item;
}


static void
tm_test_task_patch_cases(void **state)
{
    int                          rc;
    size_t                       i, j;
    json_t                      *old, *req, *body;
    const char                  *expr, *due;
    tm_update_t                  u;
    tm_task_fields_t             f;
    tm_task_effects_t            fx;
    const tm_test_task_case_t   *c;

    for (i = 0; i < TM_TEST_N(tm_test_task_cases); i++) {
        c = &tm_test_task_cases[i];
        old = tm_test_task_item(c);
        f = c->patch;
        body = c->body ? json_loads(c->body, 0, NULL) : NULL;

        if (body) {
            f.reminders_v = json_object_get(body, "r");
            f.repeat_v = json_object_get(body, "p");
        }

        tm_update_init(&u);
        rc = tm_task_patch(old, &f, TM_TEST_ID, TM_TEST_NOW, 8,
                           "Europe/Berlin", &u, &fx);

        if (c->why) {
            if (rc != -1 || fx.why == NULL
                || strcmp(fx.field, c->why) != 0)
            {
                fail_msg("%s: not refused on %s", c->name, c->why);
            }

            tm_update_free(&u);
            json_decref(old);
            json_decref(body);
            continue;
        }

        if (rc != 0) {
            fail_msg("%s: refused: %s", c->name, fx.why ? fx.why : "?");
        }

        if (fx.completing != c->completing || fx.reopening != c->reopening
            || fx.due_changed != c->due_changed
            || fx.reminder_owed != c->owed)
        {
            fail_msg("%s: effects %d %d %d %d", c->name, fx.completing,
                     fx.reopening, fx.due_changed, fx.reminder_owed);
        }

        req = tm_update_request(&u, "T", tm_ddb_key("pk", "sk"), "ALL_NEW");
        assert_non_null(req);

        expr = json_string_value(json_object_get(req, "UpdateExpression"));

        for (j = 0; j < 4 && c->has[j]; j++) {
            if (strstr(expr, c->has[j]) == NULL) {
                fail_msg("%s: no \"%s\" in %s", c->name, c->has[j], expr);
            }
        }

        for (j = 0; j < 3 && c->lacks[j]; j++) {
            if (strstr(expr, c->lacks[j]) != NULL) {
                fail_msg("%s: \"%s\" in %s", c->name, c->lacks[j], expr);
            }
        }

        if (c->new_due) {
            due = json_string_value(json_object_get(json_object_get(
                      json_object_get(req, "ExpressionAttributeValues"),
                      ":du"), "S"));
            if (due == NULL || strcmp(due, c->new_due) != 0) {
                fail_msg("%s: due %s, not %s", c->name, due ? due : "none",
                         c->new_due);
            }
        }

        /* every write is conditional on the version read */
        assert_string_equal(json_string_value(json_object_get(req,
                                "ConditionExpression")), "Version = :v");
        assert_string_equal(json_string_value(json_object_get(
                                json_object_get(json_object_get(req,
                                    "ExpressionAttributeValues"), ":v"),
                                "N")), "7");

        json_decref(req);
        tm_update_free(&u);
        json_decref(old);
        json_decref(body);
    }
}


/* a stored item without Status or Version is refused, not guessed */
static void
tm_test_task_patch_malformed(void **state)
{
    json_t             *old;
    tm_update_t         u;
    tm_task_effects_t   fx;
    tm_task_fields_t    f = TM_TEST_F(.title = "t");

    old = json_pack("{s:{s:s}}", "Status", "S", "pending");
    tm_update_init(&u);
    assert_int_equal(tm_task_patch(old, &f, TM_TEST_ID, TM_TEST_NOW, 8, NULL,
                                   &u, &fx),
                     -1);
    assert_null(fx.why);
    tm_update_free(&u);
    json_decref(old);

    old = json_pack("{s:{s:s}}", "Version", "N", "1");
    tm_update_init(&u);
    assert_int_equal(tm_task_patch(old, &f, TM_TEST_ID, TM_TEST_NOW, 8, NULL,
                                   &u, &fx),
                     -1);
    tm_update_free(&u);
    json_decref(old);
}


static void
tm_test_task_item_new(void **state)
{
    json_t            *item, *rs;
    tm_task_fields_t   f = TM_TEST_F(.title = "Pay rent", .description = "",
                                     .due = TM_TEST_DUE);

    /* no "reminders": the profile's default, one day before; that time
     * has passed (due tomorrow 09:00, now 17:00): cancelled at once */
    tm_task_default_reminders(&f, NULL, 1);
    item = tm_task_item(&f, "USER_x", TM_TEST_ID, TM_TEST_NOW, 8);
    assert_non_null(item);
    assert_string_equal(tm_ddb_get_s(item, "Status"), "pending");
    assert_string_equal(tm_ddb_get_s(item, TM_SK), "TASK_" TM_TEST_ID);
    assert_string_equal(tm_ddb_get_s(item, "TaskDueSort"), TM_TEST_DUE);
    assert_null(tm_ddb_get_s(item, "Description"));
    assert_null(tm_ddb_get_s(item, "TaskCompletedAt"));
    assert_null(tm_ddb_get_s(item, "DueDate_NotificationSent"));
    assert_null(tm_ddb_get_s(item, "ReminderKey"));
    rs = json_object_get(json_object_get(item, "Reminders"), "L");
    assert_int_equal(json_array_size(rs), 1);
    assert_string_equal(tm_ddb_get_s(json_object_get(json_array_get(rs, 0),
                                                     "M"), "State"),
                        "cancelled");
    json_decref(item);

    /* an hour before: pending, in the index under its day */
    f.reminders.r[0].before_s = 3600;
    strcpy(f.reminders.r[0].before, "PT1H");
    f.reminders.r[0].id[0] = '\0';
    f.reminders.r[0].state = TM_REMINDER_PENDING;
    item = tm_task_item(&f, "USER_x", TM_TEST_ID, TM_TEST_NOW, 8);
    assert_string_equal(tm_ddb_get_s(item, "ReminderAt"),
                        "2026-11-26T08:00:00Z");
    assert_int_equal(strncmp(tm_ddb_get_s(item, "ReminderKey"),
                             "2026-11-26#REMIND#", 18), 0);
    json_decref(item);

    /* completed at birth: completion time, no reminder owed */
    f.status = "completed";
    f.due = NULL;
    f.reminders.n = 0;
    item = tm_task_item(&f, "USER_x", TM_TEST_ID, TM_TEST_NOW, 8);
    assert_string_equal(tm_ddb_get_s(item, "TaskCompletedAt"), TM_TEST_NOW);
    assert_string_equal(tm_ddb_get_s(item, "TaskDueSort"),
                        TM_DUE_SORT_NONE);
    assert_null(tm_ddb_get_s(item, "ReminderKey"));
    json_decref(item);
}


typedef struct {
    const char        *name;
    tm_user_fields_t   f;
    const char        *why_field;   /* tm_user_patch_check refuses */
    int                sms_cond;
    const char        *expr;
    const char        *cond;
} tm_test_user_case_t;


/* the profile fields of a PATCH: what is not named is absent */
#define TM_TEST_U(...)                                                      \
    .pref_completed_email = -1, .pref_completed_sms = -1, __VA_ARGS__


static const tm_test_user_case_t  tm_test_user_cases[] = {
    { "names", { TM_TEST_U(.first_name = "Ada", .last_name = "L",
                           .pref_email = -1, .pref_sms = -1) },
      NULL, 0,
      "SET UpdatedAt = :now, FirstName = :fn, LastName = :ln",
      "attribute_exists(EntityPartition)" },
    { "phone cleared, sms untouched",
      { TM_TEST_U(.phone = "", .pref_email = -1, .pref_sms = -1) },
      NULL, 1,
      "SET UpdatedAt = :now REMOVE PhoneNumber, PhoneVerified",
      "attribute_exists(EntityPartition) AND "
      "NotificationPreferences.sms = :false" },
    { "phone cleared, sms off",
      { TM_TEST_U(.phone = "", .prefs = 1, .pref_email = -1,
                  .pref_sms = 0) }, NULL, 0,
      "SET UpdatedAt = :now, NotificationPreferences.sms = :ps "
      "REMOVE PhoneNumber, PhoneVerified",
      "attribute_exists(EntityPartition)" },
    { "phone cleared, sms on",
      { TM_TEST_U(.phone = "", .prefs = 1, .pref_email = -1,
                  .pref_sms = 1) },
      "notificationPreferences.sms", 0, NULL, NULL },
    { "sms on, phone stored?",
      { TM_TEST_U(.prefs = 1, .pref_email = 1, .pref_sms = 1) }, NULL, 1,
      "SET UpdatedAt = :now, NotificationPreferences.email = :pe, "
      "NotificationPreferences.sms = :ps",
      "attribute_exists(EntityPartition) AND attribute_exists(PhoneNumber)" },
    { "time zone",
      { TM_TEST_U(.time_zone = "Europe/Berlin", .pref_email = -1,
                  .pref_sms = -1) }, NULL, 0,
      "SET UpdatedAt = :now, UserTimeZone = :tz, ReminderKey = :rk, "
      "ReminderAt = :ra, DigestArmedAt = :da",
      "attribute_exists(EntityPartition)" },
    { "sms on with a phone",
      { TM_TEST_U(.phone = "+15550001111", .prefs = 1, .pref_email = -1,
                  .pref_sms = 1) },
      NULL, 0,
      "SET UpdatedAt = :now, PhoneNumber = :ph, "
      "NotificationPreferences.sms = :ps REMOVE PhoneVerified",
      "attribute_exists(EntityPartition)" },
};


static void
tm_test_user_patch_cases(void **state)
{
    int                          sms_cond;
    size_t                       i;
    const char                  *why, *field;
    tm_update_t                  u;
    tm_user_fields_t             f;
    const tm_test_user_case_t   *c;

    for (i = 0; i < TM_TEST_N(tm_test_user_cases); i++) {
        c = &tm_test_user_cases[i];
        field = NULL;
        f = c->f;

        why = tm_user_patch_check(&f, &field);

        if (c->why_field) {
            assert_non_null(why);
            assert_string_equal(field, c->why_field);
            continue;
        }

        assert_null(why);

        tm_update_init(&u);
        assert_int_equal(tm_user_patch(&f, "x", TM_TEST_NOW, 8, &u,
                                       &sms_cond),
                         0);

        if (strcmp(tm_update_expression(&u), c->expr) != 0
            || strcmp(u.cond.data, c->cond) != 0 || sms_cond != c->sms_cond)
        {
            fail_msg("%s: %s | %s | %d", c->name, tm_update_expression(&u),
                     u.cond.data, sms_cond);
        }

        tm_update_free(&u);
    }
}


/* long expressions grow, failures make no request: never a cut one */
static void
tm_test_update_builder(void **state)
{
    int           i;
    char          attr[32], ph[32];
    json_t       *req;
    size_t        len;
    tm_update_t   u;

    tm_update_init(&u);

    for (i = 0; i < 300; i++) {
        snprintf(attr, sizeof(attr), "Attribute%03d", i);
        snprintf(ph, sizeof(ph), ":v%03d", i);
        tm_update_set_value(&u, attr, ph, tm_ddb_n(i));
        tm_update_remove(&u, attr);
    }

    req = tm_update_request(&u, "T", tm_ddb_key("a", "b"), NULL);
    assert_non_null(req);

    len = strlen(json_string_value(json_object_get(req,
                                                   "UpdateExpression")));
    /* "SET " + 300 "AttributeNNN = :vNNN" + ", " ... + " REMOVE " ... */
    assert_int_equal(len, 4 + 300 * 20 + 299 * 2 + 8 + 300 * 12
                          + 299 * 2);
    assert_int_equal(json_object_size(json_object_get(req,
                         "ExpressionAttributeValues")), 300);
    assert_null(json_object_get(req, "ConditionExpression"));
    assert_null(json_object_get(req, "ReturnValues"));
    json_decref(req);
    tm_update_free(&u);

    /* a placeholder without its colon, a missing value: no request */
    tm_update_init(&u);
    tm_update_set_value(&u, "A", "a", tm_ddb_n(1));
    assert_null(tm_update_request(&u, "T", tm_ddb_key("a", "b"), NULL));
    tm_update_free(&u);

    tm_update_init(&u);
    tm_update_set_value(&u, "A", ":a", NULL);
    assert_null(tm_update_request(&u, "T", tm_ddb_key("a", "b"), NULL));
    tm_update_free(&u);

    /* nothing to do is no request either */
    tm_update_init(&u);
    tm_update_cond(&u, "attribute_exists(A)");
    assert_null(tm_update_request(&u, "T", tm_ddb_key("a", "b"), NULL));
    tm_update_free(&u);

    /* REMOVE alone */
    tm_update_init(&u);
    tm_update_remove(&u, "A");
    tm_update_remove(&u, "B");
    assert_string_equal(tm_update_expression(&u), "REMOVE A, B");
    tm_update_free(&u);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_task_patch_cases),
        cmocka_unit_test(tm_test_task_patch_malformed),
        cmocka_unit_test(tm_test_task_item_new),
        cmocka_unit_test(tm_test_user_patch_cases),
        cmocka_unit_test(tm_test_update_builder),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
