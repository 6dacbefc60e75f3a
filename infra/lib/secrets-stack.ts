/*
 * Secrets: what the containers must not get as plain environment.  ECS
 * injects them at task start (container `secrets`), the entrypoint writes
 * them into the rendered conf.
 *
 * - the cursor key (taskmgr_cursor_key): generated here, letters and
 *   digits only so it is one nginx token;
 * - SMTP credentials (SES SMTP user) for the scheduler: created with a
 *   placeholder password; put the real one in after the first deploy
 *   (README, Deploy).
 */

import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { TaskmgrConfig } from '../config';

export interface SecretsStackProps extends StackProps {
  readonly config: TaskmgrConfig;
}

export class SecretsStack extends Stack {
  readonly cursorKey: secretsmanager.Secret;
  readonly smtp: secretsmanager.Secret;

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

    this.smtp = new secretsmanager.Secret(this, 'Smtp', {
      secretName: s.smtpName,
      description: 'taskmgr scheduler: SMTP credentials (SES SMTP user); set username and password after deploy',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'set-me', host: s.smtpHost, port: String(s.smtpPort) }),
        generateStringKey: 'password',
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
