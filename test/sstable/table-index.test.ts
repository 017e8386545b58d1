import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CorruptionError } from '../../src/engine/errors.js';
import { compareInternal, EntryKind } from '../../src/engine/types.js';
import { writeVarint } from '../../src/util/varint.js';
import { BlockBuilder } from '../../src/engine/sstable/block-builder.js';
import { MAX_SEQUENCE } from '../../src/engine/sstable/format.js';
import { TableIndex } from '../../src/engine/sstable/table-index.js';
import { BlockCache } from '../../src/engine/cache/block-cache.js';
import { INDEX_PARTITION_ENTRIES, type MetaSource, PartitionedIndex } from '../../src/engine/sstable/table-meta.js';
import { mulberry32 as rng } from '../support/prng.js';

interface Sep {
  key: string;
  seq: number;
}

/** Encodes an index block as the table builder does (restart interval 1), handles of contiguous 100-byte blocks. */
function indexBlock(seps: Sep[], blockSize = 100): { data: Buffer; dataEnd: number } {
  const builder = new BlockBuilder(1);
  const value = Buffer.alloc(20);
  let offset = 0;
  for (const s of seps) {
    const end = writeVarint(value, writeVarint(value, 0, offset), blockSize);
    builder.add(s.key, s.seq, EntryKind.Put, value.subarray(0, end));
    offset += blockSize + 5;
  }
  return { data: Buffer.from(builder.finish()), dataEnd: offset };
}

/** The answer by definition: first separator not below (key, seq) in internal order. */
function modelFind(seps: Sep[], key: string, seq: number): number {
  let i = 0;
  while (i < seps.length && compareInternal(seps[i].key, seps[i].seq, key, seq) < 0) i++;
  return i;
}

function decode(seps: Sep[]): TableIndex {
  const { data, dataEnd } = indexBlock(seps);
  return TableIndex.decode(data, 'test.sst', 0, dataEnd);
}

test('an empty index finds nothing and costs no key bytes', () => {
  const index = decode([]);
  assert.is(index.count, 0);
  assert.is(index.find('', MAX_SEQUENCE), 0);
  assert.is(index.find('anything', 1), 0);
  assert.is(index.byteSize, 0);
});

test('first and last key, keys between and beyond separators', () => {
  const seps: Sep[] = [
    { key: 'b', seq: MAX_SEQUENCE },
    { key: 'd', seq: 7 },
    { key: 'f', seq: MAX_SEQUENCE },
  ];
  const index = decode(seps);
  assert.is(index.count, 3);
  assert.is(index.find('a', MAX_SEQUENCE), 0, 'before the first separator');
  assert.is(index.find('b', MAX_SEQUENCE), 0, 'equal to the first separator');
  assert.is(index.find('b', 5), 1, 'older version of the first separator: past it (seq descending)');
  assert.is(index.find('c', 1), 1, 'between blocks');
  assert.is(index.find('d', 9), 1, 'newer than the separator seq: that block');
  assert.is(index.find('d', 7), 1, 'exactly the separator');
  assert.is(index.find('d', 6), 2, 'older than the separator seq: next block');
  assert.is(index.find('f', MAX_SEQUENCE), 2, 'the last separator');
  assert.is(index.find('g', MAX_SEQUENCE), 3, 'after the last separator: none');
  assert.is(index.find('', MAX_SEQUENCE), 0, 'the empty key');
  for (let i = 0; i < 3; i++) {
    assert.is(index.separator(i), seps[i].key);
    assert.is(index.separatorSeq(i), seps[i].seq);
    assert.is(index.blockOffset(i), i * 105);
    assert.is(index.blockSize(i), 100);
  }
});

test('prefixes: a shorter key sorts before its extensions', () => {
  const seps: Sep[] = [
    { key: 'ab', seq: MAX_SEQUENCE },
    { key: 'abc', seq: MAX_SEQUENCE },
    { key: 'abd', seq: 3 },
  ];
  const index = decode(seps);
  for (const key of ['a', 'ab', 'ab\0', 'abb', 'abc', 'abc\0', 'abd', 'abe', 'b']) {
    for (const seq of [1, 3, 4, MAX_SEQUENCE]) assert.is(index.find(key, seq), modelFind(seps, key, seq), `${JSON.stringify(key)}@${seq}`);
  }
});

test('binary bytes and long keys', () => {
  const long = 'L'.repeat(5000);
  const seps: Sep[] = [
    { key: '\0', seq: MAX_SEQUENCE },
    { key: '\0\0\xff', seq: 2 },
    { key: `${long}\x7f`, seq: MAX_SEQUENCE },
    { key: `${long}\x80`, seq: 9 },
    { key: '\xff\xfe', seq: MAX_SEQUENCE },
    { key: '\xff\xff\xff', seq: 1 },
  ];
  const index = decode(seps);
  assert.is(index.separator(2), seps[2].key, 'a 5,000-byte separator survives whole');
  const probes = ['', '\0', '\0\0', '\0\0\xff', '\x01', long, `${long}\x7f`, `${long}\x7f\0`, `${long}\x80`, `${long}\x81`, '\xff', '\xff\xfe', '\xff\xff', '\xff\xff\xff', '\xff\xff\xff\xff'];
  for (const key of probes) {
    for (const seq of [0, 1, 2, 3, 9, 10, MAX_SEQUENCE]) assert.is(index.find(key, seq), modelFind(seps, key, seq), `${JSON.stringify(key.slice(-4))}@${seq}`);
  }
});

test('random separators: find agrees with the definition', () => {
  const random = rng(0x1dec5);
  for (let round = 0; round < 30; round++) {
    const n = Math.floor(random() * 300);
    const keys = new Set<string>();
    while (keys.size < n) {
      const length = Math.floor(random() * 12);
      let key = '';
      for (let i = 0; i < length; i++) key += String.fromCharCode(random() < 0.5 ? 97 + Math.floor(random() * 3) : Math.floor(random() * 256));
      keys.add(key);
    }
    const seps = [...keys].sort().map((key) => ({ key, seq: random() < 0.5 ? MAX_SEQUENCE : 1 + Math.floor(random() * 100) }));
    const index = decode(seps);
    assert.is(index.count, n);
    for (let probe = 0; probe < 200; probe++) {
      const key = probe % 3 === 0 && n > 0 ? seps[Math.floor(random() * n)].key : String.fromCharCode(97 + Math.floor(random() * 3), Math.floor(random() * 256));
      const seq = random() < 0.3 ? MAX_SEQUENCE : Math.floor(random() * 102);
      assert.is(index.find(key, seq), modelFind(seps, key, seq), `round ${round}: ${JSON.stringify(key)}@${seq}`);
    }
  }
});

test('byteSize is the separators plus 24 bytes an entry', () => {
  const seps = Array.from({ length: 1000 }, (_, i) => ({ key: `key:${String(i).padStart(8, '0')}`, seq: MAX_SEQUENCE }));
  assert.is(decode(seps).byteSize, 1000 * (12 + 24));
});

test('handles out of order or past the data area are corruption', () => {
  const seps = [
    { key: 'a', seq: 1 },
    { key: 'b', seq: 1 },
  ];
  const { data, dataEnd } = indexBlock(seps);
  assert.throws(() => TableIndex.decode(data, 'x.sst', 77, dataEnd - 1), (e: unknown) => e instanceof CorruptionError && /points outside/.test(String(e)));
  const builder = new BlockBuilder(1);
  const value = Buffer.alloc(20);
  builder.add('a', 1, EntryKind.Put, value.subarray(0, writeVarint(value, writeVarint(value, 0, 500), 10)));
  builder.add('b', 1, EntryKind.Put, value.subarray(0, writeVarint(value, writeVarint(value, 0, 0), 10)));
  assert.throws(() => TableIndex.decode(Buffer.from(builder.finish()), 'x.sst', 77, 10_000), (e: unknown) => e instanceof CorruptionError);
  const bad = new BlockBuilder(1);
  bad.add('a', 1, EntryKind.Put, Buffer.from([0x80]));
  assert.throws(() => TableIndex.decode(Buffer.from(bad.finish()), 'x.sst', 77, 10_000), (e: unknown) => e instanceof CorruptionError && /bad block handle/.test(String(e)));
});

/** A partitioned index over an index block that "lives" at file offset 1000 of a fake file. */
function partitioned(seps: Sep[], cache: BlockCache, reads: { n: number }): PartitionedIndex {
  const { data, dataEnd } = indexBlock(seps);
  const base = 1000;
  const source: MetaSource = {
    fileNumber: 9,
    path: 'p.sst',
    cache,
    read: (offset, length) => {
      reads.n++;
      return Buffer.from(data.subarray(offset - base, offset - base + length));
    },
  };
  return new PartitionedIndex(data, TableIndex.decode(data, 'p.sst', base, dataEnd), base, dataEnd, source);
}

test('partitioned index: same answers as the whole index at every partition boundary', () => {
  const random = rng(0xa27);
  for (const n of [0, 1, INDEX_PARTITION_ENTRIES - 1, INDEX_PARTITION_ENTRIES, INDEX_PARTITION_ENTRIES + 1, 3 * INDEX_PARTITION_ENTRIES, 1000]) {
    const seps = Array.from({ length: n }, (_, i) => ({ key: `k\xff${String(i * 2).padStart(6, '0')}`, seq: i % 3 === 0 ? 5 : MAX_SEQUENCE }));
    const whole = decode(seps);
    const reads = { n: 0 };
    const cache = new BlockCache(1 << 20);
    const parts = partitioned(seps, cache, reads);
    assert.is(parts.count, n);
    for (let i = 0; i < n; i++) {
      assert.is(parts.blockOffset(i), whole.blockOffset(i), `offset ${i} of ${n}`);
      assert.is(parts.blockSize(i), whole.blockSize(i));
    }
    assert.is(reads.n, Math.ceil(n / INDEX_PARTITION_ENTRIES), 'each partition read once, then cached');
    for (let probe = 0; probe < 500; probe++) {
      const k = Math.floor(random() * (2 * n + 2)) - 1;
      const key = k < 0 ? '' : `k\xff${String(k).padStart(6, '0')}`;
      const seq = [1, 5, 6, MAX_SEQUENCE][probe % 4];
      assert.is(parts.find(key, seq), whole.find(key, seq), `${n} entries: ${JSON.stringify(key)}@${seq}`);
    }
    assert.is(parts.find('\xff', MAX_SEQUENCE), n, 'past the last separator');
    cache.clear();
    const before = reads.n;
    if (n > 0) assert.is(parts.find(seps[n - 1].key, seps[n - 1].seq), n - 1, 'last separator, after eviction');
    assert.is(reads.n - before, n > 0 ? 1 : 0, 'an evicted partition is read again');
  }
});

test('partitioned index: a cache too small for a partition still answers (reading every time)', () => {
  const seps = Array.from({ length: 300 }, (_, i) => ({ key: `key${String(i).padStart(5, '0')}`, seq: MAX_SEQUENCE }));
  const whole = decode(seps);
  const reads = { n: 0 };
  const parts = partitioned(seps, new BlockCache(100), reads);
  for (let i = 0; i < 300; i += 13) assert.is(parts.find(`key${String(i).padStart(5, '0')}`, 1), whole.find(`key${String(i).padStart(5, '0')}`, 1));
  assert.ok(reads.n >= 20, `${reads.n} partition reads`);
});

test.run();
