#!/usr/bin/env bash
# What CodePipeline's deploy stage does, for Jenkins: for each API service a
# new task definition revision with IMAGE and a CodeDeploy blue/green
# deployment (appspec.yaml), waited for; then the scheduler, rolling.
#
# usage: infra/ci/deploy.sh IMAGE_URI
#   env: TASKMGR_PREFIX (the CodeDeploy application, cluster and families'
#        prefix), TASKMGR_SERVICES, TASKMGR_CONTAINER; AWS CLI credentials
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
need aws jq

image=${1:?usage: $0 IMAGE_URI}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

register() {
    taskdef_json "$1" "$image" > "$tmp/$1.json"
    aws ecs register-task-definition --cli-input-json "file://$tmp/$1.json" \
        --query taskDefinition.taskDefinitionArn --output text
}

ids=()
for svc in $TASKMGR_SERVICES; do
    arn=$(register "$TASKMGR_PREFIX-$svc")
    appspec=$(sed "s|<TASK_DEFINITION>|$arn|" "$repo/appspec.yaml")
    revision=$(jq -n --arg c "$appspec" '{revisionType: "AppSpecContent", appSpecContent: {content: $c}}')
    id=$(aws deploy create-deployment --application-name "$TASKMGR_PREFIX" \
        --deployment-group-name "$TASKMGR_PREFIX-$svc" --revision "$revision" \
        --query deploymentId --output text)
    echo "ci: $svc: $arn, deployment $id"
    ids+=("$id")
done
for id in "${ids[@]}"; do
    aws deploy wait deployment-successful --deployment-id "$id"
done

arn=$(register "$TASKMGR_PREFIX-scheduler")
aws ecs update-service --cluster "$TASKMGR_CLUSTER" --service "$TASKMGR_PREFIX-scheduler" \
    --task-definition "$arn" --query service.serviceName --output text
aws ecs wait services-stable --cluster "$TASKMGR_CLUSTER" --services "$TASKMGR_PREFIX-scheduler"
echo "ci: deployed $image"
