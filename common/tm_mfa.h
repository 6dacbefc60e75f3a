/*
 * Two-factor sign-in (TOTP) pieces that need no nginx: the bodies of the
 * MFA routes, the validators of a code and of a sign-in challenge, the
 * otpauth:// URI an authenticator app reads, and the table key of a
 * challenge.  Cognito holds the secret and checks the codes
 * (ngx_taskmgr_mfa.c).
 */

#ifndef TM_MFA_H
#define TM_MFA_H

#include <stddef.h>

#include "tm_fields.h"


#define TM_MFA_ISSUER          "taskmgr"
#define TM_MFA_PREFIX          "MFA_"
/* a challenge: 256 random bits, base64url without padding */
#define TM_MFA_CHALLENGE_BYTES 32
#define TM_MFA_CHALLENGE_LEN   43
/* "MFA_" and the hex SHA-256 of the challenge, NUL */
#define TM_MFA_KEY_SIZE        (sizeof(TM_MFA_PREFIX) + 64)


typedef struct {
    const char  *code;
    const char  *challenge;
} tm_mfa_fields_t;

/* {code}: confirm, turn off */
extern const tm_field_t  tm_mfa_code_body[];
/* {challenge, code}: the second step of a sign-in */
extern const tm_field_t  tm_mfa_login_body[];

/* a TOTP code: 6 digits */
const char *tm_valid_totp_code(const char *s, size_t len);
/* a sign-in challenge: TM_MFA_CHALLENGE_LEN base64url characters */
const char *tm_valid_mfa_challenge(const char *s, size_t len);

/*
 * otpauth://totp/<issuer>:<account>?secret=<secret>&issuer=<issuer>
 * &algorithm=SHA1&digits=6&period=30, the account percent-encoded; the
 * URI's length, or -1 if it does not fit in size bytes.
 */
long tm_mfa_uri(const char *account, const char *secret, char *out,
    size_t size);

/* "MFA_<hex SHA-256 of challenge>" into out (TM_MFA_KEY_SIZE bytes) */
void tm_mfa_key(const char *challenge, size_t len, char *out);

#endif /* TM_MFA_H */
