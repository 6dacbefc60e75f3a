#!/usr/bin/env bash
# Installs what building and testing need, and nothing when it is all there
# (make run / make test call it every time, so the no-op path must be fast).
#   Debian packages: apt-get, only the missing ones (update only then too)
#   npm packages:    npm ci, when node_modules is missing or older than the lock
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

# build: nginx + headers for the module, the C libraries (libunistring:
# case folding of labels and search words; libical and tzdata: the users'
# time zones), cmocka; clang for the libFuzzer targets (make fuzz)
# tests: prove's JSON::Validator (OpenAPI checks) + YAML::XS, wrk for bench
# stack: envsubst (gettext-base) renders the nginx conf
# scheduler tests: valgrind (a --once pass under it), jq (its benchmark)
# e2e: Debian's Chromium, driven by playwright-core (web/package.json)
# web: nginx serves the build's .br files (brotli_static)
# push: nchan (Debian's build for its nginx 1.22) and Redis, its store
packages=(
    nginx nginx-dev gcc make libnginx-mod-http-brotli-static
    libnginx-mod-nchan redis-server
    libjansson-dev libcurl4-openssl-dev libssl-dev libpcre2-dev zlib1g-dev
    libunistring-dev libical-dev tzdata
    libcmocka-dev clang
    perl libjson-validator-perl libyaml-libyaml-perl
    wrk gettext-base
    valgrind jq
    chromium
)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [[ $status == installed ]] || missing+=("$p")
done

if ((${#missing[@]})); then
    if ((EUID != 0)); then
        echo "deps: missing Debian packages: ${missing[*]}" >&2
        echo "deps: install them as root: apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "deps: installing ${missing[*]}"
    # installing nginx must not start the distribution's nginx on :80;
    # Docker-style images already deny service starts, else do it for now
    made_policy=
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        made_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}"
    [[ -z $made_policy ]] || rm -f /usr/sbin/policy-rc.d
fi

# Node.js comes with the machine (Debian's own is too old for cognito-local)
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
    echo "deps: node and npm (Node.js >= 20) are needed and not found" >&2
    exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
    echo "deps: Node.js >= 20 needed, found $(node --version)" >&2
    exit 1
fi

# npm ci wipes and reinstalls node_modules: only when the lock is newer
# than the last install (npm writes node_modules/.package-lock.json)
stamp=node_modules/.package-lock.json
if [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
    echo "deps: npm ci"
    npm ci --no-audit --no-fund
fi
