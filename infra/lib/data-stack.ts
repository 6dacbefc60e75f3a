/*
 * Data: the one DynamoDB table, built from conf/dynamodb-table.json (the
 * definition the local stack creates too), plus what the local stand-in
 * cannot do: TTL on NotificationExpiry, point-in-time recovery, deletion
 * protection.
 */

import * as path from 'node:path';
import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { repoRoot, scopedName, TaskmgrConfig } from '../config';
import { attribute, projection, readTableDefinition, TableDefinition } from './table-definition';

export interface DataStackProps extends StackProps {
  readonly config: TaskmgrConfig;
  /** defaults to config.data.tableDefinitionFile (tests pass their own) */
  readonly tableDefinition?: TableDefinition;
}

export class DataStack extends Stack {
  readonly table: dynamodb.Table;
  readonly definition: TableDefinition;
  /** every index, global and local: the grants cover exactly these */
  readonly indexNames: string[];

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const c = props.config;
    const def = props.tableDefinition ?? readTableDefinition(path.join(repoRoot, c.data.tableDefinitionFile));
    this.definition = def;

    const [hash, range] = def.KeySchema;
    if (def.BillingMode === 'PROVISIONED') {
      throw new Error('the table is on-demand (PAY_PER_REQUEST): provisioned capacity is not configured here');
    }

    this.table = new dynamodb.Table(this, 'Table', {
      // TaskManager (the name the local stack uses too) in the default stage
      tableName: scopedName(c.prefix, def.TableName),
      partitionKey: attribute(def, hash.AttributeName),
      sortKey: range ? attribute(def, range.AttributeName) : undefined,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: c.data.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: c.data.deletionProtection,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const g of def.GlobalSecondaryIndexes ?? []) {
      const [gh, gr] = g.KeySchema;
      this.table.addGlobalSecondaryIndex({
        indexName: g.IndexName,
        partitionKey: attribute(def, gh.AttributeName),
        sortKey: gr ? attribute(def, gr.AttributeName) : undefined,
        ...projection(g.Projection),
      });
    }
    for (const l of def.LocalSecondaryIndexes ?? []) {
      this.table.addLocalSecondaryIndex({
        indexName: l.IndexName,
        sortKey: attribute(def, l.KeySchema[1].AttributeName),
        ...projection(l.Projection),
      });
    }

    this.indexNames = [
      ...(def.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName),
      ...(def.LocalSecondaryIndexes ?? []).map((l) => l.IndexName),
    ];
  }
}
