#!/usr/bin/env bash
# Renders conf/nginx.conf.in to OUTPUT.  Only ${TASKMGR_*} variables are
# substituted, so nginx's own $variables survive.  Every TASKMGR_* variable
# the template uses must be set (defaults below); an unset one is an error
# rather than an empty string in the conf.
#
# usage: scripts/render-conf.sh OUTPUT   (env: TASKMGR_*, SANITIZE)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
template=${TASKMGR_TEMPLATE:-$repo/conf/nginx.conf.in}
out=${1:?usage: $0 OUTPUT}

san=; [[ ${SANITIZE:-} == 1 ]] && san=-san
export TASKMGR_MODULE=${TASKMGR_MODULE:-$repo/objs$san/ngx_taskmgr_module.so}
export TASKMGR_WORKERS=${TASKMGR_WORKERS:-2}
export TASKMGR_LOG_LEVEL=${TASKMGR_LOG_LEVEL:-notice}
export TASKMGR_AUTH_RATE=${TASKMGR_AUTH_RATE:-10r/s}
export TASKMGR_AUTH_BURST=${TASKMGR_AUTH_BURST:-40}
export TASKMGR_USER_RATE=${TASKMGR_USER_RATE:-20r/s}
export TASKMGR_USER_BURST=${TASKMGR_USER_BURST:-100}
export TASKMGR_TABLE=${TASKMGR_TABLE:-TaskManager}
export TASKMGR_DDB_PORT=${TASKMGR_DDB_PORT:-8000}
export TASKMGR_COGNITO_PORT=${TASKMGR_COGNITO_PORT:-9229}
export TASKMGR_PORT=${TASKMGR_PORT:-8080}
export TASKMGR_REDIS_PORT=${TASKMGR_REDIS_PORT:-6379}
# push's store: redis (several nodes share channels), memory (one node,
# nchan's own shared memory: the lines marked "# redis" are left out) or
# off (those and the "# events" line: nothing published, /api/events 503)
events_store=${TASKMGR_EVENTS_STORE:-redis}
[[ $events_store == redis || $events_store == memory || $events_store == off ]] \
    || { echo "render-conf: TASKMGR_EVENTS_STORE is redis, memory or off, not $events_store" >&2; exit 1; }
export TASKMGR_REQUIRE_CONFIRMATION=${TASKMGR_REQUIRE_CONFIRMATION:-off}
export TASKMGR_TEST_FAULTS=${TASKMGR_TEST_FAULTS:-off}
# the built web app if there is one, else a page saying it is not built
if [[ -z ${TASKMGR_WEB_ROOT:-} ]]; then
    if [[ -d $repo/web/out ]]; then
        TASKMGR_WEB_ROOT=$repo/web/out
    else
        TASKMGR_WEB_ROOT=$repo/conf/web-placeholder
    fi
fi
export TASKMGR_WEB_ROOT
# the CSP's script-src: the web build lists its inline scripts' hashes
if [[ -z ${TASKMGR_WEB_SCRIPT_SRC:-} ]]; then
    TASKMGR_WEB_SCRIPT_SRC="'self'"
    if [[ -f $TASKMGR_WEB_ROOT/csp-script-src.txt ]]; then
        TASKMGR_WEB_SCRIPT_SRC=$(< "$TASKMGR_WEB_ROOT/csp-script-src.txt")
    fi
fi
# sources and hashes only: nothing that could end the header or the directive
csp_re="^[A-Za-z0-9' +/=:.-]+\$"
if [[ ! $TASKMGR_WEB_SCRIPT_SRC =~ $csp_re ]]; then
    echo "render-conf: TASKMGR_WEB_SCRIPT_SRC has unexpected characters" >&2
    exit 1
fi
export TASKMGR_WEB_SCRIPT_SRC
: "${TASKMGR_RUN:?TASKMGR_RUN (runtime dir) must be set}"
# the key that signs page cursors: made once per runtime dir and kept, so
# cursors stay valid across restarts of the local stack
if [[ -z ${TASKMGR_CURSOR_KEY:-} ]]; then
    key_file=$TASKMGR_RUN/cursor-key
    if [[ ! -s $key_file ]]; then
        mkdir -p "$TASKMGR_RUN"
        (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$key_file")
    fi
    TASKMGR_CURSOR_KEY=$(< "$key_file")
fi
export TASKMGR_CURSOR_KEY
: "${TASKMGR_USER_POOL_ID:?TASKMGR_USER_POOL_ID must be set (scripts/bootstrap.mjs prints it)}"
: "${TASKMGR_CLIENT_ID:?TASKMGR_CLIENT_ID must be set (scripts/bootstrap.mjs prints it)}"

# nginx needs absolute paths here (-p would make relative ones its own)
for v in TASKMGR_MODULE TASKMGR_RUN TASKMGR_WEB_ROOT; do
    [[ ${!v} == /* ]] || { echo "render-conf: $v must be an absolute path: ${!v}" >&2; exit 1; }
done

# the variables the template actually uses, and only those
# shellcheck disable=SC2016
mapfile -t vars < <(grep -o '\${TASKMGR_[A-Z0-9_]*}' "$template" | sort -u)
missing=()
for v in "${vars[@]}"; do
    name=${v:2:-1}
    [[ -n ${!name:-} ]] || missing+=("$name")
done
if ((${#missing[@]})); then
    echo "render-conf: not set: ${missing[*]}" >&2
    exit 1
fi

# the temp paths the conf names must exist before nginx starts
mkdir -p "$TASKMGR_RUN"/tmp/{body,proxy,fastcgi,uwsgi,scgi}

mkdir -p "$(dirname "$out")"
envsubst "${vars[*]}" < "$template" > "$out.tmp"
if [[ $events_store != redis ]]; then
    sed -i '/# redis$/d' "$out.tmp"
fi
if [[ $events_store == off ]]; then
    sed -i '/# events$/d' "$out.tmp"
fi
mv "$out.tmp" "$out"
