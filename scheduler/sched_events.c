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


#define SCHED_EVENT_MAX     8192
#define SCHED_COUNT_CALLS   20      /* an unread count's Query pages */


static long sched_events_unread(sched_t *s, const char *pk, long long now);
static int sched_events_data(const json_t *item, long long now, long unread,
    char *out, size_t size);


void
sched_events_notification(sched_t *s, const json_t *item)
{
    int                 rc, n;
    long                status;
    long long           now;
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

    now = sched_now_ms(s) / 1000;
    n = sched_events_data(item, now, sched_events_unread(s, pk, now), data,
                          sizeof(data));
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


/*
 * The owner's unread count, as GET /api/notifications says it: Query
 * pages (COUNT) of the unread, unexpired ones; -1 when a call fails or
 * the count does not end (the event then goes without it)
 */

static long
sched_events_unread(sched_t *s, const char *pk, long long now)
{
    int      calls;
    long     count;
    json_t  *req, *reply, *lek, *start, *n;
    char     at[24];

    snprintf(at, sizeof(at), "%lld", now);
    count = 0;
    start = NULL;

    for (calls = 0; calls < SCHED_COUNT_CALLS; calls++) {
        req = tm_notification_unread_query(s->conf->table, pk, at);
        if (req == NULL) {
            break;
        }

        json_object_set_new(req, "Select", json_string("COUNT"));

        if (start) {
            json_object_set_new(req, "ExclusiveStartKey", start);
            start = NULL;
        }

        if (sched_ddb(s, "Query", req, &reply) != SCHED_OK) {
            return -1;
        }

        n = json_object_get(reply, "Count");
        if (!json_is_integer(n) || json_integer_value(n) < 0) {
            json_decref(reply);
            return -1;
        }

        count += (long) json_integer_value(n);
        lek = json_object_get(reply, "LastEvaluatedKey");
        start = lek ? json_incref(lek) : NULL;
        json_decref(reply);

        if (start == NULL) {
            return count;
        }
    }

    json_decref(start);

    return -1;
}


/* {"event":"notification","unreadCount":N,<the notification's members>} */

static int
sched_events_data(const json_t *item, long long now, long unread, char *out,
    size_t size)
{
    long            n;
    char           *text;
    size_t          len, head;
    tm_ddb_item_t   parsed;
    char            start[64];

    text = json_dumps(item, JSON_COMPACT);
    if (text == NULL) {
        return -1;
    }

    len = strlen(text);

    if (unread >= 0) {
        snprintf(start, sizeof(start),
                 "{\"event\":\"notification\",\"unreadCount\":%ld,", unread);

    } else {
        snprintf(start, sizeof(start), "{\"event\":\"notification\",");
    }

    head = strlen(start);

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
