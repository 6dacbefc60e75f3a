import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ACCESS_LOG_FILTERS, REQUEST_TIME_METRIC, SCHEDULER_LAG_FILTER, SCHEDULER_LAG_METRICS, durationSeconds, metricNamespace,
} from '../lib/observability-stack';
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

  test('five alarms, each notifying the ops topic when it fires and when it clears', () => {
    assert.equal(alarms.length, 5);
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
    const [, f] = resources(j, 'AWS::Logs::MetricFilter')
      .find(([, r]) => r.Properties.FilterPattern === '{ $.level = "error" }')!;
    assert.ok(f);
    assert.match(show(f.Properties.LogGroupName), /SchedulerLogs/);
    const m = f.Properties.MetricTransformations[0];
    const a = alarm('scheduler-errors');
    assert.equal(a.MetricName, m.MetricName);
    assert.equal(a.Namespace, m.MetricNamespace);
  });

  test('reminder lag: metric filters on the scheduler\'s pass lines, in ms, no point without reminders sent', () => {
    assert.equal(SCHEDULER_LAG_FILTER, '{ $.lag_count > 0 }');
    const fs = resources(j, 'AWS::Logs::MetricFilter')
      .filter(([, r]) => r.Properties.FilterPattern === SCHEDULER_LAG_FILTER).map(([, r]) => r.Properties);
    assert.equal(fs.length, 2);
    for (const f of fs) assert.match(show(f.LogGroupName), /SchedulerLogs/);
    assert.deepEqual(fs.map((f) => f.MetricTransformations).sort((a, b) => a[0].MetricName.localeCompare(b[0].MetricName)), [
      [{ MetricNamespace: metricNamespace(c.prefix), MetricName: 'ReminderLagMax', MetricValue: '$.lag_max_ms', Unit: 'Milliseconds' }],
      [{ MetricNamespace: metricNamespace(c.prefix), MetricName: 'ReminderLagP99', MetricValue: '$.lag_p99_ms', Unit: 'Milliseconds' }],
    ]);
    assert.deepEqual(Object.keys(SCHEDULER_LAG_METRICS).sort(), ['ReminderLagMax', 'ReminderLagP99']);
  });

  test('reminder lag alarm: a pass\'s p99 above twice the scan interval, 2 periods of 3', () => {
    const a = alarm('reminder-lag-p99');
    assert.ok(a);
    assert.equal(a.MetricName, 'ReminderLagP99');
    assert.equal(a.Namespace, metricNamespace(c.prefix));
    assert.equal(a.Statistic, 'Maximum');
    assert.equal(a.Period, 300);
    assert.equal(a.Threshold, 2 * durationSeconds(c.compute.scheduler.scanInterval) * 1000);
    assert.equal(a.Threshold, 60000, 'scan_interval 30s: 60 s');
    assert.equal(a.ComparisonOperator, 'GreaterThanThreshold');
    assert.equal(a.EvaluationPeriods, 3);
    assert.equal(a.DatapointsToAlarm, 2);
    assert.equal(a.TreatMissingData, 'notBreaching');
  });

  test('durationSeconds reads scheduler.conf durations', () => {
    assert.equal(durationSeconds('30s'), 30);
    assert.equal(durationSeconds('90'), 90);
    assert.equal(durationSeconds('5m'), 300);
    assert.equal(durationSeconds('1h'), 3600);
    assert.equal(durationSeconds('30d'), 30 * 86400);
    assert.throws(() => durationSeconds('30 seconds'));
    assert.throws(() => durationSeconds('1.5m'));
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

  const serviceLogs = ['Users', 'Tasks', 'Notifications'];
  const filtersOn = (pattern: string) => resources(j, 'AWS::Logs::MetricFilter')
    .filter(([, r]) => r.Properties.FilterPattern === pattern).map(([, r]) => r.Properties);
  const logGroupOf = (p: any) => serviceLogs.find((n) => show(p.LogGroupName).includes(`${n}Logs`));

  test('access log: 5xx, throttled and unavailable counted from every API service\'s JSON log', () => {
    assert.deepEqual(Object.keys(ACCESS_LOG_FILTERS).sort(), ['Api5xx', 'ApiThrottled', 'ApiUnavailable']);
    assert.equal(ACCESS_LOG_FILTERS.Api5xx.pattern, '{ $.status >= 500 }');
    assert.equal(ACCESS_LOG_FILTERS.ApiThrottled.pattern, '{ $.error = "throttled" }');
    assert.equal(ACCESS_LOG_FILTERS.ApiUnavailable.pattern, '{ $.error = "unavailable" }');
    for (const [name, f] of Object.entries(ACCESS_LOG_FILTERS)) {
      const fs = filtersOn(f.pattern);
      assert.deepEqual(fs.map(logGroupOf).sort(), [...serviceLogs].sort(), `${name}: one filter per service log`);
      for (const p of fs) {
        assert.deepEqual(p.MetricTransformations, [{
          MetricNamespace: metricNamespace(c.prefix), MetricName: name, MetricValue: '1', DefaultValue: 0,
        }]);
      }
    }
  });

  test('access log: request time by route, in seconds, routed requests only', () => {
    const fs = filtersOn('{ $.route = "/api/*" && $.request_time = * }');
    assert.deepEqual(fs.map(logGroupOf).sort(), [...serviceLogs].sort());
    for (const p of fs) {
      assert.deepEqual(p.MetricTransformations, [{
        MetricNamespace: metricNamespace(c.prefix), MetricName: REQUEST_TIME_METRIC,
        MetricValue: '$.request_time', Unit: 'Seconds', Dimensions: [{ Key: 'Route', Value: '$.route' }],
      }]);
    }
  });

  // the dashboard's body, its tokens (ARNs, names) replaced by "TOKEN"
  const dashboard = () => {
    const [, d] = resources(j, 'AWS::CloudWatch::Dashboard')[0];
    const parts: unknown[] = d.Properties.DashboardBody['Fn::Join'][1];
    return JSON.parse(parts.map((x) => (typeof x === 'string' ? x : 'TOKEN')).join(''));
  };

  test('the dashboard shows the access log\'s figures: 5xx, p99 by route, throttles', () => {
    const widgets: any[] = dashboard().widgets;
    const widget = (title: string) => widgets.find((w) => w.properties.title === title)?.properties;
    const ns = metricNamespace(c.prefix);
    assert.deepEqual(widget('API 5xx (access log)').metrics.map((m: any) => m.slice(0, 2)), [[ns, 'Api5xx']]);
    assert.deepEqual(widget('Backend throttled / unavailable (access log)').metrics.map((m: any) => m.slice(0, 2)),
      [[ns, 'ApiThrottled'], [ns, 'ApiUnavailable']]);
    const p99 = widget('p99 request time by route (access log)').metrics[0][0];
    assert.equal(p99.expression, `SEARCH('{${ns},Route} MetricName="${REQUEST_TIME_METRIC}"', 'p99', 300)`);
    for (const name of Object.keys(ACCESS_LOG_FILTERS)) {
      assert.ok(widgets.some((w) => show(w.properties.metrics ?? []).includes(`"${name}"`)), name);
    }
  });

  test('the dashboard shows the reminder lag: p99 and maximum, the alarm\'s threshold marked', () => {
    const widgets: any[] = dashboard().widgets;
    const w = widgets.find((x) => x.properties.title === 'Reminder lag (scheduler log)')?.properties;
    assert.ok(w, 'a Reminder lag widget');
    const ns = metricNamespace(c.prefix);
    assert.deepEqual(w.metrics.map((m: any) => m.slice(0, 2)), [[ns, 'ReminderLagP99'], [ns, 'ReminderLagMax']]);
    for (const m of w.metrics) assert.equal(m[2].stat, 'Maximum');
    assert.deepEqual(w.annotations.horizontal.map((h: any) => h.value),
      [2 * durationSeconds(c.compute.scheduler.scanInterval) * 1000]);
  });

  test('a dashboard', () => {
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    t.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: c.observability.dashboardName });
  });
});
