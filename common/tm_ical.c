/*
 * The calendar feed's iCalendar text with libical (why VEVENT: tm_ical.h).
 */

#include <stdlib.h>
#include <string.h>
#include <libical/ical.h>

#include "tm_ical.h"
#include "tm_validate.h"
#include "tm_zone.h"


static icaltimezone *tm_ical_zone(const char *zone);
static int tm_ical_time(const json_t *v, icaltimetype *t);
static int tm_ical_repeat(icalcomponent *ev, const json_t *task,
    long long due, const char *zone);
static void tm_ical_alarms(icalcomponent *ev, const json_t *task);
static char *tm_ical_text(icalcomponent *c);


char *
tm_ical_head(const char *name, const char *zone)
{
    char           *s, *end;
    icalproperty   *p;
    icaltimezone   *tz;
    icalcomponent  *cal, *vtz;

    cal = icalcomponent_new_vcalendar();
    if (cal == NULL) {
        return NULL;
    }

    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_prodid(
                                   "-//taskmgr//calendar feed//EN"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));

    /* the name Google, Apple and Thunderbird show for a subscription */
    p = icalproperty_new_x(name);
    icalproperty_set_x_name(p, "X-WR-CALNAME");
    icalcomponent_add_property(cal, p);

    tz = tm_ical_zone(zone);

    if (tz) {
        vtz = icalcomponent_new_clone(icaltimezone_get_component(tz));
        if (vtz == NULL) {
            icalcomponent_free(cal);
            return NULL;
        }

        /* libical names its zones "/freeassociation.sourceforge.net/..."
         * : the events' TZID is the IANA name clients know */
        p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
        if (p) {
            icalproperty_set_tzid(p, zone);
        }

        icalcomponent_add_component(cal, vtz);
    }

    s = tm_ical_text(cal);
    icalcomponent_free(cal);

    /* the head is all but the end, which comes after the events */
    end = s ? strstr(s, TM_ICAL_TAIL) : NULL;
    if (end == NULL) {
        free(s);
        return NULL;
    }

    *end = '\0';

    return s;
}


char *
tm_ical_event(const json_t *task, const char *zone)
{
    char           uid[64];
    char          *s;
    size_t         i;
    json_t        *v;
    long long      due;
    const char    *id, *title, *text;
    icaltimetype   start, stamp, created;
    icalcomponent *ev;

    id = json_string_value(json_object_get(task, "id"));
    title = json_string_value(json_object_get(task, "title"));
    text = json_string_value(json_object_get(task, "dueDate"));

    if (id == NULL || title == NULL || text == NULL || strlen(id) > 40
        || tm_parse_rfc3339(text, strlen(text), &due) != 0
        || tm_ical_time(json_object_get(task, "updatedAt"), &stamp) != 0
        || tm_ical_time(json_object_get(task, "createdAt"), &created) != 0)
    {
        return NULL;
    }

    ev = icalcomponent_new_vevent();
    if (ev == NULL) {
        return NULL;
    }

    snprintf(uid, sizeof(uid), "%s@taskmgr", id);

    icalcomponent_add_property(ev, icalproperty_new_uid(uid));
    icalcomponent_add_property(ev, icalproperty_new_dtstamp(stamp));
    icalcomponent_add_property(ev, icalproperty_new_created(created));
    icalcomponent_add_property(ev, icalproperty_new_lastmodified(stamp));
    icalcomponent_add_property(ev, icalproperty_new_summary(title));

    text = json_string_value(json_object_get(task, "description"));
    if (text && *text) {
        icalcomponent_add_property(ev, icalproperty_new_description(text));
    }

    json_array_foreach(json_object_get(task, "labels"), i, v) {
        if (json_string_value(v)) {
            icalcomponent_add_property(ev, icalproperty_new_categories(
                                           json_string_value(v)));
        }
    }

    icalcomponent_add_property(ev, icalproperty_new_transp(
                                   ICAL_TRANSP_TRANSPARENT));

    if (tm_ical_repeat(ev, task, due, zone) != 0) {
        start = icaltime_from_timet_with_zone((time_t) due, 0,
                                              icaltimezone_get_utc_timezone());
        icalcomponent_add_property(ev, icalproperty_new_dtstart(start));
    }

    tm_ical_alarms(ev, task);

    s = tm_ical_text(ev);
    icalcomponent_free(ev);

    return s;
}


/* the owner's zone, NULL for UTC or a name libical does not know */

static icaltimezone *
tm_ical_zone(const char *zone)
{
    icaltimezone  *tz;

    if (zone == NULL || strcmp(zone, TM_ZONE_DEFAULT) == 0
        || tm_valid_time_zone(zone, strlen(zone)) != NULL)
    {
        return NULL;
    }

    tz = tm_zone_ical(zone);

    return (tz && tz != icaltimezone_get_utc_timezone()) ? tz : NULL;
}


/* an API time ("2026-11-25T17:00:00Z") as a UTC icaltimetype */

static int
tm_ical_time(const json_t *v, icaltimetype *t)
{
    long long    epoch;
    const char  *s;

    s = json_string_value(v);

    if (s == NULL || tm_parse_rfc3339(s, strlen(s), &epoch) != 0) {
        return -1;
    }

    *t = icaltime_from_timet_with_zone((time_t) epoch, 0,
                                       icaltimezone_get_utc_timezone());

    return 0;
}


/*
 * A task repeating from its due date: DTSTART in the owner's zone (the
 * rule is expanded there) and the RRULE, a date UNTIL made the end of
 * that day there in UTC, as RFC 5545 wants beside a DTSTART with a TZID.
 * -1: no repeat here, the caller writes a UTC DTSTART.
 */

static int
tm_ical_repeat(icalcomponent *ev, const json_t *task, long long due,
    const char *zone)
{
    const char                 *rule, *from;
    icalproperty               *p;
    icaltimezone               *tz, *utc;
    icaltimetype                start, until;
    const json_t               *repeat;
    struct icalrecurrencetype   rec;

    repeat = json_object_get(task, "repeat");
    rule = json_string_value(json_object_get(repeat, "rule"));
    from = json_string_value(json_object_get(repeat, "from"));

    if (rule == NULL || from == NULL || strcmp(from, "due") != 0) {
        return -1;
    }

    rec = icalrecurrencetype_from_string(rule);
    icalerror_clear_errno();

    if (rec.freq == ICAL_NO_RECURRENCE) {
        return -1;
    }

    utc = icaltimezone_get_utc_timezone();
    tz = tm_ical_zone(zone);

    if (tz == NULL) {
        start = icaltime_from_timet_with_zone((time_t) due, 0, utc);
        p = icalproperty_new_dtstart(start);

    } else {
        /* a wall-clock time with its zone's name */
        start = icaltime_from_timet_with_zone((time_t) due, 0, tz);
        start.zone = NULL;
        p = icalproperty_new_dtstart(start);
        icalproperty_add_parameter(p, icalparameter_new_tzid(zone));
    }

    if (!icaltime_is_null_time(rec.until) && rec.until.is_date) {
        until = rec.until;
        until.is_date = 0;
        until.hour = 23;
        until.minute = 59;
        until.second = 59;
        until.zone = tz ? tz : utc;
        rec.until = icaltime_convert_to_zone(until, utc);
    }

    icalcomponent_add_property(ev, p);
    icalcomponent_add_property(ev, icalproperty_new_rrule(rec));

    return 0;
}


/* a VALARM per reminder: {"before": "PT15M"} before the start, {"at"} at
 * its time while pending; cancelled ones none */

static void
tm_ical_alarms(icalcomponent *ev, const json_t *task)
{
    size_t                 i;
    json_t                *r;
    const char            *before, *state, *title;
    icalcomponent         *alarm;
    struct icaltriggertype trigger;

    title = json_string_value(json_object_get(task, "title"));

    json_array_foreach(json_object_get(task, "reminders"), i, r) {
        state = json_string_value(json_object_get(r, "state"));
        before = json_string_value(json_object_get(r, "before"));

        if (state == NULL || strcmp(state, "cancelled") == 0) {
            continue;
        }

        memset(&trigger, 0, sizeof(trigger));
        trigger.time = icaltime_null_time();

        if (before) {
            trigger.duration = icaldurationtype_from_string(before);
            icalerror_clear_errno();

            if (icaldurationtype_is_bad_duration(trigger.duration)) {
                continue;
            }

            trigger.duration.is_neg = 1;

        } else if (strcmp(state, "pending") != 0
                   || tm_ical_time(json_object_get(r, "at"), &trigger.time)
                      != 0)
        {
            continue;

        } else {
            trigger.duration = icaldurationtype_null_duration();
        }

        alarm = icalcomponent_new_valarm();
        icalcomponent_add_property(alarm, icalproperty_new_action(
                                              ICAL_ACTION_DISPLAY));
        icalcomponent_add_property(alarm, icalproperty_new_trigger(trigger));
        icalcomponent_add_property(alarm,
                                   icalproperty_new_description(title));
        icalcomponent_add_component(ev, alarm);
    }
}


/* the component's text, malloc'd (libical's buffer is malloc'd) */

static char *
tm_ical_text(icalcomponent *c)
{
    char  *s;

    s = icalcomponent_as_ical_string_r(c);
    icalerror_clear_errno();

    return s;
}
