/*
 * A circuit per worker and backend: after NGX_TASKMGR_CIRCUIT_FAILS calls
 * in a row that could not reach it (no answer, 502, 504), calls fail at
 * once, without a subrequest, for NGX_TASKMGR_CIRCUIT_OPEN seconds; then
 * one call goes through as a probe (the others still fail at once) and
 * its outcome closes or reopens the circuit.  A backend that hangs then
 * holds a request for the read timeout a few times, not every time, and
 * an outage no longer writes a log line per request.
 */

#include "ngx_taskmgr.h"


#define NGX_TASKMGR_CIRCUIT_FAILS  5
#define NGX_TASKMGR_CIRCUIT_OPEN   1     /* s: recovery within a second */
#define NGX_TASKMGR_CIRCUIT_PROBE  10    /* s a probe may take at most */


typedef struct {
    ngx_uint_t                 fails;      /* in a row */
    time_t                     open_until; /* 0: closed */
    time_t                     probe_at;   /* 0: no probe in flight */
} ngx_taskmgr_circuit_t;


static ngx_taskmgr_circuit_t  ngx_taskmgr_circuits[NGX_TASKMGR_BACKENDS];


ngx_int_t
ngx_taskmgr_circuit_allow(ngx_uint_t backend)
{
    time_t                  now;
    ngx_taskmgr_circuit_t  *c;

    c = &ngx_taskmgr_circuits[backend];

    if (c->open_until == 0) {
        return 1;
    }

    now = ngx_time();

    if (now < c->open_until) {
        return 0;
    }

    /* one probe at a time (one lost with its request is replaced) */
    if (c->probe_at && now - c->probe_at < NGX_TASKMGR_CIRCUIT_PROBE) {
        return 0;
    }

    c->probe_at = now;

    return 1;
}


void
ngx_taskmgr_circuit_record(ngx_log_t *log, ngx_uint_t backend,
    const char *name, ngx_uint_t reached)
{
    ngx_taskmgr_circuit_t  *c;

    c = &ngx_taskmgr_circuits[backend];
    c->probe_at = 0;

    if (reached) {
        if (c->open_until) {
            ngx_log_error(NGX_LOG_WARN, log, 0,
                          "taskmgr %s: reachable again, circuit closed",
                          name);
        }

        c->fails = 0;
        c->open_until = 0;
        return;
    }

    if (++c->fails < NGX_TASKMGR_CIRCUIT_FAILS) {
        return;
    }

    if (c->open_until == 0) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "taskmgr %s: %ui calls in a row failed, calls fail "
                      "at once for %d s at a time until one gets through",
                      name, c->fails, NGX_TASKMGR_CIRCUIT_OPEN);
    }

    c->open_until = ngx_time() + NGX_TASKMGR_CIRCUIT_OPEN;
}
