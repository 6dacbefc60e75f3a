import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { REDIS_PORT } from '../lib/network-stack';
import { asArray, logicalId, resources, synth } from './helpers';

describe('network', () => {
  const s = synth();
  const t = s.template('network');
  const j = s.json('network');
  const c = s.config;

  test('a VPC over 2 AZs with a public and a private subnet in each', () => {
    t.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: c.network.cidr });
    const subnets = resources(j, 'AWS::EC2::Subnet').map(([, r]) => r.Properties);
    assert.equal(subnets.length, 4);
    const pub = subnets.filter((p) => p.MapPublicIpOnLaunch === true);
    const priv = subnets.filter((p) => p.MapPublicIpOnLaunch === false);
    assert.equal(pub.length, 2);
    assert.equal(priv.length, 2);
    assert.deepEqual(pub.map((p) => p.AvailabilityZone).sort(), c.network.availabilityZones);
    assert.deepEqual(priv.map((p) => p.AvailabilityZone).sort(), c.network.availabilityZones);
  });

  test('an Internet gateway for the public subnets, NAT gateways for the private ones', () => {
    t.resourceCountIs('AWS::EC2::InternetGateway', 1);
    t.resourceCountIs('AWS::EC2::VPCGatewayAttachment', 1);
    t.resourceCountIs('AWS::EC2::NatGateway', c.network.natGateways);
    const igw = logicalId(j, 'AWS::EC2::InternetGateway', 'Vpc');
    const routes = resources(j, 'AWS::EC2::Route').map(([, r]) => r.Properties);
    const toIgw = routes.filter((r) => r.GatewayId?.Ref === igw && r.DestinationCidrBlock === '0.0.0.0/0');
    const toNat = routes.filter((r) => r.NatGatewayId && r.DestinationCidrBlock === '0.0.0.0/0');
    assert.equal(toIgw.length, 2, 'each public route table defaults to the IGW');
    assert.equal(toNat.length, 2, 'each private route table defaults to a NAT gateway');
    // each NAT gateway sits in a public subnet
    for (const [, nat] of resources(j, 'AWS::EC2::NatGateway')) {
      const subnet = j.Resources[nat.Properties.SubnetId.Ref];
      assert.equal(subnet.Properties.MapPublicIpOnLaunch, true);
    }
    t.resourceCountIs('AWS::EC2::RouteTable', 4);
  });

  test('DynamoDB traffic stays off the NAT (gateway endpoint)', () => {
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['.dynamodb'])]) }),
    });
  });

  const sgs = resources(j, 'AWS::EC2::SecurityGroup');
  const sgId = (prefix: string) => logicalId(j, 'AWS::EC2::SecurityGroup', prefix);
  const ingress = (sg: string) => [
    ...asArray<any>(j.Resources[sg].Properties.SecurityGroupIngress),
    ...resources(j, 'AWS::EC2::SecurityGroupIngress')
      .filter(([, r]) => r.Properties.GroupId['Fn::GetAtt']?.[0] === sg).map(([, r]) => r.Properties),
  ];
  const egress = (sg: string) => [
    ...asArray<any>(j.Resources[sg].Properties.SecurityGroupEgress),
    ...resources(j, 'AWS::EC2::SecurityGroupEgress')
      .filter(([, r]) => r.Properties.GroupId['Fn::GetAtt']?.[0] === sg).map(([, r]) => r.Properties),
  ];

  test('nothing is open to the Internet', () => {
    for (const [id] of sgs) {
      for (const rule of ingress(id)) {
        assert.notEqual(rule.CidrIp, '0.0.0.0/0', `${id} ingress from anywhere`);
        assert.equal(rule.CidrIpv6, undefined, `${id} ingress by IPv6 CIDR`);
      }
    }
  });

  test('only the ALB reaches the services; the VPC link, CloudFront\'s VPC origin and the scheduler the ALB', () => {
    const svc = sgId('ServiceSg');
    const alb = sgId('AlbSg');
    const link = sgId('VpcLinkSg');
    const sched = sgId('SchedulerSg');
    const port = c.compute.containerPort;
    assert.deepEqual(ingress(svc).map((r) => [r.SourceSecurityGroupId?.['Fn::GetAtt']?.[0], r.FromPort, r.ToPort]),
      [[alb, port, port]]);
    // push (issue 14): CloudFront for /api/events (its origin-facing
    // prefix list), the scheduler for the nchan publisher; the listener
    // port only
    const lp = c.compute.albListenerPort;
    assert.deepEqual(ingress(alb).map((r) => [r.SourceSecurityGroupId?.['Fn::GetAtt']?.[0] ?? r.SourcePrefixListId,
      r.FromPort, r.ToPort]).sort(), [[link, lp, lp], [sched, lp, lp], [c.network.cloudFrontPrefixListId, lp, lp]].sort());
    assert.deepEqual(ingress(sched), [], 'nobody reaches the scheduler');
    assert.deepEqual(egress(alb).map((r) => [r.DestinationSecurityGroupId?.['Fn::GetAtt']?.[0], r.FromPort]), [[svc, port]]);
    assert.deepEqual(egress(link).map((r) => [r.DestinationSecurityGroupId?.['Fn::GetAtt']?.[0], r.FromPort]),
      [[alb, c.compute.albListenerPort]]);
  });

  test('the services and the scheduler reach out over HTTPS only (no SMTP since SES\'s API), never all ports', () => {
    const rules = (sg: string) => egress(sgId(sg)).map((r) => `${r.IpProtocol}/${r.FromPort}-${r.ToPort}/${r.CidrIp ?? r.DestinationSecurityGroupId?.['Fn::GetAtt']?.[0]}`).sort();
    // and the services to the push Redis (issue 14), its group only
    assert.deepEqual(rules('ServiceSg'), ['tcp/443-443/0.0.0.0/0', `tcp/${REDIS_PORT}-${REDIS_PORT}/${sgId('RedisSg')}`]);
    // and the scheduler to the ALB's listener (push: the nchan publisher)
    assert.deepEqual(rules('SchedulerSg'),
      ['tcp/443-443/0.0.0.0/0', `tcp/${c.compute.albListenerPort}-${c.compute.albListenerPort}/${sgId('AlbSg')}`]);
    for (const [id] of sgs) {
      for (const r of egress(id)) assert.notEqual(r.IpProtocol, '-1', `${id} allows all outbound`);
    }
  });
});
