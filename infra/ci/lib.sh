# Shared by the CI scripts (CodeBuild's buildspec.yml and the Jenkinsfile).
# shellcheck shell=bash

TASKMGR_PREFIX=${TASKMGR_PREFIX:-taskmgr}
TASKMGR_SERVICES=${TASKMGR_SERVICES:-users tasks notifications}
TASKMGR_CONTAINER=${TASKMGR_CONTAINER:-taskmgr}
TASKMGR_CLUSTER=${TASKMGR_CLUSTER:-$TASKMGR_PREFIX}

need() {
    local t
    for t in "$@"; do
        command -v "$t" > /dev/null || { echo "ci: $t is needed and not found" >&2; exit 1; }
    done
}

# The deployed task definition of a family, made registrable again, with
# the app container's image replaced by $2 (CodeDeploy's <IMAGE1_NAME>
# placeholder, or a real image URI).
taskdef_json() {
    local family=$1 image=$2
    aws ecs describe-task-definition --task-definition "$family" \
        --query taskDefinition --output json |
    jq --arg c "$TASKMGR_CONTAINER" --arg image "$image" '
        del(.taskDefinitionArn, .revision, .status, .requiresAttributes,
            .compatibilities, .registeredAt, .registeredBy, .deregisteredAt)
        | if any(.containerDefinitions[]; .name == $c) then . else
            error("no container named \($c)") end
        | .containerDefinitions |= map(if .name == $c then .image = $image else . end)'
}
