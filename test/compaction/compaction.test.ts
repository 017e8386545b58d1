import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { NodeEnv } from '../../src/engine/env/node-env.js';
import { TableBuilder } from '../../src/engine/sstable/table-builder.js';
import { TableReader } from '../../src/engine/sstable/table-reader.js';
import { runCompaction, type CompactionPlan, type CompactionResult } from '../../src/engine/compaction/compaction-job.js';
import { CompactionRunner } from '../../src/engine/compaction/compaction-runner.js';
import { ReaderPool } from '../../src/engine/compaction/table-view.js';
import { EntryKind, compareInternal, type BinaryKey, type SequenceNumber } from '../../src/engine/types.js';
import { mulberry32 as prng } from '../support/prng.js';

interface Entry {
  key: BinaryKey;
  seq: SequenceNumber;
  kind: EntryKind;
  value: string;
}

const env = new NodeEnv();
const SEED = Number(process.env.TEST_SEED ?? 0xc0ffee);


/** Asserts that `promise` rejects with an error matching `expected` (a pattern for its message, or a predicate). */
async function rejects(promise: Promise<unknown>, expected: RegExp | ((error: Error) => boolean)): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.instance(caught, Error, 'expected a rejection');
  const error = caught as Error;
  if (expected instanceof RegExp) assert.match(error.message, expected);
  else assert.ok(expected(error), `unexpected error: ${error.name}: ${error.message}`);
}

const put = (key: BinaryKey, seq: SequenceNumber, value: string): Entry => ({ key, seq, kind: EntryKind.Put, value });
const del = (key: BinaryKey, seq: SequenceNumber): Entry => ({ key, seq, kind: EntryKind.Delete, value: '' });

function sorted(entries: Entry[]): Entry[] {
  return entries.slice().sort((a, b) => compareInternal(a.key, a.seq, b.key, b.seq));
}

async function writeTable(dir: string, fileNumber: number, entries: Entry[]): Promise<void> {
  const builder = await TableBuilder.create(env, dir, fileNumber, { blockSize: 512 });
  for (const e of sorted(entries)) {
    const wait = builder.add(e.key, e.seq, e.kind, Buffer.from(e.value, 'latin1'));
    if (wait) await wait;
  }
  await builder.finish();
}

function readTable(dir: string, fileNumber: number): Entry[] {
  const reader = TableReader.open(env, dir, fileNumber, null, { syncReads: true });
  const out: Entry[] = [];
  const it = reader.iterator();
  it.seekToFirst();
  while (it.valid) {
    out.push({ key: it.key, seq: it.seq, kind: it.kind, value: it.value.toString('latin1') });
    it.next();
  }
  reader.close();
  return out;
}

function readOutputs(dir: string, result: CompactionResult): Entry[] {
  return result.outputs.flatMap((table) => readTable(dir, table.fileNumber));
}

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'stratakv-compaction-'));
  try {
    await body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function plan(dir: string, overrides: Partial<CompactionPlan>): CompactionPlan {
  return {
    dir,
    inputs: [],
    outputLevel: 1,
    outputFileNumbers: [100, 101, 102, 103, 104, 105, 106, 107, 108, 109],
    targetFileSize: 1 << 20,
    smallestSnapshot: 1000,
    bottommost: false,
    ...overrides,
  };
}

/** A compaction filter module as a data: URL: drops values that start with `prefix` (its options). */
const DROP_PREFIX_FILTER =
  'data:text/javascript,' +
  encodeURIComponent('export function createCompactionFilter(prefix) { return (key, value) => value.toString("latin1").startsWith(prefix); }');
const THROWING_FILTER =
  'data:text/javascript,' +
  encodeURIComponent('export function createCompactionFilter(n) { let seen = 0; return () => { if (++seen > n) throw new Error("filter exploded"); return false; }; }');
/** Drops `m:<owner>:<version>:...` unless the view's newest `o:<owner>` record says `<version>`. */
const OWNER_VERSION_FILTER =
  'data:text/javascript,' +
  encodeURIComponent(
    'export function createCompactionFilter(_options, view) { return (key) => { if (!key.startsWith("m:")) return false; const [, owner, version] = key.split(":"); return view.get("o:" + owner)?.toString("latin1") !== version; }; }',
  );
const EXITING_FILTER =
  'data:text/javascript,' + encodeURIComponent('export function createCompactionFilter() { return () => process.exit(7); }');

test('shadowed versions are dropped only when a newer version is at or below smallestSnapshot', async () => {
  await withDir(async (dir) => {
    await writeTable(dir, 1, [put('a', 3, 'a3'), put('b', 4, 'b4'), put('c', 9, 'c9')]);
    await writeTable(dir, 2, [put('a', 5, 'a5'), put('a', 10, 'a10'), put('b', 12, 'b12'), put('c', 2, 'c2')]);
    const result = await runCompaction(plan(dir, { inputs: [{ level: 0, fileNumbers: [1, 2] }], smallestSnapshot: 6 }), env);
    // a: 10 is newest; 5 stays (its newer version 10 is above 6, a reader at 6 needs 5); 3 goes (shadowed by 5 <= 6)
    // b: 12 newest, 4 stays (newer is 12 > 6); c: 9 newest, 2 stays (9 > 6)
    assert.equal(readOutputs(dir, result), [put('a', 10, 'a10'), put('a', 5, 'a5'), put('b', 12, 'b12'), put('b', 4, 'b4'), put('c', 9, 'c9'), put('c', 2, 'c2')]);
    assert.is(result.entriesIn, 7);
    assert.is(result.entriesOut, 6);
    assert.is(result.droppedShadowed, 1);
    assert.is(result.outputs.length, 1);
    assert.is(result.outputs[0].fileNumber, 100);
    assert.is(result.bytesWritten, result.outputs[0].size);
    assert.is(result.bytesRead, fs.statSync(join(dir, '000001.sst')).size + fs.statSync(join(dir, '000002.sst')).size);

    const later = await runCompaction(plan(dir, { inputs: [{ level: 0, fileNumbers: [1, 2] }], smallestSnapshot: 100, outputFileNumbers: [200] }), env);
    assert.equal(readOutputs(dir, later), [put('a', 10, 'a10'), put('b', 12, 'b12'), put('c', 9, 'c9')]);
    assert.is(later.droppedShadowed, 4);
  });
});

test('tombstones go only in a bottommost compaction and only at or below smallestSnapshot', async () => {
  await withDir(async (dir) => {
    await writeTable(dir, 1, [put('k', 2, 'old'), put('m', 1, 'm1')]);
    await writeTable(dir, 2, [del('k', 8), del('m', 20)]);
    const inputs = [{ level: 0, fileNumbers: [2] }, { level: 1, fileNumbers: [1] }];

    const notBottom = await runCompaction(plan(dir, { inputs, smallestSnapshot: 10, bottommost: false, outputFileNumbers: [10] }), env);
    assert.equal(readOutputs(dir, notBottom), [del('k', 8), del('m', 20), put('m', 1, 'm1')]);
    assert.is(notBottom.droppedTombstones, 0);

    const bottom = await runCompaction(plan(dir, { inputs, smallestSnapshot: 10, bottommost: true, outputFileNumbers: [11] }), env);
    // k's tombstone (8 <= 10) and the version it shadows both go; m's tombstone (20 > 10) must stay for readers at 10..19
    assert.equal(readOutputs(dir, bottom), [del('m', 20), put('m', 1, 'm1')]);
    assert.is(bottom.droppedTombstones, 1);
    assert.is(bottom.droppedShadowed, 1);

    const snapshotBefore = await runCompaction(plan(dir, { inputs, smallestSnapshot: 5, bottommost: true, outputFileNumbers: [12] }), env);
    assert.equal(readOutputs(dir, snapshotBefore), [del('k', 8), put('k', 2, 'old'), del('m', 20), put('m', 1, 'm1')]);
  });
});

test('the compaction filter drops at the bottom and writes a tombstone above it', async () => {
  await withDir(async (dir) => {
    await writeTable(dir, 1, [put('a', 1, 'keep'), put('b', 2, 'live'), put('c', 3, 'live'), put('d', 4, 'xold')]);
    await writeTable(dir, 2, [put('a', 5, 'xexpired'), put('c', 30, 'xtoo-new'), put('d', 6, 'fresh')]);
    const inputs = [{ level: 0, fileNumbers: [1, 2] }];
    const filter = { module: DROP_PREFIX_FILTER, options: 'x' };

    const above = await runCompaction(plan(dir, { inputs, smallestSnapshot: 10, filter, outputFileNumbers: [10] }), env);
    // a@5 is expired: becomes a tombstone so a@1 (and anything deeper) stays hidden; a@1 is shadowed.
    // c@30 is newer than every snapshot's floor: untouched. d@4 is not the newest version: untouched (and shadowed).
    assert.equal(readOutputs(dir, above), [del('a', 5), put('b', 2, 'live'), put('c', 30, 'xtoo-new'), put('c', 3, 'live'), put('d', 6, 'fresh')]);
    assert.is(above.filtered, 1);

    const bottom = await runCompaction(plan(dir, { inputs, smallestSnapshot: 10, filter, bottommost: true, outputFileNumbers: [11] }), env);
    assert.equal(readOutputs(dir, bottom), [put('b', 2, 'live'), put('c', 30, 'xtoo-new'), put('c', 3, 'live'), put('d', 6, 'fresh')]);
    assert.is(bottom.filtered, 1);
  });
});

test('a filter looks keys up in every table of the planned version, newest first, deletions included', async () => {
  await withDir(async (dir) => {
    await writeTable(dir, 1, [put('o:a', 1, 'v2'), put('o:b', 2, 'v1'), put('o:d', 3, 'v1')]);
    // d's deletion at 12 is newer than the smallest snapshot (10): a reader at 10 still sees d alive.
    await writeTable(dir, 2, [put('o:a', 7, 'v3'), del('o:b', 8), del('o:d', 12)]);
    await writeTable(dir, 3, [put('m:a:v2:x', 4, '1'), put('m:a:v3:y', 9, '2'), put('m:b:v1:z', 5, '3'), put('m:c:v1:w', 6, '4'), put('m:d:v1:q', 6, '5')]);
    const view = [[{ fileNumber: 2, smallest: 'o:a', largest: 'o:d' }], [{ fileNumber: 1, smallest: 'o:a', largest: 'o:d' }], [{ fileNumber: 3, smallest: 'm:a:v2:x', largest: 'm:d:v1:q' }]];
    const filter = { module: OWNER_VERSION_FILTER, options: null };
    const pool = new ReaderPool(env);
    try {
      const result = await runCompaction(plan(dir, { inputs: [{ level: 2, fileNumbers: [3] }], smallestSnapshot: 10, bottommost: true, filter, view, outputFileNumbers: [10] }), env, pool);
      // a is at v3 (level 0 shadows level 1's v2); b was deleted; c never had an owner record; d is
      // live at the smallest snapshot.
      assert.equal(readOutputs(dir, result), [put('m:a:v3:y', 9, '2'), put('m:d:v1:q', 6, '5')]);
      assert.is(result.filtered, 3);
      // The same pool serves a later plan whose version no longer lists table 2.
      const later = await runCompaction(plan(dir, { inputs: [{ level: 2, fileNumbers: [3] }], smallestSnapshot: 10, bottommost: true, filter, view: view.slice(1), outputFileNumbers: [11] }), env, pool);
      assert.equal(readOutputs(dir, later), [put('m:a:v2:x', 4, '1'), put('m:b:v1:z', 5, '3'), put('m:d:v1:q', 6, '5')]);
    } finally {
      pool.closeAll();
    }
  });
});

test('outputs are cut at targetFileSize, never between versions of one key, and do not overlap', async () => {
  await withDir(async (dir) => {
    const entries: Entry[] = [];
    let seq = 1;
    for (let k = 0; k < 300; k++) {
      const key = `key${String(k).padStart(4, '0')}`;
      const versions = k % 7 === 0 ? 6 : 1;
      for (let v = 0; v < versions; v++) entries.push(put(key, seq++, `${key}-${v}-`.padEnd(100, '.')));
    }
    await writeTable(dir, 1, entries);
    const numbers = Array.from({ length: 50 }, (_, i) => 100 + i);
    const result = await runCompaction(plan(dir, { inputs: [{ level: 1, fileNumbers: [1] }], smallestSnapshot: 0, targetFileSize: 4096, outputFileNumbers: numbers, tableOptions: { blockSize: 1024 } }), env);
    assert.ok(result.outputs.length >= 5, `expected several outputs, got ${result.outputs.length}`);
    assert.equal(result.outputs.map((t) => t.fileNumber), numbers.slice(0, result.outputs.length));
    assert.equal(readOutputs(dir, result), sorted(entries));
    for (let i = 0; i < result.outputs.length; i++) {
      const table = result.outputs[i];
      if (i < result.outputs.length - 1) {
        assert.ok(table.size >= 4096, `output ${i} is ${table.size} bytes, below target`);
        assert.ok(table.largest < result.outputs[i + 1].smallest, 'outputs overlap or split a key');
      }
    }
  });
});

test('running out of output file numbers fails and leaves no output behind', async () => {
  await withDir(async (dir) => {
    const entries: Entry[] = [];
    for (let i = 0; i < 400; i++) entries.push(put(`k${String(i).padStart(4, '0')}`, i + 1, 'v'.repeat(100)));
    await writeTable(dir, 1, entries);
    const before = fs.readdirSync(dir).sort();
    await rejects(
      runCompaction(plan(dir, { inputs: [{ level: 1, fileNumbers: [1] }], targetFileSize: 2048, outputFileNumbers: [50, 51] }), env),
      /output file numbers/,
    );
    assert.equal(fs.readdirSync(dir).sort(), before);
  });
});

test('an error midway abandons every output table', async () => {
  await withDir(async (dir) => {
    const entries: Entry[] = [];
    for (let i = 0; i < 400; i++) entries.push(put(`k${String(i).padStart(4, '0')}`, i + 1, 'v'.repeat(100)));
    await writeTable(dir, 1, entries);
    const before = fs.readdirSync(dir).sort();
    const failing = plan(dir, { inputs: [{ level: 1, fileNumbers: [1] }], targetFileSize: 8192, filter: { module: THROWING_FILTER, options: 300 } });
    await rejects(runCompaction(failing, env), /filter exploded/);
    assert.equal(fs.readdirSync(dir).sort(), before);
  });
});

/**
 * What a reader at `snapshot` sees for `key` in a set of entries: the newest version at or below
 * the snapshot. With `tombstonesVisible`, a Delete is reported as such (it still hides deeper data).
 */
function visible(entries: Entry[], key: BinaryKey, snapshot: SequenceNumber, tombstonesVisible: boolean): string {
  let best: Entry | undefined;
  for (const e of entries) if (e.key === key && e.seq <= snapshot && (best === undefined || e.seq > best.seq)) best = e;
  if (best === undefined) return 'absent';
  if (best.kind === EntryKind.Delete) return tombstonesVisible ? 'deleted' : 'absent';
  return `value:${best.value}`;
}

test('randomized: every reader at or above smallestSnapshot sees the same data after compaction', async () => {
  await withDir(async (dir) => {
    const random = prng(SEED);
    let fileNumber = 1;
    for (let round = 0; round < 12; round++) {
      const tables: Array<{ level: number; fileNumber: number; entries: Entry[] }> = [];
      const all: Entry[] = [];
      let seq = 1;
      // L1 holds the oldest data, then L0 tables, each newer than the last.
      for (let t = 0; t < 4; t++) {
        const entries: Entry[] = [];
        const count = 20 + Math.floor(random() * 80);
        for (let i = 0; i < count; i++) {
          const key = `k${Math.floor(random() * 40)}`;
          if (entries.some((e) => e.key === key)) continue;
          entries.push(random() < 0.3 ? del(key, seq++) : put(key, seq++, `v${seq}`));
        }
        const number = fileNumber++;
        await writeTable(dir, number, entries);
        tables.push({ level: t === 0 ? 1 : 0, fileNumber: number, entries });
        all.push(...entries);
      }
      const smallestSnapshot = Math.floor(random() * seq);
      const bottommost = random() < 0.5;
      const inputs = [
        { level: 0, fileNumbers: tables.filter((t) => t.level === 0).map((t) => t.fileNumber) },
        { level: 1, fileNumbers: tables.filter((t) => t.level === 1).map((t) => t.fileNumber) },
      ];
      const outputNumbers = [fileNumber++, fileNumber++, fileNumber++, fileNumber++];
      const result = await runCompaction(plan(dir, { inputs, smallestSnapshot, bottommost, outputFileNumbers: outputNumbers, targetFileSize: 1500 }), env);
      const out = readOutputs(dir, result);
      const context = `round ${round}, smallestSnapshot ${smallestSnapshot}, bottommost ${bottommost}, TEST_SEED=${SEED}`;
      assert.equal(out, sorted(out), `outputs in order: ${context}`);
      assert.is(result.entriesOut, out.length);
      assert.is(result.entriesIn, all.length);
      assert.is(result.entriesIn - result.entriesOut, result.droppedShadowed + result.droppedTombstones);
      for (let k = 0; k < 40; k++) {
        for (let snapshot = smallestSnapshot; snapshot <= seq; snapshot++) {
          // Above the bottom a tombstone must survive to keep hiding deeper data; at the bottom "deleted" = "absent".
          const expected = visible(all, `k${k}`, snapshot, !bottommost);
          assert.is(visible(out, `k${k}`, snapshot, !bottommost), expected, `k${k} at ${snapshot}: ${context}`);
        }
      }
      // Nothing a reader cannot see survives: each kept version is the visible one at some snapshot >= smallestSnapshot.
      for (const e of out) {
        const keyVersions = all.filter((x) => x.key === e.key && x.seq > e.seq).map((x) => x.seq);
        const newer = keyVersions.length === 0 ? Infinity : Math.min(...keyVersions);
        assert.ok(newer > smallestSnapshot, `${e.key}@${e.seq} should have been dropped: ${context}`);
      }
    }
  });
});

test('CompactionRunner runs plans in a worker thread with the same results', async () => {
  await withDir(async (dir) => {
    await writeTable(dir, 1, [put('a', 3, 'a3'), put('b', 4, 'xb4'), del('c', 9)]);
    await writeTable(dir, 2, [put('a', 5, 'a5'), put('a', 10, 'a10'), put('c', 2, 'c2')]);
    const runner = new CompactionRunner();
    try {
      const inputs = [{ level: 0, fileNumbers: [1, 2] }];
      const filter = { module: DROP_PREFIX_FILTER, options: 'x' };
      const direct = await runCompaction(plan(dir, { inputs, smallestSnapshot: 6, filter, outputFileNumbers: [10] }), env);
      // queue two at once: they run one after the other
      const [viaWorker, bottom] = await Promise.all([
        runner.run(plan(dir, { inputs, smallestSnapshot: 6, filter, outputFileNumbers: [20] })),
        runner.run(plan(dir, { inputs, smallestSnapshot: 100, bottommost: true, filter, outputFileNumbers: [21] })),
      ]);
      assert.equal(readOutputs(dir, viaWorker), readOutputs(dir, direct));
      assert.equal({ ...viaWorker, outputs: [], millis: 0 }, { ...direct, outputs: [], millis: 0 });
      assert.equal(readOutputs(dir, bottom), [put('a', 10, 'a10')]);
      assert.is(bottom.filtered, 1);

      await rejects(runner.run(plan(dir, { inputs: [{ level: 0, fileNumbers: [999] }] })), /ENOENT/);
      const failing = plan(dir, { inputs, filter: { module: THROWING_FILTER, options: 1 }, outputFileNumbers: [30] });
      await rejects(runner.run(failing), (error: Error) => error.message === 'filter exploded' && error.name === 'Error');
      assert.not.ok(fs.existsSync(join(dir, '000030.sst')));
      assert.not.ok(fs.existsSync(join(dir, '000030.sst.tmp')));

      // A worker that dies takes its job down with it; the next job gets a fresh worker.
      await rejects(runner.run(plan(dir, { inputs, filter: { module: EXITING_FILTER, options: null }, outputFileNumbers: [40] })), /exited with code 7/);
      const afterCrash = await runner.run(plan(dir, { inputs, smallestSnapshot: 6, outputFileNumbers: [41] }));
      assert.is(afterCrash.entriesIn, 6);
    } finally {
      await runner.close();
    }
    await rejects(runner.run(plan(dir, {})), /closed/);
  });
});

test('readRateLimit paces the merge to that many input bytes per second; the worker reports progress as it goes, and the result is the same', async () => {
  await withDir(async (dir) => {
    const entries: Entry[] = [];
    for (let i = 0; i < 20_000; i++) entries.push(put(`k${String(i).padStart(6, '0')}`, i + 1, 'v'.repeat(40)));
    await writeTable(dir, 1, entries);
    const inputBytes = fs.statSync(join(dir, '000001.sst')).size;
    const inputs = [{ level: 0, fileNumbers: [1] }];
    const unlimited = await runCompaction(plan(dir, { inputs, outputFileNumbers: [10, 11, 12] }), env);
    // A limit that makes the job last about a second.
    const runner = new CompactionRunner();
    try {
      const reports: Array<[number, number]> = [];
      const started = performance.now();
      const limited = await runner.run(plan(dir, { inputs, outputFileNumbers: [20, 21, 22], readRateLimit: inputBytes }), (merged, total) => reports.push([merged, total]));
      const seconds = (performance.now() - started) / 1000;
      assert.ok(seconds >= 0.9, `paced to its input size per second, it took ${seconds.toFixed(2)} s`);
      assert.equal(readOutputs(dir, limited), readOutputs(dir, unlimited));
      assert.ok(reports.length >= 2, `${reports.length} progress reports in ${seconds.toFixed(2)} s`);
      for (let i = 0; i < reports.length; i++) {
        assert.is(reports[i][1], 20_000);
        assert.ok(reports[i][0] > 0 && reports[i][0] <= 20_000);
        if (i > 0) assert.ok(reports[i][0] > reports[i - 1][0], 'merged entries only grow');
      }
    } finally {
      await runner.close();
    }
  });
});

test('an idle runner does not keep the process alive', async () => {
  // The worker is unref'd between jobs; if it were not, this test file's process would hang after
  // the last test instead of exiting. Here we just check the runner stays usable after being idle.
  await withDir(async (dir) => {
    await writeTable(dir, 1, [put('a', 1, 'a')]);
    const runner = new CompactionRunner();
    const first = await runner.run(plan(dir, { inputs: [{ level: 1, fileNumbers: [1] }], outputFileNumbers: [2] }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await runner.run(plan(dir, { inputs: [{ level: 1, fileNumbers: [1] }], outputFileNumbers: [3] }));
    assert.is(first.entriesOut, 1);
    assert.is(second.entriesOut, 1);
    // deliberately not closed: the process must still exit when the suite ends
  });
});

test.run();
