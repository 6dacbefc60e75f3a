/*
 * SES v2 SendEmail (REST JSON, POST /v2/email/outbound-emails, SigV4 for
 * the "ses" service) with the task role's credentials: no SMTP password
 * to store or rotate.  The same subject and text as the SMTP channel
 * (sched_text.c); the idempotency key goes in a message header, for a
 * reader (or a filter) to spot a repeated send.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"


#define SCHED_SES_PATH  "/v2/email/outbound-emails"


static json_t *sched_ses_request(const sched_conf_t *conf,
    const sched_msg_t *m);


int
sched_ses_send(sched_t *s, const sched_msg_t *m, char *err, size_t errlen)
{
    int      rc;
    char    *body;
    json_t  *req;

    if (!sched_text_address_ok(m->to)) {
        snprintf(err, errlen, "unusable email address");
        return SCHED_EFAIL;
    }

    req = sched_ses_request(s->conf, m);
    body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);

    if (body == NULL) {
        snprintf(err, errlen, "could not build the request");
        return SCHED_EFAIL;
    }

    rc = sched_aws_deliver(s, s->ses, s->conf->ses_endpoint, SCHED_SES_PATH,
                           "ses", "application/json", body, strlen(body),
                           err, errlen);
    free(body);

    return rc;
}


/*
 * {"FromEmailAddress": ..., "Destination": {"ToAddresses": [to]},
 *  "Content": {"Simple": {"Subject": {"Data", "Charset"},
 *   "Body": {"Text": {"Data", "Charset"}},
 *   "Headers": [{"Name": "X-Taskmgr-Idempotency-Key", "Value": key}]}}}
 */

static json_t *
sched_ses_request(const sched_conf_t *conf, const sched_msg_t *m)
{
    char    *subject, *text;
    json_t  *req;

    subject = sched_text_subject(m);
    text = sched_text_body(conf, m);

    req = NULL;

    if (subject && text) {
        req = json_pack("{s:s, s:{s:[s]},"
                        " s:{s:{s:{s:s, s:s}, s:{s:{s:s, s:s}},"
                        " s:[{s:s, s:s}]}}}",
                        "FromEmailAddress", conf->mail_from,
                        "Destination", "ToAddresses", m->to,
                        "Content", "Simple",
                        "Subject", "Data", subject, "Charset", "UTF-8",
                        "Body", "Text", "Data", text, "Charset", "UTF-8",
                        "Headers",
                        "Name", "X-Taskmgr-Idempotency-Key",
                        "Value", m->key);
    }

    free(subject);
    free(text);

    return req;
}
