/*
 * The user item (EntityPartition = EntitySort = USER_<sub>) and its API
 * JSON.  nginx-free, shared by the module and the scheduler.
 */

#ifndef TM_USER_H
#define TM_USER_H

#include <jansson.h>

#include "tm_fields.h"
#include "tm_reminder.h"
#include "tm_update.h"


#define TM_USER_PREFIX  "USER_"


typedef struct {
    const char  *sub;
    const char  *email;
    const char  *first_name;
    const char  *last_name;
    const char  *phone;         /* NULL: none */
    const char  *time_zone;     /* NULL: TM_ZONE_DEFAULT */
    const char  *now;           /* RFC 3339: CreatedAt, UpdatedAt */
    const char  *last_login;    /* NULL: never */
} tm_user_t;


/* the fields of the users service's bodies; each body's table reads its
 * own subset (NULL: absent, "": cleared; booleans -1 absent) */
typedef struct {
    const char  *email;
    const char  *password;
    const char  *first_name;
    const char  *last_name;
    const char  *phone;
    const char  *time_zone;
    const char  *code;
    const char  *refresh_token;
    int          prefs;          /* notificationPreferences sent */
    int          pref_email;
    int          pref_sms;
    int          pref_completed_email;
    int          pref_completed_sms;
    const char  *new_password;   /* a password change's */

    const json_t   *default_reminders_v;  /* as sent; NULL: absent */
    const json_t   *quiet_hours_v;
    const json_t   *digest_v;

    /* those read by tm_user_patch_check() */
    tm_reminders_t  default_reminders;
    char            quiet_start[6];      /* "": none */
    char            quiet_end[6];
    int             digest_enabled;
    char            digest_time[6];
} tm_user_fields_t;

#define TM_USER_DIGEST_TIME  "07:30"

/* an account deletion under way: the marker item in the user's partition,
 * kept until every other item of the user is gone (ngx_taskmgr_delete.c
 * writes it, scheduler/sched_delete.c finishes) */
#define TM_USER_DELETING_SK  "DELETING"

/* the bodies' tables (tm_fields.h) */
extern const tm_field_t  tm_user_register_body[];
extern const tm_field_t  tm_user_confirm_body[];
extern const tm_field_t  tm_user_email_body[];
extern const tm_field_t  tm_user_phone_confirm_body[];
extern const tm_field_t  tm_user_reset_body[];
extern const tm_field_t  tm_user_change_body[];
extern const tm_field_t  tm_user_login_body[];
extern const tm_field_t  tm_user_delete_body[];
extern const tm_field_t  tm_user_refresh_body[];
extern const tm_field_t  tm_user_patch_body[];

/* what a PATCH of the profile may not ask, whatever is stored: NULL, or
 * the reason with *field set; reads defaultReminders, quietHours and
 * digest into f */
const char *tm_user_patch_check(tm_user_fields_t *f, const char **field);

/*
 * A PATCH of the profile into u (tm_update_init'ed): SET and REMOVE of the
 * fields asked, UpdatedAt = now, the condition that the user exists.  SMS
 * needs a phone number: enabling it needs one on the item, clearing the
 * number needs SMS off; *sms_cond says such a condition was added (its
 * failure is then the caller's "needs a phone number").  An enabled digest,
 * or a new zone, puts the user in ReminderIndex now (ReminderKey from sub
 * and shards, ReminderAt, DigestArmedAt): the scheduler works out when the
 * digest is due from there.  -1 on failure.
 */
int tm_user_patch(const tm_user_fields_t *f, const char *sub,
    const char *now, unsigned shards, tm_update_t *u, int *sms_cond);

/* "USER_<sub>" into out (>= 5 + strlen(sub) + 1 bytes) */
void tm_user_key(const char *sub, char *out, size_t size);

/* the user an id token describes (email, given_name, family_name; ""
 * for what it lacks), for an account whose item is missing */
void tm_user_from_claims(const json_t *claims, const char *sub,
    const char *now, tm_user_t *u);

/* a new user item for PutItem, preferences off */
json_t *tm_user_item(const tm_user_t *u);

/*
 * 1 if the item's PhoneNumber was verified (PhoneVerified BOOL true, set
 * by POST /api/users/me/phone/confirm, removed by any PATCH that sets or
 * clears the number): no SMS goes to a number that is not.
 */
int tm_user_phone_verified(const json_t *item);

/* {id, email, firstName, lastName, phoneNumber, phoneVerified, timeZone,
 * notificationPreferences: {email, sms, completedEmail, completedSms},
 * defaultReminders, quietHours, digest, createdAt, updatedAt, lastLogin};
 * NULL if the item is not a user item */
json_t *tm_user_json(const json_t *item);

#endif /* TM_USER_H */
