import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { synth } from './helpers';
import { formatFindings, nagApp } from './nag';

/*
 * cdk-nag's AwsSolutions pack over every stack: no finding (error or
 * warning) that is not suppressed, and every suppression on one resource
 * with a reason (lib/nag.ts; README, Security).
 */
describe('cdk-nag AwsSolutionsChecks', () => {
  // the default stage, and another stage in another region (the edge
  // stack's certificate and web ACL then cross regions)
  for (const [what, overrides] of [['default stage', {}], ['stage dev in eu-west-1', { stage: 'dev', region: 'eu-west-1' }]] as const) {
    const r = nagApp(overrides);

    test(`${what}: no unsuppressed error or warning, no rule that failed to run`, () => {
      assert.equal(r.findings.length, 0, `cdk-nag findings:\n${formatFindings(r.findings)}`);
      assert.equal(r.errors.length, 0, `cdk-nag rule errors:\n${r.errors.map((e) => `${e.rule} ${e.path}: ${e.info}`).join('\n')}`);
    });

    test(`${what}: every suppression says why, and wildcard IAM ones name the exact finding`, () => {
      assert.ok(r.suppressed.length > 0);
      for (const x of r.suppressed) {
        assert.ok(x.reason.length >= 80, `${x.rule} on ${x.path}: a reason a reviewer can check, not "${x.reason}"`);
        // IAM5/IAM4 findings carry their own id ([Action::...], [Resource::...]): accepted one by one
        if (/IAM[45]/.test(x.rule)) assert.match(x.rule, /\[(Action|Resource|Policy)::/, `${x.path}: ${x.rule}`);
      }
    });
  }

  test('suppressions sit on resources, never on a stack', () => {
    // NagSuppressions.addStackSuppressions writes the stack template's Metadata
    for (const { name, template } of synth().all()) {
      assert.equal(template.Metadata?.cdk_nag, undefined, `${name}: stack-wide suppressions`);
    }
  });
});
