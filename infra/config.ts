/*
 * Every name and size of the AWS deployment, in one typed object.
 *
 * The app reads `defaultConfig`, then lets CDK context override the few
 * values that differ per account (`cdk synth -c account=123456789012
 * -c region=eu-west-1 -c zoneName=example.org -c hostedZoneId=Z...`).
 * Nothing here is looked up in an AWS account at synth time: the
 * availability zones, the hosted zone and the account are all given, so
 * `cdk synth` works offline.
 */

import * as path from 'node:path';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export type ServiceName = 'users' | 'tasks' | 'notifications';

export interface HttpServiceConfig {
  /** Fargate task size: vCPU units (256 = 0.25 vCPU) and MiB */
  readonly cpu: number;
  readonly memoryMiB: number;
  /** tasks running at rest, and the autoscaling bounds around them */
  readonly desiredCount: number;
  readonly minCount: number;
  readonly maxCount: number;
  /** target-tracking on average CPU, percent */
  readonly cpuTargetPercent: number;
  /** ALB path patterns routed to this service (listener rule) */
  readonly pathPatterns: string[];
  /** ALB rule priority (lower wins) */
  readonly priority: number;
}

export interface TaskmgrConfig {
  /**
   * The one setting every physical name and stack id derives from (see
   * physicalNames): `taskmgr` for the default stage, `taskmgr-<stage>` for
   * another, so that stages can share an account.
   */
  readonly prefix: string;
  readonly account: string;
  readonly region: string;
  /** tags put on every resource */
  readonly tags: Record<string, string>;

  readonly network: {
    readonly cidr: string;
    /** given, not looked up: synth stays offline */
    readonly availabilityZones: string[];
    /** one NAT gateway per AZ is resilient, one in total is cheaper */
    readonly natGateways: number;
    /**
     * CloudFront's origin-facing managed prefix list in this region
     * (com.amazonaws.global.cloudfront.origin-facing): the internal ALB
     * admits it on the listener port, for /api/events through the VPC
     * origin.  An id, not a lookup: synth stays offline
     */
    readonly cloudFrontPrefixListId: string;
  };

  readonly data: {
    /** the one table definition the local stack uses too (repo-relative) */
    readonly tableDefinitionFile: string;
    readonly ttlAttribute: string;
    readonly deletionProtection: boolean;
  };

  readonly auth: {
    readonly userPoolName: string;
    readonly clientName: string;
    /** the policy the module enforces itself (README: Passwords) */
    readonly passwordMinLength: number;
    readonly accessTokenMinutes: number;
    readonly idTokenMinutes: number;
    readonly refreshTokenDays: number;
    /** true: register answers confirmationRequired, the emailed code confirms */
    readonly requireConfirmation: boolean;
    /** Cognito's price plan: LITE has all the API uses, at the lowest price per MAU */
    readonly featurePlan: 'LITE' | 'ESSENTIALS' | 'PLUS';
  };

  readonly messaging: {
    readonly taskDueEmailTopic: string;
    readonly taskDueSmsTopic: string;
    readonly taskCompletedEmailTopic: string;
    readonly taskCompletedSmsTopic: string;
  };

  readonly secrets: {
    readonly cursorKeyName: string;
    readonly cursorKeyLength: number;
    /**
     * the value CloudFront sends the API as X-Origin-Verify and the ALB
     * requires (README: Security): generated, never in the repository
     */
    readonly originVerifyName: string;
    /** push: ElastiCache's AUTH token (nchan_redis_password in the nginx tasks) */
    readonly redisAuthName: string;
    /** push: X-Taskmgr-Events-Key, what the nchan publisher requires (nginx and scheduler tasks) */
    readonly eventsKeyName: string;
    /**
     * while rotating it: the ALB accepts the previous value too
     * (README, Security: rotating the origin-verify value)
     */
    readonly acceptPreviousOriginVerify: boolean;
    /** From of the scheduler's mail; its domain is the SES identity the scheduler may send as */
    readonly mailFrom: string;
  };

  readonly domain: {
    readonly zoneName: string;
    /** an existing public hosted zone (imported by id, never looked up) */
    readonly hostedZoneId: string;
    readonly apiDomain: string;
    readonly webDomain: string;
  };

  readonly image: {
    readonly repositoryName: string;
    /**
     * the tag the task definitions start from: the commit tag the pipeline
     * pushes (infra/ci/build-image.sh), never a moving one like `latest`;
     * the pipeline moves the services on from there
     */
    readonly tag: string;
    readonly keepImages: number;
  };

  readonly compute: {
    readonly clusterName: string;
    readonly containerPort: number;
    readonly albListenerPort: number;
    /** CodeDeploy's test listener (green target groups), not reachable from outside */
    readonly albTestListenerPort: number;
    readonly healthCheckPath: string;
    readonly nginxWorkers: string;
    readonly authRate: string;
    readonly authBurst: number;
    readonly reminderShards: number;
    readonly notificationTtl: string;
    /**
     * seconds between nginx reloads that re-resolve the AWS endpoints; 0:
     * never.  0: nginx with nchan (push) is never reloaded (nchan 1.3.6
     * crashes workers forked by a reload on Redis; README, Push), and the
     * entrypoint ignores any other value
     */
    readonly resolveInterval: number;
    readonly services: Record<ServiceName, HttpServiceConfig>;
    readonly scheduler: {
      readonly cpu: number;
      readonly memoryMiB: number;
      /**
       * replicas sharing the reminder and outbox shards by leases
       * (scheduler.conf shard_leases); at most reminderShards, or some
       * would hold none.  Context: -c schedulerCount=<n>
       */
      readonly desiredCount: number;
      /** between reminder passes (scheduler.conf scan_interval): a reminder fires within one of its time */
      readonly scanInterval: string;
      /**
       * ses: SES v2 SendEmail signed with the task role (no stored
       * password); sns: the Email topics, for a subscriber to deliver
       */
      readonly emailChannel: 'ses' | 'sns';
      readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
    };
  };

  readonly api: {
    readonly throttleRatePerSecond: number;
    readonly throttleBurst: number;
  };

  readonly web: {
    readonly bucketName: string;
    readonly priceClass: 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
    /** the CloudFront web ACL (README: Security) */
    readonly waf: {
      readonly webAclName: string;
      /** requests per client IP in 5 minutes to the credential endpoints, then 429 */
      readonly authRatePer5Minutes: number;
      /** URI paths the rate rule counts: an exact path, or a prefix ending in / */
      readonly authPaths: string[];
    };
  };

  /** the one bucket for CloudFront, ALB and VPC flow logs */
  readonly logs: {
    readonly bucketName: string;
    readonly expireDays: number;
  };

  readonly observability: {
    readonly logRetentionDays: RetentionDays;
    readonly opsTopicName: string;
    /** subscribed to the ops topic when set */
    readonly opsEmail?: string;
    readonly dashboardName: string;
    readonly alb5xxPerMinute: number;
    readonly p99LatencySeconds: number;
    readonly schedulerErrorsPer5Minutes: number;
    readonly dynamodbThrottlesPer5Minutes: number;
  };

  readonly cicd: {
    readonly pipelineName: string;
    /** CodeConnections (CodeStar) connection to the git host, made once in the console */
    readonly connectionArn: string;
    readonly repositoryOwner: string;
    readonly repositoryName: string;
    readonly branch: string;
    readonly codeDeployConfig: 'AllAtOnce' | 'Linear10PercentEvery1Minutes' | 'Canary10Percent5Minutes';
    readonly terminationWaitMinutes: number;
  };
}

/** the repository root (infra/ is one level down) */
export const repoRoot = path.resolve(__dirname, '..');

/** the default stage's prefix: the names the deployed stacks have today */
export const PROJECT = 'taskmgr';

/** a stage's prefix: `taskmgr` for the default stage, `taskmgr-dev` for stage `dev` */
export function stagePrefix(stage?: string): string {
  if (stage === undefined || stage === '') return PROJECT;
  if (!/^[a-z][a-z0-9]{0,9}$/.test(stage)) {
    throw new Error(`config: a stage is 1 to 10 lower-case letters or digits, starting with a letter: "${stage}"`);
  }
  return `${PROJECT}-${stage}`;
}

/**
 * A name that carries no prefix in the default stage (the table's name in
 * conf/dynamodb-table.json, the topic names the scheduler and the local
 * stack know): kept as it is there, `<prefix>-<name>` in another stage.
 */
export function scopedName(prefix: string, name: string): string {
  return prefix === PROJECT ? name : `${prefix}-${name}`;
}

/** every physical name the config holds, from the prefix (and the account and region the web bucket names) */
function physicalNames(prefix: string, account: string, region: string) {
  return {
    userPoolName: `${prefix}-users`,
    clientName: `${prefix}-web`,
    taskDueEmailTopic: scopedName(prefix, 'TaskDueNotificationsEmailTopic'),
    taskDueSmsTopic: scopedName(prefix, 'TaskDueNotificationsSMSTopic'),
    taskCompletedEmailTopic: scopedName(prefix, 'TaskCompletedNotificationsEmailTopic'),
    taskCompletedSmsTopic: scopedName(prefix, 'TaskCompletedNotificationsSMSTopic'),
    cursorKeyName: `${prefix}/cursor-key`,
    originVerifyName: `${prefix}/origin-verify`,
    redisAuthName: `${prefix}/redis-auth`,
    eventsKeyName: `${prefix}/events-key`,
    repositoryName: prefix,
    clusterName: prefix,
    bucketName: `${prefix}-web-${account}-${region}`,
    logBucketName: `${prefix}-logs-${account}-${region}`,
    webAclName: `${prefix}-web`,
    opsTopicName: `${prefix}-ops`,
    dashboardName: prefix,
    pipelineName: prefix,
  };
}

/**
 * CloudFront's origin-facing managed prefix list
 * (com.amazonaws.global.cloudfront.origin-facing), per region: AWS gives
 * it a different id in each.  Another region: -c cloudFrontPrefixList=pl-...
 */
export const CLOUDFRONT_PREFIX_LISTS: Record<string, string> = {
  'us-east-1': 'pl-3b927c52',
  'eu-west-1': 'pl-4fa04526',
};

const defaultNames = physicalNames(PROJECT, '111111111111', 'us-east-1');

export const defaultConfig: TaskmgrConfig = {
  prefix: PROJECT,
  account: '111111111111',
  region: 'us-east-1',
  tags: { project: 'taskmgr' },

  network: {
    cidr: '10.40.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    natGateways: 2,
    cloudFrontPrefixListId: CLOUDFRONT_PREFIX_LISTS['us-east-1'],
  },

  data: {
    tableDefinitionFile: 'conf/dynamodb-table.json',
    ttlAttribute: 'NotificationExpiry',
    deletionProtection: true,
  },

  auth: {
    userPoolName: defaultNames.userPoolName,
    clientName: defaultNames.clientName,
    passwordMinLength: 12,
    accessTokenMinutes: 60,
    idTokenMinutes: 60,
    refreshTokenDays: 30,
    requireConfirmation: true,
    featurePlan: 'LITE',
  },

  messaging: {
    taskDueEmailTopic: defaultNames.taskDueEmailTopic,
    taskDueSmsTopic: defaultNames.taskDueSmsTopic,
    taskCompletedEmailTopic: defaultNames.taskCompletedEmailTopic,
    taskCompletedSmsTopic: defaultNames.taskCompletedSmsTopic,
  },

  secrets: {
    cursorKeyName: defaultNames.cursorKeyName,
    cursorKeyLength: 64,
    originVerifyName: defaultNames.originVerifyName,
    redisAuthName: defaultNames.redisAuthName,
    eventsKeyName: defaultNames.eventsKeyName,
    acceptPreviousOriginVerify: false,
    mailFrom: 'no-reply@example.com',
  },

  domain: {
    zoneName: 'example.com',
    hostedZoneId: 'Z0123456789EXAMPLE',
    apiDomain: 'api.example.com',
    webDomain: 'app.example.com',
  },

  image: {
    repositoryName: defaultNames.repositoryName,
    // no default: makeConfig needs the commit tag (ConfigOverrides.imageTag)
    tag: '',
    keepImages: 30,
  },

  compute: {
    clusterName: defaultNames.clusterName,
    containerPort: 8080,
    albListenerPort: 80,
    albTestListenerPort: 8081,
    healthCheckPath: '/api/health',
    nginxWorkers: 'auto',
    authRate: '10r/s',
    authBurst: 40,
    reminderShards: 8,
    notificationTtl: '30d',
    resolveInterval: 0,
    services: {
      users: {
        cpu: 256, memoryMiB: 512, desiredCount: 2, minCount: 2, maxCount: 10,
        cpuTargetPercent: 60, pathPatterns: ['/api/users/*'], priority: 10,
      },
      tasks: {
        cpu: 512, memoryMiB: 1024, desiredCount: 2, minCount: 2, maxCount: 40,
        cpuTargetPercent: 60, pathPatterns: ['/api/tasks*', '/api/lists*', '/api/labels'], priority: 20,
      },
      notifications: {
        cpu: 256, memoryMiB: 512, desiredCount: 2, minCount: 2, maxCount: 20,
        cpuTargetPercent: 60, pathPatterns: ['/api/notifications', '/api/notifications/*', '/api/events'], priority: 30,
      },
    },
    scheduler: {
      cpu: 256,
      memoryMiB: 512,
      desiredCount: 2,
      scanInterval: '30s',
      emailChannel: 'ses',
      logLevel: 'info',
    },
  },

  api: {
    throttleRatePerSecond: 2000,
    throttleBurst: 5000,
  },

  web: {
    bucketName: defaultNames.bucketName,
    priceClass: 'PriceClass_100',
    waf: {
      webAclName: defaultNames.webAclName,
      // a person signs in a few times an hour; a script tries thousands
      authRatePer5Minutes: 100,
      authPaths: ['/api/users/login', '/api/users/login/mfa', '/api/users/register', '/api/users/password/'],
    },
  },

  logs: {
    bucketName: defaultNames.logBucketName,
    expireDays: 90,
  },

  observability: {
    logRetentionDays: RetentionDays.ONE_MONTH,
    opsTopicName: defaultNames.opsTopicName,
    dashboardName: defaultNames.dashboardName,
    alb5xxPerMinute: 5,
    p99LatencySeconds: 1,
    schedulerErrorsPer5Minutes: 1,
    dynamodbThrottlesPer5Minutes: 1,
  },

  cicd: {
    pipelineName: defaultNames.pipelineName,
    connectionArn:
      'arn:aws:codeconnections:us-east-1:111111111111:connection/00000000-0000-0000-0000-000000000000',
    repositoryOwner: 'taskmgr',
    repositoryName: 'taskmgr',
    branch: 'main',
    codeDeployConfig: 'AllAtOnce',
    terminationWaitMinutes: 10,
  },
};

/** context keys that override defaultConfig (strings on the command line) */
export interface ConfigOverrides {
  /** another stage beside the default one in the same account: every name gets `taskmgr-<stage>` */
  stage?: string;
  account?: string;
  region?: string;
  zoneName?: string;
  hostedZoneId?: string;
  apiDomain?: string;
  webDomain?: string;
  connectionArn?: string;
  repositoryOwner?: string;
  repositoryName?: string;
  branch?: string;
  opsEmail?: string;
  /** 'on' while rotating the origin-verify secret: the ALB accepts its AWSPREVIOUS value too */
  originVerifyRotation?: string;
  /**
   * CloudFront's origin-facing prefix list id in a region the table below
   * does not know (aws ec2 describe-managed-prefix-lists --filters
   * Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing)
   */
  cloudFrontPrefixList?: string;
  /** the scheduler's replica count (default 2) */
  schedulerCount?: string;
  /** the image the task definitions start from: the pipeline's commit tag (bin/taskmgr.ts: default git HEAD) */
  imageTag?: string;
}

/**
 * defaultConfig with the per-account values replaced.  Names that embed
 * the account or region (the web and log buckets, the AZs) follow;
 * every physical name follows the stage's prefix.
 */
export function makeConfig(o: ConfigOverrides = {}, base: TaskmgrConfig = defaultConfig): TaskmgrConfig {
  const account = o.account ?? base.account;
  const region = o.region ?? base.region;
  const zoneName = o.zoneName ?? base.domain.zoneName;
  const prefix = o.stage === undefined ? base.prefix : stagePrefix(o.stage);
  const n = physicalNames(prefix, account, region);
  // another stage gets its own host names in the zone: api.<stage>.<zone>
  const host = (h: string) => (o.stage ? `${h}.${o.stage}.${zoneName}` : `${h}.${zoneName}`);
  const hostsFollow = o.zoneName !== undefined || o.stage !== undefined;

  if (!/^\d{12}$/.test(account)) {
    throw new Error(`config: account must be 12 digits, got "${account}"`);
  }
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) {
    throw new Error(`config: not a region name: "${region}"`);
  }

  const sameRegion = region === base.region;
  const cfg: TaskmgrConfig = {
    ...base,
    prefix,
    account,
    region,
    network: {
      ...base.network,
      availabilityZones: sameRegion ? base.network.availabilityZones : [`${region}a`, `${region}b`],
      cloudFrontPrefixListId: o.cloudFrontPrefixList
        ?? (sameRegion ? base.network.cloudFrontPrefixListId : CLOUDFRONT_PREFIX_LISTS[region] ?? ''),
    },
    auth: { ...base.auth, userPoolName: n.userPoolName, clientName: n.clientName },
    messaging: {
      taskDueEmailTopic: n.taskDueEmailTopic,
      taskDueSmsTopic: n.taskDueSmsTopic,
      taskCompletedEmailTopic: n.taskCompletedEmailTopic,
      taskCompletedSmsTopic: n.taskCompletedSmsTopic,
    },
    secrets: {
      ...base.secrets,
      cursorKeyName: n.cursorKeyName,
      originVerifyName: n.originVerifyName,
      redisAuthName: n.redisAuthName,
      eventsKeyName: n.eventsKeyName,
      acceptPreviousOriginVerify: o.originVerifyRotation === 'on' || base.secrets.acceptPreviousOriginVerify,
      mailFrom: o.zoneName ? `no-reply@${zoneName}` : base.secrets.mailFrom,
    },
    domain: {
      zoneName,
      hostedZoneId: o.hostedZoneId ?? base.domain.hostedZoneId,
      apiDomain: o.apiDomain ?? (hostsFollow ? host('api') : base.domain.apiDomain),
      webDomain: o.webDomain ?? (hostsFollow ? host('app') : base.domain.webDomain),
    },
    image: { ...base.image, repositoryName: n.repositoryName, tag: o.imageTag ?? base.image.tag },
    compute: {
      ...base.compute,
      clusterName: n.clusterName,
      scheduler: {
        ...base.compute.scheduler,
        desiredCount: o.schedulerCount === undefined ? base.compute.scheduler.desiredCount
          : Number(o.schedulerCount),
      },
    },
    web: { ...base.web, bucketName: n.bucketName, waf: { ...base.web.waf, webAclName: n.webAclName } },
    logs: { ...base.logs, bucketName: n.logBucketName },
    observability: {
      ...base.observability,
      opsTopicName: n.opsTopicName,
      dashboardName: n.dashboardName,
      opsEmail: o.opsEmail ?? base.observability.opsEmail,
    },
    cicd: {
      ...base.cicd,
      pipelineName: n.pipelineName,
      connectionArn: o.connectionArn ?? base.cicd.connectionArn,
      repositoryOwner: o.repositoryOwner ?? base.cicd.repositoryOwner,
      repositoryName: o.repositoryName ?? base.cicd.repositoryName,
      branch: o.branch ?? base.cicd.branch,
    },
  };
  validateConfig(cfg);
  return cfg;
}

export function validateConfig(c: TaskmgrConfig): void {
  const fail = (m: string) => {
    throw new Error(`config: ${m}`);
  };
  if (c.network.availabilityZones.length !== 2) fail('the VPC spans exactly 2 availability zones');
  if (c.auth.passwordMinLength < 12) fail('the API promises passwords of at least 12 characters');
  for (const d of [c.domain.apiDomain, c.domain.webDomain]) {
    if (d !== c.domain.zoneName && !d.endsWith(`.${c.domain.zoneName}`)) {
      fail(`${d} is not in the hosted zone ${c.domain.zoneName}`);
    }
  }
  for (const [name, s] of Object.entries(c.compute.services)) {
    if (s.minCount > s.desiredCount || s.desiredCount > s.maxCount) {
      fail(`${name}: needs minCount <= desiredCount <= maxCount`);
    }
    // an ALB rule holds 5 condition values: the paths and up to 2 origin-verify values
    if (s.pathPatterns.length === 0 || s.pathPatterns.length > 3) fail(`${name}: 1 to 3 path patterns`);
  }
  const sc = c.compute.scheduler.desiredCount;
  if (!Number.isInteger(sc) || sc < 1 || sc > c.compute.reminderShards) {
    fail(`scheduler: desiredCount from 1 to reminderShards (${c.compute.reminderShards}), got ${sc}`);
  }
  if (c.compute.albListenerPort === c.compute.albTestListenerPort) fail('test listener needs its own port');
  if (c.web.waf.authRatePer5Minutes < 10) fail('WAF rate-based rules count from 10 requests');
  if (c.web.waf.authPaths.length === 0) fail('the WAF rate rule needs a path');
  if (c.secrets.cursorKeyLength < 16) fail('taskmgr_cursor_key needs at least 16 characters');
  if (!/^pl-[0-9a-f]{8,17}$/.test(c.network.cloudFrontPrefixListId)) {
    fail(`no CloudFront origin-facing prefix list for ${c.region}: pass -c cloudFrontPrefixList=pl-... `
      + '(aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,'
      + 'Values=com.amazonaws.global.cloudfront.origin-facing)');
  }
  // an immutable tag: what a task definition names is what runs, after any restart
  if (c.image.tag === '') {
    fail('no image tag: pass the commit tag the pipeline pushed (-c imageTag=<git rev-parse --short=12 HEAD>)');
  }
  if (c.image.tag === 'latest') fail('image tag "latest" moves: name the commit tag the pipeline pushed');
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(c.image.tag)) fail(`not an image tag: "${c.image.tag}"`);
}
