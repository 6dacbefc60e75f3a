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
: "${TASKMGR_RESOLVE_INTERVAL:=300}"
: "${TASKMGR_WEB_ROOT:=/usr/share/taskmgr/web}"
: "${TASKMGR_SCAN_INTERVAL:=30s}"
: "${TASKMGR_WEB_URL:=http://localhost:$TASKMGR_PORT}"
: "${TASKMGR_EMAIL_CHANNEL:=ses}"
: "${TASKMGR_MAIL_FROM:=taskmgr@localhost}"
: "${TASKMGR_SCHEDULER_LOG_LEVEL:=info}"
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
        TASKMGR_PORT|TASKMGR_AUTH_BURST|TASKMGR_USER_BURST|TASKMGR_REMINDER_SHARDS|TASKMGR_RESOLVE_INTERVAL) re='^[0-9]+$' ;;
        TASKMGR_LISTEN) re='^([0-9.]+:|\[[0-9a-f:]+\]:)?[0-9]+$' ;;
        TASKMGR_COOKIE_SECURE|TASKMGR_REQUIRE_CONFIRMATION) re='^(on|off)$' ;;
    esac
    [[ -n $value ]] || die "$name is not set"
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

# render_nginx SERVICE: every fragment and the service's conf into TASKMGR_RUN
render_nginx() {
    local svc=$1 f
    [[ -f $templates/$svc.conf.in ]] || die "no conf template for $svc in $templates"
    export TASKMGR_SERVICE=$svc
    split_endpoint TASKMGR_DYNAMODB_ENDPOINT
    split_endpoint TASKMGR_COGNITO_ENDPOINT
    mkdir -p "$TASKMGR_RUN"/tmp/{body,proxy,fastcgi,uwsgi,scgi}
    render_credentials
    for f in http server users.locations tasks.locations notifications.locations; do
        render "$templates/$f.conf.in" "$TASKMGR_RUN/$f.conf"
    done
    if [[ $svc == all-in-one ]]; then
        render "$templates/web.locations.conf.in" "$TASKMGR_RUN/web.locations.conf"
    fi
    render "$templates/$svc.conf.in" "$TASKMGR_RUN/nginx.conf"
}

run_nginx() {
    local conf=$TASKMGR_RUN/nginx.conf pid reloader=
    render_nginx "$1"
    echo "$1" > "$TASKMGR_RUN/service"
    nginx -q -t -p "$TASKMGR_RUN" -c "$conf" -e stderr
    nginx -p "$TASKMGR_RUN" -c "$conf" -e stderr &
    pid=$!
    # ECS stops with SIGTERM: let nginx finish what it serves (QUIT)
    trap 'kill -QUIT "$pid" 2> /dev/null || true' TERM INT
    trap 'kill -HUP "$pid" 2> /dev/null || true' HUP
    check_value TASKMGR_RESOLVE_INTERVAL
    # nginx 1.22 resolves upstream names when it loads its conf: reload
    # now and then so that AWS endpoint address changes are seen
    if ((TASKMGR_RESOLVE_INTERVAL > 0)); then
        (
            trap - TERM INT HUP
            while sleep "$TASKMGR_RESOLVE_INTERVAL"; do
                kill -HUP "$pid" 2> /dev/null || exit 0
            done
        ) &
        reloader=$!
    fi
    local rc=0
    while kill -0 "$pid" 2> /dev/null; do
        wait "$pid" && rc=0 || rc=$?
    done
    [[ -z $reloader ]] || kill "$reloader" 2> /dev/null || true
    exit "$rc"
}

run_scheduler() {
    mkdir -p "$TASKMGR_RUN"
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
