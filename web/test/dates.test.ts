// lib/dates.ts, in the zone of the run (tests/web/run.sh runs it in two,
// one of them with summer time): the expectations are built from local
// Dates, so they hold in any zone.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ago, dayEnd, dayStart, dueState, formatDateTime, fromLocal, isDateOnly, localDay, toApi, toLocalParts } from '@/lib/dates';

const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s);

describe('toApi', () => {
  test('UTC, whole seconds', () => {
    assert.equal(toApi(new Date('2025-03-04T05:06:07.890Z')), '2025-03-04T05:06:07Z');
    assert.equal(toApi(new Date('2025-03-04T05:06:07Z')), '2025-03-04T05:06:07Z');
  });
});

describe('fromLocal', () => {
  test('a local date and time to UTC', () => {
    assert.equal(fromLocal('2025-01-15', '09:30'), toApi(local(2025, 1, 15, 9, 30)));
    assert.equal(fromLocal('2025-07-15', '00:00'), toApi(local(2025, 7, 15, 0, 0)));
  });
  test('no time: the end of that day', () => {
    assert.equal(fromLocal('2025-01-15', ''), toApi(local(2025, 1, 15, 23, 59)));
  });
  test('not a date: null', () => {
    for (const d of ['', '2025-1-15', '15/01/2025', 'tomorrow']) assert.equal(fromLocal(d, '10:00'), null, d);
  });
  test('round trip through toLocalParts, also across the change to summer time', () => {
    for (const [date, time] of [
      ['2025-07-04', '14:05'],
      ['2025-03-09', '12:00'],
      ['2025-03-30', '12:00'],
      ['2025-11-02', '23:15'],
      ['2024-02-29', '00:01'],
    ]) {
      assert.deepEqual(toLocalParts(fromLocal(date, time)), { date, time });
    }
  });
});

describe('toLocalParts', () => {
  test('no due date: empty fields', () => {
    assert.deepEqual(toLocalParts(null), { date: '', time: '' });
  });
  test('the local wall clock of an instant', () => {
    assert.deepEqual(toLocalParts(local(2025, 12, 31, 22, 5).toISOString()), { date: '2025-12-31', time: '22:05' });
  });
  test('a date-only due date (23:59 local) has no time', () => {
    assert.deepEqual(toLocalParts(fromLocal('2025-12-31', '')), { date: '2025-12-31', time: '' });
    assert.equal(isDateOnly(fromLocal('2025-12-31', '')!), true);
    assert.equal(isDateOnly(fromLocal('2025-12-31', '23:15')!), false);
    assert.doesNotMatch(formatDateTime(fromLocal('2025-12-31', '')!, true), /11:59|23:59/);
    assert.match(formatDateTime(fromLocal('2025-12-31', '')!), /11:59|23:59/);
  });
});

describe('days', () => {
  test('localDay is the local calendar day', () => {
    assert.equal(localDay(local(2025, 12, 31, 23, 59)), '2025-12-31');
    assert.equal(localDay(local(2026, 1, 1, 0, 0)), '2026-01-01');
  });
  test('dayStart and dayEnd bound a local day', () => {
    assert.equal(dayStart('2025-06-01'), toApi(local(2025, 6, 1, 0, 0)));
    assert.equal(dayEnd('2025-06-01'), toApi(local(2025, 6, 1, 23, 59, 59)));
    assert.equal(dayStart('June 1st'), null);
    assert.equal(dayEnd(''), null);
  });
});

describe('dueState', () => {
  const now = local(2025, 6, 10, 12, 0);
  const at = (d: Date) => d.toISOString();
  test('no due date, completed', () => {
    assert.equal(dueState(null, false, now), 'none');
    assert.equal(dueState(at(local(2025, 6, 1)), true, now), 'done');
  });
  test('overdue, today, within 24 hours, later', () => {
    assert.equal(dueState(at(local(2025, 6, 10, 11, 0)), false, now), 'overdue');
    assert.equal(dueState(at(local(2025, 6, 10, 18, 0)), false, now), 'today');
    assert.equal(dueState(at(local(2025, 6, 11, 6, 0)), false, now), 'soon');
    assert.equal(dueState(at(local(2025, 6, 13, 9, 0)), false, now), 'later');
  });
});

describe('ago', () => {
  const rel = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const now = new Date('2025-06-10T12:00:00Z');
  const before = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
  test('the unit grows with the distance', () => {
    assert.equal(ago(before(30), now), rel.format(-30, 'second'));
    assert.equal(ago(before(5 * 60), now), rel.format(-5, 'minute'));
    assert.equal(ago(before(3 * 3600), now), rel.format(-3, 'hour'));
    assert.equal(ago(before(2 * 86400), now), rel.format(-2, 'day'));
  });
  test('a week or more: the date itself', () => {
    assert.doesNotMatch(ago(before(8 * 86400), now), /ago/);
  });
});
