#!/usr/bin/env node
// Creates what the local stack needs inside dynalite and cognito-local:
// the TaskManager table (from conf/dynamodb-table.json), its TTL setting
// where supported, a user pool and an app client.  Safe to run again: it
// keeps what exists and reuses the pool/client ids kept in the data dir.
//
// A table whose indexes differ from the definition is made anew with its
// items (scripts/table-migrate.mjs).
//
// env: DDB_PORT (8000), COGNITO_PORT (9229), DATA_DIR (<repo>/.data),
//      BOOTSTRAP_WAIT_S (30), BOOTSTRAP_TABLE (another table name: the
//      migration tests), BOOTSTRAP_TABLE_ONLY=1 (the table, no Cognito)
// stdout: one line, TASKMGR_USER_POOL_ID=... TASKMGR_CLIENT_ID=...
// (everything else goes to stderr)

import { readFile, writeFile, rename, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateStart, migrateFinish } from './table-migrate.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ddbPort = process.env.DDB_PORT || '8000';
const cognitoPort = process.env.COGNITO_PORT || '9229';
const dataDir = resolve(process.env.DATA_DIR || join(repo, '.data'));
const waitS = Number(process.env.BOOTSTRAP_WAIT_S || 30);
const stateFile = join(dataDir, 'bootstrap-state.json');

const POOL_NAME = 'taskmgr';
const CLIENT_NAME = 'taskmgr-web';

const log = (msg) => process.stderr.write(`bootstrap: ${msg}\n`);

class AwsError extends Error {
  constructor(status, type, message) {
    super(`${type}: ${message}`);
    this.status = status;
    // "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" -> short name
    this.type = String(type).replace(/^.*#/, '');
  }
}

// Both stand-ins check that SigV4-looking headers are there, not their
// value; so a fixed, well-formed dummy signature is enough.
async function call(service, op, body) {
  const ddb = service === 'dynamodb';
  const port = ddb ? ddbPort : cognitoPort;
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: {
      'Content-Type': ddb ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
      'X-Amz-Target': (ddb ? 'DynamoDB_20120810.' : 'AWSCognitoIdentityProviderService.') + op,
      'X-Amz-Date': '20260101T000000Z',
      Authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/${ddb ? 'dynamodb' : 'cognito-idp'}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`,
    },
    body: JSON.stringify(body ?? {}),
    signal: AbortSignal.timeout(10000),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new AwsError(res.status, 'BadResponse', text.slice(0, 200));
  }
  if (!res.ok) {
    throw new AwsError(res.status, json.__type || `HTTP${res.status}`, json.message || json.Message || text);
  }
  return json;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The services were just started: poll a cheap read until it answers.
async function waitFor(name, probe) {
  const deadline = Date.now() + waitS * 1000;
  let last;
  for (;;) {
    try {
      await probe();
      return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${name} did not answer within ${waitS}s (last error: ${last?.cause?.code || last?.message})`);
    }
    await sleep(200);
  }
}

async function ensureTable() {
  const def = JSON.parse(await readFile(join(repo, 'conf/dynamodb-table.json'), 'utf8'));
  const ttl = JSON.parse(await readFile(join(repo, 'conf/dynamodb-ttl.json'), 'utf8'));
  if (process.env.BOOTSTRAP_TABLE) {
    def.TableName = ttl.TableName = process.env.BOOTSTRAP_TABLE;
  }
  let desc = null;
  try {
    desc = (await call('dynamodb', 'DescribeTable', { TableName: def.TableName })).Table;
  } catch (e) {
    if (e.type !== 'ResourceNotFoundException') throw e;
  }
  const pending = await migrateStart(call, def, desc, dataDir, log);
  if (desc && !pending) {
    log(`table ${def.TableName} exists, kept`);
  } else if (!pending?.exists) {
    await call('dynamodb', 'CreateTable', def);
    log(`table ${def.TableName} created`);
  }
  // tables stay CREATING unless dynalite runs with --createTableMs 0
  for (let i = 0; ; i++) {
    const d = await call('dynamodb', 'DescribeTable', { TableName: def.TableName });
    if (d.Table.TableStatus === 'ACTIVE') break;
    if (i > 100) throw new Error(`table ${def.TableName} stuck in ${d.Table.TableStatus}`);
    await sleep(100);
  }
  if (pending) await migrateFinish(call, def, pending, log);
  try {
    await call('dynamodb', 'UpdateTimeToLive', ttl);
    log(`TTL on ${ttl.TimeToLiveSpecification.AttributeName} enabled`);
  } catch (e) {
    if (e.type === 'UnknownOperationException') {
      log('TTL not supported by this DynamoDB (dynalite): expired items are filtered on read');
    } else if (e.type === 'ValidationException' && /already enabled/i.test(e.message)) {
      log('TTL already enabled');
    } else {
      throw e;
    }
  }
}

async function readState() {
  try {
    return JSON.parse(await readFile(stateFile, 'utf8'));
  } catch (e) {
    if (e.code === 'ENOENT') return {};
    throw new Error(`${stateFile}: ${e.message}`);
  }
}

async function writeState(state) {
  await mkdir(dataDir, { recursive: true });
  const tmp = `${stateFile}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n');
  await rename(tmp, stateFile);
}

async function exists(op, body) {
  try {
    await call('cognito', op, body);
    return true;
  } catch (e) {
    if (e.type === 'ResourceNotFoundException') return false;
    throw e;
  }
}

// The same policy infra/ gives the real pool; cognito-local stores it but
// does not enforce it (the module validates passwords itself).
const poolInput = {
  PoolName: POOL_NAME,
  UsernameAttributes: ['email'],
  AutoVerifiedAttributes: ['email'],
  Policies: {
    PasswordPolicy: {
      MinimumLength: 12,
      RequireUppercase: true,
      RequireLowercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
    },
  },
  Schema: [
    { Name: 'given_name', AttributeDataType: 'String', Mutable: true, Required: false },
    { Name: 'family_name', AttributeDataType: 'String', Mutable: true, Required: false },
  ],
};

// Token lifetimes as Cognito's defaults (cognito-local would default to 24 h).
const clientInput = (poolId) => ({
  UserPoolId: poolId,
  ClientName: CLIENT_NAME,
  GenerateSecret: false,
  ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  AccessTokenValidity: 60,
  IdTokenValidity: 60,
  RefreshTokenValidity: 30,
  TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
});

async function ensurePoolAndClient() {
  const state = await readState();
  let poolId = state.userPoolId;
  let clientId = state.clientId;

  if (poolId && !(await exists('DescribeUserPool', { UserPoolId: poolId }))) {
    log(`user pool ${poolId} from ${stateFile} is gone, making a new one`);
    poolId = clientId = undefined;
  }
  if (!poolId) {
    // state file lost but the pool kept: reuse it rather than pile up pools
    const { UserPools = [] } = await call('cognito', 'ListUserPools', { MaxResults: 60 });
    poolId = UserPools.find((p) => p.Name === POOL_NAME)?.Id;
    if (poolId) {
      log(`reusing user pool ${poolId} (${POOL_NAME})`);
    } else {
      poolId = (await call('cognito', 'CreateUserPool', poolInput)).UserPool.Id;
      log(`user pool ${poolId} created`);
    }
  }
  // as infra/ gives the real pool: TOTP for the users who turn it on
  // (cognito-local's pools default to OFF: it would never ask for a code)
  await call('cognito', 'SetUserPoolMfaConfig', {
    UserPoolId: poolId,
    MfaConfiguration: 'OPTIONAL',
    SoftwareTokenMfaConfiguration: { Enabled: true },
  });
  if (clientId && !(await exists('DescribeUserPoolClient', { UserPoolId: poolId, ClientId: clientId }))) {
    log(`app client ${clientId} is gone, making a new one`);
    clientId = undefined;
  }
  if (!clientId) {
    const { UserPoolClients = [] } = await call('cognito', 'ListUserPoolClients', { UserPoolId: poolId, MaxResults: 60 });
    clientId = UserPoolClients.find((c) => c.ClientName === CLIENT_NAME)?.ClientId;
    if (clientId) {
      log(`reusing app client ${clientId} (${CLIENT_NAME})`);
    } else {
      clientId = (await call('cognito', 'CreateUserPoolClient', clientInput(poolId))).UserPoolClient.ClientId;
      log(`app client ${clientId} created`);
    }
  }
  if (poolId !== state.userPoolId || clientId !== state.clientId) {
    await writeState({ userPoolId: poolId, clientId, cognitoPort: Number(cognitoPort) });
  }
  return { poolId, clientId };
}

try {
  const tableOnly = process.env.BOOTSTRAP_TABLE_ONLY === '1';
  await Promise.all([
    waitFor(`dynalite on 127.0.0.1:${ddbPort}`, () => call('dynamodb', 'ListTables', {})),
    tableOnly || waitFor(`cognito-local on 127.0.0.1:${cognitoPort}`,
      () => call('cognito', 'ListUserPools', { MaxResults: 1 })),
  ]);
  await ensureTable();
  if (tableOnly) process.exit(0);
  const { poolId, clientId } = await ensurePoolAndClient();
  process.stdout.write(`TASKMGR_USER_POOL_ID=${poolId} TASKMGR_CLIENT_ID=${clientId}\n`);
} catch (e) {
  log(`error: ${e.message}`);
  process.exit(1);
}
