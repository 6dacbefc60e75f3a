/*
 * The body reader: one walk of a field table (tm_fields.h).  Checks run in
 * the order clients have always seen: the fields sent that are unknown (in
 * the body's order), then the required ones missing (none for a PATCH),
 * an empty PATCH, then
 * each field's value in the table's order.
 */

#include <stdio.h>
#include <string.h>

#include "tm_fields.h"
#include "tm_fold.h"
#include "tm_validate.h"


const tm_field_t  tm_no_body[] = {
    tm_field_null
};


static int tm_fields_object(const json_t *obj, const tm_field_t *table,
    const char *path, unsigned mode, void *target, tm_field_alloc_pt alloc,
    void *alloc_data, tm_field_error_t *err);
static int tm_fields_value(const json_t *v, const tm_field_t *f,
    const char *path, void *target, tm_field_alloc_pt alloc,
    void *alloc_data, tm_field_error_t *err);
static int tm_fields_string(const json_t *v, const tm_field_t *f,
    const char *path, const char **out, tm_field_alloc_pt alloc,
    void *alloc_data, tm_field_error_t *err);
static int tm_fields_strings(const json_t *v, const tm_field_t *f,
    const char *path, tm_field_strings_t *out, tm_field_alloc_pt alloc,
    void *alloc_data, tm_field_error_t *err);
static void tm_fields_absent(const tm_field_t *table, void *target);
static const tm_field_t *tm_fields_find(const tm_field_t *table,
    const char *name);
static int tm_fields_fail(tm_field_error_t *err, const char *code,
    const char *message, const char *path, const char *name);


int
tm_fields_read(const json_t *body, const tm_field_t *table, unsigned mode,
    void *target, tm_field_alloc_pt alloc, void *alloc_data,
    tm_field_error_t *err)
{
    tm_fields_absent(table, target);

    if (body == NULL) {
        if (mode == TM_BODY_OPTIONAL) {
            return 0;
        }

        return tm_fields_fail(err, "invalid_json",
                              "a JSON object body is required", "", NULL);
    }

    if (!json_is_object(body)) {
        return tm_fields_fail(err, "invalid_json",
                              "the body must be a JSON object", "", NULL);
    }

    return tm_fields_object(body, table, "", mode, target, alloc, alloc_data,
                            err);
}


static int
tm_fields_object(const json_t *obj, const tm_field_t *table,
    const char *path, unsigned mode, void *target, tm_field_alloc_pt alloc,
    void *alloc_data, tm_field_error_t *err)
{
    void              *it;
    const char        *key;
    const json_t      *v;
    const tm_field_t  *f;

    for (it = json_object_iter((json_t *) obj); it;
         it = json_object_iter_next((json_t *) obj, it))
    {
        key = json_object_iter_key(it);

        if (tm_fields_find(table, key) == NULL) {
            /* inside an object the object is named: its members are the
             * row's to describe */
            return tm_fields_fail(err, "unknown_field",
                                  "this field is not accepted here", path,
                                  *path ? NULL : key);
        }
    }

    /* a PATCH changes what it names: nothing is required */
    for (f = table; mode != TM_BODY_PATCH && f->name; f++) {
        if ((f->flags & TM_FIELD_REQUIRED)
            && json_object_get(obj, f->name) == NULL)
        {
            return tm_fields_fail(err, "missing_field",
                                  "this field is required", path, f->name);
        }
    }

    if (mode == TM_BODY_PATCH && json_object_size(obj) == 0) {
        return tm_fields_fail(err, "empty_patch", "nothing to change", "",
                              NULL);
    }

    for (f = table; f->name; f++) {
        v = json_object_get(obj, f->name);

        if (v && tm_fields_value(v, f, path, target, alloc, alloc_data, err)
                 != 0)
        {
            return -1;
        }
    }

    return 0;
}


static int
tm_fields_value(const json_t *v, const tm_field_t *f, const char *path,
    void *target, tm_field_alloc_pt alloc, void *alloc_data,
    tm_field_error_t *err)
{
    char          sub[TM_FIELD_PATH_MAX];
    char         *p;
    long long     n;
    const char   *why;

    p = (char *) target + f->offset;

    if (f->kind == TM_FIELD_JSON
        && (!json_is_null(v) || (f->flags & TM_FIELD_NULLABLE)))
    {
        *(const json_t **) p = v;
        return 0;
    }

    if (json_is_null(v) && (f->flags & TM_FIELD_NULLABLE)) {
        if (f->kind == TM_FIELD_STRING || f->kind == TM_FIELD_ENUM
            || f->kind == TM_FIELD_DATETIME)
        {
            /* validators refuse "", so "" only ever means "clear it" */
            *(const char **) p = "";
        }

        return 0;
    }

    switch (f->kind) {

    case TM_FIELD_BOOL:
        if (!json_is_boolean(v)) {
            return tm_fields_fail(err, "invalid_field",
                                  "must be true or false", path, f->name);
        }

        *(int *) p = json_is_true(v);
        return 0;

    case TM_FIELD_INT:
        if (!json_is_integer(v)) {
            return tm_fields_fail(err, "invalid_field",
                                  f->message ? f->message
                                             : "must be a whole number",
                                  path, f->name);
        }

        n = json_integer_value(v);
        if (n < f->min || n > f->max) {
            return tm_fields_fail(err, "invalid_field",
                                  f->message ? f->message : "out of range",
                                  path, f->name);
        }

        *(long long *) p = n;
        return 0;

    case TM_FIELD_OBJECT:
        if (!json_is_object(v) || json_object_size(v) == 0) {
            return tm_fields_fail(err, "invalid_field",
                                  f->message ? f->message
                                             : "must be a non-empty object",
                                  path, f->name);
        }

        if (snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "",
                     f->name)
            >= (int) sizeof(sub))
        {
            return tm_fields_fail(err, "invalid_field", "nested too deep",
                                  path, f->name);
        }

        *(int *) p = 1;

        return tm_fields_object(v, f->fields, sub, TM_BODY_OPTIONAL, target,
                                alloc, alloc_data, err);

    case TM_FIELD_STRINGS:
        return tm_fields_strings(v, f, path, (tm_field_strings_t *) p, alloc,
                                 alloc_data, err);

    default:
        if (tm_fields_string(v, f, path, (const char **) p, alloc,
                             alloc_data, err)
            != 0)
        {
            return -1;
        }

        why = NULL;

        if (f->kind == TM_FIELD_DATETIME) {
            why = tm_valid_datetime(*(const char **) p,
                                    strlen(*(const char **) p));
        }

        if (why) {
            *(const char **) p = NULL;
            return tm_fields_fail(err, "invalid_field", why, path, f->name);
        }

        if (f->kind == TM_FIELD_DATETIME) {
            /* stored and compared as UTC seconds */
            (void) tm_parse_rfc3339(*(const char **) p,
                                    strlen(*(const char **) p), &n);

            *(const char **) p = NULL;

            p = alloc(alloc_data, 21);
            if (p == NULL) {
                return tm_fields_fail(err, "invalid_field", "out of memory",
                                      path, f->name);
            }

            tm_format_rfc3339(n, p);
            *(const char **) ((char *) target + f->offset) = p;
        }

        return 0;
    }
}


/* a string (STRING, ENUM, DATETIME): no NUL inside, lower-cased copy if
 * asked, then the row's check */

static int
tm_fields_string(const json_t *v, const tm_field_t *f, const char *path,
    const char **out, tm_field_alloc_pt alloc, void *alloc_data,
    tm_field_error_t *err)
{
    char                *copy;
    size_t               len;
    const char          *s, *why;

    if (!json_is_string(v)) {
        return tm_fields_fail(err, "invalid_field", "must be a string", path,
                              f->name);
    }

    s = json_string_value(v);
    len = json_string_length(v);

    if (strlen(s) != len) {
        return tm_fields_fail(err, "invalid_field",
                              "must not contain NUL characters", path,
                              f->name);
    }

    if (f->flags & TM_FIELD_LOWER) {
        copy = alloc(alloc_data, len + 1);
        if (copy == NULL) {
            return tm_fields_fail(err, "invalid_field", "out of memory",
                                  path, f->name);
        }

        memcpy(copy, s, len + 1);
        tm_ascii_lower(copy, len);
        s = copy;
    }

    if (f->kind == TM_FIELD_ENUM) {
        if (tm_enum_index(f->values, s, len) < 0) {
            return tm_fields_fail(err, "invalid_field",
                                  f->message ? f->message
                                             : "is not one of the values "
                                               "accepted",
                                  path, f->name);
        }
    }

    why = ((f->kind == TM_FIELD_STRING || f->kind == TM_FIELD_STRINGS)
           && f->valid)
          ? f->valid(s, len) : NULL;

    if (why) {
        return tm_fields_fail(err, f->code ? f->code : "invalid_field", why,
                              path, f->name);
    }

    *out = s;

    return 0;
}


/* an array of strings, each as a STRING row would read it */

static int
tm_fields_strings(const json_t *v, const tm_field_t *f, const char *path,
    tm_field_strings_t *out, tm_field_alloc_pt alloc, void *alloc_data,
    tm_field_error_t *err)
{
    long         k;
    char        *fold;
    size_t       i, n, size;
    const char  *s;

    if (!json_is_array(v) || json_array_size(v) > (size_t) f->max) {
        return tm_fields_fail(err, "invalid_field",
                              f->message ? f->message
                                         : "must be an array of strings",
                              path, f->name);
    }

    n = json_array_size(v);
    out->items = alloc(alloc_data, (n + 1) * sizeof(const char *));
    out->folded = alloc(alloc_data, (n + 1) * sizeof(const char *));

    if (out->items == NULL || out->folded == NULL) {
        return tm_fields_fail(err, "invalid_field", "out of memory", path,
                              f->name);
    }

    for (i = 0; i < n; i++) {
        if (tm_fields_string(json_array_get(v, i), f, path, &s, alloc,
                             alloc_data, err)
            != 0)
        {
            return -1;
        }

        out->items[i] = s;
        out->folded[i] = s;

        if (!(f->flags & TM_FIELD_FOLD)) {
            continue;
        }

        /* folding can make a character three */
        size = strlen(s) * 3 + 1;
        fold = alloc(alloc_data, size);
        if (fold == NULL || tm_fold_case(s, strlen(s), fold, size) < 0) {
            return tm_fields_fail(err, "invalid_field", "must be valid UTF-8",
                                  path, f->name);
        }

        for (k = 0; k < (long) i; k++) {
            if (strcmp(out->folded[k], fold) == 0) {
                return tm_fields_fail(err, "invalid_field",
                                      "must not hold the same value twice "
                                      "(case is ignored)", path, f->name);
            }
        }

        out->folded[i] = fold;
    }

    out->items[n] = NULL;
    out->folded[n] = NULL;
    out->n = (long) n;

    return 0;
}


static void
tm_fields_absent(const tm_field_t *table, void *target)
{
    char              *p;
    const tm_field_t  *f;

    for (f = table; f->name; f++) {
        p = (char *) target + f->offset;

        switch (f->kind) {

        case TM_FIELD_BOOL:
            *(int *) p = -1;
            break;

        case TM_FIELD_INT:
            *(long long *) p = TM_FIELD_NO_INT;
            break;

        case TM_FIELD_OBJECT:
            *(int *) p = 0;
            tm_fields_absent(f->fields, target);
            break;

        case TM_FIELD_STRINGS:
            ((tm_field_strings_t *) p)->n = -1;
            break;

        default:
            *(const char **) p = NULL;
        }
    }
}


static const tm_field_t *
tm_fields_find(const tm_field_t *table, const char *name)
{
    const tm_field_t  *f;

    for (f = table; f->name; f++) {
        if (strcmp(f->name, name) == 0) {
            return f;
        }
    }

    return NULL;
}


/* err->field is path.name, path alone, or name alone (which may be a
 * client's key of any length: not copied) */

static int
tm_fields_fail(tm_field_error_t *err, const char *code, const char *message,
    const char *path, const char *name)
{
    err->code = code;
    err->message = message;

    if (*path == '\0') {
        err->field = name ? name : "";
        return -1;
    }

    snprintf(err->buf, sizeof(err->buf), "%s%s%s", path, name ? "." : "",
             name ? name : "");
    err->field = err->buf;

    return -1;
}
