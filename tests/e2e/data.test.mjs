// Export and calendar feed (issue 15), at desktop size, against the real
// stack through nginx: "Download my data" as JSON and CSV (the browser's
// downloads read back), and the calendar feed's URL shown, copied, made
// anew (the old one then 404) and turned off.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
// the stack, the browser, and the steps and checks every e2e test uses
import { BASE, VIEWPORTS, run, usePage, useBrowser } from './lib.mjs';
import { apiSend, assertNoProblems, register, screen, waitFor } from './lib.mjs';

const browser = useBrowser();
const V = VIEWPORTS.find((v) => v.name === 'desktop');

describe('export and calendar feed, desktop', { skip: process.env.E2E_ONLY === 'mobile' }, () => {
  let page;
  const vp = 'data-desktop';

  usePage(browser, V, vp, (p) => {
    page = p;
  });

  test('download my data: everything as JSON, the tasks as CSV', async () => {
    await register(page, vp, null, { first: 'Dee', last: 'Ata', email: `dee-${run}@example.com` });
    const r = await apiSend(page, 'POST', '/api/tasks', { title: 'Export, "me"', dueDate: '2027-01-01T09:00:00Z' });
    assert.equal(r.status, 201);
    await page.goto(BASE + '/profile');
    await page.getByRole('heading', { name: 'Download my data' }).waitFor();

    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Everything (JSON)' }).click(),
    ]);
    assert.equal(json.suggestedFilename(), 'taskmgr-export.json');
    const data = JSON.parse(await readFile(await json.path(), 'utf8'));
    assert.equal(data.user.email, `dee-${run}@example.com`);
    assert.deepEqual(data.tasks.map((t) => t.title), ['Export, "me"']);

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tasks (CSV)' }).click(),
    ]);
    assert.equal(csv.suggestedFilename(), 'taskmgr-tasks.csv');
    const text = await readFile(await csv.path(), 'utf8');
    assert.match(text, /^id,title,description,status,/);
    assert.match(text, /\r\n[0-9a-f-]{36},"Export, ""me""",/);
    assertNoProblems(page);
  });

  test('calendar feed: the URL shown and copied, made anew, turned off', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
    await page.getByRole('button', { name: 'Get feed URL' }).click();
    const field = page.getByTestId('calendar-url');
    await field.waitFor();
    const first = await field.inputValue();
    assert.match(first, /\/api\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    const feed = await page.request.get(first);
    assert.equal(feed.status(), 200);
    assert.match(await feed.text(), /BEGIN:VEVENT\r\n[\s\S]*SUMMARY:Export\\, "me"\r\n/);

    await page.getByRole('button', { name: 'Copy URL' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first);

    await page.getByRole('button', { name: 'New URL' }).click();
    await waitFor(async () => (await field.inputValue()) !== first, 'a new URL');
    const second = await field.inputValue();
    assert.equal((await page.request.get(first)).status(), 404, 'the old URL is refused');
    assert.equal((await page.request.get(second)).status(), 200);
    await screen(page, vp, 1, 'profile-calendar-feed');

    await page.getByRole('button', { name: 'Turn off' }).click();
    await page.getByRole('status').filter({ hasText: 'The calendar feed is off' }).waitFor();
    assert.equal(await field.count(), 0, 'no URL shown');
    assert.equal((await page.request.get(second)).status(), 404, 'the URL is refused');
    assertNoProblems(page);
  });
});
