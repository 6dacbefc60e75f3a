/*
 * Field validators and RFC 3339 date-times.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tm_validate.h"


#define TM_TEST_N(a)  (sizeof(a) / sizeof((a)[0]))


/* s repeated n times, then tail; to be freed */
static char *
tm_test_repeat(const char *s, size_t n, const char *tail)
{
    char    *out;
    size_t   i, len;

    len = strlen(s);
    out = malloc(len * n + strlen(tail) + 1);
    assert_non_null(out);

    for (i = 0; i < n; i++) {
        memcpy(out + i * len, s, len);
    }

    strcpy(out + len * n, tail);

    return out;
}


static void
tm_test_utf8_length(void **state)
{
    size_t  i;

    static const struct {
        const char  *s;
        size_t       len;
        long         expect;
    } cases[] = {
        { "", 0, 0 },
        { "abc", 3, 3 },
        { "a\0b", 3, 3 },
        { "\xc3\xa9", 2, 1 },                   /* U+00E9 */
        { "\xe2\x82\xac", 3, 1 },               /* U+20AC */
        { "\xef\xbf\xbf", 3, 1 },               /* U+FFFF */
        { "\xf0\x9f\x98\x80", 4, 1 },           /* U+1F600 */
        { "\xf4\x8f\xbf\xbf", 4, 1 },           /* U+10FFFF */
        { "\xed\x9f\xbf", 3, 1 },               /* U+D7FF */
        { "\xee\x80\x80", 3, 1 },               /* U+E000 */
        { "Jos\xc3\xa9 \xe2\x82\xac", 9, 6 },
        { "\x80", 1, -1 },                      /* lone continuation */
        { "\xc0\x80", 2, -1 },                  /* overlong NUL */
        { "\xc1\xbf", 2, -1 },                  /* overlong */
        { "\xe0\x80\x80", 3, -1 },              /* overlong */
        { "\xe0\x9f\xbf", 3, -1 },              /* overlong */
        { "\xf0\x8f\xbf\xbf", 4, -1 },          /* overlong */
        { "\xed\xa0\x80", 3, -1 },              /* U+D800 surrogate */
        { "\xed\xbf\xbf", 3, -1 },              /* U+DFFF surrogate */
        { "\xf4\x90\x80\x80", 4, -1 },          /* U+110000 */
        { "\xf5\x80\x80\x80", 4, -1 },
        { "\xff", 1, -1 },
        { "\xe2\x82", 2, -1 },                  /* truncated */
        { "\xe2\x82\xac", 2, -1 },              /* cut by len */
        { "\xe2\x28\xac", 3, -1 },              /* bad continuation */
        { "\xf0\x9f\x98\x28", 4, -1 },
    };

    for (i = 0; i < TM_TEST_N(cases); i++) {
        if (tm_utf8_length(cases[i].s, cases[i].len) != cases[i].expect) {
            fail_msg("case %zu: got %ld, want %ld", i,
                     tm_utf8_length(cases[i].s, cases[i].len),
                     cases[i].expect);
        }
    }
}


static const char *
tm_test_text(const char *s, size_t max, int required, int multiline)
{
    return tm_valid_text(s, strlen(s), max, required, multiline);
}


static void
tm_test_valid_text(void **state)
{
    assert_null(tm_test_text("hello", 10, 1, 0));
    assert_null(tm_test_text("", 10, 0, 0));
    assert_null(tm_test_text("  ", 10, 0, 0));
    assert_string_equal(tm_test_text("", 10, 1, 0), "must not be empty");
    assert_non_null(tm_test_text("   ", 10, 1, 0));
    assert_non_null(tm_test_text("\n\r\t ", 10, 1, 1));

    /* control characters; \n \r \t only in multi-line text */
    assert_string_equal(tm_test_text("a\x01z", 10, 1, 0),
                        "must not contain control characters");
    assert_non_null(tm_test_text("a\x1f", 10, 1, 1));
    assert_non_null(tm_test_text("a\x7f", 10, 1, 1));
    assert_non_null(tm_valid_text("a\0b", 3, 10, 1, 1));
    assert_non_null(tm_test_text("a\nb", 10, 1, 0));
    assert_non_null(tm_test_text("a\tb", 10, 1, 0));
    assert_null(tm_test_text("a\nb\r\n\tc", 10, 1, 1));

    /* code points, not bytes */
    assert_null(tm_test_text("\xc3\xa9\xc3\xa9\xc3\xa9", 3, 1, 0));
    assert_string_equal(tm_test_text("\xc3\xa9\xc3\xa9\xc3\xa9", 2, 1, 0),
                        "must be at most 2 characters");
    assert_string_equal(tm_test_text("abcdefghijk", 10, 0, 1),
                        "must be at most 10 characters");
    assert_null(tm_test_text("\xf0\x9f\x98\x80", 1, 1, 0));

    assert_string_equal(tm_test_text("a\xc3", 10, 1, 0),
                        "must be valid UTF-8");
    assert_non_null(tm_test_text("\xed\xa0\x80", 10, 0, 0));
}


static void
tm_test_valid_name(void **state)
{
    char  *s;

    assert_null(tm_valid_name("Ada", 3));
    assert_null(tm_valid_name("Jos\xc3\xa9 O'Neil-Smith", 18));
    assert_non_null(tm_valid_name("", 0));
    assert_non_null(tm_valid_name("   ", 3));
    assert_non_null(tm_valid_name("a\nb", 3));
    assert_non_null(tm_valid_name("a\xff", 2));

    s = tm_test_repeat("a", 100, "");
    assert_null(tm_valid_name(s, strlen(s)));
    free(s);

    s = tm_test_repeat("a", 101, "");
    assert_string_equal(tm_valid_name(s, strlen(s)),
                        "must be at most 100 characters");
    free(s);

    /* 100 two-byte characters are 200 bytes, still 100 characters */
    s = tm_test_repeat("\xc3\xa9", 100, "");
    assert_null(tm_valid_name(s, strlen(s)));
    free(s);

    s = tm_test_repeat("\xc3\xa9", 100, "x");
    assert_non_null(tm_valid_name(s, strlen(s)));
    free(s);
}


static void
tm_test_valid_email(void **state)
{
    char    *local, *domain, *s;
    size_t   i;

    static const char  *good[] = {
        "a@b.co",
        "ada@example.com",
        "first.last+tag@example.com",
        "o'brien@mail.example.ie",
        "a_b-c@ex-ample.com",
        "x!#$%&'*+/=?^_`{|}~-y@example.org",
        "123@123.example.net",
        "a@xn--bcher-kva.example",
    };

    static const char  *bad[] = {
        "",
        "ab",
        "a@b",
        "a@b.c",
        "abc",
        "a.example.com",
        "@example.com",
        "a@",
        "a@@example.com",
        "a@b@example.com",
        ".a@example.com",
        "a.@example.com",
        "a..b@example.com",
        "a b@example.com",
        " a@example.com",
        "a@example.com ",
        "A@example.com",
        "a@Example.com",
        "a\"b@example.com",
        "a(b)@example.com",
        "a,b@example.com",
        "a@-example.com",
        "a@example-.com",
        "a@example..com",
        "a@.example.com",
        "a@example.com.",
        "a@exa_mple.com",
        "a@example.c0m",
        "a@example.123",
        "a@example.c",
        "\xc3\xa9@example.com",
        "a@[127.0.0.1]",
    };

    for (i = 0; i < TM_TEST_N(good); i++) {
        if (tm_valid_email(good[i], strlen(good[i])) != NULL) {
            fail_msg("refused %s", good[i]);
        }
    }

    for (i = 0; i < TM_TEST_N(bad); i++) {
        if (tm_valid_email(bad[i], strlen(bad[i])) == NULL) {
            fail_msg("accepted %s", bad[i]);
        }
    }

    /* local parts of 64 and 65, labels of 63 and 64 */
    s = tm_test_repeat("a", 64, "@example.com");
    assert_null(tm_valid_email(s, strlen(s)));
    free(s);

    s = tm_test_repeat("a", 65, "@example.com");
    assert_non_null(tm_valid_email(s, strlen(s)));
    free(s);

    s = tm_test_repeat("b", 63, ".com");
    domain = tm_test_repeat("a@", 1, s);
    assert_null(tm_valid_email(domain, strlen(domain)));
    free(s);
    free(domain);

    s = tm_test_repeat("b", 64, ".com");
    domain = tm_test_repeat("a@", 1, s);
    assert_non_null(tm_valid_email(domain, strlen(domain)));
    free(s);
    free(domain);

    /* 254 and 255 in all: 64 + 1 + (63 + 1 + 63 + 1 + 57|58 + 4) */
    local = tm_test_repeat("a", 64, "@");
    domain = tm_test_repeat("b", 63, ".");

    for (i = 57; i <= 58; i++) {
        s = malloc(300);
        assert_non_null(s);
        strcpy(s, local);
        strcat(s, domain);
        strcat(s, domain);
        memset(s + strlen(s), 'c', i);
        strcpy(s + 64 + 1 + 128 + i, ".com");

        assert_int_equal(strlen(s), 254 + (i - 57));

        if (i == 57) {
            assert_null(tm_valid_email(s, strlen(s)));

        } else {
            assert_string_equal(tm_valid_email(s, strlen(s)),
                                "must be at most 254 characters");
        }

        free(s);
    }

    free(local);
    free(domain);
}


static void
tm_test_valid_password(void **state)
{
    char         *s;
    size_t        i;
    const char   *msg;

    static const char  *good[] = {
        "Abcdefghij1!",
        "correct Horse 9",                  /* a space is a symbol */
        "Abcdefghij1\xc3\xa9",              /* so is any non-ASCII */
        "P4ssw0rd~~~~",
    };

    static const char  *bad[] = {
        "",
        "Abcdefghi1!",                      /* 11 */
        "Abcdefgh1!\xc3\xa9",               /* 11 characters, 12 bytes */
        "abcdefghij1!",                     /* no upper */
        "ABCDEFGHIJ1!",                     /* no lower */
        "Abcdefghijk!",                     /* no digit */
        "Abcdefghijk1",                     /* no symbol */
        "Abcdefghij1\xc3",                  /* not UTF-8 */
        "Abcdefghij1!\t",                   /* control character */
        "Abcdefghij1!\x7f",
    };

    for (i = 0; i < TM_TEST_N(good); i++) {
        if (tm_valid_password(good[i], strlen(good[i])) != NULL) {
            fail_msg("refused %s", good[i]);
        }
    }

    for (i = 0; i < TM_TEST_N(bad); i++) {
        msg = tm_valid_password(bad[i], strlen(bad[i]));
        if (msg == NULL) {
            fail_msg("accepted %s", bad[i]);
        }

        assert_non_null(strstr(msg, TM_PASSWORD_POLICY));
    }

    assert_string_equal(tm_valid_password("abc", 3),
                        "must be " TM_PASSWORD_POLICY);

    /* 256 characters, then 257 */
    s = tm_test_repeat("aB3$", 64, "");
    assert_null(tm_valid_password(s, strlen(s)));
    free(s);

    s = tm_test_repeat("aB3$", 64, "x");
    msg = tm_valid_password(s, strlen(s));
    assert_non_null(msg);
    assert_non_null(strstr(msg, TM_PASSWORD_POLICY));
    assert_non_null(strstr(msg, "256"));
    free(s);

    /* 256 characters of 2 bytes each */
    s = tm_test_repeat("\xc3\xa9", 253, "aB3");
    assert_null(tm_valid_password(s, strlen(s)));
    free(s);
}


static void
tm_test_valid_phone(void **state)
{
    size_t  i;

    static const char  *good[] = {
        "+14155550123",
        "+1234567",                         /* 7 digits */
        "+123456789012345",                 /* 15 digits */
        "+447911123456",
    };

    static const char  *bad[] = {
        "",
        "+",
        "+123456",                          /* 6 digits */
        "+1234567890123456",                /* 16 digits */
        "14155550123",
        "+04155550123",
        "+1 415 555 0123",
        "+1-415-555-0123",
        "+1415555012a",
        "++14155550123",
        "+14155550123 ",
    };

    for (i = 0; i < TM_TEST_N(good); i++) {
        if (tm_valid_phone(good[i], strlen(good[i])) != NULL) {
            fail_msg("refused %s", good[i]);
        }
    }

    for (i = 0; i < TM_TEST_N(bad); i++) {
        if (tm_valid_phone(bad[i], strlen(bad[i])) == NULL) {
            fail_msg("accepted %s", bad[i]);
        }
    }
}


static void
tm_test_ascii_lower(void **state)
{
    char  s[] = "Ada.LOVELACE@Example.COM \xc3\x89";

    tm_ascii_lower(s, strlen(s));
    assert_string_equal(s, "ada.lovelace@example.com \xc3\x89");

    /* only len bytes */
    tm_ascii_lower(strcpy(s, "ABC"), 2);
    assert_string_equal(s, "abC");
}


static void
tm_test_parse_rfc3339(void **state)
{
    size_t     i;
    long long  t;

    static const struct {
        const char  *s;
        long long    epoch;
    } good[] = {
        { "1970-01-01T00:00:00Z", 0 },
        { "2026-11-25T17:00:00Z", 1795626000 },
        { "2026-11-25t17:00:00z", 1795626000 },
        { "2026-11-25T17:00:00.123Z", 1795626000 },
        { "2026-11-25T17:00:00.999999999Z", 1795626000 },
        { "2026-11-25T17:00:00.5+00:00", 1795626000 },
        { "2026-11-25T18:00:00+01:00", 1795626000 },
        { "2026-11-26T02:00:00+09:00", 1795626000 },
        { "2026-11-25T12:30:00-04:30", 1795626000 },
        { "2026-11-25T17:00:00-00:00", 1795626000 },
        { "2026-11-26T00:30:00+07:30", 1795626000 },
        { "2026-01-01T00:30:00+01:00", 1767223800 },
        { "2024-02-29T00:00:00Z", 1709164800 },
        { "2000-02-29T00:00:00Z", 951782400 },
        { "2000-03-01T00:00:00Z", 951868800 },
        { "1999-12-31T23:59:59Z", 946684799 },
        { "9999-12-31T23:59:59Z", 253402300799LL },
    };

    static const char  *bad[] = {
        "",
        "2026-11-25",
        "2026-11-25T17:00:00",
        "2026-11-25 17:00:00Z",
        "2026-11-25T17:00Z",
        "20261125T170000Z",
        "2026-1-25T17:00:00Z",
        "2026-11-25T17:00:00ZZ",
        "2026-11-25T17:00:00Z ",
        " 2026-11-25T17:00:00Z",
        "2026-11-25T17:00:00+0100",
        "2026-11-25T17:00:00+01",
        "2026-11-25T17:00:00+24:00",
        "2026-11-25T17:00:00+01:60",
        "2026-11-25T17:00:00.Z",
        "2026-11-25T17:00:00.1234567890Z",
        "2026-11-25T17:00:00,5Z",
        "2026-02-30T00:00:00Z",
        "2025-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z",
        "2026-01-00T00:00:00Z",
        "2026-01-32T00:00:00Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01T23:60:00Z",
        "2026-01-01T23:59:60Z",
        "1969-12-31T23:59:59Z",
        "0000-01-01T00:00:00Z",
        "+2026-01-01T00:00:00Z",
        "2026-01-01T-1:00:00Z",
        "2026-0a-01T00:00:00Z",
    };

    for (i = 0; i < TM_TEST_N(good); i++) {
        t = -1;

        if (tm_parse_rfc3339(good[i].s, strlen(good[i].s), &t) != 0) {
            fail_msg("refused %s", good[i].s);
        }

        if (t != good[i].epoch) {
            fail_msg("%s: got %lld, want %lld", good[i].s, t, good[i].epoch);
        }
    }

    for (i = 0; i < TM_TEST_N(bad); i++) {
        if (tm_parse_rfc3339(bad[i], strlen(bad[i]), &t) == 0) {
            fail_msg("accepted %s", bad[i]);
        }
    }

    /* only len bytes are read */
    assert_int_equal(tm_parse_rfc3339("2026-11-25T17:00:00Zjunk", 20, &t), 0);
    assert_int_equal(t, 1795626000);
    assert_int_equal(tm_parse_rfc3339("2026-11-25T17:00:00Z", 19, &t), -1);
}


static void
tm_test_format_rfc3339(void **state)
{
    char       out[21];
    long long  t, back;

    tm_format_rfc3339(0, out);
    assert_string_equal(out, "1970-01-01T00:00:00Z");

    tm_format_rfc3339(1795626000, out);
    assert_string_equal(out, "2026-11-25T17:00:00Z");

    tm_format_rfc3339(951782400, out);
    assert_string_equal(out, "2000-02-29T00:00:00Z");

    tm_format_rfc3339(253402300799LL, out);
    assert_string_equal(out, "9999-12-31T23:59:59Z");

    /* out of four-digit years: nothing */
    tm_format_rfc3339(253402300800LL, out);
    assert_string_equal(out, "");
    tm_format_rfc3339(-30610224001LL, out);
    assert_string_equal(out, "");
    tm_format_rfc3339(-30610224000LL, out);
    assert_string_equal(out, "1000-01-01T00:00:00Z");

    /* format then parse, across leap days and centuries, to 2400 */
    for (t = 0; t < 13569465600LL; t += 86400 * 7 + 3607) {
        tm_format_rfc3339(t, out);

        if (tm_parse_rfc3339(out, strlen(out), &back) != 0 || back != t) {
            fail_msg("%lld -> %s -> %lld", t, out, back);
        }
    }
}


/* what a one-character slip in a list of values would let through */
static const char  *tm_test_status_misses[] = {
    "", "cancelled", "canceled", "done", "Completed", "COMPLETED",
    "completed ", " completed", "complete", "completedx", "Pending",
    "pending\n", "in-progress", "in progress", "inprogress", "In_Progress",
    "in_progres", "in_progress_", "pend", "p", "null", "true", "0",
    "pending,completed"
};


static void
tm_test_valid_status(void **state)
{
    size_t  i, n;

    /* exactly these three, in this order */
    for (n = 0; tm_task_statuses[n]; n++) { /* count */ }
    assert_int_equal(n, 3);
    assert_string_equal(tm_task_statuses[0], "pending");
    assert_string_equal(tm_task_statuses[1], "in_progress");
    assert_string_equal(tm_task_statuses[2], "completed");

    for (i = 0; i < n; i++) {
        assert_null(tm_valid_status(tm_task_statuses[i],
                                    strlen(tm_task_statuses[i])));
        assert_int_equal(tm_enum_index(tm_task_statuses, tm_task_statuses[i],
                                       strlen(tm_task_statuses[i])), i);
    }

    for (i = 0; i < TM_TEST_N(tm_test_status_misses); i++) {
        if (tm_valid_status(tm_test_status_misses[i],
                            strlen(tm_test_status_misses[i])) == NULL)
        {
            fail_msg("status \"%s\" accepted", tm_test_status_misses[i]);
        }
    }

    /* the length counts, not a NUL: "completed\0" and a prefix */
    assert_non_null(tm_valid_status("completed\0", 10));
    assert_non_null(tm_valid_status("completed", 8));
    assert_string_equal(tm_valid_status("done", 4),
                        "must be pending, in_progress or completed");
}


typedef const char *(*tm_test_list_pt)(const char *s, size_t len,
    unsigned *mask);

typedef struct {
    const char  *s;
    unsigned     mask;          /* 0: refused */
} tm_test_list_case_t;


/* a comma-list parser against its cases: the mask, or refused */
static void
tm_test_lists(tm_test_list_pt parse, const tm_test_list_case_t *cases,
    size_t n)
{
    size_t    i;
    unsigned  mask;

    for (i = 0; i < n; i++) {
        mask = 99;

        if ((parse(cases[i].s, strlen(cases[i].s), &mask) == NULL)
            != (cases[i].mask != 0)
            || mask != cases[i].mask)
        {
            fail_msg("\"%s\": mask %#x, want %#x", cases[i].s, mask,
                     cases[i].mask);
        }
    }
}


static void
tm_test_valid_status_list(void **state)
{
    static const tm_test_list_case_t  cases[] = {
        { "pending", 1 },
        { "in_progress", 2 },
        { "completed", 4 },
        { "pending,completed", 5 },
        { "completed,pending", 5 },
        { "pending,in_progress,completed", 7 },
        { "pending,pending", 1 },
        { "", 0 },
        { ",", 0 },
        { "pending,", 0 },
        { ",pending", 0 },
        { "pending,,completed", 0 },
        { "pending, completed", 0 },
        { "pending,cancelled", 0 },
        { "Completed", 0 },
        { "completed ", 0 },
        { "pending;completed", 0 },
    };

    tm_test_lists(tm_valid_status_list, cases, TM_TEST_N(cases));
}


static void
tm_test_valid_priority_list(void **state)
{
    static const tm_test_list_case_t  cases[] = {
        { "1", 0x2 }, { "4", 0x10 }, { "1,2", 0x6 }, { "4,1", 0x12 },
        { "1,2,3,4", 0x1e }, { "2,2", 0x4 },
        { "", 0 }, { "0", 0 }, { "5", 0 }, { "1,", 0 }, { ",1", 0 },
        { "1,,2", 0 }, { "12", 0 }, { "1 ", 0 }, { "p1", 0 }, { "-1", 0 },
        { "1;2", 0 }, { "01", 0 },
    };

    tm_test_lists(tm_valid_priority_list, cases, TM_TEST_N(cases));
}


static void
tm_test_enum_index(void **state)
{
    static const char *const  values[] = { "a", "ab", "abc", NULL };
    static const char *const  none[] = { NULL };

    assert_int_equal(tm_enum_index(values, "a", 1), 0);
    assert_int_equal(tm_enum_index(values, "ab", 2), 1);
    assert_int_equal(tm_enum_index(values, "abc", 3), 2);
    assert_int_equal(tm_enum_index(values, "abc", 2), 1);
    assert_int_equal(tm_enum_index(values, "abcd", 4), -1);
    assert_int_equal(tm_enum_index(values, "A", 1), -1);
    assert_int_equal(tm_enum_index(values, "", 0), -1);
    assert_int_equal(tm_enum_index(none, "a", 1), -1);
}


static void
tm_test_valid_label(void **state)
{
    size_t  i;
    char   *s;

    static const char  *good[] = {
        "home", "Bills 2027", "caf\xc3\xa9", "a", "x-y_z.q", "!$%&*()",
    };
    static const char  *bad[] = {
        "", " ", "#home", "home#", "@bills", "a,b", "a\nb", "a\tb",
        "a\x01", "\xc3",
    };

    for (i = 0; i < TM_TEST_N(good); i++) {
        if (tm_valid_label(good[i], strlen(good[i])) != NULL) {
            fail_msg("\"%s\" refused", good[i]);
        }
    }

    for (i = 0; i < TM_TEST_N(bad); i++) {
        if (tm_valid_label(bad[i], strlen(bad[i])) == NULL) {
            fail_msg("\"%s\" accepted", bad[i]);
        }
    }

    assert_string_equal(tm_valid_label("a,b", 3),
                        "must not contain #, @ or ,");

    s = tm_test_repeat("\xc3\xa9", 40, "");
    assert_null(tm_valid_label(s, strlen(s)));
    free(s);
    s = tm_test_repeat("a", 40, "b");
    assert_string_equal(tm_valid_label(s, strlen(s)),
                        "must be at most 40 characters");
    free(s);
}


static void
tm_test_valid_title(void **state)
{
    char  *s;

    assert_null(tm_valid_title("Pay rent", 8));
    assert_null(tm_valid_title("x", 1));
    assert_string_equal(tm_valid_title("", 0), "must not be empty");
    assert_non_null(tm_valid_title(" \t", 2));
    assert_non_null(tm_valid_title("a\nb", 3));
    assert_non_null(tm_valid_title("a\x01", 2));
    assert_non_null(tm_valid_title("\xc3", 1));

    /* 200 code points, not bytes */
    s = tm_test_repeat("\xc3\xa9", 200, "");
    assert_null(tm_valid_title(s, strlen(s)));
    free(s);
    s = tm_test_repeat("a", 200, "b");
    assert_string_equal(tm_valid_title(s, strlen(s)),
                        "must be at most 200 characters");
    free(s);
}


static void
tm_test_valid_description(void **state)
{
    char  *s;

    assert_null(tm_valid_description("", 0));
    assert_null(tm_valid_description("   ", 3));
    assert_null(tm_valid_description("line 1\nline 2\r\n\tend", 19));
    assert_non_null(tm_valid_description("a\x1b[31m", 6));
    assert_non_null(tm_valid_description("a\0b", 3));
    assert_non_null(tm_valid_description("\xed\xa0\x80", 3));

    s = tm_test_repeat("\xe2\x82\xac", 5000, "");
    assert_null(tm_valid_description(s, strlen(s)));
    free(s);
    s = tm_test_repeat("a", 5000, "\n");
    assert_string_equal(tm_valid_description(s, strlen(s)),
                        "must be at most 5000 characters");
    free(s);
}


static void
tm_test_valid_datetime(void **state)
{
    char       utc[24];
    size_t     i;
    long long  t;

    static const char  *good[] = {
        "2026-11-25T17:00:00Z", "2026-11-25T17:00:00.123Z",
        "2026-11-25t17:00:00z", "2026-11-25T17:00:00+01:00",
        "2028-02-29T00:00:00Z", "1970-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "9999-12-31T23:59:59+23:59",
        "1970-01-01T00:00:00-01:00", "1970-01-01T01:00:00+01:00",
    };
    static const char  *bad[] = {
        "", "2026-11-25", "2026-11-25T17:00Z", "2026-11-25 17:00:00Z",
        "2026-11-25T17:00:00", "2026-02-30T00:00:00Z",
        "2027-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-11-25T24:00:00Z", "2026-11-25T23:59:60Z",
        "1969-12-31T23:59:59Z", "2026-11-25T17:00:00+1:00",
        "2026-11-25T17:00:00Z ", " 2026-11-25T17:00:00Z", "tomorrow",
        "1764090000",
        /* within the years as written, outside them in UTC */
        "9999-12-31T23:59:59-23:59", "9999-12-31T23:00:00-01:00",
        "1970-01-01T00:00:00+01:00", "1970-01-01T00:59:59+01:00",
    };

    for (i = 0; i < TM_TEST_N(good); i++) {
        if (tm_valid_datetime(good[i], strlen(good[i])) != NULL) {
            fail_msg("\"%s\" refused", good[i]);
        }

        /* whatever passes formats back to a whole UTC time */
        assert_int_equal(tm_parse_rfc3339(good[i], strlen(good[i]), &t), 0);
        tm_format_rfc3339(t, utc);
        assert_int_equal(strlen(utc), 20);
    }

    for (i = 0; i < TM_TEST_N(bad); i++) {
        if (tm_valid_datetime(bad[i], strlen(bad[i])) == NULL) {
            fail_msg("\"%s\" accepted", bad[i]);
        }
    }

    assert_string_equal(tm_valid_datetime("x", 1),
                        "must be an RFC 3339 date-time like "
                        "2026-11-25T17:00:00Z");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(tm_test_utf8_length),
        cmocka_unit_test(tm_test_valid_text),
        cmocka_unit_test(tm_test_valid_name),
        cmocka_unit_test(tm_test_valid_email),
        cmocka_unit_test(tm_test_valid_password),
        cmocka_unit_test(tm_test_valid_phone),
        cmocka_unit_test(tm_test_ascii_lower),
        cmocka_unit_test(tm_test_valid_status),
        cmocka_unit_test(tm_test_valid_status_list),
        cmocka_unit_test(tm_test_enum_index),
        cmocka_unit_test(tm_test_valid_priority_list),
        cmocka_unit_test(tm_test_valid_label),
        cmocka_unit_test(tm_test_valid_title),
        cmocka_unit_test(tm_test_valid_description),
        cmocka_unit_test(tm_test_valid_datetime),
        cmocka_unit_test(tm_test_parse_rfc3339),
        cmocka_unit_test(tm_test_format_rfc3339),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
