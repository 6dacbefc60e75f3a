#!/usr/bin/env bash
# Benchmark: the reminder pass by 1, then 2 scheduler replicas sharing the
# shards by leases (shard_leases on), each run over $BENCH_DUE new tasks
# with a reminder due.  The replicas run as daemons; a run's time is from
# their start to the last due_pass line that completes the reminders (the
# lease rounds that spread the shards included).  Prints reminders/s of
# each run and, per replica, the shards it worked and its DynamoDB calls
# by shard (from its exit line after SIGTERM; "none": lease and other
# calls outside a shard).  Its own stack on free ports.
#
# usage: tests/bench/scheduler_replicas.sh   (part of make bench-scheduler)
#   env: BENCH_DUE (3000), BENCH_LEASE (3s)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
due=${BENCH_DUE:-3000}
lease=${BENCH_LEASE:-3s}

# shellcheck source=tests/bench/scheduler_stack.sh
. tests/bench/scheduler_stack.sh

now_ms() { date +%s%3N; }

# the stack's conf for one replica: leases on, no email or SMS to wait for
conf() {
    local c=$tmp/replica-$1.conf
    grep -v -E '^\s*(scan_interval|log_level|shard_leases|lease|replica_id)\s*=' \
        "$TASKMGR_SCHEDULER_CONF" > "$c"
    printf '%s\n' "shard_leases = on" "lease = $lease" "replica_id = $1" \
        "scan_interval = 1h" "log_level = info" >> "$c"
    echo "$c"
}

# reminded so far, by the due_pass lines of the logs given
reminded() {
    cat "$@" 2> /dev/null | jq -s '[.[] | select(.event == "due_pass") | .reminded] | add // 0'
}

# run N: N replicas over $due new due tasks; prints "<ms> <reminded>"
run() {
    local n=$1 i pids=() logs=() t0 t1 got deadline
    perl tests/bench/scheduler_load.pl "$due" 0 100 2> /dev/null
    t0=$(now_ms)
    for ((i = 1; i <= n; i++)); do
        logs+=("$tmp/run$n-r$i.log")
        "$bin" -c "$(conf "run$n-r$i")" 2> "$tmp/run$n-r$i.log" &
        pids+=($!)
    done
    deadline=$((SECONDS + 300))
    until (( $(reminded "${logs[@]}") >= due )) || ((SECONDS > deadline)); do
        sleep 0.1
    done
    got=$(reminded "${logs[@]}")
    # the last due_pass line that counted is the end of the work
    t1=$(cat "${logs[@]}" | jq -rs '[.[] | select(.event == "due_pass"
            and .reminded > 0) | .time] | max' | xargs -I{} date -d {} +%s%3N)
    kill -TERM "${pids[@]}"
    wait "${pids[@]}" || true
    for ((i = 1; i <= n; i++)); do
        jq -r --arg r "run$n-r$i" 'select(.event == "exit") | "    \($r): "
            + "calls by shard " + (.ddb_calls | to_entries
            | map("\(.key)=\(.value)") | join(" "))' "${logs[i - 1]}" >&2
        jq -rs --arg r "run$n-r$i" '"    \($r): worked shards " + ([.[]
            | select(.event == "shard_pass" and .pass == "due") | .shard]
            | unique | map(tostring) | join(","))' "${logs[i - 1]}" >&2
    done
    echo "$((t1 - t0)) $got"
}

echo "bench: warming up (200 due tasks, one pass)"
perl tests/bench/scheduler_load.pl 200 0 10 2> /dev/null
"$bin" -c "$TASKMGR_SCHEDULER_CONF" --once 2> /dev/null

echo "bench: 1 replica over $due due tasks"
read -r ms1 n1 <<< "$(run 1)"
echo "bench: 2 replicas over $due new due tasks"
read -r ms2 n2 <<< "$(run 2)"
[[ $n1 == "$due" && $n2 == "$due" ]] \
    || { echo "bench: reminded $n1 and $n2, expected $due" >&2; exit 1; }

printf '\n%-34s %10s %12s\n' "reminder pass, $due due, leases" "ms" "reminders/s"
printf '%-34s %10s %12.0f\n' "1 replica" "$ms1" "$(jq -n "$n1 * 1000 / $ms1")"
printf '%-34s %10s %12.0f\n' "2 replicas" "$ms2" "$(jq -n "$n2 * 1000 / $ms2")"
printf '\nspeed-up: %.2f\n' "$(jq -n "$ms1 / $ms2")"
