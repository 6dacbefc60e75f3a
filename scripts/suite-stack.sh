#!/usr/bin/env bash
# A test suite on a throwaway stack of its own: every service on a free
# loopback port (a `make run` stack may be up), no scheduler daemon (tests
# that need one start it), then COMMAND with the stack's TASKMGR_* in its
# environment.  After the stop, sanitizer reports and crashed or alerting
# nginx workers fail the suite too (scripts/stack-check.sh); a failed run
# keeps its logs under test-output/NAME[-san]-<time>/.
#
# usage: scripts/suite-stack.sh NAME [VAR=value ...] -- COMMAND [ARG ...]
#        (the VAR=value are more settings for scripts/stack.sh)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

name=${1:?usage: $0 NAME [VAR=value ...] -- COMMAND [ARG ...]}
shift
settings=()
while (($#)) && [[ $1 != -- ]]; do
    settings+=("$1")
    shift
done
[[ ${1:-} == -- ]] && shift
(($#)) || { echo "usage: $0 NAME [VAR=value ...] -- COMMAND [ARG ...]" >&2; exit 2; }

san=; [[ ${SANITIZE:-} == 1 ]] && san=-san
tmp=$(mktemp -d "${TMPDIR:-/tmp}/taskmgr-$name.XXXXXX")
# nginx workers run as nobody when started by root: let them in
chmod 755 "$tmp"
stack_env=(DATA_DIR="$tmp/data" STACK_FREE_PORTS=1 STACK_NO_SCHEDULER=1
           "${settings[@]}")
# shellcheck disable=SC2064
trap "env ${stack_env[*]} '$repo/scripts/stack.sh' stop > /dev/null 2>&1 || true; rm -rf '$tmp'" EXIT

echo "=== $name: stack on free loopback ports ($tmp)"
rc=0
run=$tmp/data/run
if env "${stack_env[@]}" scripts/stack.sh start; then
    if ! (
        set -a
        # shellcheck disable=SC1091
        . "$run/stack.env"
        set +a
        "$@"
    ); then
        rc=1
    fi
else
    echo "$name: the stack did not start" >&2
    rc=1
fi
# stop first: the workers' last reports are written as they exit
env "${stack_env[@]}" scripts/stack.sh stop || rc=1

scripts/stack-check.sh "$name" "$run" || rc=1

if ((rc)); then
    keep=test-output/$name$san-$(date -u +%Y%m%dT%H%M%SZ)
    mkdir -p "$keep"
    cp -r "$tmp/data/log" "$keep/" 2> /dev/null || true
    cp -r "$run" "$keep/run" 2> /dev/null || true
    rm -rf "$keep/run/tmp"
    echo "$name: logs of this run kept in $keep/" >&2
fi
exit $rc
