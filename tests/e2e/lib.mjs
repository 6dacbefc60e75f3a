// What the e2e tests share: the browser, the stack's addresses, a page
// that records CSP violations and errors, axe, screenshots, waiting, and
// the steps every story takes (register, fill in a task).

import { after, afterEach, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const BASE = process.env.TASKMGR_URL;
export const OUT = process.env.E2E_OUT;
export const TMP = process.env.E2E_TMP;
assert.ok(BASE && OUT && TMP && process.env.TASKMGR_DATA_DIR, 'run through tests/e2e/run.sh (TASKMGR_URL, E2E_OUT, E2E_TMP, TASKMGR_DATA_DIR)');

export const PASSWORD = 'Str0ng!Passw0rd#';
export const run = `${Date.now().toString(36)}`;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Debian's Chromium, headless
async function launch() {
  mkdirSync(OUT, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    // the profile: playwright gives each launch a fresh --user-data-dir of
    // its own under TMPDIR (run.sh points it into the test's temp dir)
  });
}

// ---- helpers ---------------------------------------------------------------

// the code cognito-local holds for this email: its data file
// (.cognito/db/<pool>.json, ConfirmationCode), not its log, whose lines
// can be held back for minutes
const POOL_DB = join(process.env.TASKMGR_DATA_DIR ?? '', 'cognito/.cognito/db', (process.env.TASKMGR_USER_POOL_ID ?? '') + '.json');

export async function confirmationCode(email) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    let code;
    try {
      const users = Object.values(JSON.parse(readFileSync(POOL_DB, 'utf8')).Users ?? {});
      const user = users.find((u) => u.Attributes?.some((a) => a.Name === 'email' && a.Value.toLowerCase() === email.toLowerCase()));
      code = user?.ConfirmationCode;
    } catch {
      /* being written: read it again */
    }
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no confirmation code for ${email} in ${POOL_DB}`);
    await sleep(100);
  }
}

// a page that records CSP violations, uncaught errors and failed API calls
export async function newPage(ctx) {
  const page = await ctx.newPage();
  page.problems = [];
  page.on('console', (m) => {
    const t = m.text();
    if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(t)) page.problems.push('CSP: ' + t);
  });
  page.on('pageerror', (e) => page.problems.push('page error: ' + e.message));
  return page;
}

export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'no CSP violation or uncaught error in the page');
}

export async function axe(page, screen) {
  await page.evaluate(AXE);
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary),
    }));
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = res.filter((v) => !bad.includes(v));
  if (minor.length) console.log(`  axe (${screen}): minor/moderate: ${minor.map((v) => v.id).join(', ')}`);
  assert.deepEqual(bad, [], `axe: no serious or critical violations on ${screen}`);
}

// the screen as a person sees it, and axe on it
export async function screen(page, vp, n, name) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(OUT, `${vp}-${String(n).padStart(2, '0')}-${name}.png`), fullPage: true });
  const [width, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(width <= inner, `${vp} ${name}: nothing wider than the screen (${width} > ${inner})`);
  await axe(page, `${vp} ${name}`);
}

// an error a submit showed: the form then moves the focus to the first field
// in error on the next animation frame, so typing before that frame would
// land in the wrong field (Playwright's fill focuses, then types)
export async function errorShown(locator) {
  await locator.waitFor();
  await locator.page().evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return locator;
}

export async function waitFor(fn, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await sleep(100);
  }
}

export const path = (page) => {
  const u = new URL(page.url());
  return u.pathname + u.search;
};

export async function waitPath(page, re) {
  await waitFor(() => re.test(path(page)), `URL ${re} (at ${path(page)})`);
}

// "YYYY-MM-DD" and "HH:MM" in the browser's zone, and the UTC instant the
// API should store for them
export async function localParts(page, msFromNow) {
  return page.evaluate((ms) => {
    const d = new Date(Date.now() + ms);
    const p = (n) => String(n).padStart(2, '0');
    const date = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
    const time = `${p(d.getHours())}:${p(d.getMinutes())}`;
    const exact = new Date(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), 0);
    return { date, time, iso: exact.toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }, msFromNow);
}

export async function apiGet(page, p) {
  const r = await page.request.get(BASE + p);
  return { status: r.status(), json: r.status() === 204 ? null : await r.json().catch(() => null) };
}

export function taskRow(page, title) {
  return page.locator('li.task', { has: page.locator('.task-title', { hasText: title }) });
}

// a task row's menu action (Start, Edit, Delete): open its "⋯" menu, choose
export async function rowAction(page, title, action) {
  const row = taskRow(page, title);
  await row.getByRole('button', { name: /^Actions for/ }).click();
  await row.getByRole('menuitem', { name: action, exact: true }).click();
}

// a row's checkbox: completes or reopens the task
export const rowCheckbox = (page, title) => taskRow(page, title).getByRole('checkbox');

export async function bellCount(page) {
  return page.locator('a.bell').getAttribute('data-unread');
}

export async function register(page, vp, n, user) {
  await page.goto(BASE + '/register');
  await page.getByLabel('First name').fill(user.first);
  await page.getByLabel('Last name').fill(user.last);
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  // a password the policy refuses: the API's field error beside the field
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  const err = await errorShown(page.locator('#reg-password-error'));
  assert.match(await err.textContent(), /\S/, 'the password error has a message');
  assert.equal(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid'), 'true');
  if (n !== null) await screen(page, vp, n, 'register-error');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  // the server wants the emailed code (taskmgr_require_confirmation on)
  await page.getByRole('heading', { name: 'Confirm your email' }).waitFor();
  if (n !== null) await screen(page, vp, n + 1, 'register-confirm');
  await page.getByLabel('Confirmation code').fill('000000');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await errorShown(page.locator('#reg-code-error, .form-error').first());
  await page.getByLabel('Confirmation code').fill(await confirmationCode(user.email));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await waitPath(page, /^\/tasks/);
}

export async function fillTask(page, t) {
  const dlg = page.locator('dialog[open]');
  await dlg.waitFor();
  await dlg.getByLabel('Title').fill(t.title);
  if (t.description !== undefined) await dlg.getByLabel('Description (optional)').fill(t.description);
  if (t.date !== undefined) await dlg.getByLabel('Date').fill(t.date);
  if (t.time !== undefined) await dlg.getByLabel('Time').fill(t.time);
  if (t.status) await dlg.getByLabel('Status').selectOption(t.status);
  return dlg;
}

export async function createTask(page, t) {
  await page.getByRole('button', { name: 'New task' }).click();
  const dlg = await fillTask(page, t);
  await dlg.getByRole('button', { name: 'Create task' }).click();
  await dlg.waitFor({ state: 'detached' });
  await taskRow(page, t.title).waitFor();
}

// the two sizes every screen is checked at, each in one theme and zone
export const VIEWPORTS = [
  { name: 'mobile', viewport: { width: 390, height: 844 }, colorScheme: 'dark', timezoneId: 'America/Los_Angeles', isMobile: true, hasTouch: true },
  { name: 'desktop', viewport: { width: 1280, height: 800 }, colorScheme: 'light', timezoneId: 'Asia/Kolkata' },
];

// POST/PATCH through the page's cookies, as the app sends them
export async function apiSend(page, method, p, data, headers = {}) {
  const r = await page.request.fetch(BASE + p, {
    method,
    headers: { 'X-Requested-With': 'fetch', 'Content-Type': 'application/json', ...headers },
    data,
  });
  return { status: r.status(), json: r.status() === 204 ? null : await r.json().catch(() => null) };
}

// one browser for a test file: started before its tests, closed after;
// the returned function gives it
export function useBrowser() {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser;
}

// one page for a describe() of viewport V: a context of V's size, scheme
// and zone opened before its tests and closed after; the screen each test
// left is kept (a failure's post-mortem) and what the page reported is
// printed.  onPage gets the page once it is open.
export function usePage(browser, V, vp, onPage) {
  let ctx;
  let page;
  before(async () => {
    const { name, ...opts } = V;
    ctx = await browser().newContext({ ...opts, locale: 'en-US' });
    ctx.setDefaultTimeout(10_000);
    page = await newPage(ctx);
    onPage(page);
  });
  after(async () => {
    await ctx?.close();
  });
  afterEach(async (t) => {
    await page.screenshot({ path: join(OUT, `${vp}-after-${t.name.slice(0, 40).replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
    if (page.problems.length) console.log(`  ${t.name}: ${page.problems.join('; ')}`);
  });
}

// one pass of the stack's scheduler as if it were `now` (a Date or an
// RFC 3339 string): { stdout, stderr }, or null when the stack has none
export async function schedulerOnce(now = new Date()) {
  const bin = process.env.TASKMGR_SCHEDULER_BIN;
  const conf = process.env.TASKMGR_SCHEDULER_CONF;
  if (!bin || !conf || !existsSync(bin) || !existsSync(conf)) return null;
  const iso = (typeof now === 'string' ? new Date(now) : now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return promisify(execFile)(bin, ['-c', conf, '--once', '--now', iso], { timeout: 60_000 });
}

// an instant as the API writes it: UTC, whole seconds
export const utc = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
