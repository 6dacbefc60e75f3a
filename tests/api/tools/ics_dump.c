/*
 * The API tests' iCalendar reader (tests/api/calendar_feed.t): an .ics on
 * stdin parsed with libical, what the test checks on stdout, one fact a
 * line:
 *
 *     calendar <kind> errors <n>
 *     count <component kind> <n>
 *     event <uid> <dtstart> <tzid or -> <rrule or -> <alarms> <summary>
 *
 * Exit 1 if the text is no VCALENDAR.  Built by the Makefile.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libical/ical.h>


int
main(void)
{
    char                       *text, *p;
    size_t                      len, size, n;
    const char                 *tzid, *rrule;
    icalproperty               *prop;
    icalparameter              *param;
    icalcomponent              *cal, *ev;

    static const icalcomponent_kind  kinds[] = {
        ICAL_VEVENT_COMPONENT, ICAL_VTODO_COMPONENT,
        ICAL_VTIMEZONE_COMPONENT
    };

    size = 1 << 16;
    len = 0;
    text = malloc(size);

    while (text && (n = fread(text + len, 1, size - len - 1, stdin)) > 0) {
        len += n;

        if (size - len == 1) {
            size *= 2;
            text = realloc(text, size);
        }
    }

    if (text == NULL) {
        return 2;
    }

    text[len] = '\0';

    cal = icalparser_parse_string(text);
    free(text);

    if (cal == NULL || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
        printf("calendar none errors 1\n");
        return 1;
    }

    printf("calendar VCALENDAR errors %d\n", icalcomponent_count_errors(cal));

    for (n = 0; n < sizeof(kinds) / sizeof(kinds[0]); n++) {
        printf("count %s %d\n", icalcomponent_kind_to_string(kinds[n]),
               icalcomponent_count_components(cal, kinds[n]));
    }

    for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
         ev;
         ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
    {
        prop = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
        param = prop ? icalproperty_get_first_parameter(prop,
                                                        ICAL_TZID_PARAMETER)
                     : NULL;
        tzid = param ? icalparameter_get_tzid(param) : "-";

        prop = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
        rrule = prop ? icalproperty_get_value_as_string(prop) : "-";

        printf("event %s %s %s %s %d ", icalcomponent_get_uid(ev),
               icaltime_as_ical_string(icalcomponent_get_dtstart(ev)), tzid,
               rrule, icalcomponent_count_components(ev,
                                                     ICAL_VALARM_COMPONENT));

        /* the summary on one line */
        for (p = (char *) icalcomponent_get_summary(ev); p && *p; p++) {
            putchar(*p == '\n' ? '|' : *p);
        }

        putchar('\n');
    }

    icalcomponent_free(cal);

    return 0;
}
