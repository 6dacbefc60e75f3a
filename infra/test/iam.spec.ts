import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asArray, iamStatements, logicalId, roleStatements, show, synth, tableDefinitionFromRepo } from './helpers';

/** the table's ARN as another stack imports it */
const isTableArn = (v: any) => !!v?.['Fn::GetStackOutput'] && /FnGetAttTable\w*Arn/.test(v['Fn::GetStackOutput'].OutputName);
/** <table ARN>/index/<name>, or undefined */
const indexOf = (v: any): string | undefined => {
  const parts = v?.['Fn::Join']?.[1];
  if (!Array.isArray(parts) || parts.length !== 2 || !isTableArn(parts[0])) return undefined;
  const m = /^\/index\/([A-Za-z0-9_.-]+)$/.exec(parts[1]);
  return m ? m[1] : undefined;
};
const actions = (st: any): string[] => asArray<string>(st.Action);
const describeResource = (r: any) => (isTableArn(r) ? 'table' : indexOf(r) ? `index/${indexOf(r)}` : show(r));

describe('IAM: least privilege', () => {
  const s = synth();
  const all = s.all();
  const cj = s.json('compute');
  const indexes = [
    ...(tableDefinitionFromRepo().GlobalSecondaryIndexes ?? []),
    ...(tableDefinitionFromRepo().LocalSecondaryIndexes ?? []),
  ].map((i) => i.IndexName);

  test('no statement anywhere allows every action, or every action of a service', () => {
    let n = 0;
    for (const { name, template } of all) {
      for (const { owner, statement } of iamStatements(template)) {
        n++;
        assert.equal(statement.NotAction, undefined, `${name}/${owner}: NotAction`);
        for (const a of actions(statement)) {
          assert.notEqual(a, '*', `${name}/${owner}: Action "*"`);
          assert.doesNotMatch(a, /^[a-z0-9-]+:\*$/, `${name}/${owner}: ${a}`);
        }
      }
    }
    assert.ok(n > 20, `only ${n} statements seen: the walk is broken`);
  });

  test('every DynamoDB statement names the table or its indexes, never "*", never Scan', () => {
    let seen = 0;
    for (const { name, template } of all) {
      for (const { owner, statement } of iamStatements(template)) {
        if (!actions(statement).some((a) => a.startsWith('dynamodb:'))) continue;
        seen++;
        assert.ok(actions(statement).every((a) => a.startsWith('dynamodb:')), `${owner}: DynamoDB mixed with other services`);
        assert.ok(!actions(statement).includes('dynamodb:Scan'), `${owner}: Scan`);
        for (const r of asArray<any>(statement.Resource)) {
          const ix = indexOf(r);
          assert.ok(isTableArn(r) || (ix && indexes.includes(ix)), `${name}/${owner}: DynamoDB on ${show(r)}`);
        }
      }
    }
    assert.equal(seen, 8, 'two table statements for each of the four task roles');
  });

  const table = (role: string) => {
    const st = roleStatements(cj, logicalId(cj, 'AWS::IAM::Role', role));
    const ddb = st.filter((x) => actions(x).some((a) => a.startsWith('dynamodb:')));
    const items = ddb.find((x) => x.Sid === 'TableItems');
    const query = ddb.find((x) => x.Sid === 'TableQuery');
    return { st, ddb, items, query };
  };

  const expectTable = (role: string, itemActions: string[], queried: string[]) => {
    const { ddb, items, query } = table(role);
    assert.equal(ddb.length, 2);
    assert.deepEqual([...actions(items)].sort(), [...itemActions].sort());
    assert.deepEqual(asArray(items.Resource).map(describeResource), ['table'], 'item actions on the table ARN only');
    assert.deepEqual(actions(query), ['dynamodb:Query']);
    assert.deepEqual(asArray(query.Resource).map(describeResource).sort(), [...queried].sort());
  };

  test('tasks service: item actions on the table, Query on the table, its three list indexes and the unread count\'s, nothing else', () => {
    // NotificationTimestampIndex: push's unreadCount after a completion
    expectTable('TasksTaskRole',
      ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable'],
      ['table', 'index/UpdatedAtIndex', 'index/DueDateIndex', 'index/PriorityIndex', 'index/NotificationTimestampIndex']);
    assert.equal(table('TasksTaskRole').st.length, 2, 'the table and nothing else');
  });

  test('notifications service: its items and NotificationTimestampIndex, nothing else', () => {
    expectTable('NotificationsTaskRole',
      ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable'],
      ['table', 'index/NotificationTimestampIndex']);
    assert.equal(table('NotificationsTaskRole').st.length, 2);
  });

  test('users service: the table, EmailIndex, and AdminConfirmSignUp/AdminDeleteUser/AdminGetUser on the pool ARN only', () => {
    expectTable('UsersTaskRole',
      ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable'],
      ['table', 'index/EmailIndex']);
    const { st } = table('UsersTaskRole');
    assert.equal(st.length, 3);
    const cognito = st.find((x) => x.Sid === 'CognitoAdmin');
    assert.deepEqual([...actions(cognito)].sort(),
      ['cognito-idp:AdminConfirmSignUp', 'cognito-idp:AdminDeleteUser', 'cognito-idp:AdminGetUser']);
    const r = asArray<any>(cognito.Resource);
    assert.equal(r.length, 1);
    assert.match(r[0]['Fn::GetStackOutput'].OutputName, /UserPool\w*Arn/);
    assert.equal(r[0]['Fn::GetStackOutput'].StackName, 'TaskmgrAuth');
  });

  test('scheduler: Query on the table, its two indexes and the unread count\'s, writes on the table, publish on the four topics, mail as the SES identity, a deleted account\'s Cognito user', () => {
    const { st, items, query } = table('SchedulerTaskRole');
    assert.deepEqual([...actions(items)].sort(),
      ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem',
        'dynamodb:UpdateItem']);
    const cog = st.find((x) => x.Sid === 'CognitoDeleteUser');
    assert.deepEqual(actions(cog).sort(), ['cognito-idp:AdminDeleteUser', 'cognito-idp:AdminGetUser']);
    assert.match(JSON.stringify(cog.Resource), /UserPool\w*Arn/);
    assert.deepEqual(asArray(items.Resource).map(describeResource), ['table']);
    // NotificationTimestampIndex: push's unreadCount on each in-app notification it publishes
    assert.deepEqual(asArray(query.Resource).map(describeResource).sort(),
      ['index/NotificationTimestampIndex', 'index/OutboxIndex', 'index/ReminderIndex', 'table']);
    const publish = st.find((x) => x.Sid === 'Publish');
    assert.deepEqual(actions(publish), ['sns:Publish']);
    const topics = asArray<any>(publish.Resource).map((r) => r['Fn::GetStackOutput']);
    assert.equal(topics.length, 4);
    assert.ok(topics.every((x) => x.StackName === 'TaskmgrMessaging'));
    assert.deepEqual(topics.map((x) => x.OutputName.replace(/^PublishOutputRef/, '').replace(/[0-9A-F]{8,}$/, '')).sort(),
      ['TaskCompletedEmail', 'TaskCompletedSms', 'TaskDueEmail', 'TaskDueSms']);
    const send = st.find((x) => x.Sid === 'SendEmail');
    assert.deepEqual(actions(send), ['ses:SendEmail']);
    const domain = s.config.secrets.mailFrom.split('@')[1];
    assert.deepEqual(asArray(send.Resource), [`arn:aws:ses:${s.config.region}:${s.config.account}:identity/${domain}`]);
    assert.equal(st.length, 5);
  });

  test('the task roles are assumable by ECS tasks only', () => {
    for (const role of ['UsersTaskRole', 'TasksTaskRole', 'NotificationsTaskRole', 'SchedulerTaskRole']) {
      const r = cj.Resources[logicalId(cj, 'AWS::IAM::Role', role)];
      assert.deepEqual(r.Properties.AssumeRolePolicyDocument.Statement.map((x: any) => x.Principal.Service),
        ['ecs-tasks.amazonaws.com']);
      assert.equal(r.Properties.ManagedPolicyArns, undefined, `${role}: no managed policies`);
    }
  });
});
