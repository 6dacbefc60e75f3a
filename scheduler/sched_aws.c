/*
 * A SigV4-signed POST to an AWS endpoint (DynamoDB's JSON protocol, SNS's
 * query protocol, SES v2's REST JSON), with the module's headers
 * (common/tm_aws.c) signed by common/tm_sigv4.c as the module signs, with
 * the credentials of sched_creds.c (and their session token).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sched.h"
#include "tm_aws.h"
#include "tm_sigv4.h"


int
sched_aws_post(sched_t *s, CURL *h, const char *endpoint,
    const char *path, const char *service, const char *content_type,
    const char *target, const char *body, size_t len, long *status,
    sched_buf_t *out, char *err, size_t errlen)
{
    int                  rc, w;
    char                 host[256], date[20], auth[1024], url[512];
    char                 line[TM_AWS_TOKEN_SIZE + 64];
    size_t               i, n;
    struct curl_slist   *list, *l;
    tm_sigv4_header_t    hd[TM_AWS_HEADERS];
    tm_sigv4_request_t   sig;
    const char          *key, *secret, *token;
    const sched_conf_t  *conf;

    conf = s->conf;

    if (sched_creds_get(s, &key, &secret, &token, err, errlen) != 0) {
        return -1;
    }

    if (sched_url_host(endpoint, host, sizeof(host)) != 0) {
        snprintf(err, errlen, "bad endpoint %s", endpoint);
        return -1;
    }

    /* signed with the real time: AWS refuses a skewed signature */
    tm_sigv4_amz_date((long long) time(NULL), date);

    n = tm_aws_headers(hd, TM_AWS_HEADERS, host, content_type, date, target,
                       token);

    memset(&sig, 0, sizeof(sig));
    sig.method = "POST";
    sig.path = path;
    sig.query = "";
    sig.headers = hd;
    sig.nheaders = n;
    sig.payload = (const unsigned char *) body;
    sig.payload_len = len;
    sig.region = conf->region;
    sig.service = service;
    sig.access_key = key;
    sig.secret_key = secret;
    sig.amz_date = date;

    if (tm_sigv4_authorization(&sig, auth, sizeof(auth)) < 0) {
        snprintf(err, errlen, "could not sign the request");
        return -1;
    }

    list = NULL;

    for (i = 0; i <= n; i++) {
        if (i < n) {
            w = snprintf(line, sizeof(line), "%s: %s", hd[i].name,
                         hd[i].value);

        } else {
            w = snprintf(line, sizeof(line), "Authorization: %s", auth);
        }

        /* a cut header would be signed as a whole and sent cut */
        if (w < 0 || (size_t) w >= sizeof(line)) {
            curl_slist_free_all(list);
            snprintf(err, errlen, "the %s header is too long",
                     i < n ? hd[i].name : "Authorization");
            return -1;
        }

        l = curl_slist_append(list, line);
        if (l == NULL) {
            curl_slist_free_all(list);
            snprintf(err, errlen, "out of memory");
            return -1;
        }

        list = l;
    }

    /* no "Expect: 100-continue" round trip on larger bodies */
    l = curl_slist_append(list, "Expect:");
    if (l) {
        list = l;
    }

    w = snprintf(url, sizeof(url), "%s%s", endpoint, path);
    if (w < 0 || (size_t) w >= sizeof(url)) {
        curl_slist_free_all(list);
        snprintf(err, errlen, "the URL is too long");
        return -1;
    }

    rc = sched_http_post(h, url, list, body, len, (long) conf->http_timeout,
                         status, out, err, errlen);

    curl_slist_free_all(list);

    return rc;
}



int
sched_aws_deliver(sched_t *s, CURL *h, const char *endpoint,
    const char *path, const char *service, const char *content_type,
    const char *body, size_t len, char *err, size_t errlen)
{
    int          rc;
    long         status;
    sched_buf_t  out;

    if (sched_aws_post(s, h, endpoint, path, service, content_type, NULL,
                       body, len, &status, &out, err, errlen)
        != 0)
    {
        return SCHED_EUNAVAIL;
    }

    if (status == 200) {
        free(out.data);
        return SCHED_OK;
    }

    snprintf(err, errlen, "%s HTTP %ld: %.200s", service, status, out.data);

    /*
     * throttled (SNS's Throttling, SES's TooManyRequestsException 429),
     * refused credentials that may be renewed, or down: again; any other
     * 4xx (a bad topic, address or parameter; SES's SendingPaused, which
     * waits for someone to act) will not get better
     */
    rc = (status >= 500 || status == 403 || status == 429
          || strstr(out.data, "Throttl") != NULL)
         ? SCHED_EUNAVAIL : SCHED_EFAIL;

    free(out.data);

    return rc;
}
