/*
 * Compute: the ECS cluster, one Fargate service per API service (users,
 * tasks, notifications: the same image, each rendering its own nginx conf
 * from conf/ecs/<service>.conf.in) and the scheduler; the internal ALB
 * that routes by path; the API Gateway HTTP API that reaches the ALB
 * through a VPC link; the API's certificate and DNS record.
 *
 *   client ─► api.<zone> (API Gateway, TLS) ─► VPC link ─► internal ALB :80
 *            /api/users/*        ─► users          (also the default: /api/health, 404s)
 *            /api/tasks*         ─► tasks
 *            /api/notifications* ─► notifications
 *
 * The three API services deploy blue/green through CodeDeploy (cicd
 * stack): each has a blue and a green target group, the production
 * listener and a test listener.  The scheduler deploys rolling, one task
 * at a time, never two at once.
 *
 * Task roles are least privilege, statement by statement (see the
 * *_ACTIONS lists): specific DynamoDB actions on the table and its index
 * ARNs, the two Cognito admin actions on the pool, publish on the four
 * topics.  Secrets reach the containers as ECS secrets only.
 */

import { CfnOutput, Duration, Size, Stack, StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpAlbIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { ServiceName, TaskmgrConfig } from '../config';
import { AuthStack } from './auth-stack';
import { DataStack } from './data-stack';
import { MessagingStack } from './messaging-stack';
import { NetworkStack } from './network-stack';
import { SecretsStack } from './secrets-stack';

/** what each service does to the table (README: how it works; ngx_taskmgr_*.c) */
export const TABLE_ACTIONS: Record<ServiceName | 'scheduler', string[]> = {
  // profiles, EmailIndex look-ups, revocation records; DescribeTable is /api/health
  users: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem',
    'dynamodb:Query', 'dynamodb:DescribeTable'],
  // task CRUD, list queries on the LSIs, the completion chain's notification
  tasks: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem',
    'dynamodb:Query', 'dynamodb:DescribeTable'],
  // history (NotificationTimestampIndex), mark read, read-all, delete
  notifications: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem',
    'dynamodb:Query', 'dynamodb:DescribeTable'],
  // reminders and the outbox: query the two GSIs, read preferences,
  // write notifications and mark tasks
  scheduler: ['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
};

/** the Cognito calls that need IAM (SignUp, InitiateAuth, RevokeToken... are public) */
export const COGNITO_ADMIN_ACTIONS = ['cognito-idp:AdminConfirmSignUp', 'cognito-idp:AdminDeleteUser'];

/** the indexes each one queries (docs/architecture.md, "2. The table"; the module's IndexName uses) */
export const SERVICE_INDEXES: Record<ServiceName | 'scheduler', string[]> = {
  users: ['EmailIndex'],
  tasks: ['UpdatedAtIndex', 'DueDateIndex'],
  notifications: ['NotificationTimestampIndex'],
  scheduler: ['NotificationSentIndex', 'OutboxIndex'],
};

/**
 * Least-privilege table statements: the item actions on the table ARN,
 * Query on the table and on exactly the indexes this service reads.
 */
export function tableStatements(who: ServiceName | 'scheduler', tableArn: string, indexNames: string[],
  queryTable = true): iam.PolicyStatement[] {
  for (const ix of SERVICE_INDEXES[who]) {
    if (!indexNames.includes(ix)) {
      throw new Error(`${who} queries ${ix}, which conf/dynamodb-table.json does not define`);
    }
  }
  const items = TABLE_ACTIONS[who].filter((a) => a !== 'dynamodb:Query');
  const out = [new iam.PolicyStatement({ sid: 'TableItems', actions: items, resources: [tableArn] })];
  if (TABLE_ACTIONS[who].includes('dynamodb:Query')) {
    out.push(new iam.PolicyStatement({
      sid: 'TableQuery',
      actions: ['dynamodb:Query'],
      resources: [
        ...(queryTable ? [tableArn] : []),
        ...SERVICE_INDEXES[who].map((ix) => `${tableArn}/index/${ix}`),
      ],
    }));
  }
  return out;
}

export interface ComputeStackProps extends StackProps {
  readonly config: TaskmgrConfig;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly auth: AuthStack;
  readonly messaging: MessagingStack;
  readonly secrets: SecretsStack;
  readonly repository: ecr.IRepository;
}

export interface HttpService {
  readonly name: ServiceName;
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly taskRole: iam.Role;
  readonly blue: elbv2.ApplicationTargetGroup;
  readonly green: elbv2.ApplicationTargetGroup;
  readonly logGroup: logs.LogGroup;
}

export const SERVICE_NAMES: ServiceName[] = ['users', 'tasks', 'notifications'];
export const CONTAINER_NAME = 'taskmgr';

export class ComputeStack extends Stack {
  readonly cluster: ecs.Cluster;
  readonly services: Record<ServiceName, HttpService>;
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
    const vpc = props.network.vpc;
    const table = props.data.table;
    const privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      clusterName: cc.clusterName,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    const image = ecs.ContainerImage.fromEcrRepository(props.repository, c.image.tag);
    const retention = c.observability.logRetentionDays as logs.RetentionDays;

    // what every nginx service renders its conf from (scripts/ecs-entrypoint.sh)
    const nginxEnv: Record<string, string> = {
      TASKMGR_REGION: c.region,
      TASKMGR_TABLE: table.tableName,
      TASKMGR_DYNAMODB_ENDPOINT: `https://dynamodb.${c.region}.amazonaws.com`,
      TASKMGR_COGNITO_ENDPOINT: `https://cognito-idp.${c.region}.amazonaws.com`,
      TASKMGR_USER_POOL_ID: props.auth.userPool.userPoolId,
      TASKMGR_CLIENT_ID: props.auth.client.userPoolClientId,
      TASKMGR_REQUIRE_CONFIRMATION: c.auth.requireConfirmation ? 'on' : 'off',
      TASKMGR_PORT: String(cc.containerPort),
      TASKMGR_WORKERS: cc.nginxWorkers,
      TASKMGR_AUTH_RATE: cc.authRate,
      TASKMGR_AUTH_BURST: String(cc.authBurst),
      TASKMGR_REMINDER_SHARDS: String(cc.reminderShards),
      TASKMGR_NOTIFICATION_TTL: cc.notificationTtl,
      // the ALB and the VPC link are the proxies whose X-Forwarded-For to trust
      TASKMGR_TRUSTED_PROXIES: c.network.cidr,
      TASKMGR_RESOLVE_INTERVAL: String(cc.resolveInterval),
    };
    const nginxSecrets = {
      TASKMGR_CURSOR_KEY: ecs.Secret.fromSecretsManager(props.secrets.cursorKey),
    };

    this.alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc,
      internetFacing: false,
      vpcSubnets: privateSubnets,
      securityGroup: props.network.albSg,
      loadBalancerName: `${c.prefix}-internal`,
      dropInvalidHeaderFields: true,
      idleTimeout: Duration.seconds(30),
    });

    const services = {} as Record<ServiceName, HttpService>;
    for (const name of SERVICE_NAMES) {
      const s = cc.services[name];
      const Name = name[0].toUpperCase() + name.slice(1);

      const taskRole = new iam.Role(this, `${Name}TaskRole`, {
        assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
        description: `taskmgr ${name} service: its table actions only`,
      });
      for (const st of tableStatements(name, table.tableArn, props.data.indexNames)) {
        taskRole.addToPolicy(st);
      }
      if (name === 'users') {
        taskRole.addToPolicy(new iam.PolicyStatement({
          sid: 'CognitoAdmin',
          actions: COGNITO_ADMIN_ACTIONS,
          resources: [props.auth.userPool.userPoolArn],
        }));
      }

      const logGroup = new logs.LogGroup(this, `${Name}Logs`, {
        logGroupName: `/${c.prefix}/${name}`,
        retention,
      });

      const taskDefinition = new ecs.FargateTaskDefinition(this, `${Name}TaskDef`, {
        family: `${c.prefix}-${name}`,
        cpu: s.cpu,
        memoryLimitMiB: s.memoryMiB,
        taskRole,
        runtimePlatform: {
          cpuArchitecture: ecs.CpuArchitecture.X86_64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
      });
      taskDefinition.addContainer(CONTAINER_NAME, {
        containerName: CONTAINER_NAME,
        image,
        command: [name],
        environment: { ...nginxEnv, TASKMGR_SERVICE: name },
        secrets: nginxSecrets,
        portMappings: [{ containerPort: cc.containerPort, protocol: ecs.Protocol.TCP }],
        logging: ecs.LogDrivers.awsLogs({
          logGroup,
          streamPrefix: name,
          mode: ecs.AwsLogDriverMode.NON_BLOCKING,
          maxBufferSize: Size.mebibytes(4),
        }),
        healthCheck: {
          command: ['CMD', '/usr/local/bin/taskmgr-entrypoint', 'healthcheck'],
          interval: Duration.seconds(30),
          timeout: Duration.seconds(5),
          retries: 3,
          startPeriod: Duration.seconds(20),
        },
        stopTimeout: Duration.seconds(30),
      });

      const targetGroup = (color: string) => new elbv2.ApplicationTargetGroup(this, `${Name}${color}`, {
        vpc,
        port: cc.containerPort,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        deregistrationDelay: Duration.seconds(30),
        healthCheck: {
          path: cc.healthCheckPath,
          healthyHttpCodes: '200',
          interval: Duration.seconds(15),
          timeout: Duration.seconds(5),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 3,
        },
      });
      const blue = targetGroup('Blue');
      const green = targetGroup('Green');

      const service = new ecs.FargateService(this, `${Name}Service`, {
        cluster: this.cluster,
        serviceName: `${c.prefix}-${name}`,
        taskDefinition,
        desiredCount: s.desiredCount,
        securityGroups: [props.network.serviceSg],
        vpcSubnets: privateSubnets,
        assignPublicIp: false,
        // after the first deploy the pipeline owns the running revision:
        // CodeDeploy registers each new one from the family's latest
        // (infra/ci/pipeline-artifacts.sh), so a task definition changed
        // here reaches the service with the next pipeline run
        deploymentController: { type: ecs.DeploymentControllerType.CODE_DEPLOY },
        // CodeDeploy starts the green task set beside the blue one
        minHealthyPercent: 100,
        healthCheckGracePeriod: Duration.seconds(60),
        propagateTags: ecs.PropagatedTagSource.SERVICE,
        enableECSManagedTags: true,
      });
      service.attachToApplicationTargetGroup(blue);

      const scaling = service.autoScaleTaskCount({ minCapacity: s.minCount, maxCapacity: s.maxCount });
      scaling.scaleOnCpuUtilization('Cpu', {
        targetUtilizationPercent: s.cpuTargetPercent,
        scaleOutCooldown: Duration.seconds(60),
        scaleInCooldown: Duration.seconds(300),
      });

      services[name] = { name, service, taskDefinition, taskRole, blue, green, logGroup };
    }
    this.services = services;

    // production: users is the default (it answers /api/health and the
    // module's JSON 404 for unknown /api/ routes); the others by path.
    // Forward actions only: CodeDeploy swaps each blue target group for
    // its green one wherever it appears.
    this.listener = this.alb.addListener('Http', {
      port: cc.albListenerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultTargetGroups: [services.users.blue],
    });
    this.testListener = this.alb.addListener('Test', {
      port: cc.albTestListenerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultTargetGroups: [services.users.green],
    });
    for (const name of SERVICE_NAMES) {
      const s = cc.services[name];
      const Name = name[0].toUpperCase() + name.slice(1);
      const conditions = [elbv2.ListenerCondition.pathPatterns(s.pathPatterns)];
      this.listener.addTargetGroups(Name, { priority: s.priority, conditions, targetGroups: [services[name].blue] });
      this.testListener.addTargetGroups(`${Name}Test`, {
        priority: s.priority, conditions, targetGroups: [services[name].green],
      });
    }

    // the scheduler: no load balancer, no inbound traffic, one task
    this.schedulerRole = new iam.Role(this, 'SchedulerTaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'taskmgr scheduler: query the reminder and outbox indexes, write items, publish the four topics',
    });
    // the scheduler reads through its two indexes only, never the table's keys
    for (const st of tableStatements('scheduler', table.tableArn, props.data.indexNames, false)) {
      this.schedulerRole.addToPolicy(st);
    }
    this.schedulerRole.addToPolicy(new iam.PolicyStatement({
      sid: 'Publish',
      actions: ['sns:Publish'],
      resources: props.messaging.topics.map((t) => t.topicArn),
    }));

    this.schedulerLogGroup = new logs.LogGroup(this, 'SchedulerLogs', {
      logGroupName: `/${c.prefix}/scheduler`,
      retention,
    });
    this.schedulerTaskDefinition = new ecs.FargateTaskDefinition(this, 'SchedulerTaskDef', {
      family: `${c.prefix}-scheduler`,
      cpu: cc.scheduler.cpu,
      memoryLimitMiB: cc.scheduler.memoryMiB,
      taskRole: this.schedulerRole,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    const m = props.messaging;
    this.schedulerTaskDefinition.addContainer(CONTAINER_NAME, {
      containerName: CONTAINER_NAME,
      image,
      command: ['scheduler'],
      environment: {
        TASKMGR_SERVICE: 'scheduler',
        TASKMGR_REGION: c.region,
        TASKMGR_TABLE: table.tableName,
        TASKMGR_DYNAMODB_ENDPOINT: `https://dynamodb.${c.region}.amazonaws.com`,
        TASKMGR_SNS_ENDPOINT: `https://sns.${c.region}.amazonaws.com`,
        TASKMGR_TOPIC_TASK_DUE_EMAIL: m.taskDueEmail.topicArn,
        TASKMGR_TOPIC_TASK_DUE_SMS: m.taskDueSms.topicArn,
        TASKMGR_TOPIC_TASK_COMPLETED_EMAIL: m.taskCompletedEmail.topicArn,
        TASKMGR_TOPIC_TASK_COMPLETED_SMS: m.taskCompletedSms.topicArn,
        TASKMGR_SCAN_INTERVAL: cc.scheduler.scanInterval,
        TASKMGR_REMINDER_SHARDS: String(cc.reminderShards),
        TASKMGR_NOTIFICATION_TTL: cc.notificationTtl,
        TASKMGR_WEB_URL: `https://${c.domain.webDomain}`,
        TASKMGR_EMAIL_CHANNEL: cc.scheduler.emailChannel,
        TASKMGR_SMTP_URL: `smtp://${c.secrets.smtpHost}:${c.secrets.smtpPort}`,
        TASKMGR_MAIL_FROM: c.secrets.mailFrom,
        TASKMGR_SCHEDULER_LOG_LEVEL: cc.scheduler.logLevel,
      },
      secrets: {
        TASKMGR_SMTP_USERNAME: ecs.Secret.fromSecretsManager(props.secrets.smtp, 'username'),
        TASKMGR_SMTP_PASSWORD: ecs.Secret.fromSecretsManager(props.secrets.smtp, 'password'),
      },
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.schedulerLogGroup,
        streamPrefix: 'scheduler',
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
        maxBufferSize: Size.mebibytes(4),
      }),
      healthCheck: {
        command: ['CMD', '/usr/local/bin/taskmgr-entrypoint', 'healthcheck'],
        interval: Duration.seconds(60),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(20),
      },
      stopTimeout: Duration.seconds(60),
    });
    this.scheduler = new ecs.FargateService(this, 'SchedulerService', {
      cluster: this.cluster,
      serviceName: `${c.prefix}-scheduler`,
      taskDefinition: this.schedulerTaskDefinition,
      desiredCount: cc.scheduler.desiredCount,
      securityGroups: [props.network.schedulerSg],
      vpcSubnets: privateSubnets,
      assignPublicIp: false,
      // stop the old task before starting the new: never two schedulers
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      circuitBreaker: { enable: true, rollback: true },
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    });

    // API Gateway: the public entry, TLS on the api domain, into the VPC
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: c.domain.hostedZoneId,
      zoneName: c.domain.zoneName,
    });
    const certificate = new acm.Certificate(this, 'ApiCertificate', {
      domainName: c.domain.apiDomain,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    const domainName = new apigwv2.DomainName(this, 'ApiDomain', {
      domainName: c.domain.apiDomain,
      certificate,
    });
    const vpcLink = new apigwv2.VpcLink(this, 'VpcLink', {
      vpc,
      vpcLinkName: `${c.prefix}-alb`,
      subnets: privateSubnets,
      securityGroups: [props.network.vpcLinkSg],
    });
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: c.prefix,
      description: 'taskmgr API: /api/* to the internal ALB',
      createDefaultStage: false,
      // only the custom domain (and CloudFront's /api/* behaviour through it)
      disableExecuteApiEndpoint: true,
    });
    this.api.addRoutes({
      path: '/api/{proxy+}',
      methods: [apigwv2.HttpMethod.ANY],
      integration: new HttpAlbIntegration('Alb', this.listener, { vpcLink }),
    });
    this.apiLogGroup = new logs.LogGroup(this, 'ApiLogs', {
      logGroupName: `/${c.prefix}/api-gateway`,
      retention,
    });
    const stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: c.api.throttleRatePerSecond, burstLimit: c.api.throttleBurst },
      domainMapping: { domainName },
    });
    const cfnStage = stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.accessLogSettings = {
      destinationArn: this.apiLogGroup.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        time: '$context.requestTime',
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        integrationLatencyMs: '$context.integrationLatency',
        integrationError: '$context.integrationErrorMessage',
      }),
    };
    new route53.ARecord(this, 'ApiRecord', {
      zone,
      recordName: c.domain.apiDomain,
      target: route53.RecordTarget.fromAlias(
        new route53targets.ApiGatewayv2DomainProperties(domainName.regionalDomainName, domainName.regionalHostedZoneId),
      ),
    });
    new CfnOutput(this, 'ApiUrl', { value: `https://${c.domain.apiDomain}/api/` });
    new CfnOutput(this, 'ClusterName', { value: this.cluster.clusterName });
  }
}
