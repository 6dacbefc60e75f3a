#!/usr/bin/env bash
# Benchmark: one reminder pass (taskmgr-scheduler --once) over 1,000
# reminders whose time has come, among 10,000 tasks in all (each with two
# reminders in ReminderIndex), then (1,000 new ones) among 200,000.  Prints
# the pass time, reminders/s and the ratio of the two pass times (goal <=
# 1.2: the pass reads ReminderIndex's partitions up to now, never scans,
# so the total must not matter).
# Starts and stops its own stack (dynalite only matters) on free ports.
#
# usage: tests/bench/scheduler_pass.sh   (make bench-scheduler)
#   env: BENCH_DUE (1000), BENCH_SMALL (10000), BENCH_LARGE (200000)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
due=${BENCH_DUE:-1000}
small=${BENCH_SMALL:-10000}
large=${BENCH_LARGE:-200000}

# shellcheck source=tests/bench/scheduler_stack.sh
. tests/bench/scheduler_stack.sh

# "<ms> <reminded>" of one pass, from its due_pass log line
pass() {
    local out line
    out=$("$bin" -c "$TASKMGR_SCHEDULER_CONF" --once 2>&1) \
        || { echo "$out" >&2; echo "bench: the pass failed" >&2; exit 1; }
    line=$(grep '"event":"due_pass"' <<< "$out")
    jq -r '"\(.ms) \(.reminded)"' <<< "$line"
}

# a first pass warms dynalite (node's JIT) up: not measured
echo "bench: warming up (200 due tasks, one pass)"
perl tests/bench/scheduler_load.pl 200 0 10
pass > /dev/null

echo "bench: loading $((small - 200)) more tasks ($due reminders due) for $small in all"
t=$SECONDS
perl tests/bench/scheduler_load.pl "$due" "$((small - due - 200))" 100
echo "  ($((SECONDS - t)) s)"
read -r ms1 n1 <<< "$(pass)"
[[ $n1 == "$due" ]] || { echo "bench: reminded $n1, expected $due" >&2; exit 1; }

echo "bench: loading $((large - small)) more tasks ($due new reminders due) for $large in all"
t=$SECONDS
perl tests/bench/scheduler_load.pl "$due" "$((large - small - due))" 100
echo "  ($((SECONDS - t)) s)"
read -r ms2 n2 <<< "$(pass)"
[[ $n2 == "$due" ]] || { echo "bench: reminded $n2, expected $due" >&2; exit 1; }

printf '\n%-34s %10s %12s\n' "reminder pass, $due due" "pass ms" "reminders/s"
printf '%-34s %10s %12.0f\n' "among $small tasks" "$ms1" "$(jq -n "$n1 * 1000 / $ms1")"
printf '%-34s %10s %12.0f\n' "among $large tasks" "$ms2" "$(jq -n "$n2 * 1000 / $ms2")"
printf '\nratio pass time %s/%s: %.2f (goal <= 1.20)\n' "$large" "$small" "$(jq -n "$ms2 / $ms1")"
