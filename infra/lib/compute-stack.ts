/*
 * Compute: the ECS cluster, one Fargate service per API service (users,
 * tasks, notifications: the same image, each rendering its own nginx conf
 * from conf/ecs/<service>.conf.in) and the scheduler; the internal ALB
 * that routes by path; the API Gateway HTTP API that reaches the ALB
 * through a VPC link; the API's certificate and DNS record.
 *
 *   CloudFront /api/* ─► api.<zone> (API Gateway, TLS) ─► VPC link ─► internal ALB :80
 *            /api/users/*        ─► users          (also the rest: /api/health, 404s)
 *            /api/tasks*, /api/lists*, /api/labels ─► tasks
 *            /api/notifications* ─► notifications
 *            no X-Origin-Verify  ─► 403            (the listener's default)
 *   CloudFront /api/events (VPC origin, past API Gateway) ─► internal ALB ─► notifications
 *   scheduler ─► internal ALB /_taskmgr/events/publish/* ─► notifications (nchan publisher)
 *
 * Push (issue 14): every nginx task loads nchan and publishes its writes;
 * the channels live in ElastiCache (TASKMGR_REDIS_ENDPOINT, TLS, the AUTH
 * token as an ECS secret), so an event published by any task reaches the
 * subscribers the notifications tasks hold.  The publisher location
 * requires X-Taskmgr-Events-Key (an ECS secret of the nginx tasks and the
 * scheduler's), not an address.
 *
 * Every forwarding rule also requires the X-Origin-Verify header with the
 * value CloudFront adds (Secrets Manager, read at deploy time): a call to
 * the API domain that did not come through CloudFront, and its WAF, stops
 * at the ALB (README, Security).  The one exception is the scheduler's
 * rule to the nchan publisher, which requires the events key instead.
 *
 * The three API services deploy blue/green through CodeDeploy (cicd
 * stack): each has a blue and a green target group, the production
 * listener and a test listener.  The scheduler's replicas (desiredCount,
 * -c schedulerCount) share the shards by leases and deploy rolling.
 *
 * Task roles are least privilege, statement by statement (see the
 * *_ACTIONS lists): specific DynamoDB actions on the table and its index
 * ARNs, the two Cognito admin actions on the pool, publish on the four
 * topics, SendEmail as the mail identity.  Secrets reach the containers
 * as ECS secrets only.  The ALB writes access logs to the log bucket.
 */

import { CfnElement, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ServiceName, TaskmgrConfig } from '../config';
import { ApiService } from './constructs/api-service';
import { flattenLogicalIds, flatPath, flatUniqueId, uniqueId } from './constructs/logical-ids';
import { PrivateHttpApi } from './constructs/private-http-api';
import { SchedulerService } from './constructs/scheduler-service';
import { COGNITO_ADMIN_ACTIONS, SERVICE_NAMES, TaskmgrContainerOptions } from './constructs/taskmgr-task';
import { capitalize } from './names';
import { LOG_PREFIXES } from './network-stack';
import { EVENTS_KEY_HEADER, eventsKeyValue, ORIGIN_VERIFY_HEADER, originVerifyValues } from './secrets-stack';

export {
  COGNITO_ADMIN_ACTIONS, CONTAINER_NAME, SERVICE_INDEXES, SERVICE_NAMES, TABLE_ACTIONS, tableStatements,
} from './constructs/taskmgr-task';

/** the four topics the scheduler publishes to, each to its own environment variable */
export interface NotificationTopics {
  readonly taskDueEmail: sns.ITopic;
  readonly taskDueSms: sns.ITopic;
  readonly taskCompletedEmail: sns.ITopic;
  readonly taskCompletedSms: sns.ITopic;
}

export interface ComputeStackProps extends StackProps {
  readonly config: TaskmgrConfig;
  readonly vpc: ec2.IVpc;
  readonly securityGroups: {
    readonly alb: ec2.ISecurityGroup;
    /** the three nginx services */
    readonly services: ec2.ISecurityGroup;
    readonly scheduler: ec2.ISecurityGroup;
    /** the API Gateway VPC link's ENIs */
    readonly vpcLink: ec2.ISecurityGroup;
  };
  readonly table: dynamodb.ITable;
  /** every index of the table, global and local: the grants cover exactly these */
  readonly indexNames: string[];
  readonly userPool: cognito.IUserPool;
  readonly userPoolClient: cognito.IUserPoolClient;
  readonly topics: NotificationTopics;
  readonly cursorKey: secretsmanager.ISecret;
  /** push (issue 14): nchan's Redis and the two secrets around it */
  readonly push: {
    readonly redis: elasticache.CfnReplicationGroup;
    /** ElastiCache's AUTH token (nchan_redis_password) */
    readonly redisAuth: secretsmanager.ISecret;
    /** X-Taskmgr-Events-Key: what the nchan publisher location requires */
    readonly eventsKey: secretsmanager.ISecret;
  };
  readonly repository: ecr.IRepository;
  /** ALB access logs */
  readonly logBucket: s3.IBucket;
}

/** what CodeDeploy and the dashboards need of one API service */
export type HttpService = ApiService;

const endpoint = (service: string, region: string) => `https://${service}.${region}.amazonaws.com`;

/** the catch-all forwarding rule (to users): after every path rule */
export const CATCH_ALL_PRIORITY = 50000;

/** the scheduler's publishes: the ALB forwards this path to the notifications service's nchan publisher */
export const EVENTS_PUBLISH_PATH = '/_taskmgr/events/publish';

/** its rule: before the services' path rules (it needs no origin-verify header) */
export const EVENTS_PUBLISH_PRIORITY = 5;

/** the ALB's idle timeout: above nchan's 30 s ping on /api/events */
export const ALB_IDLE_TIMEOUT_S = 120;

/** what the ALB answers a request without the origin-verify header */
export const FORBIDDEN_BODY = '{"error":{"code":"forbidden","message":"use the web app\'s address"}}';

/** the SES identity the scheduler sends as: the domain of mail_from */
export function mailIdentityArn(c: TaskmgrConfig): string {
  const domain = c.secrets.mailFrom.split('@')[1];
  return `arn:aws:ses:${c.region}:${c.account}:identity/${domain}`;
}

export class ComputeStack extends Stack {
  readonly cluster: ecs.Cluster;
  readonly services: Record<ServiceName, ApiService>;
  readonly scheduler: ecs.FargateService;
  readonly schedulerTaskDefinition: ecs.FargateTaskDefinition;
  readonly schedulerRole: iam.Role;
  readonly schedulerLogGroup: logs.LogGroup;
  readonly alb: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly testListener: elbv2.ApplicationListener;
  readonly api: apigwv2.HttpApi;
  readonly apiLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ComputeStackProps) {
    super(scope, id, props);
    const c = props.config;
    const cc = c.compute;
    const vpc = props.vpc;
    const table = props.table;
    const privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      clusterName: cc.clusterName,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    const container = (environment: Record<string, string>, secrets: Record<string, ecs.Secret>):
      TaskmgrContainerOptions => ({
      image: ecs.ContainerImage.fromEcrRepository(props.repository, c.image.tag),
      environment,
      secrets,
      logRetention: c.observability.logRetentionDays,
      prefix: c.prefix,
    });
    // what every service reads the table with, and the reminder layout it shares
    const tableEnv = {
      TASKMGR_REGION: c.region,
      TASKMGR_TABLE: table.tableName,
      TASKMGR_DYNAMODB_ENDPOINT: endpoint('dynamodb', c.region),
    };
    const reminderEnv = {
      TASKMGR_REMINDER_SHARDS: String(cc.reminderShards),
      TASKMGR_NOTIFICATION_TTL: cc.notificationTtl,
    };

    this.alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc,
      internetFacing: false,
      vpcSubnets: privateSubnets,
      securityGroup: props.securityGroups.alb,
      loadBalancerName: `${c.prefix}-internal`,
      dropInvalidHeaderFields: true,
      // /api/events streams stay open for hours: nchan sends a comment
      // every 30 s, and the ALB must not close a stream idle for less
      // (it counts idle time, not a request's length)
      idleTimeout: Duration.seconds(ALB_IDLE_TIMEOUT_S),
    });
    this.alb.logAccessLogs(props.logBucket, LOG_PREFIXES.alb);

    // what every nginx service renders its conf from (scripts/ecs-entrypoint.sh)
    const nginx = container({
      ...tableEnv,
      TASKMGR_COGNITO_ENDPOINT: endpoint('cognito-idp', c.region),
      TASKMGR_USER_POOL_ID: props.userPool.userPoolId,
      TASKMGR_CLIENT_ID: props.userPoolClient.userPoolClientId,
      TASKMGR_REQUIRE_CONFIRMATION: c.auth.requireConfirmation ? 'on' : 'off',
      TASKMGR_PORT: String(cc.containerPort),
      TASKMGR_WORKERS: cc.nginxWorkers,
      TASKMGR_AUTH_RATE: cc.authRate,
      TASKMGR_AUTH_BURST: String(cc.authBurst),
      ...reminderEnv,
      // the ALB and the VPC link are the proxies whose X-Forwarded-For to trust
      TASKMGR_TRUSTED_PROXIES: c.network.cidr,
      TASKMGR_RESOLVE_INTERVAL: String(cc.resolveInterval),
      // push: nchan's channels in ElastiCache (TLS: rediss://)
      TASKMGR_REDIS_ENDPOINT: `rediss://${props.push.redis.attrPrimaryEndPointAddress}:`
        + props.push.redis.attrPrimaryEndPointPort,
    }, {
      TASKMGR_CURSOR_KEY: ecs.Secret.fromSecretsManager(props.cursorKey),
      TASKMGR_REDIS_AUTH: ecs.Secret.fromSecretsManager(props.push.redisAuth),
      TASKMGR_EVENTS_KEY: ecs.Secret.fromSecretsManager(props.push.eventsKey),
    });
    const extraStatements: Partial<Record<ServiceName, iam.PolicyStatement[]>> = {
      users: [new iam.PolicyStatement({
        sid: 'CognitoAdmin',
        actions: COGNITO_ADMIN_ACTIONS,
        resources: [props.userPool.userPoolArn],
      })],
    };

    const services = {} as Record<ServiceName, ApiService>;
    for (const name of SERVICE_NAMES) {
      services[name] = new ApiService(this, capitalize(name), {
        name,
        sizing: cc.services[name],
        cluster: this.cluster,
        subnets: privateSubnets,
        securityGroup: props.securityGroups.services,
        container: nginx,
        containerPort: cc.containerPort,
        healthCheckPath: cc.healthCheckPath,
        table,
        indexNames: props.indexNames,
        extraStatements: extraStatements[name],
      });
    }
    this.services = services;

    // production: only requests with the origin-verify header are
    // forwarded: each service by path, users also for the rest (it answers
    // /api/health and the module's JSON 404 for unknown /api/ routes);
    // without the header, 403.  CodeDeploy swaps each blue target group
    // for its green one in every rule that forwards to it.
    this.listener = this.alb.addListener('Http', {
      port: cc.albListenerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(403, {
        contentType: 'application/json',
        messageBody: FORBIDDEN_BODY,
      }),
    });
    const fromCloudFront = elbv2.ListenerCondition.httpHeader(ORIGIN_VERIFY_HEADER,
      originVerifyValues(c.secrets));
    this.testListener = this.alb.addListener('Test', {
      port: cc.albTestListenerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultTargetGroups: [services.users.green],
    });
    for (const name of SERVICE_NAMES) {
      const { priority, pathPatterns } = cc.services[name];
      const id = services[name].node.id;
      const conditions = [elbv2.ListenerCondition.pathPatterns(pathPatterns)];
      this.listener.addTargetGroups(id, {
        priority, conditions: [...conditions, fromCloudFront], targetGroups: [services[name].blue],
      });
      this.testListener.addTargetGroups(`${id}Test`, { priority, conditions, targetGroups: [services[name].green] });
    }
    // push: the scheduler's publishes, from inside the VPC (API Gateway
    // routes /api/* only, CloudFront /api/events only): any nginx task
    // will do, Redis carries the event to the subscribers' tasks.  Like
    // every other rule it requires a secret header, here the events key
    // (a dynamic reference, like the origin-verify value); nginx checks
    // it again, case and all
    this.listener.addTargetGroups('EventsPublish', {
      priority: EVENTS_PUBLISH_PRIORITY,
      conditions: [
        elbv2.ListenerCondition.pathPatterns([`${EVENTS_PUBLISH_PATH}/*`]),
        elbv2.ListenerCondition.httpHeader(EVENTS_KEY_HEADER, [eventsKeyValue(c.secrets)]),
      ],
      targetGroups: [services.notifications.blue],
    });
    this.listener.addTargetGroups('CatchAll', {
      priority: CATCH_ALL_PRIORITY, conditions: [fromCloudFront], targetGroups: [services.users.blue],
    });

    const m = props.topics;
    const scheduler = new SchedulerService(this, 'Scheduler', {
      sizing: cc.scheduler,
      cluster: this.cluster,
      subnets: privateSubnets,
      securityGroup: props.securityGroups.scheduler,
      container: container({
        ...tableEnv,
        TASKMGR_SNS_ENDPOINT: endpoint('sns', c.region),
        TASKMGR_TOPIC_TASK_DUE_EMAIL: m.taskDueEmail.topicArn,
        TASKMGR_TOPIC_TASK_DUE_SMS: m.taskDueSms.topicArn,
        TASKMGR_TOPIC_TASK_COMPLETED_EMAIL: m.taskCompletedEmail.topicArn,
        TASKMGR_TOPIC_TASK_COMPLETED_SMS: m.taskCompletedSms.topicArn,
        TASKMGR_SCAN_INTERVAL: cc.scheduler.scanInterval,
        ...reminderEnv,
        TASKMGR_WEB_URL: `https://${c.domain.webDomain}`,
        TASKMGR_EMAIL_CHANNEL: cc.scheduler.emailChannel,
        TASKMGR_SES_ENDPOINT: endpoint('email', c.region),
        TASKMGR_MAIL_FROM: c.secrets.mailFrom,
        TASKMGR_SCHEDULER_LOG_LEVEL: cc.scheduler.logLevel,
        // account deletion: the Cognito user of a deletion cut short
        TASKMGR_USER_POOL_ID: props.userPool.userPoolId,
        TASKMGR_COGNITO_ENDPOINT: endpoint('cognito-idp', c.region),
        // push: each in-app notification it creates, to an nginx task's
        // nchan publisher through the internal ALB (scheduler.conf events_url)
        TASKMGR_EVENTS_URL: `http://${this.alb.loadBalancerDnsName}:${cc.albListenerPort}${EVENTS_PUBLISH_PATH}`,
      }, {
        TASKMGR_EVENTS_KEY: ecs.Secret.fromSecretsManager(props.push.eventsKey),
      }),
      table,
      indexNames: props.indexNames,
      topics: [m.taskDueEmail, m.taskDueSms, m.taskCompletedEmail, m.taskCompletedSms],
      mailIdentities: cc.scheduler.emailChannel === 'ses' ? [mailIdentityArn(c)] : [],
    });
    // a deletion cut short: its Cognito user, deleted if its sub still matches
    scheduler.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CognitoDeleteUser',
      actions: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser'],
      resources: [props.userPool.userPoolArn],
    }));
    this.scheduler = scheduler.service;
    this.schedulerTaskDefinition = scheduler.taskDefinition;
    this.schedulerRole = scheduler.taskRole;
    this.schedulerLogGroup = scheduler.logGroup;

    // API Gateway: the public entry, TLS on the api domain, into the VPC
    const api = new PrivateHttpApi(this, 'Api', {
      apiName: c.prefix,
      vpcLinkName: `${c.prefix}-alb`,
      description: 'taskmgr API: /api/* to the internal ALB',
      domainName: c.domain.apiDomain,
      zoneName: c.domain.zoneName,
      hostedZoneId: c.domain.hostedZoneId,
      vpc,
      subnets: privateSubnets,
      securityGroup: props.securityGroups.vpcLink,
      listener: this.listener,
      accessLogGroupName: `/${c.prefix}/api-gateway`,
      logRetention: c.observability.logRetentionDays,
      throttle: { rateLimit: c.api.throttleRatePerSecond, burstLimit: c.api.throttleBurst },
    });
    this.api = api.api;
    this.apiLogGroup = api.logGroup;

    new CfnOutput(this, 'ApiUrl', { value: `https://${c.domain.apiDomain}/api/` });
    new CfnOutput(this, 'ClusterName', { value: this.cluster.clusterName });

    this.keepLogicalIds([...Object.values(services), scheduler], api);
  }

  /**
   * The services and the API were built in this stack directly before they
   * were constructs: keep every logical id (and the names derived from
   * paths) they had then, so that an update replaces nothing.
   */
  private keepLogicalIds(services: Construct[], api: PrivateHttpApi): void {
    for (const s of services) flattenLogicalIds(s);
    flattenLogicalIds(api, { VpcLink: 'VpcLink', Stage: 'Stage' });
    // scaling policies are named Names.uniqueId(policy), a path too
    for (const x of this.node.findAll()) {
      if (x instanceof appscaling.CfnScalingPolicy && x.node.scope) x.policyName = flatUniqueId(x.node.scope);
    }
    // HttpStage names its API mapping after the domain construct's path
    const mapping = api.stage.node.findAll().find((x) => x instanceof apigwv2.CfnApiMapping);
    if (mapping instanceof apigwv2.CfnApiMapping) {
      const domainPath = [this.node.id, ...flatPath(api.domain)].join('--');
      mapping.overrideLogicalId(uniqueId(['Stage', `${domainPath}undefined`, 'Resource']));
    }
  }

  protected allocateLogicalId(element: CfnElement): string {
    return uniqueId(flatPath(element));
  }
}
