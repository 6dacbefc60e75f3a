/*
 * The image registry, a stack of its own: it must exist (and hold a first
 * image) before the services that run the image are created, so a first
 * deploy is `cdk deploy TaskmgrRegistry`, push, then everything else
 * (README, Deploy).
 */

import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { TaskmgrConfig } from '../config';

export interface RegistryStackProps extends StackProps {
  readonly config: TaskmgrConfig;
}

export class RegistryStack extends Stack {
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props: RegistryStackProps) {
    super(scope, id, props);
    const i = props.config.image;

    this.repository = new ecr.Repository(this, 'Repository', {
      repositoryName: i.repositoryName,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.AES_256,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { description: 'untagged layers of old builds', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(7) },
        { description: `keep the last ${i.keepImages} images`, tagStatus: ecr.TagStatus.ANY, maxImageCount: i.keepImages },
      ],
    });
    new CfnOutput(this, 'RepositoryUri', { value: this.repository.repositoryUri, description: 'push images here' });
  }
}
