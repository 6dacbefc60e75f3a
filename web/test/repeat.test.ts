// lib/repeat.ts: the RRULE subset read, built and said in words; the
// picker's kinds.  lib/reminders.ts: durations and reminders in words.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildRule, describe as say, kindOf, nthDayOf, parseRule, rule, ruleFor, ruleProblem, withFreq } from '@/lib/repeat';
import { beforeWords, customProblem, duration, durationSeconds, inputOf, keyOf, reminderWords, remindersProblem, sortKeys } from '@/lib/reminders';

describe('parseRule and buildRule', () => {
  test('the subset, round trip', () => {
    for (const s of [
      'FREQ=DAILY',
      'FREQ=DAILY;INTERVAL=3',
      'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH',
      'FREQ=MONTHLY;BYMONTHDAY=31',
      'FREQ=MONTHLY;BYMONTHDAY=-1',
      'FREQ=MONTHLY;BYDAY=2TU',
      'FREQ=MONTHLY;BYDAY=-1FR;COUNT=6',
      'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=14',
      'FREQ=YEARLY;UNTIL=20271231',
    ]) {
      const r = parseRule(s);
      assert.ok(r, s);
      assert.equal(buildRule(r), s);
    }
  });
  test('lower case, a leading RRULE:, +ordinals and UNTIL with a time are read', () => {
    assert.equal(buildRule(parseRule('rrule:freq=monthly;byday=+2tu')!), 'FREQ=MONTHLY;BYDAY=2TU');
    assert.equal(parseRule('FREQ=WEEKLY;UNTIL=20271231T235959Z')!.until, '20271231');
  });
  test('anything else is not the subset', () => {
    for (const s of [
      '',
      'INTERVAL=2',
      'FREQ=HOURLY',
      'FREQ=DAILY;BYHOUR=9',
      'FREQ=DAILY;INTERVAL=0',
      'FREQ=WEEKLY;BYDAY=XX',
      'FREQ=MONTHLY;BYMONTHDAY=32',
      'FREQ=MONTHLY;BYMONTHDAY=0',
      'FREQ=YEARLY;BYMONTH=13',
      'FREQ=DAILY;COUNT=2;UNTIL=20271231',
      'FREQ=DAILY;FREQ=WEEKLY',
      'FREQ=DAILY;UNTIL=2027-12-31',
    ]) {
      assert.equal(parseRule(s), null, s);
    }
  });
  test('built: upper case, no RRULE:, INTERVAL only above 1, COUNT before UNTIL', () => {
    assert.equal(buildRule(rule('WEEKLY', { interval: 1, byDay: ['MO'] })), 'FREQ=WEEKLY;BYDAY=MO');
    assert.equal(buildRule(rule('DAILY', { count: 3, until: '20270101' })), 'FREQ=DAILY;COUNT=3');
  });
});

describe('describe', () => {
  const cases: [string, string][] = [
    ['FREQ=DAILY', 'Every day'],
    ['FREQ=DAILY;INTERVAL=3', 'Every 3 days'],
    ['FREQ=WEEKLY', 'Every week'],
    ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', 'Every weekday'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=TH,MO', 'Every 2 weeks on Mon and Thu'],
    ['FREQ=WEEKLY;BYDAY=MO,WE,FR', 'Every week on Mon, Wed and Fri'],
    ['FREQ=MONTHLY;BYMONTHDAY=15', 'Every month on day 15'],
    ['FREQ=MONTHLY;BYMONTHDAY=-1', 'Every month on the last day'],
    ['FREQ=MONTHLY;BYDAY=2TU', 'Every month on the 2nd Tuesday'],
    ['FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR', 'Every 3 months on the last Friday'],
    ['FREQ=YEARLY', 'Every year'],
    ['FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=14', 'Every year in March on day 14'],
    ['FREQ=DAILY;COUNT=5', 'Every day, 5 times'],
    ['FREQ=DAILY;COUNT=1', 'Every day, once'],
    ['FREQ=WEEKLY;BYDAY=SA;UNTIL=20271231', 'Every week on Sat, until Dec 31, 2027'],
  ];
  for (const [s, words] of cases) {
    test(s, () => assert.equal(say(s), words));
  }
  test('a rule outside the subset is shown as it is', () => {
    assert.equal(say('FREQ=HOURLY'), 'FREQ=HOURLY');
  });
});

describe('the picker', () => {
  // a Tuesday, the 2nd of its month; and the last Friday of one
  const tue = new Date(2027, 2, 9, 9, 0);
  const lastFri = new Date(2027, 0, 29, 9, 0);
  test('kinds', () => {
    assert.equal(kindOf(null), 'none');
    assert.equal(kindOf(parseRule('FREQ=DAILY;COUNT=3')), 'daily');
    assert.equal(kindOf(parseRule('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR')), 'weekdays');
    assert.equal(kindOf(parseRule('FREQ=WEEKLY;BYDAY=MO,TH')), 'weekly');
    assert.equal(kindOf(parseRule('FREQ=MONTHLY;BYDAY=-1FR')), 'monthly');
    assert.equal(kindOf(parseRule('FREQ=MONTHLY;BYMONTHDAY=5')), 'monthly');
    assert.equal(kindOf(parseRule('FREQ=YEARLY')), 'yearly');
    assert.equal(kindOf(parseRule('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO')), 'custom');
    assert.equal(kindOf(parseRule('FREQ=YEARLY;BYMONTH=3')), 'custom');
  });
  test('a kind from the due date', () => {
    assert.equal(buildRule(ruleFor('weekly', tue, null)!), 'FREQ=WEEKLY;BYDAY=TU');
    assert.equal(buildRule(ruleFor('monthly', tue, null)!), 'FREQ=MONTHLY;BYMONTHDAY=9');
    assert.equal(buildRule(ruleFor('weekdays', tue, parseRule('FREQ=DAILY;COUNT=4'))!), 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=4');
    assert.equal(ruleFor('none', tue, null), null);
    assert.equal(nthDayOf(tue), '2TU');
    assert.equal(nthDayOf(lastFri), '-1FR');
    assert.equal(buildRule(withFreq(rule('DAILY', { interval: 2 }), 'WEEKLY', tue)), 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU');
  });
  test('problems', () => {
    assert.equal(ruleProblem(rule('DAILY')), undefined);
    assert.match(ruleProblem(rule('DAILY', { interval: 0 }))!, /1 to 999/);
    assert.match(ruleProblem(rule('DAILY', { count: 0 }))!, /1 to 999/);
  });
});

describe('reminders', () => {
  test('durations', () => {
    assert.equal(durationSeconds('PT0S'), 0);
    assert.equal(durationSeconds('PT15M'), 900);
    assert.equal(durationSeconds('P1DT2H'), 93600);
    assert.equal(durationSeconds('P1W'), 604800);
    for (const bad of ['P', 'PT', '15M', 'P1H', 'PT1D', 'p1d']) assert.equal(durationSeconds(bad), null, bad);
    assert.equal(duration(0, 'hours'), 'PT0S');
    assert.equal(duration(90, 'minutes'), 'PT90M');
    assert.equal(duration(2, 'days'), 'P2D');
    assert.equal(duration(1, 'weeks'), 'P1W');
  });
  test('in words', () => {
    assert.equal(beforeWords(0), 'At the due time');
    assert.equal(beforeWords(900), '15 minutes before');
    assert.equal(beforeWords(93600), '1 day 2 hours before');
    assert.equal(reminderWords('before:PT1H'), '1 hour before');
    assert.match(reminderWords('at:2027-01-05T09:00:00Z'), /^On /);
  });
  test('keys', () => {
    assert.equal(keyOf({ before: 'PT15M' }), 'before:PT15M');
    assert.deepEqual(inputOf('at:2027-01-05T09:00:00Z'), { at: '2027-01-05T09:00:00Z' });
    assert.deepEqual(sortKeys(['at:2027-01-05T09:00:00Z', 'before:PT0S', 'before:P1D', 'at:2027-01-01T09:00:00Z']), [
      'before:P1D',
      'before:PT0S',
      'at:2027-01-01T09:00:00Z',
      'at:2027-01-05T09:00:00Z',
    ]);
  });
  test('problems', () => {
    assert.equal(customProblem(4, 'weeks'), undefined);
    assert.match(customProblem(29, 'days')!, /4 weeks/);
    assert.match(customProblem(1.5, 'hours')!, /whole/);
    assert.match(remindersProblem(['before:PT0S'], false)!, /due date/);
    assert.equal(remindersProblem(['at:2027-01-05T09:00:00Z'], false), undefined);
    assert.match(remindersProblem(Array(6).fill('before:PT0S'), true)!, /at most 5/);
  });
});
