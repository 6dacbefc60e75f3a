/*
 * CI/CD: CodePipeline
 *
 *   Source (CodeConnections: the git host)
 *   Build  (CodeBuild, buildspec.yml: `make test` inside the Dockerfile's
 *           Debian 12 test stage, then the image, pushed to ECR; emits the
 *           task definitions, appspec.yaml and web/out)
 *   Deploy (CodeDeploy ECS blue/green for users, tasks, notifications;
 *           a rolling ECS deploy for the scheduler)
 *   Web    (web/out to the bucket, CloudFront invalidation)
 *
 * The Jenkinsfile at the repository root runs the same stages with the
 * same scripts (infra/ci/) for teams on Jenkins.
 */

import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ServiceName, TaskmgrConfig } from '../config';
import { CONTAINER_NAME, SERVICE_NAMES } from './compute-stack';
import { blueGreenDeployRole, DeployTarget, rollingDeployRole } from './deploy-roles';
import { capitalize } from './names';
import { suppress, Suppression, suppressPath } from './nag';

/** what a blue/green deployment group needs of one API service */
export interface BlueGreenService extends DeployTarget {
  readonly blue: elbv2.IApplicationTargetGroup;
  readonly green: elbv2.IApplicationTargetGroup;
}

export interface CicdStackProps extends StackProps {
  readonly config: TaskmgrConfig;
  readonly repository: ecr.IRepository;
  readonly cluster: ecs.ICluster;
  readonly services: Record<ServiceName, BlueGreenService>;
  /** production and CodeDeploy's test listener */
  readonly listener: elbv2.IApplicationListener;
  readonly testListener: elbv2.IApplicationListener;
  /** deployed rolling */
  readonly scheduler: DeployTarget;
  /** the scheduler's task definition family */
  readonly schedulerFamily: string;
  readonly webBucket: s3.IBucket;
  readonly distribution: cloudfront.IDistribution;
  /** the CSP's script-src (infra/ci/publish-web.sh) */
  readonly headersStore: cloudfront.IKeyValueStore;
  /** a deployment in alarm rolls back */
  readonly rollbackAlarms: cloudwatch.IAlarm[];
}

export class CicdStack extends Stack {
  readonly pipeline: codepipeline.Pipeline;
  readonly deploymentGroups: codedeploy.EcsDeploymentGroup[] = [];

  constructor(scope: Construct, id: string, props: CicdStackProps) {
    super(scope, id, props);
    const c = props.config;

    const application = new codedeploy.EcsApplication(this, 'Application', { applicationName: c.prefix });
    const deploymentConfig = {
      AllAtOnce: codedeploy.EcsDeploymentConfig.ALL_AT_ONCE,
      Linear10PercentEvery1Minutes: codedeploy.EcsDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTES,
      Canary10Percent5Minutes: codedeploy.EcsDeploymentConfig.CANARY_10PERCENT_5MINUTES,
    }[c.cicd.codeDeployConfig];

    const groups: Record<string, codedeploy.EcsDeploymentGroup> = {};
    for (const name of SERVICE_NAMES) {
      const s = props.services[name];
      const group = new codedeploy.EcsDeploymentGroup(this, `${capitalize(name)}DeploymentGroup`, {
        application,
        deploymentGroupName: `${c.prefix}-${name}`,
        service: s.service,
        deploymentConfig,
        blueGreenDeploymentConfig: {
          blueTargetGroup: s.blue,
          greenTargetGroup: s.green,
          listener: props.listener,
          testListener: props.testListener,
          terminationWaitTime: Duration.minutes(c.cicd.terminationWaitMinutes),
        },
        alarms: props.rollbackAlarms,
        autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
      });
      groups[name] = group;
      this.deploymentGroups.push(group);
    }

    const buildLogs = new logs.LogGroup(this, 'BuildLogs', {
      logGroupName: `/${c.prefix}/codebuild`,
      retention: c.observability.logRetentionDays,
    });

    const build = new codebuild.PipelineProject(this, 'Build', {
      projectName: `${c.prefix}-build`,
      description: 'make test (Debian 12 test stage), build and push the image, emit deploy artifacts',
      buildSpec: codebuild.BuildSpec.fromSourceFilename('buildspec.yml'),
      environment: {
        buildImage: codebuild.LinuxBuildImage.STANDARD_7_0,
        computeType: codebuild.ComputeType.LARGE,
        // docker build needs the Docker daemon
        privileged: true,
      },
      environmentVariables: {
        REPOSITORY_URI: { value: props.repository.repositoryUri },
        TASKMGR_PREFIX: { value: c.prefix },
        TASKMGR_SERVICES: { value: SERVICE_NAMES.join(' ') },
        TASKMGR_CLUSTER: { value: props.cluster.clusterName },
        TASKMGR_CONTAINER: { value: CONTAINER_NAME },
      },
      timeout: Duration.minutes(120),
      logging: { cloudWatch: { logGroup: buildLogs } },
    });
    props.repository.grantPullPush(build);
    // the pipeline's task definitions start from the deployed ones
    build.addToRolePolicy(new iam.PolicyStatement({
      sid: 'DescribeTaskDefinitions',
      actions: ['ecs:DescribeTaskDefinition'],
      // DescribeTaskDefinition has no resource-level permissions
      resources: ['*'],
    }));

    const publish = new codebuild.PipelineProject(this, 'PublishWeb', {
      projectName: `${c.prefix}-publish-web`,
      description: 'web/out to the web bucket, then a CloudFront invalidation',
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        phases: { build: { commands: ['bash "$CODEBUILD_SRC_DIR_Source/infra/ci/publish-web.sh" .'] } },
      }),
      environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.SMALL },
      environmentVariables: {
        WEB_BUCKET: { value: props.webBucket.bucketName },
        WEB_DISTRIBUTION_ID: { value: props.distribution.distributionId },
        WEB_KVS_ARN: { value: props.headersStore.keyValueStoreArn },
      },
      timeout: Duration.minutes(20),
      logging: { cloudWatch: { logGroup: buildLogs } },
    });
    props.webBucket.grantReadWrite(publish);
    props.distribution.grantCreateInvalidation(publish);
    publish.addToRolePolicy(new iam.PolicyStatement({
      sid: 'CspStore',
      actions: ['cloudfront-keyvaluestore:DescribeKeyValueStore', 'cloudfront-keyvaluestore:UpdateKeys'],
      resources: [props.headersStore.keyValueStoreArn],
    }));

    const source = new codepipeline.Artifact('Source');
    const deployArtifacts = new codepipeline.Artifact('Build');
    const webArtifacts = new codepipeline.Artifact('Web');

    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: c.cicd.pipelineName,
      pipelineType: codepipeline.PipelineType.V2,
      crossAccountKeys: false,
      restartExecutionOnUpdate: false,
    });
    this.pipeline.addStage({
      stageName: 'Source',
      actions: [new actions.CodeStarConnectionsSourceAction({
        actionName: 'Source',
        connectionArn: c.cicd.connectionArn,
        owner: c.cicd.repositoryOwner,
        repo: c.cicd.repositoryName,
        branch: c.cicd.branch,
        output: source,
        triggerOnPush: true,
      })],
    });
    this.pipeline.addStage({
      stageName: 'Build',
      actions: [new actions.CodeBuildAction({
        actionName: 'TestAndImage',
        project: build,
        input: source,
        outputs: [deployArtifacts, webArtifacts],
      })],
    });
    // deploy roles that pass only the service's own roles (lib/deploy-roles.ts)
    const artifacts = this.pipeline.artifactBucket;
    const pipelineRole = this.pipeline.role;
    this.pipeline.addStage({
      stageName: 'Deploy',
      actions: [
        ...SERVICE_NAMES.map((name) => new actions.CodeDeployEcsDeployAction({
          actionName: `BlueGreen-${name}`,
          role: blueGreenDeployRole(this, `${capitalize(name)}DeployRole`, {
            pipelineRole, artifacts, group: groups[name], config: deploymentConfig, target: props.services[name],
          }).withoutPolicyUpdates(),
          deploymentGroup: groups[name],
          taskDefinitionTemplateFile: deployArtifacts.atPath(`taskdef-${name}.json`),
          appSpecTemplateFile: deployArtifacts.atPath('appspec.yaml'),
          containerImageInputs: [{ input: deployArtifacts, taskDefinitionPlaceholder: 'IMAGE1_NAME' }],
        })),
        new actions.EcsDeployAction({
          actionName: 'Rolling-scheduler',
          role: rollingDeployRole(this, 'SchedulerDeployRole', {
            pipelineRole, artifacts, cluster: props.cluster, target: props.scheduler, family: props.schedulerFamily,
          }).withoutPolicyUpdates(),
          service: props.scheduler.service,
          imageFile: deployArtifacts.atPath('imagedefinitions.json'),
          deploymentTimeout: Duration.minutes(30),
        }),
      ],
    });
    this.pipeline.addStage({
      stageName: 'Web',
      actions: [new actions.CodeBuildAction({
        actionName: 'Publish',
        project: publish,
        input: webArtifacts,
        extraInputs: [source],
      })],
    });

    this.suppressCdkGrants(groups, build, publish);
  }

  /**
   * What cdk-nag finds in the grants CDK writes for CodeBuild and
   * CodePipeline, each accepted on its own role with the reason.
   */
  private suppressCdkGrants(groups: Record<string, codedeploy.EcsDeploymentGroup>,
    build: codebuild.PipelineProject, publish: codebuild.PipelineProject): void {
    const artifactObjects: Suppression = ['AwsSolutions-IAM5',
      'CDK\'s grant on the pipeline\'s own artifact bucket (and, for PublishWeb, the web bucket): the object keys '
      + 'are generated per execution (per build for the web app), so the grant is every object of that one bucket, '
      + 'with the S3 action groups CDK\'s grantRead/grantReadWrite use. No other bucket is reachable.',
    [{ regex: '/^Resource::<(PipelineArtifactsBucket|Bucket)[0-9A-F]{8}\\.Arn>\\/\\*$/' },
      ...['Abort*', 'DeleteObject*', 'GetBucket*', 'GetObject*', 'List*'].map((a) => `Action::s3:${a}`)]];
    const buildLogs: Suppression = ['AwsSolutions-IAM5',
      'CodeBuild\'s default grants for its own project: the streams of the project\'s log group and the report '
      + 'groups named after the project (created per run, hence the trailing wildcard).',
    [{ regex: '/^Resource::arn:aws:(logs|codebuild):[a-z0-9-]+:[0-9]{12}:(log-group:\\/aws\\/codebuild\\/|report-group\\/)<(Build|PublishWeb)[0-9A-F]{8}>(:|-)\\*$/' }]];
    suppress(build.role!, artifactObjects, buildLogs, ['AwsSolutions-IAM5',
      'ecr:GetAuthorizationToken (from grantPullPush) and ecs:DescribeTaskDefinition take no resource ARN: IAM '
      + 'allows only "*". Pushes and pulls are granted on the one repository.', ['Resource::*']]);
    suppress(publish.role!, artifactObjects, buildLogs);
    suppress(this.pipeline.role, artifactObjects);
    suppressPath(this, `${this.pipeline.node.path}/Source/Source/CodePipelineActionRole`, artifactObjects);
    suppress(this.pipeline.artifactBucket, ['AwsSolutions-S1',
      'The pipeline\'s artifact store: written and read only by the pipeline and its CodeBuild roles, each access '
      + 'recorded by CloudTrail with the execution that made it.']);
    for (const p of [build, publish]) {
      suppress(p, ['AwsSolutions-CB4',
        'Artifacts and logs are encrypted at rest with the AWS managed keys (S3 and CloudWatch Logs); a customer '
        + 'managed key would change nothing about who may read them (the same pipeline roles) for its cost and '
        + 'key-policy upkeep.']);
    }
    for (const g of Object.values(groups)) {
      suppress(g.role, ['AwsSolutions-IAM4',
        'AWSCodeDeployRoleForECS is the service role AWS documents for ECS blue/green: CodeDeploy needs to shift '
        + 'listener rules and target groups of the services it deploys, and AWS maintains the policy as ECS '
        + 'deployments change.', ['Policy::arn:<AWS::Partition>:iam::aws:policy/AWSCodeDeployRoleForECS']]);
    }
  }
}
