#!/usr/bin/env bash
# The scheduler suite: a throwaway stack (dynalite, cognito-local, maildev,
# nginx; no scheduler daemon) on free loopback ports, then
# prove tests/scheduler/, which runs taskmgr-scheduler itself (--once, or
# as a daemon it starts and stops).  With SANITIZE=1 the scheduler and
# nginx are the sanitizer builds and any report fails the suite.  A failed
# run keeps its logs under test-output/.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

san=; [[ ${SANITIZE:-} == 1 ]] && san=-san
bin=$repo/build$san/taskmgr-scheduler
[[ -x $bin ]] || { echo "scheduler: $bin not built (make${san:+ SANITIZE=1})" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taskmgr-sched.XXXXXX")
chmod 755 "$tmp"
# every service on a free port (a `make run` stack may be up)
stack_env=(DATA_DIR="$tmp/data" STACK_FREE_PORTS=1
           STACK_NO_SCHEDULER=1 TASKMGR_TEST_FAULTS=on TASKMGR_SCHEDULER_BIN="$bin"
           TASKMGR_USER_RATE=10000r/s)
# shellcheck disable=SC2064
trap "env ${stack_env[*]} '$repo/scripts/stack.sh' stop > /dev/null 2>&1 || true; rm -rf '$tmp'" EXIT

echo "=== scheduler: stack on free loopback ports ($tmp)"
rc=0
run=$tmp/data/run
san_dir=$run/sanitizer
if env "${stack_env[@]}" scripts/stack.sh start; then
    mkdir -p "$san_dir"
    if ! (
        set -a
        # shellcheck disable=SC1091
        . "$run/stack.env"
        # every scheduler the tests start writes its reports here
        ASAN_OPTIONS="log_path=$san_dir/scheduler-asan"
        UBSAN_OPTIONS="print_stacktrace=1:log_path=$san_dir/scheduler-ubsan"
        # the plain build, for the valgrind test (valgrind and ASan do not mix)
        TASKMGR_SCHEDULER_PLAIN_BIN=$repo/build/taskmgr-scheduler
        set +a
        prove -v -I tests/lib tests/scheduler/
    ); then
        rc=1
    fi
else
    echo "scheduler: the stack did not start" >&2
    rc=1
fi
env "${stack_env[@]}" scripts/stack.sh stop || rc=1

scripts/stack-check.sh scheduler "$run" || rc=1

if ((rc)); then
    keep=test-output/scheduler${san}-$(date -u +%Y%m%dT%H%M%SZ)
    mkdir -p "$keep"
    cp -r "$tmp/data/log" "$keep/" 2> /dev/null || true
    cp -r "$run" "$keep/run" 2> /dev/null || true
    rm -rf "$keep/run/tmp"
    echo "scheduler: logs of this run kept in $keep/" >&2
fi
exit $rc
