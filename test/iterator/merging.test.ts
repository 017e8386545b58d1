import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Memtable } from '../../src/engine/memtable/memtable.js';
import { MergingIterator } from '../../src/engine/iterator/merging-iterator.js';
import type { InternalIterator } from '../../src/engine/iterator/internal-iterator.js';
import { EntryKind, compareInternal, type BinaryKey, type SequenceNumber } from '../../src/engine/types.js';
import { mulberry32 as prng } from '../support/prng.js';
import { drainBackward, lastBefore, randomWalk } from './walk.js';

interface Entry {
  key: BinaryKey;
  seq: SequenceNumber;
  kind: EntryKind;
  value: string;
}


const SEED = Number(process.env.TEST_SEED ?? 0xbeef);

function randomKey(random: () => number): BinaryKey {
  const length = 1 + Math.floor(random() * 3);
  let key = '';
  for (let i = 0; i < length; i++) key += String.fromCharCode([0, 0x61, 0x62, 0xff][Math.floor(random() * 4)]);
  return key;
}

/** Spreads `total` entries with unique sequence numbers over `sources` memtables. */
function buildSources(sources: number, total: number, random: () => number): { memtables: Memtable[]; model: Entry[] } {
  const memtables = Array.from({ length: sources }, () => new Memtable());
  const model: Entry[] = [];
  for (let seq = 1; seq <= total; seq++) {
    const key = randomKey(random);
    const kind = random() < 0.25 ? EntryKind.Delete : EntryKind.Put;
    const value = kind === EntryKind.Put ? `v${seq}` : '';
    memtables[Math.floor(random() * sources)].add(key, seq, kind, Buffer.from(value, 'latin1'));
    model.push({ key, seq, kind, value });
  }
  model.sort((a, b) => compareInternal(a.key, a.seq, b.key, b.seq));
  return { memtables, model };
}

/**
 * Wraps an iterator so that some moves complete asynchronously, as a table iterator's do when a
 * block has to be read; the position changes only when the promise settles.
 */
class SometimesAsync implements InternalIterator {
  constructor(
    private readonly inner: InternalIterator,
    private readonly random: () => number,
  ) {}
  get valid(): boolean { return this.inner.valid; }
  get key(): BinaryKey { return this.inner.key; }
  get seq(): SequenceNumber { return this.inner.seq; }
  get kind(): EntryKind { return this.inner.kind; }
  get value(): Buffer { return this.inner.value; }
  seekToFirst(): void | Promise<void> { return this.maybeLater(() => this.inner.seekToFirst()); }
  seek(key: BinaryKey, seq?: SequenceNumber): void | Promise<void> { return this.maybeLater(() => this.inner.seek(key, seq)); }
  next(): void | Promise<void> { return this.maybeLater(() => this.inner.next()); }
  seekToLast(): void | Promise<void> { return this.maybeLater(() => this.inner.seekToLast()); }
  seekBefore(key: BinaryKey): void | Promise<void> { return this.maybeLater(() => this.inner.seekBefore(key)); }
  prev(): void | Promise<void> { return this.maybeLater(() => this.inner.prev()); }
  private maybeLater(move: () => void | Promise<void>): void | Promise<void> {
    if (this.random() < 0.5) return move();
    return new Promise<void>((resolve) => setImmediate(() => { move(); resolve(); }));
  }
}

async function drain(it: InternalIterator): Promise<Entry[]> {
  const out: Entry[] = [];
  while (it.valid) {
    out.push({ key: it.key, seq: it.seq, kind: it.kind, value: it.value.toString('latin1') });
    const wait = it.next();
    if (wait) await wait;
  }
  return out;
}

function drainSync(it: InternalIterator): Entry[] {
  const out: Entry[] = [];
  while (it.valid) {
    out.push({ key: it.key, seq: it.seq, kind: it.kind, value: it.value.toString('latin1') });
    assert.is(it.next(), undefined, 'synchronous children must give a synchronous merge');
  }
  return out;
}

test('merging memtable iterators yields the sorted union', () => {
  for (const sources of [1, 2, 3, 7, 16]) {
    const random = prng(SEED + sources);
    const { memtables, model } = buildSources(sources, 3000, random);
    const merged = new MergingIterator(memtables.map((m) => m.iterator()));
    assert.is(merged.seekToFirst(), undefined);
    assert.equal(drainSync(merged), model, `sources=${sources} TEST_SEED=${SEED}`);
  }
});

test('seek positions at the first entry with key >= target across all children', () => {
  const random = prng(SEED);
  const { memtables, model } = buildSources(5, 2000, random);
  const merged = new MergingIterator(memtables.map((m) => m.iterator()));
  for (let i = 0; i < 500; i++) {
    const target = randomKey(random) + (random() < 0.3 ? '\0' : '');
    merged.seek(target);
    const index = model.findIndex((e) => e.key >= target);
    const expected = index < 0 ? [] : model.slice(index, index + 10);
    const got: Entry[] = [];
    while (merged.valid && got.length < 10) {
      got.push({ key: merged.key, seq: merged.seq, kind: merged.kind, value: merged.value.toString('latin1') });
      merged.next();
    }
    assert.equal(got, expected, `target ${JSON.stringify(target)} TEST_SEED=${SEED}`);
  }
});

test('asynchronous children: the merge waits for them and stays in order', async () => {
  const random = prng(SEED + 99);
  const { memtables, model } = buildSources(4, 1500, random);
  const merged = new MergingIterator(memtables.map((m) => new SometimesAsync(m.iterator(), random)));
  const wait = merged.seekToFirst();
  if (wait) await wait;
  assert.equal(await drain(merged), model, `TEST_SEED=${SEED}`);
  const again = merged.seek('b');
  if (again) await again;
  const index = model.findIndex((e) => e.key >= 'b');
  assert.equal(await drain(merged), model.slice(index));
});

test('empty children and no children', () => {
  const empty = new MergingIterator([]);
  empty.seekToFirst();
  assert.not.ok(empty.valid);
  const one = new Memtable();
  one.add('x', 1, EntryKind.Put, Buffer.from('1'));
  const merged = new MergingIterator([new Memtable().iterator(), one.iterator(), new Memtable().iterator()]);
  merged.seekToFirst();
  assert.equal(drainSync(merged), [{ key: 'x', seq: 1, kind: EntryKind.Put, value: '1' }]);
  merged.seek('y');
  assert.not.ok(merged.valid);
});

test('equal (key, seq) in two children: the earlier (newer) child comes first', () => {
  const newer = new Memtable();
  const older = new Memtable();
  newer.add('k', 5, EntryKind.Put, Buffer.from('newer'));
  older.add('k', 5, EntryKind.Put, Buffer.from('older'));
  older.add('j', 6, EntryKind.Put, Buffer.from('j'));
  const merged = new MergingIterator([older.iterator(), newer.iterator()].reverse());
  merged.seekToFirst();
  assert.equal(drainSync(merged).map((e) => e.value), ['j', 'newer', 'older']);
});

// ---- walking backwards ----

test('backwards: the sorted union reversed, with the same key in many children', async () => {
  for (const sources of [1, 2, 3, 7, 16]) {
    const random = prng(SEED + 1000 + sources);
    // randomKey draws from 3 lengths over 4 bytes: every key has versions in several children.
    const { memtables, model } = buildSources(sources, 3000, random);
    const merged = new MergingIterator(memtables.map((m) => m.iterator()));
    assert.is(merged.seekToLast(), undefined);
    const out: Entry[] = [];
    for (; merged.valid; assert.is(merged.prev(), undefined, 'synchronous children must give a synchronous merge')) {
      out.push({ key: merged.key, seq: merged.seq, kind: merged.kind, value: merged.value.toString('latin1') });
    }
    assert.equal(out, model.slice().reverse(), `sources=${sources} TEST_SEED=${SEED}`);
  }
});

test('seekBefore positions at the last entry with key < target across all children', () => {
  const random = prng(SEED + 5);
  const { memtables, model } = buildSources(5, 2000, random);
  const merged = new MergingIterator(memtables.map((m) => m.iterator()));
  for (let i = 0; i < 500; i++) {
    const target = randomKey(random) + (random() < 0.3 ? '\0' : '');
    merged.seekBefore(target);
    const index = lastBefore(model, target);
    const expected = model.slice(Math.max(0, index - 9), index + 1).reverse();
    const got: Entry[] = [];
    while (merged.valid && got.length < 10) {
      got.push({ key: merged.key, seq: merged.seq, kind: merged.kind, value: merged.value.toString('latin1') });
      merged.prev();
    }
    assert.equal(got, expected, `target ${JSON.stringify(target)} TEST_SEED=${SEED}`);
  }
});

test('random walks switch direction anywhere, with duplicate keys across children', async () => {
  for (const sources of [2, 3, 6]) {
    const random = prng(SEED + 2000 + sources);
    const { memtables, model } = buildSources(sources, 1200, random);
    const merged = new MergingIterator(memtables.map((m) => m.iterator()));
    await randomWalk(merged, model, random, { steps: 4000, randomKey: () => randomKey(random), context: `sources=${sources} TEST_SEED=${SEED}` });
  }
});

test('asynchronous children: reverse walks and direction switches wait for them', async () => {
  const random = prng(SEED + 3000);
  const { memtables, model } = buildSources(4, 1500, random);
  const merged = new MergingIterator(memtables.map((m) => new SometimesAsync(m.iterator(), random)));
  assert.equal(await drainBackward(merged), model.slice().reverse(), `TEST_SEED=${SEED}`);
  await randomWalk(merged, model, random, { steps: 3000, randomKey: () => randomKey(random), context: `async TEST_SEED=${SEED}` });
});

test('equal (key, seq) in two children: backwards is forwards reversed, across a switch too', () => {
  const first = new Memtable();
  const second = new Memtable();
  const third = new Memtable();
  first.add('k', 5, EntryKind.Put, Buffer.from('first'));
  second.add('k', 5, EntryKind.Put, Buffer.from('second'));
  third.add('k', 5, EntryKind.Put, Buffer.from('third'));
  second.add('j', 6, EntryKind.Put, Buffer.from('j'));
  third.add('l', 4, EntryKind.Put, Buffer.from('l'));
  const merged = new MergingIterator([first.iterator(), second.iterator(), third.iterator()]);
  merged.seekToFirst();
  const forward = drainSync(merged).map((e) => e.value);
  assert.equal(forward, ['j', 'first', 'second', 'third', 'l']);
  merged.seekToLast();
  const backward: string[] = [];
  for (; merged.valid; merged.prev()) backward.push(merged.value.toString('latin1'));
  assert.equal(backward, forward.slice().reverse());
  // Turn around on the middle tie, both ways.
  merged.seekToFirst();
  merged.next();
  merged.next();
  assert.is(merged.value.toString('latin1'), 'second');
  merged.prev();
  assert.is(merged.value.toString('latin1'), 'first');
  merged.next();
  assert.is(merged.value.toString('latin1'), 'second');
  merged.next();
  assert.is(merged.value.toString('latin1'), 'third');
  merged.prev();
  merged.prev();
  assert.is(merged.value.toString('latin1'), 'first');
});

test('empty children backwards', () => {
  const empty = new MergingIterator([]);
  empty.seekToLast();
  assert.not.ok(empty.valid);
  empty.seekBefore('x');
  assert.not.ok(empty.valid);
  const one = new Memtable();
  one.add('x', 1, EntryKind.Put, Buffer.from('1'));
  const merged = new MergingIterator([new Memtable().iterator(), one.iterator(), new Memtable().iterator()]);
  merged.seekBefore('x');
  assert.not.ok(merged.valid);
  merged.seekBefore('x\0');
  assert.is(merged.key, 'x');
  merged.prev();
  assert.not.ok(merged.valid);
});

test.run();
