/*
 * conf/dynamodb-table.json is the one table definition: the local stack
 * passes it to CreateTable, the data stack reads it here at synth time.
 * It is in CreateTable's own shape; this reads and checks that shape.
 */

import * as fs from 'node:fs';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

export interface KeyElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

export interface Projection {
  ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  NonKeyAttributes?: string[];
}

export interface IndexDefinition {
  IndexName: string;
  KeySchema: KeyElement[];
  Projection: Projection;
}

export interface TableDefinition {
  TableName: string;
  BillingMode?: 'PAY_PER_REQUEST' | 'PROVISIONED';
  AttributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  KeySchema: KeyElement[];
  GlobalSecondaryIndexes?: IndexDefinition[];
  LocalSecondaryIndexes?: IndexDefinition[];
}

export function readTableDefinition(file: string): TableDefinition {
  let def: TableDefinition;
  try {
    def = JSON.parse(fs.readFileSync(file, 'utf8')) as TableDefinition;
  } catch (e) {
    throw new Error(`table definition ${file}: ${(e as Error).message}`);
  }
  checkTableDefinition(def, file);
  return def;
}

export function checkTableDefinition(def: TableDefinition, where = 'table definition'): void {
  const fail = (m: string) => {
    throw new Error(`${where}: ${m}`);
  };
  if (!def || typeof def.TableName !== 'string' || def.TableName === '') fail('no TableName');
  if (!Array.isArray(def.AttributeDefinitions)) fail('no AttributeDefinitions');
  const types = new Map(def.AttributeDefinitions.map((a) => [a.AttributeName, a.AttributeType]));
  const used = new Set<string>();

  const checkKeys = (what: string, keys: KeyElement[], needRange: boolean) => {
    if (!Array.isArray(keys) || keys.length < 1 || keys.length > 2) fail(`${what}: 1 or 2 key elements`);
    if (keys[0].KeyType !== 'HASH') fail(`${what}: the first key element is the HASH key`);
    if (keys.length === 2 && keys[1].KeyType !== 'RANGE') fail(`${what}: the second key element is the RANGE key`);
    if (needRange && keys.length !== 2) fail(`${what}: a local index needs a RANGE key`);
    for (const k of keys) {
      if (!types.has(k.AttributeName)) fail(`${what}: ${k.AttributeName} is not in AttributeDefinitions`);
      used.add(k.AttributeName);
    }
  };

  checkKeys('table', def.KeySchema, false);
  const names = new Set<string>();
  for (const g of def.GlobalSecondaryIndexes ?? []) {
    if (names.has(g.IndexName)) fail(`index ${g.IndexName} defined twice`);
    names.add(g.IndexName);
    checkKeys(g.IndexName, g.KeySchema, false);
  }
  for (const l of def.LocalSecondaryIndexes ?? []) {
    if (names.has(l.IndexName)) fail(`index ${l.IndexName} defined twice`);
    names.add(l.IndexName);
    checkKeys(l.IndexName, l.KeySchema, true);
    if (l.KeySchema[0].AttributeName !== def.KeySchema[0].AttributeName) {
      fail(`${l.IndexName}: a local index shares the table's HASH key`);
    }
  }
  if ((def.LocalSecondaryIndexes ?? []).length > 5) fail('at most 5 local indexes');
  if ((def.GlobalSecondaryIndexes ?? []).length > 20) fail('at most 20 global indexes');
  // CreateTable refuses definitions of attributes no key uses
  for (const a of types.keys()) {
    if (!used.has(a)) fail(`${a} is defined but no key uses it`);
  }
}

export function attribute(def: TableDefinition, name: string): dynamodb.Attribute {
  const t = def.AttributeDefinitions.find((a) => a.AttributeName === name);
  if (!t) throw new Error(`attribute ${name} not defined`);
  const type = {
    S: dynamodb.AttributeType.STRING,
    N: dynamodb.AttributeType.NUMBER,
    B: dynamodb.AttributeType.BINARY,
  }[t.AttributeType];
  return { name, type };
}

export function projection(p: Projection): { projectionType: dynamodb.ProjectionType; nonKeyAttributes?: string[] } {
  switch (p.ProjectionType) {
    case 'ALL':
      return { projectionType: dynamodb.ProjectionType.ALL };
    case 'KEYS_ONLY':
      return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
    case 'INCLUDE':
      return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: p.NonKeyAttributes ?? [] };
    default:
      throw new Error(`unknown ProjectionType ${(p as Projection).ProjectionType}`);
  }
}
