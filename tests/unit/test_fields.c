/*
 * The body reader (tm_fields.c): a table of bodies and what each must read
 * as or which error (code and field) it must give.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "tm_fields.h"
#include "tm_validate.h"


#define TM_TEST_N(a)    (sizeof(a) / sizeof((a)[0]))


typedef struct {
    const char   *name;
    const char   *email;
    const char   *due;
    const char   *kind;
    int           flag;
    long long     priority;
    int           prefs;
    int           pref_email;
    int           pref_sms;
    tm_field_strings_t  labels;
} tm_test_target_t;


static const char *const  tm_test_kinds[] = { "a", "b", NULL };

static const tm_field_t  tm_test_prefs[] = {
    { "email", TM_FIELD_BOOL, 0, offsetof(tm_test_target_t, pref_email),
      NULL, NULL, NULL, 0, 0, NULL, NULL },
    { "sms", TM_FIELD_BOOL, 0, offsetof(tm_test_target_t, pref_sms),
      NULL, NULL, NULL, 0, 0, NULL, NULL },
    tm_field_null
};

static const tm_field_t  tm_test_table[] = {
    { "name", TM_FIELD_STRING, TM_FIELD_REQUIRED,
      offsetof(tm_test_target_t, name), tm_valid_name, NULL, NULL, 0, 0,
      NULL, NULL },
    { "email", TM_FIELD_STRING, TM_FIELD_LOWER,
      offsetof(tm_test_target_t, email), tm_valid_email, "bad_email",
      NULL, 0, 0, NULL, NULL },
    { "due", TM_FIELD_DATETIME, TM_FIELD_NULLABLE,
      offsetof(tm_test_target_t, due), NULL, NULL, NULL, 0, 0, NULL, NULL },
    { "kind", TM_FIELD_ENUM, 0, offsetof(tm_test_target_t, kind), NULL,
      NULL, tm_test_kinds, 0, 0, NULL, "must be a or b" },
    { "flag", TM_FIELD_BOOL, 0, offsetof(tm_test_target_t, flag), NULL,
      NULL, NULL, 0, 0, NULL, NULL },
    { "priority", TM_FIELD_INT, 0, offsetof(tm_test_target_t, priority),
      NULL, NULL, NULL, 1, 4, NULL, NULL },
    { "prefs", TM_FIELD_OBJECT, 0, offsetof(tm_test_target_t, prefs), NULL,
      NULL, NULL, 0, 0, tm_test_prefs, "must be an object of booleans" },
    { "labels", TM_FIELD_STRINGS, TM_FIELD_FOLD,
      offsetof(tm_test_target_t, labels), tm_valid_label, NULL, NULL, 0, 3,
      NULL, NULL },
    tm_field_null
};


typedef struct {
    const char  *body;     /* JSON text, NULL: no body */
    unsigned     mode;
    const char  *code;     /* NULL: must read */
    const char  *field;
} tm_test_case_t;


static const tm_test_case_t  tm_test_cases[] = {
    /* the body as a whole */
    { NULL, TM_BODY_OPTIONAL, NULL, NULL },
    { NULL, TM_BODY_REQUIRED, "invalid_json", "" },
    { NULL, TM_BODY_PATCH, "invalid_json", "" },
    { "[]", TM_BODY_REQUIRED, "invalid_json", "" },
    { "{}", TM_BODY_PATCH, "empty_patch", "" },
    { "{}", TM_BODY_REQUIRED, "missing_field", "name" },

    /* unknown fields come first, in the body's order */
    { "{\"colour\":1,\"name\":5}", TM_BODY_REQUIRED, "unknown_field",
      "colour" },
    { "{\"name\":\"x\",\"Name\":\"y\"}", TM_BODY_REQUIRED, "unknown_field",
      "Name" },
    { "{\"kind\":\"a\"}", TM_BODY_REQUIRED, "missing_field", "name" },
    { "{\"kind\":\"a\"}", TM_BODY_PATCH, NULL, NULL },

    /* strings */
    { "{\"name\":5}", TM_BODY_REQUIRED, "invalid_field", "name" },
    { "{\"name\":null}", TM_BODY_REQUIRED, "invalid_field", "name" },
    { "{\"name\":\"\"}", TM_BODY_REQUIRED, "invalid_field", "name" },
    { "{\"name\":\"a\\u0000b\"}", TM_BODY_REQUIRED, "invalid_field",
      "name" },
    { "{\"name\":\"Ada\",\"email\":\"nope\"}", TM_BODY_REQUIRED,
      "bad_email", "email" },
    { "{\"name\":\"Ada\",\"email\":\"A@Example.COM\"}", TM_BODY_REQUIRED,
      NULL, NULL },

    /* date-times */
    { "{\"due\":\"2026-13-01T00:00:00Z\"}", TM_BODY_PATCH,
      "invalid_field", "due" },
    { "{\"due\":\"tomorrow\"}", TM_BODY_PATCH, "invalid_field", "due" },
    { "{\"due\":null}", TM_BODY_PATCH, NULL, NULL },

    /* enums: exactly their values */
    { "{\"kind\":\"c\"}", TM_BODY_PATCH, "invalid_field", "kind" },
    { "{\"kind\":\"A\"}", TM_BODY_PATCH, "invalid_field", "kind" },
    { "{\"kind\":\"a \"}", TM_BODY_PATCH, "invalid_field", "kind" },
    { "{\"kind\":null}", TM_BODY_PATCH, "invalid_field", "kind" },

    /* booleans and numbers */
    { "{\"flag\":\"true\"}", TM_BODY_PATCH, "invalid_field", "flag" },
    { "{\"flag\":1}", TM_BODY_PATCH, "invalid_field", "flag" },
    { "{\"flag\":false}", TM_BODY_PATCH, NULL, NULL },
    { "{\"priority\":0}", TM_BODY_PATCH, "invalid_field", "priority" },
    { "{\"priority\":5}", TM_BODY_PATCH, "invalid_field", "priority" },
    { "{\"priority\":\"1\"}", TM_BODY_PATCH, "invalid_field", "priority" },
    { "{\"priority\":1.5}", TM_BODY_PATCH, "invalid_field", "priority" },
    { "{\"priority\":4}", TM_BODY_PATCH, NULL, NULL },

    /* objects: their members named by path */
    { "{\"prefs\":\"yes\"}", TM_BODY_PATCH, "invalid_field", "prefs" },
    { "{\"prefs\":[true]}", TM_BODY_PATCH, "invalid_field", "prefs" },
    { "{\"prefs\":{}}", TM_BODY_PATCH, "invalid_field", "prefs" },
    { "{\"prefs\":{\"push\":true}}", TM_BODY_PATCH, "unknown_field",
      "prefs" },
    { "{\"prefs\":{\"sms\":1}}", TM_BODY_PATCH, "invalid_field",
      "prefs.sms" },
    { "{\"prefs\":{\"email\":null}}", TM_BODY_PATCH, "invalid_field",
      "prefs.email" },
    { "{\"prefs\":{\"sms\":true}}", TM_BODY_PATCH, NULL, NULL },

    /* arrays of strings: at most max, each valid, none twice (folded) */
    { "{\"labels\":[]}", TM_BODY_PATCH, NULL, NULL },
    { "{\"labels\":[\"a\",\"b\",\"c\"]}", TM_BODY_PATCH, NULL, NULL },
    { "{\"labels\":[\"a\",\"b\",\"c\",\"d\"]}", TM_BODY_PATCH,
      "invalid_field", "labels" },
    { "{\"labels\":\"a\"}", TM_BODY_PATCH, "invalid_field", "labels" },
    { "{\"labels\":null}", TM_BODY_PATCH, "invalid_field", "labels" },
    { "{\"labels\":{\"a\":1}}", TM_BODY_PATCH, "invalid_field", "labels" },
    { "{\"labels\":[1]}", TM_BODY_PATCH, "invalid_field", "labels" },
    { "{\"labels\":[null]}", TM_BODY_PATCH, "invalid_field", "labels" },
    { "{\"labels\":[[\"a\"]]}", TM_BODY_PATCH, "invalid_field", "labels" },
    { "{\"labels\":[\"\"]}", TM_BODY_PATCH, "invalid_field", "labels" },
    { "{\"labels\":[\"a#b\"]}", TM_BODY_PATCH, "invalid_field", "labels" },
    { "{\"labels\":[\"@a\"]}", TM_BODY_PATCH, "invalid_field", "labels" },
    { "{\"labels\":[\"a,b\"]}", TM_BODY_PATCH, "invalid_field", "labels" },
    { "{\"labels\":[\"a\\nb\"]}", TM_BODY_PATCH, "invalid_field",
      "labels" },
    { "{\"labels\":[\"Home\",\"HOME\"]}", TM_BODY_PATCH, "invalid_field",
      "labels" },
    { "{\"labels\":[\"Stra\\u00dfe\",\"STRASSE\"]}", TM_BODY_PATCH,
      "invalid_field", "labels" },
    { "{\"labels\":[\"\\u00c9t\\u00e9\",\"\\u00e9T\\u00c9\"]}",
      TM_BODY_PATCH, "invalid_field", "labels" },
    { "{\"labels\":[\"cafe\",\"caf\\u00e9\"]}", TM_BODY_PATCH, NULL,
      NULL },

    /* the table's order decides between two bad values */
    { "{\"flag\":1,\"name\":5}", TM_BODY_PATCH, "invalid_field", "name" },
};


static void *
tm_test_alloc(void *data, size_t size)
{
    json_t  *keep = data;
    json_t  *block;
    char    *p;

    /* blocks live as long as the case: jansson strings of that size */
    p = calloc(1, size + 1);
    if (p == NULL) {
        return NULL;
    }

    memset(p, 'x', size);
    block = json_string(p);
    free(p);
    json_array_append_new(keep, block);

    return (void *) json_string_value(block);
}


static int
tm_test_read(const char *text, unsigned mode, tm_test_target_t *t,
    tm_field_error_t *err, json_t *keep, json_t **body)
{
    *body = NULL;

    if (text) {
        *body = json_loads(text, JSON_ALLOW_NUL, NULL);
        assert_non_null(*body);
    }

    memset(t, 0x5a, sizeof(*t));

    return tm_fields_read(*body, tm_test_table, mode, t, tm_test_alloc, keep,
                          err);
}


static void
tm_test_cases_all(void **state)
{
    int                rc;
    size_t             i;
    json_t            *keep, *body;
    tm_field_error_t   err;
    tm_test_target_t   t;

    for (i = 0; i < TM_TEST_N(tm_test_cases); i++) {
        keep = json_array();
        err.code = NULL;

        rc = tm_test_read(tm_test_cases[i].body, tm_test_cases[i].mode, &t,
                          &err, keep, &body);

        if (tm_test_cases[i].code == NULL) {
            if (rc != 0) {
                fail_msg("case %zu %s: refused: %s %s %s", i,
                         tm_test_cases[i].body, err.code, err.field,
                         err.message);
            }

        } else {
            if (rc != -1 || err.code == NULL
                || strcmp(err.code, tm_test_cases[i].code) != 0
                || strcmp(err.field, tm_test_cases[i].field) != 0)
            {
                fail_msg("case %zu %s: rc %d code %s field %s, expected "
                         "%s %s", i, tm_test_cases[i].body, rc,
                         err.code ? err.code : "(none)",
                         err.code ? err.field : "", tm_test_cases[i].code,
                         tm_test_cases[i].field);
            }

            assert_non_null(err.message);
        }

        json_decref(body);
        json_decref(keep);
    }
}


/* what a successful read leaves in the target */
static void
tm_test_values(void **state)
{
    json_t            *keep, *body;
    tm_field_error_t   err;
    tm_test_target_t   t;

    keep = json_array();

    assert_int_equal(tm_test_read("{\"name\":\"Ada\","
                                  "\"email\":\"Ada@Example.COM\","
                                  "\"due\":\"2026-11-25T18:00:00.5+01:00\","
                                  "\"kind\":\"b\",\"flag\":true,"
                                  "\"priority\":2,"
                                  "\"prefs\":{\"sms\":false}}",
                                  TM_BODY_REQUIRED, &t, &err, keep, &body),
                     0);

    assert_string_equal(t.name, "Ada");
    assert_string_equal(t.email, "ada@example.com");
    assert_string_equal(t.due, "2026-11-25T17:00:00Z");
    assert_string_equal(t.kind, "b");
    assert_int_equal(t.flag, 1);
    assert_int_equal(t.priority, 2);
    assert_int_equal(t.prefs, 1);
    assert_int_equal(t.pref_email, -1);
    assert_int_equal(t.pref_sms, 0);
    assert_int_equal(t.labels.n, -1);

    /* the body's own string is not lower-cased in place */
    assert_string_equal(json_string_value(json_object_get(body, "email")),
                        "Ada@Example.COM");

    json_decref(body);
    json_decref(keep);

    /* arrays of strings: as written, and folded */
    keep = json_array();
    assert_int_equal(tm_test_read("{\"labels\":[\"Home\","
                                  "\"Stra\\u00dfe\",\"\\u0394x\"]}",
                                  TM_BODY_PATCH, &t, &err, keep, &body), 0);
    assert_int_equal(t.labels.n, 3);
    assert_string_equal(t.labels.items[0], "Home");
    assert_string_equal(t.labels.items[1], "Stra\xc3\x9f" "e");
    assert_string_equal(t.labels.folded[0], "home");
    assert_string_equal(t.labels.folded[1], "strasse");
    assert_string_equal(t.labels.folded[2], "\xce\xb4x");
    assert_null(t.labels.items[3]);
    json_decref(body);
    json_decref(keep);

    keep = json_array();
    assert_int_equal(tm_test_read("{\"labels\":[]}", TM_BODY_PATCH, &t,
                                  &err, keep, &body), 0);
    assert_int_equal(t.labels.n, 0);
    json_decref(body);
    json_decref(keep);
}


/* absent fields read as absent whatever the target held; null clears */
static void
tm_test_absent(void **state)
{
    json_t            *keep, *body;
    tm_field_error_t   err;
    tm_test_target_t   t;

    keep = json_array();

    assert_int_equal(tm_test_read("{\"due\":null}", TM_BODY_PATCH, &t, &err,
                                  keep, &body),
                     0);

    assert_null(t.name);
    assert_null(t.email);
    assert_string_equal(t.due, "");
    assert_null(t.kind);
    assert_int_equal(t.flag, -1);
    assert_true(t.priority == TM_FIELD_NO_INT);
    assert_int_equal(t.prefs, 0);
    assert_int_equal(t.pref_email, -1);
    assert_int_equal(t.pref_sms, -1);

    json_decref(body);
    json_decref(keep);
}


/* a client's long unknown key is named whole */
static void
tm_test_long_key(void **state)
{
    char               key[300], text[400];
    json_t            *keep, *body;
    tm_field_error_t   err;
    tm_test_target_t   t;

    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    snprintf(text, sizeof(text), "{\"%s\":1}", key);

    keep = json_array();

    assert_int_equal(tm_test_read(text, TM_BODY_PATCH, &t, &err, keep,
                                  &body),
                     -1);
    assert_string_equal(err.code, "unknown_field");
    assert_string_equal(err.field, key);

    json_decref(body);
    json_decref(keep);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_cases_all),
        cmocka_unit_test(tm_test_values),
        cmocka_unit_test(tm_test_absent),
        cmocka_unit_test(tm_test_long_key),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
