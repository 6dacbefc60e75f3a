/*
 * What every taskmgr task has in common: the one image, one container
 * named CONTAINER_NAME that runs `taskmgr-entrypoint <service>`, its log
 * group, the entrypoint's health check; and the least-privilege table
 * statements of each service's task role.
 */

import { Duration, Size } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ServiceName } from '../../config';
import { suppress } from '../nag';

export const CONTAINER_NAME = 'taskmgr';
export const SERVICE_NAMES: ServiceName[] = ['users', 'tasks', 'notifications'];
export type TaskmgrService = ServiceName | 'scheduler';

/** what each service does to the table (README: how it works; ngx_taskmgr_*.c) */
export const TABLE_ACTIONS: Record<TaskmgrService, string[]> = {
  // profiles, EmailIndex look-ups, revocation records; DescribeTable is
  // /api/health; every service's auth reads the token's and the user's
  // revocation records in one BatchGetItem
  users: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem',
    'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:DescribeTable'],
  // task CRUD, list queries on the LSIs, the completion chain's notification
  tasks: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem',
    'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:DescribeTable'],
  // history (NotificationTimestampIndex), mark read, read-all, delete
  notifications: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem',
    'dynamodb:Query', 'dynamodb:DescribeTable'],
  // reminders and the outbox: query the two GSIs, read preferences,
  // write notifications and mark tasks; finish list deletions (a user's
  // tasks of the list moved or deleted, the list and its name claim deleted)
  // BatchWriteItem: an account deletion empties the user's partition
  scheduler: ['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:PutItem',
    'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
};

/** the Cognito calls that need IAM (SignUp, InitiateAuth, RevokeToken,
 * ForgotPassword... are public); AdminGetUser finds the sub a password reset
 * ends the sessions of */
export const COGNITO_ADMIN_ACTIONS = ['cognito-idp:AdminConfirmSignUp', 'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminGetUser'];

/** the indexes each one queries (docs/architecture.md, "2. The table"; the module's IndexName uses) */
export const SERVICE_INDEXES: Record<TaskmgrService, string[]> = {
  users: ['EmailIndex'],
  // push: a completion's notification event carries the owner's unread
  // count, a COUNT Query of NotificationTimestampIndex (the tasks service's
  // PATCH, and each in-app notification the scheduler creates)
  tasks: ['UpdatedAtIndex', 'DueDateIndex', 'PriorityIndex', 'NotificationTimestampIndex'],
  notifications: ['NotificationTimestampIndex'],
  scheduler: ['ReminderIndex', 'OutboxIndex', 'NotificationTimestampIndex'],
};

/**
 * Least-privilege table statements: the item actions on the table ARN,
 * Query on the table and on exactly the indexes this service reads.
 */
export function tableStatements(who: TaskmgrService, tableArn: string, indexNames: string[],
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

/** a task role for ECS tasks with exactly these statements */
export function taskRole(scope: Construct, id: string, description: string,
  statements: iam.PolicyStatement[]): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'), description });
  for (const st of statements) role.addToPolicy(st);
  return role;
}

/** what the image needs to run one service (shared by every task of the deployment) */
export interface TaskmgrContainerOptions {
  readonly image: ecs.ContainerImage;
  readonly environment: Record<string, string>;
  readonly secrets: Record<string, ecs.Secret>;
  readonly logRetention: logs.RetentionDays;
  /** prefix of the family (`<prefix>-<service>`) and the log group (`/<prefix>/<service>`) */
  readonly prefix: string;
}

export interface TaskmgrTaskProps {
  readonly service: TaskmgrService;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly role: iam.IRole;
  readonly container: TaskmgrContainerOptions;
  readonly containerPort?: number;
  /** between the entrypoint's health checks */
  readonly healthCheckInterval: Duration;
  /** SIGTERM to SIGKILL */
  readonly stopTimeout: Duration;
}

/**
 * The log group (id `Logs`) and the Fargate task definition (id `TaskDef`)
 * of one service, created in `scope`.
 */
export function taskmgrTask(scope: Construct, p: TaskmgrTaskProps): {
  taskDefinition: ecs.FargateTaskDefinition; logGroup: logs.LogGroup;
} {
  const c = p.container;
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    logGroupName: `/${c.prefix}/${p.service}`,
    retention: c.logRetention,
  });
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDef', {
    family: `${c.prefix}-${p.service}`,
    cpu: p.cpu,
    memoryLimitMiB: p.memoryMiB,
    taskRole: p.role,
    runtimePlatform: {
      cpuArchitecture: ecs.CpuArchitecture.X86_64,
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
    },
  });
  taskDefinition.addContainer(CONTAINER_NAME, {
    containerName: CONTAINER_NAME,
    image: c.image,
    command: [p.service],
    environment: c.environment,
    secrets: c.secrets,
    portMappings: p.containerPort === undefined ? undefined
      : [{ containerPort: p.containerPort, protocol: ecs.Protocol.TCP }],
    logging: ecs.LogDrivers.awsLogs({
      logGroup,
      streamPrefix: p.service,
      mode: ecs.AwsLogDriverMode.NON_BLOCKING,
      maxBufferSize: Size.mebibytes(4),
    }),
    healthCheck: {
      command: ['CMD', '/usr/local/bin/taskmgr-entrypoint', 'healthcheck'],
      interval: p.healthCheckInterval,
      timeout: Duration.seconds(5),
      retries: 3,
      startPeriod: Duration.seconds(20),
    },
    stopTimeout: p.stopTimeout,
  });
  suppress(taskDefinition.node.defaultChild!, ['AwsSolutions-ECS2',
    'The environment holds configuration only (endpoints, names, sizes: README, "AWS deployment"); the one secret '
    + 'a task needs, the cursor key, arrives through container secrets from Secrets Manager, and a test '
    + '(secrets.spec.ts) fails on an environment variable that looks like a secret.']);
  if (taskDefinition.executionRole) {
    suppress(taskDefinition.executionRole, ['AwsSolutions-IAM5',
      'ecr:GetAuthorizationToken takes no resource ARN (IAM allows only "*"); the image pull itself is granted on '
      + 'the one repository, the logs on the one log group, the secrets on their own ARNs.', ['Resource::*']]);
  }
  return { taskDefinition, logGroup };
}
