import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CSP_KEYS, CSP_TEMPLATE } from '../lib/web-stack';
import { repoRoot, resources, show, synth } from './helpers';

/** a CloudFront Function (JS 2.0, KeyValueStore) run here with a stand-in kvs */
export function cspHandler(template: any, store: Record<string, string>): (event: any) => Promise<any> {
  const [, fn] = resources(template, 'AWS::CloudFront::Function')
    .find(([, r]) => r.Properties.Name.endsWith('-web-csp'))!;
  const code: string = fn.Properties.FunctionCode['Fn::Join'][1]
    .map((p: any) => (typeof p === 'string' ? p : 'kvs-id')).join('');
  const body = code.replace("import cf from 'cloudfront';", '');
  const cf = {
    kvs: (id: string) => {
      assert.equal(id, 'kvs-id');
      return {
        get: async (k: string) => {
          if (!(k in store)) throw new Error(`key not found: ${k}`);
          return store[k];
        },
      };
    },
  };
  // eslint-disable-next-line no-new-func
  return new Function('cf', `${body}; return handler;`)(cf);
}

describe('web: S3 + CloudFront, Route 53, ACM', () => {
  const s = synth();
  const c = s.config;
  const t = s.template('web');
  const j = s.json('web');
  const dist = () => resources(j, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;

  test('a private, encrypted, TLS-only bucket', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: c.web.bucketName,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.anyValue(),
    });
    const policy = resources(j, 'AWS::S3::BucketPolicy')[0][1].Properties.PolicyDocument.Statement;
    assert.ok(policy.some((st: any) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false'));
    // CloudFront reads it through Origin Access Control, scoped to this distribution
    assert.ok(policy.some((st: any) => st.Principal?.Service === 'cloudfront.amazonaws.com'
      && show(st.Condition).includes('AWS:SourceArn')));
  });

  test('CloudFront serves the web domain over TLS with the us-east-1 certificate', () => {
    const d = dist();
    assert.deepEqual(d.Aliases, [c.domain.webDomain]);
    assert.equal(d.DefaultRootObject, 'index.html');
    assert.equal(d.DefaultCacheBehavior.ViewerProtocolPolicy, 'redirect-to-https');
    assert.equal(d.ViewerCertificate.SslSupportMethod, 'sni-only');
    assert.match(show(d.ViewerCertificate.AcmCertificateArn), /TaskmgrEdgeCertificate/);
    const origins = d.Origins;
    const s3 = origins.find((o: any) => o.S3OriginConfig);
    assert.ok(s3.OriginAccessControlId, 'OAC, not a public website endpoint');
    t.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    assert.equal(d.DefaultCacheBehavior.FunctionAssociations[0].EventType, 'viewer-request');
  });

  test('/api/* goes to the API domain uncached (same origin for the browser)', () => {
    const d = dist();
    const api = d.CacheBehaviors.find((b: any) => b.PathPattern === '/api/*');
    assert.ok(api);
    assert.equal(api.CachePolicyId, '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', 'Managed-CachingDisabled');
    assert.equal(api.OriginRequestPolicyId, 'b689b0a8-53d0-40ab-baf2-68738e2966ac', 'AllViewerExceptHostHeader');
    assert.ok(api.AllowedMethods.includes('POST') && api.AllowedMethods.includes('DELETE') && api.AllowedMethods.includes('PATCH'));
    const origin = d.Origins.find((o: any) => o.Id === api.TargetOriginId);
    assert.equal(origin.DomainName, c.domain.apiDomain);
    assert.equal(origin.CustomOriginConfig.OriginProtocolPolicy, 'https-only');
    assert.equal(d.CustomErrorResponses, undefined, 'error pages would replace the API\'s JSON errors');
  });

  test('A and AAAA alias records for the web domain', () => {
    for (const type of ['A', 'AAAA']) {
      t.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: `${c.domain.webDomain}.`, Type: type, HostedZoneId: c.domain.hostedZoneId,
        AliasTarget: Match.objectLike({ DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Distribution'), 'DomainName'] } }),
      });
    }
  });

  test('the web certificate lives in us-east-1 (CloudFront), DNS-validated in the zone', () => {
    const e = s.template('edgeCertificate');
    e.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: c.domain.webDomain,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: c.domain.webDomain, HostedZoneId: c.domain.hostedZoneId }],
    });
    assert.equal(s.assembly.getStackByName('TaskmgrEdgeCertificate').environment.region, 'us-east-1');
  });

  test('the web app\'s headers: nginx\'s (frame DENY, nosniff, same-origin referrer) plus HSTS', () => {
    const d = dist();
    const [id, p] = resources(j, 'AWS::CloudFront::ResponseHeadersPolicy')[0];
    assert.deepEqual(d.DefaultCacheBehavior.ResponseHeadersPolicyId, { Ref: id });
    const sec = p.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    assert.equal(sec.FrameOptions.FrameOption, 'DENY');
    assert.equal(sec.ContentTypeOptions.Override, true);
    assert.equal(sec.ReferrerPolicy.ReferrerPolicy, 'same-origin');
    assert.ok(sec.StrictTransportSecurity.AccessControlMaxAgeSec >= 31536000);
  });

  test('the CSP is nginx\'s, the same text in both confs and in CloudFront', () => {
    const csp = (f: string) => {
      const m = /Content-Security-Policy "([^"]+)"/.exec(fs.readFileSync(path.join(repoRoot, f), 'utf8'));
      assert.ok(m, `${f}: no Content-Security-Policy`);
      return m[1].replace('${TASKMGR_WEB_SCRIPT_SRC}', 'SCRIPT_SRC');
    };
    assert.equal(csp('conf/ecs/web.locations.conf.in'), CSP_TEMPLATE, 'conf/ecs/web.locations.conf.in vs web-stack.ts');
    assert.equal(csp('conf/nginx.conf.in'), CSP_TEMPLATE, 'conf/nginx.conf.in changed its CSP: change web-stack.ts and conf/ecs too');
  });

  test('a viewer-response function sets the CSP from the KeyValueStore', async () => {
    const d = dist();
    const assoc = d.DefaultCacheBehavior.FunctionAssociations.find((f: any) => f.EventType === 'viewer-response');
    assert.ok(assoc);
    const [kvsId] = resources(j, 'AWS::CloudFront::KeyValueStore')[0];
    const [, fn] = resources(j, 'AWS::CloudFront::Function').find(([, r]) => r.Properties.Name.endsWith('-web-csp'))!;
    assert.deepEqual(fn.Properties.FunctionConfig.KeyValueStoreAssociations,
      [{ KeyValueStoreARN: { 'Fn::GetAtt': [kvsId, 'Arn'] } }]);
    const empty = await cspHandler(j, {})({ response: { headers: {} } });
    assert.equal(empty.headers['content-security-policy'].value, CSP_TEMPLATE.replace('SCRIPT_SRC', "'self'"));
    const store = { [CSP_KEYS.count]: '2', [`${CSP_KEYS.part}0`]: "'self' 'sha256-a='", [`${CSP_KEYS.part}1`]: "'sha256-b='" };
    const full = await cspHandler(j, store)({ response: { headers: { 'x-other': { value: 'kept' } } } });
    assert.equal(full.headers['content-security-policy'].value,
      CSP_TEMPLATE.replace('SCRIPT_SRC', "'self' 'sha256-a=' 'sha256-b='"));
    assert.equal(full.headers['x-other'].value, 'kept');
  });

  test('the rewrite maps Next.js export paths: / to index.html, /tasks to tasks.html', () => {
    const code: string = resources(j, 'AWS::CloudFront::Function')[0][1].Properties.FunctionCode;
    // eslint-disable-next-line no-new-func
    const handler = new Function(`${code}; return handler;`)();
    const uri = (u: string) => handler({ request: { uri: u } }).uri;
    assert.equal(uri('/'), '/index.html');
    assert.equal(uri('/tasks'), '/tasks.html');
    assert.equal(uri('/tasks/'), '/tasks/index.html');
    assert.equal(uri('/_next/static/app.js'), '/_next/static/app.js');
    assert.equal(uri('/favicon.ico'), '/favicon.ico');
  });
});
