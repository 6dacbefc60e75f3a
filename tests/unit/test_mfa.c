/*
 * Two-factor sign-in: the code and challenge validators, the otpauth://
 * URI, the table key of a challenge.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tm_mfa.h"


static void
tm_test_valid_totp_code(void **state)
{
    (void) state;

    assert_null(tm_valid_totp_code("000000", 6));
    assert_null(tm_valid_totp_code("123456", 6));
    assert_non_null(tm_valid_totp_code("12345", 5));
    assert_non_null(tm_valid_totp_code("1234567", 7));
    assert_non_null(tm_valid_totp_code("12345a", 6));
    assert_non_null(tm_valid_totp_code("12 456", 6));
    assert_non_null(tm_valid_totp_code("", 0));
}


static void
tm_test_valid_challenge(void **state)
{
    const char  *good = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_9";

    (void) state;

    assert_int_equal(strlen(good), TM_MFA_CHALLENGE_LEN);
    assert_null(tm_valid_mfa_challenge(good, strlen(good)));
    assert_non_null(tm_valid_mfa_challenge(good, strlen(good) - 1));
    assert_non_null(tm_valid_mfa_challenge(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_=", TM_MFA_CHALLENGE_LEN));
    assert_non_null(tm_valid_mfa_challenge(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-/9", TM_MFA_CHALLENGE_LEN));
}


static void
tm_test_uri(void **state)
{
    char  out[512];
    long  n;

    (void) state;

    n = tm_mfa_uri("ann+x@example.com", "JBSWY3DPEHPK3PXP", out,
                   sizeof(out));
    assert_string_equal(out, "otpauth://totp/taskmgr:ann%2Bx%40example.com"
                        "?secret=JBSWY3DPEHPK3PXP&issuer=taskmgr"
                        "&algorithm=SHA1&digits=6&period=30");
    assert_int_equal(n, (long) strlen(out));

    /* not base32: refused, not escaped */
    assert_int_equal(tm_mfa_uri("a@b.c", "JBSW&x=1", out, sizeof(out)), -1);
    assert_int_equal(tm_mfa_uri("a@b.c", "", out, sizeof(out)), -1);
    /* too small */
    assert_int_equal(tm_mfa_uri("a@b.c", "JBSWY3DP", out, 20), -1);
}


static void
tm_test_key(void **state)
{
    char  key[TM_MFA_KEY_SIZE];

    (void) state;

    /* SHA-256("abc") */
    tm_mfa_key("abc", 3, key);
    assert_string_equal(key, "MFA_ba7816bf8f01cfea414140de5dae2223b00361a3"
                        "96177a9cb410ff61f20015ad");
    assert_int_equal(strlen(key) + 1, TM_MFA_KEY_SIZE);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_valid_totp_code),
        cmocka_unit_test(tm_test_valid_challenge),
        cmocka_unit_test(tm_test_uri),
        cmocka_unit_test(tm_test_key),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
