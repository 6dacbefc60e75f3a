/*
 * taskmgr-scheduler: the reminders, digests and the outbox drain (see
 * docs/architecture.md, "4. The scheduler").  One thread, blocking libcurl
 * calls: the daemon owns its time, unlike an nginx worker.
 */

#ifndef SCHED_H
#define SCHED_H

#include <signal.h>
#include <stddef.h>
#include <curl/curl.h>
#include <jansson.h>

#include "tm_aws.h"
#include "tm_notification.h"


#define SCHED_OK           0
#define SCHED_CONDITION    1    /* a conditional write's condition failed */
#define SCHED_EUNAVAIL    -1    /* down, throttled, 5xx: try again later */
#define SCHED_EFAIL       -2    /* refused (bad request, bad item) */
#define SCHED_LOST         2    /* the shard's lease is no longer ours */

#define SCHED_CH_NONE      0
#define SCHED_CH_SMTP      1
#define SCHED_CH_SNS       2
#define SCHED_CH_FILE      3
#define SCHED_CH_SES       4

#define SCHED_TOPIC_DUE_EMAIL        0
#define SCHED_TOPIC_DUE_SMS          1
#define SCHED_TOPIC_COMPLETED_EMAIL  2
#define SCHED_TOPIC_COMPLETED_SMS    3

#define SCHED_DAY          86400LL

#define SCHED_SHARDS_MAX   1000

/* a digest's item: "DIGEST_<id>" in the user's partition */
#define SCHED_DIGEST_PREFIX  "DIGEST_"


typedef struct {
    char        *path;
    char        *table;
    char        *region;
    char        *dynamodb_endpoint;
    char        *sns_endpoint;
    char        *ses_endpoint;
    char        *cognito_endpoint;       /* account deletions */
    char        *user_pool;              /* NULL: none finished */
    char        *access_key;
    char        *secret_key;
    char        *session_token;
    char        *credentials_endpoint;   /* set: temporary credentials */
    char        *credentials_token;
    char        *credentials_token_file;
    long long    shards;
    long long    scan_interval;          /* seconds, as every duration */
    long long    drain_interval;
    long long    notification_ttl;
    long long    overdue_window;
    long long    retry_min;
    long long    retry_max;
    long long    max_attempts;
    long long    send_lease;
    long long    http_timeout;
    char        *web_url;
    char        *events_url;             /* NULL: no push */
    char        *events_key;             /* sent when set */
    char        *smtp_url;
    char        *smtp_user;
    char        *smtp_password;
    long long    smtp_starttls;
    char        *mail_from;
    char        *sms_outbox;
    char        *email_channel;
    char        *sms_channel;
    char        *sns_topic_arn_prefix;
    char        *topic[4];
    char        *log_level;
    long long    shard_leases;           /* on: replicas share the shards */
    long long    lease;                  /* a shard lease's length */
    char        *replica_id;             /* NULL: hostname-pid */
    char        *metrics_file;           /* NULL: none written */

    /* derived */
    int          email_ch;
    int          sms_ch;
    int          level;
} sched_conf_t;


/* temporary credentials from the endpoint, cached; real time, not --now */
typedef struct {
    tm_aws_creds_t  aws;             /* aws.key "": none fetched yet */
    long long       expires_ms;      /* Expiration */
    long long       refresh_ms;      /* fetch again from then on */
    long long       next_try_ms;     /* after a failed fetch, not before */
    long long       wait_ms;         /* the backoff of failed fetches */
} sched_creds_t;


typedef struct {
    sched_conf_t  *conf;
    CURL          *ddb;              /* kept: keep-alive to DynamoDB */
    CURL          *smtp;
    CURL          *sns;
    CURL          *ses;
    CURL          *creds_h;          /* the credentials endpoint */
    CURL          *events;           /* nginx's publisher (push) */
    sched_creds_t  creds;
    long long      clock_offset_ms;  /* --now */
    int            once;
    /* shard leases (sched_lease.c), real time: 0 or past, not ours */
    long long      lease_until[SCHED_SHARDS_MAX];
    long long      lease_next_ms;    /* the next renewal round */
    int            lease_taken;      /* shards taken since the last pass */
    int            shard;            /* worked on now; -1: none */
    /* DynamoDB calls by shard, the last one for none */
    unsigned long  calls[SCHED_SHARDS_MAX + 1];
} sched_t;


/* one reminder pass: its clock and its counts (the due_pass line) */
typedef struct {
    long long   now_ms;
    long long   now_s;
    char        now[32];             /* with milliseconds */
    char        from[24];            /* now - overdue_window, seconds */
    char        to[24];              /* now, seconds */
    long        partitions;
    long        seen;
    long        reminded;
    long        late;
    long        replayed;
    long        expired;
    long        moved;
    long        skipped;
    long        users;
    long        digests;
    long        lost;
} sched_remind_t;


/* what one delivery says, whatever the channel */
typedef struct {
    const char  *notif_id;
    const char  *channel;            /* "email" or "sms" */
    const char  *type;               /* task_due, task_completed,
                                        digest */
    const char  *task_id;
    const char  *title;
    const char  *due;                /* NULL: none */
    const char  *event_at;           /* NotificationTimestamp */
    const char  *message;            /* a digest's: its listing */
    int          late;               /* a reminder that fired late */
    const char  *fire_at;            /* its FireAt */
    const char  *first_name;         /* NULL: none */
    const char  *zone;               /* UserTimeZone; NULL: UTC */
    long long    now;                /* epoch seconds: "today" for texts */
    const char  *to;                 /* email address or E.164 number */
    char         key[48];            /* idempotency key: <id>.<channel> */
} sched_msg_t;


typedef struct {
    char    *data;
    size_t   len;
} sched_buf_t;


extern volatile sig_atomic_t  sched_stop;
extern volatile sig_atomic_t  sched_reload;


/* sched_conf.c */
sched_conf_t *sched_conf_load(const char *path, char *err, size_t errlen);
void sched_conf_free(sched_conf_t *conf);

/* sched_log.c: one JSON object per line on stderr; fields is stolen */
#define SCHED_LOG_DEBUG  0
#define SCHED_LOG_INFO   1
#define SCHED_LOG_WARN   2
#define SCHED_LOG_ERROR  3
void sched_log_level(int level);
void sched_log(int level, const char *event, json_t *fields);

/* sched_time.c */
long long sched_now_ms(const sched_t *s);
void sched_sleep_ms(long long ms);                  /* ends early on stop */
long long sched_backoff(const sched_conf_t *conf, long long attempts);

/* sched_http.c */
/* sched_events.c: a new notification pushed to its owner's tabs */
void sched_events_notification(sched_t *s, const json_t *item);

int sched_http_post(CURL *h, const char *url, struct curl_slist *headers,
    const char *body, size_t len, long timeout_s, long *status,
    sched_buf_t *out, char *err, size_t errlen);
int sched_http_get(CURL *h, const char *url, struct curl_slist *headers,
    long timeout_s, long *status, sched_buf_t *out, char *err,
    size_t errlen);
int sched_url_host(const char *url, char *host, size_t size);

/* sched_creds.c: the credentials to sign with, static or from the
 * container credentials endpoint; -1 (err set) when none are valid */
int sched_creds_conf(sched_conf_t *conf, char *err, size_t errlen);
int sched_creds_get(sched_t *s, const char **key, const char **secret,
    const char **token, char *err, size_t errlen);
void sched_creds_free(sched_t *s);

/* sched_aws.c: a SigV4-signed POST to endpoint + path; a delivery made
 * by one (SNS, SES): SCHED_OK on 200, else SCHED_EUNAVAIL or SCHED_EFAIL
 * by what the status means, err set */
int sched_aws_post(sched_t *s, CURL *h, const char *endpoint,
    const char *path, const char *service, const char *content_type,
    const char *target, const char *body, size_t len, long *status,
    sched_buf_t *out, char *err, size_t errlen);
int sched_aws_deliver(sched_t *s, CURL *h, const char *endpoint,
    const char *path, const char *service, const char *content_type,
    const char *body, size_t len, char *err, size_t errlen);

/* sched_ddb.c: req is stolen; *reply (if not NULL) is a new reference */
int sched_ddb(sched_t *s, const char *op, json_t *req, json_t **reply);

/* a Query read to its end, page by page (req is stolen): handler is called
 * for each item, with the owners' items of its page (sched_users), until it
 * returns other than SCHED_OK or sched_stop is set */
typedef int (*sched_item_pt)(sched_t *s, void *ctx, const json_t *item,
    const json_t *users);
int sched_ddb_query(sched_t *s, json_t *req, sched_item_pt handler,
    void *ctx);

/* sched_user.c: owners' items by EntityPartition, for a page of items */
int sched_users(sched_t *s, const json_t *items, json_t **users);

/* sched_notif.c */
json_t *sched_notif_item(sched_t *s, tm_notification_t *n,
    const json_t *user, char *id);
int sched_notif_put(sched_t *s, json_t *item);

/* sched_lease.c: without shard_leases every shard is ours */
int sched_lease_tick(sched_t *s);
int sched_lease_keep(sched_t *s);
int sched_lease_mine(sched_t *s, unsigned shard);
void sched_lease_release(sched_t *s);
void sched_lease_log_pass(sched_t *s, const char *pass, unsigned shard);
json_t *sched_lease_calls(const sched_t *s);

/* sched_metrics.c: the figures, in memory, written to metrics_file
 * after every pass; channels and passes as below */
#define SCHED_MX_INAPP      0
#define SCHED_MX_EMAIL      1
#define SCHED_MX_SMS        2
#define SCHED_PASS_DUE      0
#define SCHED_PASS_OUTBOX   1
void sched_metrics_window(void);
void sched_metrics_pass(sched_t *s, int pass, int ok, long long ms,
    json_t *fields);
void sched_metrics_found(int ch);
void sched_metrics_reminder(int ch, int rc, long long lag_ms);
void sched_metrics_expired(void);
void sched_metrics_delivery(int ch, const char *type, int sent,
    const char *fire_at, long long now_ms);
void sched_metrics_digest(void);
void sched_metrics_ddb(const char *op, int rc, int throttled,
    const char *err);

/* sched_remind.c */
int sched_remind_pass(sched_t *s);

/* sched_digest.c: a user item found in ReminderIndex */
int sched_digest(sched_t *s, sched_remind_t *d, const json_t *user);

/* sched_outbox.c */
int sched_outbox_drain(sched_t *s);

/* sched_chain.c */
int sched_chain_finish(sched_t *s, const json_t *task, const json_t *user);

/* sched_list.c */
int sched_list_finish(sched_t *s, const json_t *list);

/* sched_delete.c: an account deletion finished from its marker */
int sched_delete_finish(sched_t *s, const json_t *marker);

/* sched_deliver.c */
int sched_deliver(sched_t *s, const json_t *notif, const json_t *user);

/* sched_sms.c: SCHED_OK when an SMS of item may go to user now (counted
 * in the day's), SCHED_CONDITION (err says why) when it may not, else the
 * DynamoDB failure; and a verification code in the outbox sent */
#define SCHED_PHONECODE_SK  "PHONECODE"
int sched_sms_allowed(sched_t *s, const json_t *item, const json_t *user,
    char *err, size_t errlen);
int sched_sms_code(sched_t *s, const json_t *item);

/* sched_text.c: malloc'd texts */
char *sched_text_subject(const sched_msg_t *m);
char *sched_text_body(const sched_conf_t *conf, const sched_msg_t *m);
char *sched_text_sms(const sched_conf_t *conf, const sched_msg_t *m);
int sched_text_address_ok(const char *to);

/* channels: SCHED_OK sent, SCHED_EUNAVAIL try again, SCHED_EFAIL never */
int sched_smtp_send(sched_t *s, const sched_msg_t *m, char *err,
    size_t errlen);
int sched_sns_publish(sched_t *s, const sched_msg_t *m, char *err,
    size_t errlen);
int sched_ses_send(sched_t *s, const sched_msg_t *m, char *err,
    size_t errlen);
int sched_smsfile_append(sched_t *s, const sched_msg_t *m, char *err,
    size_t errlen);

#endif /* SCHED_H */
