/*
 * Prometheus text exposition: see tm_prom.h.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm_prom.h"


static int tm_prom_cmp(const void *a, const void *b);


void
tm_prom_hist_init(tm_prom_hist_t *h, const double *bounds, size_t nbounds)
{
    memset(h, 0, sizeof(tm_prom_hist_t));

    h->bounds = bounds;
    h->nbounds = nbounds < TM_PROM_BUCKETS_MAX ? nbounds
                                               : TM_PROM_BUCKETS_MAX - 1;
}


/* Prometheus' buckets are "less than or equal" */

void
tm_prom_observe(tm_prom_hist_t *h, double v)
{
    size_t  i;

    for (i = 0; i < h->nbounds && v > h->bounds[i]; i++) {
        /* void */
    }

    h->n[i]++;
    h->count++;
    h->sum += v;
}


void
tm_prom_printf(tm_prom_buf_t *b, const char *fmt, ...)
{
    int       n;
    char     *p;
    size_t    size;
    va_list   ap;

    if (b->failed) {
        return;
    }

    for ( ;; ) {
        va_start(ap, fmt);
        n = vsnprintf(b->data ? b->data + b->len : NULL,
                      b->data ? b->size - b->len : 0, fmt, ap);
        va_end(ap);

        if (n < 0) {
            b->failed = 1;
            return;
        }

        if (b->data && b->len + (size_t) n < b->size) {
            b->len += n;
            return;
        }

        size = b->size ? b->size * 2 : 4096;
        while (size < b->len + (size_t) n + 1) {
            size *= 2;
        }

        p = realloc(b->data, size);
        if (p == NULL) {
            b->failed = 1;
            return;
        }

        b->data = p;
        b->size = size;
    }
}


void
tm_prom_family(tm_prom_buf_t *b, const char *name, const char *type,
    const char *help)
{
    tm_prom_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
                   type);
}


void
tm_prom_sample(tm_prom_buf_t *b, const char *name, const char *labels,
    unsigned long long v)
{
    if (labels && *labels) {
        tm_prom_printf(b, "%s{%s} %llu\n", name, labels, v);

    } else {
        tm_prom_printf(b, "%s %llu\n", name, v);
    }
}


void
tm_prom_hist(tm_prom_buf_t *b, const char *name, const char *labels,
    const tm_prom_hist_t *h)
{
    size_t               i;
    const char          *sep;
    unsigned long long   c;

    labels = labels ? labels : "";
    sep = *labels ? "," : "";
    c = 0;

    for (i = 0; i <= h->nbounds; i++) {
        c += h->n[i];

        if (i < h->nbounds) {
            tm_prom_printf(b, "%s_bucket{%s%sle=\"%g\"} %llu\n", name,
                           labels, sep, h->bounds[i], c);

        } else {
            tm_prom_printf(b, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name,
                           labels, sep, c);
        }
    }

    if (*labels) {
        tm_prom_printf(b, "%s_sum{%s} %.3f\n%s_count{%s} %llu\n", name,
                       labels, h->sum, name, labels, h->count);

    } else {
        tm_prom_printf(b, "%s_sum %.3f\n%s_count %llu\n", name, h->sum,
                       name, h->count);
    }
}


void
tm_prom_buf_free(tm_prom_buf_t *b)
{
    free(b->data);
    memset(b, 0, sizeof(tm_prom_buf_t));
}


long long
tm_prom_quantile(long long *v, size_t n, double q)
{
    size_t  rank;

    if (n == 0) {
        return 0;
    }

    qsort(v, n, sizeof(long long), tm_prom_cmp);

    /* the ceil of q * n, 1-based (no libm): q * n's rounding forgiven */
    rank = (size_t) (q * (double) n);

    if ((double) rank < q * (double) n - 1e-9) {
        rank++;
    }

    if (rank < 1) {
        rank = 1;
    }

    if (rank > n) {
        rank = n;
    }

    return v[rank - 1];
}


static int
tm_prom_cmp(const void *a, const void *b)
{
    long long  x = *(const long long *) a, y = *(const long long *) b;

    return (x > y) - (x < y);
}
