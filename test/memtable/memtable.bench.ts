/**
 * Memtable micro-benchmark (not a test: uvu only runs *.test.js). Compares this memtable with an
 * optional other build of it, in one process, interleaved rounds, medians:
 *
 *   node --expose-gc dist/test/memtable/memtable.bench.js [path/to/other/memtable.js] [rounds]
 *
 * Workloads (1 M operations each, 100-byte values): random 16-byte keys; redis-benchmark keys
 * (`key:000000123456` drawn from a 1 M range, so repeats); the keyspace's SET pattern (get the
 * key, add the key, overwrite the per-database key-count meta key); random gets on a memtable of
 * redis-benchmark keys; member keys of one hash (a 24-byte head shared by every key). Then heap + arena bytes per entry for 1 M unique 16-byte keys.
 */
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { Memtable } from '../../src/engine/memtable/memtable.js';
import { EntryKind, type BinaryKey, type FoundEntry } from '../../src/engine/types.js';

interface MemtableLike {
  add(key: BinaryKey, seq: number, kind: EntryKind, value: Buffer, overwrite?: boolean): void;
  get(key: BinaryKey, snapshot: number): FoundEntry | undefined;
  readonly approximateBytes: number;
  readonly entries: number;
}
type Factory = () => MemtableLike;

const N = 1_000_000;
const VALUE = Buffer.alloc(100, 0x61);
const COUNT_VALUE = Buffer.alloc(8, 0x31);
const COUNT_KEY = '\0cnt:0';

function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function randomKeys(count: number, seed: number): BinaryKey[] {
  const next = xorshift(seed);
  const keys: BinaryKey[] = new Array(count);
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < 16; j += 4) bytes.writeUInt32LE(next(), j);
    keys[i] = bytes.latin1Slice(0, 16);
  }
  return keys;
}

function redisKeys(count: number, seed: number): BinaryKey[] {
  const next = xorshift(seed);
  const keys: BinaryKey[] = new Array(count);
  // Flat strings, as the server's parser hands them over (a template literal makes a cons string).
  for (let i = 0; i < count; i++) keys[i] = Buffer.from(`key:${String(next() % 1_000_000).padStart(12, '0')}`, 'latin1').latin1Slice();
  return keys;
}

/**
 * Collection member keys as the keyspace writes them for one hash (`HSET myhash element:%012d`):
 * namespace, tag, length-prefixed user key and version make a 24-byte head every member shares.
 */
function memberKeys(count: number, seed: number): BinaryKey[] {
  const next = xorshift(seed);
  const head = Buffer.concat([Buffer.from('\0\0\0\0\0h', 'latin1'), Buffer.from([0, 0, 0, 6]), Buffer.from('myhash'), Buffer.alloc(8, 1)]);
  const keys: BinaryKey[] = new Array(count);
  for (let i = 0; i < count; i++) {
    keys[i] = Buffer.concat([head, Buffer.from(`element:${String(next() % 1_000_000).padStart(12, '0')}`)]).latin1Slice();
  }
  return keys;
}

/** CPU milliseconds (user + system) the body took: on a shared machine, wall time mostly measures the neighbours. */
function timeIt(body: () => void): number {
  const started = process.cpuUsage();
  body();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1e3;
}

function insertAll(factory: Factory, keys: BinaryKey[]): MemtableLike {
  const memtable = factory();
  for (let i = 0; i < keys.length; i++) memtable.add(keys[i], i + 1, EntryKind.Put, VALUE);
  return memtable;
}

function setPattern(factory: Factory, keys: BinaryKey[]): MemtableLike {
  const memtable = factory();
  let seq = 0;
  let found = 0;
  for (let i = 0; i < keys.length; i++) {
    if (memtable.get(keys[i], seq) !== undefined) found++;
    memtable.add(keys[i], ++seq, EntryKind.Put, VALUE, true);
    memtable.add(COUNT_KEY, ++seq, EntryKind.Put, COUNT_VALUE, true);
  }
  if (found === 0) throw new Error('SET pattern found no key');
  return memtable;
}

function getAll(memtable: MemtableLike, keys: BinaryKey[]): void {
  let found = 0;
  for (let i = 0; i < keys.length; i++) if (memtable.get(keys[i], Number.MAX_SAFE_INTEGER) !== undefined) found++;
  if (found === 0) throw new Error('gets found nothing');
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with node --expose-gc');
  collect();
  collect();
}

/** Heap + external bytes (typed arrays, arena slabs) per entry, for N unique random 16-byte keys. */
function bytesPerEntry(factory: Factory): number {
  gc();
  const before = process.memoryUsage();
  const memtable = factory();
  const next = xorshift(0x9e3779b9);
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < 16; j += 4) bytes.writeUInt32LE(next(), j);
    memtable.add(bytes.latin1Slice(0, 16), i + 1, EntryKind.Put, VALUE);
  }
  gc();
  const after = process.memoryUsage();
  const used = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  if (memtable.entries !== N) throw new Error('lost entries');
  return used / N;
}

async function main(): Promise<void> {
  const factories: { name: string; make: Factory }[] = [{ name: 'current', make: () => new Memtable() }];
  const otherPath = process.argv[2];
  if (otherPath !== undefined && otherPath !== '') {
    const other = (await import(pathToFileURL(path.resolve(otherPath)).href)) as { Memtable: new () => MemtableLike };
    factories.unshift({ name: 'other', make: () => new other.Memtable() });
  }
  const rounds = Number(process.argv[3] ?? 3);
  const random = randomKeys(N, 1);
  const redis = redisKeys(N, 2);
  const redisProbes = redisKeys(N, 3);
  const members = memberKeys(N, 4);
  const workloads: { name: string; run: (factory: Factory) => number }[] = [
    { name: 'insert random 16 B keys', run: (f) => timeIt(() => insertAll(f, random)) },
    { name: 'insert key:%012d (1 M range)', run: (f) => timeIt(() => insertAll(f, redis)) },
    { name: 'insert hash members (24 B head)', run: (f) => timeIt(() => insertAll(f, members)) },
    { name: 'SET pattern (get, add, add cnt)', run: (f) => timeIt(() => setPattern(f, redis)) },
    {
      name: 'get random key:%012d',
      run: (f) => {
        const memtable = insertAll(f, redis);
        return timeIt(() => getAll(memtable, redisProbes));
      },
    },
  ];
  const results = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const workload of workloads) {
      for (const factory of factories) {
        gc();
        const ms = workload.run(factory.make);
        const label = `${workload.name}|${factory.name}`;
        results.set(label, [...(results.get(label) ?? []), ms]);
      }
    }
  }
  console.log(`median of ${rounds} rounds, CPU ms per 1 M operations`);
  for (const workload of workloads) {
    const cells = factories.map((f) => `${f.name} ${median(results.get(`${workload.name}|${f.name}`) ?? []).toFixed(0)} ms`);
    let ratio = '';
    if (factories.length === 2) {
      const [a, b] = factories.map((f) => median(results.get(`${workload.name}|${f.name}`) ?? []));
      ratio = `  speedup ${(a / b).toFixed(2)}x`;
    }
    console.log(`${workload.name.padEnd(34)} ${cells.join('  ')}${ratio}`);
  }
  for (const factory of factories) {
    const perEntry = bytesPerEntry(factory.make);
    console.log(`${factory.name}: ${perEntry.toFixed(1)} B of heap + arena per entry (16 B key, 100 B value)`);
  }
  const sample = insertAll(factories[factories.length - 1].make, random.slice(0, N));
  console.log(`current: approximateBytes / entry = ${(sample.approximateBytes / sample.entries).toFixed(1)}`);
}

await main();
