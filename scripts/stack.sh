#!/usr/bin/env bash
# The local stack: dynalite (DynamoDB), cognito-local (Cognito), maildev
# (SMTP + web UI for the mail sent), redis-server (nchan's store for push),
# nginx with our module and nchan, and taskmgr-scheduler, all on 127.0.0.1.
#
# usage: scripts/stack.sh start|stop|run|status
#   start   start everything in the background, bootstrap the table and
#           user pool, write $DATA_DIR/run/{pids,stack.env}
#   stop    stop exactly the processes start recorded
#   run     start, print where things are, wait; Ctrl-C stops it all
#   status  show what is recorded and whether it still runs
#
# env: DATA_DIR (<repo>/.data; kept across restarts), DDB_PORT (8000),
#      COGNITO_PORT (9229), PORT (8080), LOG_DIR ($DATA_DIR/log),
#      SANITIZE=1 (module from objs-san/, nginx under ASan/UBSan),
#      STACK_NO_NGINX=1 (only the stand-ins), STACK_WAIT_S (30),
#      MAIL_SMTP_PORT (1025), MAIL_WEB_PORT (1080), REDIS_PORT (6380: not
#      6379, where a distribution's Redis may already listen),
#      STACK_FREE_PORTS=1 (start: every one of those ports is a free
#      loopback port instead, whatever is set (make exports PORT): the
#      tests' stacks, which must run next to a `make run` stack;
#      stack.env says which were taken),
#      STACK_NO_SCHEDULER=1 (no scheduler daemon: its conf is still
#      rendered, for tests that run it with --once),
#      TASKMGR_SCAN_INTERVAL (the scheduler's scan_interval, 30s),
#      TASKMGR_* (passed to scripts/render-conf.sh)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)

DATA_DIR=${DATA_DIR:-$repo/.data}
mkdir -p "$DATA_DIR"
DATA_DIR=$(cd "$DATA_DIR" && pwd)

# n distinct free loopback ports: bind them all at once, then let them go
free_ports() {
    perl -MIO::Socket::INET -e '
        my @s = map { IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0,
                                             Listen => 1, ReuseAddr => 1) or die "bind: $!\n" } 1 .. $ARGV[0];
        print join(" ", map { $_->sockport } @s), "\n";' "$1"
}

# every service's port here, in one place: a service added to the stack
# gets its free port with the others
if [[ -n ${STACK_FREE_PORTS:-} && ( ${1:-} == start || ${1:-} == run ) ]]; then
    read -r DDB_PORT COGNITO_PORT PORT MAIL_SMTP_PORT MAIL_WEB_PORT REDIS_PORT \
        <<< "$(free_ports 6)"
fi
DDB_PORT=${DDB_PORT:-8000}
COGNITO_PORT=${COGNITO_PORT:-9229}
PORT=${PORT:-8080}
MAIL_SMTP_PORT=${MAIL_SMTP_PORT:-1025}
MAIL_WEB_PORT=${MAIL_WEB_PORT:-1080}
REDIS_PORT=${REDIS_PORT:-6380}
LOG_DIR=${LOG_DIR:-$DATA_DIR/log}
STACK_WAIT_S=${STACK_WAIT_S:-30}
RUN=$DATA_DIR/run
PIDS=$RUN/pids
ENV_FILE=$RUN/stack.env
SAN_DIR=$RUN/sanitizer

san=; [[ ${SANITIZE:-} == 1 ]] && san=-san
MODULE=${TASKMGR_MODULE:-$repo/objs$san/ngx_taskmgr_module.so}
SCHEDULER=${TASKMGR_SCHEDULER_BIN:-$repo/build$san/taskmgr-scheduler}

say() { printf 'stack: %s\n' "$*"; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }

# a process's start time (clock ticks since boot): with the pid it names
# one process, so stop never signals a recycled pid
starttime() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }                       # fields after "(comm) "
    awk '{ print $20 }' <<< "$stat"         # field 22 of the whole line
}

# "name pid starttime" per line, one line per process we started
record() {
    local t
    t=$(starttime "$2") || die "$1 (pid $2) died right after starting; see $3"
    echo "$1 $2 $t" >> "$PIDS"
}

alive() {   # pid starttime
    local t
    t=$(starttime "$1") || return 1
    [[ $t == "$2" ]]
}

port_taken() {
    (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null
}

# wait until something accepts on the port, while the process lives
wait_port() {   # name port pid log
    local i
    for ((i = 0; i < STACK_WAIT_S * 10; i++)); do
        port_taken "$2" && return 0
        kill -0 "$3" 2> /dev/null || { tail -n 20 "$4" >&2 || true; die "$1 exited while starting; log: $4"; }
        sleep 0.1
    done
    die "$1 does not answer on 127.0.0.1:$2 after ${STACK_WAIT_S}s; log: $4"
}

running_pids() {
    [[ -f $PIDS ]] || return 0
    local name pid t
    while read -r name pid t; do
        alive "$pid" "$t" && echo "$name $pid"
    done < "$PIDS"
}

start() {
    [[ -z $(running_pids) ]] || die "already running (see: $0 status; stop it with: $0 stop)"
    rm -f "$PIDS" "$ENV_FILE"

    local taken=() p ports=("$DDB_PORT" "$COGNITO_PORT" "$MAIL_SMTP_PORT" "$MAIL_WEB_PORT" "$REDIS_PORT")
    [[ -n ${STACK_NO_NGINX:-} ]] || ports+=("$PORT")
    for p in "${ports[@]}"; do
        port_taken "$p" && taken+=("$p")
    done
    ((${#taken[@]} == 0)) || die "port(s) ${taken[*]} on 127.0.0.1 already in use; stop what uses them or set DDB_PORT/COGNITO_PORT/PORT/MAIL_SMTP_PORT/MAIL_WEB_PORT/REDIS_PORT"
    command -v redis-server > /dev/null || die "redis-server missing: run scripts/deps.sh (or make deps)"
    [[ -f $repo/node_modules/dynalite/cli.js && -f $repo/node_modules/cognito-local/lib/bin/start.js \
       && -f $repo/node_modules/maildev/dist/bin/maildev.js ]] \
        || die "node_modules missing: run scripts/deps.sh (or make deps)"
    if [[ -z ${STACK_NO_NGINX:-} && ! -f $MODULE ]]; then
        die "module not built: $MODULE (run make${san:+ SANITIZE=1})"
    fi
    if [[ -z ${STACK_NO_SCHEDULER:-} && ! -x $SCHEDULER ]]; then
        die "scheduler not built: $SCHEDULER (run make${san:+ SANITIZE=1})"
    fi

    mkdir -p "$DATA_DIR/dynamodb" "$DATA_DIR/cognito" "$DATA_DIR/mail" "$DATA_DIR/redis" \
        "$RUN" "$LOG_DIR"
    # a failed or interrupted start leaves nothing running
    trap 'stop > /dev/null 2>&1 || true' EXIT
    trap 'exit 130' INT TERM

    local ddb_log=$LOG_DIR/dynalite.log cog_log=$LOG_DIR/cognito-local.log
    node "$repo/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$DDB_PORT" \
        --path "$DATA_DIR/dynamodb" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 \
        < /dev/null >> "$ddb_log" 2>&1 &
    local ddb_pid=$!
    record dynalite $ddb_pid "$ddb_log"

    # cognito-local keeps ./.cognito/db in its cwd; confirmation codes are
    # only printed to its stdout, hence the log (tests read it)
    (cd "$DATA_DIR/cognito" && HOST=127.0.0.1 PORT=$COGNITO_PORT \
        AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE=1 \
        exec node "$repo/node_modules/cognito-local/lib/bin/start.js") \
        < /dev/null >> "$cog_log" 2>&1 &
    local cog_pid=$!
    record cognito-local $cog_pid "$cog_log"

    # maildev keeps the mail in memory; it reads config files from its
    # cwd and the parents: its own dir, not the repo's
    local mail_log=$LOG_DIR/maildev.log
    (cd "$DATA_DIR/mail" && exec node "$repo/node_modules/maildev/dist/bin/maildev.js" \
        --smtp "$MAIL_SMTP_PORT" --ip 127.0.0.1 \
        --web "$MAIL_WEB_PORT" --web-ip 127.0.0.1) \
        < /dev/null >> "$mail_log" 2>&1 &
    local mail_pid=$!
    record maildev $mail_pid "$mail_log"

    # Redis: nchan's channels and their last messages (Last-Event-ID
    # replay); in the foreground as our child like the others, nothing
    # saved (events are worth minutes), its own dir for anything it writes
    local redis_log=$LOG_DIR/redis.log
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DATA_DIR/redis" \
        --save '' --appendonly no --daemonize no --logfile "$redis_log" \
        < /dev/null >> "$redis_log" 2>&1 &
    local redis_pid=$!
    record redis $redis_pid "$redis_log"

    wait_port dynalite "$DDB_PORT" $ddb_pid "$ddb_log"
    wait_port redis "$REDIS_PORT" $redis_pid "$redis_log"
    wait_port cognito-local "$COGNITO_PORT" $cog_pid "$cog_log"
    wait_port maildev "$MAIL_SMTP_PORT" $mail_pid "$mail_log"
    wait_port maildev "$MAIL_WEB_PORT" $mail_pid "$mail_log"

    local ids pool client
    ids=$(DDB_PORT=$DDB_PORT COGNITO_PORT=$COGNITO_PORT DATA_DIR=$DATA_DIR \
        BOOTSTRAP_WAIT_S=$STACK_WAIT_S node "$repo/scripts/bootstrap.mjs")
    [[ $ids =~ TASKMGR_USER_POOL_ID=([^ ]+)\ TASKMGR_CLIENT_ID=([^ ]+) ]] \
        || die "bootstrap printed no ids: $ids"
    pool=${BASH_REMATCH[1]} client=${BASH_REMATCH[2]}

    local conf=$RUN/nginx.conf err_log=$RUN/error.log
    if [[ -z ${STACK_NO_NGINX:-} ]]; then
        TASKMGR_MODULE=$MODULE TASKMGR_RUN=$RUN TASKMGR_PORT=$PORT \
            TASKMGR_DDB_PORT=$DDB_PORT TASKMGR_COGNITO_PORT=$COGNITO_PORT \
            TASKMGR_REDIS_PORT=$REDIS_PORT TASKMGR_USER_POOL_ID=$pool TASKMGR_CLIENT_ID=$client \
            "$repo/scripts/render-conf.sh" "$conf"

        local -a env=()
        if [[ -n $san ]]; then
            # nginx itself is not instrumented: the runtimes must come first.
            # Workers run as nobody when the master is root, so the report
            # directory must be writable by them.
            mkdir -p "$SAN_DIR"
            chmod 1777 "$SAN_DIR"
            rm -f "$SAN_DIR"/*san*          # reports of an earlier run
            env=(LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
                 ASAN_OPTIONS="detect_leaks=0:log_path=$SAN_DIR/asan:abort_on_error=0"
                 UBSAN_OPTIONS="print_stacktrace=1:log_path=$SAN_DIR/ubsan")
        fi
        env "${env[@]}" nginx -t -q -p "$RUN" -c "$conf" -e "$err_log" \
            || die "nginx -t failed for $conf"
        env "${env[@]}" nginx -p "$RUN" -c "$conf" -e "$err_log" \
            < /dev/null >> "$RUN/nginx.stdout" 2>&1 &
        local nginx_pid=$!
        record nginx $nginx_pid "$err_log"
        wait_port nginx "$PORT" $nginx_pid "$err_log"
    fi

    # the scheduler: its conf always (tests run it with --once), the
    # daemon unless STACK_NO_SCHEDULER
    local sched_conf=$RUN/scheduler.conf sched_log=$LOG_DIR/scheduler.log
    TASKMGR_TABLE=${TASKMGR_TABLE:-TaskManager} TASKMGR_DDB_PORT=$DDB_PORT \
        TASKMGR_PORT=$PORT TASKMGR_MAIL_SMTP_PORT=$MAIL_SMTP_PORT TASKMGR_RUN=$RUN \
        TASKMGR_SCAN_INTERVAL=${TASKMGR_SCAN_INTERVAL:-30s} \
        TASKMGR_COGNITO_PORT=$COGNITO_PORT TASKMGR_USER_POOL_ID=$pool \
        envsubst '${TASKMGR_TABLE} ${TASKMGR_DDB_PORT} ${TASKMGR_PORT} ${TASKMGR_MAIL_SMTP_PORT} ${TASKMGR_RUN} ${TASKMGR_SCAN_INTERVAL} ${TASKMGR_COGNITO_PORT} ${TASKMGR_USER_POOL_ID}' \
        < "$repo/conf/scheduler.conf.in" > "$sched_conf"
    if [[ -z ${STACK_NO_SCHEDULER:-} ]]; then
        local -a senv=()
        if [[ -n $san ]]; then
            mkdir -p "$SAN_DIR"
            senv=(ASAN_OPTIONS="log_path=$SAN_DIR/scheduler-asan"
                  UBSAN_OPTIONS="print_stacktrace=1:log_path=$SAN_DIR/scheduler-ubsan")
        fi
        env "${senv[@]}" "$SCHEDULER" -c "$sched_conf" < /dev/null >> "$sched_log" 2>&1 &
        local sched_pid=$!
        sleep 0.2
        record scheduler $sched_pid "$sched_log"
    fi

    {
        printf 'export %s=%q\n' \
            TASKMGR_URL "http://127.0.0.1:$PORT" \
            TASKMGR_PORT "$PORT" \
            TASKMGR_DDB_PORT "$DDB_PORT" \
            TASKMGR_DDB_URL "http://127.0.0.1:$DDB_PORT" \
            TASKMGR_COGNITO_PORT "$COGNITO_PORT" \
            TASKMGR_COGNITO_URL "http://127.0.0.1:$COGNITO_PORT" \
            TASKMGR_ISSUER "http://127.0.0.1:$COGNITO_PORT/$pool" \
            TASKMGR_TABLE "${TASKMGR_TABLE:-TaskManager}" \
            TASKMGR_USER_POOL_ID "$pool" \
            TASKMGR_CLIENT_ID "$client" \
            TASKMGR_COGNITO_LOG "$cog_log" \
            TASKMGR_DYNALITE_LOG "$ddb_log" \
            TASKMGR_DATA_DIR "$DATA_DIR" \
            TASKMGR_RUN_DIR "$RUN" \
            TASKMGR_NGINX_ERROR_LOG "$err_log" \
            TASKMGR_SANITIZER_DIR "$SAN_DIR" \
            TASKMGR_NGINX "$([[ -z ${STACK_NO_NGINX:-} ]] && echo 1 || echo 0)" \
            TASKMGR_MAIL_URL "http://127.0.0.1:$MAIL_WEB_PORT" \
            TASKMGR_MAIL_SMTP_PORT "$MAIL_SMTP_PORT" \
            TASKMGR_MAIL_WEB_PORT "$MAIL_WEB_PORT" \
            TASKMGR_MAIL_LOG "$mail_log" \
            TASKMGR_REDIS_PORT "$REDIS_PORT" \
            TASKMGR_REDIS_LOG "$redis_log" \
            TASKMGR_SCHEDULER_BIN "$SCHEDULER" \
            TASKMGR_SCHEDULER_CONF "$sched_conf" \
            TASKMGR_SCHEDULER_LOG "$sched_log" \
            TASKMGR_SMS_OUTBOX "$RUN/sms-outbox.jsonl" \
            TASKMGR_SCHEDULER "$([[ -z ${STACK_NO_SCHEDULER:-} ]] && echo 1 || echo 0)"
    } > "$ENV_FILE"
    trap - EXIT INT TERM
}

stop() {
    [[ -f $PIDS ]] || { say "nothing recorded in $PIDS"; return 0; }
    local name pid t i n left
    local -a names=() pids=() times=()
    while read -r name pid t; do
        names+=("$name") pids+=("$pid") times+=("$t")
    done < "$PIDS"
    # nginx first: it is the one talking to the others
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        if alive "${pids[i]}" "${times[i]}"; then
            kill -TERM "${pids[i]}" 2> /dev/null || true
        fi
    done
    for ((n = 0; n < 100; n++)); do
        left=0
        for i in "${!pids[@]}"; do
            alive "${pids[i]}" "${times[i]}" && left=1
        done
        ((left)) || break
        sleep 0.1
    done
    for i in "${!pids[@]}"; do
        if alive "${pids[i]}" "${times[i]}"; then
            say "${names[i]} (pid ${pids[i]}) ignored TERM for 10s: KILL"
            kill -KILL "${pids[i]}" 2> /dev/null || true
        fi
    done
    rm -f "$PIDS"
    say "stopped ${names[*]}"
}

status() {
    [[ -f $PIDS ]] || { say "not running (no $PIDS)"; return 1; }
    local name pid t rc=0
    while read -r name pid t; do
        if alive "$pid" "$t"; then
            say "$name: running (pid $pid)"
        else
            say "$name: NOT running (pid $pid recorded)"
            rc=1
        fi
    done < "$PIDS"
    [[ -f $ENV_FILE ]] && sed 's/^export /  /' "$ENV_FILE"
    return $rc
}

run() {
    start
    # shellcheck disable=SC1090
    . "$ENV_FILE"
    trap 'echo; stop; exit 0' INT TERM
    cat <<EOF

taskmgr stack is running${STACK_NO_NGINX:+ (without nginx)}
  dynalite       127.0.0.1:$DDB_PORT  data $DATA_DIR/dynamodb  log $TASKMGR_DYNALITE_LOG
  cognito-local  127.0.0.1:$COGNITO_PORT  data $DATA_DIR/cognito/.cognito  log $TASKMGR_COGNITO_LOG
                 user pool $TASKMGR_USER_POOL_ID, app client $TASKMGR_CLIENT_ID
                 (confirmation codes are printed in its log)
EOF
    if [[ $TASKMGR_NGINX == 1 ]]; then
        echo "  nginx          $TASKMGR_URL  logs $RUN/error.log, $RUN/access.log"
    else
        echo "  nginx          not started (STACK_NO_NGINX)"
    fi
    echo "  redis          127.0.0.1:$TASKMGR_REDIS_PORT (nchan's store for /api/events)  log $TASKMGR_REDIS_LOG"
    echo "  maildev        SMTP 127.0.0.1:$TASKMGR_MAIL_SMTP_PORT; read the mail at $TASKMGR_MAIL_URL (REST: $TASKMGR_MAIL_URL/api/email)"
    if [[ $TASKMGR_SCHEDULER == 1 ]]; then
        echo "  scheduler      conf $TASKMGR_SCHEDULER_CONF  log $TASKMGR_SCHEDULER_LOG  SMS in $TASKMGR_SMS_OUTBOX"
    else
        echo "  scheduler      not started (STACK_NO_SCHEDULER)"
    fi
    echo "Ctrl-C stops it all; data stays in $DATA_DIR"
    # the services are this shell's children: return when one of them ends
    local -a pids
    mapfile -t pids < <(awk '{ print $2 }' "$PIDS")
    set +e
    wait -n "${pids[@]}"
    set -e
    echo "stack: a service exited on its own; stopping the rest" >&2
    stop
    exit 1
}

case ${1:-} in
    start)  start; say "started; env in $ENV_FILE" ;;
    stop)   stop ;;
    run)    run ;;
    status) status ;;
    *)      echo "usage: $0 start|stop|run|status" >&2; exit 2 ;;
esac
