/*
 * AWS Signature Version 4 (header signing), after
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "tm_sigv4.h"


#define TM_SIGV4_ALGORITHM  "AWS4-HMAC-SHA256"
#define TM_SHA256_LEN       32


/* a growing string; any failed append makes the whole result fail */
typedef struct {
    char    *data;
    size_t   len;
    size_t   cap;
    int      failed;
} tm_sigv4_buf_t;


/*
 * The signing key of the last secret, date, region and service, as an
 * HMAC context keyed with it: the key changes once a day or when the
 * credentials rotate, so most requests skip the four HMACs that derive it.
 * The digest and the MAC are fetched once: OpenSSL 3 fetches them (a
 * locked name lookup) on every one-shot call otherwise.  Per process; the
 * module's workers and the scheduler sign from one thread.
 */
typedef struct {
    unsigned char             secret[TM_SHA256_LEN];  /* its SHA-256 */
    char                      date[8];
    char                      region[64];
    char                      service[64];
    EVP_MAC_CTX              *keyed;
} tm_sigv4_key_cache_t;


typedef struct {
    const tm_sigv4_header_t  *header;
    size_t                    index;
} tm_sigv4_hdr_ref_t;


typedef struct {
    const char  *key;
    const char  *value;
    size_t       key_off;       /* into the scratch buffer while it grows */
    size_t       value_off;
} tm_sigv4_param_t;


static void tm_sigv4_add(tm_sigv4_buf_t *b, const char *s, size_t n);
static void tm_sigv4_add_str(tm_sigv4_buf_t *b, const char *s);
static void tm_sigv4_add_hex(tm_sigv4_buf_t *b, const unsigned char *p,
    size_t n);
static void tm_sigv4_uri_encode(tm_sigv4_buf_t *b, const unsigned char *p,
    size_t n, int keep_slash);
static int tm_sigv4_hex_value(char c);
static int tm_sigv4_add_component(tm_sigv4_buf_t *b, const char *p, size_t n);
static int tm_sigv4_valid(const tm_sigv4_request_t *req);
static int tm_sigv4_canonical_query(tm_sigv4_buf_t *b, const char *query);
static int tm_sigv4_param_cmp(const void *a, const void *b);
static int tm_sigv4_lower(int c);
static int tm_sigv4_name_cmp(const char *a, const char *b);
static int tm_sigv4_hdr_cmp(const void *a, const void *b);
static tm_sigv4_hdr_ref_t *tm_sigv4_sort_headers(
    const tm_sigv4_request_t *req);
static void tm_sigv4_add_lower(tm_sigv4_buf_t *b, const char *s);
static int tm_sigv4_is_space(char c);
static void tm_sigv4_add_trimmed(tm_sigv4_buf_t *b, const char *s);
static void tm_sigv4_canonical_headers(tm_sigv4_buf_t *b,
    const tm_sigv4_hdr_ref_t *refs, size_t n);
static void tm_sigv4_signed_headers(tm_sigv4_buf_t *b,
    const tm_sigv4_hdr_ref_t *refs, size_t n);
static void tm_sigv4_scope(tm_sigv4_buf_t *b, const tm_sigv4_request_t *req);
static int tm_sigv4_build_canonical(const tm_sigv4_request_t *req,
    tm_sigv4_buf_t *b);
static int tm_sigv4_build_sts(const tm_sigv4_request_t *req,
    tm_sigv4_buf_t *b);
static const EVP_MD *tm_sigv4_md(void);
static EVP_MAC_CTX *tm_sigv4_mac_new(const unsigned char *key,
    size_t key_len);
static int tm_sigv4_mac_final(EVP_MAC_CTX *ctx, const char *data,
    size_t len, unsigned char *out);
static int tm_sigv4_hmac(const unsigned char *key, size_t key_len,
    const char *data, size_t len, unsigned char *out);
static EVP_MAC_CTX *tm_sigv4_signing_key(const tm_sigv4_request_t *req);
static int tm_sigv4_signature(const tm_sigv4_request_t *req,
    const tm_sigv4_buf_t *sts, unsigned char *sig);
static int tm_sigv4_output(tm_sigv4_buf_t *b, int rc, char *out,
    size_t size);


static tm_sigv4_key_cache_t  tm_sigv4_key_cache;


static void
tm_sigv4_add(tm_sigv4_buf_t *b, const char *s, size_t n)
{
    char    *p;
    size_t   cap;

    if (b->failed) {
        return;
    }

    if (b->len + n + 1 > b->cap) {
        cap = b->cap ? b->cap : 256;

        while (cap < b->len + n + 1) {
            cap *= 2;
        }

        p = realloc(b->data, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }

        b->data = p;
        b->cap = cap;
    }

    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}


static void
tm_sigv4_add_str(tm_sigv4_buf_t *b, const char *s)
{
    tm_sigv4_add(b, s, strlen(s));
}


static void
tm_sigv4_add_hex(tm_sigv4_buf_t *b, const unsigned char *p, size_t n)
{
    static const char  hex[] = "0123456789abcdef";
    char               pair[2];
    size_t             i;

    for (i = 0; i < n; i++) {
        pair[0] = hex[p[i] >> 4];
        pair[1] = hex[p[i] & 0x0f];
        tm_sigv4_add(b, pair, 2);
    }
}


/* AWS UriEncode: unreserved characters as they are, the rest %XX */
static void
tm_sigv4_uri_encode(tm_sigv4_buf_t *b, const unsigned char *p, size_t n,
    int keep_slash)
{
    static const char  hex[] = "0123456789ABCDEF";
    char               esc[3];
    unsigned char      c;
    size_t             i;

    for (i = 0; i < n; i++) {
        c = p[i];

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
            || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
            || c == '~' || (c == '/' && keep_slash))
        {
            tm_sigv4_add(b, (const char *) &p[i], 1);
            continue;
        }

        esc[0] = '%';
        esc[1] = hex[c >> 4];
        esc[2] = hex[c & 0x0f];
        tm_sigv4_add(b, esc, 3);
    }
}


static int
tm_sigv4_hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }

    return -1;
}


/*
 * a raw query component: %XX escapes decoded, then AWS-encoded, so that
 * "%E1%88%B4" and the raw UTF-8 bytes sign alike; '+' is a literal plus
 */
static int
tm_sigv4_add_component(tm_sigv4_buf_t *b, const char *p, size_t n)
{
    int            hi, lo;
    size_t         i;
    unsigned char  c;

    for (i = 0; i < n; i++) {
        c = (unsigned char) p[i];

        if (c == '%') {
            if (n - i < 3) {
                return -1;
            }

            hi = tm_sigv4_hex_value(p[i + 1]);
            lo = tm_sigv4_hex_value(p[i + 2]);

            if (hi < 0 || lo < 0) {
                return -1;
            }

            c = (unsigned char) (hi << 4 | lo);
            i += 2;
        }

        tm_sigv4_uri_encode(b, &c, 1, 0);
    }

    /* components live NUL-terminated in one scratch buffer */
    tm_sigv4_add(b, "", 1);

    return 0;
}


static int
tm_sigv4_valid(const tm_sigv4_request_t *req)
{
    size_t  i;

    if (req == NULL || req->method == NULL || req->method[0] == '\0'
        || req->path == NULL || req->query == NULL
        || (req->headers == NULL && req->nheaders > 0)
        || (req->payload == NULL && req->payload_len > 0)
        || req->region == NULL || req->service == NULL
        || req->access_key == NULL || req->secret_key == NULL
        || req->amz_date == NULL || strlen(req->amz_date) != 16
        || req->amz_date[8] != 'T' || req->amz_date[15] != 'Z')
    {
        return 0;
    }

    for (i = 0; i < req->nheaders; i++) {
        if (req->headers[i].name == NULL || req->headers[i].name[0] == '\0'
            || req->headers[i].value == NULL)
        {
            return 0;
        }
    }

    return 1;
}


/* "b=2&a=1&c" -> "a=1&b=2&c=": sorted by key, then value */
static int
tm_sigv4_canonical_query(tm_sigv4_buf_t *b, const char *query)
{
    int                rc;
    size_t             n, i, klen, len;
    const char        *p, *end, *eq;
    tm_sigv4_buf_t     scratch = { NULL, 0, 0, 0 };
    tm_sigv4_param_t  *params;

    n = 1;
    for (p = query; *p; p++) {
        n += (*p == '&');
    }

    params = calloc(n, sizeof(tm_sigv4_param_t));
    if (params == NULL) {
        return -1;
    }

    rc = -1;
    n = 0;

    for (p = query; *p; p = *end ? end + 1 : end) {
        end = p + strcspn(p, "&");
        len = (size_t) (end - p);

        if (len == 0) {
            continue;
        }

        eq = memchr(p, '=', len);
        klen = eq ? (size_t) (eq - p) : len;

        params[n].key_off = scratch.len;

        if (tm_sigv4_add_component(&scratch, p, klen) != 0) {
            goto done;
        }

        params[n].value_off = scratch.len;

        if (eq && tm_sigv4_add_component(&scratch, eq + 1, len - klen - 1)
                  != 0)
        {
            goto done;
        }

        if (eq == NULL) {
            tm_sigv4_add(&scratch, "", 1);
        }

        n++;
    }

    if (scratch.failed) {
        goto done;
    }

    for (i = 0; i < n; i++) {
        params[i].key = scratch.data + params[i].key_off;
        params[i].value = scratch.data + params[i].value_off;
    }

    qsort(params, n, sizeof(tm_sigv4_param_t), tm_sigv4_param_cmp);

    for (i = 0; i < n; i++) {
        if (i > 0) {
            tm_sigv4_add(b, "&", 1);
        }

        tm_sigv4_add_str(b, params[i].key);
        tm_sigv4_add(b, "=", 1);
        tm_sigv4_add_str(b, params[i].value);
    }

    rc = 0;

done:

    free(scratch.data);
    free(params);

    return rc;
}


static int
tm_sigv4_param_cmp(const void *a, const void *b)
{
    const tm_sigv4_param_t  *pa = a, *pb = b;
    int                      rc;

    rc = strcmp(pa->key, pb->key);

    return rc ? rc : strcmp(pa->value, pb->value);
}


/* ASCII-only case folding: no dependence on the locale */
static int
tm_sigv4_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}


static int
tm_sigv4_name_cmp(const char *a, const char *b)
{
    int  ca, cb;

    do {
        ca = tm_sigv4_lower((unsigned char) *a++);
        cb = tm_sigv4_lower((unsigned char) *b++);
    } while (ca == cb && ca != '\0');

    return ca - cb;
}


/* by name, then by position: duplicates keep their order when joined */
static int
tm_sigv4_hdr_cmp(const void *a, const void *b)
{
    const tm_sigv4_hdr_ref_t  *ra = a, *rb = b;
    int                        rc;

    rc = tm_sigv4_name_cmp(ra->header->name, rb->header->name);
    if (rc) {
        return rc;
    }

    return (ra->index > rb->index) - (ra->index < rb->index);
}


static tm_sigv4_hdr_ref_t *
tm_sigv4_sort_headers(const tm_sigv4_request_t *req)
{
    size_t               i;
    tm_sigv4_hdr_ref_t  *refs;

    refs = malloc((req->nheaders ? req->nheaders : 1)
                  * sizeof(tm_sigv4_hdr_ref_t));
    if (refs == NULL) {
        return NULL;
    }

    for (i = 0; i < req->nheaders; i++) {
        refs[i].header = &req->headers[i];
        refs[i].index = i;
    }

    qsort(refs, req->nheaders, sizeof(tm_sigv4_hdr_ref_t), tm_sigv4_hdr_cmp);

    return refs;
}


static void
tm_sigv4_add_lower(tm_sigv4_buf_t *b, const char *s)
{
    char  c;

    for ( /* void */ ; *s; s++) {
        c = (char) tm_sigv4_lower((unsigned char) *s);
        tm_sigv4_add(b, &c, 1);
    }
}


static int
tm_sigv4_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}


/* leading and trailing white space dropped, inner runs made one space */
static void
tm_sigv4_add_trimmed(tm_sigv4_buf_t *b, const char *s)
{
    int  space;

    while (tm_sigv4_is_space(*s)) {
        s++;
    }

    space = 0;

    for ( /* void */ ; *s; s++) {
        if (tm_sigv4_is_space(*s)) {
            space = 1;
            continue;
        }

        if (space) {
            tm_sigv4_add(b, " ", 1);
            space = 0;
        }

        tm_sigv4_add(b, s, 1);
    }
}


/* "name:value1,value2\n" per distinct name */
static void
tm_sigv4_canonical_headers(tm_sigv4_buf_t *b, const tm_sigv4_hdr_ref_t *refs,
    size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (i > 0 && tm_sigv4_name_cmp(refs[i - 1].header->name,
                                       refs[i].header->name) == 0)
        {
            tm_sigv4_add(b, ",", 1);

        } else {
            if (i > 0) {
                tm_sigv4_add(b, "\n", 1);
            }

            tm_sigv4_add_lower(b, refs[i].header->name);
            tm_sigv4_add(b, ":", 1);
        }

        tm_sigv4_add_trimmed(b, refs[i].header->value);
    }

    if (n > 0) {
        tm_sigv4_add(b, "\n", 1);
    }
}


/* "host;x-amz-date" */
static void
tm_sigv4_signed_headers(tm_sigv4_buf_t *b, const tm_sigv4_hdr_ref_t *refs,
    size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (i > 0 && tm_sigv4_name_cmp(refs[i - 1].header->name,
                                       refs[i].header->name) == 0)
        {
            continue;
        }

        if (i > 0) {
            tm_sigv4_add(b, ";", 1);
        }

        tm_sigv4_add_lower(b, refs[i].header->name);
    }
}


/* "20150830/us-east-1/service/aws4_request" */
static void
tm_sigv4_scope(tm_sigv4_buf_t *b, const tm_sigv4_request_t *req)
{
    tm_sigv4_add(b, req->amz_date, 8);
    tm_sigv4_add(b, "/", 1);
    tm_sigv4_add_str(b, req->region);
    tm_sigv4_add(b, "/", 1);
    tm_sigv4_add_str(b, req->service);
    tm_sigv4_add_str(b, "/aws4_request");
}


static int
tm_sigv4_build_canonical(const tm_sigv4_request_t *req, tm_sigv4_buf_t *b)
{
    unsigned char        hash[TM_SHA256_LEN];
    tm_sigv4_hdr_ref_t  *refs;

    tm_sigv4_add_str(b, req->method);
    tm_sigv4_add(b, "\n", 1);

    if (req->path[0] == '\0') {
        tm_sigv4_add(b, "/", 1);

    } else {
        tm_sigv4_uri_encode(b, (const unsigned char *) req->path,
                            strlen(req->path), 1);
    }

    tm_sigv4_add(b, "\n", 1);

    if (tm_sigv4_canonical_query(b, req->query) != 0) {
        return -1;
    }

    tm_sigv4_add(b, "\n", 1);

    refs = tm_sigv4_sort_headers(req);
    if (refs == NULL) {
        return -1;
    }

    tm_sigv4_canonical_headers(b, refs, req->nheaders);
    tm_sigv4_add(b, "\n", 1);
    tm_sigv4_signed_headers(b, refs, req->nheaders);
    tm_sigv4_add(b, "\n", 1);

    free(refs);

    if (EVP_Digest(req->payload ? req->payload : (const unsigned char *) "",
                   req->payload_len, hash, NULL, tm_sigv4_md(), NULL)
        != 1)
    {
        return -1;
    }

    tm_sigv4_add_hex(b, hash, sizeof(hash));

    return b->failed ? -1 : 0;
}


static int
tm_sigv4_build_sts(const tm_sigv4_request_t *req, tm_sigv4_buf_t *b)
{
    int             rc;
    unsigned char   hash[TM_SHA256_LEN];
    tm_sigv4_buf_t  canonical = { NULL, 0, 0, 0 };

    rc = tm_sigv4_build_canonical(req, &canonical);

    if (rc == 0
        && EVP_Digest(canonical.data, canonical.len, hash, NULL,
                      tm_sigv4_md(), NULL) != 1)
    {
        rc = -1;
    }

    free(canonical.data);

    if (rc != 0) {
        return -1;
    }

    tm_sigv4_add_str(b, TM_SIGV4_ALGORITHM "\n");
    tm_sigv4_add_str(b, req->amz_date);
    tm_sigv4_add(b, "\n", 1);
    tm_sigv4_scope(b, req);
    tm_sigv4_add(b, "\n", 1);
    tm_sigv4_add_hex(b, hash, sizeof(hash));

    return b->failed ? -1 : 0;
}


/* SHA-256, fetched once (NULL: the library has none) */
static const EVP_MD *
tm_sigv4_md(void)
{
    static EVP_MD  *md;

    if (md == NULL) {
        md = EVP_MD_fetch(NULL, "SHA256", NULL);
    }

    return md;
}


/* an HMAC-SHA256 context keyed with key */
static EVP_MAC_CTX *
tm_sigv4_mac_new(const unsigned char *key, size_t key_len)
{
    static EVP_MAC  *mac;
    EVP_MAC_CTX     *ctx;
    OSSL_PARAM       params[2];

    if (mac == NULL) {
        mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        if (mac == NULL) {
            return NULL;
        }
    }

    ctx = EVP_MAC_CTX_new(mac);
    if (ctx == NULL) {
        return NULL;
    }

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 (char *) "SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();

    if (EVP_MAC_init(ctx, key, key_len, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return NULL;
    }

    return ctx;
}


/* the MAC of data under ctx's key; ctx is used up */
static int
tm_sigv4_mac_final(EVP_MAC_CTX *ctx, const char *data, size_t len,
    unsigned char *out)
{
    int     rc;
    size_t  out_len;

    rc = ctx != NULL
         && EVP_MAC_update(ctx, (const unsigned char *) data, len) == 1
         && EVP_MAC_final(ctx, out, &out_len, TM_SHA256_LEN) == 1
         && out_len == TM_SHA256_LEN;

    EVP_MAC_CTX_free(ctx);

    return rc ? 0 : -1;
}


static int
tm_sigv4_hmac(const unsigned char *key, size_t key_len, const char *data,
    size_t len, unsigned char *out)
{
    return tm_sigv4_mac_final(tm_sigv4_mac_new(key, key_len), data, len,
                              out);
}


/*
 * The request's signing key (HMAC chain: "AWS4" + secret -> date -> region
 * -> service -> "aws4_request"), from the cache or derived into it
 */
static EVP_MAC_CTX *
tm_sigv4_signing_key(const tm_sigv4_request_t *req)
{
    int                    rc;
    size_t                 region_len, service_len;
    unsigned char          key[TM_SHA256_LEN], secret_hash[TM_SHA256_LEN];
    tm_sigv4_buf_t         secret = { NULL, 0, 0, 0 };
    tm_sigv4_key_cache_t  *c;

    c = &tm_sigv4_key_cache;
    region_len = strlen(req->region);
    service_len = strlen(req->service);

    if (region_len >= sizeof(c->region) || service_len >= sizeof(c->service)
        || EVP_Digest(req->secret_key, strlen(req->secret_key), secret_hash,
                      NULL, tm_sigv4_md(), NULL) != 1)
    {
        return NULL;
    }

    if (c->keyed != NULL
        && CRYPTO_memcmp(c->secret, secret_hash, sizeof(secret_hash)) == 0
        && memcmp(c->date, req->amz_date, 8) == 0
        && strcmp(c->region, req->region) == 0
        && strcmp(c->service, req->service) == 0)
    {
        return c->keyed;
    }

    EVP_MAC_CTX_free(c->keyed);
    c->keyed = NULL;

    tm_sigv4_add_str(&secret, "AWS4");
    tm_sigv4_add_str(&secret, req->secret_key);

    rc = secret.failed ? -1 : 0;

    if (rc == 0) {
        rc = tm_sigv4_hmac((unsigned char *) secret.data, secret.len,
                           req->amz_date, 8, key);
    }

    if (rc == 0) {
        rc = tm_sigv4_hmac(key, sizeof(key), req->region, region_len, key);
    }

    if (rc == 0) {
        rc = tm_sigv4_hmac(key, sizeof(key), req->service, service_len,
                           key);
    }

    if (rc == 0) {
        rc = tm_sigv4_hmac(key, sizeof(key), "aws4_request", 12, key);
    }

    if (rc == 0) {
        c->keyed = tm_sigv4_mac_new(key, sizeof(key));
    }

    OPENSSL_cleanse(key, sizeof(key));

    if (secret.data) {
        OPENSSL_cleanse(secret.data, secret.cap);
        free(secret.data);
    }

    if (c->keyed != NULL) {
        memcpy(c->secret, secret_hash, sizeof(secret_hash));
        memcpy(c->date, req->amz_date, 8);
        memcpy(c->region, req->region, region_len + 1);
        memcpy(c->service, req->service, service_len + 1);
    }

    return c->keyed;
}


/* the request's signature: HMAC of the string to sign under its key */
static int
tm_sigv4_signature(const tm_sigv4_request_t *req, const tm_sigv4_buf_t *sts,
    unsigned char *sig)
{
    EVP_MAC_CTX  *keyed;

    keyed = tm_sigv4_signing_key(req);

    return tm_sigv4_mac_final(keyed ? EVP_MAC_CTX_dup(keyed) : NULL,
                              sts->data, sts->len, sig);
}


/* copies the result out and frees it */
static int
tm_sigv4_output(tm_sigv4_buf_t *b, int rc, char *out, size_t size)
{
    if (rc == 0 && (b->failed || out == NULL || b->len + 1 > size)) {
        rc = -1;
    }

    if (rc == 0) {
        memcpy(out, b->data, b->len + 1);
        rc = (int) b->len;
    }

    free(b->data);

    return rc;
}


int
tm_sigv4_canonical_request(const tm_sigv4_request_t *req, char *out,
    size_t size)
{
    int             rc;
    tm_sigv4_buf_t  b = { NULL, 0, 0, 0 };

    rc = tm_sigv4_valid(req) ? tm_sigv4_build_canonical(req, &b) : -1;

    return tm_sigv4_output(&b, rc, out, size);
}


int
tm_sigv4_string_to_sign(const tm_sigv4_request_t *req, char *out,
    size_t size)
{
    int             rc;
    tm_sigv4_buf_t  b = { NULL, 0, 0, 0 };

    rc = tm_sigv4_valid(req) ? tm_sigv4_build_sts(req, &b) : -1;

    return tm_sigv4_output(&b, rc, out, size);
}


int
tm_sigv4_authorization(const tm_sigv4_request_t *req, char *out,
    size_t size)
{
    int                  rc;
    unsigned char        sig[TM_SHA256_LEN];
    tm_sigv4_buf_t       sts = { NULL, 0, 0, 0 };
    tm_sigv4_buf_t       b = { NULL, 0, 0, 0 };
    tm_sigv4_hdr_ref_t  *refs;

    if (!tm_sigv4_valid(req)) {
        return -1;
    }

    rc = tm_sigv4_build_sts(req, &sts);

    if (rc == 0) {
        rc = tm_sigv4_signature(req, &sts, sig);
    }

    free(sts.data);

    refs = rc == 0 ? tm_sigv4_sort_headers(req) : NULL;

    if (refs == NULL) {
        return -1;
    }

    tm_sigv4_add_str(&b, TM_SIGV4_ALGORITHM " Credential=");
    tm_sigv4_add_str(&b, req->access_key);
    tm_sigv4_add(&b, "/", 1);
    tm_sigv4_scope(&b, req);
    tm_sigv4_add_str(&b, ", SignedHeaders=");
    tm_sigv4_signed_headers(&b, refs, req->nheaders);
    tm_sigv4_add_str(&b, ", Signature=");
    tm_sigv4_add_hex(&b, sig, sizeof(sig));

    free(refs);

    return tm_sigv4_output(&b, 0, out, size);
}


void
tm_sigv4_amz_date(long long epoch, char *out)
{
    time_t     t;
    struct tm  tm;

    t = (time_t) epoch;

    if (gmtime_r(&t, &tm) == NULL
        || strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
    {
        out[0] = '\0';
    }
}
