#!/usr/bin/env bash
# Benchmark: the API through nginx + module against the same DynamoDB call
# sent straight to dynalite, in the same run, with wrk -t2 -c32 -d10s:
#   GET /api/tasks?limit=50 (a user with 200 tasks)  vs  the Query it makes
#   GET /api/users/me                                vs  the GetItem it makes
# Prints requests/s, p99 latency and the ratio module/database (goal for
# the task list: >= 0.9).  Starts and stops its own stack on free ports.
# The pairs run in alternation, ROUNDS times, and the ratio reported is the
# median of the rounds' ratios: whatever else loads the machine meanwhile
# weighs on both sides of a pair alike.
#
# By default dynalite, nginx and wrk share the machine's CPUs, so the
# module's CPU time is taken from the database's.  PIN=1 (two or more CPUs)
# runs dynalite pinned to CPU 0 and nginx and wrk to the others, as
# DynamoDB runs on machines of its own.
#
# usage: tests/bench/api_vs_dynamodb.sh   (make bench; env DURATION=5s,
#        ROUNDS=5, PIN=0)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
duration=${DURATION:-5s}
rounds=${ROUNDS:-5}
pin=${PIN:-0}

export STACK_NO_SCHEDULER=1 TASKMGR_LOG_LEVEL=warn
# shellcheck source=tests/bench/bench_stack.sh
. tests/bench/bench_stack.sh
# shellcheck source=tests/bench/wrk_measure.sh
. tests/bench/wrk_measure.sh

wrk=(wrk)
cpus=$(nproc)
if [[ $pin == 1 ]] && (( cpus >= 2 )); then
    rest=1-$(( cpus - 1 ))
    ddb_pid=$(awk '$1 == "dynalite" { print $2 }' "$DATA_DIR/run/pids")
    ngx_pid=$(awk '$1 == "nginx" { print $2 }' "$DATA_DIR/run/pids")
    taskset -a -p -c 0 "$ddb_pid" > /dev/null
    for p in $ngx_pid $(pgrep -P "$ngx_pid"); do
        taskset -a -p -c "$rest" "$p" > /dev/null
    done
    wrk=(taskset -c "$rest" wrk)
    placement="dynalite on CPU 0, nginx and wrk on CPUs $rest"
else
    pin=0
    placement="$cpus CPUs shared by dynalite, nginx and wrk"
fi

api=$(. "$DATA_DIR/run/stack.env" && echo "$TASKMGR_URL")
ddb=$(. "$DATA_DIR/run/stack.env" && echo "$TASKMGR_DDB_URL")
json=(-H 'Content-Type: application/json' -H 'X-Requested-With: bench')

session=$(curl -sf -X POST "$api/api/users/register" "${json[@]}" \
    -d '{"email":"bench@example.com","password":"Str0ng!Passw0rd#",
         "firstName":"Bench","lastName":"Mark"}')
token=$(jq -r .accessToken <<< "$session")
sub=$(jq -r .user.id <<< "$session")

seq 1 200 | xargs -P 8 -I{} curl -sf -o /dev/null -X POST "$api/api/tasks" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"title":"Task {}","description":"A task of the benchmark",
         "dueDate":"2026-12-01T10:00:00Z"}'

query=$(jq -cn --arg pk "USER_$sub" '{TableName: "TaskManager",
    IndexName: "UpdatedAtIndex", ScanIndexForward: false, Limit: 50,
    KeyConditionExpression: "EntityPartition = :pk",
    ExpressionAttributeValues: {":pk": {S: $pk}}}')
getitem=$(jq -cn --arg pk "USER_$sub" '{TableName: "TaskManager",
    Key: {EntityPartition: {S: $pk}, EntitySort: {S: $pk}}}')

count=$(curl -sf -H "Authorization: Bearer $token" "$api/api/tasks?limit=100" \
        | jq '.items | length')
[[ $count == 100 ]] || { echo "bench: expected a full page, got $count" >&2; exit 1; }

# warm-up, not reported: the first seconds of a cold dynalite (node's JIT,
# LevelDB's caches) are slower whichever side comes first
duration=2s measure -H "Authorization: Bearer $token" "$api/api/tasks?limit=50" > /dev/null
duration=2s DDB_TARGET=Query DDB_BODY=$query \
    measure -s tests/bench/dynamodb.lua "$ddb/" > /dev/null

printf '\n%-6s %-38s %12s %10s\n' round "wrk -t2 -c32 -d$duration" "requests/s" "p99 ms"
list_ratios=() me_ratios=()
for round in $(seq 1 "$rounds"); do
    read -r list_rps list_p99 <<< "$(measure -H "Authorization: Bearer $token" \
        "$api/api/tasks?limit=50")"
    read -r query_rps query_p99 <<< "$(DDB_TARGET=Query DDB_BODY=$query \
        measure -s tests/bench/dynamodb.lua "$ddb/")"
    read -r me_rps me_p99 <<< "$(measure -H "Authorization: Bearer $token" \
        "$api/api/users/me")"
    read -r get_rps get_p99 <<< "$(DDB_TARGET=GetItem DDB_BODY=$getitem \
        measure -s tests/bench/dynamodb.lua "$ddb/")"

    printf '%-6s %-38s %12s %10s\n' "$round" "GET /api/tasks?limit=50 (nginx)" "$list_rps" "$list_p99"
    printf '%-6s %-38s %12s %10s\n' "" "  same Query straight to dynalite" "$query_rps" "$query_p99"
    printf '%-6s %-38s %12s %10s\n' "" "GET /api/users/me (nginx)" "$me_rps" "$me_p99"
    printf '%-6s %-38s %12s %10s\n' "" "  same GetItem straight to dynalite" "$get_rps" "$get_p99"

    list_ratios+=("$(awk -v a="$list_rps" -v b="$query_rps" 'BEGIN { printf "%.3f", a / b }')")
    me_ratios+=("$(awk -v a="$me_rps" -v b="$get_rps" 'BEGIN { printf "%.3f", a / b }')")
done

printf '\n%s\n' "$placement"
printf 'ratios module/database per round: task list %s; me %s\n' \
       "${list_ratios[*]}" "${me_ratios[*]}"
awk -v a="$(median "${list_ratios[@]}")" -v b="$(median "${me_ratios[@]}")" 'BEGIN {
    printf "median ratio module/database: task list %.2f (goal >= 0.90), me %.2f\n",
           a, b }'
