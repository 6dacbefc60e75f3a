/*
 * The user item and its API JSON.
 */

#include <stdio.h>
#include <string.h>

#include "tm_ddb.h"
#include "tm_task.h"
#include "tm_user.h"
#include "tm_zone.h"
#include "tm_validate.h"


#define tm_user_row(name, kind, flags, member, valid, code)                   \
    { name, kind, flags, offsetof(tm_user_fields_t, member), valid, code,      \
      NULL, 0, 0, NULL, NULL }


/* the account's email, as every body that names one takes it */
#define tm_user_email_row                                                     \
    tm_user_row("email", TM_FIELD_STRING, TM_FIELD_REQUIRED|TM_FIELD_LOWER,    \
                email, tm_valid_email, NULL)


static const tm_field_t  tm_user_prefs[] = {
    tm_user_row("email", TM_FIELD_BOOL, 0, pref_email, NULL, NULL),
    tm_user_row("sms", TM_FIELD_BOOL, 0, pref_sms, NULL, NULL),
    tm_user_row("completedEmail", TM_FIELD_BOOL, 0, pref_completed_email,
                NULL, NULL),
    tm_user_row("completedSms", TM_FIELD_BOOL, 0, pref_completed_sms, NULL,
                NULL),
    tm_field_null
};

const tm_field_t  tm_user_register_body[] = {
    tm_user_email_row,
    tm_user_row("password", TM_FIELD_STRING, TM_FIELD_REQUIRED, password,
                tm_valid_password, "weak_password"),
    tm_user_row("firstName", TM_FIELD_STRING, TM_FIELD_REQUIRED,
                first_name, tm_valid_name, NULL),
    tm_user_row("lastName", TM_FIELD_STRING, TM_FIELD_REQUIRED, last_name,
                tm_valid_name, NULL),
    tm_user_row("phoneNumber", TM_FIELD_STRING, TM_FIELD_NULLABLE, phone,
                tm_valid_phone, NULL),
    tm_user_row("timeZone", TM_FIELD_STRING, 0, time_zone,
                tm_valid_time_zone, NULL),
    tm_field_null
};

const tm_field_t  tm_user_confirm_body[] = {
    tm_user_email_row,
    tm_user_row("code", TM_FIELD_STRING, TM_FIELD_REQUIRED, code,
                tm_valid_code, NULL),
    tm_field_null
};

/* POST /api/users/me/phone/confirm */
const tm_field_t  tm_user_phone_confirm_body[] = {
    tm_user_row("code", TM_FIELD_STRING, TM_FIELD_REQUIRED, code,
                tm_valid_code, NULL),
    tm_field_null
};

/* forgot password, resend the confirmation code */
const tm_field_t  tm_user_email_body[] = {
    tm_user_email_row,
    tm_field_null
};

const tm_field_t  tm_user_reset_body[] = {
    tm_user_email_row,
    tm_user_row("code", TM_FIELD_STRING, TM_FIELD_REQUIRED, code,
                tm_valid_code, NULL),
    tm_user_row("password", TM_FIELD_STRING, TM_FIELD_REQUIRED, password,
                tm_valid_password, "weak_password"),
    tm_field_null
};

const tm_field_t  tm_user_change_body[] = {
    tm_user_row("currentPassword", TM_FIELD_STRING, TM_FIELD_REQUIRED,
                password, tm_valid_present, NULL),
    tm_user_row("newPassword", TM_FIELD_STRING, TM_FIELD_REQUIRED,
                new_password, tm_valid_password, "weak_password"),
    tm_field_null
};

/* DELETE /api/users/me: the password, checked by Cognito as at login */
const tm_field_t  tm_user_delete_body[] = {
    tm_user_row("password", TM_FIELD_STRING, TM_FIELD_REQUIRED, password,
                tm_valid_present, NULL),
    tm_field_null
};

const tm_field_t  tm_user_login_body[] = {
    tm_user_email_row,
    tm_user_row("password", TM_FIELD_STRING, TM_FIELD_REQUIRED, password,
                tm_valid_present, NULL),
    tm_field_null
};

const tm_field_t  tm_user_refresh_body[] = {
    tm_user_row("refreshToken", TM_FIELD_STRING, 0, refresh_token,
                tm_valid_present, NULL),
    tm_field_null
};

const tm_field_t  tm_user_patch_body[] = {
    tm_user_row("firstName", TM_FIELD_STRING, 0, first_name, tm_valid_name,
                NULL),
    tm_user_row("lastName", TM_FIELD_STRING, 0, last_name, tm_valid_name,
                NULL),
    tm_user_row("phoneNumber", TM_FIELD_STRING, TM_FIELD_NULLABLE, phone,
                tm_valid_phone, NULL),
    tm_user_row("timeZone", TM_FIELD_STRING, 0, time_zone,
                tm_valid_time_zone, NULL),
    { "notificationPreferences", TM_FIELD_OBJECT, 0,
      offsetof(tm_user_fields_t, prefs), NULL, NULL, NULL, 0, 0,
      tm_user_prefs, "must be an object with email, sms, completedEmail"
      " and/or completedSms" },
    tm_user_row("defaultReminders", TM_FIELD_JSON, 0, default_reminders_v,
                NULL, NULL),
    tm_user_row("quietHours", TM_FIELD_JSON, TM_FIELD_NULLABLE,
                quiet_hours_v, NULL, NULL),
    tm_user_row("digest", TM_FIELD_JSON, 0, digest_v, NULL, NULL),
    tm_field_null
};


static const char *tm_user_clock(const json_t *obj, const char *name,
    char *out);
static json_t *tm_user_defaults_json(const json_t *item);


void
tm_user_key(const char *sub, char *out, size_t size)
{
    snprintf(out, size, TM_USER_PREFIX "%s", sub);
}


json_t *
tm_user_item(const tm_user_t *u)
{
    char     key[160];
    json_t  *item;

    tm_user_key(u->sub, key, sizeof(key));

    item = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s},"
                     " s:{s:{s:{s:b}, s:{s:b}}}, s:{s:s}, s:{s:s}}",
                     TM_PK, "S", key,
                     TM_SK, "S", key,
                     "Email", "S", u->email,
                     "FirstName", "S", u->first_name,
                     "LastName", "S", u->last_name,
                     "NotificationPreferences", "M",
                         "email", "BOOL", 0, "sms", "BOOL", 0,
                     "CreatedAt", "S", u->now,
                     "UpdatedAt", "S", u->now);

    if (item && u->phone) {
        json_object_set_new(item, "PhoneNumber", tm_ddb_s(u->phone));
    }

    if (item && u->time_zone) {
        json_object_set_new(item, "UserTimeZone",
                            tm_ddb_s(u->time_zone));
    }

    if (item && u->last_login) {
        json_object_set_new(item, "LastLogin", tm_ddb_s(u->last_login));
    }

    return item;
}


int
tm_user_phone_verified(const json_t *item)
{
    const char  *phone;

    phone = tm_ddb_get_s(item, "PhoneNumber");

    return phone != NULL && *phone != '\0'
           && tm_ddb_get_bool(item, "PhoneVerified", 0);
}


static json_t *
tm_json_string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}


json_t *
tm_user_json(const json_t *item)
{
    json_t        *obj;
    const char    *pk, *sk, *tz, *digest_time;
    const json_t  *prefs, *quiet, *digest;

    pk = tm_ddb_get_s(item, TM_PK);
    sk = tm_ddb_get_s(item, TM_SK);

    /* a user item's sort key is its partition key: not a task of it */
    if (pk == NULL || strncmp(pk, TM_USER_PREFIX, sizeof(TM_USER_PREFIX) - 1)
        || sk == NULL || strcmp(pk, sk) != 0)
    {
        return NULL;
    }

    prefs = tm_ddb_get_m(item, "NotificationPreferences");
    quiet = tm_ddb_get_m(item, "QuietHours");
    digest = tm_ddb_get_m(item, "Digest");
    digest_time = tm_ddb_get_s(digest, "Time");

    tz = tm_ddb_get_s(item, "UserTimeZone");

    obj = json_pack("{s:s, s:o, s:o, s:o, s:o, s:b, s:s,"
                     " s:{s:b, s:b, s:b, s:b},"
                     " s:o, s:o, s:{s:b, s:s}, s:o, s:o, s:o}",
                     "id", pk + sizeof(TM_USER_PREFIX) - 1,
                     "email", tm_json_string_or_null(
                                  tm_ddb_get_s(item, "Email")),
                     "firstName", tm_json_string_or_null(
                                      tm_ddb_get_s(item, "FirstName")),
                     "lastName", tm_json_string_or_null(
                                     tm_ddb_get_s(item, "LastName")),
                     "phoneNumber", tm_json_string_or_null(
                                        tm_ddb_get_s(item, "PhoneNumber")),
                     "phoneVerified", tm_user_phone_verified(item),
                     "timeZone", tz ? tz : TM_ZONE_DEFAULT,
                     "notificationPreferences",
                         "email", tm_ddb_get_bool(prefs, "email", 0),
                         "sms", tm_ddb_get_bool(prefs, "sms", 0),
                         "completedEmail",
                         tm_ddb_get_bool(prefs, "completedEmail", 0),
                         "completedSms",
                         tm_ddb_get_bool(prefs, "completedSms", 0),
                     "defaultReminders", tm_user_defaults_json(item),
                     "quietHours",
                     (tm_ddb_get_s(quiet, "Start") && tm_ddb_get_s(quiet,
                                                                   "End"))
                     ? json_pack("{s:s, s:s}",
                                 "start", tm_ddb_get_s(quiet, "Start"),
                                 "end", tm_ddb_get_s(quiet, "End"))
                     : json_null(),
                     "digest",
                         "enabled", tm_ddb_get_bool(digest, "Enabled", 0),
                         "time", digest_time ? digest_time
                                             : TM_USER_DIGEST_TIME,
                     "createdAt", tm_json_string_or_null(
                                      tm_ddb_get_s(item, "CreatedAt")),
                     "updatedAt", tm_json_string_or_null(
                                      tm_ddb_get_s(item, "UpdatedAt")),
                     "lastLogin", tm_json_string_or_null(
                                      tm_ddb_get_s(item, "LastLogin")));

    /* two-factor sign-in (ngx_taskmgr_mfa.c) */
    if (obj) {
        json_object_set_new(obj, "mfaEnabled",
                            json_boolean(tm_ddb_get_bool(item, "MfaEnabled",
                                                         0)));
    }

    return obj;
}


/* the profile's default reminders: one day before unless set */

static json_t *
tm_user_defaults_json(const json_t *item)
{
    int             i;
    json_t         *list, *j;
    tm_reminders_t  rs;

    if (json_object_get(item, "DefaultReminders") == NULL) {
        return json_pack("[{s:s}]", "before", "P1D");
    }

    list = json_array();

    if (list == NULL
        || tm_reminders_from_ddb(item, "DefaultReminders", &rs) != 0)
    {
        return list;
    }

    for (i = 0; i < rs.n; i++) {
        /* no id, time or state: a template */
        j = tm_reminder_json(&rs.r[i]);
        json_object_del(j, "id");
        json_object_del(j, "fireAt");
        json_object_del(j, "state");
        json_array_append_new(list, j);
    }

    return list;
}


const char *
tm_user_patch_check(tm_user_fields_t *f, const char **field)
{
    const char  *why, *key;
    json_t      *v, *enabled;

    if (f->pref_sms == 1 && f->phone && *f->phone == '\0') {
        *field = "notificationPreferences.sms";
        return "SMS notifications need a phone number";
    }

    if (f->default_reminders_v) {
        *field = "defaultReminders";
        why = tm_reminders_parse(f->default_reminders_v, 1,
                                 &f->default_reminders);
        if (why) {
            return why;
        }
    }

    if (f->quiet_hours_v && !json_is_null(f->quiet_hours_v)) {
        *field = "quietHours";

        if (!json_is_object(f->quiet_hours_v)
            || json_object_size(f->quiet_hours_v) != 2)
        {
            return "must be null or {\"start\": \"22:00\", \"end\":"
                   " \"07:00\"}";
        }

        why = tm_user_clock(f->quiet_hours_v, "start", f->quiet_start);
        if (why == NULL) {
            why = tm_user_clock(f->quiet_hours_v, "end", f->quiet_end);
        }

        if (why) {
            return why;
        }

        if (strcmp(f->quiet_start, f->quiet_end) == 0) {
            return "start and end must differ";
        }
    }

    if (f->digest_v) {
        *field = "digest";
        enabled = json_object_get(f->digest_v, "enabled");

        if (!json_is_object(f->digest_v) || !json_is_boolean(enabled)) {
            return "must be {\"enabled\": true or false, \"time\":"
                   " \"HH:MM\"}";
        }

        json_object_foreach((json_t *) f->digest_v, key, v) {
            if (strcmp(key, "enabled") != 0 && strcmp(key, "time") != 0) {
                return "has only \"enabled\" and \"time\"";
            }
        }

        f->digest_enabled = json_is_true(enabled);
        strcpy(f->digest_time, TM_USER_DIGEST_TIME);

        if (json_object_get(f->digest_v, "time")) {
            why = tm_user_clock(f->digest_v, "time", f->digest_time);
            if (why) {
                return why;
            }
        }
    }

    return NULL;
}


/* obj's member name, "HH:MM", into out (6 bytes) */

static const char *
tm_user_clock(const json_t *obj, const char *name, char *out)
{
    json_t  *v;

    v = json_object_get(obj, name);

    if (!json_is_string(v)
        || tm_valid_clock(json_string_value(v), json_string_length(v)))
    {
        return strcmp(name, "start") == 0
               ? "\"start\" must be a time of day HH:MM"
               : strcmp(name, "end") == 0
               ? "\"end\" must be a time of day HH:MM"
               : "\"time\" must be a time of day HH:MM";
    }

    memcpy(out, json_string_value(v), 6);

    return NULL;
}


int
tm_user_patch(const tm_user_fields_t *f, const char *sub, const char *now,
    unsigned shards, tm_update_t *u, int *sms_cond)
{
    char       key[TM_REMINDER_KEY_SIZE], at[24];
    long long  t;

    *sms_cond = 0;

    tm_update_cond(u, "attribute_exists(EntityPartition)");
    tm_update_set_value(u, "UpdatedAt", ":now", tm_ddb_s(now));

    if (f->first_name) {
        tm_update_set_value(u, "FirstName", ":fn", tm_ddb_s(f->first_name));
    }

    if (f->last_name) {
        tm_update_set_value(u, "LastName", ":ln", tm_ddb_s(f->last_name));
    }

    if (f->time_zone) {
        tm_update_set_value(u, "UserTimeZone", ":tz",
                            tm_ddb_s(f->time_zone));
    }

    /* a number set, changed or cleared is not verified (any more) */
    if (f->phone && *f->phone) {
        tm_update_set_value(u, "PhoneNumber", ":ph", tm_ddb_s(f->phone));
        tm_update_remove(u, "PhoneVerified");

    } else if (f->phone) {
        tm_update_remove(u, "PhoneNumber");
        tm_update_remove(u, "PhoneVerified");
    }

    if (f->pref_email != -1) {
        tm_update_set_value(u, "NotificationPreferences.email", ":pe",
                            tm_ddb_bool(f->pref_email));
    }

    if (f->pref_sms != -1) {
        tm_update_set_value(u, "NotificationPreferences.sms", ":ps",
                            tm_ddb_bool(f->pref_sms));
    }

    if (f->pref_completed_email != -1) {
        tm_update_set_value(u, "NotificationPreferences.completedEmail",
                            ":pce", tm_ddb_bool(f->pref_completed_email));
    }

    if (f->pref_completed_sms != -1) {
        tm_update_set_value(u, "NotificationPreferences.completedSms",
                            ":pcs", tm_ddb_bool(f->pref_completed_sms));
    }

    if (f->default_reminders_v) {
        tm_update_set_value(u, "DefaultReminders", ":dr",
                            tm_reminders_to_ddb(&f->default_reminders, 0));
    }

    if (f->quiet_hours_v && f->quiet_start[0]) {
        tm_update_set_value(u, "QuietHours", ":qh",
                            json_pack("{s:{s:{s:s}, s:{s:s}}}", "M",
                                      "Start", "S", f->quiet_start,
                                      "End", "S", f->quiet_end));

    } else if (f->quiet_hours_v) {
        tm_update_remove(u, "QuietHours");
    }

    if (f->digest_v) {
        tm_update_set_value(u, "Digest", ":dg",
                            json_pack("{s:{s:{s:b}, s:{s:s}}}", "M",
                                      "Enabled", "BOOL", f->digest_enabled,
                                      "Time", "S", f->digest_time));
    }

    if ((f->digest_v && f->digest_enabled) || f->time_zone) {
        /* the scheduler works out the next digest from now on */
        (void) tm_parse_rfc3339(now, strlen(now), &t);
        tm_format_rfc3339(t, at);
        tm_reminder_key(t, sub, shards, key, sizeof(key));
        tm_update_set_value(u, "ReminderKey", ":rk", tm_ddb_s(key));
        tm_update_set_value(u, "ReminderAt", ":ra", tm_ddb_s(at));
        tm_update_set_value(u, "DigestArmedAt", ":da", tm_ddb_s(at));

    } else if (f->digest_v) {
        tm_update_remove(u, "ReminderKey");
        tm_update_remove(u, "ReminderAt");
    }

    if (f->pref_sms == 1 && f->phone == NULL) {
        tm_update_cond(u, "attribute_exists(PhoneNumber)");
        *sms_cond = 1;
    }

    if (f->phone && *f->phone == '\0' && f->pref_sms != 0) {
        tm_update_cond(u, "NotificationPreferences.sms = :false");
        tm_update_value(u, ":false", tm_ddb_bool(0));
        *sms_cond = 1;
    }

    return u->failed ? -1 : 0;
}


static const char *
tm_user_claim(const json_t *claims, const char *name)
{
    const char  *s;

    s = json_string_value(json_object_get(claims, name));

    return s ? s : "";
}


void
tm_user_from_claims(const json_t *claims, const char *sub, const char *now,
    tm_user_t *u)
{
    u->sub = sub;
    u->email = tm_user_claim(claims, "email");
    u->first_name = tm_user_claim(claims, "given_name");
    u->last_name = tm_user_claim(claims, "family_name");
    u->phone = NULL;
    u->time_zone = NULL;
    u->now = now;
    u->last_login = now;

    if (*u->email == '\0') {
        u->email = tm_user_claim(claims, "cognito:username");
    }
}
