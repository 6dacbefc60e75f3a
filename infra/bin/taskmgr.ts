#!/usr/bin/env node
/*
 * cdk synth / cdk deploy entry point.  Per-account values come from CDK
 * context (-c account=... -c region=... -c zoneName=... -c hostedZoneId=...
 * ..., see ConfigOverrides in config.ts); everything else from config.ts.
 * Nothing is looked up in AWS at synth time.
 *
 * The image tag: -c imageTag=..., else IMAGE_TAG (what buildspec.yml and
 * the Jenkinsfile export), else the checkout's commit, 12 characters: the
 * same rule infra/ci/build-image.sh tags the image it pushes by.
 */

import { execFileSync } from 'node:child_process';
import { App } from 'aws-cdk-lib';
import { ConfigOverrides, makeConfig, repoRoot } from '../config';
import { buildApp } from '../lib/app';

function gitCommitTag(): string | undefined {
  try {
    return execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short=12', 'HEAD'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const app = new App();
const keys: (keyof ConfigOverrides)[] = [
  'stage', 'account', 'region', 'zoneName', 'hostedZoneId', 'apiDomain', 'webDomain', 'connectionArn',
  'repositoryOwner', 'repositoryName', 'branch', 'opsEmail', 'imageTag', 'originVerifyRotation', 'schedulerCount',
  'cloudFrontPrefixList',
];
const overrides: ConfigOverrides = {};
for (const k of keys) {
  const v = app.node.tryGetContext(k);
  if (typeof v === 'string' && v !== '') overrides[k] = v;
}
overrides.imageTag ??= process.env.IMAGE_TAG || gitCommitTag();
buildApp(app, makeConfig(overrides));
app.synth();
