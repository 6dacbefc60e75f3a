/*
 * Push (issue 14): ElastiCache for nchan's Redis (private subnets, from
 * the nginx services only, TLS in transit, AUTH from Secrets Manager), the
 * ALB's idle timeout above nchan's 30 s ping, /api/events routed by
 * CloudFront past API Gateway (HTTP APIs end a request at 30 s) straight
 * to the internal ALB, which admits CloudFront's prefix list; the nginx
 * tasks get the Redis endpoint, its AUTH token and the events key, the
 * scheduler's the events key and the publisher's URL through the ALB.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeConfig } from '../config';
import { ALB_IDLE_TIMEOUT_S, EVENTS_PUBLISH_PATH, EVENTS_PUBLISH_PRIORITY } from '../lib/compute-stack';
import { REDIS_PORT } from '../lib/network-stack';
import { EVENTS_KEY_HEADER } from '../lib/secrets-stack';
import { EVENTS_READ_TIMEOUT_S } from '../lib/web-stack';
import { logicalId, resources, show, synth } from './helpers';

const NCHAN_PING_S = 30;

describe('push (issue 14)', () => {
  const s = synth();
  const net = s.json('network');

  test('ElastiCache Redis: two nodes, encrypted in transit and at rest, in the private subnets', () => {
    const groups = resources(net, 'AWS::ElastiCache::ReplicationGroup').map(([, r]) => r.Properties);
    assert.equal(groups.length, 1);
    const g = groups[0];
    assert.equal(g.Engine, 'redis');
    assert.equal(g.TransitEncryptionEnabled, true);
    assert.equal(g.AtRestEncryptionEnabled, true);
    assert.equal(g.NumCacheClusters, 2);
    assert.equal(g.MultiAZEnabled, true);
    const [, subnets] = resources(net, 'AWS::ElastiCache::SubnetGroup')[0];
    for (const ref of subnets.Properties.SubnetIds) {
      assert.equal(net.Resources[ref.Ref].Properties.MapPublicIpOnLaunch, false, 'a private subnet');
    }
  });

  test('its security group: in from the nginx services only, nothing out', () => {
    const redisSg = logicalId(net, 'AWS::EC2::SecurityGroup', 'RedisSg');
    const serviceSg = logicalId(net, 'AWS::EC2::SecurityGroup', 'ServiceSg');
    const sg = net.Resources[redisSg].Properties;
    assert.deepEqual(sg.SecurityGroupEgress?.map((e: any) => e.CidrIp), ['255.255.255.255/32'],
      'no outbound (CDK\'s placeholder rule)');
    const ingress = resources(net, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties)
      .filter((p) => p.GroupId?.['Fn::GetAtt']?.[0] === redisSg);
    assert.equal(ingress.length, 1);
    assert.equal(ingress[0].SourceSecurityGroupId['Fn::GetAtt'][0], serviceSg);
    assert.equal(ingress[0].FromPort, REDIS_PORT);
    assert.equal(ingress[0].ToPort, REDIS_PORT);
    const [, g] = resources(net, 'AWS::ElastiCache::ReplicationGroup')[0];
    assert.deepEqual(g.Properties.SecurityGroupIds, [{ 'Fn::GetAtt': [redisSg, 'GroupId'] }]);
  });

  test('the ALB keeps an idle stream open past nchan\'s ping', () => {
    const [, alb] = resources(s.json('compute'), 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0];
    const attr = alb.Properties.LoadBalancerAttributes
      .find((a: any) => a.Key === 'idle_timeout.timeout_seconds');
    assert.equal(attr.Value, String(ALB_IDLE_TIMEOUT_S));
    assert.ok(ALB_IDLE_TIMEOUT_S > NCHAN_PING_S);
  });

  test('CloudFront: /api/events to the internal ALB (a VPC origin), past API Gateway', () => {
    const web = s.json('web');
    const [, dist] = resources(web, 'AWS::CloudFront::Distribution')[0];
    const cfg = dist.Properties.DistributionConfig;
    const b = cfg.CacheBehaviors.find((x: any) => x.PathPattern === '/api/events');
    assert.ok(b, 'a behaviour for /api/events');
    const api = cfg.CacheBehaviors.findIndex((x: any) => x.PathPattern === '/api/*');
    assert.ok(cfg.CacheBehaviors.indexOf(b) < api, 'before /api/* (CloudFront takes the first match)');
    assert.equal(b.Compress, false, 'never held in a compressor');
    const origin = cfg.Origins.find((o: any) => o.Id === b.TargetOriginId);
    assert.ok(origin.VpcOriginConfig, 'a VPC origin');
    assert.equal(origin.VpcOriginConfig.OriginReadTimeout, EVENTS_READ_TIMEOUT_S);
    assert.ok(EVENTS_READ_TIMEOUT_S > NCHAN_PING_S);
    assert.ok(origin.OriginCustomHeaders.some((h: any) => h.HeaderName === 'X-Origin-Verify'),
      'with the header the ALB requires');
    const vpcOrigins = resources(web, 'AWS::CloudFront::VpcOrigin');
    assert.equal(vpcOrigins.length, 1);
  });

  // the second half of issue 14's AWS side: AUTH, the tasks' wiring, the ALB's groups
  const cj = s.json('compute');
  const x = s.config.secrets;
  const ref = (name: string) => `{{resolve:secretsmanager:${name}:SecretString:::}}`;
  const containers = resources(cj, 'AWS::ECS::TaskDefinition').map(([, r]) => r.Properties.ContainerDefinitions[0]);
  const envOf = (ctr: any) => Object.fromEntries(ctr.Environment.map((e: any) => [e.Name, e.Value]));
  const secretsOf = (ctr: any) => Object.fromEntries((ctr.Secrets ?? []).map((e: any) => [e.Name, show(e.ValueFrom)]));

  test('Redis AUTH: the token from Secrets Manager (a dynamic reference), no AEC6 suppression left', () => {
    const [, g] = resources(net, 'AWS::ElastiCache::ReplicationGroup')[0];
    assert.equal(g.Properties.AuthToken, ref(x.redisAuthName));
    assert.equal(g.Properties.TransitEncryptionEnabled, true, 'AUTH needs TLS in transit');
    assert.doesNotMatch(JSON.stringify(g.Metadata ?? {}), /AEC6/);
    assert.doesNotMatch(JSON.stringify(net), /AwsSolutions-AEC6/);
    // generated: letters and digits, within ElastiCache's 16 to 128
    const [, secret] = resources(s.json('secrets'), 'AWS::SecretsManager::Secret')
      .find(([, r]) => r.Properties.Name === x.redisAuthName)!;
    const gen = secret.Properties.GenerateSecretString;
    assert.ok(gen.PasswordLength >= 16 && gen.PasswordLength <= 128);
    assert.equal(gen.ExcludePunctuation, true);
    assert.equal(secret.DeletionPolicy, 'Retain');
    // the secret exists before ElastiCache reads it
    assert.ok(s.stacks.network.dependencies.includes(s.stacks.secrets), 'network deploys after secrets');
  });

  test('the nginx tasks: ElastiCache\'s endpoint over TLS, its AUTH token and the events key as ECS secrets, no reloads', () => {
    const nginx = containers.filter((ctr) => ctr.Command[0] !== 'scheduler');
    assert.equal(nginx.length, 3);
    for (const ctr of nginx) {
      const env = envOf(ctr);
      const e = show(env.TASKMGR_REDIS_ENDPOINT);
      assert.match(e, /rediss:\/\//, `${ctr.Command[0]}: TLS (rediss://)`);
      assert.match(e, /PrimaryEndPoint/, `${ctr.Command[0]}: the replication group's primary endpoint`);
      assert.equal(env.TASKMGR_RESOLVE_INTERVAL, '0', 'nginx on Redis is never reloaded (nchan 1.3.6)');
      const sec = secretsOf(ctr);
      assert.match(sec.TASKMGR_REDIS_AUTH, /RedisAuth/);
      assert.match(sec.TASKMGR_EVENTS_KEY, /EventsKey/);
      assert.equal(env.TASKMGR_REDIS_AUTH, undefined);
      assert.equal(env.TASKMGR_EVENTS_KEY, undefined);
    }
  });

  test('the scheduler\'s task: the publisher\'s URL through the internal ALB, the events key as an ECS secret', () => {
    const ctr = containers.find((c) => c.Command[0] === 'scheduler');
    const url = show(envOf(ctr).TASKMGR_EVENTS_URL);
    assert.match(url, /"http:\/\/"/);
    assert.match(url, new RegExp(`Alb[0-9A-F]{8}","DNSName"`));
    assert.match(url, new RegExp(`:${s.config.compute.albListenerPort}${EVENTS_PUBLISH_PATH}"`));
    assert.match(secretsOf(ctr).TASKMGR_EVENTS_KEY, /EventsKey/);
    const [, secret] = resources(s.json('secrets'), 'AWS::SecretsManager::Secret')
      .find(([, r]) => r.Properties.Name === x.eventsKeyName)!;
    assert.ok(secret.Properties.GenerateSecretString.PasswordLength >= 32, 'the entrypoint wants 32+');
    assert.equal(secret.Properties.GenerateSecretString.ExcludePunctuation, true);
  });

  test('the ALB: /api/events to notifications, the publisher path to it with the events key only', () => {
    const prod = logicalId(cj, 'AWS::ElasticLoadBalancingV2::Listener', 'AlbHttp');
    const rules = resources(cj, 'AWS::ElasticLoadBalancingV2::ListenerRule').map(([, r]) => r.Properties)
      .filter((r) => r.ListenerArn.Ref === prod);
    const paths = (r: any) => r.Conditions.filter((c: any) => c.Field === 'path-pattern')
      .flatMap((c: any) => c.PathPatternConfig.Values);
    const notif = logicalId(cj, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'NotificationsBlue');
    const events = rules.filter((r) => paths(r).includes('/api/events') && r.Priority === s.config.compute.services.notifications.priority);
    assert.equal(events.length, 1, 'the production rule of notifications');
    assert.equal(events[0].Actions[0].TargetGroupArn.Ref, notif);
    const pub = rules.filter((r) => paths(r).includes(`${EVENTS_PUBLISH_PATH}/*`));
    assert.equal(pub.length, 1);
    assert.equal(pub[0].Priority, EVENTS_PUBLISH_PRIORITY);
    assert.equal(pub[0].Actions[0].TargetGroupArn.Ref, notif);
    assert.deepEqual(pub[0].Conditions.filter((c: any) => c.Field === 'http-header'),
      [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: EVENTS_KEY_HEADER, Values: [ref(x.eventsKeyName)] } }]);
    // before every other rule that could match it
    assert.ok(rules.every((r) => r === pub[0] || r.Priority > EVENTS_PUBLISH_PRIORITY));
  });

  test('the ALB\'s group admits CloudFront\'s origin-facing prefix list and the scheduler, on the listener port only', () => {
    const albSg = logicalId(net, 'AWS::EC2::SecurityGroup', 'AlbSg');
    const schedSg = logicalId(net, 'AWS::EC2::SecurityGroup', 'SchedulerSg');
    const port = s.config.compute.albListenerPort;
    const ingress = resources(net, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties)
      .filter((p) => p.GroupId?.['Fn::GetAtt']?.[0] === albSg);
    const cf = ingress.filter((p) => p.SourcePrefixListId);
    assert.equal(cf.length, 1);
    assert.equal(cf[0].SourcePrefixListId, 'pl-3b927c52', 'us-east-1\'s com.amazonaws.global.cloudfront.origin-facing');
    assert.equal(cf[0].FromPort, port);
    assert.equal(cf[0].ToPort, port);
    assert.equal(cf[0].IpProtocol, 'tcp');
    const fromSched = ingress.filter((p) => p.SourceSecurityGroupId?.['Fn::GetAtt']?.[0] === schedSg);
    assert.deepEqual(fromSched.map((p) => [p.FromPort, p.ToPort]), [[port, port]]);
    const egress = resources(net, 'AWS::EC2::SecurityGroupEgress').map(([, r]) => r.Properties)
      .filter((p) => p.GroupId?.['Fn::GetAtt']?.[0] === schedSg && p.DestinationSecurityGroupId);
    assert.deepEqual(egress.map((p) => [p.DestinationSecurityGroupId['Fn::GetAtt'][0], p.FromPort, p.ToPort]),
      [[albSg, port, port]]);
  });

  test('the prefix list follows the region; a region without a known id asks for one', () => {
    const imageTag = 'abc123';
    assert.equal(makeConfig({ imageTag, region: 'eu-west-1' }).network.cloudFrontPrefixListId, 'pl-4fa04526');
    assert.equal(makeConfig({ imageTag, region: 'ap-south-1', cloudFrontPrefixList: 'pl-9aa247f3' })
      .network.cloudFrontPrefixListId, 'pl-9aa247f3');
    assert.throws(() => makeConfig({ imageTag, region: 'ap-south-1' }), /cloudFrontPrefixList/);
    assert.throws(() => makeConfig({ imageTag, cloudFrontPrefixList: 'sg-123' }), /cloudFrontPrefixList/);
  });
});
