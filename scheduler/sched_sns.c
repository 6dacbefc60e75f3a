/*
 * SNS Publish (query protocol, form POST, SigV4) to one of the four
 * topics, by notification type and channel.  The recipient travels in
 * the message attributes, for the topic's subscriber to deliver to; the
 * idempotency key too, so that it can drop a repeated send.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"


#define SCHED_SNS_ATTRS  6


static int sched_sns_add(CURL *h, char **body, size_t *len, size_t *cap,
    const char *name, const char *value);


int
sched_sns_publish(sched_t *s, const sched_msg_t *m, char *err, size_t errlen)
{
    int          rc, i, n, email, topic;
    char        *body, *text, *subject, name[64], sub[100];
    size_t       len, cap, k;
    const char  *attrs[SCHED_SNS_ATTRS][2];

    email = strcmp(m->channel, "email") == 0;

    /* a digest is about tasks due: the due topics */
    topic = (strcmp(m->type, "task_completed") == 0 ? 2 : 0) + (email ? 0 : 1);

    text = email ? sched_text_body(s->conf, m) : sched_text_sms(s->conf, m);
    subject = email ? sched_text_subject(m) : NULL;

    attrs[0][0] = "recipient";
    attrs[0][1] = m->to;
    attrs[1][0] = "channel";
    attrs[1][1] = m->channel;
    attrs[2][0] = "notification_id";
    attrs[2][1] = m->notif_id;
    attrs[3][0] = "idempotency_key";
    attrs[3][1] = m->key;
    attrs[4][0] = "type";
    attrs[4][1] = m->type;
    attrs[5][0] = "task_id";
    attrs[5][1] = m->task_id;

    /* SNS refuses an empty value: a digest names no task */
    n = (m->task_id && *m->task_id) ? SCHED_SNS_ATTRS : SCHED_SNS_ATTRS - 1;

    body = NULL;
    len = 0;
    cap = 0;
    rc = (text == NULL || (email && subject == NULL));

    rc = rc
         || sched_sns_add(s->sns, &body, &len, &cap, "Action", "Publish")
         || sched_sns_add(s->sns, &body, &len, &cap, "Version", "2010-03-31")
         || sched_sns_add(s->sns, &body, &len, &cap, "TopicArn",
                          s->conf->topic[topic])
         || sched_sns_add(s->sns, &body, &len, &cap, "Message", text);

    if (!rc && subject) {
        /* SNS: ASCII, no line breaks, under 100 characters */
        for (k = 0; subject[k] && k < sizeof(sub) - 1; k++) {
            sub[k] = ((unsigned char) subject[k] < ' '
                      || (unsigned char) subject[k] > 0x7e) ? '?'
                                                             : subject[k];
        }

        sub[k] = '\0';
        rc = sched_sns_add(s->sns, &body, &len, &cap, "Subject", sub);
    }

    for (i = 0; !rc && i < n; i++) {
        snprintf(name, sizeof(name), "MessageAttributes.entry.%d.Name",
                 i + 1);
        rc = sched_sns_add(s->sns, &body, &len, &cap, name, attrs[i][0]);

        snprintf(name, sizeof(name),
                 "MessageAttributes.entry.%d.Value.DataType", i + 1);
        rc = rc || sched_sns_add(s->sns, &body, &len, &cap, name, "String");

        snprintf(name, sizeof(name),
                 "MessageAttributes.entry.%d.Value.StringValue", i + 1);
        rc = rc || sched_sns_add(s->sns, &body, &len, &cap, name,
                                 attrs[i][1]);
    }

    free(text);
    free(subject);

    if (rc) {
        free(body);
        snprintf(err, errlen, "could not build the request");
        return SCHED_EFAIL;
    }

    rc = sched_aws_deliver(s, s->sns, s->conf->sns_endpoint, "/", "sns",
                           "application/x-www-form-urlencoded; charset=utf-8",
                           body, len, err, errlen);
    free(body);

    return rc;
}


/* appends "&name=value", both form-encoded; non-zero on failure */

static int
sched_sns_add(CURL *h, char **body, size_t *len, size_t *cap,
    const char *name, const char *value)
{
    char    *n, *v, *p;
    size_t   need;

    n = curl_easy_escape(h, name, 0);
    v = curl_easy_escape(h, value ? value : "", 0);

    if (n == NULL || v == NULL) {
        curl_free(n);
        curl_free(v);
        return -1;
    }

    need = *len + strlen(n) + strlen(v) + 3;

    if (need > *cap) {
        p = realloc(*body, need * 2);
        if (p == NULL) {
            curl_free(n);
            curl_free(v);
            return -1;
        }

        *body = p;
        *cap = need * 2;
    }

    *len += (size_t) snprintf(*body + *len, *cap - *len, "%s%s=%s",
                              *len ? "&" : "", n, v);

    curl_free(n);
    curl_free(v);

    return 0;
}
