/*
 * The pipeline's deploy action roles, written out statement by statement.
 * CDK's own action roles may pass any role to ECS (iam:PassRole on `*`)
 * and update any service; these pass only the task and execution roles of
 * the service they deploy and update only that service.  The actions get
 * them without policy updates, so CDK's wider defaults are never added.
 */

import { Stack } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { suppress } from './nag';

/** what the deploy action needs of one service */
export interface DeployTarget {
  readonly service: ecs.IBaseService;
  /** the task definition the service runs: its task and execution roles are the ones passed */
  readonly taskDefinition: ecs.ITaskDefinition;
}

/** iam:PassRole of exactly the roles the task definition names, to ECS tasks only */
export function passRoles(td: ecs.ITaskDefinition): iam.PolicyStatement {
  const roles = [td.taskRole, td.executionRole].filter((r): r is iam.IRole => r !== undefined);
  return new iam.PolicyStatement({
    sid: 'PassTaskRoles',
    actions: ['iam:PassRole'],
    resources: roles.map((r) => r.roleArn),
    conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
  });
}

function artifactRead(bucket: s3.IBucket): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ReadArtifacts',
    actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetBucketLocation', 's3:GetBucketVersioning', 's3:ListBucket'],
    resources: [bucket.bucketArn, bucket.arnForObjects('*')],
  });
}

const ARTIFACTS_REASON = 'Objects of the pipeline\'s own artifact bucket only (read-only): their keys are generated '
  + 'per execution by CodePipeline, so no narrower ARN exists.';
/** cdk-nag's name for `<artifact bucket ARN>/*` */
const ARTIFACT_OBJECTS = [{ regex: '/^Resource::<PipelineArtifactsBucket[0-9A-F]{8}\\.Arn>\\/\\*$/' }];
const REGISTER_REASON = 'ecs:RegisterTaskDefinition (and DescribeTaskDefinition) take no resource ARN: IAM allows '
  + 'only "*". What a registered task definition may use is limited by iam:PassRole, which names the service\'s own '
  + 'two roles.';

function deployRole(scope: Construct, id: string, assumedBy: iam.IRole, description: string,
  statements: iam.PolicyStatement[]): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ArnPrincipal(assumedBy.roleArn), description });
  for (const st of statements) role.addToPolicy(st);
  return role;
}

/** CodeDeploy blue/green of one API service */
export function blueGreenDeployRole(scope: Construct, id: string, p: {
  pipelineRole: iam.IRole; artifacts: s3.IBucket; group: codedeploy.IEcsDeploymentGroup;
  config: codedeploy.IEcsDeploymentConfig; target: DeployTarget;
}): iam.Role {
  const role = deployRole(scope, id, p.pipelineRole, `taskmgr pipeline: blue/green deploy of ${p.target.service.serviceName}`, [
    new iam.PolicyStatement({
      sid: 'Application',
      actions: ['codedeploy:GetApplication', 'codedeploy:GetApplicationRevision', 'codedeploy:RegisterApplicationRevision'],
      resources: [p.group.application.applicationArn],
    }),
    new iam.PolicyStatement({
      sid: 'Deployment',
      actions: ['codedeploy:CreateDeployment', 'codedeploy:GetDeployment'],
      resources: [p.group.deploymentGroupArn],
    }),
    new iam.PolicyStatement({
      sid: 'DeploymentConfig',
      actions: ['codedeploy:GetDeploymentConfig'],
      resources: [p.config.deploymentConfigArn],
    }),
    new iam.PolicyStatement({ sid: 'RegisterTaskDefinition', actions: ['ecs:RegisterTaskDefinition'], resources: ['*'] }),
    passRoles(p.target.taskDefinition),
    artifactRead(p.artifacts),
  ]);
  suppress(role,
    ['AwsSolutions-IAM5', REGISTER_REASON, ['Resource::*']],
    ['AwsSolutions-IAM5', ARTIFACTS_REASON, ARTIFACT_OBJECTS]);
  return role;
}

/** the rolling ECS deploy of the scheduler */
export function rollingDeployRole(scope: Construct, id: string, p: {
  pipelineRole: iam.IRole; artifacts: s3.IBucket; cluster: ecs.ICluster; target: DeployTarget; family: string;
}): iam.Role {
  const stack = Stack.of(scope);
  const family = stack.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${p.family}:*` });
  const role = deployRole(scope, id, p.pipelineRole, `taskmgr pipeline: rolling deploy of ${p.target.service.serviceName}`, [
    new iam.PolicyStatement({
      sid: 'Service',
      actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
      resources: [p.target.service.serviceArn],
    }),
    new iam.PolicyStatement({
      sid: 'TaskDefinitions',
      actions: ['ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition'],
      resources: ['*'],
    }),
    // the tags the action puts on the task definition it registers
    new iam.PolicyStatement({
      sid: 'TagTaskDefinition',
      actions: ['ecs:TagResource'],
      resources: [family],
      conditions: { StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } },
    }),
    // watching the new tasks come up, in this cluster only
    new iam.PolicyStatement({
      sid: 'Tasks',
      actions: ['ecs:DescribeTasks', 'ecs:ListTasks'],
      resources: ['*'],
      conditions: { ArnEquals: { 'ecs:cluster': p.cluster.clusterArn } },
    }),
    passRoles(p.target.taskDefinition),
    artifactRead(p.artifacts),
  ]);
  suppress(role,
    ['AwsSolutions-IAM5', `${REGISTER_REASON} DescribeTasks and ListTasks are "*" with the ecs:cluster condition: `
      + 'the task ids are not known before the deployment starts them.', ['Resource::*']],
    ['AwsSolutions-IAM5', 'TagResource on the revisions of this one task definition family, only while registering '
      + 'it (ecs:CreateAction): the revision number is new each deployment.',
    [`Resource::${family}`]],
    ['AwsSolutions-IAM5', ARTIFACTS_REASON, ARTIFACT_OBJECTS]);
  return role;
}
