import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resources, show, synth } from './helpers';

describe('observability: logs, alarms, dashboard', () => {
  const s = synth();
  const c = s.config;
  const j = s.json('observability');
  const t = s.template('observability');
  const alarms = resources(j, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
  const alarm = (suffix: string) => alarms.find((a) => a.AlarmName === `${c.prefix}-${suffix}`);

  test('every log group has a retention', () => {
    let n = 0;
    for (const { name, template } of s.all()) {
      for (const [id, r] of resources(template, 'AWS::Logs::LogGroup')) {
        n++;
        assert.equal(r.Properties.RetentionInDays, c.observability.logRetentionDays, `${name}/${id}`);
      }
    }
    assert.ok(n >= 6, 'four services, API Gateway, CodeBuild');
    const names = resources(s.json('compute'), 'AWS::Logs::LogGroup').map(([, r]) => r.Properties.LogGroupName).sort();
    assert.deepEqual(names, ['api-gateway', 'notifications', 'scheduler', 'tasks', 'users'].map((n2) => `/${c.prefix}/${n2}`));
  });

  test('four alarms, each notifying the ops topic when it fires and when it clears', () => {
    assert.equal(alarms.length, 4);
    const ops = resources(j, 'AWS::SNS::Topic').find(([, r]) => r.Properties.TopicName === c.observability.opsTopicName)!;
    assert.ok(ops);
    for (const a of alarms) {
      assert.deepEqual(a.AlarmActions, [{ Ref: ops[0] }], a.AlarmName);
      assert.deepEqual(a.OKActions, [{ Ref: ops[0] }], a.AlarmName);
    }
  });

  test('ALB 5xx: the load balancer\'s and the targets\'', () => {
    const a = alarm('alb-5xx');
    const names = a.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName).sort();
    assert.deepEqual(names, ['HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count']);
    assert.equal(a.Threshold, c.observability.alb5xxPerMinute);
  });

  test('p99 latency of the targets', () => {
    const a = alarm('latency-p99');
    assert.equal(a.MetricName, 'TargetResponseTime');
    assert.equal(a.ExtendedStatistic, 'p99');
    assert.equal(a.Threshold, c.observability.p99LatencySeconds);
  });

  test('scheduler errors: a metric filter on its JSON log lines', () => {
    const [, f] = resources(j, 'AWS::Logs::MetricFilter')[0];
    assert.equal(f.Properties.FilterPattern, '{ $.level = "error" }');
    assert.match(show(f.Properties.LogGroupName), /SchedulerLogs/);
    const m = f.Properties.MetricTransformations[0];
    const a = alarm('scheduler-errors');
    assert.equal(a.MetricName, m.MetricName);
    assert.equal(a.Namespace, m.MetricNamespace);
  });

  test('DynamoDB throttles: the table and every global index, reads and writes', () => {
    const a = alarm('dynamodb-throttles');
    const stats = a.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric);
    const gsis = s.stacks.data.definition.GlobalSecondaryIndexes!.map((g) => g.IndexName);
    for (const metric of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      assert.ok(stats.some((x: any) => x.MetricName === metric && x.Dimensions.length === 1), `table ${metric}`);
      for (const g of gsis) {
        assert.ok(stats.some((x: any) => x.MetricName === metric
          && x.Dimensions.some((d: any) => d.Name === 'GlobalSecondaryIndexName' && d.Value === g)), `${g} ${metric}`);
      }
    }
  });

  test('a dashboard', () => {
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    t.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: c.observability.dashboardName });
  });
});
