/*
 * taskmgr-scheduler -c <conf> [--once] [--now <RFC 3339>]
 *
 * Without --once: a reminder pass every scan_interval and an outbox drain
 * every drain_interval, until SIGTERM/SIGINT (the item in hand is
 * finished, then exit 0); SIGHUP reloads the conf.  A pass that could not
 * finish (DynamoDB down) is run again after a growing pause; the daemon
 * never exits for that.  --once: one reminder pass and one drain, exit 0
 * if both completed, 1 if not.  Exit 2: bad arguments or conf.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sched.h"
#include "tm_validate.h"


#define SCHED_RETRY_FIRST_MS  2000LL


volatile sig_atomic_t  sched_stop;
volatile sig_atomic_t  sched_reload;


static void sched_signal(int signo);
static int sched_setup(sched_t *s);
static void sched_cleanup(sched_t *s);
static int sched_daemon(sched_t *s);
static int sched_reload_conf(sched_t *s);
static void sched_usage(void);


int
main(int argc, char **argv)
{
    int                rc, i, once;
    char               err[512];
    sched_t            s;
    long long          epoch;
    const char        *conf_path, *now;
    struct sigaction   sa;

    conf_path = NULL;
    now = NULL;
    once = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            conf_path = argv[++i];

        } else if (strcmp(argv[i], "--once") == 0) {
            once = 1;

        } else if (strcmp(argv[i], "--now") == 0 && i + 1 < argc) {
            now = argv[++i];

        } else {
            sched_usage();
            return 2;
        }
    }

    if (conf_path == NULL) {
        sched_usage();
        return 2;
    }

    memset(&s, 0, sizeof(s));
    s.shard = -1;
    s.once = once;

    if (now) {
        if (tm_parse_rfc3339(now, strlen(now), &epoch) != 0) {
            fprintf(stderr, "taskmgr-scheduler: --now: not an RFC 3339 "
                    "date-time: %s\n", now);
            return 2;
        }

        s.clock_offset_ms = epoch * 1000 - sched_now_ms(&s);
    }

    s.conf = sched_conf_load(conf_path, err, sizeof(err));
    if (s.conf == NULL) {
        sched_log(SCHED_LOG_ERROR, "conf_error",
                  json_pack("{s:s, s:s}", "conf", conf_path, "error", err));
        return 2;
    }

    sched_log_level(s.conf->level);

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || sched_setup(&s) != 0) {
        sched_log(SCHED_LOG_ERROR, "init_error", NULL);
        sched_conf_free(s.conf);
        return 2;
    }

    /* no SA_RESTART: a signal ends a wait at once */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = sched_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    sched_log(SCHED_LOG_INFO, "start",
              json_pack("{s:s, s:s, s:b, s:I, s:s, s:s, s:I, s:I, s:s}",
                        "conf", conf_path, "table", s.conf->table,
                        "once", once, "pid", (json_int_t) getpid(),
                        "email_channel", s.conf->email_channel,
                        "sms_channel", s.conf->sms_channel,
                        "shards", (json_int_t) s.conf->shards,
                        "clock_offset_ms", (json_int_t) s.clock_offset_ms,
                        "credentials", s.conf->credentials_endpoint
                                       ? s.conf->credentials_endpoint
                                       : "static"));

    if (once) {
        /* with leases: every free shard, for this pass only */
        rc = sched_lease_tick(&s) < 0 ? 1 : 0;

        if (sched_remind_pass(&s) != SCHED_OK) {
            rc = 1;
        }

        if (!sched_stop && sched_outbox_drain(&s) != SCHED_OK) {
            rc = 1;
        }

    } else {
        rc = sched_daemon(&s);
    }

    sched_lease_release(&s);

    sched_log(SCHED_LOG_INFO, "exit",
              json_pack("{s:i, s:b, s:s, s:o}", "status", rc,
                        "signalled", (int) sched_stop,
                        "replica", s.conf->replica_id,
                        "ddb_calls", sched_lease_calls(&s)));

    sched_cleanup(&s);
    sched_conf_free(s.conf);
    curl_global_cleanup();

    return rc;
}


static void
sched_signal(int signo)
{
    if (signo == SIGHUP) {
        sched_reload = 1;

    } else {
        sched_stop = 1;
    }
}


static int
sched_setup(sched_t *s)
{
    s->ddb = curl_easy_init();
    s->smtp = curl_easy_init();
    s->sns = curl_easy_init();
    s->ses = curl_easy_init();
    s->creds_h = curl_easy_init();
    s->events = curl_easy_init();

    return (s->ddb && s->smtp && s->sns && s->ses && s->creds_h
            && s->events) ? 0 : -1;
}


static void
sched_cleanup(sched_t *s)
{
    curl_easy_cleanup(s->ddb);
    curl_easy_cleanup(s->smtp);
    curl_easy_cleanup(s->sns);
    curl_easy_cleanup(s->ses);
    curl_easy_cleanup(s->creds_h);
    curl_easy_cleanup(s->events);

    /* a reload may name another endpoint: fetched again */
    sched_creds_free(s);
}


/* two timers; a failed pass comes back sooner, doubling up to its
 * interval */

static int
sched_daemon(sched_t *s)
{
    long long  now, next_scan, next_drain, scan_wait, drain_wait, wait;

    next_scan = 0;
    next_drain = 0;
    scan_wait = SCHED_RETRY_FIRST_MS;
    drain_wait = SCHED_RETRY_FIRST_MS;

    while (!sched_stop) {

        if (sched_reload) {
            sched_reload = 0;

            if (sched_reload_conf(s) == 0) {
                next_scan = 0;
                next_drain = 0;
            }
        }

        now = sched_now_ms(s) - s->clock_offset_ms;

        /* shards just taken are worked at once, not an interval later */
        if (s->conf->shard_leases && now >= s->lease_next_ms) {
            (void) sched_lease_tick(s);
        }

        if (s->lease_taken) {
            next_scan = 0;
            next_drain = 0;
        }

        if (now >= next_scan) {
            if (sched_remind_pass(s) == SCHED_OK) {
                next_scan = now + s->conf->scan_interval * 1000;
                scan_wait = SCHED_RETRY_FIRST_MS;

            } else {
                next_scan = now + scan_wait;
                scan_wait *= 2;
                if (scan_wait > s->conf->scan_interval * 1000) {
                    scan_wait = s->conf->scan_interval * 1000;
                }
            }
        }

        if (sched_stop) {
            break;
        }

        now = sched_now_ms(s) - s->clock_offset_ms;

        if (now >= next_drain) {
            if (sched_outbox_drain(s) == SCHED_OK) {
                next_drain = now + s->conf->drain_interval * 1000;
                drain_wait = SCHED_RETRY_FIRST_MS;

            } else {
                next_drain = now + drain_wait;
                drain_wait *= 2;
                if (drain_wait > 60000) {
                    drain_wait = 60000;
                }
            }
        }

        now = sched_now_ms(s) - s->clock_offset_ms;
        wait = (next_scan < next_drain ? next_scan : next_drain) - now;

        if (s->conf->shard_leases && s->lease_next_ms - now < wait) {
            wait = s->lease_next_ms - now;
        }

        sched_sleep_ms(wait);
    }

    return 0;
}


/* a bad new conf keeps the running one */

static int
sched_reload_conf(sched_t *s)
{
    char           err[512];
    sched_conf_t  *conf;

    conf = sched_conf_load(s->conf->path, err, sizeof(err));

    if (conf == NULL) {
        sched_log(SCHED_LOG_ERROR, "reload_failed",
                  json_pack("{s:s, s:s}", "conf", s->conf->path,
                            "error", err));
        return -1;
    }

    /* the lease length, the id or the shards may change: start afresh */
    sched_lease_release(s);

    sched_conf_free(s->conf);
    s->conf = conf;
    sched_log_level(conf->level);

    /* new endpoints: new connections */
    sched_cleanup(s);

    if (sched_setup(s) != 0) {
        sched_log(SCHED_LOG_ERROR, "reload_failed",
                  json_pack("{s:s}", "error", "curl_easy_init"));
        sched_stop = 1;
        return -1;
    }

    sched_log(SCHED_LOG_INFO, "reloaded",
              json_pack("{s:s}", "conf", conf->path));

    return 0;
}


static void
sched_usage(void)
{
    fprintf(stderr, "usage: taskmgr-scheduler -c <scheduler.conf> [--once] "
            "[--now <RFC 3339 date-time>]\n");
}
