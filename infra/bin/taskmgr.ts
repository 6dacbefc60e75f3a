#!/usr/bin/env node
/*
 * cdk synth / cdk deploy entry point.  Per-account values come from CDK
 * context (-c account=... -c region=... -c zoneName=... -c hostedZoneId=...
 * ..., see ConfigOverrides in config.ts); everything else from config.ts.
 * Nothing is looked up in AWS at synth time.
 */

import { App } from 'aws-cdk-lib';
import { ConfigOverrides, makeConfig } from '../config';
import { buildApp } from '../lib/app';

const app = new App();
const keys: (keyof ConfigOverrides)[] = [
  'account', 'region', 'zoneName', 'hostedZoneId', 'apiDomain', 'webDomain', 'connectionArn',
  'repositoryOwner', 'repositoryName', 'branch', 'opsEmail', 'imageTag',
];
const overrides: ConfigOverrides = {};
for (const k of keys) {
  const v = app.node.tryGetContext(k);
  if (typeof v === 'string' && v !== '') overrides[k] = v;
}
buildApp(app, makeConfig(overrides));
app.synth();
