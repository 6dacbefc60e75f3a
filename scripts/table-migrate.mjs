// The local table kept in step with conf/dynamodb-table.json when its
// indexes change.  dynalite cannot add an index to a table (UpdateTable
// accepts a GlobalSecondaryIndexUpdates Create and ignores it) and a local
// secondary index can only be made with the table, so the table is made
// anew and its items copied over: (1) every item scanned into
// <DATA_DIR>/table-<name>.migrating.jsonl (written whole, then renamed),
// (2) the table deleted, (3) created from the definition, (4) the items
// written back, with what the new indexes need filled in, (5) the copy
// removed.  Cut short after (1), the next run finds the copy and carries
// on from (2) or (4): the writes are idempotent puts.
//
// A deployed table is migrated by CDK (a GSI is added by UpdateTable, one
// per deployment) and a backfill job: docs/architecture.md, "Migrations".

import { readFile, writeFile, rename, unlink, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// "IndexName:key/key" of each index, sorted
export function indexesOf(t) {
  return [...(t.GlobalSecondaryIndexes || []), ...(t.LocalSecondaryIndexes || [])]
    .map((ix) => `${ix.IndexName}:${ix.KeySchema.map((k) => k.AttributeName).join('/')}`)
    .sort();
}

// FNV-1a of a string modulo shards, as common/ shards every index
function shardOf(id, shards) {
  let h = 2166136261;
  for (const c of Buffer.from(id)) h = Math.imul(h ^ c, 16777619) >>> 0;
  return h % shards;
}

// What items written before an attribute existed need for the indexes
// (common/ writes the same for new items): PriorityIndex's key
// "<priority>#<due or ~>#<updated>" on tasks; a task still owed its one
// reminder under the old NotificationSentIndex (DueDate_NotificationSent)
// gets the reminder a day before its due date on ReminderIndex
// (common/tm_reminder.c; 8 shards, as conf/nginx.conf.in).
export function backfill(item, shards = 8) {
  const sk = item.EntitySort?.S || '';
  if (sk.startsWith('TASK_') && !item.TaskPrioritySort && item.TaskUpdatedAt?.S) {
    const p = item.Priority?.N || '4';
    const due = item.TaskDueSort?.S || '~';
    item.TaskPrioritySort = { S: `${p}#${due}#${item.TaskUpdatedAt.S}` };
  }
  if (sk.startsWith('TASK_') && item.DueDate_NotificationSent) {
    const due = Date.parse(item.DueDate?.S || '');
    if (!item.Reminders && !Number.isNaN(due)) {
      const fire = new Date(due - 86400000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      item.Reminders = { L: [{ M: {
        Id: { S: sk.slice(5).replace(/-/g, '').slice(0, 12) }, Before: { S: 'P1D' },
        FireAt: { S: fire }, State: { S: 'pending' } } }] };
      item.ReminderAt = { S: fire };
      item.ReminderKey = { S: `${fire.slice(0, 10)}#REMIND#${shardOf(sk.slice(5), shards)}` };
    }
    delete item.DueDate_NotificationSent;
  }
  return item;
}

async function scanAll(call, table) {
  const items = [];
  let start;
  do {
    const r = await call('dynamodb', 'Scan', { TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) });
    items.push(...(r.Items || []));
    start = r.LastEvaluatedKey;
  } while (start);
  return items;
}

async function putAll(call, table, items) {
  for (let i = 0; i < items.length; i += 25) {
    let req = { [table]: items.slice(i, i + 25).map((it) => ({ PutRequest: { Item: backfill(it) } })) };
    for (let tries = 0; Object.keys(req).length; tries++) {
      if (tries > 20) throw new Error('BatchWriteItem keeps leaving items unprocessed');
      const r = await call('dynamodb', 'BatchWriteItem', { RequestItems: req });
      req = r.UnprocessedItems || {};
      if (Object.keys(req).length) await sleep(100 * (tries + 1));
    }
  }
}

async function waitGone(call, table) {
  for (let i = 0; i < 200; i++) {
    try {
      await call('dynamodb', 'DescribeTable', { TableName: table });
    } catch (e) {
      if (e.type === 'ResourceNotFoundException') return;
      throw e;
    }
    await sleep(100);
  }
  throw new Error(`table ${table} is not going away`);
}

async function readCopy(file) {
  try {
    const text = await readFile(file, 'utf8');
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    throw e;
  }
}

// desc: the table as DescribeTable sees it, or null when there is none.
// Returns the items to write back once the table is (re)created, or null.
export async function migrateStart(call, def, desc, dataDir, log) {
  const file = join(dataDir, `table-${def.TableName}.migrating.jsonl`);
  const cut = await readCopy(file);
  if (cut) {
    log(`table ${def.TableName}: a migration was cut short; carrying on from ${file} (${cut.length} items)`);
    if (desc && indexesOf(desc).join() !== indexesOf(def).join()) {
      await call('dynamodb', 'DeleteTable', { TableName: def.TableName });
      await waitGone(call, def.TableName);
      desc = null;
    }
    return { items: cut, file, exists: !!desc };
  }
  if (!desc || indexesOf(desc).join() === indexesOf(def).join()) return null;

  const have = indexesOf(desc);
  const want = indexesOf(def);
  log(`table ${def.TableName}: indexes differ from conf/dynamodb-table.json `
      + `(to add: ${want.filter((x) => !have.includes(x)).join(', ') || 'none'}; `
      + `to drop: ${have.filter((x) => !want.includes(x)).join(', ') || 'none'}): made anew, items kept`);
  const items = await scanAll(call, def.TableName);
  await mkdir(dataDir, { recursive: true });
  await writeFile(`${file}.tmp`, items.map((it) => JSON.stringify(it)).join('\n') + '\n');
  await rename(`${file}.tmp`, file);
  await call('dynamodb', 'DeleteTable', { TableName: def.TableName });
  await waitGone(call, def.TableName);
  return { items, file, exists: false };
}

export async function migrateFinish(call, def, pending, log) {
  await putAll(call, def.TableName, pending.items);
  await unlink(pending.file);
  log(`table ${def.TableName}: ${pending.items.length} items copied into the new table`);
}
