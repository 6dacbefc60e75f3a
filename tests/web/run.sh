#!/usr/bin/env bash
# The web app's own checks (scripts/test.sh runs it as suite web), no
# stack and no build needed:
#   lint   ESLint (web/eslint.config.mjs: Next's rules, React hooks rules
#          as errors), no warning allowed
#   types  tsc over the app and its unit tests
#   unit   node --test on web/test/*.test.ts (TypeScript through tsx), in
#          two time zones, one of them with summer time
#   own JS each page's first-load JS beyond an empty page of the same
#          Next.js, at most 25 kB gzip (scripts/own-js.mjs; needs the
#          build, web/out: skipped with a note when it is not there)
# Exits non-zero if any part fails.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo/web"

# npm ci wipes node_modules: only when the lock is newer than the last
# install (flock: not while make builds the web in this tree)
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    echo "web: npm ci (web/)"
    flock .build-lock npm ci --no-audit --no-fund
fi

passed=0
failed=0
check() {
    local name=$1
    shift
    echo "=== web: $name"
    if "$@"; then
        passed=$((passed + 1))
        echo "web: ok - $name"
    else
        failed=$((failed + 1))
        echo "web: not ok - $name" >&2
    fi
}

check "ESLint" npx --no-install eslint --max-warnings 0 .
check "tsc (app and unit tests)" npx --no-install tsc --noEmit -p test
for tz in America/Los_Angeles Asia/Kolkata; do
    check "unit tests (TZ=$tz)" env TZ=$tz node --import tsx --test --test-reporter=dot test/*.test.ts
done

if [[ -f out/csp-script-src.txt ]]; then
    check "own JS at most 25 kB gzip a page" node scripts/own-js.mjs --check
else
    echo "web: own JS not measured: web/out is not built (make)"
fi

echo "web: $passed passed, $failed failed"
((failed == 0))
