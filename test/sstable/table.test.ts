import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlockCache } from '../../src/engine/cache/block-cache.js';
import type { Env, WritableFile } from '../../src/engine/env/env.js';
import { NodeEnv } from '../../src/engine/env/node-env.js';
import { CorruptionError } from '../../src/engine/errors.js';
import { compareInternal, EntryKind, type FoundEntry } from '../../src/engine/types.js';
import { FOOTER_BYTES, readU64, type TableOptions, tableFileName } from '../../src/engine/sstable/format.js';
import { TableBuilder } from '../../src/engine/sstable/table-builder.js';
import type { TableIterator } from '../../src/engine/sstable/table-iterator.js';
import { newTableReadStats, TableReader } from '../../src/engine/sstable/table-reader.js';
import { mulberry32 as rng } from '../support/prng.js';
import { randomWalk, type ModelEntry } from '../iterator/walk.js';


const SEED = Number(process.env.TEST_SEED ?? 0x7ab1e);
const env = new NodeEnv();

interface Entry {
  key: string;
  seq: number;
  kind: EntryKind;
  value: Buffer;
}

/** ~50k entries: 16k user keys (some binary), 1-5 versions each, ~15% tombstones, sorted. */
function makeEntries(seed: number, userKeys = 16000): Entry[] {
  const random = rng(seed);
  const entries: Entry[] = [];
  let seq = 1;
  for (let i = 0; i < userKeys; i++) {
    // Even indices readable, odd ones with \0, \xff and a shared prefix: all keys distinct and sortable.
    const key = i % 2 === 0 ? `user:${String(i).padStart(7, '0')}` : `bin\0${String.fromCharCode(i & 0xff)}\xff${i}`;
    const versions = 1 + Math.floor(random() * 5);
    for (let v = 0; v < versions; v++) {
      seq += 1 + Math.floor(random() * 3);
      const kind = random() < 0.15 ? EntryKind.Delete : EntryKind.Put;
      const length = Math.floor(random() * 120);
      const value = kind === EntryKind.Put ? Buffer.alloc(length, (seq * 31) & 0xff) : Buffer.alloc(0);
      if (length > 4 && kind === EntryKind.Put) value.writeUInt32LE(seq);
      entries.push({ key, seq, kind, value });
    }
  }
  entries.sort((a, b) => compareInternal(a.key, a.seq, b.key, b.seq));
  return entries;
}

async function buildTable(dir: string, fileNumber: number, entries: Entry[], options?: TableOptions, targetEnv: Env = env) {
  const builder = await TableBuilder.create(targetEnv, dir, fileNumber, options);
  for (const e of entries) {
    const wait = builder.add(e.key, e.seq, e.kind, e.value);
    if (wait) await wait;
  }
  return builder.finish();
}

/** Newest version of `key` with seq <= snapshot in the model. */
function modelGet(byKey: Map<string, Entry[]>, key: string, snapshot: number): Entry | undefined {
  const versions = byKey.get(key);
  if (versions === undefined) return undefined;
  return versions.find((e) => e.seq <= snapshot);
}

function groupByKey(entries: Entry[]): Map<string, Entry[]> {
  const byKey = new Map<string, Entry[]>();
  for (const e of entries) {
    let list = byKey.get(e.key);
    if (list === undefined) byKey.set(e.key, (list = []));
    list.push(e);
  }
  return byKey;
}

function assertFound(actual: FoundEntry | undefined, expected: Entry | undefined, context: string): void {
  if (expected === undefined) {
    assert.is(actual, undefined, `${context}: expected nothing`);
    return;
  }
  assert.ok(actual !== undefined, `${context}: expected seq ${expected.seq}`);
  assert.is(actual.seq, expected.seq, `${context}: seq`);
  assert.is(actual.kind, expected.kind, `${context}: kind`);
  assert.ok(actual.value.equals(expected.value), `${context}: value`);
}

async function settle<T>(result: T | Promise<T>): Promise<T> {
  return result instanceof Promise ? await result : result;
}

async function collect(it: TableIterator, limit = Infinity): Promise<Entry[]> {
  const out: Entry[] = [];
  while (it.valid && out.length < limit) {
    out.push({ key: it.key, seq: it.seq, kind: it.kind, value: Buffer.from(it.value) });
    await settle(it.next());
  }
  return out;
}

function assertSameEntries(actual: Entry[], expected: Entry[], context: string): void {
  assert.is(actual.length, expected.length, `${context}: count`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a.key !== e.key || a.seq !== e.seq || a.kind !== e.kind || !a.value.equals(e.value)) {
      assert.unreachable(`${context}: entry ${i} is (${JSON.stringify(a.key)}, ${a.seq}), expected (${JSON.stringify(e.key)}, ${e.seq})`);
    }
  }
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-sst-'));
}

// One shared 50k-entry table for the read tests; built once.
const shared = { dir: '', entries: [] as Entry[], byKey: new Map<string, Entry[]>() };

test.before(async () => {
  shared.dir = tempDir();
  shared.entries = makeEntries(SEED);
  shared.byKey = groupByKey(shared.entries);
  const props = await buildTable(shared.dir, 42, shared.entries);
  assert.is(props.entries, shared.entries.length);
});

test.after(() => {
  fs.rmSync(shared.dir, { recursive: true, force: true });
});

test('builder: properties, file naming, temp file renamed only on finish', async () => {
  const dir = tempDir();
  try {
    const entries = makeEntries(SEED + 1, 500);
    const builder = await TableBuilder.create(env, dir, 123, { blockSize: 512 });
    assert.ok(fs.existsSync(path.join(dir, '000123.sst.tmp')));
    for (const e of entries) await settle(builder.add(e.key, e.seq, e.kind, e.value));
    assert.is(builder.entries, entries.length);
    assert.ok(builder.estimatedSize > 512 * 10, 'estimatedSize grows with the data');
    const props = await builder.finish();
    assert.is(tableFileName(123), '000123.sst');
    assert.is(tableFileName(1234567), '1234567.sst');
    assert.not.ok(fs.existsSync(path.join(dir, '000123.sst.tmp')));
    assert.is(props.size, fs.statSync(path.join(dir, '000123.sst')).size);
    assert.is(props.fileNumber, 123);
    assert.is(props.entries, entries.length);
    assert.is(props.smallest, entries[0].key);
    assert.is(props.largest, entries[entries.length - 1].key);
    assert.is(props.smallestSeq, Math.min(...entries.map((e) => e.seq)));
    assert.is(props.largestSeq, Math.max(...entries.map((e) => e.seq)));
    const reader = TableReader.open(env, dir, 123, null);
    assert.equal(reader.properties, props);
    assert.ok(reader.residentBytes > 0);
    reader.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('builder rejects entries out of internal order and after finish', async () => {
  const dir = tempDir();
  try {
    const builder = await TableBuilder.create(env, dir, 1);
    builder.add('b', 10, EntryKind.Put, Buffer.from('x'));
    builder.add('b', 9, EntryKind.Put, Buffer.from('x'));
    assert.throws(() => builder.add('b', 9, EntryKind.Put, Buffer.from('x')), /out of order/);
    assert.throws(() => builder.add('b', 11, EntryKind.Put, Buffer.from('x')), /out of order/);
    assert.throws(() => builder.add('a', 100, EntryKind.Put, Buffer.from('x')), /out of order/);
    assert.throws(() => builder.add('c', 2 ** 53, EntryKind.Put, Buffer.from('x')), RangeError);
    builder.add('c', 1, EntryKind.Delete, Buffer.alloc(0));
    await builder.finish();
    assert.throws(() => builder.add('d', 1, EntryKind.Put, Buffer.from('x')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('abandon deletes the temporary file and leaves no table', async () => {
  const dir = tempDir();
  try {
    const builder = await TableBuilder.create(env, dir, 5);
    for (let i = 0; i < 5000; i++) await settle(builder.add(`k${String(i).padStart(6, '0')}`, 1, EntryKind.Put, Buffer.alloc(100)));
    await builder.abandon();
    assert.equal(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('get: every key at several snapshots matches the model (warm cache, sync)', async () => {
  const cache = new BlockCache(64 << 20);
  const reader = TableReader.open(env, shared.dir, 42, cache);
  const maxSeq = reader.properties.largestSeq;
  const snapshots = [0, 1, Math.floor(maxSeq / 3), Math.floor(maxSeq / 2), maxSeq, 2 ** 53 - 1];
  for (const snapshot of snapshots) {
    for (const key of shared.byKey.keys()) {
      const result = await settle(reader.get(key, snapshot));
      assertFound(result, modelGet(shared.byKey, key, snapshot), `seed ${SEED} key ${JSON.stringify(key)} @${snapshot}`);
    }
  }
  // Every lookup after the first touch of a block is a hit: misses = blocks read once.
  assert.is(cache.misses, reader.dataBlockCount);
  // Absent keys: before, between and after the present ones.
  for (const key of ['', 'a', 'user:', 'user:0000001', 'user:9999999', 'zzz', 'bin\0', '\xff\xff']) {
    assert.is(await settle(reader.get(key, 2 ** 53 - 1)), undefined, `absent ${JSON.stringify(key)}`);
  }
  // A warm lookup returns synchronously.
  const sample = shared.entries[1234];
  assert.not.ok(reader.get(sample.key, maxSeq) instanceof Promise);
  reader.close();
});

test('get: without a cache every lookup that passes the filter reads asynchronously; stats count it', async () => {
  const stats = newTableReadStats();
  const reader = TableReader.open(env, shared.dir, 42, null, { stats });
  const maxSeq = reader.properties.largestSeq;
  let i = 0;
  for (const key of shared.byKey.keys()) {
    if (i++ % 7 !== 0) continue;
    const pending = reader.get(key, maxSeq);
    assert.instance(pending, Promise, 'a miss returns a Promise');
    assertFound(await pending, modelGet(shared.byKey, key, maxSeq), `seed ${SEED} async ${JSON.stringify(key)}`);
  }
  assert.is(stats.blockReads, Math.ceil(shared.byKey.size / 7));
  assert.ok(stats.bytesRead > stats.blockReads * 1000);
  // Absent keys are mostly stopped by the filter.
  for (let j = 0; j < 2000; j++) await settle(reader.get(`user:${String(j * 2 + 1).padStart(7, '0')}`, maxSeq));
  assert.ok(stats.bloomUseful > 1900, `filter rejected ${stats.bloomUseful} of 2000 absent keys`);
  assert.is(stats.bloomChecks, Math.ceil(shared.byKey.size / 7) + 2000);
  assert.is(stats.bloomChecks - stats.bloomUseful - stats.bloomFalsePositives, Math.ceil(shared.byKey.size / 7));
  reader.close();
});

test('get: concurrent misses on one block share a single read; cold cache then warm', async () => {
  const stats = newTableReadStats();
  const cache = new BlockCache(64 << 20);
  const reader = TableReader.open(env, shared.dir, 42, cache, { stats });
  const maxSeq = reader.properties.largestSeq;
  const keys = [...shared.byKey.keys()].slice(0, 20); // a handful of neighbours: one or two blocks
  const pending = keys.map((key) => reader.get(key, maxSeq));
  assert.ok(pending.every((p) => p instanceof Promise), 'cold cache: all asynchronous');
  const results = await Promise.all(pending);
  keys.forEach((key, i) => assertFound(results[i], modelGet(shared.byKey, key, maxSeq), `shared read ${i}`));
  assert.ok(stats.blockReads <= 2, `${stats.blockReads} reads for 20 neighbouring keys`);
  for (const key of keys) assert.not.ok(reader.get(key, maxSeq) instanceof Promise, 'warm cache: synchronous');
  reader.close();
});

test('syncReads: get and iteration never return a Promise', async () => {
  const reader = TableReader.open(env, shared.dir, 42, null, { syncReads: true });
  const maxSeq = reader.properties.largestSeq;
  let checked = 0;
  for (const key of shared.byKey.keys()) {
    if (checked++ % 5 !== 0) continue;
    const result = reader.get(key, maxSeq);
    assert.not.ok(result instanceof Promise);
    assertFound(result as FoundEntry | undefined, modelGet(shared.byKey, key, maxSeq), `sync ${JSON.stringify(key)}`);
  }
  const it = reader.iterator();
  assert.is(it.seekToFirst(), undefined);
  let count = 0;
  while (it.valid) {
    assert.is(it.next(), undefined);
    count++;
  }
  assert.is(count, shared.entries.length);
  reader.close();
});

test('iterate all: cold (async) and warm (sync) give every entry in order', async () => {
  const cache = new BlockCache(64 << 20);
  const reader = TableReader.open(env, shared.dir, 42, cache);
  for (const pass of ['cold', 'warm']) {
    const it = reader.iterator();
    const first = it.seekToFirst();
    if (pass === 'cold') assert.instance(first, Promise);
    else assert.is(first, undefined);
    await settle(first);
    assertSameEntries(await collect(it), shared.entries, `seed ${SEED} ${pass}`);
  }
  // fillCache false leaves the cache untouched.
  const other = new BlockCache(64 << 20);
  const reader2 = TableReader.open(env, shared.dir, 42, other);
  const it = reader2.iterator({ fillCache: false });
  await settle(it.seekToFirst());
  assert.is((await collect(it, 5000)).length, 5000);
  assert.is(other.blockCount, 0);
  reader.close();
  reader2.close();
});

/** An Env that counts data reads on the files it opens for random access. */
function countingEnv(): { env: Env; reads: { sync: number; async: number } } {
  const reads = { sync: 0, async: 0 };
  const counting: Env = Object.create(env) as Env;
  counting.openRandomAccess = (p) => {
    const file = env.openRandomAccess(p);
    return {
      path: file.path,
      size: file.size,
      read: (position, length) => {
        reads.async++;
        return file.read(position, length);
      },
      readSync: (position, length) => {
        reads.sync++;
        return file.readSync(position, length);
      },
      close: () => file.close(),
    };
  };
  return { env: counting, reads };
}

test('a full scan reads ahead: far fewer reads than blocks, sync and async, same entries', async () => {
  for (const syncReads of [true, false]) {
    const { env: counting, reads } = countingEnv();
    const stats = newTableReadStats();
    const reader = TableReader.open(counting, shared.dir, 42, null, { syncReads, stats });
    const opened = reads.sync + reads.async;
    const it = reader.iterator({ fillCache: false });
    await settle(it.seekToFirst());
    assertSameEntries(await collect(it), shared.entries, `scan syncReads=${syncReads}`);
    const scanReads = reads.sync + reads.async - opened;
    assert.is(stats.blockReads, reader.dataBlockCount, 'every block read exactly once');
    assert.ok(scanReads * 20 < reader.dataBlockCount, `${scanReads} reads for ${reader.dataBlockCount} blocks`);
    assert.is(syncReads ? reads.async : reads.sync - opened, 0, 'no read of the other kind');
    reader.close();
  }
});

test('seek: to present keys, absent keys and past the end, compared with the model', async () => {
  const random = rng(SEED + 2);
  const cache = new BlockCache(64 << 20);
  for (const [name, c] of [['cached', cache], ['uncached', null]] as const) {
    const reader = TableReader.open(env, shared.dir, 42, c);
    const it = reader.iterator();
    for (let n = 0; n < 400; n++) {
      const pick = shared.entries[Math.floor(random() * shared.entries.length)];
      const targets = [pick.key, `${pick.key}\0`, pick.key.slice(0, Math.max(0, pick.key.length - 1))];
      for (const target of targets) {
        await settle(it.seek(target));
        let expected = 0;
        let low = 0;
        let high = shared.entries.length;
        while (low < high) {
          const mid = (low + high) >>> 1;
          if (shared.entries[mid].key < target) low = mid + 1;
          else high = mid;
        }
        expected = low;
        const got = await collect(it, 3);
        assertSameEntries(got, shared.entries.slice(expected, expected + 3), `seed ${SEED} ${name} seek ${JSON.stringify(target)}`);
      }
    }
    await settle(it.seek('\xff\xff\xff'));
    assert.is(it.valid, false);
    await settle(it.seek(''));
    assert.is(it.key, shared.entries[0].key);
    reader.close();
  }
});

test('edge tables: empty, one entry, a value larger than a write chunk, tiny blocks', async () => {
  const dir = tempDir();
  try {
    const emptyProps = await buildTable(dir, 1, []);
    assert.is(emptyProps.entries, 0);
    const empty = TableReader.open(env, dir, 1, null);
    assert.is(empty.get('a', 100), undefined);
    const it = empty.iterator();
    await settle(it.seekToFirst());
    assert.is(it.valid, false);
    empty.close();

    const big = Buffer.alloc(700 * 1024, 7);
    big.write('start');
    const entries: Entry[] = [
      { key: '', seq: 9, kind: EntryKind.Put, value: Buffer.from('empty key') },
      { key: 'big', seq: 3, kind: EntryKind.Put, value: big },
      { key: 'big', seq: 2, kind: EntryKind.Delete, value: Buffer.alloc(0) },
      { key: '\xff'.repeat(300), seq: 1, kind: EntryKind.Put, value: Buffer.alloc(0) },
    ];
    await buildTable(dir, 2, entries, { blockSize: 64, restartInterval: 1 });
    const reader = TableReader.open(env, dir, 2, new BlockCache(1 << 20));
    assertFound(await settle(reader.get('big', 100)), entries[1], 'big value');
    assertFound(await settle(reader.get('big', 2)), entries[2], 'tombstone under it');
    assertFound(await settle(reader.get('', 100)), entries[0], 'empty key');
    assertFound(await settle(reader.get('\xff'.repeat(300), 1)), entries[3], 'all-0xff key');
    const all = reader.iterator();
    await settle(all.seekToFirst());
    assertSameEntries(await collect(all), entries, 'edge iteration');
    reader.close();

    const tiny = makeEntries(SEED + 3, 300);
    await buildTable(dir, 3, tiny, { blockSize: 1, restartInterval: 1, bloomBitsPerKey: 1 });
    const tinyReader = TableReader.open(env, dir, 3, null, { syncReads: true });
    assert.is(tinyReader.dataBlockCount, tiny.length, 'one entry per block');
    const tinyIt = tinyReader.iterator();
    tinyIt.seekToFirst();
    assertSameEntries(await collect(tinyIt), tiny, 'tiny blocks');
    for (const e of tiny) assertFound(tinyReader.get(e.key, e.seq) as FoundEntry | undefined, e, 'tiny get');
    tinyReader.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('backpressure: add returns a Promise once ~1 MiB waits to be written', async () => {
  const dir = tempDir();
  try {
    const builder = await TableBuilder.create(env, dir, 9);
    const value = Buffer.alloc(1000, 1);
    let firstWait = -1;
    for (let i = 0; i < 3000; i++) {
      const wait = builder.add(`k${String(i).padStart(6, '0')}`, 1, EntryKind.Put, value);
      if (wait instanceof Promise) {
        if (firstWait < 0) firstWait = i;
        await wait;
      }
    }
    assert.ok(firstWait > 900 && firstWait < 1400, `first Promise after ${firstWait} KB`);
    await builder.finish();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing write surfaces from add/finish and abandon still cleans up', async () => {
  const dir = tempDir();
  const failing: Env = Object.create(env) as Env;
  failing.openWritable = async (p, mode) => {
    const file = await env.openWritable(p, mode);
    const broken: WritableFile = {
      path: file.path,
      get size() {
        return file.size;
      },
      append: () => Promise.reject(new Error('ENOSPC: no space left on device')),
      appendSync: () => {
        throw new Error('ENOSPC: no space left on device');
      },
      sync: () => file.sync(),
      close: () => file.close(),
    };
    return broken;
  };
  try {
    const builder = await TableBuilder.create(failing, dir, 11);
    let error: unknown = null;
    try {
      for (let i = 0; i < 5000; i++) await settle(builder.add(`k${String(i).padStart(6, '0')}`, 1, EntryKind.Put, Buffer.alloc(1000)));
      await builder.finish();
    } catch (e) {
      error = e;
    }
    assert.match(String(error), /ENOSPC/);
    await builder.abandon();
    assert.equal(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Builds a small table, lets `damage` edit its bytes, and returns the CorruptionError seen by `use`. */
async function corruptionOf(damage: (bytes: Buffer) => void, use: (reader: TableReader) => Promise<unknown>): Promise<CorruptionError> {
  const dir = tempDir();
  try {
    await buildTable(dir, 77, makeEntries(SEED + 4, 2000));
    const file = path.join(dir, tableFileName(77));
    const bytes = fs.readFileSync(file);
    damage(bytes);
    fs.writeFileSync(file, bytes);
    try {
      const reader = TableReader.open(env, dir, 77, new BlockCache(1 << 20));
      try {
        await use(reader);
      } finally {
        reader.close();
      }
    } catch (error) {
      assert.instance(error, CorruptionError, String(error));
      assert.is((error as CorruptionError).file, file);
      return error as CorruptionError;
    }
    throw new Error('corruption went unnoticed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The footer's handles of the table `bytes`. */
function handles(bytes: Buffer): { filter: number; properties: number; index: number; indexSize: number } {
  const at = bytes.length - FOOTER_BYTES;
  return { filter: readU64(bytes, at), properties: readU64(bytes, at + 16), index: readU64(bytes, at + 32), indexSize: readU64(bytes, at + 40) };
}

test('corruption: magic, footer, index, filter, properties and data blocks are each detected with the offset', async () => {
  const nothing = async (): Promise<void> => {};
  let size = 0;
  const magic = await corruptionOf((b) => {
    size = b.length;
    b[b.length - 1] ^= 0x20;
  }, nothing);
  assert.is(magic.offset, size - FOOTER_BYTES + 56);
  assert.match(magic.message, /magic/);

  const footer = await corruptionOf((b) => {
    b[b.length - FOOTER_BYTES + 33] ^= 1; // index offset
  }, nothing);
  assert.is(footer.offset, size - FOOTER_BYTES);

  let h = { filter: 0, properties: 0, index: 0, indexSize: 0 };
  const index = await corruptionOf((b) => {
    h = handles(b);
    b[h.index + 3] ^= 0x10;
  }, nothing);
  assert.is(index.offset, h.index);
  assert.match(index.message, /checksum/);

  const filter = await corruptionOf((b) => {
    h = handles(b);
    b[h.filter + 10] ^= 0x01;
  }, nothing);
  assert.is(filter.offset, h.filter);

  const properties = await corruptionOf((b) => {
    h = handles(b);
    b[h.properties + 1] ^= 0x04;
  }, nothing);
  assert.is(properties.offset, h.properties);

  // Data block 0 starts at offset 0; a lookup of its first key and a full scan both notice.
  const entries = makeEntries(SEED + 4, 2000);
  const viaGet = await corruptionOf(
    (b) => {
      b[100] ^= 0x40;
    },
    async (reader) => reader.get(entries[0].key, 2 ** 53 - 1),
  );
  assert.is(viaGet.offset, 0);
  const viaScan = await corruptionOf(
    (b) => {
      h = handles(b);
      b[h.filter - 20] ^= 0x02; // inside the last data block
    },
    async (reader) => {
      const it = reader.iterator();
      await settle(it.seekToFirst());
      while (it.valid) await settle(it.next());
    },
  );
  assert.ok(viaScan.offset > 0 && viaScan.offset < h.filter, `data block offset ${viaScan.offset}`);  const viaSync = await corruptionOf(
    (b) => {
      b[5] ^= 0x01;
    },
    async (reader) => {
      const synchronous = TableReader.open(env, path.dirname(reader.path), reader.fileNumber, null, { syncReads: true });
      try {
        synchronous.get(entries[0].key, 2 ** 53 - 1);
      } finally {
        synchronous.close();
      }
    },
  );
  assert.is(viaSync.offset, 0);

});

test('corruption: a flipped bit at any byte of a table is caught by open or a full scan', async () => {
  const dir = tempDir();
  try {
    const entries = makeEntries(SEED + 6, 60);
    await buildTable(dir, 3, entries, { blockSize: 256 });
    const file = path.join(dir, tableFileName(3));
    const original = fs.readFileSync(file);
    const random = rng(SEED + 6);
    // Every byte of the meta blocks and footer, and a sample of the data blocks' bytes.
    const metaStart = handles(original).filter;
    const positions: number[] = [];
    for (let at = metaStart; at < original.length; at++) positions.push(at);
    for (let n = 0; n < 2000; n++) positions.push(Math.floor(random() * metaStart));
    // Reads are served from memory: rewriting the file thousands of times would dominate the test.
    let damaged = original;
    const inMemory: Env = Object.create(env) as Env;
    inMemory.openRandomAccess = (p) => ({
      path: p,
      size: damaged.length,
      read: (position, length) => Promise.resolve(Buffer.from(damaged.subarray(position, position + length))),
      readSync: (position, length) => Buffer.from(damaged.subarray(position, position + length)),
      close: () => {},
    });
    for (const at of positions) {
      damaged = Buffer.from(original);
      damaged[at] ^= 1 << Math.floor(random() * 8);
      try {
        const reader = TableReader.open(inMemory, dir, 3, null, { syncReads: true });
        try {
          const it = reader.iterator();
          for (it.seekToFirst(); it.valid; it.next());
        } finally {
          reader.close();
        }
        assert.unreachable(`flip at byte ${at} of ${original.length} went unnoticed (seed ${SEED})`);
      } catch (error) {
        if (!(error instanceof CorruptionError)) throw error;
        assert.is(error.file, file);
        assert.ok(error.offset >= 0 && error.offset <= at, `offset ${error.offset} for a flip at ${at}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('corruption: a truncated or tiny file is reported, not misread', async () => {
  const dir = tempDir();
  try {
    await buildTable(dir, 8, makeEntries(SEED + 5, 500));
    const file = path.join(dir, tableFileName(8));
    const bytes = fs.readFileSync(file);
    for (const length of [0, 10, FOOTER_BYTES - 1, bytes.length - 1, Math.floor(bytes.length / 2)]) {
      fs.writeFileSync(file, bytes.subarray(0, length));
      assert.throws(
        () => TableReader.open(env, dir, 8, null),
        (e: unknown) => e instanceof CorruptionError && e.file === file,
        `truncated to ${length}`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('close waits for reads in flight, then later calls throw', async () => {
  const reader = TableReader.open(env, shared.dir, 42, null);
  const key = shared.entries[0].key;
  const pending = reader.get(key, 2 ** 53 - 1);
  reader.close();
  assertFound(await pending, modelGet(shared.byKey, key, 2 ** 53 - 1), 'read in flight completes');
  assert.throws(() => reader.get(key, 1));
  assert.throws(() => reader.iterator());
});

// ---- walking backwards ----

async function collectBackward(it: TableIterator, limit = Infinity): Promise<Entry[]> {
  const out: Entry[] = [];
  while (it.valid && out.length < limit) {
    out.push({ key: it.key, seq: it.seq, kind: it.kind, value: Buffer.from(it.value) });
    await settle(it.prev());
  }
  return out;
}

/** Index of the last entry whose user key is < target; -1 if none. */
function lastBelow(entries: Entry[], target: string): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (entries[mid].key < target) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

test('backwards: cold (async) and warm (sync) give every entry in reverse order', async () => {
  const cache = new BlockCache(64 << 20);
  const reader = TableReader.open(env, shared.dir, 42, cache);
  const reversed = shared.entries.slice().reverse();
  for (const pass of ['cold', 'warm']) {
    const it = reader.iterator();
    const last = it.seekToLast();
    if (pass === 'cold') assert.instance(last, Promise);
    else assert.is(last, undefined);
    await settle(last);
    assertSameEntries(await collectBackward(it), reversed, `seed ${SEED} ${pass}`);
  }
  reader.close();
});

test('a reverse scan reads ahead backwards: far fewer reads than blocks, sync and async', async () => {
  for (const syncReads of [true, false]) {
    const { env: counting, reads } = countingEnv();
    const stats = newTableReadStats();
    const reader = TableReader.open(counting, shared.dir, 42, null, { syncReads, stats });
    const opened = reads.sync + reads.async;
    const it = reader.iterator({ fillCache: false });
    await settle(it.seekToLast());
    assertSameEntries(await collectBackward(it), shared.entries.slice().reverse(), `reverse scan syncReads=${syncReads}`);
    const scanReads = reads.sync + reads.async - opened;
    assert.is(stats.blockReads, reader.dataBlockCount, 'every block read exactly once');
    assert.ok(scanReads * 20 < reader.dataBlockCount, `${scanReads} reads for ${reader.dataBlockCount} blocks`);
    assert.is(syncReads ? reads.async : reads.sync - opened, 0, 'no read of the other kind');
    reader.close();
  }
});

test('seekBefore: present keys, absent keys, before the first and past the end', async () => {
  const random = rng(SEED + 4);
  const cache = new BlockCache(64 << 20);
  for (const [name, c] of [['cached', cache], ['uncached', null]] as const) {
    const reader = TableReader.open(env, shared.dir, 42, c);
    const it = reader.iterator();
    for (let n = 0; n < 300; n++) {
      const pick = shared.entries[Math.floor(random() * shared.entries.length)];
      for (const target of [pick.key, `${pick.key}\0`, pick.key.slice(0, Math.max(0, pick.key.length - 1))]) {
        await settle(it.seekBefore(target));
        const index = lastBelow(shared.entries, target);
        const expected = shared.entries.slice(Math.max(0, index - 2), index + 1).reverse();
        assertSameEntries(await collectBackward(it, 3), expected, `seed ${SEED} ${name} seekBefore ${JSON.stringify(target)}`);
      }
    }
    await settle(it.seekBefore(''));
    assert.is(it.valid, false);
    await settle(it.seekBefore('\xff\xff\xff'));
    assert.is(it.key, shared.entries[shared.entries.length - 1].key);
    assert.is(it.seq, shared.entries[shared.entries.length - 1].seq);
    reader.close();
  }
});

test('random walks with direction changes across blocks: cached, uncached (async) and syncReads', async () => {
  const model: ModelEntry[] = shared.entries.map((e) => ({ key: e.key, seq: e.seq, kind: e.kind, value: e.value.toString('latin1') }));
  const keyRandom = rng(SEED + 5);
  const randomKey = (): string => (keyRandom() < 0.5 ? `user:${String(Math.floor(keyRandom() * 16000)).padStart(7, '0')}` : `bin\0${String.fromCharCode(Math.floor(keyRandom() * 256))}`);
  const options: [string, BlockCache | null, boolean][] = [
    ['cached', new BlockCache(64 << 20), false],
    ['uncached', null, false],
    ['syncReads', null, true],
  ];
  for (const [name, cache, syncReads] of options) {
    const reader = TableReader.open(env, shared.dir, 42, cache, { syncReads });
    await randomWalk(reader.iterator(), model, rng(SEED + 6), { steps: 1500, randomKey, context: `seed ${SEED} ${name}` });
    reader.close();
  }
});

test('edge tables backwards: empty, one entry per block, huge value', async () => {
  const dir = tempDir();
  try {
    await buildTable(dir, 1, []);
    const empty = TableReader.open(env, dir, 1, null);
    const it = empty.iterator();
    await settle(it.seekToLast());
    assert.is(it.valid, false);
    await settle(it.seekBefore('a'));
    assert.is(it.valid, false);
    empty.close();

    const tiny = makeEntries(SEED + 8, 300);
    await buildTable(dir, 2, tiny, { blockSize: 1, restartInterval: 1, bloomBitsPerKey: 1 });
    const tinyReader = TableReader.open(env, dir, 2, null, { syncReads: true });
    assert.is(tinyReader.dataBlockCount, tiny.length, 'one entry per block');
    const tinyIt = tinyReader.iterator();
    assert.is(tinyIt.seekToLast(), undefined);
    assertSameEntries(await collectBackward(tinyIt), tiny.slice().reverse(), 'tiny blocks backwards');
    tinyReader.close();

    const big = Buffer.alloc(700 * 1024, 7);
    const entries: Entry[] = [
      { key: 'a', seq: 4, kind: EntryKind.Put, value: Buffer.from('a') },
      { key: 'big', seq: 3, kind: EntryKind.Put, value: big },
      { key: 'c', seq: 1, kind: EntryKind.Put, value: Buffer.from('c') },
    ];
    await buildTable(dir, 3, entries, { blockSize: 64 });
    const bigReader = TableReader.open(env, dir, 3, null);
    const bigIt = bigReader.iterator();
    await settle(bigIt.seekToLast());
    assertSameEntries(await collectBackward(bigIt), entries.slice().reverse(), 'huge value backwards');
    bigReader.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
