#!/usr/bin/env bash
# The fault suite: DynamoDB (dynalite) and Cognito (cognito-local) paused
# and killed and started again, nginx reloaded, under a load of clients;
# on a stack of its own on free loopback ports (issue 16).
#
# usage: tests/faults/run.sh   (scripts/test.sh runs it as suite faults)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

san=; [[ ${SANITIZE:-} == 1 ]] && san=-san
tmp=$(mktemp -d "${TMPDIR:-/tmp}/taskmgr-faults.XXXXXX")
chmod 755 "$tmp"
# every service on a free port (a `make run` stack may be up); the clients
# of the load are one user each at full speed
stack_env=(DATA_DIR="$tmp/data" STACK_FREE_PORTS=1 STACK_NO_SCHEDULER=1
           TASKMGR_USER_RATE=10000r/s)
# shellcheck disable=SC2064
trap "env ${stack_env[*]} '$repo/scripts/stack.sh' stop > /dev/null 2>&1 || true; rm -rf '$tmp'" EXIT

echo "=== faults: stack on free loopback ports ($tmp)"
rc=0
run=$tmp/data/run
if env "${stack_env[@]}" scripts/stack.sh start; then
    if ! (
        set -a
        # shellcheck disable=SC1091
        . "$run/stack.env"
        set +a
        prove -v -I tests/lib -I tests/api/lib tests/faults/
    ); then
        rc=1
    fi
else
    echo "faults: the stack did not start" >&2
    rc=1
fi
env "${stack_env[@]}" scripts/stack.sh stop || rc=1

scripts/stack-check.sh faults "$run" || rc=1

if ((rc)); then
    keep=test-output/faults${san}-$(date -u +%Y%m%dT%H%M%SZ)
    mkdir -p "$keep"
    cp -r "$tmp/data/log" "$keep/" 2> /dev/null || true
    cp -r "$run" "$keep/run" 2> /dev/null || true
    rm -rf "$keep/run/tmp"
    echo "faults: logs of this run kept in $keep/" >&2
fi
exit $rc
