/*
 * Request bodies read from a table, in the spirit of nginx's ngx_command_t:
 * one row per API field (name, kind, limits, required, nullable, where it
 * goes in the handler's struct).  One reader walks the table, so a new API
 * field is one row, and every body error (unknown field, wrong type,
 * missing, too long, bad pattern) comes out the same way, with its field.
 * nginx-free: the module reads bodies with it, the unit tests drive it.
 */

#ifndef TM_FIELDS_H
#define TM_FIELDS_H

#include <limits.h>
#include <stddef.h>
#include <jansson.h>


typedef enum {
    TM_FIELD_STRING = 1,   /* const char *: valid() decides */
    TM_FIELD_ENUM,         /* const char *: one of values (exact) */
    TM_FIELD_DATETIME,     /* const char *: RFC 3339, stored as UTC seconds
                              "2026-11-25T17:00:00Z" */
    TM_FIELD_BOOL,         /* int: -1 absent, 0, 1 */
    TM_FIELD_INT,          /* long long: min..max, TM_FIELD_NO_INT absent */
    TM_FIELD_OBJECT,       /* int: 1 when present; members in fields */
    TM_FIELD_STRINGS,      /* tm_field_strings_t: an array of at most max
                              strings, each checked by valid() */
    TM_FIELD_JSON          /* const json_t *: any value (null only if
                              NULLABLE), checked by the caller, which
                              knows what it depends on (a reminder needs
                              the due date the task will have) */
} tm_field_kind_e;

/* row flags */
#define TM_FIELD_REQUIRED   0x01
#define TM_FIELD_NULLABLE   0x02  /* JSON null allowed: strings read "" */
#define TM_FIELD_LOWER      0x04  /* ASCII lower-cased before valid() */
#define TM_FIELD_FOLD       0x08  /* STRINGS: case-folded copies made, and
                                     two that fold alike refused */

/* how the body as a whole is read */
#define TM_BODY_OPTIONAL    0     /* no body: every field absent */
#define TM_BODY_REQUIRED    1     /* a JSON object must be sent */
#define TM_BODY_PATCH       2     /* an object with at least one field */

#define TM_FIELD_PATH_MAX   64
#define TM_FIELD_NO_INT     LLONG_MIN


typedef const char *(*tm_field_valid_pt)(const char *s, size_t len);

/* a STRINGS field: n is -1 when absent; folded with TM_FIELD_FOLD */
typedef struct {
    const char              **items;
    const char              **folded;
    long                      n;
} tm_field_strings_t;

typedef void *(*tm_field_alloc_pt)(void *data, size_t size);

typedef struct tm_field_s  tm_field_t;

struct tm_field_s {
    const char               *name;
    tm_field_kind_e           kind;
    unsigned                  flags;
    size_t                    offset;     /* offsetof() in the target */
    tm_field_valid_pt         valid;      /* STRING: NULL accepts any */
    const char               *code;       /* valid()'s refusal: NULL is
                                             "invalid_field" */
    const char *const        *values;     /* ENUM: NULL-ended */
    long long                 min;        /* INT */
    long long                 max;        /* INT; STRINGS: most items */
    const tm_field_t         *fields;     /* OBJECT: its members */
    const char               *message;    /* ENUM, OBJECT, STRINGS: the
                                             refusal of the whole value */
};

/* the end of a table */
#define tm_field_null  { NULL, 0, 0, 0, NULL, NULL, NULL, 0, 0, NULL, NULL }


typedef struct {
    const char               *code;       /* invalid_json, unknown_field,
                                             missing_field, invalid_field,
                                             empty_patch, weak_password */
    const char               *message;
    const char               *field;      /* "" if none: a name in the
                                             table or the body, or buf */
    char                      buf[TM_FIELD_PATH_MAX];
} tm_field_error_t;


/* the table of routes that take no fields */
extern const tm_field_t  tm_no_body[];


/*
 * Reads body (an object, or NULL when none was sent) into target by the
 * table.  Absent fields are left as the kind's "absent" (NULL strings, -1
 * booleans, TM_FIELD_NO_INT numbers, 0 objects, n -1), so target needs no
 * initialising.  alloc (e.g. the request's pool) provides copies for
 * LOWER and DATETIME values, STRINGS arrays and folded copies, aligned for
 * pointers; strings otherwise point into body.  0 on
 * success, -1 with err filled (the status is always 400).
 */
int tm_fields_read(const json_t *body, const tm_field_t *table,
    unsigned mode, void *target, tm_field_alloc_pt alloc, void *alloc_data,
    tm_field_error_t *err);

#endif /* TM_FIELDS_H */
