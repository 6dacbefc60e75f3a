// The app's own JavaScript: each page's first-load JS (gzip -9) minus that
// of an empty page built with the same Next.js, React, config and
// tsconfig (what any app-router page costs: React DOM and the router).
// The empty app is built once into .own-js-baseline/ and reused while
// package-lock.json, next.config.mjs and tsconfig.json stay the same.
//
// usage: node scripts/own-js.mjs [--check]   (after npm run build)
//   --check  exit 1 when a page's own JS is over the budget
// env:     OWN_JS_BUDGET_KB (26)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstLoad, kB } from './firstLoad.mjs';

const web = new URL('..', import.meta.url).pathname;
const base = join(web, '.own-js-baseline');
const BUDGET = Number(process.env.OWN_JS_BUDGET_KB ?? 26) * 1000;
const SHARED = ['package.json', 'package-lock.json', 'next.config.mjs', 'tsconfig.json'];

if (!existsSync(join(web, 'out/csp-script-src.txt'))) {
  console.error('own-js: web/out is not built (npm run build, or make)');
  process.exit(2);
}

const key = createHash('sha256');
for (const f of SHARED) key.update(readFileSync(join(web, f)));
const want = key.digest('hex');
const keyFile = join(base, 'baseline-key.txt');

if (!existsSync(keyFile) || readFileSync(keyFile, 'utf8') !== want) {
  console.log('own-js: building the empty page (same Next.js, config and tsconfig) into .own-js-baseline/');
  rmSync(base, { recursive: true, force: true });
  for (const d of ['app', 'components', 'lib']) mkdirSync(join(base, d), { recursive: true });
  for (const f of SHARED) copyFileSync(join(web, f), join(base, f));
  symlinkSync(join(web, 'node_modules'), join(base, 'node_modules'));
  writeFileSync(
    join(base, 'app/layout.tsx'),
    "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>{children}</body>\n    </html>\n  );\n}\n",
  );
  writeFileSync(join(base, 'app/page.tsx'), 'export default function Page() {\n  return <p>Empty.</p>;\n}\n');
  execFileSync(join(web, 'node_modules/.bin/next'), ['build'], { cwd: base, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  writeFileSync(keyFile, want);
}

const empty = firstLoad(join(base, 'out')).find((p) => p.page === '/');
const pages = firstLoad(join(web, 'out')).filter((p) => p.page !== '/404' && p.page !== '/_not-found');
let over = 0;
console.log(`own JS per page (gzip -9, kB = 1000 bytes): first load minus an empty page's ${kB(empty.gzip)}; budget ${kB(BUDGET)}`);
console.log('  page               first load    own JS');
for (const p of pages) {
  const own = p.gzip - empty.gzip;
  const bad = own > BUDGET;
  if (bad) over++;
  console.log(`  ${p.page.padEnd(16)} ${kB(p.gzip).padStart(11)} ${kB(own).padStart(9)}${bad ? '  over budget' : ''}`);
}
if (process.argv.includes('--check') && over) {
  console.error(`own-js: ${over} page(s) over ${kB(BUDGET)}`);
  process.exit(1);
}
