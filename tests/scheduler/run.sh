#!/usr/bin/env bash
# The scheduler suite: a throwaway stack (dynalite, cognito-local, maildev,
# nginx; no scheduler daemon) on free loopback ports, then
# prove tests/scheduler/, which runs taskmgr-scheduler itself (--once, or
# as a daemon it starts and stops).  With SANITIZE=1 the scheduler and
# nginx are the sanitizer builds and any report fails the suite.  A failed
# run keeps its logs under test-output/.  Arguments: the .t files to run
# (default: all of tests/scheduler/).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

san=; [[ ${SANITIZE:-} == 1 ]] && san=-san
bin=$repo/build$san/taskmgr-scheduler
[[ -x $bin ]] || { echo "scheduler: $bin not built (make${san:+ SANITIZE=1})" >&2; exit 1; }

# every scheduler the tests start writes its sanitizer reports where the
# stack's are checked; the plain build is for the valgrind test (valgrind
# and ASan do not mix)
exec scripts/suite-stack.sh scheduler TASKMGR_TEST_FAULTS=on \
    TASKMGR_SCHEDULER_BIN="$bin" TASKMGR_USER_RATE=10000r/s -- \
    bash -c 'mkdir -p "$TASKMGR_RUN_DIR/sanitizer"
             export ASAN_OPTIONS="log_path=$TASKMGR_RUN_DIR/sanitizer/scheduler-asan"
             export UBSAN_OPTIONS="print_stacktrace=1:log_path=$TASKMGR_RUN_DIR/sanitizer/scheduler-ubsan"
             export TASKMGR_SCHEDULER_PLAIN_BIN="$1/build/taskmgr-scheduler"
             shift
             exec prove -v -I tests/lib "${@:-tests/scheduler/}"' scheduler "$repo" "$@"
