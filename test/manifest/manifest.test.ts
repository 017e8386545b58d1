import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FaultInjectingEnv } from '../../src/engine/env/fault-env.js';
import { NodeEnv } from '../../src/engine/env/node-env.js';
import { CorruptionError } from '../../src/engine/errors.js';
import type { EngineLogger } from '../../src/engine/types.js';
import { ManifestWriter, manifestFileName, readCurrentManifest } from '../../src/engine/manifest/manifest-file.js';
import { decodeVersionEdit, encodeVersionEdit, type FileMeta, type VersionEdit } from '../../src/engine/manifest/version-edit.js';

let dir = '';
test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-manifest-'));
});
test.after.each(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function table(fileNumber: number, smallest: string, largest: string): FileMeta {
  return { fileNumber, size: 4096 * fileNumber, entries: 100 + fileNumber, smallest, largest, smallestSeq: fileNumber * 1000, largestSeq: fileNumber * 1000 + 999 };
}

const snapshot: VersionEdit = {
  logNumber: 12,
  nextFileNumber: 20,
  lastSequence: 2 ** 40 + 3,
  deletedFiles: [],
  newFiles: [
    { level: 0, file: table(9, 'a', 'm') },
    { level: 1, file: table(7, '\x00\r\n', '\xff\xfe binary') },
    { level: 6, file: table(8, '', 'z'.repeat(300)) },
  ],
};
const flush: VersionEdit = { logNumber: 13, nextFileNumber: 22, lastSequence: 2 ** 40 + 50, deletedFiles: [], newFiles: [{ level: 0, file: table(21, 'b', 'c') }] };
const compaction: VersionEdit = { deletedFiles: [{ level: 0, fileNumber: 9 }, { level: 0, fileNumber: 21 }], newFiles: [{ level: 1, file: table(23, 'a', 'm') }] };

function collectingLogger(): { logger: EngineLogger; lines: string[] } {
  const lines: string[] = [];
  return { logger: (level, message) => lines.push(`${level}: ${message}`), lines };
}

function expectCorruption(run: () => unknown, file: string, offset?: number): CorruptionError {
  try {
    run();
  } catch (error) {
    assert.instance(error, CorruptionError);
    const corruption = error as CorruptionError;
    assert.is(corruption.file, file);
    if (offset !== undefined) assert.is(corruption.offset, offset);
    return corruption;
  }
  assert.unreachable('expected a CorruptionError');
  throw new Error('unreachable');
}

test('version edits round-trip, optional fields stay absent', () => {
  for (const edit of [snapshot, flush, compaction, { deletedFiles: [], newFiles: [] }]) {
    assert.equal(decodeVersionEdit(encodeVersionEdit(edit), 'M', 0), edit);
  }
  const bare = decodeVersionEdit(encodeVersionEdit(compaction), 'M', 0);
  assert.not.ok('logNumber' in bare);
  assert.not.ok('lastSequence' in bare);
});

test('garbage edits are CorruptionErrors naming file and offset', () => {
  const good = encodeVersionEdit(snapshot);
  const cases: Buffer[] = [
    Buffer.from([99, 1]), // unknown tag
    good.subarray(0, good.length - 1), // cut short
    Buffer.from([4, 64, 1]), // level out of range
    Buffer.from([5, 0, 1, 1, 1, 200, 1]), // key length past the end
    Buffer.from([1, 0x80]), // truncated varint
  ];
  for (const payload of cases) expectCorruption(() => decodeVersionEdit(payload, 'MANIFEST-000003', 77), 'MANIFEST-000003', 77);
});

test('create + append, then read back through CURRENT', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  assert.is(readCurrentManifest(env, dir), null, 'a new database has no CURRENT');
  const writer = await ManifestWriter.create(env, dir, 5, snapshot);
  assert.is(fs.readFileSync(path.join(dir, 'CURRENT'), 'latin1'), 'MANIFEST-000005\n');
  assert.not.ok(fs.existsSync(path.join(dir, 'CURRENT.tmp')));
  const sizeAfterSnapshot = writer.size;
  await writer.append(flush);
  await writer.append(compaction);
  assert.ok(writer.size > sizeAfterSnapshot);
  assert.is(writer.size, fs.statSync(path.join(dir, manifestFileName(5))).size);
  assert.is(env.durableLength(path.join(dir, manifestFileName(5))), writer.size, 'every edit is fsynced');
  await writer.close();
  assert.equal(readCurrentManifest(env, dir), { manifestNumber: 5, edits: [snapshot, flush, compaction] });
});

test('concurrent appends are written one at a time in call order', async () => {
  const env = new NodeEnv();
  const writer = await ManifestWriter.create(env, dir, 1, snapshot);
  const edits = Array.from({ length: 20 }, (_, i): VersionEdit => ({ lastSequence: i, deletedFiles: [], newFiles: [] }));
  await Promise.all(edits.map((edit) => writer.append(edit)));
  await writer.close();
  assert.equal(readCurrentManifest(env, dir)?.edits, [snapshot, ...edits]);
});

test('a failed manifest fsync rejects that edit and every later one', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const writer = await ManifestWriter.create(env, dir, 1, snapshot);
  env.failNextSync('MANIFEST');
  const first = await writer.append(flush).catch((e: unknown) => e as NodeJS.ErrnoException);
  assert.is(first?.code, 'EIO');
  const second = await writer.append(compaction).catch((e: unknown) => e);
  assert.is(second, first);
  await writer.close();
});

test('a torn manifest tail is logged and ignored', async () => {
  const env = new NodeEnv();
  const writer = await ManifestWriter.create(env, dir, 2, snapshot);
  await writer.append(flush);
  const goodSize = writer.size;
  await writer.append(compaction);
  await writer.close();
  const manifestPath = path.join(dir, manifestFileName(2));
  // Longest cut first: truncating to a larger size would zero-extend the file instead.
  for (const cut of [fs.statSync(manifestPath).size - goodSize - 1, 9, 1]) {
    fs.truncateSync(manifestPath, goodSize + cut);
    const { logger, lines } = collectingLogger();
    assert.equal(readCurrentManifest(env, dir, logger)?.edits, [snapshot, flush], `cut ${cut}`);
    assert.is(lines.length, 1);
    assert.ok(lines[0].startsWith('warning: ') && lines[0].includes(`offset ${goodSize}`), lines[0]);
  }
});

test('corruption before the tail of the manifest is an error with file and offset', async () => {
  const env = new NodeEnv();
  const writer = await ManifestWriter.create(env, dir, 2, snapshot);
  const snapshotSize = writer.size;
  await writer.append(flush);
  await writer.append(compaction);
  await writer.close();
  const manifestPath = path.join(dir, manifestFileName(2));
  const data = fs.readFileSync(manifestPath);
  data[snapshotSize + 10] ^= 4;
  fs.writeFileSync(manifestPath, data);
  expectCorruption(() => readCurrentManifest(env, dir), manifestPath, snapshotSize);
});

test('a bad or dangling CURRENT is a CorruptionError naming CURRENT', async () => {
  const env = new NodeEnv();
  const currentPath = path.join(dir, 'CURRENT');
  fs.writeFileSync(currentPath, 'MANIFEST-000009\n');
  const dangling = expectCorruption(() => readCurrentManifest(env, dir), currentPath);
  assert.ok(dangling.message.includes('MANIFEST-000009'), dangling.message);
  for (const content of ['', 'garbage\n', 'MANIFEST-\n', 'MANIFEST-000001\nMANIFEST-000002\n']) {
    fs.writeFileSync(currentPath, content);
    expectCorruption(() => readCurrentManifest(env, dir), currentPath, 0);
  }
  fs.writeFileSync(path.join(dir, manifestFileName(4)), '');
  fs.writeFileSync(currentPath, 'MANIFEST-000004\n');
  expectCorruption(() => readCurrentManifest(env, dir), path.join(dir, manifestFileName(4)), 0);
});

test('switching manifests: the old one stays current and readable until the rename', async () => {
  const inner = new NodeEnv();
  const first = await ManifestWriter.create(inner, dir, 1, snapshot);
  await first.append(flush);
  await first.close();

  const newSnapshot: VersionEdit = { ...flush, newFiles: [...snapshot.newFiles, ...flush.newFiles] };
  let checkedBeforeRename = false;
  let durableBeforeRename = false;
  /** Looks at the database the instant before CURRENT is switched. */
  class WatchingEnv extends FaultInjectingEnv {
    override async rename(from: string, to: string): Promise<void> {
      if (to === path.join(dir, 'CURRENT')) {
        assert.equal(readCurrentManifest(inner, dir), { manifestNumber: 1, edits: [snapshot, flush] });
        const newPath = path.join(dir, manifestFileName(2));
        const size = fs.statSync(newPath).size;
        durableBeforeRename = size > 0 && this.durableLength(newPath) === size && this.dirSyncCount > 0;
        checkedBeforeRename = true;
      }
      return super.rename(from, to);
    }
  }
  const watching = new WatchingEnv(inner);
  const second = await ManifestWriter.create(watching, dir, 2, newSnapshot);
  await second.close();
  assert.ok(checkedBeforeRename);
  assert.ok(durableBeforeRename, 'the new manifest is fsynced before CURRENT points at it');
  assert.equal(readCurrentManifest(inner, dir), { manifestNumber: 2, edits: [newSnapshot] });
  assert.ok(fs.existsSync(path.join(dir, manifestFileName(1))), 'deleting the old manifest is the caller’s job');
});

test('power loss right after create keeps the new manifest complete', async () => {
  const env = new FaultInjectingEnv(new NodeEnv());
  const writer = await ManifestWriter.create(env, dir, 3, snapshot);
  await writer.append(flush);
  await env.dropUnsyncedData();
  assert.equal(readCurrentManifest(env, dir), { manifestNumber: 3, edits: [snapshot, flush] });
});

test.run();
