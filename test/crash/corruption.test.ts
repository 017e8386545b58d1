/**
 * Damaged files at the engine level: a torn WAL tail is cut and logged; a flipped bit in a WAL
 * record, an SSTable block, the MANIFEST or CURRENT is an error naming the file and the offset,
 * never wrong data; repairDb rebuilds a working database from what passes its checks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Db } from '../../src/engine/db.js';
import { CorruptionError } from '../../src/engine/errors.js';
import { repairDb, verifyLiveTables } from '../../src/engine/repair.js';
import { VersionSet } from '../../src/engine/manifest/version-set.js';
import type { FileMeta } from '../../src/engine/manifest/version-edit.js';
import { encodeRecord } from '../../src/engine/wal/log-format.js';
import { encodeBatchInto, encodedBatchSize } from '../../src/engine/wal/batch-codec.js';
import { EntryKind, type BatchOp, type EngineLogger } from '../../src/engine/types.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-corrupt-'));
  dirs.push(dir);
  return dir;
}
test.after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const put = (key: string, value: string): BatchOp => ({ kind: EntryKind.Put, key, value: Buffer.from(value) });
const key = (i: number): string => `key${String(i).padStart(4, '0')}`;
const OPTIONS = { blockSize: 256, autoCompaction: false } as const;

function captureLog(): { lines: string[]; logger: EngineLogger } {
  const lines: string[] = [];
  return { lines, logger: (level, message) => lines.push(`${level}: ${message}`) };
}

/**
 * Two tables (keys 0-199 then 200-399, with key 0 overwritten in the second) and a clean close.
 * Returns the table files, oldest first, and the last sequence number.
 */
async function twoTables(dir: string): Promise<{ tables: string[]; lastSequence: number }> {
  const db = await Db.open({ dir, ...OPTIONS });
  for (let i = 0; i < 200; i += 10) await db.write(Array.from({ length: 10 }, (_, j) => put(key(i + j), `first-${i + j}`)));
  await db.flush();
  for (let i = 200; i < 400; i += 10) await db.write(Array.from({ length: 10 }, (_, j) => put(key(i + j), `second-${i + j}`)));
  await db.write([put(key(0), 'rewritten')]);
  await db.close();
  const tables = fs.readdirSync(dir).filter((n) => n.endsWith('.sst')).sort();
  assert.is(tables.length, 2, `tables: ${tables.join(', ')}`);
  return { tables, lastSequence: db.lastSequence };
}

/** A WAL segment as the writer leaves it: one record per batch. Returns each record's offset. */
function writeSegment(file: string, firstSeq: number, batches: BatchOp[][]): number[] {
  const offsets: number[] = [];
  const records: Buffer[] = [];
  let offset = 0;
  let seq = firstSeq;
  for (const ops of batches) {
    const payload = Buffer.alloc(encodedBatchSize(ops));
    encodeBatchInto(payload, 0, seq, ops);
    seq += ops.length;
    const record = encodeRecord(payload);
    offsets.push(offset);
    offset += record.length;
    records.push(record);
  }
  fs.writeFileSync(file, Buffer.concat(records));
  return offsets;
}

/** A segment numbered above every file in the directory, so the next open replays it. */
function nextSegmentPath(dir: string): string {
  let max = 0;
  for (const name of fs.readdirSync(dir)) {
    const m = /(\d{6,})/.exec(name);
    if (m !== null) max = Math.max(max, Number(m[1]));
  }
  return path.join(dir, `${String(max + 1).padStart(6, '0')}.log`);
}

function flipBit(file: string, offset: number, bit = 0): void {
  const data = fs.readFileSync(file);
  data[offset] ^= 1 << bit;
  fs.writeFileSync(file, data);
}

async function rejection(work: () => unknown): Promise<Error> {
  try {
    await work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

async function value(db: Db, k: string): Promise<string | undefined> {
  return (await db.get(k))?.toString();
}

async function allKeys(db: Db): Promise<Map<string, string>> {
  const it = db.iterator();
  const out = new Map<string, string>();
  for (let e = await it.next(); e !== undefined; e = await it.next()) out.set(e.key, e.value.toString());
  return out;
}

function threeBatches(): BatchOp[][] {
  return [[put('wal-a', '1'), put(key(1), 'from-wal')], [put('wal-b', '2')], [put('wal-c', '3')]];
}

test('a torn WAL tail is cut at the last whole record and logged', async () => {
  const dir = tempDir();
  const { lastSequence } = await twoTables(dir);
  const segment = nextSegmentPath(dir);
  const offsets = writeSegment(segment, lastSequence + 1, threeBatches());
  const fullSize = fs.statSync(segment).size;
  fs.truncateSync(segment, fullSize - 3);
  const { lines, logger } = captureLog();
  const db = await Db.open({ dir, logger, ...OPTIONS });
  assert.is(await value(db, 'wal-a'), '1');
  assert.is(await value(db, key(1)), 'from-wal');
  assert.is(await value(db, 'wal-b'), '2');
  assert.is(await value(db, 'wal-c'), undefined);
  assert.is(await value(db, key(300)), 'second-300');
  await db.close();
  assert.ok(lines.some((l) => l.includes('torn tail') && l.includes(segment) && l.includes(`offset ${offsets[2]}`)), lines.join('\n'));
});

test('a flipped bit inside a middle WAL record stops the open with file and offset; wal-truncate-corrupt keeps what came before', async () => {
  const dir = tempDir();
  const { lastSequence } = await twoTables(dir);
  const segment = nextSegmentPath(dir);
  const offsets = writeSegment(segment, lastSequence + 1, threeBatches());
  flipBit(segment, offsets[1] + 12, 3);
  const error = await rejection(() => Db.open({ dir, ...OPTIONS }));
  assert.instance(error, CorruptionError);
  assert.is((error as CorruptionError).file, segment);
  assert.is((error as CorruptionError).offset, offsets[1]);
  assert.match(error.message, 'wal-truncate-corrupt');

  const db = await Db.open({ dir, walTruncateCorrupt: true, ...OPTIONS });
  assert.is(await value(db, 'wal-a'), '1');
  assert.is(await value(db, 'wal-b'), undefined);
  assert.is(await value(db, 'wal-c'), undefined);
  assert.is(await value(db, key(0)), 'rewritten');
  await db.close();
});

test('a flipped bit in an SSTable data block fails the reads of that block only; repair rewrites the table without it', async () => {
  const dir = tempDir();
  const { tables } = await twoTables(dir);
  const older = path.join(dir, tables[0]);
  flipBit(older, 20);
  verifyLiveTables({ dir }); // data blocks are checked when read, not at open

  const db = await Db.open({ dir, ...OPTIONS });
  const getError = await rejection(() => db.get(key(1)));
  assert.instance(getError, CorruptionError);
  assert.is((getError as CorruptionError).file, older);
  assert.is((getError as CorruptionError).offset, 0);
  assert.is(await value(db, key(0)), 'rewritten', 'the newer table answers without touching the bad block');
  assert.is(await value(db, key(150)), 'first-150', 'other blocks of the damaged table still read');
  assert.is(await value(db, key(399)), 'second-399');
  const scanError = await rejection(() => allKeys(db));
  assert.instance(scanError, CorruptionError);
  await db.close();

  const { lines, logger } = captureLog();
  const report = await repairDb({ dir, logger });
  assert.is(report.source, 'manifest');
  assert.is(report.salvaged.length, 1);
  assert.is(report.salvaged[0].file, tables[0]);
  assert.is(report.salvaged[0].badBlocks, 1);
  assert.ok(fs.existsSync(path.join(dir, 'lost', tables[0])), 'the original is kept aside');
  assert.ok(lines.some((l) => l.includes(tables[0]) && l.includes('offset 0')), lines.join('\n'));
  verifyLiveTables({ dir });

  const repaired = await Db.open({ dir, ...OPTIONS });
  const all = await allKeys(repaired);
  const lostKeys = [...Array(200).keys()].filter((i) => !all.has(key(i)));
  assert.ok(lostKeys.length > 0 && lostKeys.length < 20, `one block of keys lost: ${lostKeys.join(',')}`);
  for (let i = 1; i < 400; i++) {
    if (lostKeys.includes(i)) continue;
    assert.is(all.get(key(i)), i < 200 ? `first-${i}` : `second-${i}`, key(i));
  }
  assert.is(all.get(key(0)), 'rewritten');
  await repaired.compactAll(); // would fail on the damaged block had it stayed
  assert.is(await value(repaired, key(150)), 'first-150');
  await repaired.close();
});

test('a table whose index cannot be read fails the reads that need it; repair sets it aside', async () => {
  const dir = tempDir();
  const { tables } = await twoTables(dir);
  const newer = path.join(dir, tables[1]);
  const size = fs.statSync(newer).size;
  flipBit(newer, size - 64 - 10); // inside the index block's trailer
  // The start-up check reads only footers (fast whatever the data size); the index is checked when
  // the table is first opened, and then only reads that need this table fail.
  verifyLiveTables({ dir });
  const damaged = await Db.open({ dir, ...OPTIONS });
  const error = await rejection(() => damaged.get(key(0)));
  await damaged.close();
  assert.instance(error, CorruptionError);
  assert.is((error as CorruptionError).file, newer);
  assert.ok((error as CorruptionError).offset > 0 && (error as CorruptionError).offset < size - 64, error.message);

  const report = await repairDb({ dir });
  assert.is(report.lost.length, 1);
  assert.is(report.lost[0].file, tables[1]);
  assert.ok(fs.existsSync(path.join(dir, 'lost', tables[1])));
  verifyLiveTables({ dir });
  const db = await Db.open({ dir, ...OPTIONS });
  assert.is(await value(db, key(0)), 'first-0', 'the older version shows again: its newer one was in the lost table');
  assert.is(await value(db, key(199)), 'first-199');
  assert.is(await value(db, key(300)), undefined);
  await db.close();
});

test('a flipped bit in the MANIFEST is refused with file and offset; repair rebuilds from the tables and the WAL', async () => {
  const dir = tempDir();
  const { lastSequence } = await twoTables(dir);
  // A segment the lost manifest had marked as flushed: replayed by repair, its old value of key 0
  // must not win over the table's newer one.
  writeSegment(path.join(dir, '000001.log'), 1, [[put(key(0), 'first-0')]]);
  writeSegment(nextSegmentPath(dir), lastSequence + 1, threeBatches());
  const manifest = fs.readdirSync(dir).find((n) => n.startsWith('MANIFEST-')) as string;
  flipBit(path.join(dir, manifest), 10);
  const error = await rejection(() => Db.open({ dir, ...OPTIONS }));
  assert.instance(error, CorruptionError);
  assert.is((error as CorruptionError).file, path.join(dir, manifest));
  assert.is((error as CorruptionError).offset, 0);
  const again = await rejection(() => verifyLiveTables({ dir }));
  assert.is(again.message, error.message);

  const report = await repairDb({ dir });
  assert.is(report.source, 'tables');
  assert.is(report.tablesKept, 2);
  assert.ok(report.merged);
  assert.ok(fs.existsSync(path.join(dir, 'lost', manifest)));
  const db = await Db.open({ dir, ...OPTIONS });
  assert.is(await value(db, key(0)), 'rewritten', 'a point read finds the newest version, not the replayed old one');
  const all = await allKeys(db);
  assert.is(all.get(key(0)), 'rewritten');
  assert.is(all.get(key(1)), 'from-wal');
  assert.is(all.get(key(2)), 'first-2');
  assert.is(all.get(key(399)), 'second-399');
  assert.is(all.get('wal-c'), '3');
  assert.is(all.size, 403);
  await db.close();
});

test('a flipped bit in CURRENT is refused; repair keeps the manifest it names and loses nothing', async () => {
  const dir = tempDir();
  await twoTables(dir);
  const current = path.join(dir, 'CURRENT');
  const manifest = fs.readFileSync(current, 'latin1').trim();
  for (const bit of [1, 6]) {
    flipBit(current, manifest.length - 1, bit); // the last digit: names a manifest that is not there
    const error = await rejection(() => Db.open({ dir, ...OPTIONS }));
    assert.instance(error, CorruptionError);
    assert.is((error as CorruptionError).file, current);
    flipBit(current, manifest.length - 1, bit);
  }
  flipBit(current, 0, 2); // 'M' -> 'I'
  const error = await rejection(() => Db.open({ dir, ...OPTIONS }));
  assert.is((error as CorruptionError).file, current);
  assert.match(error.message, 'IANIFEST');

  const report = await repairDb({ dir });
  assert.is(report.source, 'manifest');
  assert.is(report.manifestUsed, manifest);
  assert.not.ok(report.merged);
  assert.is(report.tablesKept, 2);
  const db = await Db.open({ dir, ...OPTIONS });
  const all = await allKeys(db);
  assert.is(all.size, 400);
  assert.is(all.get(key(0)), 'rewritten');
  assert.is(all.get(key(123)), 'first-123');
  await db.close();
});

test('a table the manifest lists but the directory lacks is refused; repair drops it from the list', async () => {
  const dir = tempDir();
  const { tables } = await twoTables(dir);
  fs.rmSync(path.join(dir, tables[1]));
  const error = await rejection(() => verifyLiveTables({ dir }));
  assert.instance(error, CorruptionError);
  assert.match(error.message, `${tables[1]} at offset 0: the manifest lists this table but the file is missing`);
  const report = await repairDb({ dir });
  assert.equal(report.lost.map((l) => [l.file, l.reason]), [[tables[1], 'missing']]);
  const db = await Db.open({ dir, ...OPTIONS });
  assert.is(await value(db, key(5)), 'first-5');
  await db.close();
});

test('repair of a directory without damage changes no data and a second repair is harmless', async () => {
  const dir = tempDir();
  await twoTables(dir);
  const first = await repairDb({ dir });
  const second = await repairDb({ dir });
  for (const report of [first, second]) {
    assert.is(report.source, 'manifest');
    assert.is(report.lost.length + report.salvaged.length, 0);
  }
  const db = await Db.open({ dir, ...OPTIONS });
  assert.is((await allKeys(db)).size, 400);
  await db.close();
});

test('L0 is ordered by largestSeq (newest data first), file number breaking ties', () => {
  const meta = (fileNumber: number, largestSeq: number): FileMeta => ({
    fileNumber, size: 1, entries: 1, smallest: 'a', largest: 'z', smallestSeq: 0, largestSeq,
  });
  const versions = new VersionSet(7);
  const version = versions.build({
    deletedFiles: [],
    newFiles: [meta(10, 5), meta(11, 50), meta(3, 70), meta(12, 50)].map((file) => ({ level: 0, file })),
  });
  assert.equal(version.levels[0].map((f) => f.fileNumber), [3, 12, 11, 10]);
});

test.run();
