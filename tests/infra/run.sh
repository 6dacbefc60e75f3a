#!/usr/bin/env bash
# The infra suite (scripts/test.sh runs it as tests/infra/run.sh):
#   cdk      infra/: npm ci when needed, the assertion tests (node --test),
#            then `cdk synth` of the whole app, offline
#   conf     conf/ecs/: every template rendered by the image's entrypoint
#            and checked by `nginx -t` with the module and nchan (push on
#            ElastiCache's settings too); all-in-one started on loopback
#            and asked a few questions, then on a Redis with AUTH
#            (tests/infra/conf.sh)
#   image    the Dockerfile's build steps are make targets that exist
# Exits non-zero if any part fails.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

# tools the checks use beyond scripts/deps.sh's list (curl: the image's
# healthcheck; jq: the CI scripts)
missing=()
for t in curl jq; do
    command -v "$t" > /dev/null || missing+=("$t")
done
if ((${#missing[@]})); then
    if ((EUID != 0)); then
        echo "infra: missing ${missing[*]}: apt-get install -y ${missing[*]} (as root)" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

passed=0
failed=0
result() {
    if (($2 == 0)); then
        passed=$((passed + 1))
        echo "infra: ok - $1"
    else
        failed=$((failed + 1))
        echo "infra: not ok - $1" >&2
    fi
}

# synth must not reach AWS: no credentials, no profiles, no instance
# metadata, no notices or telemetry (the CLI resolves a default account
# when it can; here it finds nothing to ask)
offline_env=(
    -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE
    -u AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -u AWS_CONTAINER_CREDENTIALS_FULL_URI
    -u AWS_WEB_IDENTITY_TOKEN_FILE
    AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
    AWS_REGION=us-east-1 CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=1
)

suite_cdk() {
    local rc=0 out
    (
        cd infra
        # npm ci wipes node_modules: only when the lock is newer than the last install
        if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
            echo "infra: npm ci (infra/)"
            npm ci --no-audit --no-fund
        fi
    ) || return 1

    echo "=== infra: CDK assertion tests"
    (cd infra && env "${offline_env[@]}" node --import tsx --test test/infra.test.ts) || rc=1
    result "CDK assertion tests (infra/test/)" $rc

    echo "=== infra: cdk synth (offline)"
    out=$(mktemp -d "${TMPDIR:-/tmp}/taskmgr-cdk.XXXXXX")
    rc=0
    # a fixed image tag: the Docker test stage has no git checkout to take HEAD's from
    (cd infra && env "${offline_env[@]}" npx --no-install cdk synth --quiet --no-notices --ci \
        -c imageTag=offline-synth --output "$out/cdk.out" > "$out/synth.log" 2>&1) || rc=1
    if ((rc == 0)); then
        # every stack in the assembly, and no lookup left to do
        local n
        n=$(find "$out/cdk.out" -maxdepth 1 -name '*.template.json' | wc -l)
        if ((n != 11)); then
            echo "infra: cdk synth wrote $n templates, not 11" >&2
            rc=1
        elif grep -q '"missing"' "$out/cdk.out/manifest.json"; then
            echo "infra: the cloud assembly asks for context lookups" >&2
            rc=1
        fi
    fi
    ((rc == 0)) || cat "$out/synth.log" >&2
    rm -rf "$out"
    result "cdk synth: 11 stacks, no lookups, no AWS account" $rc
    return 0
}

suite_conf() {
    local rc=0
    bash tests/infra/conf.sh || rc=1
    result "conf/ecs templates: rendered, nginx -t with the module and nchan, all-in-one answers (memory store, Redis)" $rc
}

# the Dockerfile builds only through make targets, and they exist
suite_image() {
    local rc=0 f
    local -a targets
    read -r -a targets <<< "$(sed -n 's/^RUN make \(.*\)$/\1/p' Dockerfile | tr '\n' ' ')"
    if ((${#targets[@]} == 0)); then
        echo "infra: the Dockerfile runs no make target" >&2
        rc=1
    elif ! make -n "${targets[@]}" > /dev/null; then
        echo "infra: make does not know every target the Dockerfile runs: ${targets[*]}" >&2
        rc=1
    fi
    # no compiler or bundler called around make
    if grep -E '^RUN .*\b(gcc|cc|npm run|npx|next build|configure)\b' Dockerfile >&2; then
        echo "infra: the Dockerfile builds outside make (above)" >&2
        rc=1
    fi
    # what the runtime stage copies is what those targets make (the normal build)
    if [[ ${SANITIZE:-} != 1 ]]; then
        while read -r f; do
            [[ -e $f ]] || { echo "infra: the Dockerfile copies $f, which make did not build" >&2; rc=1; }
        done < <(sed -n 's|^COPY --from=build /src/\([^ ]*\) .*|\1|p' Dockerfile)
    fi
    result "Dockerfile: make targets (${targets[*]})" $rc
}

suite_cdk
suite_conf
suite_image

echo "infra: $passed passed, $failed failed"
((failed == 0))
