#!/usr/bin/env bash
# Benchmark: the module's own cost.  nginx with the module whose DynamoDB
# and Cognito upstreams are a canned server (tests/bench/canned.conf.in, a
# second nginx answering recorded replies), beside, on the same nginx and in
# the same run, plain proxy_pass of the very same reply bytes and `return
# 200`.  The replies are recorded at the start from a real local stack
# (tests/bench/ddb_record.py between the module and dynalite), one per
# workload:
#   GET /api/tasks?limit=50            the Query reply (200 tasks stored)
#   GET /api/tasks?limit=50&q=task     search
#   GET /api/tasks/{id}                GetItem
#   POST /api/tasks                    PutItem
#   PATCH /api/tasks/{id}, If-Match    UpdateItem
#   GET /api/notifications?limit=50    Query
#   GET /api/users/me                  GetItem
# Each workload and its proxy run in alternation, ROUNDS times (wrk -t2
# -c32); the ratio reported is the median of the rounds' ratios module /
# proxy.  Worker CPU per request: utime + stime of nginx's workers from
# /proc over each run, divided by its requests (µs).  Then the worker RSS
# after the first 10 k mixed requests and after MIXED of them (1 M with
# LONG=1).  BASE_MODULE=<a .so>: the module workloads run on a third nginx
# with that build too, in the same rounds (before/after a change).
# EVENTS=off: the module publishes no events (push off), so that a write's
# figures show the module without nchan's and Redis's share.
#
# usage: tests/bench/module_cost.sh   (make bench-module; env DURATION=3s,
#        ROUNDS=3, LONG=0, MIXED=200000, BASE_MODULE=, EVENTS=on)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
duration=${DURATION:-3s}
rounds=${ROUNDS:-3}
mixed=${MIXED:-200000}
[[ ${LONG:-0} == 1 ]] && mixed=1000000
base_module=${BASE_MODULE:-}
case ${EVENTS:-on} in
on) ;;
off) events_off='/# events$/d' ;;
*) echo "bench: EVENTS is on or off" >&2; exit 2 ;;
esac

export STACK_NO_SCHEDULER=1 TASKMGR_LOG_LEVEL=warn
# shellcheck source=tests/bench/bench_stack.sh
. tests/bench/bench_stack.sh
# shellcheck source=tests/bench/wrk_measure.sh
. tests/bench/wrk_measure.sh
wrk=(wrk)

# shellcheck disable=SC1091
. "$DATA_DIR/run/stack.env"
api=$TASKMGR_URL
json=(-H 'Content-Type: application/json' -H 'X-Requested-With: bench')
pool=$(awk '/taskmgr_user_pool/ { sub(/;/, "", $2); print $2 }' \
       "$DATA_DIR/run/nginx.conf")

session=$(curl -sf -X POST "$api/api/users/register" "${json[@]}" \
    -d '{"email":"bench@example.com","password":"Str0ng!Passw0rd#",
         "firstName":"Bench","lastName":"Mark"}')
token=$(jq -r .accessToken <<< "$session")
auth=(-H "Authorization: Bearer $token")

echo "bench: creating 200 tasks" >&2
seq 1 200 | xargs -P 8 -I{} curl -sf -o /dev/null -X POST "$api/api/tasks" \
    "${auth[@]}" "${json[@]}" \
    -d '{"title":"Task {} of the benchmark","labels":["bench"],
         "description":"A task of the benchmark, with a few words more",
         "dueDate":"2030-12-01T10:00:00Z"}'
task=$(curl -sf "${auth[@]}" "$api/api/tasks?limit=1" | jq -r '.items[0]')
id=$(jq -r .id <<< "$task")
version=$(jq -r .version <<< "$task")

# a second nginx with the module, its DynamoDB and Cognito upstreams
# first the recorder and then the canned server; the bench's locations
# added to the server
read -r rec_port canned_port port base_port <<< "$(perl -MIO::Socket::INET -e '
    my @s = map { IO::Socket::INET->new(LocalAddr => "127.0.0.1",
        LocalPort => 0, Listen => 1, ReuseAddr => 1) or die } 1 .. 4;
    print join(" ", map { $_->sockport } @s), "\n";')"
run=$tmp/bench
mkdir -p "$run/rec" "$run/canned" "$run/tmp" "$run/logs"
pids=()
trap 'kill "${pids[@]}" 2> /dev/null; wait
      scripts/stack.sh stop > /dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

# the stack's conf, on other ports, logs in $run, the bench's locations in
conf() {
    sed -e "s|$DATA_DIR/run/|$run/|g" \
        -e "s|127.0.0.1:$TASKMGR_PORT;|127.0.0.1:$port;|" \
        -e "s|server  *127.0.0.1:$TASKMGR_DDB_PORT;|server 127.0.0.1:$1;|" \
        -e "s|server  *127.0.0.1:$TASKMGR_COGNITO_PORT;|server 127.0.0.1:$2;|" \
        -e "${events_off:-}" \
        "$DATA_DIR/run/nginx.conf" > "$run/nginx.conf"
}

# nginx with $run/${1:-nginx}.conf, listening on ${2:-$port}
ngx_start() {
    nginx -p "$run" -c "$run/${1:-nginx}.conf" -e "$run/error.log" \
        < /dev/null &
    ngx_pid=$!
    pids+=("$ngx_pid")
    for _ in $(seq 50); do
        curl -s -o /dev/null "http://127.0.0.1:${2:-$port}/api/health" \
            && return
        sleep 0.1
    done
    echo "bench: nginx did not start" >&2; cat "$run/error.log" >&2; exit 1
}

ngx_stop() { kill "$ngx_pid"; wait "$ngx_pid" || true; }

b=http://127.0.0.1:$port
declare -A path=(
    [list]="/api/tasks?limit=50"
    [search]="/api/tasks?limit=50&q=task"
    [get]="/api/tasks/$id"
    [create]="/api/tasks"
    [patch]="/api/tasks/$id"
    [notif]="/api/notifications?limit=50"
    [me]="/api/users/me"
)
order=(list search get create patch notif me)
create_body='{"title":"A benchmark task","dueDate":"2030-12-01T10:00:00Z"}'
patch_body='{"priority":2}'

# the canned replies: each DynamoDB call, "<X-Amz-Target> <body>", is
# answered with the reply recorded for the first pattern it matches; the
# same table makes the canned nginx's map and names the recorded replies
ddb='DynamoDB_20120810\.'
canned=(
    revoked  "^${ddb}BatchGetItem .*\"S\":\"REVOKED"
    task     "^${ddb}GetItem .*\"EntitySort\":[{]\"S\":\"TASK_"
    defaults "^${ddb}GetItem .*\"ProjectionExpression\":\"DefaultReminders\""
    user     "^${ddb}GetItem "
    search   "^${ddb}Query .*contains[(]SearchText"
    unread   "^${ddb}Query .*Notif_isRead"
    notif    "^${ddb}Query .*NotificationTimestampIndex"
    list     "^${ddb}Query "
    counts   "^${ddb}UpdateItem .*\"S\":\"COUNTS\""
    patch    "^${ddb}UpdateItem "
    put      "^${ddb}PutItem "
    describe "^${ddb}DescribeTable "
)
# each workload's main call: the reply its plain proxy_pass gets
declare -A main=([list]=list [search]=search [get]=task [create]=put
                 [patch]=patch [notif]=notif [me]=user)

# recording: one request of each workload through the module, its calls
# to dynalite written by the recorder, then named by the table
python3 tests/bench/ddb_record.py "$rec_port" "$TASKMGR_DDB_URL" "$run/rec" &
rec_pid=$!
pids+=("$rec_pid")
until (exec 3<> "/dev/tcp/127.0.0.1/$rec_port") 2> /dev/null; do sleep 0.1; done
conf "$rec_port" "$TASKMGR_COGNITO_PORT"
ngx_start
for w in "${order[@]}"; do
    case $w in
    create) curl -sf -o /dev/null "${auth[@]}" "${json[@]}" -X POST \
                -d "$create_body" "$b${path[$w]}" ;;
    patch) curl -sf -o /dev/null "${auth[@]}" "${json[@]}" -X PATCH \
                -H "If-Match: \"$version\"" -d "$patch_body" "$b${path[$w]}" ;;
    *) curl -sf -o /dev/null "${auth[@]}" "$b${path[$w]}" ;;
    esac
done
ngx_stop
kill "$rec_pid"
wait "$rec_pid" || true

mkdir -p "$run/canned/r" "$run/canned/$pool/.well-known"
curl -sf -o "$run/canned/$pool/.well-known/jwks.json" \
    "$TASKMGR_COGNITO_URL/$pool/.well-known/jwks.json"
for req in "$run"/rec/*.req; do
    call=$(head -1 "$req")' '$(tail -n +2 "$req")
    for (( i = 0; i < ${#canned[@]}; i += 2 )); do
        if [[ $call =~ ${canned[i + 1]} ]]; then
            cp "${req%.req}.res" "$run/canned/r/${canned[i]}"
            # the call itself for its proxy_pass, unless nginx would
            # read it otherwise than as it is
            [[ $call == *[\'\$\\]* ]] \
                || echo "$call" > "$run/canned/${canned[i]}.call"
            break
        fi
    done
done
for w in "${order[@]}"; do
    [[ -f $run/canned/${main[$w]}.call ]] \
        || { echo "bench: no ${main[$w]} call recorded for $w" >&2; exit 1; }
done

map=
for (( i = 0; i < ${#canned[@]}; i += 2 )); do
    map+="        \"~${canned[i + 1]//\"/\\\"}\" ${canned[i]};"$'\n'
done
sed -e "s|@RUN@|$run|g" -e "s|@PORT@|$canned_port|g" \
    tests/bench/canned.conf.in | map=$map awk '
    /^ *@MAP@$/ { printf "%s", ENVIRON["map"]; next } { print }' \
    > "$run/canned.conf"
nginx -p "$run" -c "$run/canned.conf" -e "$run/canned-error.log" < /dev/null &
pids+=($!)

# the module's nginx on the canned server; beside its API, each main reply
# through plain proxy_pass (the recorded call sent as it is) and return 200
loc=
for w in "${order[@]}"; do
    call=$(cat "$run/canned/${main[$w]}.call")
    loc+="location = /bench/proxy/$w { proxy_pass http://taskmgr_dynamodb/;
        proxy_http_version 1.1; proxy_set_header Connection \"\";
        proxy_method POST; proxy_pass_request_headers off;
        proxy_set_header X-Amz-Target ${call%% *};
        proxy_set_header Content-Type application/x-amz-json-1.0;
        proxy_set_body '${call#* }'; }
"
done
loc+="location = /bench/return { return 200 '{}'; }"
conf "$canned_port" "$canned_port"
loc=$loc awk '{ print } /server_name  localhost;/ { print ENVIRON["loc"] }' \
    "$run/nginx.conf" > "$run/nginx.conf.new"
mv "$run/nginx.conf.new" "$run/nginx.conf"
if [[ -n $base_module ]]; then
    sed -e "s|^load_module .*/ngx_taskmgr_module.so;|load_module \
$base_module;|" -e "s|127.0.0.1:$port;|127.0.0.1:$base_port;|" \
        -e "s|$run/nginx.pid|$run/base.pid|" "$run/nginx.conf" \
        > "$run/base.conf"
    ngx_start base "$base_port"
    base_pid=$ngx_pid
fi
ngx_start

# CPU ticks (utime + stime) of the module nginx's workers so far
ticks() {
    local p t=0
    for p in $(pgrep -P "$ngx_pid"); do
        t=$(( t + $(awk '{ print $14 + $15 }' "/proc/$p/stat") ))
    done
    echo "$t"
}
hz=$(getconf CLK_TCK)
secs=${duration%s}

# "<requests/s> <p99 ms> <worker CPU µs per request>" of one wrk run
run() {
    local t0 r p
    t0=$(ticks)
    read -r r p <<< "$(measure "$@")"
    awk -v r="$r" -v p="$p" -v t="$(( $(ticks) - t0 ))" -v hz="$hz" \
        -v s="$secs" 'BEGIN { printf "%s %s %.1f\n", r, p,
                              t * 1e6 / hz / (r * s) }'
}

# one wrk run of a workload through the module
workload() (
    export TOKEN=$token
    case $1 in
    create) export METHOD=POST BODY=$create_body ;;
    patch) export METHOD=PATCH BODY=$patch_body IF_MATCH=$version ;;
    esac
    run -s tests/bench/requests.lua "${2:-$b}${path[$1]}"
)
# the same on the BASE_MODULE nginx
base_workload() {
    ngx_pid=$base_pid workload "$1" "http://127.0.0.1:$base_port"
}

# warm-up, not reported
duration=1s measure "$b/bench/return" > /dev/null
for w in "${order[@]}"; do
    workload "$w" > /dev/null
    [[ -z $base_module ]] || base_workload "$w" > /dev/null
done

declare -A rps p99 cpu ratio
printf '\n%-6s %-36s %12s %10s %10s\n' round "wrk -t2 -c32 -d$duration" \
       "requests/s" "p99 ms" "CPU us/req"
for round in $(seq 1 "$rounds"); do
    read -r r p c <<< "$(run "$b/bench/return")"
    rps[return]+="$r " p99[return]+="$p " cpu[return]+="$c "
    printf '%-6s %-36s %12s %10s %10s\n' "$round" "return 200" "$r" "$p" "$c"
    for w in "${order[@]}"; do
        read -r r p c <<< "$(workload "$w")"
        read -r pr pp pc <<< "$(run "$b/bench/proxy/$w")"
        rps[$w]+="$r " p99[$w]+="$p " cpu[$w]+="$c "
        rps[p$w]+="$pr " p99[p$w]+="$pp " cpu[p$w]+="$pc "
        ratio[$w]+="$(awk -v a="$r" -v b="$pr" \
                      'BEGIN { printf "%.3f", a / b }') "
        label=${path[$w]%%\?*}
        printf '%-6s %-36s %12s %10s %10s\n' "" \
            "${label/$id/\{id\}} $w" "$r" "$p" "$c" \
            "" "  proxy_pass of its ${main[$w]} reply" "$pr" "$pp" "$pc"
        [[ -n $base_module ]] || continue
        read -r r p c <<< "$(base_workload "$w")"
        rps[b$w]+="$r " p99[b$w]+="$p " cpu[b$w]+="$c "
        ratio[b$w]+="$(awk -v a="$r" -v b="$pr" \
                       'BEGIN { printf "%.3f", a / b }') "
        printf '%-6s %-36s %12s %10s %10s\n' "" "  $w, BASE_MODULE" "$r" \
            "$p" "$c"
    done
done

printf '\nmedians over %s rounds (%s CPUs shared by wrk, both nginx;' \
       "$rounds" "$(nproc)"
printf ' push %s):\n' "${EVENTS:-on}"
printf '%-8s %10s %10s %7s %9s %9s %8s %8s\n' workload module proxy ratio \
       "p99 ms" "proxy p99" "CPU us" "proxy us"
for w in return "${order[@]}"; do
    if [[ $w == return ]]; then
        printf '%-8s %10s %10s %7s %9s %9s %8s %8s\n' "$w" - \
            "$(median ${rps[$w]})" - - "$(median ${p99[$w]})" - \
            "$(median ${cpu[$w]})"
        continue
    fi
    printf '%-8s %10s %10s %7s %9s %9s %8s %8s\n' "$w" \
        "$(median ${rps[$w]})" "$(median ${rps[p$w]})" \
        "$(median ${ratio[$w]})" "$(median ${p99[$w]})" \
        "$(median ${p99[p$w]})" "$(median ${cpu[$w]})" \
        "$(median ${cpu[p$w]})"
    [[ -n $base_module ]] || continue
    printf '%-8s %10s %10s %7s %9s %9s %8s %8s\n' "  base" \
        "$(median ${rps[b$w]})" - "$(median ${ratio[b$w]})" \
        "$(median ${p99[b$w]})" - "$(median ${cpu[b$w]})" -
done
printf 'goals: list ratio >= 0.6, reads (get, me) >= 0.7, writes >= 0.5,\n'
printf '       p99 <= proxy p99 x 1.5, list CPU <= 50 us\n'

# worker RSS: after the first ~10 k mixed requests, then after ~MIXED
rss() {
    local p
    for p in $(pgrep -P "$ngx_pid"); do
        awk '/^VmRSS/ { printf "%s ", $2 }' "/proc/$p/status"
    done
}
mixed_paths="GET ${path[list]}
GET ${path[get]}
POST ${path[create]} $create_body
PATCH ${path[patch]} $patch_body
GET ${path[notif]}
GET ${path[me]}
GET ${path[search]}"
# a wrk run of the cycle for $1 seconds; prints its number of requests
mix() {
    local out
    out=$(WRK_MIXED=1 MIXED_PATHS=$mixed_paths TOKEN=$token \
          IF_MATCH=$version \
          wrk -t2 -c32 -d"$1"s -s tests/bench/requests.lua "$b/")
    if grep -q 'Non-2xx' <<< "$out"; then
        echo "bench: non-2xx answers in the mixed run" >&2; exit 1
    fi
    awk '/requests in/ { print $1 }' <<< "$out"
}
# the first 2 s (about 10 k here), then runs at the rate seen until at
# least MIXED in all
first=$(mix 2)
rss_first=$(rss)
total=$first
while (( total < mixed )); do
    rest=$(( (mixed - total) * 2 / first + 1 ))
    echo "bench: $total mixed requests so far, ${rest}s more" >&2
    total=$(( total + $(mix "$rest") ))
done
printf '\nworker RSS kB after the first %s mixed requests: %s\n' "$first" \
       "$rss_first"
printf 'worker RSS kB after %s: %s\n' "$total" "$(rss)"
