/*
 * libFuzzer target: the one-pass JSON reader of common/tm_jscan.c against
 * the byte-at-a-time reader it replaced (tests/fuzz/jscan_ref.h, kept only
 * as this reference), side by side on every input, and the same one-pass
 * source built again here without SSE2 (its word-at-a-time path, what
 * machines without SSE2 run).  Every call must give the three the same
 * result and leave them the same state (position, depth, whether a value
 * came last), every string read the same slice and unescape the same:
 * malformed input or not, the listings must see no difference.
 *
 * The input: a first byte n (taken mod 32), n bytes naming calls, then the
 * document.  Three walks over it: the whole document as one value; a walk
 * led by what comes next (members of objects, elements of arrays, as the
 * listings read); the input's calls one after the other, cycled, so that
 * calls out of their place are compared too.  Then the document as a
 * DynamoDB item and as a Query reply (common/tm_ddb_item.c against its
 * former code, tests/fuzz/ddb_item_ref.h, over the former reader).
 */

#include <string.h>

#include "fuzz.h"
#include "tm_ddb_item.h"
#include "tm_jscan.h"
#include "jscan_ref.h"
#include "ddb_item_ref.h"

/* the one-pass reader again, its word-at-a-time path, renamed */
void fz_swar_jscan_init(tm_jscan_t *s, const char *data, size_t len);
int fz_swar_jscan_peek(tm_jscan_t *s);
int fz_swar_jscan_object(tm_jscan_t *s);
int fz_swar_jscan_array(tm_jscan_t *s);
int fz_swar_jscan_member(tm_jscan_t *s, tm_jstr_t *key);
int fz_swar_jscan_element(tm_jscan_t *s);
int fz_swar_jscan_string(tm_jscan_t *s, tm_jstr_t *str);
int fz_swar_jscan_value(tm_jscan_t *s, tm_jstr_t *text);
int fz_swar_jscan_end(tm_jscan_t *s);
int fz_swar_jstr_eq(const tm_jstr_t *str, const char *lit);
long fz_swar_jstr_copy(const tm_jstr_t *str, char *out, size_t size);

#define TM_JSCAN_NO_SSE2
#define tm_jscan_init     fz_swar_jscan_init
#define tm_jscan_peek     fz_swar_jscan_peek
#define tm_jscan_object   fz_swar_jscan_object
#define tm_jscan_array    fz_swar_jscan_array
#define tm_jscan_member   fz_swar_jscan_member
#define tm_jscan_element  fz_swar_jscan_element
#define tm_jscan_string   fz_swar_jscan_string
#define tm_jscan_value    fz_swar_jscan_value
#define tm_jscan_end      fz_swar_jscan_end
#define tm_jstr_eq        fz_swar_jstr_eq
#define tm_jstr_copy      fz_swar_jstr_copy
#include "../../common/tm_jscan.c"
#undef tm_jscan_init
#undef tm_jscan_peek
#undef tm_jscan_object
#undef tm_jscan_array
#undef tm_jscan_member
#undef tm_jscan_element
#undef tm_jscan_string
#undef tm_jscan_value
#undef tm_jscan_end
#undef tm_jstr_eq
#undef tm_jstr_copy


#define FZ_OPS    8
#define FZ_STEPS  512

enum {
    FZ_PEEK, FZ_OBJECT, FZ_ARRAY, FZ_MEMBER, FZ_ELEMENT, FZ_STRING,
    FZ_VALUE, FZ_END
};

/* the reader under test (SSE2 where built so), its portable build, the
 * reference */
typedef struct {
    tm_jscan_t  s;
    tm_jscan_t  w;
    tm_jscan_t  r;
} fz_three_t;


static void
fz_same_state(const fz_three_t *t)
{
    fz_check(t->s.p == t->r.p && t->s.end == t->r.end
             && t->s.depth == t->r.depth
             && t->s.after_value == t->r.after_value);
    fz_check(t->w.p == t->r.p && t->w.end == t->r.end
             && t->w.depth == t->r.depth
             && t->w.after_value == t->r.after_value);
}


/* a string read by all three: the same slice, unescaped the same */
static void
fz_same_str(const tm_jstr_t *s, const tm_jstr_t *w, const tm_jstr_t *r)
{
    char    *a, *b;
    long     na, nb;
    size_t   size;

    fz_check(s->data == r->data && s->len == r->len
             && s->escaped == r->escaped);
    fz_check(w->data == r->data && w->len == r->len
             && w->escaped == r->escaped);

    /* room for all of it, then for about half (refused alike) */
    a = malloc(r->len + 1);
    b = malloc(r->len + 1);

    for (size = r->len + 1; size > 0; size /= 2) {
        na = tm_jstr_copy(s, a, size);
        nb = fz_ref_jstr_copy(r, b, size);

        fz_check(na == nb && fz_swar_jstr_copy(w, a, size) == nb);
        fz_check(na < 0 || memcmp(a, b, (size_t) na + 1) == 0);

        if (na >= 0) {
            fz_check(tm_jstr_eq(s, b) == fz_ref_jstr_eq(r, b)
                     && fz_swar_jstr_eq(w, b) == fz_ref_jstr_eq(r, b));
        }
    }

    fz_check(tm_jstr_eq(s, "S") == fz_ref_jstr_eq(r, "S")
             && tm_jstr_eq(s, "") == fz_ref_jstr_eq(r, ""));

    free(a);
    free(b);
}


/* one call on the three: the same result, state and string */
static int
fz_call(fz_three_t *t, int op)
{
    int        rs, rw, rr;
    tm_jstr_t  ss, sw, sr;

    switch (op % FZ_OPS) {

    case FZ_PEEK:
        rs = tm_jscan_peek(&t->s);
        rw = fz_swar_jscan_peek(&t->w);
        rr = fz_ref_jscan_peek(&t->r);
        break;

    case FZ_OBJECT:
        rs = tm_jscan_object(&t->s);
        rw = fz_swar_jscan_object(&t->w);
        rr = fz_ref_jscan_object(&t->r);
        break;

    case FZ_ARRAY:
        rs = tm_jscan_array(&t->s);
        rw = fz_swar_jscan_array(&t->w);
        rr = fz_ref_jscan_array(&t->r);
        break;

    case FZ_MEMBER:
        rs = tm_jscan_member(&t->s, &ss);
        rw = fz_swar_jscan_member(&t->w, &sw);
        rr = fz_ref_jscan_member(&t->r, &sr);

        /* the key is the caller's only with 1 */
        if (rs == rr && rw == rr && rr == 1) {
            fz_same_str(&ss, &sw, &sr);
        }

        break;

    case FZ_ELEMENT:
        rs = tm_jscan_element(&t->s);
        rw = fz_swar_jscan_element(&t->w);
        rr = fz_ref_jscan_element(&t->r);
        break;

    case FZ_STRING:
        rs = tm_jscan_string(&t->s, &ss);
        rw = fz_swar_jscan_string(&t->w, &sw);
        rr = fz_ref_jscan_string(&t->r, &sr);

        if (rs == rr && rw == rr && rr == 0) {
            fz_same_str(&ss, &sw, &sr);
        }

        break;

    case FZ_VALUE:
        rs = tm_jscan_value(&t->s, &ss);
        rw = fz_swar_jscan_value(&t->w, &sw);
        rr = fz_ref_jscan_value(&t->r, &sr);

        if (rs == rr && rw == rr && rr == 0) {
            fz_check(ss.data == sr.data && ss.len == sr.len
                     && ss.escaped == sr.escaped);
            fz_check(sw.data == sr.data && sw.len == sr.len
                     && sw.escaped == sr.escaped);
        }

        break;

    default: /* FZ_END */
        rs = tm_jscan_end(&t->s);
        rw = fz_swar_jscan_end(&t->w);
        rr = fz_ref_jscan_end(&t->r);
    }

    fz_check(rs == rr && rw == rr);
    fz_same_state(t);

    return rr;
}


static void
fz_init(fz_three_t *t, const char *doc, size_t len)
{
    tm_jscan_init(&t->s, doc, len);
    fz_swar_jscan_init(&t->w, doc, len);
    fz_ref_jscan_init(&t->r, doc, len);
}


/* the value that comes next, read as its first byte says; -1 stops */
static int
fz_walk(fz_three_t *t)
{
    int  rc;

    switch (fz_call(t, FZ_PEEK)) {

    case '{':
        if (fz_call(t, FZ_OBJECT) != 0) {
            return -1;
        }

        while ((rc = fz_call(t, FZ_MEMBER)) == 1) {
            if (fz_walk(t) != 0) {
                return -1;
            }
        }

        return rc;

    case '[':
        if (fz_call(t, FZ_ARRAY) != 0) {
            return -1;
        }

        while ((rc = fz_call(t, FZ_ELEMENT)) == 1) {
            if (fz_walk(t) != 0) {
                return -1;
            }
        }

        return rc;

    case '"':
        return fz_call(t, FZ_STRING);
    }

    return fz_call(t, FZ_VALUE);
}


static void
fz_same_slice(const tm_jstr_t *a, const tm_jstr_t *b)
{
    fz_check(a->data == b->data && a->len == b->len
             && a->escaped == b->escaped);
}


/* an attribute looked up in both items: the same value or none */
static void
fz_same_get(const tm_ddb_item_t *a, const tm_ddb_item_t *b,
    const char *name)
{
    size_t            i;
    const tm_jstr_t  *va, *vb;

    static const char  types[] = { 'S', 'N', 'B', 'L', 0, '\\' };

    for (i = 0; i < sizeof(types); i++) {
        va = tm_ddb_item_get(a, name, types[i]);
        vb = fz_ref_ddb_item_get(b, name, types[i]);

        fz_check((va == NULL) == (vb == NULL));

        if (va) {
            fz_same_slice(va, vb);
        }
    }
}


/* the document as one item, and as a Query reply */
static void
fz_same_item(const char *doc, size_t len)
{
    int              rn, rr;
    char             name[64];
    size_t           i;
    tm_ddb_item_t    a, b;
    tm_ddb_reply_t   ra, rb;

    static const char  *names[] = {
        "", "S", "Title", "Status", "EntitySort", "Labels", "Reminders",
        "NotificationSent", "Priority"
    };

    rn = tm_ddb_item_parse(doc, len, &a);
    rr = fz_ref_ddb_item_parse(doc, len, &b);

    fz_check(rn == rr);

    if (rn == 0) {
        fz_check(a.n == b.n);
        fz_same_slice(&a.text, &b.text);

        for (i = 0; i < a.n; i++) {
            fz_same_slice(&a.attr[i].name, &b.attr[i].name);
            fz_same_slice(&a.attr[i].value, &b.attr[i].value);
            fz_check(a.attr[i].type == b.attr[i].type);

            if (tm_jstr_copy(&a.attr[i].name, name, sizeof(name)) >= 0) {
                fz_same_get(&a, &b, name);
            }
        }

        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            fz_same_get(&a, &b, names[i]);
        }
    }

    rn = tm_ddb_reply_read(doc, len, &ra);
    rr = fz_ref_ddb_reply_read(doc, len, &rb);

    fz_check(rn == rr);

    if (rn == 0) {
        fz_same_slice(&ra.items, &rb.items);
        fz_same_slice(&ra.last_key, &rb.last_key);
        fz_check(ra.count == rb.count);
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t       n, i, steps;
    const char  *doc;
    fz_three_t   t;

    if (size == 0) {
        return 0;
    }

    n = data[0] % 32;
    n = n < size - 1 ? n : size - 1;
    doc = (const char *) data + 1 + n;
    size -= 1 + n;

    /* the whole document as one value, then nothing but blanks */
    fz_init(&t, doc, size);

    if (fz_call(&t, FZ_VALUE) == 0) {
        fz_call(&t, FZ_END);
    }

    /* as the listings read */
    fz_init(&t, doc, size);

    if (fz_walk(&t) == 0) {
        fz_call(&t, FZ_END);
    }

    fz_same_item(doc, size);

    /* the input's calls, failed ones included */
    if (n == 0) {
        return 0;
    }

    fz_init(&t, doc, size);
    steps = 4 * size + 8 < FZ_STEPS ? 4 * size + 8 : FZ_STEPS;

    for (i = 0; i < steps; i++) {
        fz_call(&t, data[1 + i % n]);
    }

    return 0;
}
