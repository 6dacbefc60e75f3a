// The first-load JS of each page of a static export, gzip -9, as the
// browser fetches it: every <script src> of its HTML (the noModule
// polyfills excluded, no current browser loads them).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export function* htmlFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== '_next') yield* htmlFiles(p);
    } else if (e.name.endsWith('.html')) yield p;
  }
}

// out: the export's directory -> [{ page, scripts, raw, gzip, files }]
export function firstLoad(out) {
  const sizes = [];
  for (const file of htmlFiles(out)) {
    const html = readFileSync(file, 'utf8');
    let gzip = 0;
    let raw = 0;
    const seen = new Set();
    for (const m of html.matchAll(/<script\b([^>]*)\bsrc="([^"]+)"([^>]*)>/gi)) {
      if (/nomodule/i.test(m[1] + m[3]) || seen.has(m[2])) continue;
      seen.add(m[2]);
      const body = readFileSync(join(out, m[2].replace(/^\//, '')));
      raw += body.length;
      gzip += gzipSync(body, { level: 9 }).length;
    }
    sizes.push({ page: '/' + relative(out, file).replace(/\.html$/, '').replace(/^index$/, ''), scripts: seen.size, raw, gzip, files: [...seen] });
  }
  return sizes.sort((a, b) => a.page.localeCompare(b.page));
}

export const kB = (n) => (n / 1000).toFixed(1) + ' kB';
