// ?next= after log in: a path of this site only, never elsewhere
export function safeNext(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/tasks';
  if (/^\/(login|register)\b/.test(raw)) return '/tasks';
  return raw;
}
