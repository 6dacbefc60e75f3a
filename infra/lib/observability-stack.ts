/*
 * Observability: the ops topic every alarm notifies, the alarms (ALB 5xx,
 * p99 latency, scheduler errors counted from its JSON logs, reminder lag,
 * DynamoDB throttles on the table and its global indexes) and one
 * dashboard, with figures from nginx's JSON access log
 * (conf/ecs/http.conf.in): 5xx, p99 request time by route, backend
 * throttles and outages; and from the scheduler's: how late reminders go
 * out (lag_p99_ms / lag_max_ms of each pass that sent some).
 * The log groups themselves (with their retention) belong to the
 * services in the compute stack; this stack reads them.
 */

import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { TaskmgrConfig } from '../config';
import { stackIdPrefix } from './names';

/** the service metrics the dashboard shows (an ecs.BaseService has them) */
export type ServiceMetrics = Pick<ecs.BaseService, 'metricCpuUtilization' | 'metricMemoryUtilization'>;

export interface ObservabilityStackProps extends StackProps {
  readonly config: TaskmgrConfig;
  readonly alb: elbv2.IApplicationLoadBalancer;
  /** the API services, in the dashboard's order */
  readonly services: ServiceMetrics[];
  /** the scheduler's JSON log, where its errors are counted */
  readonly schedulerLogGroup: logs.ILogGroup;
  /** the API services' logs: nginx's JSON access log lines on stdout */
  readonly serviceLogGroups: logs.ILogGroup[];
  readonly table: dynamodb.ITable;
  /** a throttled GSI throttles the table's writes: each is watched */
  readonly globalIndexNames: string[];
}

/** the namespace of the metrics the log filters make: Taskmgr, TaskmgrDev for stage dev */
export const metricNamespace = (prefix: string): string => stackIdPrefix(prefix);

/**
 * What the API services' access log lines give (log_format taskmgr_json):
 * a metric filter each per service log group, all publishing to the same
 * metric, which CloudWatch sums.  The error codes are the module's
 * ($taskmgr_error): "throttled" is AWS throttling a backend call,
 * "unavailable" a backend down or timing out.
 */
export const ACCESS_LOG_FILTERS = {
  Api5xx: { pattern: '{ $.status >= 500 }', value: '1' },
  ApiThrottled: { pattern: '{ $.error = "throttled" }', value: '1' },
  ApiUnavailable: { pattern: '{ $.error = "unavailable" }', value: '1' },
} as const;

/** request time (s) by route template; requests with no route are left out */
export const REQUEST_TIME_METRIC = 'ApiRequestTime';

/**
 * The scheduler's lag: each due_pass (in-app) and drain (email, SMS) line
 * of a pass that sent reminders carries lag_count, lag_p99_ms and
 * lag_max_ms (ms from a reminder's fireAt to its sending; the README,
 * "Scheduler").  A pass that sent none has no such fields: no data point,
 * rather than a 0 that would hide nothing.
 */
export const SCHEDULER_LAG_FILTER = '{ $.lag_count > 0 }';
export const SCHEDULER_LAG_METRICS = {
  ReminderLagP99: '$.lag_p99_ms',
  ReminderLagMax: '$.lag_max_ms',
} as const;

/** seconds of a scheduler.conf duration: "90", "90s", "5m", "1h", "30d" */
export const durationSeconds = (d: string): number => {
  const m = /^(\d+)([smhd]?)$/.exec(d.trim());
  if (!m) throw new Error(`not a duration like 30s, 5m, 1h or 30d: ${d}`);
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
};

export class ObservabilityStack extends Stack {
  readonly opsTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  /** ALB 5xx: a blue/green deployment in alarm rolls back (the cicd stack) */
  readonly rollbackAlarms: cloudwatch.IAlarm[];

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const o = props.config.observability;
    const alb = props.alb;
    const table = props.table;
    const tableName = table.tableName;

    this.opsTopic = new sns.Topic(this, 'Ops', {
      topicName: o.opsTopicName, displayName: 'taskmgr ops alarms', enforceSSL: true,
    });
    if (o.opsEmail) {
      this.opsTopic.addSubscription(new subscriptions.EmailSubscription(o.opsEmail));
    }
    const action = new cwactions.SnsAction(this.opsTopic);
    const alarm = (cid: string, a: cloudwatch.AlarmProps) => {
      const al = new cloudwatch.Alarm(this, cid, a);
      al.addAlarmAction(action);
      al.addOkAction(action);
      this.alarms.push(al);
      return al;
    };

    // ALB: 5xx from the load balancer itself (no healthy target...) or the targets
    const alb5xx = new cloudwatch.MathExpression({
      label: 'ALB 5xx',
      expression: 'FILL(elb, 0) + FILL(target, 0)',
      usingMetrics: {
        elb: alb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: Duration.minutes(1) }),
        target: alb.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(1) }),
      },
      period: Duration.minutes(1),
    });
    const alb5xxAlarm = alarm('Alb5xx', {
      alarmName: `${props.config.prefix}-alb-5xx`,
      alarmDescription: `more than ${o.alb5xxPerMinute} 5xx a minute, 3 minutes out of 5`,
      metric: alb5xx,
      threshold: o.alb5xxPerMinute,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.rollbackAlarms = [alb5xxAlarm];

    const p99 = alb.metrics.targetResponseTime({ statistic: 'p99', period: Duration.minutes(5) });
    alarm('LatencyP99', {
      alarmName: `${props.config.prefix}-latency-p99`,
      alarmDescription: `p99 target response time above ${o.p99LatencySeconds} s for 15 minutes`,
      metric: p99,
      threshold: o.p99LatencySeconds,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // the scheduler logs one JSON object per line: {"time", "level", "event", ...}
    const filter = new logs.MetricFilter(this, 'SchedulerErrorFilter', {
      logGroup: props.schedulerLogGroup,
      filterPattern: logs.FilterPattern.stringValue('$.level', '=', 'error'),
      metricNamespace: metricNamespace(props.config.prefix),
      metricName: 'SchedulerErrors',
      metricValue: '1',
      defaultValue: 0,
    });
    const schedulerErrors = filter.metric({ statistic: 'Sum', period: Duration.minutes(5) });
    alarm('SchedulerErrors', {
      alarmName: `${props.config.prefix}-scheduler-errors`,
      alarmDescription: 'the scheduler logged errors (level "error" in its JSON log)',
      metric: schedulerErrors,
      threshold: o.schedulerErrorsPer5Minutes,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // reminder lag, from the same log: a pass's p99 and maximum (ms).  A
    // reminder goes within one scan interval of its time; the alarm is at
    // twice that, in two 5-minute periods of three (one catch-up pass after
    // downtime, its late reminders hours late, is one period)
    const lagMetric: Record<string, cloudwatch.Metric> = {};
    const lagFilter: Record<string, logs.MetricFilter> = {};
    for (const [name, value] of Object.entries(SCHEDULER_LAG_METRICS)) {
      const f = new logs.MetricFilter(this, `Scheduler${name}Filter`, {
        logGroup: props.schedulerLogGroup,
        filterPattern: logs.FilterPattern.literal(SCHEDULER_LAG_FILTER),
        metricNamespace: metricNamespace(props.config.prefix),
        metricName: name,
        metricValue: value,
        unit: cloudwatch.Unit.MILLISECONDS,
      });
      lagFilter[name] = f;
      lagMetric[name] = f.metric({ statistic: 'Maximum', period: Duration.minutes(5), label: name });
    }
    const scanSeconds = durationSeconds(props.config.compute.scheduler.scanInterval);
    const lagThresholdMs = 2 * scanSeconds * 1000;
    alarm('ReminderLag', {
      alarmName: `${props.config.prefix}-reminder-lag-p99`,
      alarmDescription: `reminders sent more than ${2 * scanSeconds} s (twice scan_interval) after their time `
        + '(a pass\'s p99, from the scheduler\'s log), 2 periods of 5 minutes out of 3',
      // no label: the alarm names the metric itself
      metric: lagFilter.ReminderLagP99.metric({ statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: lagThresholdMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // DynamoDB throttles: the table and every global index (a throttled GSI
    // throttles the table's writes)
    const ddb = (metricName: string, extra: Record<string, string> = {}) =>
      new cloudwatch.Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: tableName, ...extra },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const throttleMetrics: [string, cloudwatch.IMetric][] = [
      ['r', ddb('ReadThrottleEvents')],
      ['w', ddb('WriteThrottleEvents')],
    ];
    props.globalIndexNames.forEach((g, i) => {
      throttleMetrics.push([`gr${i}`, ddb('ReadThrottleEvents', { GlobalSecondaryIndexName: g })]);
      throttleMetrics.push([`gw${i}`, ddb('WriteThrottleEvents', { GlobalSecondaryIndexName: g })]);
    });
    // an alarm's math expression takes at most 10 metrics: one alarm per 10
    const throttleAlarms: cloudwatch.MathExpression[] = [];
    for (let i = 0; i < throttleMetrics.length; i += 10) {
      const part = Object.fromEntries(throttleMetrics.slice(i, i + 10));
      const n = i / 10;
      const throttles = new cloudwatch.MathExpression({
        label: 'DynamoDB throttle events',
        expression: Object.keys(part).map((k) => `FILL(${k}, 0)`).join(' + '),
        usingMetrics: part,
        period: Duration.minutes(5),
      });
      throttleAlarms.push(throttles);
      alarm(n ? `DynamoDbThrottles${n + 1}` : 'DynamoDbThrottles', {
        alarmName: `${props.config.prefix}-dynamodb-throttles${n ? `-${n + 1}` : ''}`,
        alarmDescription: 'DynamoDB throttled reads or writes on the table or a global index',
        metric: throttles,
        threshold: o.dynamodbThrottlesPer5Minutes,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    // the access log: counts, and the request time by route (a dimension:
    // one series per route template, found by SEARCH on the dashboard)
    const ns = metricNamespace(props.config.prefix);
    const accessLog = (name: keyof typeof ACCESS_LOG_FILTERS) => new cloudwatch.Metric({
      namespace: ns, metricName: name, statistic: 'Sum', period: Duration.minutes(1), label: name,
    });
    props.serviceLogGroups.forEach((logGroup, i) => {
      for (const [name, f] of Object.entries(ACCESS_LOG_FILTERS)) {
        new logs.MetricFilter(this, `${name}Filter${i}`, {
          logGroup,
          filterPattern: logs.FilterPattern.literal(f.pattern),
          metricNamespace: ns,
          metricName: name,
          metricValue: f.value,
          defaultValue: 0,
        });
      }
      new logs.MetricFilter(this, `RequestTimeFilter${i}`, {
        logGroup,
        filterPattern: logs.FilterPattern.literal('{ $.route = "/api/*" && $.request_time = * }'),
        metricNamespace: ns,
        metricName: REQUEST_TIME_METRIC,
        metricValue: '$.request_time',
        unit: cloudwatch.Unit.SECONDS,
        dimensions: { Route: '$.route' },
      });
    });
    const p99ByRoute = new cloudwatch.MathExpression({
      label: 'p99 by route',
      expression: `SEARCH('{${ns},Route} MetricName="${REQUEST_TIME_METRIC}"', 'p99', 300)`,
      usingMetrics: {},
      period: Duration.minutes(5),
    });

    const dash = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: o.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    dash.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Requests and 5xx',
        left: [alb.metrics.requestCount({ period: Duration.minutes(1) })],
        right: [alb5xx],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Target response time',
        left: [
          alb.metrics.targetResponseTime({ statistic: 'p50', period: Duration.minutes(1) }),
          alb.metrics.targetResponseTime({ statistic: 'p99', period: Duration.minutes(1) }),
        ],
        width: 12,
      }),
    );
    dash.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Service CPU %',
        left: props.services.map((s) => s.metricCpuUtilization()),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Service memory %',
        left: props.services.map((s) => s.metricMemoryUtilization()),
        width: 12,
      }),
    );
    dash.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DynamoDB consumed capacity',
        left: [table.metricConsumedReadCapacityUnits(), table.metricConsumedWriteCapacityUnits()],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'DynamoDB throttles', left: throttleAlarms, width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Scheduler errors', left: [schedulerErrors], width: 8 }),
    );
    dash.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API 5xx (access log)',
        left: [accessLog('Api5xx')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'p99 request time by route (access log)',
        left: [p99ByRoute],
        leftYAxis: { label: 's', showUnits: false },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Backend throttled / unavailable (access log)',
        left: [accessLog('ApiThrottled'), accessLog('ApiUnavailable')],
        width: 8,
      }),
    );
    dash.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Reminder lag (scheduler log)',
        left: [lagMetric.ReminderLagP99, lagMetric.ReminderLagMax],
        leftYAxis: { label: 'ms', showUnits: false, min: 0 },
        leftAnnotations: [{ value: lagThresholdMs, label: `alarm: 2 x scan_interval (${2 * scanSeconds} s)` }],
        width: 24,
      }),
    );
    dash.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
  }
}
