/*
 * Auth: the Cognito user pool (email is the username and must be
 * verified; the password policy is the one the module enforces itself,
 * README "Passwords") and the app client the module uses: USER_PASSWORD_AUTH
 * and refresh, no secret, token revocation on (logout calls RevokeToken).
 */

import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { TaskmgrConfig } from '../config';

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
      mfa: cognito.Mfa.OFF,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

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
