#!/usr/bin/env bash
# Benchmark: search and the Today view over one user's 2,000 tasks, beside
# the plain listing of the same user, in the same run (wrk -t2 -c32):
#   GET /api/tasks?limit=50                  the plain listing
#   GET /api/tasks?limit=50&q=report         one word (a fifth of the tasks)
#   GET /api/tasks?limit=50&q=report+budget  two words (a fiftieth)
#   GET /api/tasks?view=today                due by the end of the user's day
# Each is one request however many Query calls it takes.  Prints
# requests/s and p99 per round and the medians, and each one's ratio to
# the plain listing.  Starts and stops its own stack on free ports.
#
# usage: tests/bench/search_views.sh   (make bench; env DURATION=5s,
#        ROUNDS=3, TASKS=2000)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
duration=${DURATION:-5s}
rounds=${ROUNDS:-3}
tasks=${TASKS:-2000}

export STACK_NO_SCHEDULER=1 TASKMGR_LOG_LEVEL=warn
# shellcheck source=tests/bench/bench_stack.sh
. tests/bench/bench_stack.sh
# shellcheck source=tests/bench/wrk_measure.sh
. tests/bench/wrk_measure.sh
wrk=(wrk)

api=$(. "$DATA_DIR/run/stack.env" && echo "$TASKMGR_URL")
json=(-H 'Content-Type: application/json' -H 'X-Requested-With: bench')

session=$(curl -sf -X POST "$api/api/users/register" "${json[@]}" \
    -d '{"email":"bench@example.com","password":"Str0ng!Passw0rd#",
         "firstName":"Bench","lastName":"Mark","timeZone":"Europe/Berlin"}')
token=$(jq -r .accessToken <<< "$session")
auth=(-H "Authorization: Bearer $token")

# titles of two words out of ten each; due dates over 60 days around now
words=(report budget invoice meeting review plan call email draft order)
now=$(date +%s)
echo "bench: creating $tasks tasks" >&2
seq 1 "$tasks" | while read -r n; do
    w1=${words[n % 10]} w2=${words[(n / 10) % 10]}
    due=$(date -u -d "@$(( now + (n % 61 - 30) * 86400 + n % 7 * 3600 ))" +%FT%TZ)
    printf '{"title":"Task %s %s %s","description":"Step %s of the plan",' "$n" "$w1" "$w2" "$n"
    printf '"dueDate":"%s","labels":["%s"]}\n' "$due" "$w2"
done | xargs -P 8 -d '\n' -I{} curl -sf -o /dev/null -X POST "$api/api/tasks" \
    "${auth[@]}" "${json[@]}" -d '{}'

count() {
    local n=0 c='' page
    while :; do
        page=$(curl -sf "${auth[@]}" "$api/api/tasks?limit=100&$1${c:+&cursor=$c}")
        n=$(( n + $(jq '.items | length' <<< "$page") ))
        c=$(jq -r '.nextCursor // empty' <<< "$page" | jq -Rr @uri)
        [[ -n $c ]] || break
    done
    echo "$n"
}
printf 'tasks %s; q=report finds %s, q=report+budget %s, view=today %s\n' \
    "$(count '')" "$(count q=report)" "$(count q=report+budget)" "$(count view=today)"

declare -A path=(
    [list]="/api/tasks?limit=50"
    [q1]="/api/tasks?limit=50&q=report"
    [q2]="/api/tasks?limit=50&q=report+budget"
    [today]="/api/tasks?view=today"
)
order=(list q1 q2 today)

# warm-up, not reported
duration=2s measure "${auth[@]}" "$api${path[list]}" > /dev/null

declare -A rps p99
printf '\n%-6s %-38s %12s %10s\n' round "wrk -t2 -c32 -d$duration" "requests/s" "p99 ms"
for round in $(seq 1 "$rounds"); do
    for k in "${order[@]}"; do
        read -r r p <<< "$(measure "${auth[@]}" "$api${path[$k]}")"
        rps[$k]+="$r " p99[$k]+="$p "
        printf '%-6s %-38s %12s %10s\n' "$round" "GET ${path[$k]}" "$r" "$p"
        round=''
    done
done

printf '\nmedians over %s rounds (%s tasks):\n' "$rounds" "$tasks"
base=$(median ${rps[list]})
for k in "${order[@]}"; do
    m=$(median ${rps[$k]})
    printf '  %-38s %10s req/s  p99 %8s ms  ratio to the plain listing %s\n' \
        "GET ${path[$k]}" "$m" "$(median ${p99[$k]})" \
        "$(awk -v a="$m" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"
done
