/*
 * Logical ids that stay put when resources move into a construct.
 *
 * CloudFormation replaces a resource whose logical id changes, and CDK
 * derives the id from the construct path: a log group at Users/Logs gets
 * another id than one at UsersLogs.  The deployed stacks created their
 * resources directly in the stack (UsersTaskRole, UsersLogs, ...), and some
 * of them have fixed names (retained log groups, services) that a
 * replacement would collide with.  A construct registered here is
 * "flattened" when its stack allocates logical ids: its own id is joined to
 * its children's (Users + TaskRole = UsersTaskRole, Users + Default = Users),
 * or a child is given its old id outright; the hash is CDK's own
 * (makeUniqueId), so the ids come out exactly as before.
 */

import { createHash } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

type Rename = (childId: string) => string;
const flattened = new WeakMap<IConstruct, Rename>();

/**
 * Children of `scope` take their logical ids as if they were created in
 * scope's parent with id `<scope id><child id>` (`<scope id>` for the child
 * `Default`), or `renames[child id]` when given.
 */
export function flattenLogicalIds(scope: IConstruct, renames: Record<string, string> = {}): void {
  const id = scope.node.id;
  flattened.set(scope, (child) => renames[child] ?? (child === 'Default' ? id : `${id}${child}`));
}

/** the path below the stack with the flattened constructs merged into their children */
export function flatPath(c: IConstruct): string[] {
  const scopes = c.node.scopes;
  const below = scopes.slice(scopes.indexOf(Stack.of(c)) + 1);
  const out: string[] = [];
  let rename: Rename | undefined;
  for (const s of below) {
    const id = rename ? rename(s.node.id) : s.node.id;
    const own = flattened.get(s);
    if (own && rename) throw new Error(`${s.node.path}: flattened constructs do not nest`);
    rename = own;
    if (!own) out.push(id);
  }
  return out;
}

// CDK's makeUniqueId (aws-cdk-lib core/lib/private/uniqueid), which is not exported
const HIDDEN_ID = 'Default';
const HIDDEN_FROM_HUMAN_ID = 'Resource';
const alnum = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');

export function uniqueId(path: string[]): string {
  const components = path.filter((x) => x !== HIDDEN_ID);
  if (components.length === 0) throw new Error('no components to make an id of');
  if (components.length === 1 && alnum(components[0]).length <= 255) return alnum(components[0]);
  const hash = createHash('md5').update(components.join('/')).digest('hex').slice(0, 8).toUpperCase();
  const human: string[] = [];
  for (const x of components) {
    if (human.length === 0 || !human[human.length - 1].endsWith(x)) human.push(x);
  }
  return human.filter((x) => x !== HIDDEN_FROM_HUMAN_ID).map(alnum).join('').slice(0, 240) + hash;
}

/** what Names.uniqueId(c) was before c's scope was a construct (names derived from the path) */
export function flatUniqueId(c: IConstruct): string {
  return uniqueId([Stack.of(c).node.id, ...flatPath(c)]);
}
