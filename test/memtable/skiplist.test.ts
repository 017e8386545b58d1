import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Memtable, memtableKeyBytes, MEMTABLE_VERSION_OVERHEAD } from '../../src/engine/memtable/memtable.js';
import { EntryKind, compareInternal, type BinaryKey, type SequenceNumber } from '../../src/engine/types.js';
import { mulberry32, seededTest } from '../support/prng.js';
import { drainBackward, lastBefore, randomWalk } from '../iterator/walk.js';

interface ModelEntry {
  key: BinaryKey;
  seq: SequenceNumber;
  kind: EntryKind;
  value: string;
}


function withSeed(name: string, body: (random: () => number) => void): void {
  seededTest(test, name, 0x5eed, body);
}

/** Keys over a tiny alphabet that includes \0 and \xff, so many keys share prefixes and bytes at the extremes. */
function randomKey(random: () => number): BinaryKey {
  const alphabet = ['\0', '\x01', 'a', 'b', '\x7f', '\x80', '\xfe', '\xff'];
  const length = Math.floor(random() * 4);
  let key = '';
  for (let i = 0; i < length; i++) key += alphabet[Math.floor(random() * alphabet.length)];
  return key;
}

function shuffledSeqs(count: number, random: () => number): number[] {
  const seqs = Array.from({ length: count }, (_, i) => i + 1);
  for (let i = seqs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [seqs[i], seqs[j]] = [seqs[j], seqs[i]];
  }
  return seqs;
}

function fill(memtable: Memtable, count: number, random: () => number): ModelEntry[] {
  const model: ModelEntry[] = [];
  for (const seq of shuffledSeqs(count, random)) {
    const key = randomKey(random);
    const kind = random() < 0.2 ? EntryKind.Delete : EntryKind.Put;
    const value = kind === EntryKind.Put ? `v${seq}`.repeat(Math.floor(random() * 3)) : '';
    memtable.add(key, seq, kind, Buffer.from(value, 'latin1'));
    model.push({ key, seq, kind, value });
  }
  model.sort((a, b) => compareInternal(a.key, a.seq, b.key, b.seq));
  return model;
}

function readAll(memtable: Memtable): ModelEntry[] {
  const out: ModelEntry[] = [];
  const it = memtable.iterator();
  for (it.seekToFirst(); it.valid; it.next()) {
    out.push({ key: it.key, seq: it.seq, kind: it.kind, value: it.value.toString('latin1') });
  }
  return out;
}

/**
 * Keys around the 256 bytes a node holds inline: long shared heads (so words tie up to and past
 * the limit), lengths on both sides of it and of a word boundary, and bytes at the extremes.
 */
function longKey(random: () => number): BinaryKey {
  const heads = ['', 'm'.repeat(24), 'h'.repeat(250), 'h'.repeat(256), 'h'.repeat(300)];
  const alphabet = ['\0', 'a', '\xff'];
  let key = heads[Math.floor(random() * heads.length)];
  const tail = Math.floor(random() * 10);
  for (let i = 0; i < tail; i++) key += alphabet[Math.floor(random() * alphabet.length)];
  return key;
}

withSeed('keys longer than the inline words and keys that are prefixes of others order by byte', (random) => {
  const memtable = new Memtable();
  const keys = new Set<BinaryKey>();
  for (let seq = 1; seq <= 3000; seq++) {
    const key = longKey(random);
    keys.add(key);
    memtable.add(key, seq, EntryKind.Put, Buffer.from('v'));
  }
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const seen: BinaryKey[] = [];
  const it = memtable.iterator();
  for (it.seekToFirst(); it.valid; it.next()) if (seen[seen.length - 1] !== it.key) seen.push(it.key);
  assert.equal(seen, sorted);
  for (let i = 0; i < 500; i++) {
    const target = longKey(random);
    it.seek(target);
    const expected = sorted.find((key) => key >= target);
    if (expected === undefined) assert.not.ok(it.valid);
    else assert.is(it.key, expected);
  }
});

withSeed('iteration matches a sorted model; counters and byte accounting', (random) => {
  const memtable = new Memtable();
  assert.is(memtable.entries, 0);
  assert.not.ok(memtable.iterator().valid);
  const model = fill(memtable, 4000, random);
  assert.equal(readAll(memtable), model);
  assert.is(memtable.entries, 4000);
  assert.is(memtable.smallestSeq, 1);
  assert.is(memtable.largestSeq, 4000);
  // Each distinct key pays its bytes and the entry overhead once; every version its value bytes.
  const distinctKeys = new Set(model.map((e) => e.key));
  assert.is(memtable.keyCount, distinctKeys.size);
  const keyBytes = [...distinctKeys].reduce((sum, key) => sum + memtableKeyBytes(key.length), 0);
  const versionBytes = model.reduce((sum, e) => sum + e.value.length, 0) + (model.length - distinctKeys.size) * MEMTABLE_VERSION_OVERHEAD;
  assert.is(memtable.approximateBytes, keyBytes + versionBytes);
});

withSeed('get returns the newest version at or below the snapshot', (random) => {
  const memtable = new Memtable();
  const model = fill(memtable, 3000, random);
  for (let i = 0; i < 5000; i++) {
    const key = randomKey(random);
    const snapshot = Math.floor(random() * 3200);
    const expected = model.find((e) => e.key === key && e.seq <= snapshot);
    const found = memtable.get(key, snapshot);
    if (expected === undefined) {
      assert.is(found, undefined, `key ${JSON.stringify(key)} at ${snapshot}`);
    } else {
      assert.ok(found, `key ${JSON.stringify(key)} at ${snapshot}`);
      assert.equal(
        { key, seq: found.seq, kind: found.kind, value: found.value.toString('latin1') },
        expected,
      );
    }
  }
});

withSeed('seek lands on the newest version of the first key >= target', (random) => {
  const memtable = new Memtable();
  const model = fill(memtable, 2000, random);
  const it = memtable.iterator();
  for (let i = 0; i < 2000; i++) {
    const target = randomKey(random);
    it.seek(target);
    const index = model.findIndex((e) => e.key >= target);
    if (index < 0) {
      assert.not.ok(it.valid);
      continue;
    }
    assert.ok(it.valid);
    assert.is(it.key, model[index].key);
    assert.is(it.seq, model[index].seq);
    // and iteration continues in order from there
    for (let step = 1; step < 5 && index + step < model.length; step++) {
      it.next();
      assert.is(it.key, model[index + step].key);
      assert.is(it.seq, model[index + step].seq);
    }
  }
});

withSeed('an iterator stays correct while inserts continue', (random) => {
  const memtable = new Memtable();
  const before = fill(memtable, 1500, random);
  const it = memtable.iterator();
  it.seekToFirst();
  const seen: ModelEntry[] = [];
  let nextSeq = 100_000;
  while (it.valid) {
    seen.push({ key: it.key, seq: it.seq, kind: it.kind, value: it.value.toString('latin1') });
    // insert a few entries around the current position (before, at, and after it)
    for (let i = 0; i < 3; i++) {
      const key = random() < 0.3 ? it.key : randomKey(random);
      memtable.add(key, nextSeq++, EntryKind.Put, Buffer.from('new'));
    }
    it.next();
  }
  for (let i = 1; i < seen.length; i++) {
    const order = compareInternal(seen[i - 1].key, seen[i - 1].seq, seen[i].key, seen[i].seq);
    assert.ok(order < 0, `iteration out of order at ${i}`);
  }
  // every entry present when iteration started must have been seen
  const seenOld = seen.filter((e) => e.seq < 100_000);
  assert.equal(seenOld, before);
  // and the memtable as a whole is still consistent
  const all = readAll(memtable);
  assert.is(all.length, 1500 + (nextSeq - 100_000));
});

withSeed('ascending appends (the fast path) mixed with random inserts keep search correct', (random) => {
  const memtable = new Memtable();
  const model: ModelEntry[] = [];
  let seq = 1;
  for (let i = 0; i < 3000; i++) {
    // mostly ascending keys, sometimes a key anywhere, sometimes a new version of the last key
    const roll = random();
    const key = roll < 0.7 ? `k${String(i).padStart(6, '0')}` : roll < 0.85 ? `k${String(Math.floor(random() * i)).padStart(6, '0')}x` : model.length > 0 ? model[model.length - 1].key : 'k';
    memtable.add(key, seq, EntryKind.Put, Buffer.from(String(seq)));
    model.push({ key, seq, kind: EntryKind.Put, value: String(seq) });
    seq++;
  }
  const sorted = model.slice().sort((a, b) => compareInternal(a.key, a.seq, b.key, b.seq));
  assert.equal(readAll(memtable), sorted);
  const it = memtable.iterator();
  for (const probe of model) {
    assert.is(memtable.get(probe.key, probe.seq)?.seq, probe.seq);
    it.seek(probe.key);
    assert.is(it.key, probe.key);
    assert.is(it.seq, sorted.find((e) => e.key === probe.key)?.seq);
  }
});

test('binary keys order by byte, including empty, \\0 and \\xff', () => {
  const memtable = new Memtable();
  const keys = ['\xff\xff', 'a', '\0', '', 'a\0', '\xff', '\0\0', 'a\xff', '\x80'];
  keys.forEach((key, i) => memtable.add(key, i + 1, EntryKind.Put, Buffer.from([i])));
  const order = readAll(memtable).map((e) => e.key);
  assert.equal(order, ['', '\0', '\0\0', 'a', 'a\0', 'a\xff', '\x80', '\xff', '\xff\xff']);
  assert.equal(memtable.get('\0', 100)?.value, Buffer.from([2]));
  assert.is(memtable.get('\0\x01', 100), undefined);
});

test('versions of one key come newest first; deletes read back with an empty value', () => {
  const memtable = new Memtable();
  memtable.add('k', 5, EntryKind.Put, Buffer.from('five'));
  memtable.add('k', 9, EntryKind.Delete, Buffer.from('ignored'));
  memtable.add('k', 7, EntryKind.Put, Buffer.from('seven'));
  assert.equal(readAll(memtable).map((e) => e.seq), [9, 7, 5]);
  assert.is(memtable.get('k', 4), undefined);
  assert.is(memtable.get('k', 6)?.value.toString('latin1'), 'five');
  assert.is(memtable.get('k', 8)?.value.toString('latin1'), 'seven');
  const deleted = memtable.get('k', 100);
  assert.is(deleted?.kind, EntryKind.Delete);
  assert.is(deleted?.value.length, 0);
  assert.is(memtable.smallestSeq, 5);
  assert.is(memtable.largestSeq, 9);
});

test('values are copied: the caller may reuse its buffer; large values survive', () => {
  const memtable = new Memtable();
  const scratch = Buffer.from('original');
  memtable.add('a', 1, EntryKind.Put, scratch);
  scratch.write('CHANGED!');
  const big = Buffer.alloc(600 * 1024, 0xab);
  big[big.length - 1] = 1;
  memtable.add('b', 2, EntryKind.Put, big);
  for (let i = 0; i < 3000; i++) memtable.add(`c${i}`, 3 + i, EntryKind.Put, Buffer.alloc(500, i & 0xff));
  assert.is(memtable.get('a', 10)?.value.toString('latin1'), 'original');
  assert.ok(memtable.get('b', 10)?.value.equals(big));
  for (let i = 0; i < 3000; i += 97) assert.ok(memtable.get(`c${i}`, 1e9)?.value.equals(Buffer.alloc(500, i & 0xff)));
});

// ---- walking backwards ----

withSeed('backwards from the last entry: the model reversed, versions oldest first', (random) => {
  const memtable = new Memtable();
  const it = memtable.iterator();
  it.seekToLast();
  assert.not.ok(it.valid, 'empty memtable');
  it.seekBefore('\xff\xff');
  assert.not.ok(it.valid);
  const model = fill(memtable, 4000, random);
  it.seekToLast();
  const out: ModelEntry[] = [];
  for (; it.valid; it.prev()) out.push({ key: it.key, seq: it.seq, kind: it.kind, value: it.value.toString('latin1') });
  assert.equal(out, model.slice().reverse());
});

withSeed('seekBefore lands on the oldest version of the last key < target, then walks back', (random) => {
  const memtable = new Memtable();
  const model = fill(memtable, 2000, random);
  const it = memtable.iterator();
  for (let i = 0; i < 2000; i++) {
    const target = randomKey(random) + (random() < 0.3 ? '\0' : '');
    it.seekBefore(target);
    const index = lastBefore(model, target);
    for (let step = 0; step < 6; step++) {
      if (index - step < 0) {
        assert.not.ok(it.valid, `target ${JSON.stringify(target)}`);
        break;
      }
      assert.equal({ key: it.key, seq: it.seq }, { key: model[index - step].key, seq: model[index - step].seq }, `target ${JSON.stringify(target)}`);
      it.prev();
    }
  }
});

test('random walks with seeks of every kind and direction changes agree with the model', async () => {
  for (const seed of [1, 2, 3, 4]) {
    const random = mulberry32(seed + Number(process.env.TEST_SEED ?? 0));
    const memtable = new Memtable();
    const model = fill(memtable, 1500, random);
    await randomWalk(memtable.iterator(), model, random, { steps: 3000, randomKey: () => randomKey(random), context: `seed ${seed}` });
  }
});

test('a long version chain is walked back in order (a hot key under a snapshot)', async () => {
  const memtable = new Memtable();
  memtable.add('a', 1, EntryKind.Put, Buffer.from('a'));
  for (let seq = 2; seq < 5002; seq++) memtable.add('hot', seq, EntryKind.Put, Buffer.from(String(seq)));
  memtable.add('z', 6000, EntryKind.Put, Buffer.from('z'));
  const out = await drainBackward(memtable.iterator());
  assert.is(out.length, 5002);
  assert.is(out[0].key, 'z');
  assert.equal(out.slice(1, 4).map((e) => e.seq), [2, 3, 4]);
  assert.equal(out.slice(-2).map((e) => e.key), ['hot', 'a']);
  // Turning around in the middle of the chain: forward is newest first, backward oldest first.
  const it = memtable.iterator();
  it.seek('hot', 3000);
  assert.is(it.seq, 3000);
  it.next();
  assert.is(it.seq, 2999);
  it.prev();
  it.prev();
  assert.is(it.seq, 3001);
  it.seek('hot', 0);
  assert.is(it.key, 'z', 'no version of hot at or below 0: the next key');
});

withSeed('nodesBefore hands out the keys just before a target, ascending, however small its buffer', (random) => {
  const memtable = new Memtable();
  fill(memtable, 3000, random);
  const keys = [...new Set(readAll(memtable).map((e) => e.key))];
  for (const size of [1, 2, 3, 32]) {
    const out = new Int32Array(size);
    for (let i = 0; i < 500; i++) {
      const target = randomKey(random) + (random() < 0.3 ? '\0' : '');
      const count = memtable.nodesBefore(target, out);
      const below = keys.filter((k) => k < target);
      const got = Array.from(out.subarray(0, count), (node) => memtable.keyAt(node));
      if (below.length === 0) {
        assert.is(count, 0, `nothing below ${JSON.stringify(target)}`);
        continue;
      }
      assert.ok(count >= 1 && count <= size, `count ${count} for buffer ${size}`);
      assert.equal(got, below.slice(below.length - count), `buffer ${size}, target ${JSON.stringify(target)}`);
    }
  }
});

test('walking backwards while inserts continue sees every entry present at the start', () => {
  const random = mulberry32(77);
  const memtable = new Memtable();
  const before = fill(memtable, 1500, random);
  const it = memtable.iterator();
  it.seekToLast();
  const seen: ModelEntry[] = [];
  let nextSeq = 100_000;
  while (it.valid) {
    seen.push({ key: it.key, seq: it.seq, kind: it.kind, value: it.value.toString('latin1') });
    for (let i = 0; i < 3; i++) {
      const key = random() < 0.3 ? it.key : randomKey(random);
      memtable.add(key, nextSeq++, EntryKind.Put, Buffer.from('new'));
    }
    it.prev();
  }
  for (let i = 1; i < seen.length; i++) {
    assert.ok(compareInternal(seen[i - 1].key, seen[i - 1].seq, seen[i].key, seen[i].seq) > 0, `out of order at ${i}`);
  }
  assert.equal(seen.filter((e) => e.seq < 100_000), before.slice().reverse());
});

test.run();
