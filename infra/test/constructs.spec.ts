import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { defaultConfig } from '../config';
import { ApiService } from '../lib/constructs/api-service';
import { ACCESS_LOG_FORMAT, PrivateHttpApi } from '../lib/constructs/private-http-api';
import { SchedulerService } from '../lib/constructs/scheduler-service';
import { TaskmgrContainerOptions } from '../lib/constructs/taskmgr-task';
import { asArray, cdkContext, resources, roleStatements, show, synth } from './helpers';

/*
 * Each construct alone, in a stack of its own with the least around it
 * (a VPC, a cluster, a table, an image), then the compute stack that wires
 * them: the logical ids its resources had before they were constructs.
 */

const INDEXES = ['EmailIndex', 'UpdatedAtIndex', 'DueDateIndex', 'NotificationTimestampIndex',
  'ReminderIndex', 'OutboxIndex', 'PriorityIndex'];

function fixture() {
  const app = new App({ context: cdkContext });
  const stack = new Stack(app, 'Fixture', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false });
  const table = new dynamodb.Table(stack, 'Table', {
    partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  });
  const repository = new ecr.Repository(stack, 'Repository');
  const container: TaskmgrContainerOptions = {
    image: ecs.ContainerImage.fromEcrRepository(repository, 'abc123'),
    environment: { TASKMGR_REGION: 'us-east-1' },
    secrets: {},
    logRetention: logs.RetentionDays.ONE_WEEK,
    prefix: 'fx',
  };
  const subnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  return { app, stack, vpc, cluster, sg, table, container, subnets };
}

const containerOf = (t: Template) => resources(t.toJSON(), 'AWS::ECS::TaskDefinition')[0][1].Properties.ContainerDefinitions[0];
const envOf = (ctr: any) => ctr.Environment.map((e: any) => e.Name);

describe('constructs alone', () => {
  test('ApiService: a blue/green Fargate service with its role, log group, target groups, CPU scaling', () => {
    const f = fixture();
    const svc = new ApiService(f.stack, 'Tasks', {
      name: 'tasks',
      sizing: defaultConfig.compute.services.tasks,
      cluster: f.cluster,
      subnets: f.subnets,
      securityGroup: f.sg,
      container: f.container,
      containerPort: 8080,
      healthCheckPath: '/api/health',
      table: f.table,
      indexNames: INDEXES,
      extraStatements: [new iam.PolicyStatement({ sid: 'Extra', actions: ['sns:Publish'], resources: ['arn:aws:sns:us-east-1:111111111111:extra'] })],
    });
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::ECS::Service', 1);
    t.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'fx-tasks',
      DeploymentController: { Type: 'CODE_DEPLOY' },
      LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
    const tgs = resources(t.toJSON(), 'AWS::ElasticLoadBalancingV2::TargetGroup');
    assert.equal(tgs.length, 2, 'blue and green');
    for (const [, r] of tgs) {
      assert.equal(r.Properties.HealthCheckPath, '/api/health');
      assert.equal(r.Properties.TargetType, 'ip');
      assert.equal(r.Properties.Port, 8080);
    }
    assert.ok(svc.blue !== svc.green);
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/fx/tasks', RetentionInDays: 7 });
    t.hasResourceProperties('AWS::ECS::TaskDefinition', { Family: 'fx-tasks', Cpu: '512', Memory: '1024' });
    const ctr = containerOf(t);
    assert.deepEqual(ctr.Command, ['tasks']);
    assert.deepEqual(envOf(ctr), ['TASKMGR_REGION', 'TASKMGR_SERVICE'], 'the service name added to the shared environment');
    assert.deepEqual(ctr.PortMappings, [{ ContainerPort: 8080, Protocol: 'tcp' }]);
    assert.equal(ctr.LogConfiguration.LogDriver, 'awslogs');
    assert.deepEqual(ctr.HealthCheck.Command, ['CMD', '/usr/local/bin/taskmgr-entrypoint', 'healthcheck']);
    const j = t.toJSON();
    const roleId = resources(j, 'AWS::IAM::Role').find(([id]) => id.startsWith('TasksTaskRole'))![0];
    assert.deepEqual(roleStatements(j, roleId).map((s) => s.Sid), ['TableItems', 'TableQuery', 'Extra']);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 60 }),
    });
  });

  test('ApiService refuses an index the table does not have', () => {
    const f = fixture();
    assert.throws(() => new ApiService(f.stack, 'Users', {
      name: 'users', sizing: defaultConfig.compute.services.users, cluster: f.cluster, subnets: f.subnets,
      securityGroup: f.sg, container: f.container, containerPort: 8080, healthCheckPath: '/api/health',
      table: f.table, indexNames: ['UpdatedAtIndex'],
    }), /EmailIndex/);
  });

  test('SchedulerService: desiredCount replicas (2) rolling, no load balancer; Query on its indexes and the table, publish on the topics', () => {
    const f = fixture();
    const topics = [new sns.Topic(f.stack, 'T1'), new sns.Topic(f.stack, 'T2')];
    new SchedulerService(f.stack, 'Scheduler', {
      sizing: defaultConfig.compute.scheduler,
      cluster: f.cluster,
      subnets: f.subnets,
      securityGroup: f.sg,
      container: f.container,
      table: f.table,
      indexNames: INDEXES,
      topics,
      mailIdentities: [],
    });
    const t = Template.fromStack(f.stack);
    const j = t.toJSON();
    const [, svc] = resources(j, 'AWS::ECS::Service')[0];
    assert.equal(svc.Properties.ServiceName, 'fx-scheduler');
    assert.equal(svc.Properties.DesiredCount, 2);
    assert.equal(svc.Properties.DeploymentConfiguration.MaximumPercent, 200);
    assert.equal(svc.Properties.DeploymentConfiguration.MinimumHealthyPercent, 50);
    assert.deepEqual(svc.Properties.DeploymentConfiguration.DeploymentCircuitBreaker, { Enable: true, Rollback: true });
    assert.deepEqual(svc.Properties.LoadBalancers, []);
    const ctr = containerOf(t);
    assert.deepEqual(ctr.Command, ['scheduler']);
    assert.deepEqual(envOf(ctr), ['TASKMGR_SERVICE', 'TASKMGR_REGION']);
    assert.equal(ctr.PortMappings, undefined, 'nothing listens');
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/fx/scheduler', RetentionInDays: 7 });
    const roleId = resources(j, 'AWS::IAM::Role').find(([id]) => id.startsWith('SchedulerTaskRole'))![0];
    const st = roleStatements(j, roleId);
    const query = st.find((s) => s.Sid === 'TableQuery');
    assert.deepEqual(asArray(query.Resource).map((r) => show(r).match(/index\/(\w+)/)?.[1] ?? 'table').sort(),
      ['NotificationTimestampIndex', 'OutboxIndex', 'ReminderIndex', 'table'],
      'its two indexes, the unread count\'s (push), and the table (a list\'s tasks)');
    assert.equal(asArray(st.find((s) => s.Sid === 'Publish').Resource).length, 2);
  });

  test('PrivateHttpApi: the custom domain only, a VPC link to the listener, throttled, JSON access logs', () => {
    const f = fixture();
    const alb = new elbv2.ApplicationLoadBalancer(f.stack, 'Alb', { vpc: f.vpc });
    const listener = alb.addListener('Http', { port: 80, open: false });
    listener.addAction('Default', { action: elbv2.ListenerAction.fixedResponse(404) });
    const api = new PrivateHttpApi(f.stack, 'Api', {
      apiName: 'fx', vpcLinkName: 'fx-alb', description: 'fixture',
      domainName: 'api.example.com', zoneName: 'example.com', hostedZoneId: 'ZFIXTURE',
      vpc: f.vpc, subnets: f.subnets, securityGroup: f.sg, listener,
      accessLogGroupName: '/fx/api-gateway', logRetention: logs.RetentionDays.ONE_WEEK,
      throttle: { rateLimit: 10, burstLimit: 20 },
    });
    assert.equal(api.node.defaultChild, api.api);
    const t = Template.fromStack(f.stack);
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'fx', ProtocolType: 'HTTP', DisableExecuteApiEndpoint: true });
    t.hasResourceProperties('AWS::ApiGatewayV2::VpcLink', { Name: 'fx-alb' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Integration', { ConnectionType: 'VPC_LINK', IntegrationType: 'HTTP_PROXY' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /api/{proxy+}' });
    const j = t.toJSON();
    const logId = resources(j, 'AWS::Logs::LogGroup')[0][0];
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [logId, 'Arn'] }, Format: ACCESS_LOG_FORMAT },
    });
    t.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'api.example.com', ValidationMethod: 'DNS' });
    t.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { Stage: '$default' });
    t.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'api.example.com.', Type: 'A', HostedZoneId: 'ZFIXTURE' });
  });
});

describe('the compute stack wires the constructs', () => {
  const s = synth();
  const j = s.json('compute');

  test('every resource keeps the logical id it had before the constructs (an update replaces nothing)', () => {
    // TaskmgrCompute as deployed before ApiService, SchedulerService and PrivateHttpApi
    const before = `ClusterEB0386A7 Alb16C2F182 AlbHttp7966E42E AlbHttpUsersRuleAB18A47C AlbHttpTasksRule58DCB3B0
      AlbHttpNotificationsRuleE60D1B15 AlbTestE7EAB1C4 AlbTestUsersTestRule069508CA AlbTestTasksTestRuleA737BA52
      AlbTestNotificationsTestRuleB0F8574B UsersTaskRole4997D3BA UsersTaskRoleDefaultPolicy4AA30C78 UsersLogsA4A288A4
      UsersTaskDef7AD8C779 UsersTaskDefExecutionRole30F61665 UsersTaskDefExecutionRoleDefaultPolicy1ED0C17F
      UsersBlue62D6ABFD UsersGreenD4445F86 UsersService330D0C14 UsersServiceTaskCountTargetAFBD177B
      UsersServiceTaskCountTargetCpu98B00F7C TasksTaskRole59E3DE09 TasksTaskRoleDefaultPolicy74E98C60 TasksLogs5A72121B
      TasksTaskDef7571BD62 TasksTaskDefExecutionRole12517886 TasksTaskDefExecutionRoleDefaultPolicy3E858953
      TasksBlue29D5164B TasksGreen950ADC0C TasksServiceA90E15FE TasksServiceTaskCountTarget62099904
      TasksServiceTaskCountTargetCpuEF362353 NotificationsTaskRole439298B3 NotificationsTaskRoleDefaultPolicy18CBFE9A
      NotificationsLogs52294082 NotificationsTaskDefBF2DCD2C NotificationsTaskDefExecutionRoleCD89599D
      NotificationsTaskDefExecutionRoleDefaultPolicy6F726803 NotificationsBlue4C3555CC NotificationsGreen7A154E8E
      NotificationsServiceB95468EA NotificationsServiceTaskCountTarget96753459 NotificationsServiceTaskCountTargetCpu6A201931
      SchedulerTaskRoleABA7BC91 SchedulerTaskRoleDefaultPolicy0D716638 SchedulerLogs62325BF3 SchedulerTaskDef76550FAF
      SchedulerTaskDefExecutionRoleB8F1B993 SchedulerTaskDefExecutionRoleDefaultPolicy1808621E SchedulerService59181E72
      ApiCertificate1D5B2B3B ApiDomain2D27DFFC VpcLink42ED6FF0 ApiF70053CD ApiANYapiproxyAlbA26BA456 ApiANYapiproxy48D28B00
      ApiLogs3D05D88B Stage0E8C2AF5 StageTaskmgrComputeApiDomainundefinedAF3F9314 ApiRecord15755A12`.split(/\s+/);
    // added since: the forwarding rule for the rest of /api (origin-verify: the default answers 403),
    // the scheduler's publishes to the nchan publisher (push, issue 14)
    const added = ['AlbHttpCatchAllRule196162CB', 'AlbHttpEventsPublishRule3CE0921F'];
    const now = Object.keys(j.Resources).filter((id) => id !== 'CDKMetadata');
    assert.deepEqual([...now].sort(), [...before, ...added].sort());
    // names CDK derives from the path stay too
    const policies = resources(j, 'AWS::ApplicationAutoScaling::ScalingPolicy').map(([, r]) => r.Properties.PolicyName).sort();
    assert.deepEqual(policies, ['Notifications', 'Tasks', 'Users'].map((n) => `TaskmgrCompute${n}ServiceTaskCountTargetCpu`)
      .map((p, i) => p + ['64E0B4B3', 'B69AEC35', '1EB95B14'][i]));
  });

  test('the services and the API are the constructs\' own', () => {
    assert.ok(s.stacks.compute.services.users instanceof ApiService);
    assert.equal(s.stacks.compute.api.node.scope instanceof PrivateHttpApi, true);
    assert.equal(s.stacks.compute.scheduler.node.scope instanceof SchedulerService, true);
  });
});
