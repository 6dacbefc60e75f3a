/*
 * One synth of the whole app per configuration, shared by every spec
 * (synth takes seconds; the specs only read templates).
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { ConfigOverrides, makeConfig, repoRoot, TaskmgrConfig } from '../config';
import { buildApp, TaskmgrStacks } from '../lib/app';
import { readTableDefinition, TableDefinition } from '../lib/table-definition';

export const infraDir = path.resolve(__dirname, '..');
export { repoRoot };

/** the feature flags `cdk synth` runs with */
export const cdkContext = JSON.parse(fs.readFileSync(path.join(infraDir, 'cdk.json'), 'utf8')).context;

export interface Synth {
  config: TaskmgrConfig;
  stacks: TaskmgrStacks;
  assembly: CloudAssembly;
  template(stackId: keyof TaskmgrStacks): Template;
  json(stackId: keyof TaskmgrStacks): any;
  /** every stack's template */
  all(): { name: string; template: any }[];
}

const cache = new Map<string, Synth>();

/** the commit tag the tests' task definitions name (bin/taskmgr.ts takes git HEAD's) */
export const TEST_IMAGE_TAG = '0123456789ab';

export function synth(overrides: ConfigOverrides = {}, tableDefinition?: TableDefinition): Synth {
  const key = JSON.stringify([overrides, tableDefinition ?? null]);
  const hit = cache.get(key);
  if (hit) return hit;

  const config = makeConfig({ imageTag: TEST_IMAGE_TAG, ...overrides });
  const app = new App({ context: cdkContext });
  const stacks = buildApp(app, config, { tableDefinition });
  const assembly = app.synth();
  const json = (id: keyof TaskmgrStacks) => assembly.getStackByName(stacks[id].stackName).template;
  const templates = new Map<string, Template>();
  const s: Synth = {
    config,
    stacks,
    assembly,
    json,
    template(id) {
      let t = templates.get(id);
      if (!t) {
        t = Template.fromJSON(json(id));
        templates.set(id, t);
      }
      return t;
    },
    all: () => assembly.stacks.map((st) => ({ name: st.stackName, template: st.template })),
  };
  cache.set(key, s);
  return s;
}

export function tableDefinitionFromRepo(): TableDefinition {
  return readTableDefinition(path.join(repoRoot, 'conf/dynamodb-table.json'));
}

/** resources of one type: [logicalId, resource] */
export function resources(template: any, type: string): [string, any][] {
  return Object.entries(template.Resources ?? {}).filter(([, r]: [string, any]) => r.Type === type) as [string, any][];
}

export function only<T>(xs: T[], what: string): T {
  if (xs.length !== 1) throw new Error(`expected exactly one ${what}, found ${xs.length}`);
  return xs[0];
}

export const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** every IAM statement of a template: inline role policies and AWS::IAM::Policy */
export function iamStatements(template: any): { owner: string; statement: any }[] {
  const out: { owner: string; statement: any }[] = [];
  for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      for (const st of asArray(r.Properties.PolicyDocument.Statement)) out.push({ owner: id, statement: st });
    }
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of asArray<any>(r.Properties.Policies)) {
        for (const st of asArray(p.PolicyDocument.Statement)) out.push({ owner: id, statement: st });
      }
    }
  }
  return out;
}

/** the statements of the AWS::IAM::Policy resources attached to a role (by logical id) */
export function roleStatements(template: any, roleLogicalId: string): any[] {
  const out: any[] = [];
  for (const [, r] of resources(template, 'AWS::IAM::Policy')) {
    const roles = asArray<any>(r.Properties.Roles);
    if (roles.some((x) => x.Ref === roleLogicalId)) out.push(...asArray(r.Properties.PolicyDocument.Statement));
  }
  const role = template.Resources[roleLogicalId];
  for (const p of asArray<any>(role?.Properties?.Policies)) out.push(...asArray(p.PolicyDocument.Statement));
  return out;
}

/** the logical id of the one resource of `type` whose id starts with `prefix` */
export function logicalId(template: any, type: string, prefix: string): string {
  return only(resources(template, type).filter(([id]) => id.startsWith(prefix)).map(([id]) => id), `${type} ${prefix}*`);
}

/** a template value rendered to a string, for matching ARNs built with Fn::Join/GetAtt/imports */
export function show(v: unknown): string {
  return JSON.stringify(v);
}
