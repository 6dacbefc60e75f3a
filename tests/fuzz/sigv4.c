/*
 * libFuzzer target: SigV4 canonical requests (common/tm_sigv4.c).  The
 * input is an HTTP request as the AWS test suite writes them ("GET
 * /p?q HTTP/1.1", header lines, a blank line, the body): method, path,
 * query, headers and body are what a caller may pass.  A result fits in
 * exactly its length plus the NUL; the string to sign carries the
 * canonical request's SHA-256; the canonical query, signed again as a
 * query, is itself; the Authorization header names the signed headers.
 */

#include <string.h>
#include <openssl/evp.h>

#include "fuzz.h"
#include "tm_sigv4.h"


#define FZ_HEADERS  32


/* "GET /p?q HTTP/1.1\nName:value\n\nbody" split in place, as
 * tests/unit/test_sigv4.c reads the suite's request.txt */
static void
fz_parse(char *p, size_t size, tm_sigv4_request_t *req,
    tm_sigv4_header_t *h)
{
    char  *end, *line, *sp, *q, *colon;

    end = p + size;

    line = p;
    p = memchr(p, '\n', (size_t) (end - p));
    p = p ? p : end;
    *p = '\0';
    p = p < end ? p + 1 : end;

    req->method = line;
    req->path = "";
    req->query = "";

    sp = strchr(line, ' ');
    if (sp) {
        *sp++ = '\0';
        req->path = sp;

        q = strrchr(sp, ' ');           /* " HTTP/1.1" */
        if (q) {
            *q = '\0';
        }

        q = strchr(sp, '?');
        if (q) {
            *q++ = '\0';
            req->query = q;
        }
    }

    req->nheaders = 0;

    while (p < end && *p != '\n' && req->nheaders < FZ_HEADERS) {
        line = p;
        p = memchr(p, '\n', (size_t) (end - p));
        p = p ? p : end;
        *p = '\0';
        p = p < end ? p + 1 : end;

        colon = strchr(line, ':');
        if (colon == NULL) {
            continue;
        }

        *colon = '\0';
        h[req->nheaders].name = line;
        h[req->nheaders].value = colon + 1;
        req->nheaders++;
    }

    if (p < end && *p == '\n') {
        p++;
    }

    req->headers = h;
    req->payload = (const unsigned char *) p;
    req->payload_len = (size_t) (end - p);
}


/* the n-th line of s (0: the first), as a new string */
static char *
fz_line(const char *s, int n)
{
    const char  *nl;

    for ( /* void */ ; n > 0 && s; n--) {
        s = strchr(s, '\n');
        s = s ? s + 1 : NULL;
    }

    if (s == NULL) {
        return NULL;
    }

    nl = strchr(s, '\n');

    return strndup(s, nl ? (size_t) (nl - s) : strlen(s));
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                 n, m;
    size_t              room;
    char               *copy, *out, *exact, *line, *again, hex[65];
    char               *headers;
    unsigned int        i, hlen;
    unsigned char       hash[32];
    tm_sigv4_header_t   h[FZ_HEADERS];
    tm_sigv4_request_t  req, req2;

    copy = malloc(size + 1);
    memcpy(copy, data, size);
    copy[size] = '\0';

    memset(&req, 0, sizeof(req));
    fz_parse(copy, size, &req, h);

    req.region = "us-east-1";
    req.service = "dynamodb";
    req.access_key = "AKIDEXAMPLE";
    req.secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    req.amz_date = "20150830T123600Z";

    /* %XX for a byte, and the fixed parts */
    room = size * 3 + 4096;
    out = malloc(room);
    n = tm_sigv4_canonical_request(&req, out, room);

    if (n < 0) {
        goto done;
    }

    fz_check((size_t) n == strlen(out));

    /* to the byte: its length and the NUL, not one less */
    exact = malloc((size_t) n + 1);
    fz_check(tm_sigv4_canonical_request(&req, exact, (size_t) n + 1) == n
             && memcmp(exact, out, (size_t) n + 1) == 0);
    fz_check(tm_sigv4_canonical_request(&req, exact, (size_t) n) == -1);
    free(exact);

    /* the string to sign ends with the canonical request's hash */
    EVP_Digest(out, (size_t) n, hash, &hlen, EVP_sha256(), NULL);
    for (i = 0; i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", hash[i]);
    }

    /* the canonical query (line 3), signed as the query, is itself */
    line = fz_line(out, 2);
    fz_check(line != NULL);

    req2 = req;
    req2.query = line;
    again = malloc(room);
    m = tm_sigv4_canonical_request(&req2, again, room);
    fz_check(m == n && strcmp(again, out) == 0);
    free(line);

    /* the signed headers: the line before the payload hash, the last */
    line = strrchr(out, '\n');
    fz_check(line != NULL);
    *line = '\0';
    headers = strdup(strrchr(out, '\n') ? strrchr(out, '\n') + 1 : out);
    *line = '\n';

    m = tm_sigv4_string_to_sign(&req, again, room);
    fz_check(m > 64 && strcmp(again + m - 64, hex) == 0);

    m = tm_sigv4_authorization(&req, again, room);
    fz_check(m > 0 && strncmp(again, "AWS4-HMAC-SHA256 Credential=", 28)
                      == 0);
    fz_check(strstr(again, headers) != NULL);

    free(headers);
    free(again);

done:

    free(out);
    free(copy);

    return 0;
}
