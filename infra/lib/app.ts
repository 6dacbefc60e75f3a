/*
 * The whole deployment: every stack, wired together.  bin/taskmgr.ts
 * calls this for `cdk synth/deploy`; the tests call it with their own
 * App and config.
 */

import { App, Environment, Tags } from 'aws-cdk-lib';
import { TaskmgrConfig } from '../config';
import { AuthStack } from './auth-stack';
import { CicdStack } from './cicd-stack';
import { ComputeStack, SERVICE_NAMES } from './compute-stack';
import { DataStack } from './data-stack';
import { MessagingStack } from './messaging-stack';
import { NetworkStack } from './network-stack';
import { ObservabilityStack } from './observability-stack';
import { RegistryStack } from './registry-stack';
import { SecretsStack } from './secrets-stack';
import { TableDefinition } from './table-definition';
import { EdgeCertificateStack, WebStack } from './web-stack';
import { stackIdPrefix } from './names';

export interface TaskmgrStacks {
  network: NetworkStack;
  data: DataStack;
  auth: AuthStack;
  messaging: MessagingStack;
  secrets: SecretsStack;
  registry: RegistryStack;
  compute: ComputeStack;
  edgeCertificate: EdgeCertificateStack;
  web: WebStack;
  observability: ObservabilityStack;
  cicd: CicdStack;
}

/** CloudFront takes certificates from this region only */
export const EDGE_REGION = 'us-east-1';

export function buildApp(app: App, config: TaskmgrConfig, opts: { tableDefinition?: TableDefinition } = {}): TaskmgrStacks {
  const env: Environment = { account: config.account, region: config.region };
  const edgeEnv: Environment = { account: config.account, region: EDGE_REGION };
  // the web stack reads a certificate from us-east-1 when the app lives elsewhere
  const crossRegionReferences = config.region !== EDGE_REGION;
  // TaskmgrNetwork..., TaskmgrDevNetwork... for stage dev
  const p = stackIdPrefix(config.prefix);
  const base = { env, config };

  const network = new NetworkStack(app, `${p}Network`, { ...base, description: 'taskmgr: VPC, subnets, NAT, security groups' });
  const data = new DataStack(app, `${p}Data`, {
    ...base, description: 'taskmgr: the DynamoDB table (conf/dynamodb-table.json)', tableDefinition: opts.tableDefinition,
  });
  const auth = new AuthStack(app, `${p}Auth`, { ...base, description: 'taskmgr: Cognito user pool and app client' });
  const messaging = new MessagingStack(app, `${p}Messaging`, { ...base, description: 'taskmgr: the four notification topics' });
  const secrets = new SecretsStack(app, `${p}Secrets`, { ...base, description: 'taskmgr: cursor key, origin-verify value, push secrets' });
  network.addStackDependency(secrets, 'ElastiCache reads the Redis AUTH token at deploy time');
  const registry = new RegistryStack(app, `${p}Registry`, { ...base, description: 'taskmgr: the image repository' });
  const compute = new ComputeStack(app, `${p}Compute`, {
    ...base,
    description: 'taskmgr: ECS services, internal ALB, API Gateway',
    vpc: network.vpc,
    securityGroups: {
      alb: network.albSg, services: network.serviceSg, scheduler: network.schedulerSg, vpcLink: network.vpcLinkSg,
    },
    table: data.table,
    indexNames: data.indexNames,
    userPool: auth.userPool,
    userPoolClient: auth.client,
    topics: messaging,
    cursorKey: secrets.cursorKey,
    push: {
      redis: network.redis,
      redisAuth: secrets.redisAuth,
      eventsKey: secrets.eventsKey,
    },
    repository: registry.repository,
    logBucket: network.logBucket,
  });
  const edgeCertificate = new EdgeCertificateStack(app, `${p}EdgeCertificate`, {
    env: edgeEnv, config, crossRegionReferences,
    description: 'taskmgr: the web certificate and WAF web ACL, in us-east-1 for CloudFront',
  });
  const web = new WebStack(app, `${p}Web`, {
    ...base, crossRegionReferences, certificate: edgeCertificate.certificate,
    webAclArn: edgeCertificate.webAcl.attrArn, logBucket: network.logBucket, alb: compute.alb,
    description: 'taskmgr: web app on S3 + CloudFront, /api/* to API Gateway',
  });
  web.addStackDependency(compute, 'CloudFront sends /api/* to the API domain');
  web.addStackDependency(secrets, 'CloudFront reads the origin-verify value at deploy time');
  const observability = new ObservabilityStack(app, `${p}Observability`, {
    ...base,
    description: 'taskmgr: alarms, ops topic, dashboard',
    alb: compute.alb,
    services: SERVICE_NAMES.map((n) => compute.services[n].service),
    schedulerLogGroup: compute.schedulerLogGroup,
    serviceLogGroups: SERVICE_NAMES.map((n) => compute.services[n].logGroup),
    table: data.table,
    globalIndexNames: (data.definition.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName),
  });
  const cicd = new CicdStack(app, `${p}Cicd`, {
    ...base,
    description: 'taskmgr: CodePipeline, CodeBuild, CodeDeploy blue/green',
    repository: registry.repository,
    cluster: compute.cluster,
    services: compute.services,
    listener: compute.listener,
    testListener: compute.testListener,
    scheduler: { service: compute.scheduler, taskDefinition: compute.schedulerTaskDefinition },
    schedulerFamily: compute.schedulerTaskDefinition.family,
    webBucket: web.bucket,
    distribution: web.distribution,
    headersStore: web.headersStore,
    rollbackAlarms: observability.rollbackAlarms,
  });

  for (const [k, v] of Object.entries(config.tags)) {
    Tags.of(app).add(k, v);
  }
  return { network, data, auth, messaging, secrets, registry, compute, edgeCertificate, web, observability, cicd };
}
