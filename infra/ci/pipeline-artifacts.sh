#!/usr/bin/env bash
# The files CodePipeline's deploy stage reads, into OUTDIR:
#   taskdef-<service>.json  per API service, image = <IMAGE1_NAME> (CodeDeploy fills it)
#   appspec.yaml            CodeDeploy ECS blue/green (<TASK_DEFINITION> filled by CodeDeploy)
#   imageDetail.json        the pushed image, for CodeDeploy's IMAGE1_NAME
#   imagedefinitions.json   the pushed image, for the scheduler's rolling ECS deploy
#
# usage: infra/ci/pipeline-artifacts.sh IMAGE_URI OUTDIR
#   env: TASKMGR_PREFIX, TASKMGR_SERVICES, TASKMGR_CONTAINER; AWS CLI credentials
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
need aws jq

image=${1:?usage: $0 IMAGE_URI OUTDIR}
out=${2:?usage: $0 IMAGE_URI OUTDIR}
mkdir -p "$out"

for svc in $TASKMGR_SERVICES; do
    taskdef_json "$TASKMGR_PREFIX-$svc" '<IMAGE1_NAME>' > "$out/taskdef-$svc.json"
done
cp "$repo/appspec.yaml" "$out/appspec.yaml"
jq -n --arg i "$image" '{ImageURI: $i}' > "$out/imageDetail.json"
jq -n --arg c "$TASKMGR_CONTAINER" --arg i "$image" '[{name: $c, imageUri: $i}]' > "$out/imagedefinitions.json"
echo "ci: deploy artifacts for $image in $out: $(cd "$out" && echo *)"
