#!/usr/bin/env bash
# Test, build and push the image; leave the web app in web-out/.
#   1. docker build --target test: `make test` in the Dockerfile's Debian 12
#      build stage (the same make targets as everywhere else)
#   2. docker build: the runtime image, tagged IMAGE_TAG, pushed to ECR
#   3. web-out/: the image's web/out, for the web stage
#
# usage: infra/ci/build-image.sh
#   env: REPOSITORY_URI (required), IMAGE_TAG (default: git HEAD, 12 chars),
#        REGISTRY (base images' registry prefix, e.g. public.ecr.aws/docker/library/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
need aws docker

: "${REPOSITORY_URI:?REPOSITORY_URI (the ECR repository URI) must be set}"
tag=${IMAGE_TAG:-$(git -C "$repo" rev-parse --short=12 HEAD)}
image=$REPOSITORY_URI:$tag
registry_args=()
[[ -z ${REGISTRY:-} ]] || registry_args=(--build-arg "REGISTRY=$REGISTRY")

cd "$repo"
docker build "${registry_args[@]}" --target test -t "$TASKMGR_PREFIX-test:$tag" .
docker build "${registry_args[@]}" -t "$image" .

aws ecr get-login-password | docker login --username AWS --password-stdin "${REPOSITORY_URI%%/*}"
docker push "$image"
# only the commit tag: the CDK task definitions name it too (bin/taskmgr.ts:
# -c imageTag, IMAGE_TAG or git HEAD, 12 characters), never a moving tag

rm -rf web-out
cid=$(docker create "$image")
docker cp "$cid:/usr/share/taskmgr/web" web-out
docker rm "$cid" > /dev/null
echo "ci: pushed $image; web app in web-out/"
