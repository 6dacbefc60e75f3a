/*
 * Push (issue 14): ElastiCache for nchan's Redis (private subnets, from
 * the nginx services only, TLS in transit), the ALB's idle timeout above
 * nchan's 30 s ping, and /api/events routed by CloudFront past API Gateway
 * (HTTP APIs end a request at 30 s) straight to the internal ALB.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALB_IDLE_TIMEOUT_S } from '../lib/compute-stack';
import { REDIS_PORT } from '../lib/network-stack';
import { EVENTS_READ_TIMEOUT_S } from '../lib/web-stack';
import { logicalId, resources, synth } from './helpers';

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
});
