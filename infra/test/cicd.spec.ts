import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { CONTAINER_NAME, SERVICE_NAMES } from '../lib/compute-stack';
import { capitalize } from '../lib/names';
import { CSP_TEMPLATE } from '../lib/web-stack';
import { repoRoot, resources, show, synth } from './helpers';
import { cspHandler } from './web.spec';

const read = (f: string) => fs.readFileSync(path.join(repoRoot, f), 'utf8');

describe('CI/CD: CodePipeline, CodeBuild, CodeDeploy, Jenkins', () => {
  const s = synth();
  const c = s.config;
  const j = s.json('cicd');
  const pipeline = resources(j, 'AWS::CodePipeline::Pipeline')[0][1].Properties;
  const stage = (name: string) => pipeline.Stages.find((x: any) => x.Name === name);

  test('source -> build -> deploy -> web', () => {
    assert.equal(pipeline.PipelineType, 'V2');
    assert.deepEqual(pipeline.Stages.map((x: any) => x.Name), ['Source', 'Build', 'Deploy', 'Web']);
    const src = stage('Source').Actions[0];
    assert.equal(src.ActionTypeId.Provider, 'CodeStarSourceConnection');
    assert.equal(src.Configuration.ConnectionArn, c.cicd.connectionArn);
    assert.equal(src.Configuration.FullRepositoryId, `${c.cicd.repositoryOwner}/${c.cicd.repositoryName}`);
    assert.equal(src.Configuration.BranchName, c.cicd.branch);
  });

  test('CodeBuild runs buildspec.yml with Docker (make test, image)', () => {
    const build = stage('Build').Actions[0];
    assert.equal(build.ActionTypeId.Provider, 'CodeBuild');
    assert.deepEqual(build.OutputArtifacts.map((a: any) => a.Name), ['Build', 'Web']);
    const [, project] = resources(j, 'AWS::CodeBuild::Project').find(([, r]) => r.Properties.Name === `${c.prefix}-build`)!;
    assert.equal(project.Properties.Source.BuildSpec, 'buildspec.yml');
    assert.equal(project.Properties.Environment.PrivilegedMode, true);
    const env = Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((e: any) => [e.Name, e.Value]));
    assert.match(show(env.REPOSITORY_URI), /Repository/);
    assert.equal(env.TASKMGR_SERVICES, SERVICE_NAMES.join(' '));
    assert.equal(env.TASKMGR_CONTAINER, CONTAINER_NAME);
  });

  test('CodeDeploy ECS blue/green for the three API services, rolling ECS for the scheduler', () => {
    const actions = stage('Deploy').Actions;
    const bg = actions.filter((a: any) => a.ActionTypeId.Provider === 'CodeDeployToECS');
    assert.equal(bg.length, 3);
    for (const svc of SERVICE_NAMES) {
      const a = bg.find((x: any) => x.Name === `BlueGreen-${svc}`);
      assert.ok(a, svc);
      assert.equal(a.Configuration.TaskDefinitionTemplatePath, `taskdef-${svc}.json`);
      assert.equal(a.Configuration.AppSpecTemplatePath, 'appspec.yaml');
      assert.equal(a.Configuration.Image1ContainerName, 'IMAGE1_NAME');
      assert.equal(a.Configuration.Image1ArtifactName, 'Build');
    }
    const ecs = actions.filter((a: any) => a.ActionTypeId.Provider === 'ECS');
    assert.equal(ecs.length, 1);
    assert.equal(ecs[0].Configuration.FileName, 'imagedefinitions.json');

    const groups = resources(j, 'AWS::CodeDeploy::DeploymentGroup').map(([, r]) => r.Properties);
    assert.equal(groups.length, 3);
    for (const g of groups) {
      assert.deepEqual(g.DeploymentStyle, { DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' });
      const pair = g.LoadBalancerInfo.TargetGroupPairInfoList[0];
      assert.equal(pair.TargetGroups.length, 2);
      const svc = g.DeploymentGroupName.replace(`${c.prefix}-`, '');
      const Name = capitalize(svc);
      assert.match(show(pair.TargetGroups[0]), new RegExp(`${Name}Blue`));
      assert.match(show(pair.TargetGroups[1]), new RegExp(`${Name}Green`));
      assert.match(show(pair.ProdTrafficRoute), /AlbHttp/);
      assert.match(show(pair.TestTrafficRoute), /AlbTest/);
      assert.equal(g.AutoRollbackConfiguration.Enabled, true);
      assert.ok(g.AutoRollbackConfiguration.Events.includes('DEPLOYMENT_STOP_ON_ALARM'));
    }
  });

  test('the web stage publishes web/out', () => {
    const a = stage('Web').Actions[0];
    assert.equal(a.InputArtifacts[0].Name, 'Web');
    const [, project] = resources(j, 'AWS::CodeBuild::Project').find(([, r]) => r.Properties.Name === `${c.prefix}-publish-web`)!;
    assert.match(project.Properties.Source.BuildSpec, /infra\/ci\/publish-web\.sh/);
  });

  test('buildspec.yml runs the test stage and emits exactly what the deploy stage reads', () => {
    const b = parse(read('buildspec.yml'));
    assert.equal(b.version, 0.2);
    const cmds: string = b.phases.build.commands.join('\n');
    assert.match(cmds, /infra\/ci\/build-image\.sh/);
    assert.match(cmds, /infra\/ci\/pipeline-artifacts\.sh/);
    assert.equal(b.phases.build['on-failure'], 'ABORT');
    assert.deepEqual(Object.keys(b.artifacts['secondary-artifacts']).sort(), ['Build', 'Web']);
    // build-image.sh runs the Dockerfile's test stage, which runs make test
    assert.match(read('infra/ci/build-image.sh'), /--target test/);
    assert.match(read('Dockerfile'), /^FROM build AS test$/m);
    assert.match(read('Dockerfile'), /^RUN make test$/m);
  });

  test('appspec.yaml: the container and port the target groups use', () => {
    const a = parse(read('appspec.yaml'));
    const p = a.Resources[0].TargetService.Properties;
    assert.equal(a.Resources[0].TargetService.Type, 'AWS::ECS::Service');
    assert.equal(p.TaskDefinition, '<TASK_DEFINITION>');
    assert.equal(p.LoadBalancerInfo.ContainerName, CONTAINER_NAME);
    assert.equal(p.LoadBalancerInfo.ContainerPort, c.compute.containerPort);
  });

  test('the Jenkinsfile runs the same stages with the same scripts', () => {
    const jf = read('Jenkinsfile');
    const stages = [...jf.matchAll(/stage\('([^']+)'\)/g)].map((m) => m[1]);
    assert.deepEqual(stages, ['Source', 'Test', 'Image', 'Deploy', 'Web']);
    assert.match(jf, /--target test/);
    for (const script of ['build-image.sh', 'deploy.sh', 'publish-web.sh']) assert.match(jf, new RegExp(`infra/ci/${script}`));
  });

  test('publish-web.sh: syncs the bucket, stores the CSP in parts the function reassembles, invalidates', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taskmgr-ci-'));
    try {
      const bin = path.join(tmp, 'bin');
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, 'aws'), `#!/bin/sh
printf '%s\\0' "$@" >> "${tmp}/calls"; printf '\\n' >> "${tmp}/calls"
case "$*" in *describe-key-value-store*) echo etag-1 ;; *update-keys*) echo etag-2 ;; *) echo ok ;; esac
`, { mode: 0o755 });
      const site = path.join(tmp, 'out');
      fs.mkdirSync(path.join(site, '_next/static'), { recursive: true });
      fs.writeFileSync(path.join(site, 'index.html'), '<html></html>');
      // 40 hashes: more than one KeyValueStore value can hold
      const src = ["'self'", ...Array.from({ length: 40 }, (_, i) => `'sha256-${String(i).padStart(43, 'x')}='`)].join(' ');
      fs.writeFileSync(path.join(site, 'csp-script-src.txt'), src);
      execFileSync('bash', [path.join(repoRoot, 'infra/ci/publish-web.sh'), site], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, WEB_BUCKET: 'b', WEB_DISTRIBUTION_ID: 'D1', WEB_KVS_ARN: 'arn:kvs' },
        stdio: 'pipe',
      });
      const calls = fs.readFileSync(path.join(tmp, 'calls'), 'utf8').trim().split('\n')
        .map((l) => l.split('\0').filter((x) => x !== ''));
      const verbs = calls.map((c2) => `${c2[0]} ${c2[1]}`);
      assert.deepEqual(verbs, ['s3 sync', 's3 sync', 'cloudfront-keyvaluestore describe-key-value-store',
        'cloudfront-keyvaluestore update-keys', 'cloudfront create-invalidation']);
      const upd = calls[3];
      assert.equal(upd[upd.indexOf('--if-match') + 1], 'etag-1');
      const puts: { Key: string; Value: string }[] = JSON.parse(upd[upd.indexOf('--puts') + 1]);
      assert.ok(puts.length > 2, 'split into parts');
      for (const p of puts) assert.ok(Buffer.byteLength(p.Value) <= 1000, `${p.Key}: ${p.Value.length} bytes`);
      const store = Object.fromEntries(puts.map((p) => [p.Key, p.Value]));
      const res = await cspHandler(s.json('web'), store)({ response: { headers: {} } });
      assert.equal(res.headers['content-security-policy'].value, CSP_TEMPLATE.replace('SCRIPT_SRC', src));
      assert.ok(calls[4].includes('D1') && calls[4].includes('/*'));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('pipeline-artifacts.sh turns the deployed task definitions into CodeDeploy templates', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taskmgr-ci-'));
    try {
      const bin = path.join(tmp, 'bin');
      fs.mkdirSync(bin);
      // a stand-in AWS CLI: describe-task-definition answers what ECS would
      fs.writeFileSync(path.join(bin, 'aws'), `#!/bin/sh
echo "$*" >> "${tmp}/calls"
family=$(echo "$*" | sed -n 's/.*--task-definition \\([^ ]*\\).*/\\1/p')
cat <<JSON
{"taskDefinitionArn": "arn:aws:ecs:us-east-1:111111111111:task-definition/$family:7", "revision": 7,
 "status": "ACTIVE", "family": "$family", "registeredAt": "2026-01-01T00:00:00Z", "requiresAttributes": [],
 "compatibilities": ["FARGATE"], "taskRoleArn": "arn:aws:iam::111111111111:role/r", "cpu": "256",
 "containerDefinitions": [{"name": "${CONTAINER_NAME}", "image": "old:1", "secrets": [{"name": "TASKMGR_CURSOR_KEY", "valueFrom": "arn:s"}]}]}
JSON
`, { mode: 0o755 });
      const out = path.join(tmp, 'out');
      execFileSync('bash', [path.join(repoRoot, 'infra/ci/pipeline-artifacts.sh'), 'repo/taskmgr:abc', out], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
        stdio: 'pipe',
      });
      assert.deepEqual(fs.readdirSync(out).sort(), [
        'appspec.yaml', 'imageDetail.json', 'imagedefinitions.json',
        ...SERVICE_NAMES.map((n) => `taskdef-${n}.json`),
      ].sort());
      for (const svc of SERVICE_NAMES) {
        const td = JSON.parse(fs.readFileSync(path.join(out, `taskdef-${svc}.json`), 'utf8'));
        assert.equal(td.family, `${c.prefix}-${svc}`);
        assert.equal(td.containerDefinitions[0].image, '<IMAGE1_NAME>');
        assert.equal(td.containerDefinitions[0].secrets[0].name, 'TASKMGR_CURSOR_KEY', 'secrets carried over');
        for (const k of ['taskDefinitionArn', 'revision', 'status', 'registeredAt', 'requiresAttributes', 'compatibilities']) {
          assert.ok(!(k in td), `${k} must go: RegisterTaskDefinition refuses it`);
        }
      }
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'imageDetail.json'), 'utf8')), { ImageURI: 'repo/taskmgr:abc' });
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'imagedefinitions.json'), 'utf8')),
        [{ name: CONTAINER_NAME, imageUri: 'repo/taskmgr:abc' }]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
