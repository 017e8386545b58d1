import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Memtable, memtableKeyBytes, MEMTABLE_VERSION_OVERHEAD } from '../../src/engine/memtable/memtable.js';
import { KeyIndex, hashKey } from '../../src/engine/memtable/key-index.js';
import { EntryKind, compareInternal, type BinaryKey, type SequenceNumber } from '../../src/engine/types.js';
import { seededTest } from '../support/prng.js';

interface Version {
  seq: SequenceNumber;
  kind: EntryKind;
  value: string;
}
interface Entry extends Version {
  key: BinaryKey;
}


function withSeed(name: string, body: (random: () => number) => void): void {
  seededTest(test, name, 0xc4a1, body);
}

/** Few keys (so each gets many versions), sharing long prefixes past the 16 inlined bytes. */
function randomKey(random: () => number): BinaryKey {
  const short = ['', '\0', 'a', '\xff', 'cnt'];
  if (random() < 0.3) return short[Math.floor(random() * short.length)];
  return `prefix-longer-than-16:${Math.floor(random() * 40)}`;
}

function readAll(memtable: Memtable): Entry[] {
  const out: Entry[] = [];
  const it = memtable.iterator();
  for (it.seekToFirst(); it.valid; it.next()) out.push({ key: it.key, seq: it.seq, kind: it.kind, value: it.value.toString('latin1') });
  return out;
}

/** Reference model: per key, its versions newest first, with the memtable's overwrite rule. */
class Model {
  readonly versions = new Map<BinaryKey, Version[]>();
  bytes = 0;

  add(key: BinaryKey, seq: SequenceNumber, kind: EntryKind, value: string, overwrite: boolean): void {
    const stored = kind === EntryKind.Put ? value : '';
    let chain = this.versions.get(key);
    if (chain === undefined) {
      chain = [];
      this.versions.set(key, chain);
      this.bytes += memtableKeyBytes(key.length);
    } else if (overwrite && seq > chain[0].seq) {
      chain.length = 0;
    } else {
      this.bytes += MEMTABLE_VERSION_OVERHEAD;
    }
    this.bytes += stored.length;
    chain.push({ seq, kind, value: stored });
    chain.sort((a, b) => b.seq - a.seq);
  }

  get(key: BinaryKey, snapshot: SequenceNumber): Version | undefined {
    return this.versions.get(key)?.find((v) => v.seq <= snapshot);
  }

  sorted(): Entry[] {
    const all: Entry[] = [];
    for (const [key, chain] of this.versions) for (const v of chain) all.push({ key, ...v });
    return all.sort((a, b) => compareInternal(a.key, a.seq, b.key, b.seq));
  }
}

function assertMatchesModel(memtable: Memtable, model: Model, random: () => number, maxSeq: number): void {
  const expected = model.sorted();
  assert.equal(readAll(memtable), expected);
  assert.is(memtable.entries, expected.length);
  assert.is(memtable.keyCount, model.versions.size);
  assert.is(memtable.approximateBytes, model.bytes);
  for (let i = 0; i < 2000; i++) {
    const key = randomKey(random);
    const snapshot = Math.floor(random() * (maxSeq + 2));
    const want = model.get(key, snapshot);
    const found = memtable.get(key, snapshot);
    const where = `key ${JSON.stringify(key)} at snapshot ${snapshot}`;
    if (want === undefined) {
      assert.is(found, undefined, where);
    } else {
      assert.ok(found, where);
      assert.equal({ seq: found.seq, kind: found.kind, value: found.value.toString('latin1') }, want, where);
    }
  }
}

withSeed('version chains: out-of-order seqs, get at every snapshot, internal iteration order', (random) => {
  const memtable = new Memtable();
  const model = new Model();
  const count = 3000;
  const seqs = Array.from({ length: count }, (_, i) => i + 1);
  for (let i = seqs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [seqs[i], seqs[j]] = [seqs[j], seqs[i]];
  }
  for (const seq of seqs) {
    const key = randomKey(random);
    const kind = random() < 0.2 ? EntryKind.Delete : EntryKind.Put;
    const value = `v${seq}`.repeat(Math.floor(random() * 3));
    memtable.add(key, seq, kind, Buffer.from(value, 'latin1'));
    model.add(key, seq, kind, value, false);
  }
  assert.ok(model.versions.size < 60, 'keys must carry long chains');
  assertMatchesModel(memtable, model, random, count);
});

withSeed('ascending writes with random overwrite flags match a model of the overwrite rule', (random) => {
  const memtable = new Memtable();
  const model = new Model();
  let seq = 0;
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 800; i++) {
      const key = randomKey(random);
      const kind = random() < 0.15 ? EntryKind.Delete : EntryKind.Put;
      const value = 'x'.repeat(Math.floor(random() * 20));
      // Stretches without overwrite stand for times when a snapshot or iterator was alive.
      const overwrite = round % 2 === 1 && random() < 0.8;
      seq++;
      memtable.add(key, seq, kind, Buffer.from(value, 'latin1'), overwrite);
      model.add(key, seq, kind, value, overwrite);
    }
    assertMatchesModel(memtable, model, random, seq);
  }
});

test('overwrite rewrites the newest version in place, drops older ones, and counts the new value bytes', () => {
  const memtable = new Memtable();
  memtable.add('k', 1, EntryKind.Put, Buffer.from('one'));
  memtable.add('k', 2, EntryKind.Put, Buffer.from('two'));
  memtable.add('k', 3, EntryKind.Put, Buffer.from('three'));
  const old = memtable.get('k', 3)?.value;
  assert.is(memtable.entries, 3);
  const before = memtable.approximateBytes;
  assert.is(before, memtableKeyBytes(1) + 3 + 3 + 5 + 2 * MEMTABLE_VERSION_OVERHEAD);

  memtable.add('k', 4, EntryKind.Put, Buffer.from('four'), true);
  assert.is(memtable.entries, 1);
  assert.equal(readAll(memtable), [{ key: 'k', seq: 4, kind: EntryKind.Put, value: 'four' }]);
  assert.is(memtable.approximateBytes, before + 4, 'the overwritten value stays in the arena and is counted');
  assert.is(memtable.get('k', 3), undefined, 'older versions are gone');
  assert.is(old?.toString('latin1'), 'three', 'a value read before the overwrite is not clobbered');

  memtable.add('k', 5, EntryKind.Delete, Buffer.from('ignored'), true);
  assert.equal(readAll(memtable), [{ key: 'k', seq: 5, kind: EntryKind.Delete, value: '' }]);
  memtable.add('k', 6, EntryKind.Put, Buffer.alloc(0), true);
  assert.equal(memtable.get('k', 10), { kind: EntryKind.Put, seq: 6, value: Buffer.alloc(0) });
  assert.is(memtable.approximateBytes, before + 4);

  // Not newer than the newest version: an ordinary version, nothing dropped.
  memtable.add('k', 0.5, EntryKind.Put, Buffer.from('older'), true);
  assert.equal(readAll(memtable).map((e) => e.seq), [6, 0.5]);
  // A key not present yet: simply inserted.
  memtable.add('j', 7, EntryKind.Put, Buffer.from('jay'), true);
  assert.equal(readAll(memtable).map((e) => `${e.key}@${e.seq}`), ['j@7', 'k@6', 'k@0.5']);
  assert.is(memtable.smallestSeq, 0.5);
  assert.is(memtable.largestSeq, 7);
});

withSeed('the SET pattern keeps one version of the hot meta key', (random) => {
  const memtable = new Memtable();
  const written = new Map<BinaryKey, number>();
  let seq = 0;
  for (let i = 0; i < 5000; i++) {
    const key = `key:${String(Math.floor(random() * 2000)).padStart(12, '0')}`;
    const previous = memtable.get(key, seq);
    assert.is(previous?.value.readUInt32LE(0), written.get(key));
    const value = Buffer.alloc(100);
    value.writeUInt32LE(++seq, 0);
    memtable.add(key, seq, EntryKind.Put, value, true);
    written.set(key, seq);
    const count = Buffer.alloc(8);
    count.writeUInt32LE(written.size, 0);
    memtable.add('\0cnt', ++seq, EntryKind.Put, count, true);
  }
  assert.is(memtable.entries, written.size + 1);
  assert.is(memtable.get('\0cnt', seq)?.value.readUInt32LE(0), written.size);
  const all = readAll(memtable);
  assert.is(all.filter((e) => e.key === '\0cnt').length, 1);
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].key < all[i].key);
});

withSeed('an iterator stays ordered and complete while new keys and versions arrive', (random) => {
  const memtable = new Memtable();
  const model = new Model();
  let seq = 0;
  for (let i = 0; i < 1500; i++) {
    const key = randomKey(random);
    seq++;
    memtable.add(key, seq * 10, EntryKind.Put, Buffer.from(`v${seq}`));
    model.add(key, seq * 10, EntryKind.Put, `v${seq}`, false);
  }
  const before = model.sorted();
  const it = memtable.iterator();
  const seen: Entry[] = [];
  let added = 0;
  for (it.seekToFirst(); it.valid; it.next()) {
    seen.push({ key: it.key, seq: it.seq, kind: it.kind, value: it.value.toString('latin1') });
    for (let i = 0; i < 3; i++) {
      const roll = random();
      // a newer version of the current key, an older version slotted into some chain, or a new key
      // ((key, seq) pairs stay unique: `added` tells the older versions apart)
      const key = roll < 0.3 ? it.key : roll < 0.6 ? randomKey(random) : `${randomKey(random)}+${added}`;
      const newSeq = roll < 0.3 ? 1e9 + added : roll < 0.6 ? Math.floor(random() * 15000) * 10 + 5 + added / 1e6 : 2e9 + added;
      memtable.add(key, newSeq, EntryKind.Put, Buffer.from('new'));
      added++;
    }
  }
  for (let i = 1; i < seen.length; i++) {
    assert.ok(compareInternal(seen[i - 1].key, seen[i - 1].seq, seen[i].key, seen[i].seq) < 0, `out of order at ${i}`);
  }
  const original = new Set(before.map((e) => `${e.key}@${e.seq}`));
  assert.equal(seen.filter((e) => original.has(`${e.key}@${e.seq}`)), before);
  assert.is(readAll(memtable).length, before.length + added);
});

withSeed('seek lands on the newest version of the first key >= target, across chains', (random) => {
  const memtable = new Memtable();
  const model = new Model();
  for (let seq = 1; seq <= 2000; seq++) {
    const key = randomKey(random);
    memtable.add(key, seq, EntryKind.Put, Buffer.from(String(seq)));
    model.add(key, seq, EntryKind.Put, String(seq), false);
  }
  const sorted = model.sorted();
  const it = memtable.iterator();
  for (let i = 0; i < 500; i++) {
    const target = random() < 0.5 ? randomKey(random) : `${randomKey(random)}${String.fromCharCode(Math.floor(random() * 256))}`;
    it.seek(target);
    const index = sorted.findIndex((e) => e.key >= target);
    if (index < 0) {
      assert.not.ok(it.valid);
      continue;
    }
    for (let step = 0; step < 4 && index + step < sorted.length; step++, it.next()) {
      assert.is(`${it.key}@${it.seq}`, `${sorted[index + step].key}@${sorted[index + step].seq}`);
    }
  }
});

withSeed('key index: forced hash collisions, growth, and absent keys', (random) => {
  const index = new KeyIndex();
  const keys: BinaryKey[] = [];
  for (let i = 0; i < 5000; i++) keys.push(`k${i}:${Math.floor(random() * 1e9)}`);
  // Every fourth key shares one hash, so probing must walk past equal hashes and compare keys.
  const hashOf = (key: BinaryKey, i: number): number => (i % 4 === 0 ? 12345 : hashKey(key));
  keys.forEach((key, i) => {
    assert.is(index.find(key, hashOf(key, i)), -1);
    assert.is(index.insert(key, hashOf(key, i)), i);
  });
  assert.is(index.size, keys.length);
  keys.forEach((key, i) => assert.is(index.find(key, hashOf(key, i)), i));
  assert.is(index.find('absent', 12345), -1);
  assert.is(index.find('absent', hashKey('absent')), -1);
  // The hash reads every byte: keys differing only at either end or in length hash apart.
  const probes = ['', '\0', '\0\0', 'a', 'b', 'ab', 'ba', 'abcd', 'abce', 'xbcd', 'abcde', 'abcdf', '\xffabcd', 'abcd\xff'];
  assert.is(new Set(probes.map(hashKey)).size, probes.length);
});

test.run();
