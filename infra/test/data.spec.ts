import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resources, synth, tableDefinitionFromRepo } from './helpers';

describe('data: the table from conf/dynamodb-table.json', () => {
  const s = synth();
  const t = s.template('data');
  const def = tableDefinitionFromRepo();
  const table = () => resources(s.json('data'), 'AWS::DynamoDB::Table')[0][1];

  test('one table, named and keyed as the file says', () => {
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    const p = table().Properties;
    assert.equal(p.TableName, def.TableName);
    assert.deepEqual(p.KeySchema, def.KeySchema);
  });

  test('every global index of the file, with its keys and projection', () => {
    const p = table().Properties;
    const norm = (ixs: any[]) => (ixs ?? []).map((g) => ({
      IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: { ProjectionType: g.Projection.ProjectionType },
    })).sort((a, b) => a.IndexName.localeCompare(b.IndexName));
    assert.deepEqual(norm(p.GlobalSecondaryIndexes), norm(def.GlobalSecondaryIndexes!));
    assert.equal(p.GlobalSecondaryIndexes.length, 4);
    for (const g of p.GlobalSecondaryIndexes) assert.equal(g.ProvisionedThroughput, undefined, 'on demand');
  });

  test('every local index of the file, DueDateIndex included', () => {
    const p = table().Properties;
    const norm = (ixs: any[]) => (ixs ?? []).map((g) => ({
      IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: { ProjectionType: g.Projection.ProjectionType },
    })).sort((a, b) => a.IndexName.localeCompare(b.IndexName));
    assert.deepEqual(norm(p.LocalSecondaryIndexes), norm(def.LocalSecondaryIndexes!));
    assert.equal(p.LocalSecondaryIndexes.length, 3);
    assert.ok(p.LocalSecondaryIndexes.some((l: any) => l.IndexName === 'DueDateIndex'
      && l.KeySchema[1].AttributeName === 'TaskDueSort'));
  });

  test('attribute definitions are exactly the file\'s', () => {
    const sort = (xs: any[]) => [...xs].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName));
    assert.deepEqual(sort(table().Properties.AttributeDefinitions), sort(def.AttributeDefinitions));
  });

  test('TTL on NotificationExpiry, on-demand, PITR, deletion protection, retained', () => {
    const r = table();
    assert.deepEqual(r.Properties.TimeToLiveSpecification, { AttributeName: 'NotificationExpiry', Enabled: true });
    assert.equal(r.Properties.BillingMode, 'PAY_PER_REQUEST');
    assert.equal(r.Properties.ProvisionedThroughput, undefined);
    assert.equal(r.Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled, true);
    assert.equal(r.Properties.DeletionProtectionEnabled, true);
    assert.equal(r.DeletionPolicy, 'Retain');
    assert.equal(r.UpdateReplacePolicy, 'Retain');
  });

  test('the file drives the table: an index added there appears here', () => {
    const def2 = tableDefinitionFromRepo();
    def2.AttributeDefinitions.push({ AttributeName: 'Extra', AttributeType: 'N' });
    def2.GlobalSecondaryIndexes!.push({
      IndexName: 'ExtraIndex',
      KeySchema: [{ AttributeName: 'Extra', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['Title'] },
    });
    const s2 = synth({}, def2);
    const p = resources(s2.json('data'), 'AWS::DynamoDB::Table')[0][1].Properties;
    const extra = p.GlobalSecondaryIndexes.find((g: any) => g.IndexName === 'ExtraIndex');
    assert.deepEqual(extra.Projection, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['Title'] });
    assert.ok(p.AttributeDefinitions.some((a: any) => a.AttributeName === 'Extra' && a.AttributeType === 'N'));
  });
});
