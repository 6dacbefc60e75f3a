/*
 * Two-factor sign-in: bodies, validators, the otpauth:// URI, the key of
 * a challenge.
 */

#include <stdio.h>
#include <string.h>
#include <openssl/sha.h>

#include "tm_mfa.h"


#define tm_mfa_row(name, member, valid, code)                                 \
    { name, TM_FIELD_STRING, TM_FIELD_REQUIRED,                                \
      offsetof(tm_mfa_fields_t, member), valid, code, NULL, 0, 0, NULL,       \
      NULL }


const tm_field_t  tm_mfa_code_body[] = {
    tm_mfa_row("code", code, tm_valid_totp_code, "invalid_code"),
    tm_field_null
};

const tm_field_t  tm_mfa_login_body[] = {
    tm_mfa_row("challenge", challenge, tm_valid_mfa_challenge,
               "invalid_challenge"),
    tm_mfa_row("code", code, tm_valid_totp_code, "invalid_code"),
    tm_field_null
};


const char *
tm_valid_totp_code(const char *s, size_t len)
{
    size_t  i;

    if (len != 6) {
        return "must be the 6 digits the authenticator app shows";
    }

    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return "must be the 6 digits the authenticator app shows";
        }
    }

    return NULL;
}


const char *
tm_valid_mfa_challenge(const char *s, size_t len)
{
    size_t  i;
    char    c;

    if (len != TM_MFA_CHALLENGE_LEN) {
        return "must be the challenge the login answered";
    }

    for (i = 0; i < len; i++) {
        c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '-' || c == '_'))
        {
            return "must be the challenge the login answered";
        }
    }

    return NULL;
}


/* RFC 3986 unreserved characters stay, the others become %XX */

static size_t
tm_mfa_escape(const char *s, char *out)
{
    size_t          n;
    unsigned char   c;
    static const char  hex[] = "0123456789ABCDEF";

    for (n = 0; *s; s++) {
        c = (unsigned char) *s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
            || c == '~')
        {
            out[n++] = (char) c;
            continue;
        }

        out[n++] = '%';
        out[n++] = hex[c >> 4];
        out[n++] = hex[c & 0x0f];
    }

    out[n] = '\0';

    return n;
}


long
tm_mfa_uri(const char *account, const char *secret, char *out, size_t size)
{
    int          n;
    char         esc[3 * 254 + 1];
    const char  *p;

    if (strlen(account) > 254 || *secret == '\0') {
        return -1;
    }

    /* Cognito's secret is base32: nothing to escape, nothing else let in */
    for (p = secret; *p; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '2' && *p <= '7'))) {
            return -1;
        }
    }

    (void) tm_mfa_escape(account, esc);

    n = snprintf(out, size,
                 "otpauth://totp/" TM_MFA_ISSUER ":%s?secret=%s&issuer="
                 TM_MFA_ISSUER "&algorithm=SHA1&digits=6&period=30",
                 esc, secret);

    if (n < 0 || (size_t) n >= size) {
        return -1;
    }

    return n;
}


void
tm_mfa_key(const char *challenge, size_t len, char *out)
{
    size_t         i;
    unsigned char  md[SHA256_DIGEST_LENGTH];
    static const char  hex[] = "0123456789abcdef";

    SHA256((const unsigned char *) challenge, len, md);

    memcpy(out, TM_MFA_PREFIX, sizeof(TM_MFA_PREFIX) - 1);
    out += sizeof(TM_MFA_PREFIX) - 1;

    for (i = 0; i < sizeof(md); i++) {
        *out++ = hex[md[i] >> 4];
        *out++ = hex[md[i] & 0x0f];
    }

    *out = '\0';
}
