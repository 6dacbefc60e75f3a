import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resources, synth } from './helpers';

describe('messaging: SNS', () => {
  const s = synth();
  const j = s.json('messaging');

  test('the four notification topics, by their names', () => {
    const names = resources(j, 'AWS::SNS::Topic').map(([, r]) => r.Properties.TopicName).sort();
    assert.deepEqual(names, [
      'TaskCompletedNotificationsEmailTopic', 'TaskCompletedNotificationsSMSTopic',
      'TaskDueNotificationsEmailTopic', 'TaskDueNotificationsSMSTopic',
    ]);
  });

  test('publishing requires TLS', () => {
    const policies = resources(j, 'AWS::SNS::TopicPolicy');
    assert.equal(policies.length, 4);
    for (const [, p] of policies) {
      assert.ok(p.Properties.PolicyDocument.Statement.some((st: any) => st.Effect === 'Deny'
        && st.Condition?.Bool?.['aws:SecureTransport'] === 'false'));
    }
  });
});
