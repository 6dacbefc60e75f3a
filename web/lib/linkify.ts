// A description as text and links: http(s) addresses become links, the
// rest stays text (React escapes it: no HTML from a user is ever markup).
// Trailing punctuation after an address ("see https://x.org/a.") is text.

export type Segment = { text: string; href?: string };

const URL_RE = /\bhttps?:\/\/[^\s<>"]+/gi;

export function linkify(s: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of s.matchAll(URL_RE)) {
    const url = trimEnd(m[0]);
    let href: string | undefined;
    try {
      href = new URL(url).href;
    } catch {
      href = undefined;
    }
    if (!href) continue;
    if (m.index > last) out.push({ text: s.slice(last, m.index) });
    out.push({ text: url, href });
    last = m.index + url.length;
  }
  if (last < s.length) out.push({ text: s.slice(last) });
  return out;
}

// punctuation that ends the sentence, not the address; a ")" closing a
// "(" of the address belongs to it
function trimEnd(url: string): string {
  const count = (c: string) => url.split(c).length - 1;
  for (;;) {
    const c = url.at(-1) ?? '';
    if (!c) return url;
    if (".,;:!?'\"]".includes(c) || (c === ')' && count(')') > count('('))) url = url.slice(0, -1);
    else return url;
  }
}
