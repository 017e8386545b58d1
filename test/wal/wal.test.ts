import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FaultInjectingEnv, injectedError } from '../../src/engine/env/fault-env.js';
import { NodeEnv } from '../../src/engine/env/node-env.js';
import { EntryKind, type BatchOp, type EngineLogger, type FsyncPolicy, type SequenceNumber } from '../../src/engine/types.js';
import { RECORD_HEADER_SIZE, readLogRecords } from '../../src/engine/wal/log-format.js';
import { WalCorruptionError, replayWal } from '../../src/engine/wal/wal-replay.js';
import { WalWriter, walFileName } from '../../src/engine/wal/wal-writer.js';
import { mulberry32 as rng } from '../support/prng.js';

let dir = '';
test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-wal-'));
});
test.after.each(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Batch i: a put of k<i> (and a delete of d<i> when i is even), starting at sequence 10 * i. */
function batch(i: number): { firstSeq: SequenceNumber; ops: BatchOp[] } {
  const ops: BatchOp[] = [{ kind: EntryKind.Put, key: `k${i}`, value: Buffer.from(`value ${i}`) }];
  if (i % 2 === 0) ops.push({ kind: EntryKind.Delete, key: `d${i}` });
  return { firstSeq: 10 * i, ops };
}

function append(writer: WalWriter, i: number): Promise<void> {
  const { firstSeq, ops } = batch(i);
  return writer.append(firstSeq, ops);
}

function collectingLogger(): { logger: EngineLogger; lines: string[] } {
  const lines: string[] = [];
  return { logger: (level, message) => lines.push(`${level}: ${message}`), lines };
}

async function replayIds(env = new NodeEnv(), segments: number[], truncateCorrupt = false, logger?: EngineLogger) {
  const ids: number[] = [];
  const result = await replayWal({ env, dir, segments, truncateCorrupt, logger }, (firstSeq, ops) => {
    const expected = batch(firstSeq / 10);
    assert.is(ops.length, expected.ops.length);
    assert.is(ops[0].key, expected.ops[0].key);
    ids.push(firstSeq / 10);
  });
  return { ids, ...result };
}

function segmentPath(n: number): string {
  return path.join(dir, walFileName(n));
}

async function writeSegments(policy: FsyncPolicy, perSegment: number[][]): Promise<void> {
  const writer = await WalWriter.create({ env: new NodeEnv(), dir, fsync: policy }, 1);
  for (let s = 0; s < perSegment.length; s++) {
    if (s > 0) await writer.rotate(s + 1);
    await Promise.all(perSegment[s].map((i) => append(writer, i)));
  }
  await writer.close();
}

test('1000 appends in one turn form one group: one write, one fsync under always', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const writer = await WalWriter.create({ env, dir, fsync: 'always' }, 7);
  const promises: Promise<void>[] = [];
  for (let i = 1; i <= 1000; i++) promises.push(append(writer, i));
  assert.ok(writer.stats().pendingBytes > 0);
  await Promise.all(promises);
  const stats = writer.stats();
  assert.is(stats.groups, 1);
  assert.is(stats.records, 1000);
  assert.is(stats.syncs, 1);
  assert.is(stats.pendingBytes, 0);
  assert.is(env.writeCount, 1);
  assert.is(env.syncCount, 1);
  assert.is(env.durableLength(segmentPath(7)), stats.bytesWritten);
  await writer.close();
  const { ids, lastSequence } = await replayIds(env, [7]);
  assert.equal(ids, Array.from({ length: 1000 }, (_, i) => i + 1));
  assert.is(lastSequence, 10001); // batch 1000 holds two ops: 10000 and 10001
});

test('appends made while a group is being written form the next group, in order', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const writer = await WalWriter.create({ env, dir, fsync: 'always' }, 1);
  const done: number[] = [];
  const first = [1, 2, 3].map((i) => append(writer, i).then(() => done.push(i)));
  // Next turn: the first group's write is in flight, so these must wait for it.
  await new Promise((resolve) => setImmediate(resolve));
  const second = [4, 5].map((i) => append(writer, i).then(() => done.push(i)));
  await Promise.all([...first, ...second]);
  assert.equal(done, [1, 2, 3, 4, 5]);
  assert.is(writer.stats().groups, 2);
  assert.is(env.syncCount, 2);
  await writer.close();
  assert.equal((await replayIds(env, [1])).ids, [1, 2, 3, 4, 5]);
});

test("policy 'no' never fsyncs until close; 'everysec' fsyncs within about a second", async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const lazy = await WalWriter.create({ env, dir, fsync: 'no' }, 1);
  for (let turn = 0; turn < 3; turn++) await Promise.all([append(lazy, 3 * turn + 1), append(lazy, 3 * turn + 2)]);
  assert.is(lazy.stats().groups, 3);
  assert.is(env.syncCount, 0);
  assert.is(env.durableLength(segmentPath(1)), 0);
  await lazy.close();
  assert.is(env.syncCount, 1, 'close syncs');

  const periodic = await WalWriter.create({ env, dir, fsync: 'everysec' }, 2);
  await append(periodic, 1);
  assert.is(periodic.stats().syncs, 0, 'an everysec append does not wait for fsync');
  await new Promise((resolve) => setTimeout(resolve, 1300));
  assert.is(periodic.stats().syncs, 1);
  assert.is(env.durableLength(segmentPath(2)), periodic.stats().bytesWritten);
  await periodic.close();
});

test('setFsyncPolicy switches to fsync per group', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const writer = await WalWriter.create({ env, dir, fsync: 'no' }, 1);
  await append(writer, 1);
  assert.is(env.syncCount, 0);
  writer.setFsyncPolicy('always');
  await append(writer, 2);
  assert.is(env.syncCount, 1);
  assert.is(env.durableLength(segmentPath(1)), writer.stats().bytesWritten);
  await writer.close();
});

test('rotate: appends before it land in the old segment, appends after it in the new one', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const writer = await WalWriter.create({ env, dir, fsync: 'no' }, 3);
  const before = [1, 2, 3].map((i) => append(writer, i));
  const rotated = writer.rotate(4);
  assert.is(writer.segmentNumber, 4);
  const after = [4, 5].map((i) => append(writer, i));
  await rotated;
  // The old segment is complete and durable once rotate resolves, even under 'no'.
  assert.is(env.durableLength(segmentPath(3)), fs.statSync(segmentPath(3)).size);
  await Promise.all([...before, ...after]);
  await writer.close();
  assert.equal((await replayIds(env, [3])).ids, [1, 2, 3]);
  assert.equal((await replayIds(env, [4])).ids, [4, 5]);
  const all = await replayIds(env, [3, 4]);
  assert.equal(all.ids, [1, 2, 3, 4, 5]);
  assert.is(all.batches, 5);
  assert.is(all.lastSequence, 50);
  assert.is(all.truncated, false);
});

test('sync() makes earlier appends durable under everysec without waiting for the timer', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const writer = await WalWriter.create({ env, dir, fsync: 'everysec' }, 1);
  const appended = append(writer, 1);
  await writer.sync();
  await appended;
  assert.is(env.durableLength(segmentPath(1)), writer.stats().bytesWritten);
  await writer.close();
});

test('a torn tail in the last segment is truncated and logged', async () => {
  await writeSegments('no', [[1, 2], [3, 4, 5]]);
  const full = fs.readFileSync(segmentPath(2));
  const records = readLogRecords(full).records;
  const lastStart = full.length - RECORD_HEADER_SIZE - records[2].length;
  fs.truncateSync(segmentPath(2), full.length - 3);
  const { logger, lines } = collectingLogger();
  const result = await replayIds(new NodeEnv(), [1, 2], false, logger);
  assert.equal(result.ids, [1, 2, 3, 4]);
  assert.is(result.truncated, true);
  assert.is(result.lastSequence, 41); // batch 4 = put at 40, delete at 41
  assert.is(fs.statSync(segmentPath(2)).size, lastStart);
  assert.is(lines.length, 1);
  assert.match(lines[0], /^warning: /);
  assert.ok(lines[0].includes(segmentPath(2)) && lines[0].includes(`offset ${lastStart}`), lines[0]);
  // A second replay sees a clean log.
  assert.is((await replayIds(new NodeEnv(), [1, 2])).truncated, false);
});

test('a torn tail before trailing empty segments still counts as the tail', async () => {
  await writeSegments('no', [[1, 2], []]);
  fs.truncateSync(segmentPath(1), fs.statSync(segmentPath(1)).size - 1);
  const result = await replayIds(new NodeEnv(), [1, 2]);
  assert.equal(result.ids, [1]);
  assert.is(result.truncated, true);
});

test('a torn tail in an older segment is a WalCorruptionError', async () => {
  await writeSegments('no', [[1, 2], [3]]);
  const size = fs.statSync(segmentPath(1)).size;
  fs.truncateSync(segmentPath(1), size - 1);
  const error = await replayIds(new NodeEnv(), [1, 2]).then(
    () => null,
    (e: unknown) => e,
  );
  assert.instance(error, WalCorruptionError);
  assert.is((error as WalCorruptionError).file, segmentPath(1));
});

test('a bit flip mid-file is a WalCorruptionError naming file, offset and the way out', async () => {
  await writeSegments('no', [[1, 2, 3], [4]]);
  const data = fs.readFileSync(segmentPath(1));
  const secondRecord = RECORD_HEADER_SIZE + readLogRecords(data).records[0].length;
  data[secondRecord + RECORD_HEADER_SIZE + 2] ^= 0x10;
  fs.writeFileSync(segmentPath(1), data);
  const applied: number[] = [];
  const error = await replayWal(
    { env: new NodeEnv(), dir, segments: [1, 2], truncateCorrupt: false },
    (firstSeq) => applied.push(firstSeq / 10),
  ).then(
    () => null,
    (e: unknown) => e,
  );
  assert.instance(error, WalCorruptionError);
  const corruption = error as WalCorruptionError;
  assert.is(corruption.file, segmentPath(1));
  assert.is(corruption.offset, secondRecord);
  assert.ok(corruption.message.includes(segmentPath(1)), corruption.message);
  assert.ok(corruption.message.includes(`offset ${secondRecord}`), corruption.message);
  assert.ok(corruption.message.includes('wal-truncate-corrupt') && corruption.message.includes('--repair'), corruption.message);
  assert.equal(applied, [1]);
  assert.is(fs.statSync(segmentPath(1)).size, data.length, 'nothing is truncated without the option');
  assert.ok(fs.existsSync(segmentPath(2)));
});

test('truncateCorrupt cuts at the damage, deletes later segments and says how much went', async () => {
  await writeSegments('no', [[1, 2, 3], [4], [5, 6]]);
  const data = fs.readFileSync(segmentPath(1));
  const secondRecord = RECORD_HEADER_SIZE + readLogRecords(data).records[0].length;
  data[secondRecord + RECORD_HEADER_SIZE] ^= 1;
  fs.writeFileSync(segmentPath(1), data);
  const { logger, lines } = collectingLogger();
  const result = await replayIds(new NodeEnv(), [1, 2, 3], true, logger);
  assert.equal(result.ids, [1]);
  assert.is(result.truncated, true);
  assert.is(fs.statSync(segmentPath(1)).size, secondRecord);
  assert.not.ok(fs.existsSync(segmentPath(2)));
  assert.not.ok(fs.existsSync(segmentPath(3)));
  assert.is(lines.length, 1);
  assert.ok(lines[0].startsWith('warning: ') && lines[0].includes('2 later segment(s)'), lines[0]);
  assert.equal((await replayIds(new NodeEnv(), [1])).ids, [1]);
});

test('a record with a good checksum but a malformed batch is corruption too', async () => {
  const env = new NodeEnv();
  const writer = await WalWriter.create({ env, dir, fsync: 'no' }, 1);
  await append(writer, 1);
  await writer.close();
  // Append a well-framed record whose payload is not a batch, then a good one after it.
  const { encodeRecord } = await import('../../src/engine/wal/log-format.js');
  const good = fs.readFileSync(segmentPath(1));
  fs.writeFileSync(segmentPath(1), Buffer.concat([good, encodeRecord(Buffer.from('garbage!')), good]));
  const error = await replayIds(env, [1]).then(
    () => null,
    (e: unknown) => e,
  );
  assert.instance(error, WalCorruptionError);
  assert.is((error as WalCorruptionError).offset, good.length);
});

test('a failed fsync rejects the group and every later append; close still closes', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const { logger, lines } = collectingLogger();
  const writer = await WalWriter.create({ env, dir, fsync: 'always', logger }, 1);
  await append(writer, 1);
  env.failNextSync('.log');
  const failed = await Promise.allSettled([append(writer, 2), append(writer, 3)]);
  for (const outcome of failed) {
    assert.is(outcome.status, 'rejected');
    assert.is(((outcome as PromiseRejectedResult).reason as NodeJS.ErrnoException).code, 'EIO');
  }
  assert.is((writer.error as NodeJS.ErrnoException | null)?.code, 'EIO');
  assert.is(lines.length, 1);
  const later = await append(writer, 4).then(
    () => null,
    (e: unknown) => e,
  );
  assert.is(later, writer.error, 'sticky');
  assert.is(await writer.rotate(2).catch((e: unknown) => e), writer.error);
  assert.is(await writer.sync().catch((e: unknown) => e), writer.error);
  const closed = await writer.close().then(
    () => null,
    (e: unknown) => e,
  );
  assert.is(closed, writer.error);
});

test('a failed write (ENOSPC) rejects the appends with that error', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const writer = await WalWriter.create({ env, dir, fsync: 'everysec' }, 1);
  env.failWrites(injectedError('ENOSPC', 'disk full'));
  const outcome = await append(writer, 1).then(
    () => null,
    (e: unknown) => e as NodeJS.ErrnoException,
  );
  assert.is(outcome?.code, 'ENOSPC');
  assert.is(writer.error, outcome);
  env.failWrites(null);
  await writer.close().catch(() => undefined);
});

test('power loss keeps synced records and loses only unsynced ones', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const writer = await WalWriter.create({ env, dir, fsync: 'no' }, 1);
  await Promise.all([1, 2, 3].map((i) => append(writer, i)));
  await writer.sync();
  await Promise.all([4, 5].map((i) => append(writer, i)));
  assert.ok(fs.statSync(segmentPath(1)).size > env.durableLength(segmentPath(1))!, 'unsynced bytes reached the OS');
  await env.dropUnsyncedData();
  assert.equal((await replayIds(env, [1])).ids, [1, 2, 3]);
  await writer.close().catch(() => undefined);
});

test('a write torn by a crash is cut off on replay; acknowledged records survive', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const writer = await WalWriter.create({ env, dir, fsync: 'always' }, 1);
  await Promise.all([1, 2].map((i) => append(writer, i)));
  env.tearNextAppend(11);
  const torn = await Promise.allSettled([append(writer, 3), append(writer, 4)]);
  assert.ok(torn.every((outcome) => outcome.status === 'rejected'));
  assert.ok(env.crashed);
  await writer.close().catch(() => undefined);
  await env.dropUnsyncedData();
  const { logger, lines } = collectingLogger();
  const result = await replayIds(env, [1], false, logger);
  assert.equal(result.ids, [1, 2]);
  // With fsync always, the torn bytes were never durable: power loss already removed them.
  assert.is(result.truncated, false);
  assert.is(lines.length, 0);
});

test('a torn write that reached the disk (process crash, no power loss) is truncated on replay', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const writer = await WalWriter.create({ env, dir, fsync: 'no' }, 1);
  await append(writer, 1);
  env.tearNextAppend(5);
  await append(writer, 2).catch(() => undefined);
  await writer.close().catch(() => undefined);
  env.reset();
  const result = await replayIds(env, [1]);
  assert.equal(result.ids, [1]);
  assert.is(result.truncated, true);
});

test('appends after close are refused without poisoning the writer', async () => {
  const writer = await WalWriter.create({ env: new NodeEnv(), dir, fsync: 'no' }, 1);
  await writer.close();
  const error = await append(writer, 1).then(
    () => null,
    (e: unknown) => e,
  );
  assert.instance(error, Error);
  assert.is(writer.error, null, 'a refused append after close is not a WAL failure');
});


test('random batches across turns and rotations replay byte for byte', async () => {
  const seed = Number(process.env.TEST_SEED ?? 20240611);
  const random = rng(seed);
  const bytes = (max: number): Buffer => {
    const out = Buffer.alloc(Math.floor(random() * max));
    for (let i = 0; i < out.length; i++) out[i] = Math.floor(random() * 256);
    return out;
  };
  const written: Array<{ firstSeq: number; ops: BatchOp[] }> = [];
  const writer = await WalWriter.create({ env: new NodeEnv(), dir, fsync: 'no' }, 1);
  const segments = [1];
  let seq = 1;
  const pending: Promise<void>[] = [];
  for (let turn = 0; turn < 40; turn++) {
    const batches = 1 + Math.floor(random() * 30);
    for (let b = 0; b < batches; b++) {
      const ops: BatchOp[] = [];
      const count = Math.floor(random() * 4);
      for (let o = 0; o < count; o++) {
        const key = bytes(40).toString('latin1');
        ops.push(random() < 0.8 ? { kind: EntryKind.Put, key, value: bytes(random() < 0.05 ? 70000 : 200) } : { kind: EntryKind.Delete, key });
      }
      written.push({ firstSeq: seq, ops });
      pending.push(writer.append(seq, ops));
      seq += ops.length;
    }
    if (random() < 0.1) {
      segments.push(segments[segments.length - 1] + 1 + Math.floor(random() * 3));
      pending.push(writer.rotate(segments[segments.length - 1]));
    }
    if (random() < 0.5) await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(pending);
  await writer.close();
  assert.ok(segments.length > 2, `seed ${seed} should exercise rotation`);
  const replayed: Array<{ firstSeq: number; ops: BatchOp[] }> = [];
  const result = await replayWal({ env: new NodeEnv(), dir, segments, truncateCorrupt: false }, (firstSeq, ops) =>
    replayed.push({ firstSeq, ops }),
  );
  const normalise = (batches: typeof written): unknown =>
    batches.map(({ firstSeq, ops }) => [firstSeq, ops.map((op) => [op.kind, op.key, op.kind === EntryKind.Put ? op.value.toString('hex') : null])]);
  assert.equal(normalise(replayed), normalise(written), `seed ${seed}`);
  assert.is(result.lastSequence, written.reduce((last, b) => (b.ops.length > 0 ? b.firstSeq + b.ops.length - 1 : last), 0), `seed ${seed}`);
});

test.run();
