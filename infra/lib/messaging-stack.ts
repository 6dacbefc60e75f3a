/*
 * Messaging: the four SNS topics the scheduler publishes deliveries to
 * (docs/architecture.md, "4. The scheduler").  Subscribers (an email sender, SMS) attach
 * to them; the scheduler only publishes.
 */

import { Stack, StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { TaskmgrConfig } from '../config';

export interface MessagingStackProps extends StackProps {
  readonly config: TaskmgrConfig;
}

export class MessagingStack extends Stack {
  readonly taskDueEmail: sns.Topic;
  readonly taskDueSms: sns.Topic;
  readonly taskCompletedEmail: sns.Topic;
  readonly taskCompletedSms: sns.Topic;

  constructor(scope: Construct, id: string, props: MessagingStackProps) {
    super(scope, id, props);
    const m = props.config.messaging;
    const topic = (cid: string, name: string) =>
      new sns.Topic(this, cid, { topicName: name, displayName: name, enforceSSL: true });

    this.taskDueEmail = topic('TaskDueEmail', m.taskDueEmailTopic);
    this.taskDueSms = topic('TaskDueSms', m.taskDueSmsTopic);
    this.taskCompletedEmail = topic('TaskCompletedEmail', m.taskCompletedEmailTopic);
    this.taskCompletedSms = topic('TaskCompletedSms', m.taskCompletedSmsTopic);
  }

  get topics(): sns.Topic[] {
    return [this.taskDueEmail, this.taskDueSms, this.taskCompletedEmail, this.taskCompletedSms];
  }
}
