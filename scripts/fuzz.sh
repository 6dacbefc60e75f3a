#!/usr/bin/env bash
# Runs libFuzzer targets (make fuzz builds them into build-fuzz/) one after
# the other, each for FUZZ_SECONDS (default 60) over a scratch copy of its
# seed corpus tests/fuzz/corpus/<target>/, so that the inputs it finds never
# land in the git tree.  One line per target: runs, runs per second, result.
# A crash, leak or sanitizer report fails the run; its input and log are
# kept under test-output/fuzz/.
#
# usage: scripts/fuzz.sh build-fuzz/<target>...
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

seconds=${FUZZ_SECONDS:-60}
if (($# == 0)); then
    echo "usage: $0 build-fuzz/<target>... (make fuzz builds and runs them)" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taskmgr-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

failed=()
for bin in "$@"; do
    name=$(basename "$bin")
    work=$tmp/$name
    mkdir -p "$work/corpus" "$work/crash"
    if [[ -d tests/fuzz/corpus/$name ]]; then
        cp -r "tests/fuzz/corpus/$name/." "$work/corpus/"
    fi

    # UBSan reports abort (-fno-sanitize-recover at build); libFuzzer turns
    # a crash, a timeout of one input or an out-of-memory into a non-zero
    # exit with the input saved under crash/
    rc=0
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=16384 -print_final_stats=1 \
        -artifact_prefix="$work/crash/" "$work/corpus" \
        > "$work/log" 2>&1 || rc=$?

    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")

    if ((rc == 0)); then
        printf '%-12s %10s runs %7s/s  ok\n' "$name" "${runs:-?}" \
            "${rate:-?}"
        continue
    fi

    keep=test-output/fuzz/$name-$(date -u +%Y%m%dT%H%M%SZ)
    mkdir -p "$keep"
    cp "$work/log" "$keep/"
    cp -r "$work/crash/." "$keep/" 2> /dev/null || true
    printf '%-12s %10s runs %7s/s  FAILED (exit %d): %s/\n' "$name" \
        "${runs:-?}" "${rate:-?}" "$rc" "$keep"
    grep -m 4 -E 'property broken|ERROR: |runtime error|SUMMARY' "$work/log" \
        | sed 's/^/    /' || true
    failed+=("$name")
done

if ((${#failed[@]})); then
    echo "fuzz: ${#failed[@]} of $# failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: $# targets, ${seconds} s each, no crash"
