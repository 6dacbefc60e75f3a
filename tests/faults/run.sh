#!/usr/bin/env bash
# The fault suite: DynamoDB (dynalite) and Cognito (cognito-local) paused
# and killed and started again, nginx reloaded, under a load of clients;
# then Redis stopped and started again under push.  Each on a stack of its
# own (scripts/suite-stack.sh).  The clients of the load are one user each
# at full speed: no per-user limit.
#
# The reload tests run with push on nchan's memory store: nchan 1.3.6
# (Debian's) on Redis crashes workers forked by a reload once an earlier
# configuration's memory is freed (its Redis nodeset timers keep that
# configuration's log; README, "Push").  Every write still publishes.
#
# usage: tests/faults/run.sh   (scripts/test.sh runs it as suite faults)
set -euo pipefail
cd "$(dirname "$0")/../.."

prove=(prove -v -I tests/lib -I tests/api/lib)
rc=0
scripts/suite-stack.sh faults TASKMGR_USER_RATE=10000r/s TASKMGR_EVENTS_STORE=memory -- \
    "${prove[@]}" tests/faults/cognito.t tests/faults/dynamodb.t || rc=1
scripts/suite-stack.sh faults-events TASKMGR_USER_RATE=10000r/s -- \
    "${prove[@]}" tests/faults/events.t || rc=1
exit $rc
