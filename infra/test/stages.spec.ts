import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeConfig } from '../config';
import { resources, show, synth, TEST_IMAGE_TAG } from './helpers';

/** account-wide physical names: top-level *Name properties, the task families, nested policy names */
function physicalNames(templates: { name: string; template: any }[]): Map<string, string> {
  const notPhysical = new Set(['StageName', 'DeploymentConfigName', 'MetricName', 'PolicyName', 'DomainName', 'DisplayName']);
  const out = new Map<string, string>();
  for (const { name, template } of templates) {
    for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
      for (const [k, v] of Object.entries<any>(r.Properties ?? {})) {
        if (typeof v === 'string' && (k === 'Family' || (k.endsWith('Name') && !notPhysical.has(k)))) {
          out.set(`${r.Type} ${v}`, `${name}/${id}`);
        }
      }
      const nested = r.Properties?.ResponseHeadersPolicyConfig?.Name;
      if (typeof nested === 'string') out.set(`${r.Type} ${nested}`, `${name}/${id}`);
    }
  }
  return out;
}

describe('stages and names', () => {
  const prod = synth();
  const dev = synth({ stage: 'dev' });

  test('the default stage keeps the logical ids and names of every data-bearing resource, retained', () => {
    const kept: [keyof typeof prod.stacks, string, string, string][] = [
      ['data', 'TableCD117FA1', 'TableName', 'TaskManager'],
      ['auth', 'UserPool6BA7E5F2', 'UserPoolName', 'taskmgr-users'],
      ['web', 'Bucket83908E77', 'BucketName', 'taskmgr-web-111111111111-us-east-1'],
      ['secrets', 'CursorKey255E8F8A', 'Name', 'taskmgr/cursor-key'],
      ['registry', 'Repository22E53BBD', 'RepositoryName', 'taskmgr'],
      ['compute', 'UsersLogsA4A288A4', 'LogGroupName', '/taskmgr/users'],
      ['compute', 'SchedulerLogs62325BF3', 'LogGroupName', '/taskmgr/scheduler'],
      ['compute', 'ApiLogs3D05D88B', 'LogGroupName', '/taskmgr/api-gateway'],
    ];
    for (const [stack, id, prop, name] of kept) {
      const r = prod.json(stack).Resources[id];
      assert.ok(r, `${stack}: ${id}`);
      assert.equal(r.Properties[prop], name, `${stack}/${id}`);
      assert.equal(r.DeletionPolicy, 'Retain', `${stack}/${id}`);
    }
    assert.equal(prod.json('compute').Resources.UsersService330D0C14.Properties.ServiceName, 'taskmgr-users');
  });

  test('another stage lives beside it in the same account: its own stacks, names and hosts', () => {
    assert.equal(dev.config.account, prod.config.account);
    assert.equal(dev.config.prefix, 'taskmgr-dev');
    assert.ok(dev.assembly.stacks.every((st) => st.stackName.startsWith('TaskmgrDev')));
    assert.equal(dev.config.domain.apiDomain, 'api.dev.example.com');
    assert.equal(dev.config.domain.webDomain, 'app.dev.example.com');
    const a = physicalNames(prod.all());
    const b = physicalNames(dev.all());
    assert.ok(a.size > 40, `only ${a.size} names seen: the walk is broken`);
    assert.equal(a.size, b.size);
    const shared = [...a.keys()].filter((k) => b.has(k)).map((k) => `${k} (${a.get(k)})`);
    assert.deepEqual(shared, [], 'names both stages would claim');
    // names without the prefix today get it in another stage
    assert.equal(dev.json('data').Resources[Object.keys(dev.json('data').Resources)[0]].Properties.TableName,
      'taskmgr-dev-TaskManager');
    // the scheduler's and the access log's filters: one namespace per stage
    const filters = (x: typeof prod) => [...new Set(resources(x.json('observability'), 'AWS::Logs::MetricFilter')
      .map(([, r]) => r.Properties.MetricTransformations[0].MetricNamespace))];
    assert.deepEqual([filters(prod), filters(dev)], [['Taskmgr'], ['TaskmgrDev']]);
  });

  test('a stage is a short lower-case word', () => {
    assert.throws(() => makeConfig({ stage: 'Dev', imageTag: TEST_IMAGE_TAG }), /stage/);
    assert.throws(() => makeConfig({ stage: 'dev-1', imageTag: TEST_IMAGE_TAG }), /stage/);
  });

  test('the task definitions name the commit tag; no tag, or latest, is refused', () => {
    const images = resources(prod.json('compute'), 'AWS::ECS::TaskDefinition')
      .map(([, r]) => show(r.Properties.ContainerDefinitions[0].Image));
    assert.equal(images.length, 4);
    for (const i of images) assert.match(i, new RegExp(`:${TEST_IMAGE_TAG}"\\]\\]\\}$`));
    assert.throws(() => makeConfig({}), /no image tag/);
    assert.throws(() => makeConfig({ imageTag: 'latest' }), /moves/);
  });
});
