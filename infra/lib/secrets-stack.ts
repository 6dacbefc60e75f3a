/*
 * Secrets: what must not be in the repository or in plain environment.
 *
 * - the cursor key (taskmgr_cursor_key): generated here, letters and
 *   digits only so it is one nginx token; ECS injects it at task start
 *   (container `secrets`), the entrypoint writes it into the rendered conf;
 * - the origin-verify value: generated here; CloudFront sends it to the
 *   API as the X-Origin-Verify header and the ALB forwards only requests
 *   that carry it (README, Security: the API only through CloudFront).
 *   Both read it with a CloudFormation dynamic reference at deploy time.
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

/** the header CloudFront adds to every /api/* request and the ALB requires */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';

/**
 * The origin-verify value as a CloudFormation dynamic reference (resolved
 * at deploy time, never written into a template): what CloudFront sends.
 */
export function originVerifyValue(s: TaskmgrConfig['secrets'], versionStage = 'AWSCURRENT'): string {
  return SecretValue.secretsManager(s.originVerifyName, { versionStage }).unsafeUnwrap();
}

/** what the ALB accepts: the current value, and the previous one while rotating */
export function originVerifyValues(s: TaskmgrConfig['secrets']): string[] {
  return (s.acceptPreviousOriginVerify ? ['AWSCURRENT', 'AWSPREVIOUS'] : ['AWSCURRENT'])
    .map((stage) => originVerifyValue(s, stage));
}

export class SecretsStack extends Stack {
  readonly cursorKey: secretsmanager.Secret;
  readonly originVerify: secretsmanager.Secret;

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
  }
}
