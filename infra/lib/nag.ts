/*
 * cdk-nag suppressions, always on one resource (never a stack), each with
 * the reason a reviewer reads: what is allowed, why it cannot be
 * narrower, what limits it.  README, "Security", lists them.  The checks
 * themselves run in the tests (test/nag.ts, test/nag.spec.ts).
 */

import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { NagPackSuppression, NagSuppressions, RegexAppliesTo } from 'cdk-nag';

/** rule id (AwsSolutions-XXX), the reason, and for IAM5/IAM4 the exact findings */
export type Suppression = [id: string, reason: string, appliesTo?: (string | RegexAppliesTo)[]];

export function suppress(resource: IConstruct, ...xs: Suppression[]): void {
  const list: NagPackSuppression[] = xs.map(([id, reason, appliesTo]) => ({ id, reason, appliesTo }));
  // applyToChildren: an L2's CfnResource (and a role's DefaultPolicy) is its child
  NagSuppressions.addResourceSuppressions(resource, list, true);
}

/** the same, for a resource CDK creates inside an L2 and does not expose (one path) */
export function suppressPath(stack: Stack, path: string, ...xs: Suppression[]): void {
  const list: NagPackSuppression[] = xs.map(([id, reason, appliesTo]) => ({ id, reason, appliesTo }));
  NagSuppressions.addResourceSuppressionsByPath(stack, path, list, true);
}
