// After `next build` (web/out, the static export):
//  1. The Content-Security-Policy's script-src.  Next.js's app router puts
//     its flight data in inline <script>s (no option moves them out), so
//     the policy allows exactly those, by SHA-256, and no others
//     ('unsafe-inline' never).  Written to out/csp-script-src.txt; nginx's
//     conf gets it from scripts/render-conf.sh (TASKMGR_WEB_SCRIPT_SRC),
//     the AWS hosting can read the same file.
//  2. The first-load JS of each page, gzip -9, as the browser fetches it:
//     every <script src> of its HTML (the noModule polyfills excluded, no
//     current browser loads them).  Printed; `--json` also writes
//     out/../first-load.json for the report.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstLoad, htmlFiles, kB } from './firstLoad.mjs';

const out = new URL('../out/', import.meta.url).pathname;

const hashes = new Set();
for (const file of htmlFiles(out)) {
  const html = readFileSync(file, 'utf8');
  // inline scripts: no src attribute (JSON data blocks would not run, but
  // Next emits none; hash whatever is there)
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(m[1])) continue;
    if (m[2].length === 0) continue;
    hashes.add(`'sha256-${createHash('sha256').update(m[2], 'utf8').digest('base64')}'`);
  }
}
const sizes = firstLoad(out);

const scriptSrc = ["'self'", ...[...hashes].sort()].join(' ');
writeFileSync(join(out, 'csp-script-src.txt'), scriptSrc + '\n');
console.log(`csp: script-src 'self' + ${hashes.size} inline script hash(es) -> out/csp-script-src.txt`);

console.log('first-load JS (gzip -9, kB = 1000 bytes, module scripts of each page):');
for (const s of sizes) {
  console.log(`  ${s.page.padEnd(16)} ${kB(s.gzip).padStart(9)}  (${s.scripts} files, ${kB(s.raw)} raw)`);
}
if (process.argv.includes('--json')) {
  writeFileSync(new URL('../first-load.json', import.meta.url), JSON.stringify(sizes, null, 2) + '\n');
}
