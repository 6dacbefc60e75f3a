/*
 * One HTTP POST (AWS, SNS) or GET (the credentials endpoint) with libcurl
 * into a growing buffer.  The handle is the caller's and is reused, so
 * that connections are kept alive.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"


#define SCHED_HTTP_MAX  (16 * 1024 * 1024)


static int sched_http_perform(CURL *h, const char *url,
    struct curl_slist *headers, long timeout_s, long *status,
    sched_buf_t *out, char *err, size_t errlen);
static size_t sched_http_write(char *ptr, size_t size, size_t nmemb,
    void *data);


int
sched_http_post(CURL *h, const char *url, struct curl_slist *headers,
    const char *body, size_t len, long timeout_s, long *status,
    sched_buf_t *out, char *err, size_t errlen)
{
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) len);

    return sched_http_perform(h, url, headers, timeout_s, status, out, err,
                              errlen);
}


int
sched_http_get(CURL *h, const char *url, struct curl_slist *headers,
    long timeout_s, long *status, sched_buf_t *out, char *err, size_t errlen)
{
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);

    return sched_http_perform(h, url, headers, timeout_s, status, out, err,
                              errlen);
}


static int
sched_http_perform(CURL *h, const char *url, struct curl_slist *headers,
    long timeout_s, long *status, sched_buf_t *out, char *err, size_t errlen)
{
    char      ebuf[CURL_ERROR_SIZE];
    CURLcode  rc;

    out->data = NULL;
    out->len = 0;
    ebuf[0] = '\0';

    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sched_http_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout_s < 3 ? timeout_s
                                                              : 3L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);

    rc = curl_easy_perform(h);

    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);

    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
        free(out->data);
        out->data = NULL;
        out->len = 0;
        return -1;
    }

    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);

    if (out->data == NULL) {
        out->data = calloc(1, 1);
        if (out->data == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }

    return 0;
}


static size_t
sched_http_write(char *ptr, size_t size, size_t nmemb, void *data)
{
    char         *p;
    size_t        n;
    sched_buf_t  *b;

    b = data;
    n = size * nmemb;

    if (b->len + n > SCHED_HTTP_MAX) {
        return 0;
    }

    p = realloc(b->data, b->len + n + 1);
    if (p == NULL) {
        return 0;
    }

    memcpy(p + b->len, ptr, n);
    b->data = p;
    b->len += n;
    b->data[b->len] = '\0';

    return n;
}


/* "http://127.0.0.1:8000/x" -> "127.0.0.1:8000": the Host SigV4 signs */

int
sched_url_host(const char *url, char *host, size_t size)
{
    size_t       n;
    const char  *p, *e;

    p = strstr(url, "://");
    if (p == NULL) {
        return -1;
    }

    p += 3;
    e = p + strcspn(p, "/?#");
    n = (size_t) (e - p);

    if (n == 0 || n >= size) {
        return -1;
    }

    memcpy(host, p, n);
    host[n] = '\0';

    return 0;
}
