import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { iamStatements, resources, show, synth } from './helpers';

describe('secrets: Secrets Manager, into containers as ECS secrets only', () => {
  const s = synth();
  const sj = s.json('secrets');
  const cj = s.json('compute');
  const containers = resources(cj, 'AWS::ECS::TaskDefinition')
    .map(([id, r]) => ({ id, c: r.Properties.ContainerDefinitions[0], role: r.Properties.TaskRoleArn, exec: r.Properties.ExecutionRoleArn }));

  test('the cursor key is generated: long, letters and digits only (one nginx token)', () => {
    const k = resources(sj, 'AWS::SecretsManager::Secret').find(([, r]) => r.Properties.Name === s.config.secrets.cursorKeyName)!;
    assert.ok(k, 'cursor key secret');
    const g = k[1].Properties.GenerateSecretString;
    assert.ok(g.PasswordLength >= 16, 'taskmgr_cursor_key needs 16+ characters');
    assert.equal(g.ExcludePunctuation, true);
    assert.equal(g.IncludeSpace, false);
    assert.equal(k[1].DeletionPolicy, 'Retain');
  });

  test('no SMTP secret, and no rotation schedule standing in for one: the cursor key, the origin-verify value and push\'s two', () => {
    const names = resources(sj, 'AWS::SecretsManager::Secret').map(([, r]) => r.Properties.Name).sort();
    const x = s.config.secrets;
    assert.deepEqual(names, [x.cursorKeyName, x.originVerifyName, x.redisAuthName, x.eventsKeyName].sort());
    for (const { template } of s.all()) {
      assert.equal(resources(template, 'AWS::SecretsManager::RotationSchedule').length, 0);
      assert.doesNotMatch(JSON.stringify(template), /TASKMGR_SMTP|email-smtp|"Smtp[0-9A-F]{8}"/);
    }
  });

  test('the nginx services get the cursor key as an ECS secret, never as environment', () => {
    const nginx = containers.filter(({ c }) => c.Command[0] !== 'scheduler');
    assert.equal(nginx.length, 3);
    for (const { id, c } of nginx) {
      const sec = (c.Secrets ?? []).find((x: any) => x.Name === 'TASKMGR_CURSOR_KEY');
      assert.ok(sec, `${id}: TASKMGR_CURSOR_KEY secret`);
      assert.match(show(sec.ValueFrom), /CursorKey/);
    }
  });

  test('the scheduler gets the events key only (push): it mails through SES with its task role', () => {
    const { c } = containers.find(({ c }) => c.Command[0] === 'scheduler')!;
    assert.deepEqual((c.Secrets ?? []).map((x: any) => x.Name), ['TASKMGR_EVENTS_KEY']);
    assert.match(show(c.Secrets[0].ValueFrom), /EventsKey/);
    const env = Object.fromEntries(c.Environment.map((e: any) => [e.Name, e.Value]));
    assert.equal(env.TASKMGR_EMAIL_CHANNEL, 'ses');
    assert.equal(env.TASKMGR_SES_ENDPOINT, `https://email.${s.config.region}.amazonaws.com`);
  });

  test('no container environment carries a secret', () => {
    for (const { id, c } of containers) {
      for (const e of c.Environment ?? []) {
        assert.doesNotMatch(e.Name, /KEY|PASSWORD|SECRET|TOKEN|CREDENTIAL/, `${id}: ${e.Name} is plain environment`);
        assert.doesNotMatch(show(e.Value), /CursorKey|OriginVerify|resolve:secretsmanager/, `${id}: ${e.Name} holds a secret reference`);
      }
    }
  });

  test('only the execution roles read secrets; the task roles cannot', () => {
    const st = iamStatements(cj);
    const readers = new Set(st.filter(({ statement }) => [statement.Action].flat().some((a: string) => a.startsWith('secretsmanager:')))
      .map(({ owner }) => owner));
    assert.ok(readers.size > 0);
    for (const r of readers) assert.match(r, /ExecutionRole/, `${r} reads a secret`);
    for (const { statement } of st) {
      if ([statement.Action].flat().some((a: string) => a.startsWith('secretsmanager:'))) {
        assert.notEqual(statement.Resource, '*');
      }
    }
  });
});
