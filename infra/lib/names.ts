/*
 * Names derived from the config's prefix (config.ts: stagePrefix,
 * physicalNames): construct ids and stack ids.
 */

/** users -> Users: the construct ids of a service's resources */
export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** taskmgr -> Taskmgr, taskmgr-dev -> TaskmgrDev: the stacks' ids (TaskmgrNetwork...) */
export function stackIdPrefix(prefix: string): string {
  return prefix.split('-').map(capitalize).join('');
}
