/*
 * The credentials SigV4 signs with.  Static ones (access_key/secret_key/
 * session_token, else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/
 * AWS_SESSION_TOKEN), or temporary ones from the container credentials
 * endpoint (credentials_endpoint, else
 * http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
 * $AWS_CONTAINER_CREDENTIALS_FULL_URI, with its Authorization token),
 * as the module gets them (ngx_taskmgr_creds.c); the endpoint's reply is
 * read by common/tm_aws.c for both.
 *
 * Temporary ones are kept and fetched again 5 minutes before their
 * Expiration; never signed with in their last SCHED_CREDS_MARGIN_MS.  If
 * the endpoint fails, the ones in hand are used while valid and the
 * endpoint is asked again after a growing pause; with none valid every
 * AWS call fails as with a backend down (SCHED_EUNAVAIL for the caller):
 * the pass is retried later, nothing is recorded as sent.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "tm_aws.h"
#include "tm_time.h"


#define SCHED_CREDS_EARLY_MS    300000LL    /* refresh before Expiration */
#define SCHED_CREDS_MARGIN_MS   10000LL     /* never sign closer to it */
#define SCHED_CREDS_WAIT_MS     2000LL      /* after a failed fetch, */
#define SCHED_CREDS_WAIT_MAX    60000LL     /* doubling up to this */
#define SCHED_CREDS_TOKEN_MAX   8192


static void sched_creds_fetch(sched_t *s, long long now);
static int sched_creds_request(sched_t *s, long long now,
    tm_aws_creds_t *fresh, char *err, size_t errlen);
static int sched_creds_token(const sched_conf_t *conf, char **line,
    char *err, size_t errlen);
static int sched_creds_url_ok(const char *url);
static int sched_creds_env(char **field, const char *name);


/* the source, from the conf, else the environment: static or endpoint */

int
sched_creds_conf(sched_conf_t *conf, char *err, size_t errlen)
{
    size_t       len;
    const char  *rel;

    if (conf->credentials_endpoint) {
        if (conf->access_key || conf->secret_key || conf->session_token) {
            snprintf(err, errlen, "set access_key/secret_key/session_token "
                     "or credentials_endpoint, not both");
            return -1;
        }

        goto endpoint;
    }

    if (conf->credentials_token || conf->credentials_token_file) {
        snprintf(err, errlen, "credentials_token and credentials_token_file "
                 "need credentials_endpoint");
        return -1;
    }

    if (conf->access_key == NULL && getenv("AWS_ACCESS_KEY_ID")
        && *getenv("AWS_ACCESS_KEY_ID"))
    {
        if (sched_creds_env(&conf->access_key, "AWS_ACCESS_KEY_ID")
            || sched_creds_env(&conf->secret_key, "AWS_SECRET_ACCESS_KEY")
            || sched_creds_env(&conf->session_token, "AWS_SESSION_TOKEN"))
        {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }

    if (conf->access_key || conf->secret_key) {
        if (conf->access_key == NULL || conf->secret_key == NULL) {
            snprintf(err, errlen, "access_key and secret_key (or "
                     "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) go "
                     "together");
            return -1;
        }

        return 0;
    }

    /* as the AWS SDKs: the relative URI first */
    rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");

    if (rel && *rel) {
        len = sizeof("http://169.254.170.2") + strlen(rel);
        conf->credentials_endpoint = malloc(len);
        if (conf->credentials_endpoint == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }

        snprintf(conf->credentials_endpoint, len, "http://169.254.170.2%s",
                 rel);

    } else if (sched_creds_env(&conf->credentials_endpoint,
                               "AWS_CONTAINER_CREDENTIALS_FULL_URI"))
    {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    if (conf->credentials_endpoint == NULL) {
        snprintf(err, errlen, "no credentials: set access_key and "
                 "secret_key, or credentials_endpoint; or "
                 "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI");
        return -1;
    }

    /* the file first: it holds the token as rotated */
    if (sched_creds_env(&conf->credentials_token_file,
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        || (conf->credentials_token_file == NULL
            && sched_creds_env(&conf->credentials_token,
                               "AWS_CONTAINER_AUTHORIZATION_TOKEN")))
    {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

endpoint:

    if (conf->credentials_token && conf->credentials_token_file) {
        snprintf(err, errlen, "credentials_token or credentials_token_file, "
                 "not both");
        return -1;
    }

    if (conf->credentials_token
        && strpbrk(conf->credentials_token, "\r\n") != NULL)
    {
        snprintf(err, errlen, "credentials_token: a line break");
        return -1;
    }

    if (!sched_creds_url_ok(conf->credentials_endpoint)) {
        snprintf(err, errlen, "credentials endpoint %s: https://, or "
                 "http:// to a loopback address or 169.254.170.2/.23 "
                 "(the token is not sent elsewhere in clear)",
                 conf->credentials_endpoint);
        return -1;
    }

    return 0;
}


int
sched_creds_get(sched_t *s, const char **key, const char **secret,
    const char **token, char *err, size_t errlen)
{
    long long       now;
    sched_creds_t  *c;
    sched_conf_t   *conf;

    conf = s->conf;

    if (conf->credentials_endpoint == NULL) {
        *key = conf->access_key;
        *secret = conf->secret_key;
        *token = conf->session_token;
        return 0;
    }

    c = &s->creds;

    /* the real time: Expiration is, whatever --now says */
    now = sched_now_ms(s) - s->clock_offset_ms;

    if (now >= c->refresh_ms && now >= c->next_try_ms) {
        sched_creds_fetch(s, now);
        now = sched_now_ms(s) - s->clock_offset_ms;
    }

    if (c->aws.key[0] == '\0'
        || now >= c->expires_ms - SCHED_CREDS_MARGIN_MS)
    {
        snprintf(err, errlen, "no valid AWS credentials (%s)",
                 c->aws.key[0] ? "the last ones expired" : "none fetched");
        return -1;
    }

    *key = c->aws.key;
    *secret = c->aws.secret;
    *token = c->aws.token[0] ? c->aws.token : NULL;

    return 0;
}


/* forgets them, the secret wiped */

void
sched_creds_free(sched_t *s)
{
    memset(&s->creds, 0, sizeof(sched_creds_t));
}


static void
sched_creds_fetch(sched_t *s, long long now)
{
    int              rc, usable;
    char             err[256], t[TM_TIME_MS_SIZE], e[TM_TIME_MS_SIZE];
    long long        end;
    sched_creds_t   *c;
    tm_aws_creds_t   fresh;

    c = &s->creds;

    rc = sched_creds_request(s, now, &fresh, err, sizeof(err));

    /* the endpoint may have taken up to http_timeout */
    now = sched_now_ms(s) - s->clock_offset_ms;

    if (rc == 0) {
        sched_creds_free(s);
        c->aws = fresh;
        c->expires_ms = fresh.expires * 1000;

        /* short-lived ones: again halfway through what is left of them */
        end = c->expires_ms - SCHED_CREDS_MARGIN_MS;
        c->refresh_ms = c->expires_ms - SCHED_CREDS_EARLY_MS;
        if (c->refresh_ms <= now) {
            c->refresh_ms = now + (end - now) / 2;
        }

        tm_time_ms(c->expires_ms, e);
        tm_time_ms(c->refresh_ms, t);
        sched_log(SCHED_LOG_INFO, "credentials",
                  json_pack("{s:s, s:s, s:s}", "access_key_id", c->aws.key,
                            "expiration", e, "refresh_at", t));
        return;
    }

    c->wait_ms = c->wait_ms ? c->wait_ms * 2 : SCHED_CREDS_WAIT_MS;
    if (c->wait_ms > SCHED_CREDS_WAIT_MAX) {
        c->wait_ms = SCHED_CREDS_WAIT_MAX;
    }

    c->next_try_ms = now + c->wait_ms;

    end = c->expires_ms - SCHED_CREDS_MARGIN_MS;
    usable = (c->aws.key[0] != '\0' && now < end);

    /* the ones in hand expiring: asked again then, not later */
    if (usable && c->next_try_ms > end) {
        c->next_try_ms = end;
    }

    if (usable) {
        tm_time_ms(c->expires_ms, e);
    }

    sched_log(usable ? SCHED_LOG_WARN : SCHED_LOG_ERROR, "credentials_error",
              json_pack("{s:s, s:s, s:s*, s:s*, s:I}",
                        "endpoint", s->conf->credentials_endpoint,
                        "error", err,
                        "using", usable ? c->aws.key : NULL,
                        "valid_until", usable ? e : NULL,
                        "retry_in_ms", (json_int_t) (c->next_try_ms - now)));
}


/* one GET of the endpoint; 0 and *fresh if it served credentials that
 * are still good for a while */

static int
sched_creds_request(sched_t *s, long long now, tm_aws_creds_t *fresh,
    char *err, size_t errlen)
{
    int                  rc;
    long                 status;
    char                *line;
    sched_buf_t          out;
    struct curl_slist   *list, *l;
    const sched_conf_t  *conf;

    conf = s->conf;

    /* "Authorization: <token>", or NULL: no token */
    if (sched_creds_token(conf, &line, err, errlen) != 0) {
        return -1;
    }

    list = curl_slist_append(NULL, "Accept: application/json");

    if (list && line) {
        l = curl_slist_append(list, line);
        if (l == NULL) {
            curl_slist_free_all(list);
        }

        list = l;
    }

    free(line);

    if (list == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    rc = sched_http_get(s->creds_h, conf->credentials_endpoint, list,
                        (long) conf->http_timeout, &status, &out, err,
                        errlen);
    curl_slist_free_all(list);

    if (rc != 0) {
        return -1;
    }

    if (status != 200) {
        free(out.data);
        snprintf(err, errlen, "HTTP %ld", status);
        return -1;
    }

    /*
     * refused if they expire within the margin: an Expiration of exp
     * seconds is at or before now + margin (in ms) exactly when exp is at
     * or before (now + margin) / 1000, rounded down
     */
    rc = tm_aws_creds_parse(out.data, out.len,
                            (now + SCHED_CREDS_MARGIN_MS) / 1000, fresh, err,
                            errlen);
    free(out.data);

    return rc;
}


/* *line = "Authorization: <token>" (malloc'd), the token the conf's or
 * the file's as it is now (it may be rotated), or NULL: none */

static int
sched_creds_token(const sched_conf_t *conf, char **line, char *err,
    size_t errlen)
{
    FILE        *f;
    char        *t;
    size_t       n, len;
    const char  *prefix = "Authorization: ";

    *line = NULL;

    if (conf->credentials_token == NULL
        && conf->credentials_token_file == NULL)
    {
        return 0;
    }

    len = strlen(prefix) + (conf->credentials_token
                            ? strlen(conf->credentials_token)
                            : SCHED_CREDS_TOKEN_MAX + 1);
    t = malloc(len + 1);
    if (t == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    n = strlen(prefix);
    memcpy(t, prefix, n);

    if (conf->credentials_token) {
        strcpy(t + n, conf->credentials_token);
        *line = t;
        return 0;
    }

    f = fopen(conf->credentials_token_file, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read the token file %.200s",
                 conf->credentials_token_file);
        free(t);
        return -1;
    }

    n += fread(t + n, 1, SCHED_CREDS_TOKEN_MAX + 1, f);
    fclose(f);
    t[n] = '\0';

    while (n > strlen(prefix) && strchr("\r\n \t", t[n - 1])) {
        t[--n] = '\0';
    }

    if (n == strlen(prefix) || n - strlen(prefix) > SCHED_CREDS_TOKEN_MAX
        || strlen(t) != n || strpbrk(t, "\r\n") != NULL)
    {
        snprintf(err, errlen, "the token file %.200s: not one line of 1 to "
                 "%d bytes", conf->credentials_token_file,
                 SCHED_CREDS_TOKEN_MAX);
        free(t);
        return -1;
    }

    *line = t;

    return 0;
}


/* as the AWS SDKs: the token goes over https, or in clear to this host
 * or the ECS/EKS agent only */

static int
sched_creds_url_ok(const char *url)
{
    char         host[256], *p;
    size_t       i;
    const char  *agents[] = { "localhost", "[::1]", "169.254.170.2",
                              "169.254.170.23", "[fd00:ec2::23]", NULL };

    if (sched_url_host(url, host, sizeof(host)) != 0
        || strchr(host, '@') != NULL)
    {
        return 0;
    }

    if (strncmp(url, "https://", 8) == 0) {
        return 1;
    }

    if (strncmp(url, "http://", 7) != 0) {
        return 0;
    }

    /* the port off */
    p = (host[0] == '[') ? strchr(host, ']') : host;
    p = p ? strchr(p, ':') : NULL;
    if (p) {
        *p = '\0';
    }

    for (i = 0; agents[i]; i++) {
        if (strcmp(host, agents[i]) == 0) {
            return 1;
        }
    }

    if (strncmp(host, "127.", 4) != 0) {
        return 0;
    }

    return strspn(host, "0123456789.") == strlen(host);
}


static int
sched_creds_env(char **field, const char *name)
{
    const char  *v;

    v = getenv(name);
    if (v == NULL || *v == '\0') {
        return 0;
    }

    free(*field);
    *field = strdup(v);

    return *field ? 0 : -1;
}
