/*
 * The WAF web ACL in front of CloudFront (scope CLOUDFRONT: it lives in
 * us-east-1, in EdgeCertificateStack):
 *
 *   0 AWS managed common rule set (OWASP-style: bad bots' user agents,
 *     oversize and malformed requests, path traversal, SQLi/XSS probes...)
 *     CrossSiteScripting_BODY counts only: task titles and descriptions are
 *     free text ("<b>" is a fine thing to write in a task); the app
 *     renders them as text and the CSP forbids inline script
 *   1 AWS managed known-bad-inputs (Log4Shell, Spring4Shell, ... payloads)
 *   2 a rate-based rule: per client IP, the credential endpoints (login,
 *     register, password reset: config web.waf.authPaths) over 5 minutes;
 *     above the limit, 429 with the API's JSON error until the rate falls
 *
 * Everything else is allowed; metrics for each rule in CloudWatch.
 */

import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { TaskmgrConfig } from '../config';

/** the managed groups, by priority */
export const MANAGED_RULE_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'];

/** rules of the managed groups that only count */
export const COUNTED_MANAGED_RULES: Record<string, string[]> = {
  AWSManagedRulesCommonRuleSet: ['CrossSiteScripting_BODY'],
};

export const AUTH_RATE_RULE = 'AuthRateLimit';

export const RATE_LIMITED_BODY = '{"error":{"code":"rate_limited","message":"too many attempts: try again in a few minutes"}}';

const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName: name,
  sampledRequestsEnabled: true,
});

/** one path: exact, or every path under it when it ends in / */
function pathMatch(path: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: path.endsWith('/') ? 'STARTS_WITH' : 'EXACTLY',
      searchString: path,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}

export function edgeWebAcl(scope: Construct, id: string, c: TaskmgrConfig): wafv2.CfnWebACL {
  const w = c.web.waf;
  const paths = w.authPaths.map(pathMatch);
  const managed: wafv2.CfnWebACL.RuleProperty[] = MANAGED_RULE_GROUPS.map((name, priority) => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ruleActionOverrides: (COUNTED_MANAGED_RULES[name] ?? []).map((rule) => ({
          name: rule, actionToUse: { count: {} },
        })),
      },
    },
    visibilityConfig: visibility(`${c.prefix}-${name}`),
  }));
  return new wafv2.CfnWebACL(scope, id, {
    name: w.webAclName,
    description: 'taskmgr web app and /api: managed rule groups, rate limit on the credential endpoints',
    scope: 'CLOUDFRONT',
    defaultAction: { allow: {} },
    customResponseBodies: {
      'rate-limited': { contentType: 'APPLICATION_JSON', content: RATE_LIMITED_BODY },
    },
    rules: [
      ...managed,
      {
        name: AUTH_RATE_RULE,
        priority: managed.length,
        action: {
          block: { customResponse: { responseCode: 429, customResponseBodyKey: 'rate-limited' } },
        },
        statement: {
          rateBasedStatement: {
            limit: w.authRatePer5Minutes,
            evaluationWindowSec: 300,
            aggregateKeyType: 'IP',
            scopeDownStatement: paths.length === 1 ? paths[0] : { orStatement: { statements: paths } },
          },
        },
        visibilityConfig: visibility(`${c.prefix}-${AUTH_RATE_RULE}`),
      },
    ],
    visibilityConfig: visibility(w.webAclName),
  });
}
