#!/usr/bin/env bash
# End-to-end: the web app in Debian's Chromium (playwright-core, from
# web/node_modules) against a stack of its own on free loopback ports,
# through nginx.  Screenshots and failure logs in test-output/e2e/.
#
# usage: tests/e2e/run.sh            (scripts/test.sh runs it as suite e2e)
# env:   E2E_KEEP=1 keeps the stack's logs even when everything passed
#        E2E_ONLY=mobile|desktop runs one size
#        E2E_TESTS='tests/e2e/polish.test.mjs' runs those files only
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

say() { printf 'e2e: %s\n' "$*"; }
die() { printf 'e2e: %s\n' "$*" >&2; exit 1; }

# the browser: Debian's chromium (never a downloaded build)
if [[ ! -x /usr/bin/chromium ]]; then
    ((EUID == 0)) || die "/usr/bin/chromium missing: apt-get install chromium (as root)"
    say "installing chromium"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; } \
        || die "apt-get install chromium failed"
fi
# playwright-core and axe-core are pinned in web/package-lock.json
if [[ ! -f web/node_modules/playwright-core/package.json || ! -f web/node_modules/axe-core/axe.min.js \
      || web/package-lock.json -nt web/node_modules/.package-lock.json ]]; then
    (cd web && npm ci --no-audit --no-fund)
fi
[[ -f web/out/csp-script-src.txt ]] || die "web/out not built (run make)"

out=$repo/test-output/e2e
rm -rf "$out"
mkdir -p "$out"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taskmgr-e2e.XXXXXX")
# nginx workers run as nobody when started by root: let them in
chmod 755 "$tmp"
# registration asks for the emailed code here, so the confirmation step is
# tested too; the scheduler runs only when the test says (--once); every
# service on a free port (a `make run` stack may be up); test faults on, so
# that quickadd.test.mjs can pin the clock quick add reads dates against
# (X-Taskmgr-Now)
stack_env=(DATA_DIR="$tmp/data" STACK_FREE_PORTS=1 TASKMGR_TEST_FAULTS=on
           STACK_NO_SCHEDULER=1 TASKMGR_REQUIRE_CONFIRMATION=on)

# shellcheck disable=SC2064
trap "env ${stack_env[*]} '$repo/scripts/stack.sh' stop > /dev/null 2>&1 || true; rm -rf '$tmp'" EXIT

say "stack on free loopback ports ($tmp)"
rc=0
if env "${stack_env[@]}" scripts/stack.sh start > "$tmp/stack-start.log" 2>&1; then
    if ! (
        set -a
        # shellcheck disable=SC1091
        . "$tmp/data/run/stack.env"
        set +a
        E2E_OUT=$out E2E_TMP=$tmp TMPDIR=$tmp node --test --test-reporter=spec --test-concurrency=1 \
            ${E2E_TESTS:-tests/e2e/*.test.mjs}
    ); then
        rc=1
    fi
else
    cat "$tmp/stack-start.log" >&2
    say "the stack did not start" >&2
    rc=1
fi
env "${stack_env[@]}" scripts/stack.sh stop > /dev/null || rc=1

run=$tmp/data/run
scripts/stack-check.sh e2e "$run" || rc=1
if ((rc)) || [[ -n ${E2E_KEEP:-} ]]; then
    cp -r "$tmp/data/log" "$out/stack-log" 2> /dev/null || true
    mkdir -p "$out/run"
    cp "$run"/*.log "$run"/*.conf "$out/run/" 2> /dev/null || true
    say "logs of this run kept in $out/"
fi
say "screenshots in $out/"
exit $rc
