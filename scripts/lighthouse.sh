#!/usr/bin/env bash
# make lighthouse: Lighthouse 12 (mobile) on /login and /tasks, 3 runs
# each, medians printed (scripts/lighthouse/measure.mjs), against a stack
# of its own on free loopback ports serving the built web app (make all
# first).  Figures, not pass/fail: exits non-zero only if it could not
# measure.
#
# env: RUNS (3), CHROME_PATH (/usr/bin/chromium), LIGHTHOUSE_JSON (a file
#      for the full figures)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

[[ -f web/out/csp-script-src.txt ]] || { echo "lighthouse: web/out not built (run make)" >&2; exit 1; }
# lighthouse 12.2.3, pinned in scripts/lighthouse/package-lock.json (newer
# versions refuse Node 20); installed here only, not with the app
lh=scripts/lighthouse
if [[ ! -f $lh/node_modules/.package-lock.json || $lh/package-lock.json -nt $lh/node_modules/.package-lock.json ]]; then
    (cd "$lh" && npm ci --no-audit --no-fund)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taskmgr-lighthouse.XXXXXX")
chmod 755 "$tmp"
stack_env=(DATA_DIR="$tmp/data" STACK_FREE_PORTS=1 STACK_NO_SCHEDULER=1)
# shellcheck disable=SC2064
trap "env ${stack_env[*]} '$repo/scripts/stack.sh' stop > /dev/null 2>&1 || true; rm -rf '$tmp'" EXIT

env "${stack_env[@]}" scripts/stack.sh start > "$tmp/stack-start.log" 2>&1 \
    || { cat "$tmp/stack-start.log" >&2; echo "lighthouse: the stack did not start" >&2; exit 1; }
(
    set -a
    # shellcheck disable=SC1091
    . "$tmp/data/run/stack.env"
    set +a
    CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} TMPDIR=$tmp \
        node "$lh/measure.mjs" ${LIGHTHOUSE_JSON:+--json "$LIGHTHOUSE_JSON"}
)
