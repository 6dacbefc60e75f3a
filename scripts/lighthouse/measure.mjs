// Lighthouse 12, mobile (its default: a mid-range phone, simulated slow
// 4G and 4x CPU slowdown), on /login and /tasks of the stack at
// TASKMGR_URL, in Debian's Chromium; each page RUNS times in the same
// browser, the median of each score printed.  /login is measured logged
// out; /tasks as a user with a few tasks (the session's cookies are kept
// between runs: Lighthouse clears caches, not cookies).
//
// usage: TASKMGR_URL=http://127.0.0.1:8080 node measure.mjs [--json out.json]
// env:   CHROME_PATH (/usr/bin/chromium), RUNS (3)
import { writeFileSync } from 'node:fs';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const BASE = process.env.TASKMGR_URL;
if (!BASE) throw new Error('TASKMGR_URL is not set (scripts/lighthouse.sh starts a stack and sets it)');
const RUNS = Number(process.env.RUNS ?? 3);
const CATEGORIES = ['performance', 'accessibility', 'best-practices'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// a user with three tasks, logged in in this browser
async function logIn(port) {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}` });
  const page = await browser.newPage();
  await page.goto(BASE + '/login');
  const email = `lighthouse-${Date.now().toString(36)}@example.com`;
  const failed = await page.evaluate(async (email) => {
    const send = (path, body) =>
      fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch' }, body: JSON.stringify(body) });
    const r = await send('/api/users/register', { email, password: 'Str0ng!Passw0rd#', firstName: 'Light', lastName: 'House' });
    if (r.status !== 201) return `register: ${r.status} ${await r.text()}`;
    const l = await send('/api/users/login', { email, password: 'Str0ng!Passw0rd#' });
    if (l.status !== 200) return `login: ${l.status}`;
    const day = 86400e3;
    for (const [title, due] of [
      ['Buy groceries', Date.now() + 3 * 3600e3],
      ['Write the quarterly report', Date.now() + 3 * day],
      ['Call the bank', null],
    ]) {
      const t = await send('/api/tasks', { title, description: 'Measured by Lighthouse.', ...(due ? { dueDate: new Date(due).toISOString().replace(/\.\d+Z$/, 'Z') } : {}) });
      if (t.status !== 201) return `task: ${t.status}`;
    }
    localStorage.setItem('tm_session', '1');
    return null;
  }, email);
  await page.close();
  await browser.disconnect();
  if (failed) throw new Error(failed);
}

async function measure(port, path) {
  const scores = Object.fromEntries(CATEGORIES.map((c) => [c, []]));
  const audits = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await lighthouse(BASE + path, { port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES });
    const lhr = r.lhr;
    if (lhr.runtimeError) throw new Error(`${path}: ${lhr.runtimeError.message}`);
    if (new URL(lhr.finalDisplayedUrl).pathname !== path) throw new Error(`${path}: ended at ${lhr.finalDisplayedUrl}`);
    for (const c of CATEGORIES) scores[c].push(Math.round(lhr.categories[c].score * 100));
    // what cost points, for the report
    audits.push(
      Object.values(lhr.audits)
        .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'notApplicable')
        .map((a) => a.id),
    );
    const m = lhr.audits;
    console.log(
      `  ${path} run ${i + 1}: ` +
        CATEGORIES.map((c) => `${c} ${scores[c].at(-1)}`).join(', ') +
        ` (FCP ${m['first-contentful-paint'].displayValue}, LCP ${m['largest-contentful-paint'].displayValue}, TBT ${m['total-blocking-time'].displayValue})`,
    );
  }
  return { path, runs: scores, median: Object.fromEntries(CATEGORIES.map((c) => [c, median(scores[c])])), below90: [...new Set(audits.flat())] };
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const results = [];
try {
  console.log(`lighthouse ${RUNS}x mobile, ${BASE}`);
  results.push(await measure(chrome.port, '/login'));
  await logIn(chrome.port);
  results.push(await measure(chrome.port, '/tasks'));
} finally {
  await chrome.kill();
}

console.log('\nmedian of ' + RUNS + ' runs (mobile):');
console.log('  page      performance  accessibility  best practices');
for (const r of results) {
  const m = r.median;
  console.log(`  ${r.path.padEnd(8)}  ${String(m.performance).padStart(11)}  ${String(m.accessibility).padStart(13)}  ${String(m['best-practices']).padStart(14)}`);
  if (r.below90.length) console.log(`            audits below 0.9: ${r.below90.join(', ')}`);
}
const j = process.argv.indexOf('--json');
if (j > 0) writeFileSync(process.argv[j + 1], JSON.stringify(results, null, 2) + '\n');
