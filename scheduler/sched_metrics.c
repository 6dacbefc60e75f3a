/*
 * The scheduler's figures, as the module's taskmgr_metrics has the API's:
 * passes and their time, reminders found, sent and failed by channel,
 * deliveries, digests, DynamoDB calls by operation and outcome, the shards
 * held, and the lag of each reminder sent (when it went out minus its
 * FireAt, per channel).  One process, one thread: plain memory, counted
 * since the start (a reload keeps them).
 *
 * After every pass (a reminder round or an outbox drain) they are written
 * in Prometheus text to metrics_file, if set: a temporary file renamed
 * over it, so that a reader (node_exporter's textfile collector, a test)
 * never sees half a file.  The pass's own lags go into its log line too
 * (lag_count, lag_p99_ms, lag_max_ms), where CloudWatch reads them.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>

#include "sched.h"
#include "tm_prom.h"
#include "tm_validate.h"


#define SCHED_MX_CHANNELS   3
#define SCHED_MX_PASSES     2
#define SCHED_MX_TYPES      4
#define SCHED_MX_OPS        7
#define SCHED_MX_OUTCOMES   6

#define SCHED_MX_CALL_OK           0
#define SCHED_MX_CALL_CONDITION    1
#define SCHED_MX_CALL_ERROR        2
#define SCHED_MX_CALL_THROTTLED    3
#define SCHED_MX_CALL_TIMEOUT      4
#define SCHED_MX_CALL_UNREACHED    5


static const char  *sched_mx_channels[SCHED_MX_CHANNELS] = {
    "inapp", "email", "sms"
};

static const char  *sched_mx_passes[SCHED_MX_PASSES] = { "due", "outbox" };

/* a delivery's Type; the last: any other */
static const char  *sched_mx_types[SCHED_MX_TYPES] = {
    "task_due", "task_completed", "digest", "other"
};

/* every operation the scheduler calls; the last: any other */
static const char  *sched_mx_ops[SCHED_MX_OPS] = {
    "BatchGetItem", "DeleteItem", "GetItem", "PutItem", "Query",
    "UpdateItem", "other"
};

/* the module's outcomes, and "condition": a conditional write refused,
 * the scheduler's everyday replay, not an error */
static const char  *sched_mx_outcomes[SCHED_MX_OUTCOMES] = {
    "ok", "condition", "error", "throttled", "timeout", "unreachable"
};

/* seconds: the module's request buckets, and beyond for a large pass */
static const double  sched_mx_pass_bounds[] = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300
};

/* seconds: a reminder goes within a scan interval (30 s) of its time,
 * one sent after downtime hours later */
static const double  sched_mx_lag_bounds[] = {
    0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600, 86400
};

#define SCHED_MX_N(a)  (sizeof(a) / sizeof((a)[0]))


typedef struct {
    int                  ready;
    unsigned long long   passes[SCHED_MX_PASSES][2];     /* ok, failed */
    long long            last_pass_ms[SCHED_MX_PASSES];
    tm_prom_hist_t       pass_seconds[SCHED_MX_PASSES];
    unsigned long long   found[SCHED_MX_CHANNELS];
    unsigned long long   sent[SCHED_MX_CHANNELS];
    unsigned long long   failed[SCHED_MX_CHANNELS];
    unsigned long long   expired;
    tm_prom_hist_t       lag[SCHED_MX_CHANNELS];
    unsigned long long   deliveries[2][SCHED_MX_TYPES][2];  /* email, sms;
                                                               sent, failed */
    unsigned long long   digests;
    unsigned long long   calls[SCHED_MX_OPS][SCHED_MX_OUTCOMES];

    /* the pass in hand: its lags in ms, for its log line */
    long long           *lags;
    size_t               nlags;
    size_t               size;
    size_t               nlost;          /* not kept: out of memory */
    long long            lag_max;
} sched_mx_t;


static sched_mx_t  sched_mx;


static void sched_mx_init(void);
static void sched_mx_lag(int ch, long long lag_ms);
static void sched_mx_render(sched_t *s, tm_prom_buf_t *b);
static void sched_mx_write(sched_t *s);


static void
sched_mx_init(void)
{
    size_t  i;

    if (sched_mx.ready) {
        return;
    }

    for (i = 0; i < SCHED_MX_PASSES; i++) {
        tm_prom_hist_init(&sched_mx.pass_seconds[i], sched_mx_pass_bounds,
                          SCHED_MX_N(sched_mx_pass_bounds));
    }

    for (i = 0; i < SCHED_MX_CHANNELS; i++) {
        tm_prom_hist_init(&sched_mx.lag[i], sched_mx_lag_bounds,
                          SCHED_MX_N(sched_mx_lag_bounds));
    }

    sched_mx.ready = 1;
}


void
sched_metrics_window(void)
{
    sched_mx_init();

    sched_mx.nlags = 0;
    sched_mx.nlost = 0;
    sched_mx.lag_max = 0;
}


/* the end of a pass: counted, its lags added to its log line (fields, if
 * an object), the file written */

void
sched_metrics_pass(sched_t *s, int pass, int ok, long long ms,
    json_t *fields)
{
    size_t          n;
    struct timeval  tv;

    sched_mx_init();

    sched_mx.passes[pass][ok ? 0 : 1]++;
    tm_prom_observe(&sched_mx.pass_seconds[pass], (double) ms / 1000);

    gettimeofday(&tv, NULL);
    sched_mx.last_pass_ms[pass] = (long long) tv.tv_sec * 1000
                                  + tv.tv_usec / 1000;

    n = sched_mx.nlags + sched_mx.nlost;

    if (n && json_is_object(fields)) {
        json_object_set_new(fields, "lag_count", json_integer((json_int_t) n));
        json_object_set_new(fields, "lag_p99_ms",
                            json_integer(sched_mx.nlags
                                ? tm_prom_quantile(sched_mx.lags,
                                                   sched_mx.nlags, 0.99)
                                : sched_mx.lag_max));
        json_object_set_new(fields, "lag_max_ms",
                            json_integer(sched_mx.lag_max));
    }

    sched_mx.nlags = 0;
    sched_mx.nlost = 0;
    sched_mx.lag_max = 0;

    if (s->conf->metrics_file) {
        sched_mx_write(s);
    }
}


void
sched_metrics_found(int ch)
{
    sched_mx_init();
    sched_mx.found[ch]++;
}


/* a reminder's send: rc SCHED_OK sent (lag_ms after its FireAt),
 * SCHED_CONDITION sent before (a replay: found, not counted again), else
 * failed */

void
sched_metrics_reminder(int ch, int rc, long long lag_ms)
{
    sched_mx_init();

    if (rc == SCHED_OK) {
        sched_mx.sent[ch]++;
        sched_mx_lag(ch, lag_ms);

    } else if (rc != SCHED_CONDITION) {
        sched_mx.failed[ch]++;
    }
}


void
sched_metrics_expired(void)
{
    sched_mx.expired++;
}


/* an email or SMS send's result; a reminder's (task_due) counts as one
 * with its lag: now minus its FireAt (fire_at NULL: none) */

void
sched_metrics_delivery(int ch, const char *type, int sent,
    const char *fire_at, long long now_ms)
{
    size_t      t;
    long long   fire;

    sched_mx_init();

    if (ch != SCHED_MX_EMAIL && ch != SCHED_MX_SMS) {
        return;
    }

    for (t = 0; t < SCHED_MX_TYPES - 1; t++) {
        if (type && strcmp(type, sched_mx_types[t]) == 0) {
            break;
        }
    }

    sched_mx.deliveries[ch - SCHED_MX_EMAIL][t][sent == SCHED_OK ? 0 : 1]++;

    if (t != 0) {
        return;
    }

    if (fire_at == NULL
        || tm_parse_rfc3339(fire_at, strlen(fire_at), &fire) != 0)
    {
        fire = now_ms / 1000;
    }

    sched_metrics_reminder(ch, sent == SCHED_OK ? SCHED_OK : SCHED_EFAIL,
                           now_ms - fire * 1000);
}


void
sched_metrics_digest(void)
{
    sched_mx.digests++;
}


/* one DynamoDB request (each try): rc as sched_ddb's, error the AWS
 * error type (NULL: none), err the transport's message */

void
sched_metrics_ddb(const char *op, int rc, int throttled, const char *err)
{
    size_t  i;
    int     o;

    for (i = 0; i < SCHED_MX_OPS - 1; i++) {
        if (strcmp(op, sched_mx_ops[i]) == 0) {
            break;
        }
    }

    switch (rc) {
    case SCHED_OK:
        o = SCHED_MX_CALL_OK;
        break;
    case SCHED_CONDITION:
        o = SCHED_MX_CALL_CONDITION;
        break;
    default:
        if (throttled) {
            o = SCHED_MX_CALL_THROTTLED;

        } else if (err && strstr(err, "timed out")) {
            o = SCHED_MX_CALL_TIMEOUT;

        } else if (err) {
            o = SCHED_MX_CALL_UNREACHED;

        } else {
            o = SCHED_MX_CALL_ERROR;
        }
    }

    sched_mx.calls[i][o]++;
}


static void
sched_mx_lag(int ch, long long lag_ms)
{
    size_t      size;
    long long  *p;

    /* another replica's clock may run ahead: never below 0 */
    if (lag_ms < 0) {
        lag_ms = 0;
    }

    tm_prom_observe(&sched_mx.lag[ch], (double) lag_ms / 1000);

    if (lag_ms > sched_mx.lag_max) {
        sched_mx.lag_max = lag_ms;
    }

    if (sched_mx.nlags == sched_mx.size) {
        size = sched_mx.size ? sched_mx.size * 2 : 256;
        p = realloc(sched_mx.lags, size * sizeof(long long));

        if (p == NULL) {
            sched_mx.nlost++;
            return;
        }

        sched_mx.lags = p;
        sched_mx.size = size;
    }

    sched_mx.lags[sched_mx.nlags++] = lag_ms;
}


static void
sched_mx_render(sched_t *s, tm_prom_buf_t *b)
{
    char       l[160];
    size_t     i, j, k;
    unsigned   shard, held;

    tm_prom_family(b, "taskmgr_scheduler_passes_total", "counter",
                   "Reminder rounds (due) and outbox drains, by outcome.");

    for (i = 0; i < SCHED_MX_PASSES; i++) {
        for (j = 0; j < 2; j++) {
            snprintf(l, sizeof(l), "pass=\"%s\",outcome=\"%s\"",
                     sched_mx_passes[i], j ? "failed" : "ok");
            tm_prom_sample(b, "taskmgr_scheduler_passes_total", l,
                           sched_mx.passes[i][j]);
        }
    }

    tm_prom_family(b, "taskmgr_scheduler_pass_duration_seconds",
                   "histogram", "Time a pass took, by pass.");

    for (i = 0; i < SCHED_MX_PASSES; i++) {
        snprintf(l, sizeof(l), "pass=\"%s\"", sched_mx_passes[i]);
        tm_prom_hist(b, "taskmgr_scheduler_pass_duration_seconds", l,
                     &sched_mx.pass_seconds[i]);
    }

    tm_prom_family(b, "taskmgr_scheduler_last_pass_timestamp_seconds",
                   "gauge", "When the last pass ended (Unix time), by pass.");

    for (i = 0; i < SCHED_MX_PASSES; i++) {
        tm_prom_printf(b, "taskmgr_scheduler_last_pass_timestamp_seconds"
                       "{pass=\"%s\"} %lld.%03lld\n", sched_mx_passes[i],
                       sched_mx.last_pass_ms[i] / 1000,
                       sched_mx.last_pass_ms[i] % 1000);
    }

    {
        static const struct {
            const char                *name;
            const char                *help;
            const unsigned long long  *v;
        } rem[] = {
            { "taskmgr_scheduler_reminders_found_total",
              "Reminders due found, by channel (a replay included).",
              sched_mx.found },
            { "taskmgr_scheduler_reminders_sent_total",
              "Reminders sent, by channel.", sched_mx.sent },
            { "taskmgr_scheduler_reminders_failed_total",
              "Reminder sends failed (tried again or not), by channel.",
              sched_mx.failed },
        };

        for (i = 0; i < SCHED_MX_N(rem); i++) {
            tm_prom_family(b, rem[i].name, "counter", rem[i].help);

            for (j = 0; j < SCHED_MX_CHANNELS; j++) {
                snprintf(l, sizeof(l), "channel=\"%s\"",
                         sched_mx_channels[j]);
                tm_prom_sample(b, rem[i].name, l, rem[i].v[j]);
            }
        }
    }

    tm_prom_family(b, "taskmgr_scheduler_reminders_expired_total", "counter",
                   "Reminders dropped unsent, older than overdue_window.");
    tm_prom_sample(b, "taskmgr_scheduler_reminders_expired_total", NULL,
                   sched_mx.expired);

    tm_prom_family(b, "taskmgr_scheduler_delivery_lag_seconds", "histogram",
                   "Reminders sent: the time sent minus the reminder's "
                   "fireAt, by channel.");

    for (i = 0; i < SCHED_MX_CHANNELS; i++) {
        snprintf(l, sizeof(l), "channel=\"%s\"", sched_mx_channels[i]);
        tm_prom_hist(b, "taskmgr_scheduler_delivery_lag_seconds", l,
                     &sched_mx.lag[i]);
    }

    tm_prom_family(b, "taskmgr_scheduler_deliveries_total", "counter",
                   "Email and SMS sends, by channel, notification type and "
                   "outcome.");

    for (i = 0; i < 2; i++) {
        for (j = 0; j < SCHED_MX_TYPES; j++) {
            for (k = 0; k < 2; k++) {
                snprintf(l, sizeof(l),
                         "channel=\"%s\",type=\"%s\",outcome=\"%s\"",
                         sched_mx_channels[i + SCHED_MX_EMAIL],
                         sched_mx_types[j], k ? "failed" : "sent");
                tm_prom_sample(b, "taskmgr_scheduler_deliveries_total", l,
                               sched_mx.deliveries[i][j][k]);
            }
        }
    }

    tm_prom_family(b, "taskmgr_scheduler_digests_total", "counter",
                   "Daily digests written (emailed through the outbox).");
    tm_prom_sample(b, "taskmgr_scheduler_digests_total", NULL,
                   sched_mx.digests);

    tm_prom_family(b, "taskmgr_scheduler_aws_calls_total", "counter",
                   "DynamoDB requests (each try), by operation and "
                   "outcome.");

    for (i = 0; i < SCHED_MX_OPS; i++) {
        for (j = 0; j < SCHED_MX_OUTCOMES; j++) {
            snprintf(l, sizeof(l),
                     "backend=\"dynamodb\",op=\"%s\",outcome=\"%s\"",
                     sched_mx_ops[i], sched_mx_outcomes[j]);
            tm_prom_sample(b, "taskmgr_scheduler_aws_calls_total", l,
                           sched_mx.calls[i][j]);
        }
    }

    held = 0;

    for (shard = 0; shard < (unsigned) s->conf->shards; shard++) {
        held += (sched_lease_mine(s, shard) != 0);
    }

    tm_prom_family(b, "taskmgr_scheduler_shards_held", "gauge",
                   "Shards this process works: its leases (shard_leases), "
                   "else all.");
    tm_prom_sample(b, "taskmgr_scheduler_shards_held", NULL, held);
    tm_prom_family(b, "taskmgr_scheduler_shards", "gauge",
                   "Write shards of the reminder and outbox indexes.");
    tm_prom_sample(b, "taskmgr_scheduler_shards", NULL,
                   (unsigned long long) s->conf->shards);
}


/* <metrics_file>.<pid>.tmp, then renamed over it */

static void
sched_mx_write(sched_t *s)
{
    int             ok;
    FILE           *f;
    char           *tmp;
    size_t          len;
    const char     *path, *what;
    tm_prom_buf_t   b;

    path = s->conf->metrics_file;

    memset(&b, 0, sizeof(b));
    sched_mx_render(s, &b);

    len = strlen(path) + 32;
    tmp = malloc(len);

    if (b.failed || tmp == NULL) {
        free(tmp);
        tm_prom_buf_free(&b);
        sched_log(SCHED_LOG_WARN, "metrics_write_failed",
                  json_pack("{s:s, s:s}", "file", path,
                            "error", "out of memory"));
        return;
    }

    snprintf(tmp, len, "%s.%ld.tmp", path, (long) getpid());

    what = "fopen";
    ok = 0;
    f = fopen(tmp, "w");

    if (f) {
        what = "write";
        ok = (fwrite(b.data, 1, b.len, f) == b.len);
        ok = (fclose(f) == 0) && ok;

        if (ok) {
            what = "rename";
            ok = (rename(tmp, path) == 0);
        }
    }

    if (!ok) {
        sched_log(SCHED_LOG_WARN, "metrics_write_failed",
                  json_pack("{s:s, s:s, s:s}", "file", path, "op", what,
                            "error", strerror(errno)));
        (void) unlink(tmp);
    }

    free(tmp);
    tm_prom_buf_free(&b);
}
