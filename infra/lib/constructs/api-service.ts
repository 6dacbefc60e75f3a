/*
 * One API service (users, tasks or notifications): its task role, log
 * group and task definition, a blue and a green target group for
 * CodeDeploy, the Fargate service (CODE_DEPLOY controller, attached to the
 * blue group) and CPU target-tracking autoscaling.  Routing (the listener
 * rules) is the caller's: it knows every service's paths.
 */

import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HttpServiceConfig, ServiceName } from '../../config';
import { tableStatements, TaskmgrContainerOptions, taskmgrTask, taskRole } from './taskmgr-task';

export interface ApiServiceProps {
  readonly name: ServiceName;
  readonly sizing: HttpServiceConfig;
  readonly cluster: ecs.ICluster;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly container: TaskmgrContainerOptions;
  readonly containerPort: number;
  /** what the target groups ask every task */
  readonly healthCheckPath: string;
  readonly table: dynamodb.ITable;
  /** every index the table has (the grants name only indexes that exist) */
  readonly indexNames: string[];
  /** task role statements beyond the table's (users: the Cognito admin calls) */
  readonly extraStatements?: iam.PolicyStatement[];
}

export class ApiService extends Construct {
  readonly name: ServiceName;
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly taskRole: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** production traffic before a deployment, and CodeDeploy's replacement */
  readonly blue: elbv2.ApplicationTargetGroup;
  readonly green: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: ApiServiceProps) {
    super(scope, id);
    const { name, sizing: s } = props;
    this.name = name;

    this.taskRole = taskRole(this, 'TaskRole', `taskmgr ${name} service: its table actions only`, [
      ...tableStatements(name, props.table.tableArn, props.indexNames),
      ...(props.extraStatements ?? []),
    ]);
    const task = taskmgrTask(this, {
      service: name,
      cpu: s.cpu,
      memoryMiB: s.memoryMiB,
      role: this.taskRole,
      container: { ...props.container, environment: { ...props.container.environment, TASKMGR_SERVICE: name } },
      containerPort: props.containerPort,
      healthCheckInterval: Duration.seconds(30),
      stopTimeout: Duration.seconds(30),
    });
    this.taskDefinition = task.taskDefinition;
    this.logGroup = task.logGroup;

    const targetGroup = (color: string) => new elbv2.ApplicationTargetGroup(this, color, {
      vpc: props.cluster.vpc,
      port: props.containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: props.healthCheckPath,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    this.blue = targetGroup('Blue');
    this.green = targetGroup('Green');

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      serviceName: `${props.container.prefix}-${name}`,
      taskDefinition: this.taskDefinition,
      desiredCount: s.desiredCount,
      securityGroups: [props.securityGroup],
      vpcSubnets: props.subnets,
      assignPublicIp: false,
      // after the first deploy the pipeline owns the running revision:
      // CodeDeploy registers each new one from the family's latest
      // (infra/ci/pipeline-artifacts.sh), so a task definition changed
      // here reaches the service with the next pipeline run
      deploymentController: { type: ecs.DeploymentControllerType.CODE_DEPLOY },
      // CodeDeploy starts the green task set beside the blue one
      minHealthyPercent: 100,
      healthCheckGracePeriod: Duration.seconds(60),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    });
    this.service.attachToApplicationTargetGroup(this.blue);

    const scaling = this.service.autoScaleTaskCount({ minCapacity: s.minCount, maxCapacity: s.maxCount });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: s.cpuTargetPercent,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
  }
}
