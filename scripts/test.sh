#!/usr/bin/env bash
# Runs the test suites; exits non-zero if any fails.
#
# usage: scripts/test.sh [unit|api|<dir>]...   (none: all suites, in order)
#   unit  every build/tests/test_* (build-san/ with SANITIZE=1)
#   api   prove tests/api/ against a throwaway stack on free loopback ports
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

    local tmp rc=0
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/taskmgr-api.XXXXXX")
    # nginx workers run as nobody when started by root: let them in
    chmod 755 "$tmp"
    # every service on a free port (a `make run` stack may be up); no
    # scheduler daemon: tests that need it run it with --once
    local -a stack_env=(DATA_DIR="$tmp/data" STACK_FREE_PORTS=1
                        STACK_NO_SCHEDULER=1 TASKMGR_TEST_FAULTS=on
                        TASKMGR_USER_RATE=10000r/s)

    # shellcheck disable=SC2064
    trap "env ${stack_env[*]} '$repo/scripts/stack.sh' stop > /dev/null 2>&1 || true" EXIT

    echo "=== api: stack on free loopback ports ($tmp)"
    if env "${stack_env[@]}" scripts/stack.sh start; then
        sed -n 's/^export TASKMGR_\(URL\|DDB_URL\|COGNITO_URL\|MAIL_URL\|MAIL_SMTP_PORT\)=/  \1 /p' \
            "$tmp/data/run/stack.env"
        # the TASKMGR_* the tests read (TaskmgrStack.pm)
        if ! (
            set -a
            # shellcheck disable=SC1091
            . "$tmp/data/run/stack.env"
            set +a
            prove -v -r -I tests/lib tests/api/
        ); then
            rc=1
        fi
    else
        echo "api: the stack did not start" >&2
        rc=1
    fi
    # stop first: the workers' last reports are written as they exit
    env "${stack_env[@]}" scripts/stack.sh stop || rc=1
    trap - EXIT

    local run=$tmp/data/run
    # a report or a crashed worker fails the suite even if every test passed
    scripts/stack-check.sh api "$run" || rc=1

    if ((rc)); then
        local keep
        keep=test-output/api${san}-$(date -u +%Y%m%dT%H%M%SZ)
        mkdir -p "$keep"
        cp -r "$tmp/data/log" "$keep/" 2> /dev/null || true
        cp -r "$run" "$keep/run" 2> /dev/null || true
        rm -rf "$keep/run/tmp"
        echo "api: logs of this run kept in $keep/" >&2
    fi
    rm -rf "$tmp"
    return $rc
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
