/**
 * The partial quicksort (src/util/pqsort.ts): on random arrays with many ties, the window asked
 * for holds exactly what a full sort puts there (compared by key: equal keys may be swapped),
 * the whole array is still a permutation of the input, and a window covering everything sorts it
 * all. Where it puts ties is Redis' business: test/e2e/commands-sort.test.ts compares with Redis.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { partialQuicksort } from '../../src/util/pqsort.js';
import { mulberry32 } from '../support/prng.js';

interface Item {
  key: number;
  id: number;
}

const byKey = (a: Item, b: Item): number => a.key - b.key;

test('the window holds what a full sort puts there, and nothing is lost', () => {
  const random = mulberry32(12);
  for (let round = 0; round < 2000; round++) {
    const n = Math.floor(random() * 120);
    const distinct = 1 + Math.floor(random() * 10);
    const items: Item[] = Array.from({ length: n }, (_, id) => ({ key: Math.floor(random() * distinct), id }));
    const expected = [...items].sort(byKey).map((i) => i.key);
    const from = Math.floor(random() * (n + 2)) - 1;
    const to = Math.min(n - 1, from + Math.floor(random() * (n + 1)));
    const sorted = [...items];
    partialQuicksort(sorted, byKey, from, to);
    for (let i = Math.max(0, from); i <= to; i++) assert.is(sorted[i].key, expected[i], `round ${round}, index ${i}`);
    assert.equal(sorted.map((i) => i.id).sort((x, y) => x - y), items.map((i) => i.id));
  }
});

test('a window of everything sorts everything', () => {
  const random = mulberry32(7);
  const items: Item[] = Array.from({ length: 1000 }, (_, id) => ({ key: Math.floor(random() * 50), id }));
  partialQuicksort(items, byKey, 0, items.length - 1);
  for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].key <= items[i].key);
});

test.run();
