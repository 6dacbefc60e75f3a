#!/usr/bin/env bash
# The fault suite: DynamoDB (dynalite) and Cognito (cognito-local) paused
# and killed and started again, nginx reloaded, under a load of clients;
# on a stack of its own (scripts/suite-stack.sh).  The clients of the load
# are one user each at full speed: no per-user limit.
#
# usage: tests/faults/run.sh   (scripts/test.sh runs it as suite faults)
set -euo pipefail
cd "$(dirname "$0")/../.."

exec scripts/suite-stack.sh faults TASKMGR_USER_RATE=10000r/s -- \
    prove -v -I tests/lib -I tests/api/lib tests/faults/
