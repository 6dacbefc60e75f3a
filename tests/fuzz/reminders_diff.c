/*
 * libFuzzer target: a task's stored reminders written as API JSON
 * (tm_reminders_write, in every listing of tasks) against the jansson
 * writer it replaced for plain lists (tests/fuzz/reminders_ref.h, kept
 * only as this reference).  Whatever the text, the two must agree on
 * whether it is malformed (bad), on whether it fits the buffer (full), and
 * when it fits, on every byte written.
 */

#include <string.h>

#include "fuzz.h"
#include "tm_jout.h"
#include "tm_reminder.h"
#include "reminders_ref.h"


#define FZ_OUT  8192


/* the two writers into buffers of size bytes: the same verdicts and
 * text; the length they need, or -1 */
static long
fz_same(const char *text, size_t len, size_t size)
{
    char       *a, *b;
    tm_jout_t   oa, ob;

    a = malloc(size ? size : 1);
    b = malloc(size ? size : 1);

    tm_jout_init(&oa, a, size);
    tm_jout_init(&ob, b, size);

    tm_reminders_write(&oa, text, len);
    fz_ref_reminders_write(&ob, text, len);

    fz_check(oa.bad == ob.bad && oa.full == ob.full);
    fz_check(oa.full
             || (tm_jout_len(&oa) == tm_jout_len(&ob)
                 && memcmp(a, b, (size_t) tm_jout_len(&ob)) == 0));

    free(a);
    free(b);

    return tm_jout_len(&ob);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long         n;
    const char  *text;

    text = (const char *) data;

    n = fz_same(text, size, FZ_OUT);

    /* exactly the room it needs, and one byte less */
    if (n > 0) {
        fz_same(text, size, (size_t) n);
        fz_same(text, size, (size_t) n - 1);
    }

    return 0;
}
