/*
 * Auth: the Cognito user pool (email is the username and must be
 * verified; the password policy is the one the module enforces itself,
 * README "Passwords") and the app client the module uses: USER_PASSWORD_AUTH
 * and refresh, no secret, token revocation on (logout calls RevokeToken).
 * TOTP MFA is optional.
 */

import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { TaskmgrConfig } from '../config';
import { suppress } from './nag';

export interface AuthStackProps extends StackProps {
  readonly config: TaskmgrConfig;
}

export class AuthStack extends Stack {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: AuthStackProps) {
    super(scope, id, props);
    const a = props.config.auth;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: a.userPoolName,
      featurePlan: cognito.FeaturePlan[a.featurePlan],
      selfSignUpEnabled: true,
      // email as the username; the module lower-cases it before every call
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: a.passwordMinLength,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // TOTP for the users who enrol (the API adds the challenge: accounts
      // issue); required MFA would lock out every user until it does.  No
      // SMS factor: no SMS role, no per-message cost, no SIM-swap exposure
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    suppress(this.userPool,
      ['AwsSolutions-COG2', 'MFA is OPTIONAL with TOTP: users can enrol; requiring it would refuse every sign-in '
        + 'until the API implements the MFA challenge (accounts issue). Credential stuffing is limited by the WAF '
        + 'rate rule on /api/users/login and by the module\'s own auth rate limit.'],
      ['AwsSolutions-COG8', 'Threat protection needs the PLUS feature plan: 0.02 USD per MAU against LITE\'s 0.0055 '
        + '(tiered lower), roughly 15,000 USD a month more at 1 M monthly users (README, Security). Compensating '
        + 'controls: the WAF rate rule on the credential endpoints, the AWS managed rule groups, the module\'s auth '
        + 'rate limit. config auth.featurePlan PLUS turns it on when the risk justifies the cost.']);

    this.client = this.userPool.addClient('WebClient', {
      userPoolClientName: a.clientName,
      // the module calls InitiateAuth itself; a secret would need SECRET_HASH
      generateSecret: false,
      authFlows: { userPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(a.accessTokenMinutes),
      idTokenValidity: Duration.minutes(a.idTokenMinutes),
      refreshTokenValidity: Duration.days(a.refreshTokenDays),
    });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'ClientId', { value: this.client.userPoolClientId });
  }
}
