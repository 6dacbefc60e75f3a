#!/usr/bin/env bash
# conf/ecs/: the image's entrypoint renders each template from sample
# environments; `nginx -t` checks every rendering with the module loaded
# (objs/ngx_taskmgr_module.so from `make module`) and nchan (Debian's
# libnginx-mod-nchan, as in the image); the all-in-one conf is started on
# loopback and asked a few questions, then again on a Redis with AUTH
# (push: the publisher's key, no reloads).  TAP-like lines, exits
# non-zero if any check fails.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

san=; [[ ${SANITIZE:-} == 1 ]] && san=-san
module=$repo/objs$san/ngx_taskmgr_module.so
[[ -f $module ]] || { echo "conf: $module missing (make module${san:+ SANITIZE=1} builds it)" >&2; exit 1; }
nginx_env=()
if [[ -n $san ]]; then
    # the ASan-built module in Debian's nginx (as scripts/stack.sh does)
    nginx_env=(LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
               ASAN_OPTIONS=detect_leaks=0)
fi

[[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ]] ||
    { echo "conf: nchan missing (libnginx-mod-nchan: scripts/deps.sh installs it)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taskmgr-conf.XXXXXX")
chmod 755 "$tmp"
pid=
redis_pid=
cleanup() {
    [[ -z $pid ]] || kill -TERM "$pid" 2> /dev/null || true
    [[ -z $redis_pid ]] || kill -TERM "$redis_pid" 2> /dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

n=0
failed=0
check() {
    local name=$1
    shift
    n=$((n + 1))
    if "$@" > "$tmp/out" 2>&1; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        sed 's/^/#   /' "$tmp/out"
        failed=$((failed + 1))
    fi
}

web_root=$repo/web/out
[[ -f $web_root/index.html ]] || web_root=$repo/conf/web-placeholder

# what an ECS task gives the container (infra/lib/compute-stack.ts), with
# loopback endpoints: nginx resolves upstream names at `nginx -t`
base_env=(
    PATH="$PATH"
    TASKMGR_TEMPLATES="$repo/conf/ecs"
    TASKMGR_MODULE="$module"
    TASKMGR_REGION=us-east-1
    TASKMGR_TABLE=TaskManager
    TASKMGR_DYNAMODB_ENDPOINT=https://localhost:8443
    TASKMGR_COGNITO_ENDPOINT=https://localhost:9443
    TASKMGR_USER_POOL_ID=us-east-1_AbCdEf123
    TASKMGR_CLIENT_ID=4example0client0id00000000
    TASKMGR_CURSOR_KEY=Zx81k2Lq0pWm4nB7vC3xR9tY6uE5iO1a
    TASKMGR_REQUIRE_CONFIRMATION=on
    TASKMGR_WORKERS=2
    TASKMGR_AUTH_RATE=10r/s
    TASKMGR_AUTH_BURST=40
    TASKMGR_USER_RATE=20r/s
    TASKMGR_USER_BURST=100
    TASKMGR_REMINDER_SHARDS=8
    TASKMGR_NOTIFICATION_TTL=30d
    TASKMGR_TRUSTED_PROXIES=10.40.0.0/16
    TASKMGR_WEB_ROOT="$web_root"
)
# push on ECS: ElastiCache's endpoint (TLS), its AUTH token and the events
# key, as ECS secrets (infra/lib/compute-stack.ts)
events_key=Ev3ntsK3yForT3stsOnly0123456789abcdefABCDEF
redis_auth=R3disAuthT0kenForT3stsOnly0123456789abcdefABCDEFghijklmnopqrstuv
push_env=(TASKMGR_REDIS_ENDPOINT=rediss://master.taskmgr-redis.abc123.use1.cache.amazonaws.com:6380
          TASKMGR_REDIS_AUTH="$redis_auth" TASKMGR_EVENTS_KEY="$events_key")
creds_relative=(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/0a1b2c3d-task-role)
creds_full=(AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:1/v1/credentials
            AWS_CONTAINER_AUTHORIZATION_TOKEN=dG9rZW4tZm9yLXRlc3Rz)
creds_static=(AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
              AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
              AWS_SESSION_TOKEN=FwoGZXIvYXdzEXAMPLE=)

# render SERVICE DIR [VAR=value...]: the entrypoint's render mode, clean environment
render() {
    local svc=$1 dir=$2
    shift 2
    env -i "${base_env[@]}" TASKMGR_RUN="$dir" "$@" bash conf/ecs/entrypoint.sh render "$svc"
}

nginx_t() {
    env "${nginx_env[@]}" nginx -t -q -p "$1" -c "$1/nginx.conf" -e stderr
}

# render_and_test SERVICE DIR [VAR=value...]
render_and_test() {
    local svc=$1 dir=$2
    render "$@" > /dev/null && nginx_t "$dir"
}

# the directives of a rendered conf, includes followed (nginx -T)
dump() {
    env "${nginx_env[@]}" nginx -T -q -p "$1" -c "$1/nginx.conf" -e stderr 2> /dev/null
}

# services SERVICE DIR: exactly SERVICE's taskmgr_* service directive(s)
only_services() {
    local dir=$1
    shift
    local got want
    got=$(dump "$dir" | grep -oE '^\s*taskmgr_(users|tasks|notifications);' | tr -d ' ;' | sort -u | tr '\n' ' ')
    want=$(printf 'taskmgr_%s\n' "$@" | sort -u | tr '\n' ' ')
    [[ $got == "$want" ]] || { echo "service directives: got '$got', want '$want'"; return 1; }
}

for svc in users tasks notifications all-in-one; do
    check "$svc: renders for an ECS task (task role) and passes nginx -t" \
        render_and_test "$svc" "$tmp/$svc" "${creds_relative[@]}"
done
for svc in users tasks notifications all-in-one; do
    check "$svc: with push on ElastiCache (TLS, AUTH, events key) renders and passes nginx -t" \
        render_and_test "$svc" "$tmp/push-$svc" "${creds_relative[@]}" "${push_env[@]}"
done
check "users conf enables taskmgr_users only" only_services "$tmp/users" users
check "tasks conf enables taskmgr_tasks only" only_services "$tmp/tasks" tasks
check "notifications conf enables taskmgr_notifications only" only_services "$tmp/notifications" notifications
check "all-in-one conf enables the three services" only_services "$tmp/all-in-one" users tasks notifications
check "all-in-one serves the web app, the services do not" \
    bash -c "$(declare -f dump); nginx_env=(${nginx_env[*]@Q}); dump '$tmp/all-in-one' | grep -q 'root *$web_root;' && ! dump '$tmp/users' | grep -q 'root '"

check "the task role: credentials endpoint location proxies to ECS's address" \
    grep -q 'proxy_pass *http://169.254.170.2/v2/credentials/0a1b2c3d-task-role;' "$tmp/users/credentials-location.conf"
check "the task role: taskmgr_aws_credentials_endpoint at http level" \
    grep -q '^taskmgr_aws_credentials_endpoint  */_taskmgr/credentials;' "$tmp/users/credentials.conf"
check "full URI + authorization token renders and passes nginx -t" \
    render_and_test users "$tmp/full" "${creds_full[@]}"
check "the token reaches taskmgr_aws_credentials_token" \
    grep -q "^taskmgr_aws_credentials_token  *'dG9rZW4tZm9yLXRlc3Rz';" "$tmp/full/credentials.conf"
check "static credentials (AWS_ACCESS_KEY_ID...) render and pass nginx -t" \
    render_and_test tasks "$tmp/static" "${creds_static[@]}"
check "no credentials at all renders and passes nginx -t" \
    render_and_test notifications "$tmp/none"
check "plain http endpoints (a local stand-in) pass nginx -t" \
    render_and_test all-in-one "$tmp/http" TASKMGR_DYNAMODB_ENDPOINT=http://127.0.0.1:8000 \
        TASKMGR_COGNITO_ENDPOINT=http://127.0.0.1:9229
check "the rendered files are private (they hold the cursor key)" \
    bash -c "[[ \$(stat -c %a '$tmp/users/http.conf') == 600 ]]"

# the internal locations keep what the local stack's conf has there
# (conf/nginx.conf.in): same directives, same headers
block() {
    awk -v start="$2" 'index($0, start) { f = 1; next } f && /^[[:space:]]*}/ { exit } f' "$1" |
        sed 's/^[[:space:]]*//; s/[[:space:]]\+/ /g; s/;$//' | grep -v '^#' |
        awk '$1 == "proxy_set_header" { print $1 " " $2 " " $3; next } NF { print $1 }' | sort -u
}
parity() {
    local loc=$1 missing
    missing=$(comm -23 <(block conf/nginx.conf.in "$loc") <(block conf/ecs/server.conf.in "$loc"))
    [[ -z $missing ]] || { echo "conf/ecs/server.conf.in lacks, in $loc:"; echo "$missing"; return 1; }
}
check "internal DynamoDB location: everything conf/nginx.conf.in sets" parity 'location = /_taskmgr/dynamodb {'
check "internal Cognito location: everything conf/nginx.conf.in sets" parity 'location ^~ /_taskmgr/cognito/ {'

# push: what each conf holds (nginx -T: includes followed)
push_conf() {
    local d=$tmp/push-notifications conf
    conf=$(dump "$d") || return 1
    conf=$(sed 's/^[[:space:]]*//; s/[[:space:]]\+/ /g' <<< "$conf")
    local want
    for want in \
        'load_module /usr/lib/nginx/modules/ngx_nchan_module.so;' \
        'taskmgr_events_location /_taskmgr/events/;' \
        'nchan_redis_server rediss://master.taskmgr-redis.abc123.use1.cache.amazonaws.com:6380;' \
        'nchan_redis_ssl on;' \
        'nchan_redis_ssl_server_name master.taskmgr-redis.abc123.use1.cache.amazonaws.com;' \
        "nchan_redis_password '$redis_auth';" \
        "if (\$http_x_taskmgr_events_key != \"$events_key\") {" \
        "proxy_set_header X-Taskmgr-Events-Key \"$events_key\";" \
        'taskmgr_events;'; do
        grep -qxF -- "$want" <<< "$conf" ||
            { echo "missing: $want"; return 1; }
    done
    # the subscriber and the publisher on Redis, both
    # (nginx -T shows an included file once)
    if ! grep -qx 'nchan_redis_pass  *taskmgr_redis;' "$d/events-redis.conf" ||
        [[ $(grep -c "^ *include  *$d/events-redis.conf;" "$d/server.conf") != 2 ]]; then
        echo "nchan_redis_pass: not in both nchan locations"
        return 1
    fi
}
check "push: nchan, ElastiCache over TLS with AUTH, the publisher's key (notifications)" push_conf
events_route() {
    local svc
    local conf
    for svc in notifications all-in-one; do
        conf=$(dump "$tmp/push-$svc")
        grep -q 'location = /api/events' <<< "$conf" || { echo "$svc: no /api/events"; return 1; }
    done
    for svc in users tasks; do
        conf=$(dump "$tmp/push-$svc")
        ! grep -q 'location = /api/events' <<< "$conf" || { echo "$svc: /api/events"; return 1; }
        # but every service publishes its writes
        grep -q '^ *taskmgr_events_location' <<< "$conf" || { echo "$svc: does not publish"; return 1; }
    done
}
check "push: /api/events in notifications (and all-in-one) only, every service publishes" events_route
memory_store() {
    grep -q 'nchan_redis' "$tmp/users/events-store.conf" "$tmp/users/events-redis.conf" &&
        { echo "Redis without TASKMGR_REDIS_ENDPOINT"; return 1; }
    # a key of its own all the same: the publisher is never open
    # shellcheck disable=SC2016
    grep -qE 'if \(\$http_x_taskmgr_events_key != "[A-Za-z0-9]{48}"\)' "$tmp/users/server.conf"
}
check "push without TASKMGR_REDIS_ENDPOINT: nchan's memory store, a random events key" memory_store

refused() {
    ! render users "$tmp/refused" "$@" > /dev/null 2>&1
}
check "refused: a value that would inject nginx syntax" refused 'TASKMGR_TABLE=TaskManager; include /etc/passwd'
# shellcheck disable=SC2016
check "refused: a value with a variable" refused 'TASKMGR_USER_POOL_ID=$host'
check "refused: a short cursor key" refused TASKMGR_CURSOR_KEY=short
check "refused: a cursor key with punctuation" refused 'TASKMGR_CURSOR_KEY=abcdefghijklmnop;{}'
check "refused: an endpoint with a path" refused TASKMGR_DYNAMODB_ENDPOINT=https://localhost/x
check "refused: a missing user pool" refused TASKMGR_USER_POOL_ID=
check "refused: a credentials URI with quotes" refused "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1/x';"
check "refused: a Redis endpoint that is not redis[s]://host:port" refused TASKMGR_REDIS_ENDPOINT=rediss://host/0
check "refused: a Redis AUTH token with a quote" refused TASKMGR_REDIS_ENDPOINT=rediss://host:6380 \
    "TASKMGR_REDIS_AUTH=abcdefghijklmnop'q"
check "refused: a short events key" refused TASKMGR_EVENTS_KEY=short
check "refused: an events key with a quote" refused 'TASKMGR_EVENTS_KEY=abcdefghijklmnopqrstuvwxyz012345"x'

# the scheduler's conf: every key one the scheduler knows
sched_keys() {
    local conf
    conf=$(env -i "${base_env[@]}" TASKMGR_RUN="$tmp/sched" \
        TASKMGR_TOPIC_TASK_DUE_EMAIL=arn:aws:sns:us-east-1:111111111111:TaskDueNotificationsEmailTopic \
        TASKMGR_TOPIC_TASK_DUE_SMS=arn:aws:sns:us-east-1:111111111111:TaskDueNotificationsSMSTopic \
        TASKMGR_TOPIC_TASK_COMPLETED_EMAIL=arn:aws:sns:us-east-1:111111111111:TaskCompletedNotificationsEmailTopic \
        TASKMGR_TOPIC_TASK_COMPLETED_SMS=arn:aws:sns:us-east-1:111111111111:TaskCompletedNotificationsSMSTopic \
        bash conf/ecs/entrypoint.sh render scheduler) || return 1
    local known key bad=0
    known=$(grep -o 'SCHED_K("[a-z_]*"' scheduler/sched_conf.c | sed 's/SCHED_K("//; s/"//')
    [[ -n $known ]] || { echo "no keys found in scheduler/sched_conf.c"; return 1; }
    while read -r key; do
        grep -qx "$key" <<< "$known" || { echo "unknown scheduler key: $key"; bad=1; }
    done < <(grep -v '^\s*#' "$conf" | grep '=' | sed 's/ *=.*//')
    grep -q '^sms_channel *= sns$' "$conf" || { echo "sms_channel is not sns"; bad=1; }
    grep -q '^sns_topic_due_email *= arn:aws:sns:' "$conf" || { echo "topic ARN missing"; bad=1; }
    grep -q '^email_channel *= ses$' "$conf" || { echo "email_channel is not ses by default"; bad=1; }
    grep -q '^ses_endpoint *= https://email\.us-east-1\.amazonaws\.com$' "$conf" || { echo "no SES endpoint"; bad=1; }
    if grep -q '^smtp_' "$conf"; then echo "an SMTP key in the ECS conf"; bad=1; fi
    return $bad
}
check "scheduler conf: rendered, every key known to taskmgr-scheduler" sched_keys
sched_push() {
    local conf
    conf=$(env -i "${base_env[@]}" TASKMGR_RUN="$tmp/sched-push" \
        TASKMGR_TOPIC_TASK_DUE_EMAIL=arn:aws:sns:us-east-1:111111111111:a TASKMGR_TOPIC_TASK_DUE_SMS=arn:aws:sns:us-east-1:111111111111:b \
        TASKMGR_TOPIC_TASK_COMPLETED_EMAIL=arn:aws:sns:us-east-1:111111111111:c TASKMGR_TOPIC_TASK_COMPLETED_SMS=arn:aws:sns:us-east-1:111111111111:d \
        TASKMGR_EVENTS_URL=http://internal-taskmgr-internal-123.us-east-1.elb.amazonaws.com:80/_taskmgr/events/publish \
        TASKMGR_EVENTS_KEY="$events_key" bash conf/ecs/entrypoint.sh render scheduler) || return 1
    if ! grep -qx 'events_url *= http://internal-taskmgr-internal-123\.us-east-1\.elb\.amazonaws\.com:80/_taskmgr/events/publish' "$conf" ||
        ! grep -qx "events_key *= $events_key" "$conf"; then
        cat "$conf"
        return 1
    fi
    # without them: empty, no push (sched_keys above rendered that one)
    grep -qx 'events_url *= *' "$tmp/sched/scheduler.conf" || { echo "events_url not empty without TASKMGR_EVENTS_URL"; return 1; }
}
check "scheduler conf: events_url and events_key from the task (push), empty without" sched_push

# all-in-one, running: loopback only, backends down on purpose
port=$(perl -MIO::Socket::INET -e '
    my @s = map { IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 1, ReuseAddr => 1) or die } 1 .. 2;
    print join(" ", map { $_->sockport } @s), "\n";')
read -r port dead_port <<< "$port"
run=$tmp/run
env -i "${base_env[@]}" "${nginx_env[@]}" "${creds_static[@]}" TASKMGR_RUN="$run" TASKMGR_EVENTS_KEY="$events_key" \
    TASKMGR_LISTEN="127.0.0.1:$port" TASKMGR_PORT="$port" TASKMGR_RESOLVE_INTERVAL=1 TASKMGR_LOG_LEVEL=notice \
    TASKMGR_DYNAMODB_ENDPOINT="http://127.0.0.1:$dead_port" TASKMGR_COGNITO_ENDPOINT="http://127.0.0.1:$dead_port" \
    bash conf/ecs/entrypoint.sh all > "$tmp/stdout" 2> "$tmp/stderr" &
pid=$!
up() {
    local _
    for _ in $(seq 1 50); do
        curl -s -o /dev/null "http://127.0.0.1:$port/api/health" && return 0
        kill -0 "$pid" 2> /dev/null || { cat "$tmp/stderr"; return 1; }
        sleep 0.1
    done
    cat "$tmp/stderr"
    return 1
}
check "all-in-one starts (entrypoint all) on loopback" up

health() {
    local body code
    body=$(curl -s -w '\n%{http_code}' "http://127.0.0.1:$port/api/health")
    code=${body##*$'\n'}
    body=${body%$'\n'*}
    echo "$code $body"
    [[ $code == 503 ]] && [[ $body == *'"dynamodb":"unavailable"'* ]]
}
check "/api/health: 503, DynamoDB unavailable (nothing listens there)" health
# publish PORT KEY: the HTTP status of a POST to the nchan publisher
publish() {
    curl -s -o /dev/null -w '%{http_code}' -X POST -H 'X-EventSource-Event: task' \
        ${2:+-H "X-Taskmgr-Events-Key: $2"} --data '{"event":"task"}' \
        "http://127.0.0.1:$1/_taskmgr/events/publish/conf-test-user"
}
publisher_key() {
    local port=$1 code
    code=$(publish "$port") || true
    [[ $code == 403 ]] || { echo "no key: $code"; return 1; }
    code=$(publish "$port" "${events_key}x") || true
    [[ $code == 403 ]] || { echo "a wrong key: $code"; return 1; }
    code=$(publish "$port" "${events_key,,}") || true
    [[ $code == 403 ]] || { echo "the key in lower case: $code"; return 1; }
    # 202: accepted, nobody subscribed (201 with subscribers)
    code=$(publish "$port" "$events_key") || true
    [[ $code == 20[12] ]] || { echo "the key: $code"; return 1; }
    # even from "127.0.0.1" (X-Forwarded-For is the caller's to write)
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'X-Forwarded-For: 127.0.0.1' --data '{}' \
        "http://127.0.0.1:$port/_taskmgr/events/publish/conf-test-user") || true
    [[ $code == 403 ]] || { echo "X-Forwarded-For 127.0.0.1 without the key: $code"; return 1; }
}
check "the publisher: 403 without X-Taskmgr-Events-Key or with a wrong one, accepted with it" publisher_key "$port"
events_health() {
    # the module's own publish (health's probe) goes through the loopback
    # proxy with the key
    curl -s "http://127.0.0.1:$1/api/health" | grep -q '"events":"ok"'
}
check "/api/health: events ok (the module publishes through the loopback proxy)" events_health "$port"
json_404() {
    local out
    out=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$port/api/nowhere")
    echo "$out"
    [[ $out == *'"error"'* && $out == *' 404' ]]
}
check "unknown /api/ route: JSON 404" json_404
web() {
    curl -s -D "$tmp/headers" -o /dev/null "http://127.0.0.1:$port/" && cat "$tmp/headers" &&
        grep -qi '^HTTP/1.1 200' "$tmp/headers" && grep -qi '^Content-Security-Policy: default-src' "$tmp/headers"
}
check "/ serves the web app with its CSP" web
check "healthcheck: alive (503 from /api/health is the ALB's business)" \
    env -i PATH="$PATH" TASKMGR_RUN="$run" TASKMGR_PORT="$port" bash conf/ecs/entrypoint.sh healthcheck
not_reloaded() {
    # nchan 1.3.6 and reloads (README, Push): TASKMGR_RESOLVE_INTERVAL=1
    # once reloaded every second; now neither it nor a SIGHUP reloads
    kill -HUP "$pid"
    sleep 2.5
    if grep -q 'signal 1 (SIGHUP) received\|reconfiguring' "$tmp/stderr"; then cat "$tmp/stderr"; return 1; fi
    if ! grep -q 'TASKMGR_RESOLVE_INTERVAL ignored' "$tmp/stderr" || ! grep -q 'SIGHUP ignored' "$tmp/stderr"; then
        cat "$tmp/stderr"
        return 1
    fi
    curl -s -o /dev/null "http://127.0.0.1:$port/api/health"
}
check "nginx is never reloaded (neither TASKMGR_RESOLVE_INTERVAL nor SIGHUP) and keeps answering" not_reloaded
json_log() {
    [[ -s $tmp/stdout ]] || { echo "no access log on stdout"; return 1; }
    perl -MJSON::PP -ne 'my $j = decode_json($_); die "no status\n" unless $j->{status}; $n++;
        END { die "no lines\n" unless $n }' "$tmp/stdout"
}
check "access log: one JSON object per line on stdout" json_log
stops() {
    local _
    kill -TERM "$pid"
    for _ in $(seq 1 50); do
        if ! kill -0 "$pid" 2> /dev/null; then
            wait "$pid"
            pid=
            return 0
        fi
        sleep 0.1
    done
    echo "still running 5 s after SIGTERM"
    return 1
}
check "SIGTERM: nginx finishes and the container exits 0" stops
no_alerts() {
    ! grep -E '\[(alert|emerg)\]|exited on signal|runtime error:|AddressSanitizer|LeakSanitizer' "$tmp/stderr"
}
check "no alert or crash in nginx's error log" no_alerts

# all-in-one again, push on a Redis with AUTH (plain TCP here; ElastiCache
# adds TLS, checked by nginx -t above): the publisher's key, nchan
# reaching Redis with the token, and no reload (nchan 1.3.6)
if command -v redis-server > /dev/null; then
    read -r rport port2 <<< "$(perl -MIO::Socket::INET -e '
        my @s = map { IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 1, ReuseAddr => 1) or die } 1 .. 2;
        print join(" ", map { $_->sockport } @s), "\n";')"
    mkdir -p "$tmp/redis"
    redis-server --port "$rport" --bind 127.0.0.1 --dir "$tmp/redis" --save '' --appendonly no \
        --requirepass "$redis_auth" > "$tmp/redis.log" 2>&1 &
    redis_pid=$!
    run2=$tmp/run-redis
    env -i "${base_env[@]}" "${nginx_env[@]}" "${creds_static[@]}" TASKMGR_RUN="$run2" \
        TASKMGR_EVENTS_KEY="$events_key" TASKMGR_REDIS_ENDPOINT="redis://127.0.0.1:$rport" \
        TASKMGR_REDIS_AUTH="$redis_auth" \
        TASKMGR_LISTEN="127.0.0.1:$port2" TASKMGR_PORT="$port2" TASKMGR_RESOLVE_INTERVAL=1 TASKMGR_LOG_LEVEL=notice \
        TASKMGR_DYNAMODB_ENDPOINT="http://127.0.0.1:$dead_port" TASKMGR_COGNITO_ENDPOINT="http://127.0.0.1:$dead_port" \
        bash conf/ecs/entrypoint.sh all > "$tmp/stdout" 2> "$tmp/stderr" &
    pid=$!
    port=$port2
    check "all-in-one on Redis (AUTH) starts" up
    redis_events() {
        local _
        # nchan connects to Redis after the workers start
        for _ in $(seq 1 50); do
            curl -s "http://127.0.0.1:$port2/api/health" | grep -q '"events":"ok"' && break
            sleep 0.2
        done
        publisher_key "$port2" || return 1
        events_health "$port2"
    }
    check "on Redis with AUTH: the publisher takes the key, health's probe publishes" redis_events
    check "on Redis nginx is never reloaded (neither the interval nor SIGHUP)" not_reloaded
    check "SIGTERM: nginx on Redis finishes and the container exits 0" stops
    check "no alert or crash in nginx's error log (Redis)" no_alerts
else
    echo "# redis-server missing: the Redis run is skipped (scripts/deps.sh installs it)"
fi

echo "conf: $((n - failed)) passed, $failed failed"
((failed == 0))
