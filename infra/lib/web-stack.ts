/*
 * Web: the Next.js static export (web/out) on S3 behind CloudFront.
 *
 * Why S3 + CloudFront and not AWS Amplify Hosting: the app is a static
 * export (no SSR), which is exactly what Amplify Hosting would put on S3
 * and CloudFront for us; doing it directly keeps everything in this one
 * CDK app and in CloudFormation (Amplify's CDK support is L1 or alpha and
 * wants to own the build through its own git connection, while our build
 * is `make` in CodeBuild), lets the same distribution send /api/* to API
 * Gateway so the browser stays same-origin (the session cookies are
 * SameSite=Strict, no CORS), and keeps the bucket private behind Origin
 * Access Control.  Cost at rest is a few cents (S3 storage) instead of
 * Amplify's per-build-minute and hosting charges.
 *
 * CloudFront only takes certificates and web ACLs from us-east-1:
 * EdgeCertificateStack makes the web domain's certificate and the WAF web
 * ACL (lib/edge-waf.ts) there, whatever the main region.
 *
 * The public edge (README, Security): WAF in front of everything; /api/*
 * goes on to API Gateway with the X-Origin-Verify header, without which
 * the ALB behind it answers 403; access logs go to the log bucket.
 */

import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { TaskmgrConfig } from '../config';
import { edgeWebAcl } from './edge-waf';
import { suppress } from './nag';
import { LOG_PREFIXES } from './network-stack';
import { ORIGIN_VERIFY_HEADER, originVerifyValue } from './secrets-stack';

export interface EdgeCertificateStackProps extends StackProps {
  readonly config: TaskmgrConfig;
}

/** the web domain's certificate and the WAF web ACL, in us-east-1 for CloudFront */
export class EdgeCertificateStack extends Stack {
  readonly certificate: acm.Certificate;
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeCertificateStackProps) {
    super(scope, id, props);
    const d = props.config.domain;
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: d.hostedZoneId,
      zoneName: d.zoneName,
    });
    this.certificate = new acm.Certificate(this, 'WebCertificate', {
      domainName: d.webDomain,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    this.webAcl = edgeWebAcl(this, 'WebAcl', props.config);
  }
}

export interface WebStackProps extends StackProps {
  readonly config: TaskmgrConfig;
  readonly certificate: acm.ICertificate;
  /** the CloudFront-scoped WAF web ACL (us-east-1) */
  readonly webAclArn: string;
  /** CloudFront's access logs */
  readonly logBucket: s3.IBucket;
  /** the internal ALB: /api/events goes there directly (a VPC origin),
   *  past API Gateway, whose HTTP APIs end a request at 30 s */
  readonly alb?: elbv2.IApplicationLoadBalancer;
}

/** CloudFront's wait between two packets of /api/events (60 s without a
 *  quota increase): above nchan's 30 s ping */
export const EVENTS_READ_TIMEOUT_S = 60;

/*
 * Next.js `output: 'export'` writes /tasks as tasks.html and / as
 * index.html: extension-less paths get ".html", directories "index.html".
 */
const REWRITE = `function handler(event) {
  var r = event.request;
  var uri = r.uri;
  if (uri.endsWith('/')) {
    r.uri = uri + 'index.html';
  } else if (uri.lastIndexOf('.') < uri.lastIndexOf('/')) {
    r.uri = uri + '.html';
  }
  return r;
}`;

/** the web app's Content-Security-Policy, as nginx sends it (conf/nginx.conf.in) */
export const CSP_TEMPLATE = "default-src 'self'; script-src SCRIPT_SRC; style-src 'self'; img-src 'self' data:; "
  + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
  + "frame-ancestors 'none'";

/** KeyValueStore values hold at most 1 KB: the script-src is kept in parts */
export const CSP_KEYS = { count: 'script-src.count', part: 'script-src.' };

/*
 * Viewer response: the CSP with the build's inline-script hashes
 * (web/out/csp-script-src.txt), which infra/ci/publish-web.sh puts into
 * the KeyValueStore as script-src.count and script-src.0..n-1.  Until the
 * first publish: 'self' only.
 */
function cspFunction(kvsId: string): string {
  return `import cf from 'cloudfront';
const kvs = cf.kvs('${kvsId}');
const CSP = ${JSON.stringify(CSP_TEMPLATE)};
async function handler(event) {
  var res = event.response;
  var src = "'self'";
  try {
    var n = parseInt(await kvs.get('${CSP_KEYS.count}'), 10);
    var parts = [];
    for (var i = 0; i < n && i < 16; i++) {
      parts.push(await kvs.get('${CSP_KEYS.part}' + i));
    }
    if (parts.length > 0) {
      src = parts.join(' ');
    }
  } catch (e) {
    // not published yet: 'self' only
  }
  res.headers['content-security-policy'] = { value: CSP.replace('SCRIPT_SRC', src) };
  return res;
}`;
}

export class WebStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** the CSP's script-src, written by infra/ci/publish-web.sh */
  readonly headersStore: cloudfront.KeyValueStore;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const c = props.config;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: c.web.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    suppress(this.bucket, ['AwsSolutions-S1',
      'Only CloudFront reads this bucket (Origin Access Control; public access blocked), so CloudFront\'s access '
      + 'logs in the log bucket record every read; the only writer is the pipeline\'s publish role, which '
      + 'CloudTrail records. S3 server access logs would repeat the former.']);

    const rewrite = new cloudfront.Function(this, 'Rewrite', {
      functionName: `${c.prefix}-web-rewrite`,
      code: cloudfront.FunctionCode.fromInline(REWRITE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    this.headersStore = new cloudfront.KeyValueStore(this, 'WebHeaders', {
      keyValueStoreName: `${c.prefix}-web-headers`,
      comment: 'taskmgr web: the CSP script-src of the published build',
    });
    const csp = new cloudfront.Function(this, 'Csp', {
      functionName: `${c.prefix}-web-csp`,
      code: cloudfront.FunctionCode.fromInline(cspFunction(this.headersStore.keyValueStoreId)),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      keyValueStore: this.headersStore,
    });
    // the other headers nginx sends with the web app (conf/nginx.conf.in)
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      responseHeadersPolicyName: `${c.prefix}-web-headers`,
      securityHeadersBehavior: {
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.SAME_ORIGIN, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true,
        },
      },
    });

    // /api/* goes to API Gateway's custom domain: same origin for the
    // browser; the header is what the ALB behind it requires (a viewer's
    // own X-Origin-Verify is replaced by this one)
    const api = new origins.HttpOrigin(c.domain.apiDomain, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(30),
      customHeaders: {
        [ORIGIN_VERIFY_HEADER]: originVerifyValue(c.secrets),
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${c.prefix} web app and /api`,
      domainNames: [c.domain.webDomain],
      certificate: props.certificate,
      priceClass: cloudfront.PriceClass[
        ({ PriceClass_100: 'PRICE_CLASS_100', PriceClass_200: 'PRICE_CLASS_200', PriceClass_All: 'PRICE_CLASS_ALL' } as const)[
          c.web.priceClass]],
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultRootObject: 'index.html',
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: LOG_PREFIXES.cloudFront,
      logIncludesCookies: false,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
        functionAssociations: [
          { function: rewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
          { function: csp, eventType: cloudfront.FunctionEventType.VIEWER_RESPONSE },
        ],
      },
      additionalBehaviors: {
        // first: CloudFront takes the first pattern that matches
        ...(props.alb ? { '/api/events': this.eventsBehavior(props.alb, c) } : {}),
        '/api/*': {
          origin: api,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // cookies, query strings, Authorization... everything but Host
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          compress: true,
        },
      },
      // no errorResponses: they apply to every behaviour and would turn the
      // API's JSON 404s into an HTML page
    });

    suppress(this.distribution, ['AwsSolutions-CFR1',
      'A task manager for anyone, anywhere: no country is excluded. Abuse is handled by WAF (managed rule groups, '
      + 'the rate rule on the credential endpoints), not by geography.']);

    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: c.domain.hostedZoneId,
      zoneName: c.domain.zoneName,
    });
    const target = route53.RecordTarget.fromAlias(new route53targets.CloudFrontTarget(this.distribution));
    new route53.ARecord(this, 'WebRecord', { zone, recordName: c.domain.webDomain, target });
    new route53.AaaaRecord(this, 'WebRecordV6', { zone, recordName: c.domain.webDomain, target });

    // what infra/ci/publish-web.sh needs (WEB_BUCKET, WEB_DISTRIBUTION_ID, WEB_KVS_ARN)
    new CfnOutput(this, 'WebUrl', { value: `https://${c.domain.webDomain}` });
    new CfnOutput(this, 'WebBucket', { value: this.bucket.bucketName });
    new CfnOutput(this, 'WebDistributionId', { value: this.distribution.distributionId });
    new CfnOutput(this, 'WebKvsArn', { value: this.headersStore.keyValueStoreArn });
  }

  /*
   * /api/events (push, issue 14): long-lived EventSource streams (and
   * WebSocket upgrades) cannot cross API Gateway (HTTP APIs end a request
   * at 30 s), so CloudFront reaches the internal ALB itself through a VPC
   * origin, with the origin-verify header the ALB requires; never cached,
   * never compressed (an event must not wait in a compressor's buffer).
   */
  private eventsBehavior(alb: elbv2.IApplicationLoadBalancer, c: TaskmgrConfig): cloudfront.BehaviorOptions {
    return {
      origin: origins.VpcOrigin.withApplicationLoadBalancer(alb, {
        httpPort: c.compute.albListenerPort,
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY,
        readTimeout: Duration.seconds(EVENTS_READ_TIMEOUT_S),
        keepaliveTimeout: Duration.seconds(60),
        customHeaders: { [ORIGIN_VERIFY_HEADER]: originVerifyValue(c.secrets) },
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: false,
    };
  }
}
