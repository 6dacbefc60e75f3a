/*
 * The public entry to a private load balancer: an API Gateway HTTP API on
 * a custom domain (ACM certificate validated in the hosted zone, Route 53
 * alias), `ANY /api/{proxy+}` through a VPC link to an ALB listener,
 * throttled, with JSON access logs.  The execute-api endpoint is off: only
 * the domain answers.
 */

import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpAlbIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { suppress } from '../nag';

export interface PrivateHttpApiProps {
  /** the API's and the VPC link's name */
  readonly apiName: string;
  readonly vpcLinkName: string;
  readonly description: string;
  /** the custom domain, in an existing public hosted zone (imported, not looked up) */
  readonly domainName: string;
  readonly zoneName: string;
  readonly hostedZoneId: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** the VPC link's ENIs */
  readonly securityGroup: ec2.ISecurityGroup;
  /** where every request goes */
  readonly listener: elbv2.IApplicationListener;
  readonly accessLogGroupName: string;
  readonly logRetention: logs.RetentionDays;
  readonly throttle: apigwv2.ThrottleSettings;
}

/** one JSON object per request in the access log */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  time: '$context.requestTime',
  method: '$context.httpMethod',
  path: '$context.path',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
});

export class PrivateHttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly domain: apigwv2.DomainName;
  readonly vpcLink: apigwv2.VpcLink;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PrivateHttpApiProps) {
    super(scope, id);

    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: props.hostedZoneId,
      zoneName: props.zoneName,
    });
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    this.domain = new apigwv2.DomainName(this, 'Domain', { domainName: props.domainName, certificate });
    this.vpcLink = new apigwv2.VpcLink(this, 'VpcLink', {
      vpc: props.vpc,
      vpcLinkName: props.vpcLinkName,
      subnets: props.subnets,
      securityGroups: [props.securityGroup],
    });
    // the construct's default child
    this.api = new apigwv2.HttpApi(this, 'Default', {
      apiName: props.apiName,
      description: props.description,
      createDefaultStage: false,
      // only the custom domain (and CloudFront's /api/* behaviour through it)
      disableExecuteApiEndpoint: true,
    });
    const routes = this.api.addRoutes({
      path: '/api/{proxy+}',
      methods: [apigwv2.HttpMethod.ANY],
      integration: new HttpAlbIntegration('Alb', props.listener, { vpcLink: this.vpcLink }),
    });
    for (const r of routes) {
      suppress(r, ['AwsSolutions-APIG4',
        'Authorization is the application\'s: nginx verifies the Cognito JWT (signature, exp, iss, client, '
        + 'revocation) on every route that needs it, and register, login, confirm and health must be reachable '
        + 'without a token. A Gateway JWT authorizer would split that rule in two places.']);
    }
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: props.accessLogGroupName,
      retention: props.logRetention,
    });
    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      domainMapping: { domainName: this.domain },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.logGroup),
        format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });
    new route53.ARecord(this, 'Record', {
      zone,
      recordName: props.domainName,
      target: route53.RecordTarget.fromAlias(
        new route53targets.ApiGatewayv2DomainProperties(this.domain.regionalDomainName, this.domain.regionalHostedZoneId),
      ),
    });
  }
}
