#!/usr/bin/env bash
# The static web app (web/out) to the web bucket, then a CloudFront
# invalidation.  Next.js's hashed assets (_next/static) are cached for a
# year, everything else revalidates.
#
# The Content-Security-Policy's script-src (the build's inline-script
# hashes, DIR/csp-script-src.txt) goes to the CloudFront KeyValueStore the
# web stack's viewer-response function reads: script-src.count and
# script-src.0..n-1, at most 1000 bytes each (a value's limit is 1 KB).
#
# usage: infra/ci/publish-web.sh DIR
#   env: WEB_BUCKET, WEB_DISTRIBUTION_ID, WEB_KVS_ARN; AWS CLI credentials
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
need aws jq

dir=${1:?usage: $0 DIR}
: "${WEB_BUCKET:?WEB_BUCKET must be set}"
: "${WEB_DISTRIBUTION_ID:?WEB_DISTRIBUTION_ID must be set}"
: "${WEB_KVS_ARN:?WEB_KVS_ARN must be set}"
[[ -f $dir/index.html ]] || { echo "ci: $dir/index.html missing: not a web build" >&2; exit 1; }

if [[ -d $dir/_next/static ]]; then
    aws s3 sync "$dir/_next/static" "s3://$WEB_BUCKET/_next/static" \
        --cache-control 'public, max-age=31536000, immutable'
fi
aws s3 sync "$dir" "s3://$WEB_BUCKET" --delete --exclude '_next/static/*' \
    --cache-control 'public, max-age=0, must-revalidate'
src="'self'"
[[ ! -f $dir/csp-script-src.txt ]] || src=$(< "$dir/csp-script-src.txt")
csp_re="^[A-Za-z0-9' +/=:.-]+\$"
[[ $src =~ $csp_re ]] || { echo "ci: csp-script-src.txt has unexpected characters" >&2; exit 1; }
parts=()
cur=
set -f
for source in $src; do
    if [[ -n $cur ]] && ((${#cur} + 1 + ${#source} > 1000)); then
        parts+=("$cur")
        cur=$source
    else
        cur=${cur:+$cur }$source
    fi
done
set +f
[[ -z $cur ]] || parts+=("$cur")
puts=$(jq -cn --arg n "${#parts[@]}" '$ARGS.positional | to_entries
    | map({Key: ("script-src." + (.key | tostring)), Value: .value})
    + [{Key: "script-src.count", Value: $n}]' --args "${parts[@]}")
etag=$(aws cloudfront-keyvaluestore describe-key-value-store --kvs-arn "$WEB_KVS_ARN" \
    --query ETag --output text)
aws cloudfront-keyvaluestore update-keys --kvs-arn "$WEB_KVS_ARN" --if-match "$etag" \
    --puts "$puts" --query ETag --output text

aws cloudfront create-invalidation --distribution-id "$WEB_DISTRIBUTION_ID" --paths '/*' \
    --query Invalidation.Id --output text
