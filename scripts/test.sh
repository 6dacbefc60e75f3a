#!/usr/bin/env bash
# Runs the test suites; exits non-zero if any fails.
#
# usage: scripts/test.sh [unit|api|<dir>]...   (none: all suites, in order)
#   unit  every build/tests/test_* (build-san/ with SANITIZE=1)
#   api   prove tests/api/ against a throwaway stack on free loopback ports
#         (scripts/suite-stack.sh)
#
# A failing api run keeps its logs under test-output/.  The build is make's
# job (make test builds first); this script only runs what is built.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

san=; [[ ${SANITIZE:-} == 1 ]] && san=-san
passed=()
failed=()

suite_unit() {
    local bins=() b rc=0
    for b in "build$san"/tests/test_*; do
        [[ -f $b && -x $b ]] && bins+=("$b")
    done
    if ((${#bins[@]} == 0)); then
        echo "unit: no test programs in build$san/tests/ (make unit${san:+ SANITIZE=1} builds them)" >&2
        return 1
    fi
    for b in "${bins[@]}"; do
        echo "=== $b"
        # UBSan only prints a report: make it fail the program too
        if ! UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} "$b"; then
            echo "unit: FAILED $b" >&2
            rc=1
        fi
    done
    return $rc
}

suite_api() {
    local tests
    tests=$(find tests/api -name '*.t' 2> /dev/null | head -n 1)
    if [[ -z $tests ]]; then
        echo "api: no tests (tests/api/*.t)" >&2
        return 1
    fi

    # the tests read the TASKMGR_* of the stack (TaskmgrStack.pm); its
    # addresses printed first; one user driven hard: no per-user limit
    scripts/suite-stack.sh api TASKMGR_TEST_FAULTS=on TASKMGR_USER_RATE=10000r/s -- \
        bash -c 'env | sed -n "s/^TASKMGR_\(URL\|DDB_URL\|COGNITO_URL\|MAIL_URL\|MAIL_SMTP_PORT\)=/  \1 /p"
                 exec prove -v -r -I tests/lib tests/api/'
}

# further suites are tests/<name>/run.sh, each starting what it needs and
# exiting non-zero on failure (scheduler, e2e, infra, ...), in name order
suite_dir() {
    bash "tests/$1/run.sh"
}

extra=()
for f in tests/*/run.sh; do
    [[ -f $f ]] && extra+=("$(basename "$(dirname "$f")")")
done

suites=("$@")
((${#suites[@]})) || suites=(unit api "${extra[@]}")

for s in "${suites[@]}"; do
    case $s in
        unit|api) ;;
        *)
            [[ -f tests/$s/run.sh ]] || {
                echo "usage: $0 [unit|api|${extra[*]// /|}]..." >&2
                exit 2
            }
            ;;
    esac
done

for s in "${suites[@]}"; do
    if [[ $s == unit || $s == api ]]; then
        if "suite_$s"; then passed+=("$s"); else failed+=("$s"); fi
    else
        echo "=== $s"
        if suite_dir "$s"; then passed+=("$s"); else failed+=("$s"); fi
    fi
done

echo
echo "suites passed: ${passed[*]:-none}; failed: ${failed[*]:-none}${san:+ (SANITIZE=1)}"
echo "suites: ${#passed[@]} passed, ${#failed[@]} failed"
((${#failed[@]} == 0))
