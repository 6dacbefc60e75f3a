/*
 * Email through an SMTP relay with libcurl: maildev locally, SES's SMTP
 * endpoint on AWS (smtps:// or smtp:// with smtp_starttls on, smtp_user,
 * smtp_password).  The Message-ID is derived from the notification and
 * the channel: a send repeated after a crash carries the same one.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>

#include "sched.h"


typedef struct {
    const char  *data;
    size_t       len;
    size_t       off;
} sched_reader_t;


static size_t sched_smtp_read(char *ptr, size_t size, size_t nmemb,
    void *data);
static char *sched_smtp_message(sched_t *s, const sched_msg_t *m);
static int sched_smtp_header_word(const char *s, char *out, size_t size);
static int sched_smtp_ascii(const char *s);
static char *sched_smtp_base64_lines(const char *s);


int
sched_smtp_send(sched_t *s, const sched_msg_t *m, char *err, size_t errlen)
{
    long                 code;
    char                 rcpt[320], from[320], ebuf[CURL_ERROR_SIZE];
    char                *msg;
    CURL                *h;
    CURLcode             rc;
    sched_reader_t       r;
    struct curl_slist   *to;
    const sched_conf_t  *conf;

    conf = s->conf;
    h = s->smtp;

    if (!sched_text_address_ok(m->to)) {
        snprintf(err, errlen, "unusable email address");
        return SCHED_EFAIL;
    }

    msg = sched_smtp_message(s, m);
    if (msg == NULL) {
        snprintf(err, errlen, "could not build the message");
        return SCHED_EFAIL;
    }

    snprintf(rcpt, sizeof(rcpt), "<%s>", m->to);
    snprintf(from, sizeof(from), "<%s>", conf->mail_from);

    to = curl_slist_append(NULL, rcpt);
    if (to == NULL) {
        free(msg);
        snprintf(err, errlen, "out of memory");
        return SCHED_EUNAVAIL;
    }

    r.data = msg;
    r.len = strlen(msg);
    r.off = 0;
    ebuf[0] = '\0';

    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, conf->smtp_url);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, to);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, sched_smtp_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &r);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t) r.len);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 3L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long) conf->http_timeout);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);

    if (conf->smtp_user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, conf->smtp_user);
        curl_easy_setopt(h, CURLOPT_PASSWORD,
                         conf->smtp_password ? conf->smtp_password : "");
    }

    if (conf->smtp_starttls) {
        curl_easy_setopt(h, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);
    }

    rc = curl_easy_perform(h);

    code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(to);
    free(msg);

    if (rc == CURLE_OK) {
        return SCHED_OK;
    }

    snprintf(err, errlen, "smtp %ld: %s", code,
             ebuf[0] ? ebuf : curl_easy_strerror(rc));

    /* 5xx: the relay refuses this message for good; else try again */
    return (code >= 500 && code < 600) ? SCHED_EFAIL : SCHED_EUNAVAIL;
}


static size_t
sched_smtp_read(char *ptr, size_t size, size_t nmemb, void *data)
{
    size_t           n;
    sched_reader_t  *r;

    r = data;
    n = size * nmemb;

    if (n > r->len - r->off) {
        n = r->len - r->off;
    }

    memcpy(ptr, r->data + r->off, n);
    r->off += n;

    return n;
}


static char *
sched_smtp_message(sched_t *s, const sched_msg_t *m)
{
    int          n;
    char        *subject, *body, *enc, *msg, date[64], word[2048];
    char         domain[256];
    time_t       now;
    struct tm    tm;
    const char  *at;

    subject = sched_text_subject(m);
    body = sched_text_body(s->conf, m);
    msg = NULL;
    enc = NULL;

    if (subject == NULL || body == NULL
        || sched_smtp_header_word(subject, word, sizeof(word)) != 0)
    {
        goto done;
    }

    now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);

    at = strrchr(s->conf->mail_from, '@');
    snprintf(domain, sizeof(domain), "%s", at ? at + 1 : "taskmgr");

    if (sched_smtp_ascii(body)) {
        enc = NULL;

    } else {
        enc = sched_smtp_base64_lines(body);
        if (enc == NULL) {
            goto done;
        }
    }

#define SCHED_SMTP_FMT                                                        \
    "Date: %s\r\n"                                                            \
    "From: taskmgr <%s>\r\n"                                                  \
    "To: <%s>\r\n"                                                            \
    "Subject: %s\r\n"                                                         \
    "Message-ID: <%s@%s>\r\n"                                                 \
    "X-Taskmgr-Notification: %s\r\n"                                          \
    "MIME-Version: 1.0\r\n"                                                   \
    "Content-Type: text/plain; charset=UTF-8\r\n"                             \
    "Content-Transfer-Encoding: %s\r\n"                                       \
    "\r\n"                                                                    \
    "%s"

    n = snprintf(NULL, 0, SCHED_SMTP_FMT, date, s->conf->mail_from, m->to,
                 word, m->key, domain, m->notif_id,
                 enc ? "base64" : "7bit", enc ? enc : body);

    msg = malloc((size_t) n + 1);
    if (msg == NULL) {
        goto done;
    }

    snprintf(msg, (size_t) n + 1, SCHED_SMTP_FMT, date, s->conf->mail_from,
             m->to, word, m->key, domain, m->notif_id,
             enc ? "base64" : "7bit", enc ? enc : body);

#undef SCHED_SMTP_FMT

    /* bare \n to \r\n for the 7bit body: only it has line breaks */
    if (enc == NULL) {
        char    *crlf, *p, *q;
        size_t   lf;

        for (lf = 0, p = msg; *p; p++) {
            lf += (*p == '\n' && (p == msg || p[-1] != '\r'));
        }

        crlf = malloc(strlen(msg) + lf + 1);
        if (crlf == NULL) {
            free(msg);
            msg = NULL;
            goto done;
        }

        for (p = msg, q = crlf; *p; p++) {
            if (*p == '\n' && (p == msg || p[-1] != '\r')) {
                *q++ = '\r';
            }

            *q++ = *p;
        }

        *q = '\0';
        free(msg);
        msg = crlf;
    }

done:

    free(subject);
    free(body);
    free(enc);

    return msg;
}


/* a header value: control characters become spaces; non-ASCII text is
 * RFC 2047 encoded-words of whole UTF-8 characters, folded */

static int
sched_smtp_header_word(const char *s, char *out, size_t size)
{
    char            clean[1024];
    size_t          i, n, start, chunk, len;
    unsigned char   b64[128];

    for (i = 0, n = 0; s[i] && n < sizeof(clean) - 1; i++) {
        clean[n++] = ((unsigned char) s[i] < ' ' || s[i] == 0x7f) ? ' '
                                                                   : s[i];
    }

    clean[n] = '\0';

    if (sched_smtp_ascii(clean)) {
        return snprintf(out, size, "%s", clean) < (int) size ? 0 : -1;
    }

    out[0] = '\0';
    len = 0;

    for (start = 0; start < n; start += chunk) {
        chunk = n - start < 45 ? n - start : 45;

        /* do not split a UTF-8 character */
        while (start + chunk < n
               && ((unsigned char) clean[start + chunk] & 0xc0) == 0x80)
        {
            chunk--;
        }

        EVP_EncodeBlock(b64, (const unsigned char *) clean + start,
                        (int) chunk);

        len += snprintf(out + len, size - len, "%s=?UTF-8?B?%s?=",
                        start ? "\r\n " : "", b64);
        if (len >= size) {
            return -1;
        }
    }

    return 0;
}


static int
sched_smtp_ascii(const char *s)
{
    for ( /* void */ ; *s; s++) {
        if ((unsigned char) *s > 0x7e) {
            return 0;
        }
    }

    return 1;
}


/* base64 in lines of 76 characters, \r\n-terminated */

static char *
sched_smtp_base64_lines(const char *s)
{
    char    *out, *p;
    size_t   len, i, n;

    len = strlen(s);
    out = malloc((len + 56) / 57 * 78 + 1);
    if (out == NULL) {
        return NULL;
    }

    p = out;

    for (i = 0; i < len; i += 57) {
        n = len - i < 57 ? len - i : 57;
        p += EVP_EncodeBlock((unsigned char *) p,
                             (const unsigned char *) s + i, (int) n);
        *p++ = '\r';
        *p++ = '\n';
    }

    *p = '\0';

    return out;
}
