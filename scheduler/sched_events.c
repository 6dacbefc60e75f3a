/*
 * Push (issue 14): each in-app notification the scheduler creates is
 * published to its owner's channel, through nginx's nchan publisher
 * location for the scheduler: POST <events_url>/<sub>, the event name in
 * X-EventSource-Event, the data the notification as GET
 * /api/notifications lists it.
 *
 * Only the scheduler may publish there.  Locally it runs beside nginx and
 * the location allows loopback only; where it runs in a task of its own
 * (ECS) the location checks a shared secret instead, sent as
 * X-Taskmgr-Events-Key (events_key).  Best effort, like the module's: a
 * failure is logged and the pass goes on; the notification is stored and
 * the web app finds it on its next listing.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "tm_ddb.h"
#include "tm_ddb_item.h"
#include "tm_notification.h"


#define SCHED_EVENT_MAX  8192


static int sched_events_data(const json_t *item, long long now, char *out,
    size_t size);


void
sched_events_notification(sched_t *s, const json_t *item)
{
    int                 rc, n;
    long                status;
    const char         *pk;
    sched_buf_t         out;
    struct curl_slist  *list, *l;
    char                url[1024], key[320], err[256];
    char                data[SCHED_EVENT_MAX];

    if (s->conf->events_url == NULL || s->conf->events_url[0] == '\0'
        || s->events == NULL)
    {
        return;
    }

    pk = tm_ddb_get_s(item, "EntityPartition");
    if (pk == NULL || strncmp(pk, "USER_", 5) != 0) {
        return;
    }

    n = sched_events_data(item, sched_now_ms(s) / 1000, data, sizeof(data));
    if (n < 0) {
        sched_log(SCHED_LOG_WARN, "event_not_published",
                  json_pack("{s:s, s:s}", "pk", pk,
                            "error", "the notification could not be "
                            "written"));
        return;
    }

    rc = snprintf(url, sizeof(url), "%s/%s", s->conf->events_url, pk + 5);
    if (rc < 0 || (size_t) rc >= sizeof(url)) {
        return;
    }

    list = curl_slist_append(NULL, "X-EventSource-Event: notification");
    l = list ? curl_slist_append(list, "Content-Type: application/json")
             : NULL;
    list = l ? l : list;

    if (s->conf->events_key && s->conf->events_key[0]) {
        snprintf(key, sizeof(key), "X-Taskmgr-Events-Key: %s",
                 s->conf->events_key);
        l = curl_slist_append(list, key);
        list = l ? l : list;
    }

    l = curl_slist_append(list, "Expect:");
    list = l ? l : list;

    out.data = NULL;
    out.len = 0;

    rc = sched_http_post(s->events, url, list, data, (size_t) n,
                         (long) s->conf->http_timeout, &status, &out, err,
                         sizeof(err));

    curl_slist_free_all(list);

    if (rc != 0 || status < 200 || status >= 300) {
        if (rc == 0) {
            snprintf(err, sizeof(err), "HTTP %ld", status);
        }

        sched_log(SCHED_LOG_WARN, "event_not_published",
                  json_pack("{s:s, s:s}", "pk", pk, "error", err));

    } else {
        sched_log(SCHED_LOG_DEBUG, "event_published",
                  json_pack("{s:s, s:s}", "pk", pk, "event",
                            "notification"));
    }

    free(out.data);
}


/* {"event":"notification",<the notification's members>} */

static int
sched_events_data(const json_t *item, long long now, char *out, size_t size)
{
    long            n;
    char           *text;
    size_t          len, head;
    tm_ddb_item_t   parsed;
    static const char  start[] = "{\"event\":\"notification\",";

    text = json_dumps(item, JSON_COMPACT);
    if (text == NULL) {
        return -1;
    }

    len = strlen(text);
    head = sizeof(start) - 1;

    if (tm_ddb_item_parse(text, len, &parsed) != 0 || size <= head) {
        free(text);
        return -1;
    }

    /* the notification's object written after our head, its '{' dropped */
    n = tm_notification_write(&parsed, now, out + head - 1,
                              size - head + 1);
    free(text);

    if (n < 3) {           /* "{}": nothing to join */
        return -1;
    }

    memcpy(out, start, head);

    return (int) (head - 1 + n);
}
