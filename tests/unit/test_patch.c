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

/* priority and labels absent */
#define TM_TEST_KEEP    TM_FIELD_NO_INT, { NULL, NULL, -1 }, NULL


static const char  *tm_test_labels[] = { "Home", "Stra\xc3\x9f" "e", NULL };
static const char  *tm_test_folded[] = { "home", "strasse", NULL };


typedef struct {
    const char        *name;
    const char        *status;      /* stored */
    const char        *due;         /* stored, NULL: none */
    int                sent;        /* stored NotificationSent */
    tm_task_fields_t   patch;
    int                completing, reopening, due_changed, owed;
    const char        *has[4];      /* in the expression */
    const char        *lacks[3];    /* not in it */
} tm_test_task_case_t;


static const tm_test_task_case_t  tm_test_task_cases[] = {
    { "title only", "pending", NULL, 0,
      { "New", NULL, NULL, NULL, TM_TEST_KEEP }, 0, 0, 0, 0,
      { "Title = :ti", "REMOVE DueDate_NotificationSent", NULL },
      { "TaskCompletedAt", "OutboxShard", NULL } },

    { "title, reminder still owed", "pending", TM_TEST_DUE, 0,
      { "New", NULL, NULL, NULL, TM_TEST_KEEP }, 0, 0, 0, 1,
      { "DueDate_NotificationSent = :rk", NULL },
      { "REMOVE", "NotificationSent = :f", NULL } },

    { "title, reminder sent", "pending", TM_TEST_DUE, 1,
      { "New", NULL, NULL, NULL, TM_TEST_KEEP }, 0, 0, 0, 0,
      { "REMOVE DueDate_NotificationSent", NULL },
      { "NotificationSent = :f", NULL } },

    { "completing", "in_progress", TM_TEST_DUE, 0,
      { NULL, NULL, NULL, "completed", TM_TEST_KEEP }, 1, 0, 0, 0,
      { "TaskCompletedAt = :now", "OutboxShard = :os", "OutboxAt = :now",
        "DueDate_NotificationSent" },
      { "NotificationSent = :f", NULL } },

    { "completed again", "completed", NULL, 0,
      { NULL, NULL, NULL, "completed", TM_TEST_KEEP }, 0, 0, 0, 0,
      { "#st = :st", NULL },
      { "TaskCompletedAt", "OutboxShard", NULL } },

    { "reopening re-arms an unsent reminder", "completed", TM_TEST_DUE, 0,
      { NULL, NULL, NULL, "pending", TM_TEST_KEEP }, 0, 1, 0, 1,
      { "REMOVE TaskCompletedAt", "DueDate_NotificationSent = :rk", NULL },
      { "OutboxShard", NULL } },

    { "due moved re-arms a sent reminder", "pending", TM_TEST_DUE, 1,
      { NULL, NULL, TM_TEST_DUE2, NULL, TM_TEST_KEEP }, 0, 0, 1, 1,
      { "NotificationSent = :f", "DueDate = :du", "TaskDueSort = :ds",
        "DueDate_NotificationSent = :rk" },
      { "REMOVE", NULL } },

    { "due the same is no move", "pending", TM_TEST_DUE, 1,
      { NULL, NULL, TM_TEST_DUE, NULL, TM_TEST_KEEP }, 0, 0, 0, 0,
      { "REMOVE DueDate_NotificationSent", NULL },
      { "NotificationSent = :f", "DueDate = :du", NULL } },

    { "due cleared", "pending", TM_TEST_DUE, 0,
      { NULL, NULL, "", NULL, TM_TEST_KEEP }, 0, 0, 1, 0,
      { "TaskDueSort = :ds", "DueDate, DueDate_NotificationSent", NULL },
      { "DueDate = :du", NULL } },

    { "due set on a completed task owes nothing", "completed", NULL, 0,
      { NULL, NULL, TM_TEST_DUE, NULL, TM_TEST_KEEP }, 0, 0, 1, 0,
      { "DueDate = :du", "REMOVE DueDate_NotificationSent", NULL },
      { NULL } },

    { "description cleared", "pending", NULL, 0,
      { NULL, "", NULL, NULL, TM_TEST_KEEP }, 0, 0, 0, 0,
      { "REMOVE Description", NULL },
      { "Description = :de", NULL } },

    { "priority set", "pending", NULL, 0,
      { NULL, NULL, NULL, NULL, 1, { NULL, NULL, -1 }, NULL }, 0, 0, 0, 0,
      { "Priority = :pr", "TaskPrioritySort = :ps", NULL },
      { "Labels", NULL } },

    { "labels set, as written and folded", "pending", NULL, 0,
      { NULL, NULL, NULL, NULL, TM_FIELD_NO_INT,
        { tm_test_labels, tm_test_folded, 2 }, NULL }, 0, 0, 0, 0,
      { "Labels = :lb", "LabelKeys = :lk", NULL },
      { "Priority = :pr", "REMOVE Labels", NULL } },

    { "labels cleared", "pending", NULL, 0,
      { NULL, NULL, NULL, NULL, TM_FIELD_NO_INT, { NULL, NULL, 0 }, NULL },
      0, 0, 0, 0,
      { "REMOVE Labels, LabelKeys, DueDate_NotificationSent", NULL },
      { "Labels =", NULL } },

    { "moved to a list", "pending", NULL, 0,
      { NULL, NULL, NULL, NULL, TM_FIELD_NO_INT, { NULL, NULL, -1 },
        "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b" }, 0, 0, 0, 0,
      { "ListId = :li", NULL },
      { "Labels", "Priority = :pr", NULL } },

    { "description set", "pending", NULL, 0,
      { NULL, "d", NULL, NULL, TM_TEST_KEEP }, 0, 0, 0, 0,
      { "Description = :de", NULL },
      { "REMOVE Description", NULL } },
};


static json_t *
tm_test_task_item(const tm_test_task_case_t *c)
{
    json_t  *item;

    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:b}}",
                     "Status", "S", c->status,
                     "Version", "N", "7",
                     "NotificationSent", "BOOL", c->sent);

    if (c->due) {
        json_object_set_new(item, "DueDate", tm_ddb_s(c->due));
    }

    return item;
}


static void
tm_test_task_patch_cases(void **state)
{
    size_t                       i, j;
    json_t                      *old, *req;
    const char                  *expr;
    tm_update_t                  u;
    tm_task_effects_t            fx;
    const tm_test_task_case_t   *c;

    for (i = 0; i < TM_TEST_N(tm_test_task_cases); i++) {
        c = &tm_test_task_cases[i];
        old = tm_test_task_item(c);

        tm_update_init(&u);
        assert_int_equal(tm_task_patch(old, &c->patch, TM_TEST_ID,
                                       TM_TEST_NOW, 8, &u, &fx),
                         0);

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
    }
}


/* a stored item without Status or Version is refused, not guessed */
static void
tm_test_task_patch_malformed(void **state)
{
    json_t             *old;
    tm_update_t         u;
    tm_task_effects_t   fx;
    tm_task_fields_t    f = { "t", NULL, NULL, NULL, TM_TEST_KEEP };

    old = json_pack("{s:{s:s}}", "Status", "S", "pending");
    tm_update_init(&u);
    assert_int_equal(tm_task_patch(old, &f, TM_TEST_ID, TM_TEST_NOW, 8, &u,
                                   &fx),
                     -1);
    tm_update_free(&u);
    json_decref(old);

    old = json_pack("{s:{s:s}}", "Version", "N", "1");
    tm_update_init(&u);
    assert_int_equal(tm_task_patch(old, &f, TM_TEST_ID, TM_TEST_NOW, 8, &u,
                                   &fx),
                     -1);
    tm_update_free(&u);
    json_decref(old);
}


static void
tm_test_task_item_new(void **state)
{
    json_t            *item;
    tm_task_fields_t   f = { "Pay rent", "", TM_TEST_DUE, NULL, TM_TEST_KEEP };

    item = tm_task_item(&f, "USER_x", TM_TEST_ID, TM_TEST_NOW, 8);
    assert_non_null(item);
    assert_string_equal(tm_ddb_get_s(item, "Status"), "pending");
    assert_string_equal(tm_ddb_get_s(item, TM_SK), "TASK_" TM_TEST_ID);
    assert_string_equal(tm_ddb_get_s(item, "TaskDueSort"), TM_TEST_DUE);
    assert_null(tm_ddb_get_s(item, "Description"));
    assert_null(tm_ddb_get_s(item, "TaskCompletedAt"));
    assert_non_null(tm_ddb_get_s(item, "DueDate_NotificationSent"));
    assert_int_equal(strncmp(tm_ddb_get_s(item, "DueDate_NotificationSent"),
                             "2026-11-26#PENDING#", 19), 0);
    json_decref(item);

    /* completed at birth: completion time, no reminder owed */
    f.status = "completed";
    f.due = NULL;
    item = tm_task_item(&f, "USER_x", TM_TEST_ID, TM_TEST_NOW, 8);
    assert_string_equal(tm_ddb_get_s(item, "TaskCompletedAt"), TM_TEST_NOW);
    assert_string_equal(tm_ddb_get_s(item, "TaskDueSort"),
                        TM_DUE_SORT_NONE);
    assert_null(tm_ddb_get_s(item, "DueDate_NotificationSent"));
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


#define TM_TEST_NONE  NULL, NULL, NULL, NULL


static const tm_test_user_case_t  tm_test_user_cases[] = {
    { "names", { NULL, NULL, "Ada", "L", TM_TEST_NONE, 0, -1, -1, NULL },
      NULL, 0,
      "SET UpdatedAt = :now, FirstName = :fn, LastName = :ln",
      "attribute_exists(EntityPartition)" },
    { "phone cleared, sms untouched",
      { NULL, NULL, NULL, NULL, "", NULL, NULL, NULL, 0, -1, -1, NULL },
      NULL, 1,
      "SET UpdatedAt = :now REMOVE PhoneNumber",
      "attribute_exists(EntityPartition) AND "
      "NotificationPreferences.sms = :false" },
    { "phone cleared, sms off",
      { NULL, NULL, NULL, NULL, "", NULL, NULL, NULL, 1, -1, 0, NULL }, NULL, 0,
      "SET UpdatedAt = :now, NotificationPreferences.sms = :ps "
      "REMOVE PhoneNumber",
      "attribute_exists(EntityPartition)" },
    { "phone cleared, sms on",
      { NULL, NULL, NULL, NULL, "", NULL, NULL, NULL, 1, -1, 1, NULL },
      "notificationPreferences.sms", 0, NULL, NULL },
    { "sms on, phone stored?",
      { NULL, NULL, NULL, NULL, TM_TEST_NONE, 1, 1, 1, NULL }, NULL, 1,
      "SET UpdatedAt = :now, NotificationPreferences.email = :pe, "
      "NotificationPreferences.sms = :ps",
      "attribute_exists(EntityPartition) AND attribute_exists(PhoneNumber)" },
    { "time zone",
      { NULL, NULL, NULL, NULL, NULL, "Europe/Berlin", NULL, NULL, 0, -1,
        -1, NULL }, NULL, 0,
      "SET UpdatedAt = :now, UserTimeZone = :tz",
      "attribute_exists(EntityPartition)" },
    { "sms on with a phone",
      { NULL, NULL, NULL, NULL, "+15550001111", NULL, NULL, NULL, 1, -1, 1,
        NULL },
      NULL, 0,
      "SET UpdatedAt = :now, PhoneNumber = :ph, "
      "NotificationPreferences.sms = :ps",
      "attribute_exists(EntityPartition)" },
};


static void
tm_test_user_patch_cases(void **state)
{
    int                          sms_cond;
    size_t                       i;
    const char                  *why, *field;
    tm_update_t                  u;
    const tm_test_user_case_t   *c;

    for (i = 0; i < TM_TEST_N(tm_test_user_cases); i++) {
        c = &tm_test_user_cases[i];
        field = NULL;

        why = tm_user_patch_check(&c->f, &field);

        if (c->why_field) {
            assert_non_null(why);
            assert_string_equal(field, c->why_field);
            continue;
        }

        assert_null(why);

        tm_update_init(&u);
        assert_int_equal(tm_user_patch(&c->f, TM_TEST_NOW, &u, &sms_cond),
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
