/*
 * The calendar feed's iCalendar text, parsed back with libical: the head
 * and its zone, an event's UID, DTSTAMP, DTSTART, RRULE and VALARMs.
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
#include <libical/ical.h>

#include "tm_ical.h"


static json_t *
tm_test_task(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:[s], s:[{s:s, s:s},"
                     " {s:s, s:s}, {s:s, s:s}], s:n, s:s, s:s}",
                     "id", "6f1c1e8a-1b2c-4d3e-8f90-0a1b2c3d4e5f",
                     "title", "Stand-up, daily", "description", "room 2",
                     "dueDate", "2026-12-01T08:00:00Z",
                     "labels", "work",
                     "reminders",
                     "before", "PT15M", "state", "pending",
                     "at", "2026-11-30T18:00:00Z", "state", "pending",
                     "before", "P1D", "state", "cancelled",
                     "repeat",
                     "createdAt", "2026-11-25T17:00:00Z",
                     "updatedAt", "2026-11-26T08:00:00Z");
}


/* head + events + tail, parsed */

static icalcomponent *
tm_test_calendar(const char *zone, json_t *task)
{
    char           *head, *ev, *all;
    size_t          len;
    icalcomponent  *cal;

    head = tm_ical_head("taskmgr", zone);
    ev = tm_ical_event(task, zone);
    assert_non_null(head);
    assert_non_null(ev);

    len = strlen(head) + strlen(ev) + sizeof(TM_ICAL_TAIL);
    all = malloc(len);
    assert_non_null(all);
    snprintf(all, len, "%s%s%s", head, ev, TM_ICAL_TAIL);

    cal = icalparser_parse_string(all);
    assert_non_null(cal);
    assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
    assert_int_equal(icalcomponent_count_errors(cal), 0);

    free(head);
    free(ev);
    free(all);

    return cal;
}


static void
tm_test_event(void **state)
{
    json_t         *task;
    icaltimetype    t;
    icalcomponent  *cal, *ev;

    task = tm_test_task();
    cal = tm_test_calendar("UTC", task);

    assert_int_equal(icalcomponent_count_components(cal,
                         ICAL_VTIMEZONE_COMPONENT), 0);
    assert_int_equal(icalcomponent_count_components(cal,
                         ICAL_VEVENT_COMPONENT), 1);

    ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    assert_string_equal(icalcomponent_get_uid(ev),
                        "6f1c1e8a-1b2c-4d3e-8f90-0a1b2c3d4e5f@taskmgr");
    assert_string_equal(icalcomponent_get_summary(ev), "Stand-up, daily");
    assert_string_equal(icalcomponent_get_description(ev), "room 2");

    t = icalcomponent_get_dtstart(ev);
    assert_int_equal(icaltime_as_timet(t), 1796112000);    /* 12-01 08Z */
    t = icalcomponent_get_dtstamp(ev);
    assert_int_equal(icaltime_as_timet(t), 1795680000);    /* 11-26 08Z */

    assert_null(icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY));

    /* the cancelled reminder has none */
    assert_int_equal(icalcomponent_count_components(ev,
                         ICAL_VALARM_COMPONENT), 2);

    icalcomponent_free(cal);
    json_decref(task);
}


static void
tm_test_repeat(void **state)
{
    json_t         *task;
    icalproperty   *p;
    icalparameter  *tzid;
    icaltimetype    t;
    icalcomponent  *cal, *ev, *vtz;

    struct icalrecurrencetype  rec;

    task = tm_test_task();
    json_object_set_new(task, "repeat",
                        json_pack("{s:s, s:s}", "rule",
                                  "FREQ=WEEKLY;UNTIL=20270331",
                                  "from", "due"));

    cal = tm_test_calendar("Europe/Berlin", task);

    vtz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
    assert_non_null(vtz);
    p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
    assert_string_equal(icalproperty_get_tzid(p), "Europe/Berlin");

    ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
    tzid = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    assert_non_null(tzid);
    assert_string_equal(icalparameter_get_tzid(tzid), "Europe/Berlin");

    /* 08:00Z is 09:00 in Berlin in December */
    t = icalproperty_get_dtstart(p);
    assert_int_equal(t.hour, 9);

    p = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
    assert_non_null(p);
    rec = icalproperty_get_rrule(p);
    assert_int_equal(rec.freq, ICAL_WEEKLY_RECURRENCE);
    assert_false(rec.until.is_date);
    assert_int_equal(rec.until.hour, 21);       /* 23:59:59 CEST */

    icalcomponent_free(cal);

    /* from completion: no rule */
    json_object_set_new(task, "repeat",
                        json_pack("{s:s, s:s}", "rule", "FREQ=DAILY",
                                  "from", "completion"));
    cal = tm_test_calendar("Europe/Berlin", task);
    ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    assert_null(icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY));

    icalcomponent_free(cal);
    json_decref(task);
}


static void
tm_test_no_due(void **state)
{
    json_t  *task;

    task = tm_test_task();
    json_object_set_new(task, "dueDate", json_null());
    assert_null(tm_ical_event(task, "UTC"));

    json_object_set_new(task, "dueDate", json_string("tomorrow"));
    assert_null(tm_ical_event(task, "UTC"));

    json_decref(task);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_event),
        cmocka_unit_test(tm_test_repeat),
        cmocka_unit_test(tm_test_no_due),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
