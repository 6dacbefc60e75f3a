/*
 * Prometheus text exposition (version 0.0.4) written into a growing
 * buffer: counters, gauges and histograms, as the scheduler exposes its
 * figures (scheduler/sched_metrics.c).  Plain memory, one thread.
 * nginx-free.
 */

#ifndef TM_PROM_H
#define TM_PROM_H

#include <stddef.h>


#define TM_PROM_BUCKETS_MAX  16     /* bounds, +Inf included */


typedef struct {
    char    *data;
    size_t   len;
    size_t   size;
    int      failed;                /* out of memory: data is incomplete */
} tm_prom_buf_t;


typedef struct {
    const double        *bounds;    /* upper bounds, ascending, no +Inf */
    size_t               nbounds;   /* < TM_PROM_BUCKETS_MAX */
    unsigned long long   n[TM_PROM_BUCKETS_MAX];   /* per bucket, the last
                                                      +Inf; not cumulative */
    unsigned long long   count;
    double               sum;
} tm_prom_hist_t;


void tm_prom_hist_init(tm_prom_hist_t *h, const double *bounds,
    size_t nbounds);
void tm_prom_observe(tm_prom_hist_t *h, double v);

/* "# HELP" and "# TYPE" of a metric family; type: counter, gauge or
 * histogram */
void tm_prom_family(tm_prom_buf_t *b, const char *name, const char *type,
    const char *help);
/* one sample; labels: 'a="x",b="y"' or NULL (values are the caller's:
 * no quoting done) */
void tm_prom_sample(tm_prom_buf_t *b, const char *name, const char *labels,
    unsigned long long v);
/* name_bucket (cumulative, le=...), name_sum, name_count */
void tm_prom_hist(tm_prom_buf_t *b, const char *name, const char *labels,
    const tm_prom_hist_t *h);
void tm_prom_printf(tm_prom_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void tm_prom_buf_free(tm_prom_buf_t *b);

/* the q-quantile (0 < q <= 1) of v by nearest rank: the smallest value
 * with at least q * n values at or below it; v is sorted.  0 if n is 0 */
long long tm_prom_quantile(long long *v, size_t n, double q);

#endif /* TM_PROM_H */
