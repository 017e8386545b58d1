import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CorruptionError } from '../../src/engine/errors.js';
import { compareInternal, EntryKind } from '../../src/engine/types.js';
import { BlockBuilder } from '../../src/engine/sstable/block-builder.js';
import { BlockCursor, DataBlock } from '../../src/engine/sstable/block.js';
import { BLOCK_TRAILER_BYTES, MAX_SEQUENCE, verifyBlock, writeBlockTrailer } from '../../src/engine/sstable/format.js';
import { mulberry32 as rng } from '../support/prng.js';
import type { InternalIterator } from '../../src/engine/iterator/internal-iterator.js';
import { randomWalk, type ModelEntry } from '../iterator/walk.js';


interface Entry {
  key: string;
  seq: number;
  kind: EntryKind;
  value: Buffer;
}

const SEED = Number(process.env.TEST_SEED ?? 0x5eed);

/** Sorted entries over keys drawn from a small alphabet that includes \0 and \xff, 1-3 versions each. */
function randomEntries(random: () => number, count: number): Entry[] {
  const alphabet = ['\0', '\x01', 'a', 'b', 'k', '\x7f', '\x80', '\xfe', '\xff'];
  const keys = new Set<string>();
  while (keys.size < count) {
    let key = '';
    const length = Math.floor(random() * 12);
    for (let i = 0; i < length; i++) key += alphabet[Math.floor(random() * alphabet.length)];
    keys.add(key);
  }
  const entries: Entry[] = [];
  let seq = 1;
  for (const key of keys) {
    const versions = 1 + Math.floor(random() * 3);
    for (let v = 0; v < versions; v++) {
      const kind = random() < 0.2 ? EntryKind.Delete : EntryKind.Put;
      const value = kind === EntryKind.Put ? Buffer.from(`v${seq}`.repeat(Math.floor(random() * 5))) : Buffer.alloc(0);
      entries.push({ key, seq: seq++ * 7919 + (seq % 3 === 0 ? 2 ** 40 : 0), kind, value });
    }
  }
  entries.sort((a, b) => compareInternal(a.key, a.seq, b.key, b.seq));
  return entries;
}

function buildBlock(entries: Entry[], restartInterval: number): DataBlock {
  const builder = new BlockBuilder(restartInterval);
  for (const e of entries) builder.add(e.key, e.seq, e.kind, e.value);
  return new DataBlock(Buffer.from(builder.finish()), 'test.sst', 0);
}

/** Index of the first entry >= (key, seq) in the model, entries.length if none. */
function modelSeek(entries: Entry[], key: string, seq: number): number {
  let i = 0;
  while (i < entries.length && compareInternal(entries[i].key, entries[i].seq, key, seq) < 0) i++;
  return i;
}

function expectAt(cursor: BlockCursor, entries: Entry[], index: number, context: string): void {
  if (index === entries.length) {
    assert.is(cursor.valid, false, `${context}: expected end`);
    return;
  }
  const e = entries[index];
  assert.ok(cursor.valid, `${context}: expected entry ${index}`);
  assert.is(cursor.key, e.key, `${context}: key`);
  assert.is(cursor.seq, e.seq, `${context}: seq`);
  assert.is(cursor.kind, e.kind, `${context}: kind`);
  assert.ok(cursor.value.equals(e.value), `${context}: value`);
}

test('round trip: iteration returns every entry in order, with restart points every N entries', () => {
  for (const interval of [1, 2, 16]) {
    const entries = randomEntries(rng(SEED + interval), 300);
    const block = buildBlock(entries, interval);
    assert.is(block.numRestarts, Math.ceil(entries.length / interval), `restarts for interval ${interval}`);
    const cursor = new BlockCursor();
    cursor.reset(block);
    let i = 0;
    for (cursor.seekToFirst(); cursor.valid; cursor.next(), i++) expectAt(cursor, entries, i, `seed ${SEED} interval ${interval}`);
    assert.is(i, entries.length);
  }
});

test('seek to every entry, to every user key, and between keys agrees with a linear model', () => {
  const random = rng(SEED);
  const entries = randomEntries(random, 400);
  const block = buildBlock(entries, 16);
  const cursor = new BlockCursor();
  cursor.reset(block);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    cursor.seek(e.key, e.seq);
    expectAt(cursor, entries, i, `seed ${SEED} exact ${i}`);
    cursor.seek(e.key, MAX_SEQUENCE);
    expectAt(cursor, entries, modelSeek(entries, e.key, MAX_SEQUENCE), `seed ${SEED} newest of ${i}`);
    // Just past this entry's key: between this user key and the next one.
    cursor.seek(`${e.key}\0`, MAX_SEQUENCE);
    expectAt(cursor, entries, modelSeek(entries, `${e.key}\0`, MAX_SEQUENCE), `seed ${SEED} after ${i}`);
    // A snapshot between two versions.
    cursor.seek(e.key, e.seq - 1);
    expectAt(cursor, entries, modelSeek(entries, e.key, e.seq - 1), `seed ${SEED} older than ${i}`);
  }
  cursor.seek('', MAX_SEQUENCE);
  expectAt(cursor, entries, 0, 'seek to empty key');
  cursor.seek('\xff'.repeat(20), 0);
  expectAt(cursor, entries, entries.length, 'seek past the end');
});

test('seek with long, prefix-sharing keys and random targets agrees with the model', () => {
  // Keys up to ~600 bytes over a 3-letter alphabet: long shared prefixes, keys that are prefixes of
  // others, and keys that outgrow the cursor's initial key buffer mid-scan.
  const random = rng(SEED + 7);
  const pieces = ['a', 'b', '\xff'];
  const randomKey = (): string => {
    let key = 'p'.repeat(random() < 0.3 ? 300 : 0);
    const length = Math.floor(random() * (random() < 0.1 ? 300 : 8));
    for (let i = 0; i < length; i++) key += pieces[Math.floor(random() * pieces.length)];
    return key;
  };
  for (let round = 0; round < 20; round++) {
    const keys = new Set<string>();
    while (keys.size < 60) keys.add(randomKey());
    const entries: Entry[] = [];
    let seq = 1;
    for (const key of keys) {
      for (let v = 0; v < 1 + Math.floor(random() * 2); v++) entries.push({ key, seq: seq++, kind: EntryKind.Put, value: Buffer.from([seq & 0xff]) });
    }
    entries.sort((a, b) => compareInternal(a.key, a.seq, b.key, b.seq));
    const interval = 1 + Math.floor(random() * 20);
    const block = buildBlock(entries, interval);
    const cursor = new BlockCursor();
    for (let n = 0; n < 100; n++) {
      const target = random() < 0.5 ? entries[Math.floor(random() * entries.length)].key + (random() < 0.5 ? 'a' : '') : randomKey();
      const seq = random() < 0.5 ? MAX_SEQUENCE : Math.floor(random() * entries.length * 2);
      cursor.reset(block); // a fresh cursor state each time, as the reader's shared cursor sees it
      cursor.seek(target, seq);
      expectAt(cursor, entries, modelSeek(entries, target, seq), `seed ${SEED} round ${round} interval ${interval} seek #${n}`);
    }
  }
});

test('a block written before matches the documented bytes (golden)', () => {
  const builder = new BlockBuilder(2);
  builder.add('ab', 1, EntryKind.Put, Buffer.from('x'));
  builder.add('abc', 2 ** 24 + 3, EntryKind.Delete, Buffer.alloc(0));
  builder.add('b', 5, EntryKind.Put, Buffer.from('yz'));
  const bytes = builder.finish().toString('hex');
  const expected = [
    '00', '0a', '01', '6162', '0101000000000000', '78', // shared 0, nonShared 10, value 1: "ab" seq 1 Put, "x"
    '02', '09', '00', '63', '0003000001000000', // shared 2 ("ab"), "c" + trailer of seq 2^24+3 Delete
    '00', '09', '02', '62', '0105000000000000', '797a', // restart: "b" seq 5 Put, "yz"
    '00000000', '1a000000', '02000000', // restarts [0, 26], count 2
  ].join('');
  assert.is(bytes, expected);
});

test('empty block has one restart and no entries', () => {
  const block = buildBlock([], 16);
  const cursor = new BlockCursor();
  cursor.reset(block);
  cursor.seekToFirst();
  assert.is(cursor.valid, false);
  cursor.seek('a', 1);
  assert.is(cursor.valid, false);
});

test('a flipped bit anywhere in block or trailer is a CorruptionError naming file and offset', () => {
  const entries = randomEntries(rng(SEED + 1), 40);
  const builder = new BlockBuilder(16);
  for (const e of entries) builder.add(e.key, e.seq, e.kind, e.value);
  const contents = builder.finish();
  const raw = Buffer.alloc(contents.length + BLOCK_TRAILER_BYTES);
  contents.copy(raw);
  writeBlockTrailer(raw, 0, contents.length);
  const handle = { offset: 12345, size: contents.length };
  assert.ok(verifyBlock(raw, handle, 'f.sst').equals(contents), 'intact block verifies');
  for (let byte = 0; byte < raw.length; byte++) {
    for (const bit of [0, 7]) {
      raw[byte] ^= 1 << bit;
      try {
        verifyBlock(raw, handle, 'f.sst');
        assert.unreachable(`flip of byte ${byte} bit ${bit} not detected`);
      } catch (error) {
        assert.instance(error, CorruptionError);
        assert.is((error as CorruptionError).file, 'f.sst');
        assert.is((error as CorruptionError).offset, 12345);
      } finally {
        raw[byte] ^= 1 << bit;
      }
    }
  }
  assert.throws(() => verifyBlock(raw.subarray(0, raw.length - 1), handle, 'f.sst'), (e: unknown) => e instanceof CorruptionError);
});

test('structurally bad blocks that pass a checksum still fail loudly', () => {
  const isCorruption = (e: unknown): boolean => e instanceof CorruptionError && e.file === 'bad.sst' && e.offset === 99;
  // Restart count larger than the block can hold.
  assert.throws(() => new DataBlock(Buffer.from([0, 0, 0, 0, 9, 0, 0, 0]), 'bad.sst', 99), isCorruption);
  // Restart offset outside the entries.
  assert.throws(() => new DataBlock(Buffer.from([1, 2, 3, 4, 40, 0, 0, 0, 1, 0, 0, 0]), 'bad.sst', 99), isCorruption);
  // An entry whose value runs past the entries: shared 0, nonShared 9, value length 100.
  const entry = Buffer.from([0, 9, 100, 0x61, 1, 0, 0, 0, 0, 0, 0, 0]);
  const block = new DataBlock(Buffer.concat([entry, Buffer.from([0, 0, 0, 0, 1, 0, 0, 0])]), 'bad.sst', 99);
  const cursor = new BlockCursor();
  cursor.reset(block);
  assert.throws(() => cursor.seekToFirst(), isCorruption);
  assert.throws(() => cursor.seek('a', 1), isCorruption);
  // An entry claiming to share more bytes than the previous key has.
  const sharing = Buffer.from([5, 9, 0, 0x61, 1, 0, 0, 0, 0, 0, 0, 0]);
  const block2 = new DataBlock(Buffer.concat([sharing, Buffer.from([0, 0, 0, 0, 1, 0, 0, 0])]), 'bad.sst', 99);
  cursor.reset(block2);
  assert.throws(() => cursor.seekToFirst(), isCorruption);
  assert.throws(() => cursor.seekToLast(), isCorruption);
});

// ---- walking backwards ----

/** A cursor seen as an InternalIterator (its seek takes the sequence number explicitly). */
function asIterator(cursor: BlockCursor): InternalIterator {
  return {
    get valid() { return cursor.valid; },
    get key() { return cursor.key; },
    get seq() { return cursor.seq; },
    get kind() { return cursor.kind; },
    get value() { return cursor.value; },
    seekToFirst: () => cursor.seekToFirst(),
    seek: (key, seq) => cursor.seek(key, seq ?? MAX_SEQUENCE),
    next: () => cursor.next(),
    seekToLast: () => cursor.seekToLast(),
    seekBefore: (key) => cursor.seekBefore(key),
    prev: () => cursor.prev(),
  };
}

function toModel(entries: Entry[]): ModelEntry[] {
  return entries.map((e) => ({ key: e.key, seq: e.seq, kind: e.kind, value: e.value.toString('latin1') }));
}

test('backwards: every entry in reverse across restart points, for several intervals', () => {
  for (const interval of [1, 2, 3, 16, 1000]) {
    const entries = randomEntries(rng(SEED + 50 + interval), 300);
    const block = buildBlock(entries, interval);
    const cursor = new BlockCursor();
    cursor.reset(block);
    let i = entries.length - 1;
    for (cursor.seekToLast(); cursor.valid; cursor.prev(), i--) expectAt(cursor, entries, i, `seed ${SEED} interval ${interval} at ${i}`);
    assert.is(i, -1, `interval ${interval}: every entry`);
    // Forward again from the first entry after walking back: prev leaves a consistent cursor.
    cursor.seekToLast();
    for (let n = 0; n < 40; n++) cursor.prev();
    cursor.next();
    expectAt(cursor, entries, entries.length - 40, `interval ${interval}: next after prevs`);
  }
});

test('seekBefore to every user key and between keys agrees with the model', () => {
  const entries = randomEntries(rng(SEED + 60), 400);
  const block = buildBlock(entries, 16);
  const cursor = new BlockCursor();
  cursor.reset(block);
  const lastBelow = (key: string): number => {
    let i = entries.length - 1;
    while (i >= 0 && entries[i].key >= key) i--;
    return i;
  };
  for (const e of entries) {
    for (const target of [e.key, `${e.key}\0`, `${e.key}\xff`]) {
      cursor.seekBefore(target);
      const index = lastBelow(target);
      if (index < 0) assert.is(cursor.valid, false, `before ${JSON.stringify(target)}: nothing`);
      else expectAt(cursor, entries, index, `seed ${SEED} before ${JSON.stringify(target)}`);
    }
  }
  cursor.seekBefore('');
  assert.is(cursor.valid, false, 'nothing is below the empty key');
  cursor.seekBefore('\xff'.repeat(20));
  expectAt(cursor, entries, entries.length - 1, 'before a key past the end');
});

test('random walks over long, prefix-sharing keys agree with the model', async () => {
  // Keys past 32 bytes take the cursor's bulk-copy path, past 256 they grow its key buffer.
  const random = rng(SEED + 70);
  const pieces = ['a', 'b', '\xff', '\0'];
  const randomKey = (): string => {
    let key = 'p'.repeat(random() < 0.3 ? 300 : random() < 0.5 ? 40 : 0);
    const length = Math.floor(random() * 8);
    for (let i = 0; i < length; i++) key += pieces[Math.floor(random() * pieces.length)];
    return key;
  };
  for (let round = 0; round < 12; round++) {
    const keys = new Set<string>();
    while (keys.size < 80) keys.add(randomKey());
    const entries: Entry[] = [];
    let seq = 1;
    for (const key of keys) {
      for (let v = 0; v < 1 + Math.floor(random() * 3); v++) entries.push({ key, seq: seq++, kind: random() < 0.2 ? EntryKind.Delete : EntryKind.Put, value: Buffer.from([seq & 0xff]) });
    }
    entries.sort((a, b) => compareInternal(a.key, a.seq, b.key, b.seq));
    for (const e of entries) if (e.kind === EntryKind.Delete) e.value = Buffer.alloc(0);
    const interval = 1 + Math.floor(random() * 20);
    const cursor = new BlockCursor();
    cursor.reset(buildBlock(entries, interval));
    await randomWalk(asIterator(cursor), toModel(entries), random, { steps: 600, randomKey, context: `seed ${SEED} round ${round} interval ${interval}` });
  }
});

test('empty and one-entry blocks backwards', () => {
  const cursor = new BlockCursor();
  cursor.reset(buildBlock([], 16));
  cursor.seekToLast();
  assert.is(cursor.valid, false);
  cursor.seekBefore('z');
  assert.is(cursor.valid, false);
  const one: Entry[] = [{ key: 'k', seq: 3, kind: EntryKind.Put, value: Buffer.from('v') }];
  cursor.reset(buildBlock(one, 16));
  cursor.seekToLast();
  expectAt(cursor, one, 0, 'the only entry');
  cursor.prev();
  assert.is(cursor.valid, false);
  cursor.seekBefore('k');
  assert.is(cursor.valid, false);
  cursor.seekBefore('k\0');
  expectAt(cursor, one, 0, 'before a key after it');
});

test('a restart point that is not a whole-key entry fails loudly going backwards', () => {
  // Interval 4 over keys sharing a prefix: entries after a restart share bytes with their predecessor.
  const entries: Entry[] = [];
  for (let i = 0; i < 8; i++) entries.push({ key: `key${i}`, seq: 1, kind: EntryKind.Put, value: Buffer.from('v') });
  const good = buildBlock(entries, 4);
  const cursor = new BlockCursor();
  const data = Buffer.from(good.data);
  // Entry 1 shares "key" with entry 0; make it the second restart point. Entry 0 takes 16 bytes:
  // three one-byte varints, "key0" and its 8-byte trailer, a one-byte value.
  const secondEntry = 3 + 12 + 1;
  data.writeUInt32LE(secondEntry, good.restartsOffset + 4);
  const bad = new DataBlock(data, 'bad.sst', 7);
  cursor.reset(bad);
  assert.throws(() => cursor.seekToLast(), (e: unknown) => e instanceof CorruptionError && e.file === 'bad.sst');
});

test.run();
