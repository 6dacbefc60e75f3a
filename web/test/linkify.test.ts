// descriptions: links found, everything else kept as text
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkify } from '@/lib/linkify';

test('text without links is one text segment', () => {
  assert.deepEqual(linkify('Milk, eggs\nand <b>bread</b>'), [{ text: 'Milk, eggs\nand <b>bread</b>' }]);
});

test('http and https addresses become links; punctuation after them stays text', () => {
  assert.deepEqual(linkify('See https://example.org/a?b=1. Then http://x.io'), [
    { text: 'See ' },
    { text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
    { text: '. Then ' },
    { text: 'http://x.io', href: 'http://x.io/' },
  ]);
  assert.deepEqual(linkify('(https://en.wikipedia.org/wiki/Ada_(name))'), [
    { text: '(' },
    { text: 'https://en.wikipedia.org/wiki/Ada_(name)', href: 'https://en.wikipedia.org/wiki/Ada_(name)' },
    { text: ')' },
  ]);
});

test('other schemes are never links', () => {
  assert.deepEqual(linkify('javascript:alert(1) data:text/html,x'), [{ text: 'javascript:alert(1) data:text/html,x' }]);
});
