#!/usr/bin/env bash
# make bench-events (issue 14), figures, not pass/fail: SUBSCRIBERS (2000)
# idle EventSource subscribers held by one nginx (one worker) with nchan
# on Redis, on a private stack; the worker's RSS before and after they
# connect (memory per subscriber: the delta / subscribers), then EVENTS
# (1000) events published while they are connected, each to a channel with
# a measuring subscriber, and the publish -> receive latency p50/p99.
#
# Then what publishing adds to a write: tests/bench/publish_cost.pl on a
# stack with push on Redis and on one with push off, twice, alternating.
set -euo pipefail
cd "$(dirname "$0")/../.."

scripts/suite-stack.sh bench-events TASKMGR_USER_RATE=100000r/s -- \
    perl -I tests/lib -I tests/api/lib tests/bench/events.pl
for _ in 1 2; do
    for store in redis off; do
        scripts/suite-stack.sh bench-publish TASKMGR_USER_RATE=100000r/s \
            TASKMGR_EVENTS_STORE=$store -- \
            env TASKMGR_EVENTS_STORE=$store \
            perl -I tests/lib -I tests/api/lib tests/bench/publish_cost.pl
    done
done
