/*
 * cdk-nag's AwsSolutions pack over every stack of the app: a fresh synth
 * (Aspects run at synth) with a logger that collects what the pack finds.
 * nag.spec.ts fails on any finding left unsuppressed; `npm run nag` prints
 * them (the count a reviewer measures).
 */

import { App, Aspects, Stack } from 'aws-cdk-lib';
import {
  AwsSolutionsChecks, INagLogger, NagLoggerErrorData, NagLoggerNonComplianceData, NagLoggerSuppressedData,
} from 'cdk-nag';
import { FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT } from 'aws-cdk-lib/cx-api';
import { ConfigOverrides, makeConfig } from '../config';
import { buildApp } from '../lib/app';
import { cdkContext, TEST_IMAGE_TAG } from './helpers';

export interface NagFinding {
  stack: string;
  path: string;
  rule: string;
  level: string;
  info: string;
}

export interface NagResult {
  findings: NagFinding[];
  /** a rule that could not be evaluated (cdk-nag's own errors) */
  errors: NagFinding[];
  suppressed: (NagFinding & { reason: string })[];
}

class Collector implements INagLogger {
  readonly result: NagResult = { findings: [], errors: [], suppressed: [] };

  private finding(d: NagLoggerNonComplianceData | NagLoggerErrorData): NagFinding {
    const rule = 'findingId' in d && d.findingId ? `${d.ruleId}[${d.findingId}]` : d.ruleId;
    return {
      stack: Stack.of(d.resource).stackName, path: d.resource.node.path, rule, level: d.ruleLevel, info: d.ruleInfo,
    };
  }

  onCompliance(): void {}
  onNotApplicable(): void {}
  onNonCompliance(d: NagLoggerNonComplianceData): void { this.result.findings.push(this.finding(d)); }
  onSuppressed(d: NagLoggerSuppressedData): void {
    this.result.suppressed.push({ ...this.finding(d), reason: d.suppressionReason });
  }
  onError(d: NagLoggerErrorData): void { this.result.errors.push({ ...this.finding(d), info: d.errorMessage }); }
  onSuppressedError(): void {}
}

export function nagApp(overrides: ConfigOverrides = {}): NagResult {
  // the findings are collected here, not thrown by CDK's validation report
  const app = new App({ context: { ...cdkContext, [FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT]: false } });
  buildApp(app, makeConfig({ imageTag: TEST_IMAGE_TAG, ...overrides }));
  const collector = new Collector();
  Aspects.of(app).add(new AwsSolutionsChecks({ reports: false, logIgnores: true, additionalLoggers: [collector] }));
  app.synth();
  return collector.result;
}

/** one line per finding, grouped by stack */
export function formatFindings(xs: NagFinding[]): string {
  return xs.map((f) => `${f.level} ${f.rule} ${f.path}`).sort().join('\n');
}

if (require.main === module) {
  const r = nagApp();
  const count = (lvl: string) => r.findings.filter((f) => f.level === lvl).length;
  console.log(formatFindings(r.findings));
  console.log(`cdk-nag AwsSolutions: ${count('Error')} errors, ${count('Warning')} warnings,`
    + ` ${r.errors.length} rule errors, ${r.suppressed.length} suppressed,`
    + ` in ${new Set(r.findings.map((f) => f.stack)).size} stacks`);
}
