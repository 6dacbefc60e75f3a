/*
 * DynamoDB's JSON wire format.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm_ddb.h"


json_t *
tm_ddb_s(const char *s)
{
    return json_pack("{s:s}", "S", s);
}


json_t *
tm_ddb_n(long long n)
{
    char  buf[24];

    snprintf(buf, sizeof(buf), "%lld", n);

    return json_pack("{s:s}", "N", buf);
}


json_t *
tm_ddb_bool(int b)
{
    return json_pack("{s:b}", "BOOL", b);
}


json_t *
tm_ddb_key(const char *pk, const char *sk)
{
    return json_pack("{s:{s:s}, s:{s:s}}", TM_PK, "S", pk, TM_SK, "S", sk);
}


const char *
tm_ddb_get_s(const json_t *item, const char *name)
{
    const json_t  *v;

    v = json_object_get(json_object_get(item, name), "S");

    return json_string_value(v);
}


int
tm_ddb_get_n(const json_t *item, const char *name, long long *n)
{
    char        *end;
    const char  *s;

    s = json_string_value(json_object_get(json_object_get(item, name), "N"));
    if (s == NULL || *s == '\0') {
        return -1;
    }

    *n = strtoll(s, &end, 10);

    return (*end == '\0' || *end == '.') ? 0 : -1;
}


int
tm_ddb_get_bool(const json_t *item, const char *name, int dflt)
{
    const json_t  *v;

    v = json_object_get(json_object_get(item, name), "BOOL");

    return json_is_boolean(v) ? json_is_true(v) : dflt;
}


const json_t *
tm_ddb_get_m(const json_t *item, const char *name)
{
    const json_t  *v;

    v = json_object_get(json_object_get(item, name), "M");

    return json_is_object(v) ? v : NULL;
}


const char *
tm_ddb_error_type(const json_t *reply)
{
    const char  *type, *hash;

    type = json_string_value(json_object_get(reply, "__type"));
    if (type == NULL) {
        return NULL;
    }

    hash = strrchr(type, '#');

    return hash ? hash + 1 : type;
}


const char *
tm_ddb_error_message(const json_t *reply)
{
    const char  *m;

    m = json_string_value(json_object_get(reply, "message"));

    return m ? m : json_string_value(json_object_get(reply, "Message"));
}
