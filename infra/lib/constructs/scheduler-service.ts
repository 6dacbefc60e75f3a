/*
 * The scheduler: its task role (Query on its indexes only, writes on
 * the table, publish on the notification topics, SendEmail as the mail
 * identity), log group, task
 * definition and a Fargate service of desiredCount replicas (default 2)
 * that share the reminder and outbox shards by leases in the table
 * (scheduler.conf shard_leases, docs/scaling.md).  It deploys rolling, a
 * new task started before an old one stops: two schedulers on one shard
 * double nothing.  No load balancer, no inbound traffic.
 */

import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { TaskmgrConfig } from '../../config';
import { tableStatements, TaskmgrContainerOptions, taskmgrTask, taskRole } from './taskmgr-task';

export interface SchedulerServiceProps {
  readonly sizing: Pick<TaskmgrConfig['compute']['scheduler'], 'cpu' | 'memoryMiB' | 'desiredCount'>;
  readonly cluster: ecs.ICluster;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly container: TaskmgrContainerOptions;
  readonly table: dynamodb.ITable;
  readonly indexNames: string[];
  /** the topics it publishes deliveries to */
  readonly topics: sns.ITopic[];
  /** the SES identities it sends mail as (email_channel ses) */
  readonly mailIdentities: string[];
}

export class SchedulerService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly taskRole: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SchedulerServiceProps) {
    super(scope, id);
    this.taskRole = taskRole(this, 'TaskRole',
      'taskmgr scheduler: query the reminder and outbox indexes, write items, publish the four topics', [
        // its two indexes, and a user's tasks of a list whose deletion it finishes
        ...tableStatements('scheduler', props.table.tableArn, props.indexNames),
        new iam.PolicyStatement({ sid: 'Publish', actions: ['sns:Publish'], resources: props.topics.map((t) => t.topicArn) }),
        ...(props.mailIdentities.length ? [new iam.PolicyStatement({
          sid: 'SendEmail', actions: ['ses:SendEmail'], resources: props.mailIdentities,
        })] : []),
      ]);
    const task = taskmgrTask(this, {
      service: 'scheduler',
      cpu: props.sizing.cpu,
      memoryMiB: props.sizing.memoryMiB,
      role: this.taskRole,
      container: { ...props.container, environment: { TASKMGR_SERVICE: 'scheduler', ...props.container.environment } },
      healthCheckInterval: Duration.seconds(60),
      stopTimeout: Duration.seconds(60),
    });
    this.taskDefinition = task.taskDefinition;
    this.logGroup = task.logGroup;

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      serviceName: `${props.container.prefix}-scheduler`,
      taskDefinition: this.taskDefinition,
      desiredCount: props.sizing.desiredCount,
      securityGroups: [props.securityGroup],
      vpcSubnets: props.subnets,
      assignPublicIp: false,
      // leases: the replicas share the shards, new ones take over as the
      // old ones let go (SIGTERM releases at once)
      minHealthyPercent: 50,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    });
  }
}
