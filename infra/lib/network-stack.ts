/*
 * Network: a VPC over two AZs (public subnets with the NAT gateways and
 * the Internet gateway, private subnets for everything that runs), and
 * the security groups that say who talks to whom:
 *
 *   API Gateway VPC link ──► ALB ──► users / tasks / notifications
 *   CloudFront (VPC origin, /api/events) ──► ALB
 *   scheduler ──► ALB (push: the nchan publisher, X-Taskmgr-Events-Key)
 *   services ──► Redis (ElastiCache, TLS, AUTH)
 *   services, scheduler ──► AWS APIs over HTTPS (NAT, DynamoDB gateway endpoint)
 *
 * Nothing else reaches the services; the services reach nothing else.
 *
 * And the deployment's one log bucket: CloudFront's access logs
 * (cloudfront/), the ALB's (alb/) and the VPC's flow logs
 * (vpc-flow-logs/), encrypted, private, TLS only, expired after
 * logs.expireDays.
 */

import { Duration, RemovalPolicy, SecretValue, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TaskmgrConfig } from '../config';
import { suppress } from './nag';

/** where each writer puts its objects in the log bucket */
/** the push Redis's port: not Redis's default (cdk-nag AEC5) */
export const REDIS_PORT = 6380;

/** the Redis AUTH token as a CloudFormation dynamic reference (never in a template) */
export function redisAuthToken(c: TaskmgrConfig): string {
  return SecretValue.secretsManager(c.secrets.redisAuthName).unsafeUnwrap();
}

export const LOG_PREFIXES = { cloudFront: 'cloudfront/', alb: 'alb', flowLogs: 'vpc-flow-logs/' };

export interface NetworkStackProps extends StackProps {
  readonly config: TaskmgrConfig;
}

export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  /** the API Gateway VPC link's ENIs */
  readonly vpcLinkSg: ec2.SecurityGroup;
  readonly albSg: ec2.SecurityGroup;
  /** the three nginx services */
  readonly serviceSg: ec2.SecurityGroup;
  readonly schedulerSg: ec2.SecurityGroup;
  /** push (issue 14): nchan's Redis, reached by the nginx services only */
  readonly redisSg: ec2.SecurityGroup;
  readonly redis: elasticache.CfnReplicationGroup;
  /** CloudFront, ALB and VPC flow logs */
  readonly logBucket: s3.Bucket;
  private readonly azs: string[];

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const c = props.config;
    this.azs = c.network.availabilityZones;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      vpcName: c.prefix,
      ipAddresses: ec2.IpAddresses.cidr(c.network.cidr),
      // given, not looked up: synth needs no AWS account
      availabilityZones: c.network.availabilityZones,
      natGateways: c.network.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      // a gateway endpoint costs nothing and keeps DynamoDB traffic off the NAT
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });

    // the AZs are named on purpose: an AZ lookup would need an AWS account at synth
    Validations.of(this.vpc).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason: 'the AZs come from config.ts so that synth needs no AWS account',
    });

    this.logBucket = new s3.Bucket(this, 'Logs', {
      bucketName: c.logs.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // ALB access logs can be written to SSE-S3 buckets only
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs arrive with an ACL (awslogsdelivery): ACLs
      // stay enabled, the bucket owner still owns every object
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{
        expiration: Duration.days(c.logs.expireDays),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    suppress(this.logBucket, ['AwsSolutions-S1',
      'This is the access-log bucket itself: logging its own accesses into itself would log each log delivery. '
      + 'Reads are limited to the account (BlockPublicAccess, TLS-only policy) and CloudTrail records its API use.']);

    this.vpc.addFlowLog('FlowLogs', {
      destination: ec2.FlowLogDestination.toS3(this.logBucket, LOG_PREFIXES.flowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    const port = c.compute.containerPort;

    this.vpcLinkSg = new ec2.SecurityGroup(this, 'VpcLinkSg', {
      vpc: this.vpc,
      description: 'taskmgr API Gateway VPC link: reaches the ALB only',
      allowAllOutbound: false,
    });
    this.albSg = new ec2.SecurityGroup(this, 'AlbSg', {
      vpc: this.vpc,
      description: 'taskmgr internal ALB: reached by the VPC link only, reaches the services only',
      allowAllOutbound: false,
    });
    this.serviceSg = new ec2.SecurityGroup(this, 'ServiceSg', {
      vpc: this.vpc,
      description: 'taskmgr nginx services: reached by the ALB only, reach AWS over HTTPS',
      allowAllOutbound: false,
    });
    this.schedulerSg = new ec2.SecurityGroup(this, 'SchedulerSg', {
      vpc: this.vpc,
      // (the description is immutable: a new one would replace the group,
      // whose id the compute stack imports; the scheduler has not used SMTP
      // since email_channel ses)
      description: 'taskmgr scheduler: reached by nobody, reaches AWS over HTTPS and SMTP',
      allowAllOutbound: false,
    });

    const listener = ec2.Port.tcp(c.compute.albListenerPort);
    this.vpcLinkSg.addEgressRule(this.albSg, listener, 'to the ALB listener');
    this.albSg.addIngressRule(this.vpcLinkSg, listener, 'from the API Gateway VPC link');
    // push: CloudFront reaches the ALB itself for /api/events (a VPC
    // origin, past API Gateway); its origin-facing managed prefix list
    // (weighs 55 of the group's 60 inbound rules)
    this.albSg.addIngressRule(ec2.Peer.prefixList(c.network.cloudFrontPrefixListId), listener,
      'from CloudFront (VPC origin: /api/events)');
    // push: the scheduler publishes each in-app notification to an nginx
    // task's nchan publisher through the ALB (X-Taskmgr-Events-Key)
    this.albSg.addIngressRule(this.schedulerSg, listener, 'from the scheduler (push: the nchan publisher)');
    this.schedulerSg.addEgressRule(this.albSg, listener, 'to the ALB (push: the nchan publisher)');
    this.albSg.addEgressRule(this.serviceSg, ec2.Port.tcp(port), 'to the services (traffic and health checks)');
    this.serviceSg.addIngressRule(this.albSg, ec2.Port.tcp(port), 'from the ALB only');

    // push (issue 14): the nginx nodes share their nchan channels through
    // Redis, so that an event published on one node reaches a subscriber
    // held by another; in the private subnets, from the services only,
    // TLS in transit (nchan_redis_ssl), encrypted at rest, two nodes
    this.redisSg = new ec2.SecurityGroup(this, 'RedisSg', {
      vpc: this.vpc,
      description: 'taskmgr push Redis (ElastiCache): reached by the nginx services only',
      allowAllOutbound: false,
    });
    this.redisSg.addIngressRule(this.serviceSg, ec2.Port.tcp(REDIS_PORT), 'from the nginx services only');
    this.serviceSg.addEgressRule(this.redisSg, ec2.Port.tcp(REDIS_PORT), 'to the push Redis (nchan)');
    const redisSubnets = new elasticache.CfnSubnetGroup(this, 'RedisSubnets', {
      description: 'taskmgr push Redis: the private subnets',
      subnetIds: this.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
    });
    this.redis = new elasticache.CfnReplicationGroup(this, 'Redis', {
      replicationGroupDescription: 'taskmgr push: nchan channels and their last events',
      engine: 'redis',
      cacheNodeType: 'cache.t4g.small',
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      port: REDIS_PORT,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      cacheSubnetGroupName: redisSubnets.ref,
      securityGroupIds: [this.redisSg.securityGroupId],
      // Redis AUTH: the token from Secrets Manager (secrets stack), read
      // at deploy time; the nginx tasks get it as an ECS secret
      // (nchan_redis_password)
      authToken: redisAuthToken(c),
    });

    // AWS APIs (DynamoDB, Cognito, Secrets Manager, ECR, CloudWatch Logs) are HTTPS
    this.serviceSg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs over HTTPS');
    this.schedulerSg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs over HTTPS');
  }

  /** the configured AZs: without this override CDK would look them up in the account */
  get availabilityZones(): string[] {
    return this.azs;
  }
}
