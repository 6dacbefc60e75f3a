/*
 * scheduler.conf: "key = value" lines, '#' comments, blank lines.  Every
 * key has a default (README, "Scheduler"); an unknown key or a bad value
 * is an error, so that a typo is not silently a default.
 */

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sched.h"


#define SCHED_STR   0
#define SCHED_DUR   1
#define SCHED_NUM   2
#define SCHED_BOOL  3

#define SCHED_CONF_LINE  4096


typedef struct {
    const char  *name;
    int          type;
    size_t       off;
    const char  *dflt;          /* NULL: none */
} sched_conf_key_t;


#define SCHED_K(n, t, f, d)  { n, t, offsetof(sched_conf_t, f), d }

static const sched_conf_key_t  sched_conf_keys[] = {
    SCHED_K("table", SCHED_STR, table, "TaskManager"),
    SCHED_K("region", SCHED_STR, region, "us-east-1"),
    SCHED_K("dynamodb_endpoint", SCHED_STR, dynamodb_endpoint, NULL),
    SCHED_K("sns_endpoint", SCHED_STR, sns_endpoint, NULL),
    SCHED_K("ses_endpoint", SCHED_STR, ses_endpoint, NULL),
    SCHED_K("cognito_endpoint", SCHED_STR, cognito_endpoint, NULL),
    SCHED_K("user_pool", SCHED_STR, user_pool, NULL),
    SCHED_K("access_key", SCHED_STR, access_key, NULL),
    SCHED_K("secret_key", SCHED_STR, secret_key, NULL),
    SCHED_K("session_token", SCHED_STR, session_token, NULL),
    SCHED_K("credentials_endpoint", SCHED_STR, credentials_endpoint, NULL),
    SCHED_K("credentials_token", SCHED_STR, credentials_token, NULL),
    SCHED_K("credentials_token_file", SCHED_STR, credentials_token_file,
            NULL),
    SCHED_K("shards", SCHED_NUM, shards, "8"),
    SCHED_K("scan_interval", SCHED_DUR, scan_interval, "30s"),
    SCHED_K("drain_interval", SCHED_DUR, drain_interval, "5s"),
    SCHED_K("notification_ttl", SCHED_DUR, notification_ttl, "30d"),
    SCHED_K("overdue_window", SCHED_DUR, overdue_window, "7d"),
    SCHED_K("retry_min", SCHED_DUR, retry_min, "30s"),
    SCHED_K("retry_max", SCHED_DUR, retry_max, "1h"),
    SCHED_K("max_attempts", SCHED_NUM, max_attempts, "10"),
    SCHED_K("send_lease", SCHED_DUR, send_lease, "30s"),
    SCHED_K("http_timeout", SCHED_DUR, http_timeout, "10s"),
    SCHED_K("web_url", SCHED_STR, web_url, "http://127.0.0.1:8080"),
    SCHED_K("events_url", SCHED_STR, events_url, NULL),
    SCHED_K("events_key", SCHED_STR, events_key, NULL),
    SCHED_K("smtp_url", SCHED_STR, smtp_url, "smtp://127.0.0.1:1025"),
    SCHED_K("smtp_user", SCHED_STR, smtp_user, NULL),
    SCHED_K("smtp_password", SCHED_STR, smtp_password, NULL),
    SCHED_K("smtp_starttls", SCHED_BOOL, smtp_starttls, "off"),
    SCHED_K("mail_from", SCHED_STR, mail_from, "taskmgr@localhost"),
    SCHED_K("sms_outbox", SCHED_STR, sms_outbox, "sms-outbox.jsonl"),
    SCHED_K("email_channel", SCHED_STR, email_channel, "smtp"),
    SCHED_K("sms_channel", SCHED_STR, sms_channel, "file"),
    SCHED_K("sns_topic_arn_prefix", SCHED_STR, sns_topic_arn_prefix, NULL),
    SCHED_K("sns_topic_due_email", SCHED_STR,
            topic[SCHED_TOPIC_DUE_EMAIL], NULL),
    SCHED_K("sns_topic_due_sms", SCHED_STR,
            topic[SCHED_TOPIC_DUE_SMS], NULL),
    SCHED_K("sns_topic_completed_email", SCHED_STR,
            topic[SCHED_TOPIC_COMPLETED_EMAIL], NULL),
    SCHED_K("sns_topic_completed_sms", SCHED_STR,
            topic[SCHED_TOPIC_COMPLETED_SMS], NULL),
    SCHED_K("log_level", SCHED_STR, log_level, "info"),
    SCHED_K("shard_leases", SCHED_BOOL, shard_leases, "off"),
    SCHED_K("lease", SCHED_DUR, lease, "30s"),
    SCHED_K("replica_id", SCHED_STR, replica_id, NULL),
    SCHED_K("metrics_file", SCHED_STR, metrics_file, NULL),
    { NULL, 0, 0, NULL }
};


/* the topic names of docs/architecture.md, after sns_topic_arn_prefix */
static const char  *sched_topic_names[4] = {
    "TaskDueNotificationsEmailTopic",
    "TaskDueNotificationsSMSTopic",
    "TaskCompletedNotificationsEmailTopic",
    "TaskCompletedNotificationsSMSTopic"
};


static int sched_conf_set(sched_conf_t *conf, const sched_conf_key_t *k,
    const char *value, char *err, size_t errlen);
static int sched_conf_duration(const char *s, long long *out);
static int sched_conf_check(sched_conf_t *conf, char *err, size_t errlen);
static int sched_conf_replica(sched_conf_t *conf);
static char *sched_trim(char *s);
static void sched_endpoint_trim(char *url);
static int sched_endpoint_default(char **url, const char *service,
    const char *region);


sched_conf_t *
sched_conf_load(const char *path, char *err, size_t errlen)
{
    int                      lineno;
    FILE                    *f;
    char                     line[SCHED_CONF_LINE], *key, *value, *eq;
    sched_conf_t            *conf;
    const sched_conf_key_t  *k;

    conf = calloc(1, sizeof(sched_conf_t));
    if (conf == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }

    conf->path = strdup(path);

    for (k = sched_conf_keys; k->name; k++) {
        if (k->dflt && sched_conf_set(conf, k, k->dflt, err, errlen) != 0) {
            goto failed;
        }
    }

    f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto failed;
    }

    lineno = 0;

    while (fgets(line, sizeof(line), f)) {
        lineno++;

        if (strchr(line, '\n') == NULL && !feof(f)) {
            snprintf(err, errlen, "%s:%d: line too long", path, lineno);
            fclose(f);
            goto failed;
        }

        key = sched_trim(line);
        if (*key == '\0' || *key == '#') {
            continue;
        }

        eq = strchr(key, '=');
        if (eq == NULL) {
            snprintf(err, errlen, "%s:%d: expected key = value", path,
                     lineno);
            fclose(f);
            goto failed;
        }

        *eq = '\0';
        key = sched_trim(key);
        value = sched_trim(eq + 1);

        for (k = sched_conf_keys; k->name; k++) {
            if (strcmp(k->name, key) == 0) {
                break;
            }
        }

        if (k->name == NULL) {
            snprintf(err, errlen, "%s:%d: unknown key \"%s\"", path, lineno,
                     key);
            fclose(f);
            goto failed;
        }

        if (sched_conf_set(conf, k, value, err, errlen) != 0) {
            fclose(f);
            goto failed;
        }
    }

    fclose(f);

    if (sched_conf_check(conf, err, errlen) != 0) {
        goto failed;
    }

    return conf;

failed:

    sched_conf_free(conf);
    return NULL;
}


void
sched_conf_free(sched_conf_t *conf)
{
    const sched_conf_key_t  *k;

    if (conf == NULL) {
        return;
    }

    for (k = sched_conf_keys; k->name; k++) {
        if (k->type == SCHED_STR) {
            free(*(char **) ((char *) conf + k->off));
        }
    }

    free(conf->path);
    free(conf);
}


static int
sched_conf_set(sched_conf_t *conf, const sched_conf_key_t *k,
    const char *value, char *err, size_t errlen)
{
    char       *end, **sp;
    long long  *np;

    np = (long long *) ((char *) conf + k->off);
    sp = (char **) ((char *) conf + k->off);

    switch (k->type) {

    case SCHED_STR:
        free(*sp);
        *sp = (*value == '\0') ? NULL : strdup(value);
        return 0;

    case SCHED_DUR:
        if (sched_conf_duration(value, np) != 0) {
            snprintf(err, errlen, "%s: \"%s\" is not a duration like 30s, "
                     "5m, 1h or 30d", k->name, value);
            return -1;
        }

        return 0;

    case SCHED_NUM:
        errno = 0;
        *np = strtoll(value, &end, 10);
        if (errno || end == value || *end || *np < 1 || *np > 1000000) {
            snprintf(err, errlen, "%s: \"%s\" is not a number from 1 to "
                     "1000000", k->name, value);
            return -1;
        }

        return 0;

    default:
        if (strcmp(value, "on") == 0) {
            *np = 1;

        } else if (strcmp(value, "off") == 0) {
            *np = 0;

        } else {
            snprintf(err, errlen, "%s: must be on or off", k->name);
            return -1;
        }

        return 0;
    }
}


/* "90", "90s", "5m", "1h", "30d" */

static int
sched_conf_duration(const char *s, long long *out)
{
    char       *end;
    long long   n, unit;

    errno = 0;
    n = strtoll(s, &end, 10);
    if (errno || end == s || n < 0 || n > 100LL * 365 * SCHED_DAY) {
        return -1;
    }

    switch (*end) {
    case '\0': case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = SCHED_DAY; break;
    default: return -1;
    }

    if (*end && end[1]) {
        return -1;
    }

    *out = n * unit;

    return 0;
}


static int
sched_conf_check(sched_conf_t *conf, char *err, size_t errlen)
{
    int          i;
    size_t       len;
    const char  *lv[] = { "debug", "info", "warn", "error" };

    if (conf->dynamodb_endpoint == NULL) {
        snprintf(err, errlen, "dynamodb_endpoint is required");
        return -1;
    }

    if (sched_creds_conf(conf, err, errlen) != 0) {
        return -1;
    }

    if (conf->shards > 1000) {
        snprintf(err, errlen, "shards: at most 1000");
        return -1;
    }

    if (conf->scan_interval < 1 || conf->drain_interval < 1
        || conf->retry_min < 1 || conf->retry_max < conf->retry_min
        || conf->send_lease < 1 || conf->http_timeout < 1
        || conf->notification_ttl < 1)
    {
        snprintf(err, errlen, "scan_interval, drain_interval, retry_min, "
                 "send_lease, http_timeout and notification_ttl must be at "
                 "least 1s, retry_max at least retry_min");
        return -1;
    }

    if (conf->lease < 3) {
        snprintf(err, errlen, "lease: at least 3s (renewed every third)");
        return -1;
    }

    if (conf->replica_id == NULL && sched_conf_replica(conf) != 0) {
        snprintf(err, errlen, "replica_id: out of memory");
        return -1;
    }

    /* sched_lease.c keeps owners in 128 bytes */
    if (strlen(conf->replica_id) > 100) {
        snprintf(err, errlen, "replica_id: at most 100 characters");
        return -1;
    }

    /* a send (and, for SES or SNS, a credentials fetch), each bounded by
     * http_timeout, must fit in the lease with time for the claim */
    if (conf->send_lease <= 2 * conf->http_timeout) {
        snprintf(err, errlen, "send_lease must be more than twice "
                 "http_timeout");
        return -1;
    }

    sched_endpoint_trim(conf->dynamodb_endpoint);
    sched_endpoint_trim(conf->web_url);
    sched_endpoint_trim(conf->sns_endpoint);
    sched_endpoint_trim(conf->ses_endpoint);
    sched_endpoint_trim(conf->cognito_endpoint);

    if (conf->user_pool
        && sched_endpoint_default(&conf->cognito_endpoint, "cognito-idp",
                                  conf->region)
           != 0)
    {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    if (strcmp(conf->email_channel, "smtp") == 0) {
        conf->email_ch = SCHED_CH_SMTP;

    } else if (strcmp(conf->email_channel, "sns") == 0) {
        conf->email_ch = SCHED_CH_SNS;

    } else if (strcmp(conf->email_channel, "ses") == 0) {
        conf->email_ch = SCHED_CH_SES;

    } else if (strcmp(conf->email_channel, "none") == 0) {
        conf->email_ch = SCHED_CH_NONE;

    } else {
        snprintf(err, errlen, "email_channel: smtp, ses, sns or none");
        return -1;
    }

    if (strcmp(conf->sms_channel, "file") == 0) {
        conf->sms_ch = SCHED_CH_FILE;

    } else if (strcmp(conf->sms_channel, "sns") == 0) {
        conf->sms_ch = SCHED_CH_SNS;

    } else if (strcmp(conf->sms_channel, "none") == 0) {
        conf->sms_ch = SCHED_CH_NONE;

    } else {
        snprintf(err, errlen, "sms_channel: file, sns or none");
        return -1;
    }

    if ((conf->email_ch == SCHED_CH_SMTP && conf->smtp_url == NULL)
        || (conf->sms_ch == SCHED_CH_FILE && conf->sms_outbox == NULL))
    {
        snprintf(err, errlen, "smtp_url / sms_outbox required by the "
                 "channels chosen");
        return -1;
    }

    if (conf->email_ch == SCHED_CH_SNS || conf->sms_ch == SCHED_CH_SNS) {
        for (i = 0; i < 4; i++) {
            if (conf->topic[i] || conf->sns_topic_arn_prefix == NULL) {
                continue;
            }

            len = strlen(conf->sns_topic_arn_prefix)
                  + strlen(sched_topic_names[i]) + 1;
            conf->topic[i] = malloc(len);
            if (conf->topic[i] == NULL) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }

            snprintf(conf->topic[i], len, "%s%s", conf->sns_topic_arn_prefix,
                     sched_topic_names[i]);
        }

        if (sched_endpoint_default(&conf->sns_endpoint, "sns", conf->region)
            != 0)
        {
            snprintf(err, errlen, "out of memory");
            return -1;
        }

        for (i = 0; i < 4; i++) {
            if (conf->topic[i] == NULL
                && ((i % 2 == 0 && conf->email_ch == SCHED_CH_SNS)
                    || (i % 2 == 1 && conf->sms_ch == SCHED_CH_SNS)))
            {
                snprintf(err, errlen, "sns: set sns_topic_arn_prefix (or "
                         "the topic's own key) for %s", sched_topic_names[i]);
                return -1;
            }
        }
    }

    /* SES v2 answers on the "email" endpoint */
    if (conf->email_ch == SCHED_CH_SES
        && sched_endpoint_default(&conf->ses_endpoint, "email", conf->region)
           != 0)
    {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    for (i = 0; i < 4; i++) {
        if (strcmp(conf->log_level, lv[i]) == 0) {
            conf->level = i;
            return 0;
        }
    }

    snprintf(err, errlen, "log_level: debug, info, warn or error");

    return -1;
}


/* hostname-pid: unique among the replicas, and says where it runs */

static int
sched_conf_replica(sched_conf_t *conf)
{
    char  host[256], id[300];

    if (gethostname(host, sizeof(host)) != 0) {
        snprintf(host, sizeof(host), "scheduler");
    }

    host[sizeof(host) - 1] = '\0';
    snprintf(id, sizeof(id), "%s-%ld", host, (long) getpid());

    conf->replica_id = strdup(id);

    return conf->replica_id ? 0 : -1;
}


static char *
sched_trim(char *s)
{
    char  *e;

    while (isspace((unsigned char) *s)) {
        s++;
    }

    e = s + strlen(s);
    while (e > s && isspace((unsigned char) e[-1])) {
        *--e = '\0';
    }

    return s;
}


/* "http://host:port/" and "http://host:port" are one endpoint */

static void
sched_endpoint_trim(char *url)
{
    size_t  len;

    if (url == NULL) {
        return;
    }

    len = strlen(url);
    if (len && url[len - 1] == '/') {
        url[len - 1] = '\0';
    }
}


/* an endpoint not configured: the service's regional one */

static int
sched_endpoint_default(char **url, const char *service, const char *region)
{
    size_t  len;

    if (*url) {
        return 0;
    }

    len = sizeof("https://..amazonaws.com") + strlen(service)
          + strlen(region);
    *url = malloc(len);
    if (*url == NULL) {
        return -1;
    }

    snprintf(*url, len, "https://%s.%s.amazonaws.com", service, region);

    return 0;
}
