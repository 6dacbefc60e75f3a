import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MANAGED_RULE_GROUPS } from '../lib/edge-waf';
import { EVENTS_PUBLISH_PATH } from '../lib/compute-stack';
import { EVENTS_KEY_HEADER, ORIGIN_VERIFY_HEADER } from '../lib/secrets-stack';
import { asArray, iamStatements, logicalId, resources, roleStatements, show, synth } from './helpers';

/*
 * Issue 19's five gaps, each asserted on the templates: the pipeline's
 * deploy roles, WAF and the origin check at the public edge, Cognito MFA,
 * the log destinations, and no stored SMTP password (secrets.spec.ts and
 * iam.spec.ts hold the scheduler's side of the last).
 */
describe('hardening', () => {
  const s = synth();
  const c = s.config;
  const secretRef = (stage?: string) =>
    `{{resolve:secretsmanager:${c.secrets.originVerifyName}:SecretString::${stage ?? 'AWSCURRENT'}:}}`;

  describe('1. pipeline deploy roles', () => {
    const cd = s.json('cicd');
    const deploy = resources(cd, 'AWS::CodePipeline::Pipeline')[0][1].Properties.Stages
      .find((x: any) => x.Name === 'Deploy').Actions as any[];

    test('each deploy action passes only its own service\'s task and execution roles, to ECS tasks', () => {
      assert.equal(deploy.length, 4);
      for (const a of deploy) {
        const svc = a.Name.replace(/^(BlueGreen|Rolling)-/, '');
        const Svc = svc[0].toUpperCase() + svc.slice(1);
        const role = a.RoleArn['Fn::GetAtt'][0];
        const pass = roleStatements(cd, role).filter((x) => asArray(x.Action).includes('iam:PassRole'));
        assert.equal(pass.length, 1, a.Name);
        const res = asArray(pass[0].Resource).map(show);
        assert.equal(res.length, 2, `${a.Name}: ${res}`);
        assert.ok(res.some((r) => new RegExp(`${Svc}TaskRole[0-9A-F]{8}Arn`).test(r)), `${a.Name}: its task role`);
        assert.ok(res.some((r) => new RegExp(`${Svc}TaskDefExecutionRole[0-9A-F]{8}Arn`).test(r)), `${a.Name}: its execution role`);
        assert.deepEqual(pass[0].Condition, { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
      }
    });

    test('no role in the pipeline stack may pass any role or update any service', () => {
      for (const { owner, statement } of iamStatements(cd)) {
        const acts = asArray<string>(statement.Action);
        if (acts.some((x) => x === 'iam:PassRole' || x === 'ecs:UpdateService' || x === 'ecs:*' || x === 'iam:*')) {
          assert.ok(!asArray(statement.Resource).includes('*'), `${owner}: ${acts} on *`);
        }
      }
    });

    test('the rolling deploy updates the scheduler service only; CDK\'s default action roles are gone', () => {
      const role = deploy.find((a) => a.Name === 'Rolling-scheduler').RoleArn['Fn::GetAtt'][0];
      const upd = roleStatements(cd, role).filter((x) => asArray(x.Action).includes('ecs:UpdateService'));
      assert.equal(upd.length, 1);
      assert.deepEqual(asArray(upd[0].Resource).map(show).length, 1);
      assert.match(show(upd[0].Resource), /SchedulerService/);
      assert.equal(resources(cd, 'AWS::IAM::Role').filter(([id]) => /Deploy.*CodePipelineActionRole/.test(id)).length, 0);
    });
  });

  describe('2. WAF on CloudFront, and the API only through CloudFront', () => {
    const ej = s.json('edgeCertificate');
    const wj = s.json('web');
    const cj = s.json('compute');
    const [aclId, acl] = resources(ej, 'AWS::WAFv2::WebACL')[0];
    const rules = acl.Properties.Rules as any[];
    const dist = resources(wj, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;

    test('a CloudFront-scoped web ACL in us-east-1, associated with the distribution', () => {
      assert.equal(acl.Properties.Scope, 'CLOUDFRONT');
      assert.equal(s.stacks.edgeCertificate.region, 'us-east-1');
      assert.match(show(dist.WebACLId), new RegExp(`${aclId}|WebAcl`));
      assert.ok(resources(wj, 'AWS::CloudFront::Distribution').length === 1);
    });

    test('the AWS managed common and known-bad-inputs rule groups, enforcing', () => {
      const groups = rules.filter((r) => r.Statement.ManagedRuleGroupStatement)
        .map((r) => [r.Statement.ManagedRuleGroupStatement.VendorName, r.Statement.ManagedRuleGroupStatement.Name, r.OverrideAction]);
      assert.deepEqual(groups, MANAGED_RULE_GROUPS.map((n) => ['AWS', n, { None: {} }]));
    });

    test('a per-IP rate rule on login, register and password/*, answering 429', () => {
      const rate = rules.find((r) => r.Statement.RateBasedStatement);
      assert.ok(rate);
      const st = rate.Statement.RateBasedStatement;
      assert.equal(st.AggregateKeyType, 'IP');
      assert.equal(st.Limit, c.web.waf.authRatePer5Minutes);
      const matches = st.ScopeDownStatement.OrStatement.Statements.map((x: any) =>
        [x.ByteMatchStatement.PositionalConstraint, x.ByteMatchStatement.SearchString, Object.keys(x.ByteMatchStatement.FieldToMatch)[0]]);
      assert.deepEqual(matches, [
        ['EXACTLY', '/api/users/login', 'UriPath'],
        ['EXACTLY', '/api/users/login/mfa', 'UriPath'],
        ['EXACTLY', '/api/users/register', 'UriPath'],
        ['STARTS_WITH', '/api/users/password/', 'UriPath'],
      ]);
      assert.equal(rate.Action.Block.CustomResponse.ResponseCode, 429);
      const body = acl.Properties.CustomResponseBodies[rate.Action.Block.CustomResponse.CustomResponseBodyKey];
      assert.equal(JSON.parse(body.Content).error.code, 'rate_limited');
    });

    test('CloudFront sends the origin-verify value to the API, read from Secrets Manager at deploy time', () => {
      const api = dist.Origins.find((o: any) => o.DomainName === c.domain.apiDomain);
      assert.deepEqual(api.OriginCustomHeaders, [{ HeaderName: ORIGIN_VERIFY_HEADER, HeaderValue: secretRef() }]);
      const s3 = dist.Origins.find((o: any) => o.DomainName !== c.domain.apiDomain);
      assert.equal(s3.OriginCustomHeaders, undefined, 'the bucket origin does not get it');
    });

    test('the ALB forwards only with that header; without it, the listener answers 403', () => {
      const prod = logicalId(cj, 'AWS::ElasticLoadBalancingV2::Listener', 'AlbHttp');
      const listener = cj.Resources[prod].Properties;
      assert.equal(listener.DefaultActions.length, 1);
      assert.equal(listener.DefaultActions[0].Type, 'fixed-response');
      assert.equal(listener.DefaultActions[0].FixedResponseConfig.StatusCode, '403');
      const rs = resources(cj, 'AWS::ElasticLoadBalancingV2::ListenerRule').filter(([, r]) => r.Properties.ListenerArn.Ref === prod);
      assert.equal(rs.length, 5);
      // push (issue 14): the scheduler's rule to the nchan publisher
      // requires the events key instead (the scheduler is not CloudFront)
      const publish = (r: any) => r.Properties.Conditions.some((x: any) => x.Field === 'path-pattern'
        && x.PathPatternConfig.Values.includes(`${EVENTS_PUBLISH_PATH}/*`));
      assert.equal(rs.filter(([, r]) => publish(r)).length, 1);
      for (const [id, r] of rs) {
        const h = r.Properties.Conditions.filter((x: any) => x.Field === 'http-header');
        const want = publish(r)
          ? { HttpHeaderName: EVENTS_KEY_HEADER, Values: [`{{resolve:secretsmanager:${c.secrets.eventsKeyName}:SecretString:::}}`] }
          : { HttpHeaderName: ORIGIN_VERIFY_HEADER, Values: [secretRef()] };
        assert.deepEqual(h, [{ Field: 'http-header', HttpHeaderConfig: want }], id);
      }
    });

    test('while rotating, the ALB accepts the previous value too, CloudFront sends the current one', () => {
      const rot = synth({ originVerifyRotation: 'on' });
      const rj = rot.json('compute');
      for (const [, r] of resources(rj, 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
        const h = r.Properties.Conditions.find((x: any) => x.Field === 'http-header'
          && x.HttpHeaderConfig.HttpHeaderName === ORIGIN_VERIFY_HEADER);
        if (h) assert.deepEqual(h.HttpHeaderConfig.Values, [secretRef(), secretRef('AWSPREVIOUS')]);
      }
      const d = resources(rot.json('web'), 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
      assert.equal(d.Origins.find((o: any) => o.DomainName === c.domain.apiDomain).OriginCustomHeaders[0].HeaderValue, secretRef());
    });

    test('the value is generated in Secrets Manager; no template holds it', () => {
      const sec = resources(s.json('secrets'), 'AWS::SecretsManager::Secret').find(([, r]) => r.Properties.Name === c.secrets.originVerifyName);
      assert.ok(sec);
      assert.ok(sec[1].Properties.GenerateSecretString.PasswordLength >= 32);
      assert.equal(sec[1].Properties.SecretString, undefined);
    });
  });

  describe('3. Cognito', () => {
    test('TOTP MFA optional, no SMS factor', () => {
      const p = resources(s.json('auth'), 'AWS::Cognito::UserPool')[0][1].Properties;
      assert.equal(p.MfaConfiguration, 'OPTIONAL');
      assert.deepEqual(p.EnabledMfas, ['SOFTWARE_TOKEN_MFA']);
    });
  });

  describe('4. one log bucket for CloudFront, ALB and VPC flow logs', () => {
    const nj = s.json('network');
    const [bucketId, bucket] = resources(nj, 'AWS::S3::Bucket').find(([, r]) => r.Properties.BucketName === c.logs.bucketName)!;

    test('encrypted, private, TLS only, expiring', () => {
      const p = bucket.Properties;
      assert.equal(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, 'AES256');
      assert.deepEqual(p.PublicAccessBlockConfiguration,
        { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      assert.equal(p.LifecycleConfiguration.Rules[0].ExpirationInDays, c.logs.expireDays);
      const policy = resources(nj, 'AWS::S3::BucketPolicy').find(([, r]) => r.Properties.Bucket.Ref === bucketId)![1];
      assert.ok(policy.Properties.PolicyDocument.Statement.some((x: any) =>
        x.Effect === 'Deny' && x.Condition?.Bool?.['aws:SecureTransport'] === 'false'));
      assert.equal(bucket.DeletionPolicy, 'Retain');
    });

    test('VPC flow logs (all traffic) go to it', () => {
      const fl = resources(nj, 'AWS::EC2::FlowLog');
      assert.equal(fl.length, 1);
      assert.equal(fl[0][1].Properties.TrafficType, 'ALL');
      assert.equal(fl[0][1].Properties.LogDestinationType, 's3');
      assert.match(show(fl[0][1].Properties.LogDestination), new RegExp(`${bucketId}.*vpc-flow-logs/`));
    });

    test('the ALB\'s access logs go to it', () => {
      const attrs = Object.fromEntries(resources(s.json('compute'), 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0][1]
        .Properties.LoadBalancerAttributes.map((a: any) => [a.Key, a.Value]));
      assert.equal(attrs['access_logs.s3.enabled'], 'true');
      assert.match(show(attrs['access_logs.s3.bucket']), new RegExp(`TaskmgrNetwork.*Ref${bucketId}`));
    });

    test('CloudFront\'s access logs go to it', () => {
      const lg = resources(s.json('web'), 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig.Logging;
      assert.match(show(lg.Bucket), new RegExp(`TaskmgrNetwork.*${bucketId}RegionalDomainName`));
      assert.equal(lg.Prefix, 'cloudfront/');
    });
  });

  describe('5. no stored mail password; every topic TLS only', () => {
    test('the ops topic, like the four notification topics, refuses publishes without TLS', () => {
      for (const stack of ['observability', 'messaging'] as const) {
        const j = s.json(stack);
        const topics = resources(j, 'AWS::SNS::Topic').map(([id]) => id);
        assert.ok(topics.length > 0);
        for (const t of topics) {
          const pol = resources(j, 'AWS::SNS::TopicPolicy').find(([, r]) => show(r.Properties.Topics).includes(t));
          assert.ok(pol, `${stack}/${t}: a topic policy`);
          assert.ok(pol[1].Properties.PolicyDocument.Statement.some((x: any) =>
            x.Effect === 'Deny' && x.Condition?.Bool?.['aws:SecureTransport'] === 'false'), `${stack}/${t}: TLS only`);
        }
      }
    });
  });
});
