import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultConfig, makeConfig } from '../config';
import { EDGE_REGION } from '../lib/app';
import { checkTableDefinition, TableDefinition } from '../lib/table-definition';
import { synth, tableDefinitionFromRepo } from './helpers';

describe('config and synth', () => {
  test('the app synthesizes with no context lookup (offline, no AWS account)', () => {
    const s = synth();
    assert.equal(s.assembly.manifest.missing, undefined, 'a construct asked for a lookup');
    for (const st of s.assembly.stacks) {
      assert.ok(st.environment.account === defaultConfig.account, `${st.stackName}: account from config`);
    }
  });

  test('stacks are split by concern, each in the configured environment', () => {
    const s = synth();
    const names = s.assembly.stacks.map((st) => st.stackName).sort();
    assert.deepEqual(names, [
      'TaskmgrAuth', 'TaskmgrCicd', 'TaskmgrCompute', 'TaskmgrData', 'TaskmgrEdgeCertificate',
      'TaskmgrMessaging', 'TaskmgrNetwork', 'TaskmgrObservability', 'TaskmgrRegistry', 'TaskmgrSecrets', 'TaskmgrWeb',
    ]);
    for (const st of s.assembly.stacks) {
      const region = st.stackName === 'TaskmgrEdgeCertificate' ? EDGE_REGION : s.config.region;
      assert.equal(st.environment.region, region, st.stackName);
    }
  });

  test('another account and region synthesize offline too (cross-region web certificate)', () => {
    const s = synth({ account: '222222222222', region: 'eu-west-1', zoneName: 'example.org', hostedZoneId: 'ZEXAMPLEORG' });
    assert.equal(s.assembly.manifest.missing, undefined);
    assert.deepEqual(s.config.network.availabilityZones, ['eu-west-1a', 'eu-west-1b']);
    assert.equal(s.config.domain.apiDomain, 'api.example.org');
    assert.equal(s.assembly.getStackByName('TaskmgrEdgeCertificate').environment.region, 'us-east-1');
    assert.equal(s.assembly.getStackByName('TaskmgrWeb').environment.region, 'eu-west-1');
  });

  test('config refuses what cannot work', () => {
    assert.throws(() => makeConfig({ account: '12345' }), /12 digits/);
    assert.throws(() => makeConfig({ region: 'mars' }), /region/);
    assert.throws(() => makeConfig({ apiDomain: 'api.other.net' }), /not in the hosted zone/);
    assert.throws(() => makeConfig({}, { ...defaultConfig, auth: { ...defaultConfig.auth, passwordMinLength: 8 } }),
      /12 characters/);
    assert.throws(() => makeConfig({}, {
      ...defaultConfig, network: { ...defaultConfig.network, availabilityZones: ['us-east-1a'] },
    }), /2 availability zones/);
  });

  test('the table definition is checked before it is used', () => {
    const good = tableDefinitionFromRepo();
    assert.doesNotThrow(() => checkTableDefinition(good));
    const bad = (f: (d: TableDefinition) => void) => {
      const d: TableDefinition = JSON.parse(JSON.stringify(good));
      f(d);
      return () => checkTableDefinition(d);
    };
    assert.throws(bad((d) => { d.GlobalSecondaryIndexes![0].KeySchema[0].AttributeName = 'Nope'; }), /not in AttributeDefinitions/);
    assert.throws(bad((d) => { d.LocalSecondaryIndexes![0].KeySchema = [d.LocalSecondaryIndexes![0].KeySchema[0]]; }), /RANGE key/);
    assert.throws(bad((d) => { d.AttributeDefinitions.push({ AttributeName: 'Unused', AttributeType: 'S' }); }), /no key uses it/);
    assert.throws(bad((d) => { d.GlobalSecondaryIndexes!.push(d.GlobalSecondaryIndexes![0]); }), /defined twice/);
  });
});
