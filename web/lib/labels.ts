// A task's labels, checked as the API does: at most 10, each 1 to 40
// characters, none of # @ , ;, no two the same whatever the case.

import { charCount } from './validate';

export const LABELS_MAX = 10;
export const LABEL_MAX = 40;

export function labelProblem(label: string, labels: string[]): string | undefined {
  const l = label.trim();
  if (!l) return 'Enter a label.';
  if (charCount(l) > LABEL_MAX) return `A label has at most ${LABEL_MAX} characters.`;
  if (/[#@,;]/.test(l)) return 'A label cannot contain #, @, a comma or a semicolon.';
  if (labels.some((x) => x.toLowerCase() === l.toLowerCase())) return `The task already has the label “${l}”.`;
  if (labels.length >= LABELS_MAX) return `A task has at most ${LABELS_MAX} labels.`;
}
