#!/usr/bin/env bash
# make bench-events (issue 14), figures, not pass/fail: SUBSCRIBERS (2000)
# idle EventSource subscribers held by one nginx (one worker) with nchan
# on Redis, on a private stack; the worker's RSS before and after they
# connect (memory per subscriber: the delta / subscribers), then EVENTS
# (1000) events published while they are connected, each to a channel with
# a measuring subscriber, and the publish -> receive latency p50/p99.
set -euo pipefail
cd "$(dirname "$0")/../.."

exec scripts/suite-stack.sh bench-events TASKMGR_USER_RATE=100000r/s -- \
    perl -I tests/lib -I tests/api/lib tests/bench/events.pl
