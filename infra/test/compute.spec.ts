import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { infraDir, resources, show, synth } from './helpers';

describe('compute: ECR, ECS, ALB, API Gateway, DNS', () => {
  const s = synth();
  const c = s.config;
  const t = s.template('compute');
  const j = s.json('compute');
  const services = resources(j, 'AWS::ECS::Service');
  const taskDefs = resources(j, 'AWS::ECS::TaskDefinition');
  const container = (svc: string) => taskDefs.map(([, r]) => r.Properties)
    .find((p) => p.Family === `${c.prefix}-${svc}`).ContainerDefinitions[0];

  test('an ECR repository that scans images, kept on stack delete', () => {
    const r = resources(s.json('registry'), 'AWS::ECR::Repository');
    assert.equal(r.length, 1);
    assert.equal(r[0][1].Properties.RepositoryName, c.image.repositoryName);
    assert.equal(r[0][1].Properties.ImageScanningConfiguration.ScanOnPush, true);
    assert.equal(r[0][1].DeletionPolicy, 'Retain');
  });

  test('one ECS cluster with Container Insights', () => {
    t.resourceCountIs('AWS::ECS::Cluster', 1);
    t.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterName: c.compute.clusterName,
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  test('four Fargate services in private subnets without public IPs', () => {
    assert.equal(services.length, 4);
    const names = services.map(([, r]) => r.Properties.ServiceName).sort();
    assert.deepEqual(names, ['notifications', 'scheduler', 'tasks', 'users'].map((n) => `${c.prefix}-${n}`));
    for (const [, r] of services) {
      assert.equal(r.Properties.LaunchType, 'FARGATE');
      assert.equal(r.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp, 'DISABLED');
      assert.match(show(r.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets), /privateSubnet/);
    }
  });

  test('the same image everywhere; each service renders its own conf (command = service)', () => {
    const images = new Set(taskDefs.map(([, r]) => show(r.Properties.ContainerDefinitions[0].Image)));
    assert.equal(images.size, 1);
    for (const svc of ['users', 'tasks', 'notifications', 'scheduler']) {
      const ctr = container(svc);
      assert.deepEqual(ctr.Command, [svc]);
      assert.ok(ctr.Environment.some((e: any) => e.Name === 'TASKMGR_SERVICE' && e.Value === svc));
      assert.equal(ctr.LogConfiguration.LogDriver, 'awslogs');
      assert.deepEqual(ctr.HealthCheck.Command, ['CMD', '/usr/local/bin/taskmgr-entrypoint', 'healthcheck']);
    }
    for (const svc of ['users', 'tasks', 'notifications']) {
      const env = Object.fromEntries(container(svc).Environment.map((e: any) => [e.Name, e.Value]));
      assert.equal(env.TASKMGR_DYNAMODB_ENDPOINT, `https://dynamodb.${c.region}.amazonaws.com`);
      assert.equal(env.TASKMGR_COGNITO_ENDPOINT, `https://cognito-idp.${c.region}.amazonaws.com`);
      assert.match(show(env.TASKMGR_USER_POOL_ID), /UserPool/);
      assert.match(show(env.TASKMGR_CLIENT_ID), /WebClient/);
      assert.deepEqual(container(svc).PortMappings, [{ ContainerPort: c.compute.containerPort, Protocol: 'tcp' }]);
    }
  });

  test('the API services deploy blue/green through CodeDeploy, the scheduler rolling', () => {
    for (const [, r] of services) {
      const p = r.Properties;
      if (p.ServiceName.endsWith('scheduler')) {
        assert.equal(p.DeploymentController, undefined);
        assert.equal(p.DesiredCount, 2, 'two replicas by default');
        assert.equal(p.DeploymentConfiguration.MaximumPercent, 200, 'leases: a new one beside an old one');
        assert.equal(p.DeploymentConfiguration.MinimumHealthyPercent, 50);
        assert.deepEqual(p.LoadBalancers, []);
      } else {
        assert.deepEqual(p.DeploymentController, { Type: 'CODE_DEPLOY' });
        assert.equal(p.LoadBalancers.length, 1);
      }
    }
  });

  test('target groups health-check /api/health; blue and green per API service', () => {
    const tgs = resources(j, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    assert.equal(tgs.length, 6);
    for (const [, r] of tgs) {
      assert.equal(r.Properties.HealthCheckPath, '/api/health');
      assert.equal(r.Properties.Matcher.HttpCode, '200');
      assert.equal(r.Properties.TargetType, 'ip');
      assert.equal(r.Properties.Port, c.compute.containerPort);
    }
  });

  test('CPU target-tracking autoscaling for each API service', () => {
    const targets = resources(j, 'AWS::ApplicationAutoScaling::ScalableTarget');
    assert.equal(targets.length, 3);
    for (const [, r] of targets) {
      assert.equal(r.Properties.ScalableDimension, 'ecs:service:DesiredCount');
      assert.ok(r.Properties.MinCapacity >= 2, 'two tasks at least: one per AZ');
    }
    const policies = resources(j, 'AWS::ApplicationAutoScaling::ScalingPolicy');
    assert.equal(policies.length, 3);
    for (const [, r] of policies) {
      const cfg = r.Properties.TargetTrackingScalingPolicyConfiguration;
      assert.equal(cfg.PredefinedMetricSpecification.PredefinedMetricType, 'ECSServiceAverageCPUUtilization');
      assert.equal(cfg.TargetValue, 60);
    }
  });

  test('an internal ALB routing /api/users/*, /api/tasks*, /api/notifications* by path, the rest to users', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Type: 'application' });
    const listeners = resources(j, 'AWS::ElasticLoadBalancingV2::Listener');
    const prod = listeners.find(([, r]) => r.Properties.Port === c.compute.albListenerPort)!;
    assert.ok(prod);
    const rules = resources(j, 'AWS::ElasticLoadBalancingV2::ListenerRule')
      .filter(([, r]) => r.Properties.ListenerArn.Ref === prod[0])
      .map(([, r]) => ({
        paths: r.Properties.Conditions.find((x: any) => x.Field === 'path-pattern')?.PathPatternConfig.Values ?? [],
        tg: r.Properties.Actions[0].TargetGroupArn.Ref,
      }));
    const byPath = (p: string) => rules.find((r) => r.paths.includes(p))?.tg ?? '';
    assert.match(byPath('/api/users/*'), /^UsersBlue/);
    assert.match(byPath('/api/tasks*'), /^TasksBlue/);
    assert.match(byPath('/api/lists*'), /^TasksBlue/);
    assert.match(byPath('/api/labels'), /^TasksBlue/);
    // an ALB rule takes at most 5 condition values: the paths leave room
    // for the origin check's two header values while it rotates
    for (const r of rules) assert.ok(r.paths.length <= 3, `${r.paths} over 3 path values`);
    assert.match(byPath('/api/notifications'), /^NotificationsBlue/);
    assert.match(byPath('/api/notifications/*'), /^NotificationsBlue/);
    // the rest (/api/health, unknown routes): users, in the last rule
    const rest = rules.filter((r) => r.paths.length === 0);
    assert.equal(rest.length, 1);
    assert.match(rest[0].tg, /^UsersBlue/);
    // forward actions only in the rules (CodeDeploy swaps target groups); production's default is a 403
    assert.equal(prod[1].Properties.DefaultActions[0].Type, 'fixed-response');
    const test = listeners.find(([, r]) => r.Properties.Port === c.compute.albTestListenerPort)!;
    assert.match(test[1].Properties.DefaultActions[0].TargetGroupArn.Ref, /^UsersGreen/);
  });

  test('API Gateway HTTP API into the VPC through a VPC link to the ALB listener', () => {
    t.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', DisableExecuteApiEndpoint: true });
    t.hasResourceProperties('AWS::ApiGatewayV2::VpcLink', {
      SecurityGroupIds: [Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('VpcLinkSg') }) })],
    });
    const integ = resources(j, 'AWS::ApiGatewayV2::Integration')[0][1].Properties;
    assert.equal(integ.ConnectionType, 'VPC_LINK');
    assert.equal(integ.IntegrationType, 'HTTP_PROXY');
    assert.match(integ.IntegrationUri.Ref, /^AlbHttp/);
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /api/{proxy+}' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: c.api.throttleRatePerSecond, ThrottlingBurstLimit: c.api.throttleBurst },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  test('the API domain: ACM certificate validated in the zone, custom domain, Route 53 alias', () => {
    t.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: c.domain.apiDomain,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: c.domain.apiDomain, HostedZoneId: c.domain.hostedZoneId }],
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: c.domain.apiDomain });
    t.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { Stage: '$default' });
    t.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: `${c.domain.apiDomain}.`,
      Type: 'A',
      HostedZoneId: c.domain.hostedZoneId,
      AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
    });
  });

  test('the scheduler\'s replica count is configurable (-c schedulerCount), within the shards', () => {
    const three = synth({ schedulerCount: '3' });
    three.template('compute').hasResourceProperties('AWS::ECS::Service', {
      ServiceName: `${three.config.prefix}-scheduler`, DesiredCount: 3,
    });
    assert.throws(() => synth({ schedulerCount: '0' }), /scheduler: desiredCount from 1/);
    assert.throws(() => synth({ schedulerCount: String(c.compute.reminderShards + 1) }), /scheduler: desiredCount/);
  });

  test('the scheduler image conf shares the shards by leases', () => {
    const conf = readFileSync(path.join(infraDir, '../conf/ecs/scheduler.conf.in'), 'utf8');
    assert.match(conf, /^shard_leases\s*=\s*on$/m);
  });
});
