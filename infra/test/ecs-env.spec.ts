import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot, resources, synth } from './helpers';

/*
 * The task definitions and the image's entrypoint agree: what ECS gives
 * each container (environment, secrets, the task role's credentials URI)
 * is enough for conf/ecs/entrypoint.sh to render that service's conf.
 */
describe('task definitions x conf/ecs/entrypoint.sh', () => {
  const s = synth();
  const containers = resources(s.json('compute'), 'AWS::ECS::TaskDefinition')
    .map(([, r]) => r.Properties.ContainerDefinitions[0]);

  // a CloudFormation token becomes a plausible sample value
  const sample = (name: string, v: unknown): string => {
    if (typeof v === 'string') return v;
    if (name === 'TASKMGR_USER_POOL_ID') return 'us-east-1_Sample123';
    if (name.startsWith('TASKMGR_TOPIC_')) return `arn:aws:sns:us-east-1:111111111111:${name.toLowerCase()}`;
    // push: ElastiCache's primary endpoint and the ALB's name, joined into URLs
    if (name === 'TASKMGR_REDIS_ENDPOINT') return 'rediss://master.taskmgr-redis.abc123.use1.cache.amazonaws.com:6380';
    if (name === 'TASKMGR_EVENTS_URL') {
      return 'http://internal-taskmgr-internal-1234567890.us-east-1.elb.amazonaws.com:80/_taskmgr/events/publish';
    }
    return `sample-${name.toLowerCase().replace(/_/g, '-')}`;
  };
  const secretSample: Record<string, string> = {
    TASKMGR_CURSOR_KEY: 'k'.repeat(64),
    TASKMGR_REDIS_AUTH: 'r'.repeat(64),
    TASKMGR_EVENTS_KEY: 'e'.repeat(48),
    TASKMGR_SMTP_USERNAME: 'AKIASAMPLESMTPUSER',
    TASKMGR_SMTP_PASSWORD: 'sample/smtp+password=',
  };

  for (const svc of ['users', 'tasks', 'notifications', 'scheduler']) {
    test(`${svc}: the task's environment renders its conf`, () => {
      const ctr = containers.find((x) => x.Command[0] === svc);
      assert.ok(ctr, svc);
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TASKMGR_TEMPLATES: path.join(repoRoot, 'conf/ecs'),
        // ECS sets this in every task with a task role
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/sample',
      };
      for (const e of ctr.Environment) env[e.Name] = sample(e.Name, e.Value);
      for (const x of ctr.Secrets ?? []) {
        assert.ok(secretSample[x.Name], `a sample for secret ${x.Name}`);
        env[x.Name] = secretSample[x.Name];
      }
      const run = fs.mkdtempSync(path.join(os.tmpdir(), 'taskmgr-ecs-env-'));
      try {
        env.TASKMGR_RUN = run;
        const r = spawnSync('bash', [path.join(repoRoot, 'conf/ecs/entrypoint.sh'), 'render', svc], { env, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        const conf = fs.readFileSync(r.stdout.trim(), 'utf8');
        if (svc === 'scheduler') {
          assert.match(conf, /^sms_channel += sns$/m);
          // push: the nchan publisher through the internal ALB, with the key
          assert.match(conf, /^events_url += http:\/\/internal-[^ ]+:80\/_taskmgr\/events\/publish$/m);
          assert.match(conf, /^events_key += e{48}$/m);
          // account deletion: a deletion cut short is finished with the pool
          assert.match(conf, /^user_pool += us-east-1_Sample123$/m);
          assert.match(conf, /^cognito_endpoint += https:\/\/cognito-idp\.us-east-1\.amazonaws\.com$/m);
          assert.match(conf, /^sns_topic_due_email += arn:aws:sns:/m);
          assert.match(conf, new RegExp(`^shards += ${s.config.compute.reminderShards}$`, 'm'));
        } else {
          const http = fs.readFileSync(path.join(run, 'http.conf'), 'utf8');
          assert.match(http, /^taskmgr_cursor_key +k{64};$/m);
          assert.match(http, new RegExp(`^taskmgr_reminder_shards +${s.config.compute.reminderShards};$`, 'm'));
          assert.match(http, /^taskmgr_dynamodb_endpoint +https:\/\/dynamodb\.us-east-1\.amazonaws\.com;$/m);
          assert.match(http, /^ *server +dynamodb\.us-east-1\.amazonaws\.com:443;$/m);
          assert.match(fs.readFileSync(path.join(run, 'credentials.conf'), 'utf8'),
            /^taskmgr_aws_credentials_endpoint +\/_taskmgr\/credentials;$/m);
          assert.match(conf, new RegExp(`include +${run}/${svc}\\.locations\\.conf;`));
          // push: nchan on ElastiCache (TLS, AUTH), the publisher keyed
          assert.match(conf, /^load_module +\/usr\/lib\/nginx\/modules\/ngx_nchan_module\.so;$/m);
          const store = fs.readFileSync(path.join(run, 'events-store.conf'), 'utf8');
          assert.match(store, /^ *nchan_redis_server +rediss:\/\/master\.[^ ]+:6380;$/m);
          assert.match(store, /^ *nchan_redis_ssl +on;$/m);
          assert.match(store, /^ *nchan_redis_password +'r{64}';$/m);
          assert.match(fs.readFileSync(path.join(run, 'server.conf'), 'utf8'),
            /if \(\$http_x_taskmgr_events_key != "e{48}"\)/);
        }
      } finally {
        fs.rmSync(run, { recursive: true, force: true });
      }
    });
  }
});
