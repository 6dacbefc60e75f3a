// Quick add (issue 13), at both sizes and in both themes: q reaches the
// bar, what POST /api/tasks/parse recognises is highlighted in the line
// and spelled out under it, Enter creates the task through {"quickAdd"}
// (a known list, a new one, a repeat), a line with no title is refused
// and nothing sent, and a list's view adds to that list.  The server's
// clock is pinned (X-Taskmgr-Now, the stack runs with test faults on), so
// "tomorrow 5pm" is one known instant in each zone.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, VIEWPORTS, run, usePage, useBrowser } from './lib.mjs';
import { apiGet, apiSend, register, taskRow } from './lib.mjs';
import { assertNoProblems, screen, waitFor } from './lib.mjs';

const browser = useBrowser();

// Thursday 2030-06-06 12:00 UTC: 05:00 in Los Angeles, 17:30 in Kolkata
const NOW = Date.UTC(2030, 5, 6, 12, 0, 0) / 1000;
// "tomorrow 5pm" there: Friday 7 June, 17:00 local
const TOMORROW_5PM = { 'America/Los_Angeles': '2030-06-08T00:00:00Z', 'Asia/Kolkata': '2030-06-07T11:30:00Z' };

const tokens = (page) =>
  page.locator('.quick-add .qa-token').evaluateAll((els) => els.map((e) => [e.dataset.kind, e.textContent]));
const preview = (page) => page.locator('#quick-add-preview');

async function tasksByTitle(page, title) {
  const r = await apiGet(page, '/api/tasks?limit=100');
  return r.json.items.filter((t) => t.title === title);
}

for (const V of VIEWPORTS.filter((v) => !process.env.E2E_ONLY || v.name === process.env.E2E_ONLY)) {
  describe(`quick add, ${V.name} (${V.colorScheme}, ${V.timezoneId})`, () => {
    let page;
    const vp = 'quickadd-' + V.name;
    const user = { first: 'Quinn', last: 'Quick', email: `quinn-${V.name}-${run}@example.com` };
    let sent = [];
    let home;

    usePage(browser, V, vp, (p) => {
      page = p;
      // the server reads dates at a pinned now (a header on every request:
      // only parse and quick add read it); what the app sends is watched,
      // not intercepted (an intercepting route turns the browser's cache
      // off and slows every load)
      page.setExtraHTTPHeaders({ 'x-taskmgr-now': String(NOW) });
      page.on('request', (r) => {
        if (r.method() === 'POST' && /\/api\/tasks(\/parse)?$/.test(new URL(r.url()).pathname)) {
          sent.push({ path: new URL(r.url()).pathname, body: r.postDataJSON() });
        }
      });
    });

    test('q reaches the bar; the parts are highlighted and spelled out; Enter adds the task', async () => {
      await register(page, vp, null, user);
      // the first /tasks fully up before the next load (not cut off mid-hydration)
      await page.locator('#quick-add').waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      home = (await apiSend(page, 'POST', '/api/lists', { name: 'Home' })).json.list;
      await page.goto(BASE + '/tasks');
      await page.locator('#quick-add').waitFor();
      await page.locator('.empty').waitFor();
      await page.keyboard.press('q');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'quick-add', 'q focuses the bar');
      assert.equal(await page.locator('#quick-add').inputValue(), '', 'the q is not typed');
      await page.keyboard.type('Pay rent tomorrow 5pm #Home @bills p1');
      await waitFor(async () => (await tokens(page)).length === 5, 'five parts highlighted');
      assert.deepEqual(await tokens(page), [
        ['date', 'tomorrow'],
        ['time', '5pm'],
        ['list', '#Home'],
        ['label', '@bills'],
        ['priority', 'p1'],
      ]);
      const words = await preview(page).textContent();
      assert.match(words, /^Adds “Pay rent”, due Jun 7, 2030, 5:00\sPM, in Home, label bills, priority 1$/, words);
      // the parse was asked once the typing paused, not per key
      const parses = sent.filter((s) => s.path === '/api/tasks/parse');
      assert.ok(parses.length >= 1 && parses.length < 10, `${parses.length} parse requests for 37 keys`);
      assert.equal(parses.at(-1).body.text, 'Pay rent tomorrow 5pm #Home @bills p1');
      // the highlights sit under the very characters of the input
      const [a, b] = await page.evaluate(() => {
        const input = document.getElementById('quick-add').getBoundingClientRect();
        const mark = document.querySelector('.qa-token[data-kind="list"]').getBoundingClientRect();
        return [input.top <= mark.top && mark.bottom <= input.bottom, mark.left > input.left && mark.right < input.right];
      });
      assert.ok(a && b, 'the list highlight is inside the input');
      await screen(page, vp, 1, 'quick-add-typing');

      sent = [];
      await page.keyboard.press('Enter');
      await taskRow(page, 'Pay rent').waitFor();
      assert.deepEqual(
        sent.filter((s) => s.path === '/api/tasks'),
        [{ path: '/api/tasks', body: { quickAdd: 'Pay rent tomorrow 5pm #Home @bills p1' } }],
        'one POST with {"quickAdd"} alone',
      );
      await page.getByText(/^Added “Pay rent” to Home, due Jun 7, 2030, 5:00\sPM\.$/).waitFor();
      assert.equal(await page.locator('#quick-add').inputValue(), '', 'the bar is emptied');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'quick-add', 'and keeps the focus');
      const [t] = await tasksByTitle(page, 'Pay rent');
      assert.equal(t.dueDate, TOMORROW_5PM[V.timezoneId]);
      assert.equal(t.listId, home.id);
      assert.deepEqual(t.labels, ['bills']);
      assert.equal(t.priority, 1);
      assertNoProblems(page);
    });

    test('a repeat and a new list; a line with no title is refused and nothing sent', async () => {
      await page.locator('#quick-add').fill('Water the plants every monday #Garden');
      await waitFor(async () => (await tokens(page)).length === 2, 'two parts highlighted');
      assert.deepEqual(await tokens(page), [
        ['repeat', 'every monday'],
        ['list', '#Garden'],
      ]);
      await waitFor(async () => /in Garden \(a new list\)/.test(await preview(page).textContent()), 'the new list said');
      assert.match(await preview(page).textContent(), /repeats every week on Mon/);
      await screen(page, vp, 2, 'quick-add-repeat');
      await page.keyboard.press('Enter');
      await taskRow(page, 'Water the plants').waitFor();
      const [t] = await tasksByTitle(page, 'Water the plants');
      assert.deepEqual(t.repeat, { rule: 'FREQ=WEEKLY;BYDAY=MO', from: 'due' });
      const lists = (await apiGet(page, '/api/lists')).json.items;
      const garden = lists.find((l) => l.name === 'Garden');
      assert.ok(garden, 'the list Garden was made');
      assert.equal(t.listId, garden.id);
      // the sidebar has it too
      await page.locator('.sidebar-list', { hasText: 'Garden' }).waitFor({ state: 'attached' });

      // only a date: no title left
      sent = [];
      await page.locator('#quick-add').fill('tomorrow 5pm');
      await waitFor(async () => /Add a title/.test(await preview(page).textContent()), 'the missing title said');
      await page.keyboard.press('Enter');
      const err = page.locator('#quick-add-error');
      await err.waitFor();
      assert.match(await err.textContent(), /Add a title/);
      assert.equal(await page.locator('#quick-add').getAttribute('aria-invalid'), 'true');
      await screen(page, vp, 3, 'quick-add-no-title');
      // the server said no: nothing was made
      assert.equal((await apiGet(page, '/api/tasks?limit=100')).json.items.length, 2);
      // Escape empties the bar
      await page.keyboard.press('Escape');
      assert.equal(await page.locator('#quick-add').inputValue(), '');
      // Enter on an empty bar: said, nothing sent
      sent = [];
      await page.keyboard.press('Enter');
      await page.locator('#quick-add-error').getByText('Type a task first').waitFor();
      assert.deepEqual(sent, []);
      assertNoProblems(page);
    });

    test('in a list’s view the line goes to that list unless it names another', async () => {
      await page.goto(BASE + '/tasks?list=' + home.id);
      await taskRow(page, 'Pay rent').waitFor();
      await page.locator('#quick-add').fill('Buy bulbs @garden');
      await waitFor(async () => /in Home/.test((await preview(page).textContent()) ?? ''), 'the view’s list said');
      sent = [];
      await page.keyboard.press('Enter');
      await taskRow(page, 'Buy bulbs').waitFor();
      assert.deepEqual(sent.filter((s) => s.path === '/api/tasks')[0].body, { quickAdd: 'Buy bulbs @garden #"Home"' });
      const [t] = await tasksByTitle(page, 'Buy bulbs');
      assert.equal(t.listId, home.id);
      assert.deepEqual(t.labels, ['garden']);
      assertNoProblems(page);
    });
  });
}
