#!/usr/bin/env bash
# The image's entrypoint (/usr/local/bin/taskmgr-entrypoint): renders the
# conf of one service from the environment and runs it.
#
# usage: taskmgr-entrypoint users|tasks|notifications|all   nginx with that conf
#        taskmgr-entrypoint scheduler                       taskmgr-scheduler
#        taskmgr-entrypoint render SERVICE                  render only, print the conf's path
#        taskmgr-entrypoint healthcheck                     for HEALTHCHECK / ECS
#
# Templates: $TASKMGR_TEMPLATES/*.conf.in (conf/ecs/ in the repository).
# Only the ${TASKMGR_*} variables a template uses are substituted (envsubst
# restricted to them, so nginx's $variables survive), and each value is
# checked against what that variable may hold first: the environment
# cannot inject nginx syntax.  Secrets (TASKMGR_CURSOR_KEY) arrive as
# ECS secrets; the rendered files are private.
#
# AWS credentials for SigV4, first match wins:
#   AWS_CONTAINER_CREDENTIALS_RELATIVE_URI   the task role (ECS), fetched and
#   AWS_CONTAINER_CREDENTIALS_FULL_URI       refreshed by the module through
#     (+ AWS_CONTAINER_AUTHORIZATION_TOKEN)  taskmgr_aws_credentials_endpoint
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN): static
#   none: the module signs with placeholder keys (local stand-ins only)
#
# Push (issue 14, README "Push"): every nginx service loads nchan and
# publishes its writes; the notifications service (and all-in-one) serves
# GET /api/events.  TASKMGR_REDIS_ENDPOINT (redis[s]://host:port, ECS:
# ElastiCache's primary endpoint) shares the channels between tasks,
# TASKMGR_REDIS_AUTH its AUTH token (an ECS secret); unset: nchan's memory
# store (one node).  TASKMGR_EVENTS_KEY (an ECS secret) is what the
# publisher location requires in X-Taskmgr-Events-Key: the scheduler's task
# sends it (scheduler.conf events_key); unset, a random one per start.
# nginx is never reloaded (SIGHUP is ignored, TASKMGR_RESOLVE_INTERVAL
# too): nchan 1.3.6 crashes workers forked by a reload when on Redis, and
# on its memory store a publish to an exiting worker's channel can hang
# (README, Push).  A change is a new task.
set -euo pipefail
umask 077

die() {
    echo "taskmgr-entrypoint: $*" >&2
    exit 1
}

templates=${TASKMGR_TEMPLATES:-/etc/taskmgr/templates}
export TASKMGR_RUN=${TASKMGR_RUN:-/run/taskmgr}

# defaults (the ECS task definitions set the account-specific ones)
: "${TASKMGR_REGION:=us-east-1}"
: "${TASKMGR_MODULE:=/usr/lib/nginx/modules/ngx_taskmgr_module.so}"
: "${TASKMGR_WORKERS:=auto}"
: "${TASKMGR_LOG_LEVEL:=warn}"
: "${TASKMGR_PORT:=8080}"
: "${TASKMGR_LISTEN:=$TASKMGR_PORT}"
: "${TASKMGR_TABLE:=TaskManager}"
: "${TASKMGR_DYNAMODB_ENDPOINT:=https://dynamodb.$TASKMGR_REGION.amazonaws.com}"
: "${TASKMGR_COGNITO_ENDPOINT:=https://cognito-idp.$TASKMGR_REGION.amazonaws.com}"
: "${TASKMGR_SNS_ENDPOINT:=https://sns.$TASKMGR_REGION.amazonaws.com}"
: "${TASKMGR_SES_ENDPOINT:=https://email.$TASKMGR_REGION.amazonaws.com}"
: "${TASKMGR_CA_FILE:=/etc/ssl/certs/ca-certificates.crt}"
: "${TASKMGR_COOKIE_SECURE:=on}"
: "${TASKMGR_REQUIRE_CONFIRMATION:=off}"
: "${TASKMGR_AUTH_RATE:=10r/s}"
: "${TASKMGR_AUTH_BURST:=40}"
: "${TASKMGR_USER_RATE:=20r/s}"
: "${TASKMGR_USER_BURST:=100}"
: "${TASKMGR_REMINDER_SHARDS:=8}"
: "${TASKMGR_NOTIFICATION_TTL:=30d}"
: "${TASKMGR_TRUSTED_PROXIES:=10.0.0.0/8}"
: "${TASKMGR_RESOLVE_INTERVAL:=0}"
: "${TASKMGR_WEB_ROOT:=/usr/share/taskmgr/web}"
: "${TASKMGR_SCAN_INTERVAL:=30s}"
: "${TASKMGR_WEB_URL:=http://localhost:$TASKMGR_PORT}"
: "${TASKMGR_EMAIL_CHANNEL:=ses}"
: "${TASKMGR_MAIL_FROM:=taskmgr@localhost}"
: "${TASKMGR_SCHEDULER_LOG_LEVEL:=info}"
# the scheduler's push (scheduler.conf events_url, events_key): empty, none
: "${TASKMGR_EVENTS_URL:=}"
if [[ -z ${TASKMGR_WEB_SCRIPT_SRC:-} ]]; then
    TASKMGR_WEB_SCRIPT_SRC="'self'"
    if [[ -f $TASKMGR_WEB_ROOT/csp-script-src.txt ]]; then
        TASKMGR_WEB_SCRIPT_SRC=$(< "$TASKMGR_WEB_ROOT/csp-script-src.txt")
    fi
fi

# scheme, host and host:port of an endpoint URL (the upstream and TLS name)
split_endpoint() {
    local var=$1 url=${!1} scheme rest host port
    [[ $url =~ ^(https?)://([A-Za-z0-9.-]+)(:([0-9]+))?/?$ ]] || die "$var: not an http(s)://host[:port] URL: $url"
    scheme=${BASH_REMATCH[1]}
    host=${BASH_REMATCH[2]}
    port=${BASH_REMATCH[4]}
    rest=${var%_ENDPOINT}
    [[ -n $port ]] || { [[ $scheme == https ]] && port=443 || port=80; }
    printf -v "${rest}_SCHEME" %s "$scheme"
    printf -v "${rest}_HOST" %s "$host"
    printf -v "${rest}_UPSTREAM" %s "$host:$port"
    export "${rest}_SCHEME" "${rest}_HOST" "${rest}_UPSTREAM"
}

# what each variable may hold: one nginx token, nothing that ends a
# directive, opens a block or starts a variable
check_value() {
    local name=$1 value=${!1-}
    local re='^[A-Za-z0-9._:/@%+=,~*-]+$'
    case $name in
        TASKMGR_WEB_SCRIPT_SRC) re="^[A-Za-z0-9' +/=:.-]+\$" ;;
        TASKMGR_CURSOR_KEY) re='^[A-Za-z0-9]{16,}$' ;;
        # compared by nginx as a string, sent by the scheduler as a header
        TASKMGR_EVENTS_KEY) re='^[A-Za-z0-9]{32,256}$' ;;
        TASKMGR_EVENTS_URL) re='^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$' ;;
        TASKMGR_PORT|TASKMGR_AUTH_BURST|TASKMGR_USER_BURST|TASKMGR_REMINDER_SHARDS|TASKMGR_RESOLVE_INTERVAL) re='^[0-9]+$' ;;
        TASKMGR_LISTEN) re='^([0-9.]+:|\[[0-9a-f:]+\]:)?[0-9]+$' ;;
        TASKMGR_COOKIE_SECURE|TASKMGR_REQUIRE_CONFIRMATION) re='^(on|off)$' ;;
    esac
    if [[ -z $value ]]; then
        # the scheduler without push
        [[ ${optional_empty:-} == *" $name "* ]] && return 0
        die "$name is not set"
    fi
    [[ $value =~ $re ]] || die "$name has characters it may not hold"
}

# render TEMPLATE OUTPUT: the template's own ${TASKMGR_*} only, each checked
render() {
    local template=$1 out=$2 v name
    local -a vars
    # shellcheck disable=SC2016
    mapfile -t vars < <(grep -o '\${TASKMGR_[A-Z0-9_]*}' "$template" | sort -u)
    for v in "${vars[@]}"; do
        name=${v:2:-1}
        check_value "$name"
        export "${name?}"
    done
    envsubst "${vars[*]}" < "$template" > "$out.tmp"
    mv "$out.tmp" "$out"
}

# the two credential includes of http.conf and server.conf
render_credentials() {
    local http=$TASKMGR_RUN/credentials.conf loc=$TASKMGR_RUN/credentials-location.conf url=
    if [[ -n ${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-} ]]; then
        url=http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
    elif [[ -n ${AWS_CONTAINER_CREDENTIALS_FULL_URI:-} ]]; then
        url=$AWS_CONTAINER_CREDENTIALS_FULL_URI
    fi
    if [[ -n $url ]]; then
        [[ $url =~ ^https?://[A-Za-z0-9.:-]+(/[A-Za-z0-9._~/?=\&%-]*)?$ ]] || die "container credentials URI: unexpected characters"
        {
            echo "# the task role: temporary credentials through the ECS endpoint"
            echo "taskmgr_aws_credentials_endpoint  /_taskmgr/credentials;"
            if [[ -n ${AWS_CONTAINER_AUTHORIZATION_TOKEN:-} ]]; then
                [[ $AWS_CONTAINER_AUTHORIZATION_TOKEN =~ ^[A-Za-z0-9+/=._-]+$ ]] || die "AWS_CONTAINER_AUTHORIZATION_TOKEN: unexpected characters"
                echo "taskmgr_aws_credentials_token     '$AWS_CONTAINER_AUTHORIZATION_TOKEN';"
            fi
        } > "$http"
        cat > "$loc" <<EOF
location = /_taskmgr/credentials {
    internal;
    proxy_pass             $url;
    proxy_connect_timeout  2s;
    proxy_send_timeout     5s;
    proxy_read_timeout     5s;
}
EOF
    elif [[ -n ${AWS_ACCESS_KEY_ID:-} && -n ${AWS_SECRET_ACCESS_KEY:-} ]]; then
        local re='^[A-Za-z0-9+/=]+$'
        [[ $AWS_ACCESS_KEY_ID =~ $re && $AWS_SECRET_ACCESS_KEY =~ $re && ${AWS_SESSION_TOKEN:-x} =~ $re ]] ||
            die "AWS_* credentials: unexpected characters"
        echo "taskmgr_aws_credentials  $AWS_ACCESS_KEY_ID $AWS_SECRET_ACCESS_KEY ${AWS_SESSION_TOKEN:-};" > "$http"
        echo "# static credentials: no endpoint location" > "$loc"
    else
        echo "# no AWS credentials in the environment" > "$http"
        echo "# no container credentials endpoint" > "$loc"
    fi
}

# push: the events key every publish must carry, and where nchan keeps
# the channels (events-store.conf at http level, events-redis.conf in the
# nchan locations): Redis when TASKMGR_REDIS_ENDPOINT is set, else memory
render_events() {
    local store=$TASKMGR_RUN/events-store.conf pass=$TASKMGR_RUN/events-redis.conf
    if [[ -z ${TASKMGR_EVENTS_KEY:-} ]]; then
        # nobody outside this container can publish (no scheduler events)
        TASKMGR_EVENTS_KEY=$(head -c 512 /dev/urandom | tr -dc 'A-Za-z0-9')
        TASKMGR_EVENTS_KEY=${TASKMGR_EVENTS_KEY:0:48}
    fi
    export TASKMGR_EVENTS_KEY
    check_value TASKMGR_EVENTS_KEY
    if [[ -z ${TASKMGR_REDIS_ENDPOINT:-} ]]; then
        echo "# no TASKMGR_REDIS_ENDPOINT: nchan's memory store (this node's subscribers only)" > "$store"
        echo "# nchan's memory store" > "$pass"
        return
    fi
    [[ $TASKMGR_REDIS_ENDPOINT =~ ^(rediss?)://([A-Za-z0-9.-]+):([0-9]+)$ ]] ||
        die "TASKMGR_REDIS_ENDPOINT: not a redis[s]://host:port URL: $TASKMGR_REDIS_ENDPOINT"
    local scheme=${BASH_REMATCH[1]} host=${BASH_REMATCH[2]} port=${BASH_REMATCH[3]}
    {
        echo "# push: nchan's channels in Redis, shared by every task"
        echo "upstream taskmgr_redis {"
        echo "    nchan_redis_server  $scheme://$host:$port;"
        if [[ $scheme == rediss ]]; then
            # ElastiCache's in-transit encryption: TLS, the certificate
            # verified against the CA file and the name (nchan's default:
            # nchan_redis_ssl_verify_certificate is broken in 1.3.6, it
            # sets the ciphers' field and "is duplicate" at nginx -t)
            echo "    nchan_redis_ssl                      on;"
            echo "    nchan_redis_ssl_server_name          $host;"
            check_value TASKMGR_CA_FILE
            echo "    nchan_redis_ssl_trusted_certificate  $TASKMGR_CA_FILE;"
        fi
        if [[ -n ${TASKMGR_REDIS_AUTH:-} ]]; then
            # ElastiCache AUTH: 16 to 128 characters (Secrets Manager: letters and digits)
            local re='^[A-Za-z0-9_.~+=-]{16,128}$'
            [[ $TASKMGR_REDIS_AUTH =~ $re ]] ||
                die "TASKMGR_REDIS_AUTH: not an AUTH token (16 to 128 letters, digits or _.~+=-)"
            echo "    nchan_redis_password  '$TASKMGR_REDIS_AUTH';"
        fi
        echo "}"
    } > "$store"
    echo "nchan_redis_pass  taskmgr_redis;" > "$pass"
}

# render_nginx SERVICE: every fragment and the service's conf into TASKMGR_RUN
render_nginx() {
    local svc=$1 f
    [[ -f $templates/$svc.conf.in ]] || die "no conf template for $svc in $templates"
    export TASKMGR_SERVICE=$svc
    split_endpoint TASKMGR_DYNAMODB_ENDPOINT
    split_endpoint TASKMGR_COGNITO_ENDPOINT
    mkdir -p "$TASKMGR_RUN"/tmp/{body,proxy,fastcgi,uwsgi,scgi}
    render_credentials
    render_events
    for f in http server users.locations tasks.locations notifications.locations; do
        render "$templates/$f.conf.in" "$TASKMGR_RUN/$f.conf"
    done
    if [[ $svc == all-in-one ]]; then
        render "$templates/web.locations.conf.in" "$TASKMGR_RUN/web.locations.conf"
    fi
    render "$templates/$svc.conf.in" "$TASKMGR_RUN/nginx.conf"
}

run_nginx() {
    local conf=$TASKMGR_RUN/nginx.conf pid
    render_nginx "$1"
    echo "$1" > "$TASKMGR_RUN/service"
    nginx -q -t -p "$TASKMGR_RUN" -c "$conf" -e stderr
    nginx -p "$TASKMGR_RUN" -c "$conf" -e stderr &
    pid=$!
    # ECS stops with SIGTERM: let nginx finish what it serves (QUIT)
    trap 'kill -QUIT "$pid" 2> /dev/null || true' TERM INT
    # never reloaded, push being on (nchan 1.3.6: README, Push); the
    # upstream names (DynamoDB, Cognito) keep the addresses they had at
    # start, every one of them (nginx tries the next on an error)
    trap 'echo "taskmgr-entrypoint: SIGHUP ignored: nginx with nchan is not reloaded (a change is a new task)" >&2' HUP
    check_value TASKMGR_RESOLVE_INTERVAL
    if ((TASKMGR_RESOLVE_INTERVAL > 0)); then
        echo "taskmgr-entrypoint: TASKMGR_RESOLVE_INTERVAL ignored: nginx with nchan is not reloaded" >&2
    fi
    local rc=0
    while kill -0 "$pid" 2> /dev/null; do
        wait "$pid" && rc=0 || rc=$?
    done
    exit "$rc"
}

run_scheduler() {
    mkdir -p "$TASKMGR_RUN"
    optional_empty=" TASKMGR_EVENTS_URL TASKMGR_EVENTS_KEY "
    echo scheduler > "$TASKMGR_RUN/service"
    render "$templates/scheduler.conf.in" "$TASKMGR_RUN/scheduler.conf"
    exec taskmgr-scheduler -c "$TASKMGR_RUN/scheduler.conf"
}

# alive means answering: /api/health says 503 when DynamoDB or Cognito is
# unreachable, which is the ALB's business (it routes around), not a
# reason to restart the container
healthcheck() {
    local svc code
    svc=$(cat "$TASKMGR_RUN/service" 2> /dev/null) || die "not started yet"
    if [[ $svc == scheduler ]]; then
        # comm holds the first 15 characters of the name
        grep -qsx 'taskmgr-schedul' /proc/[0-9]*/comm || die "taskmgr-scheduler is not running"
        return
    fi
    code=$(curl -s -o /dev/null -w '%{http_code}' -m 4 "http://127.0.0.1:$TASKMGR_PORT/api/health") || true
    [[ $code == 200 || $code == 503 ]] || die "/api/health answered ${code:-nothing}"
}

case ${1:-all} in
    users|tasks|notifications) run_nginx "$1" ;;
    all|all-in-one) run_nginx all-in-one ;;
    scheduler) run_scheduler ;;
    render)
        svc=${2:?usage: $0 render SERVICE}
        [[ $svc == all ]] && svc=all-in-one
        if [[ $svc == scheduler ]]; then
            mkdir -p "$TASKMGR_RUN"
            optional_empty=" TASKMGR_EVENTS_URL TASKMGR_EVENTS_KEY "
            render "$templates/scheduler.conf.in" "$TASKMGR_RUN/scheduler.conf"
            echo "$TASKMGR_RUN/scheduler.conf"
        else
            render_nginx "$svc"
            echo "$TASKMGR_RUN/nginx.conf"
        fi
        ;;
    healthcheck) healthcheck ;;
    *) die "usage: $0 users|tasks|notifications|all|scheduler|render SERVICE|healthcheck" ;;
esac
