/*
 * Secrets: what must not be in the repository or in plain environment.
 *
 * - the cursor key (taskmgr_cursor_key): generated here, letters and
 *   digits only so it is one nginx token; ECS injects it at task start
 *   (container `secrets`), the entrypoint writes it into the rendered conf;
 * - the origin-verify value: generated here; CloudFront sends it to the
 *   API as the X-Origin-Verify header and the ALB forwards only requests
 *   that carry it (README, Security: the API only through CloudFront).
 *   Both read it with a CloudFormation dynamic reference at deploy time;
 * - push (issue 14): the Redis AUTH token (ElastiCache reads it with a
 *   dynamic reference, the nginx tasks get it as an ECS secret for
 *   nchan_redis_password) and the events key (X-Taskmgr-Events-Key: the
 *   nchan publisher location requires it; the nginx tasks and the
 *   scheduler's get it as an ECS secret).
 *
 * No SMTP password: the scheduler sends mail with SES's API, signed with
 * its task role (email_channel ses).
 */

import { RemovalPolicy, SecretValue, Stack, StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { TaskmgrConfig } from '../config';
import { suppress } from './nag';

export interface SecretsStackProps extends StackProps {
  readonly config: TaskmgrConfig;
}

/** ElastiCache AUTH tokens are 16 to 128 characters */
export const REDIS_AUTH_LENGTH = 64;
/** the scheduler sends it in a header of at most 320 bytes (sched_events.c) */
export const EVENTS_KEY_LENGTH = 48;

/** the header CloudFront adds to every /api/* request and the ALB requires */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';

/**
 * The origin-verify value as a CloudFormation dynamic reference (resolved
 * at deploy time, never written into a template): what CloudFront sends.
 */
export function originVerifyValue(s: TaskmgrConfig['secrets'], versionStage = 'AWSCURRENT'): string {
  return SecretValue.secretsManager(s.originVerifyName, { versionStage }).unsafeUnwrap();
}

/** what the nchan publisher location (and the ALB's rule to it) requires: the scheduler sends it */
export const EVENTS_KEY_HEADER = 'X-Taskmgr-Events-Key';

/** the events key as a CloudFormation dynamic reference: the ALB's rule to the publisher */
export function eventsKeyValue(s: TaskmgrConfig['secrets']): string {
  return SecretValue.secretsManager(s.eventsKeyName).unsafeUnwrap();
}

/** what the ALB accepts: the current value, and the previous one while rotating */
export function originVerifyValues(s: TaskmgrConfig['secrets']): string[] {
  return (s.acceptPreviousOriginVerify ? ['AWSCURRENT', 'AWSPREVIOUS'] : ['AWSCURRENT'])
    .map((stage) => originVerifyValue(s, stage));
}

export class SecretsStack extends Stack {
  readonly cursorKey: secretsmanager.Secret;
  readonly originVerify: secretsmanager.Secret;
  readonly redisAuth: secretsmanager.Secret;
  readonly eventsKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: SecretsStackProps) {
    super(scope, id, props);
    const s = props.config.secrets;

    this.cursorKey = new secretsmanager.Secret(this, 'CursorKey', {
      secretName: s.cursorKeyName,
      description: 'taskmgr: HMAC key of page cursors (nginx taskmgr_cursor_key)',
      generateSecretString: {
        passwordLength: s.cursorKeyLength,
        excludePunctuation: true,
        includeSpace: false,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    suppress(this.cursorKey, ['AwsSolutions-SMG4',
      'The cursor key only signs page cursors (tamper-proofing, not confidentiality of data): a leaked key lets a '
      + 'caller forge a cursor into their own partition, which the key condition still confines to their items. '
      + 'Rotating it invalidates every open cursor; it is rotated by a new secret value and a service deployment '
      + '(README, Security), not by a rotation Lambda.']);

    this.originVerify = new secretsmanager.Secret(this, 'OriginVerify', {
      secretName: s.originVerifyName,
      description: `taskmgr: the ${ORIGIN_VERIFY_HEADER} value CloudFront sends the API and the ALB requires`,
      generateSecretString: {
        passwordLength: 48,
        excludePunctuation: true,
        includeSpace: false,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    suppress(this.originVerify, ['AwsSolutions-SMG4',
      'Read by CloudFront and the ALB through CloudFormation dynamic references, which resolve only when those '
      + 'stacks deploy: a rotation Lambda would change the value under them and cut the API off. It is rotated '
      + 'by the documented procedure (README, Security: new value, Compute accepting both, Web, Compute). It is not a credential '
      + 'to any data: it only keeps direct calls to the API domain away from the load balancer, behind WAF.']);

    // ElastiCache AUTH: 16 to 128 printable characters without / " @;
    // letters and digits are also one nginx token
    this.redisAuth = new secretsmanager.Secret(this, 'RedisAuth', {
      secretName: s.redisAuthName,
      description: 'taskmgr push: the AUTH token of the ElastiCache Redis (nchan_redis_password)',
      generateSecretString: {
        passwordLength: REDIS_AUTH_LENGTH,
        excludePunctuation: true,
        includeSpace: false,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    suppress(this.redisAuth, ['AwsSolutions-SMG4',
      'ElastiCache reads the token through a CloudFormation dynamic reference when the network stack deploys, and '
      + 'the nginx tasks at start: a rotation Lambda would change it under both. It is rotated by the documented '
      + 'procedure (README, Push: a new value, the network stack, then the services). Only the nginx services\' '
      + 'security group reaches Redis, over TLS.']);

    this.eventsKey = new secretsmanager.Secret(this, 'EventsKey', {
      secretName: s.eventsKeyName,
      description: 'taskmgr push: X-Taskmgr-Events-Key, what the nchan publisher location requires',
      generateSecretString: {
        passwordLength: EVENTS_KEY_LENGTH,
        excludePunctuation: true,
        includeSpace: false,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    suppress(this.eventsKey, ['AwsSolutions-SMG4',
      'Read by the nginx and scheduler tasks at start (ECS secrets): a rotation Lambda would split them until both '
      + 'restart. It only lets a caller inside the VPC publish an event to a user\'s stream; it is rotated by a new '
      + 'value and a deployment of the services and the scheduler (README, Push).']);
  }
}
