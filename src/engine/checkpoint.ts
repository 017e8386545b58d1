/**
 * Checkpoints: a consistent, self-contained copy of a database directory that a server can start
 * on (layout in docs/format.md, "Checkpoints"), and the restore that copies one into a new data
 * directory. Db.checkpoint decides WHAT goes in (a pinned version); this module writes it.
 *
 * Why the memtable is flushed first rather than the WAL copied. A checkpoint could be the live
 * tables plus the WAL segments cut at the checkpoint's sequence number. Flushing first makes it
 * tables and a manifest only:
 *  - starting on it replays nothing, so a restore serves as fast as a clean restart;
 *  - nothing has to find the sequence cut inside WAL segments the group commit keeps appending
 *    to while the copy runs;
 *  - the cost is one early flush (at most a memtable's worth of writes, written in the background
 *    while clients go on), an L0 table compaction absorbs like any other.
 *
 * Crash safety. Everything is written into `<target>.tmp`: tables hard-linked (they are immutable
 * and already durable; copied and fsynced where a link is impossible, e.g. across file systems),
 * then MANIFEST and CURRENT exactly as a database writes them (fsynced, directory fsynced). Only
 * then is the directory renamed to `<target>` and its parent fsynced. A crash at any point leaves
 * either no `<target>` or a complete one; a `.tmp` directory is never a checkpoint.
 *
 * The work here is file-system calls on libuv's thread pool; the serving thread only issues them.
 * All of it goes through the Env, so the fault-injecting one can fail it (a full disk mid-copy, a
 * failing fsync) and the tests can show what is left.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from './env/env.js';
import { NodeEnv } from './env/node-env.js';
import { ManifestWriter, manifestFileName, readCurrentManifest } from './manifest/manifest-file.js';
import type { FileMeta, VersionEdit } from './manifest/version-edit.js';
import { VersionSet } from './manifest/version-set.js';
import { tableFileName } from './sstable/format.js';
import { DEFAULTS } from './options.js';
import type { SequenceNumber } from './types.js';

/** What Db.checkpoint hands over: a pinned version's tables and the counters its manifest needs. */
export interface CheckpointSource {
  /** The database directory the tables live in. */
  readonly dir: string;
  readonly levels: readonly (readonly FileMeta[])[];
  /** Every entry of the tables has a sequence number up to this one. */
  readonly lastSequence: SequenceNumber;
  /** Above every table number in `levels`. */
  readonly nextFileNumber: number;
}

export interface CheckpointInfo {
  /** The checkpoint directory (absolute). */
  readonly dir: string;
  readonly lastSequence: SequenceNumber;
  readonly tables: number;
  readonly bytes: number;
  /** Tables hard-linked / copied (copies happen where links are impossible). */
  readonly linked: number;
  readonly copied: number;
  readonly millis: number;
}

const CURRENT = 'CURRENT';
const TEMP_SUFFIX = '.tmp';
/** Errors saying "no hard link here", after which a copy does the job. */
const LINK_UNSUPPORTED = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);
/** The files that make a directory a database: WAL segments, tables, manifests and CURRENT. */
const DATA_FILE = /^(\d{6,}\.(log|sst)|MANIFEST-\d{6,}|CURRENT)$/;

/** Writes the checkpoint of `source` to `targetDir`, which must not exist yet. */
export async function writeCheckpoint(env: Env, source: CheckpointSource, targetDir: string): Promise<CheckpointInfo> {
  const started = Date.now();
  const target = path.resolve(targetDir);
  if (env.exists(target)) throw new Error(`checkpoint directory ${target} already exists`);
  const temp = target + TEMP_SUFFIX;
  // Left by an attempt that crashed or failed: never a checkpoint, start over.
  await env.removeTree(temp);
  env.mkdirp(temp);
  try {
    const newFiles: VersionEdit['newFiles'] = [];
    let bytes = 0;
    let linked = 0;
    let copied = 0;
    for (let level = 0; level < source.levels.length; level++) {
      for (const file of source.levels[level]) {
        const name = tableFileName(file.fileNumber);
        if (await linkOrCopy(env, path.join(source.dir, name), path.join(temp, name))) linked++;
        else copied++;
        bytes += file.size;
        newFiles.push({ level, file });
      }
    }
    const manifestNumber = source.nextFileNumber;
    const manifest = await ManifestWriter.create(env, temp, manifestNumber, {
      // No WAL segment belongs to a checkpoint: everything below the next file number is in tables.
      logNumber: manifestNumber + 1,
      nextFileNumber: manifestNumber + 1,
      lastSequence: source.lastSequence,
      deletedFiles: [],
      newFiles,
    });
    await manifest.close();
    await env.syncDir(temp);
    await env.rename(temp, target);
    await env.syncDir(path.dirname(target));
    return { dir: target, lastSequence: source.lastSequence, tables: newFiles.length, bytes, linked, copied, millis: Date.now() - started };
  } catch (error) {
    await env.removeTree(temp).catch(() => undefined);
    throw error;
  }
}

/** What a complete checkpoint holds, as its manifest says. */
export interface CheckpointContents {
  readonly dir: string;
  readonly manifestName: string;
  readonly tables: readonly FileMeta[];
  readonly lastSequence: SequenceNumber;
}

/**
 * Reads and checks a checkpoint (or any closed database directory): CURRENT names a manifest that
 * reads cleanly, and every table it lists is there with its recorded size. Throws an Error saying
 * what is wrong otherwise.
 */
export function readCheckpoint(checkpointDir: string): CheckpointContents {
  const dir = path.resolve(checkpointDir);
  const env = new NodeEnv();
  if (!env.exists(dir)) throw new Error(`checkpoint ${dir} does not exist`);
  const manifest = readCurrentManifest(env, dir);
  if (manifest === null) throw new Error(`${dir} is not a checkpoint: it has no ${CURRENT} file`);
  const versions = new VersionSet(DEFAULTS.levels);
  for (const edit of manifest.edits) versions.install(versions.build(edit));
  const tables = versions.current.allFiles();
  for (const table of tables) {
    const file = path.join(dir, tableFileName(table.fileNumber));
    if (!env.exists(file)) throw new Error(`${dir} is not a complete checkpoint: ${tableFileName(table.fileNumber)} is missing`);
    const size = env.fileSize(file);
    if (size !== table.size) {
      throw new Error(`${dir} is not a complete checkpoint: ${tableFileName(table.fileNumber)} has ${size} bytes, its manifest says ${table.size}`);
    }
  }
  return { dir, manifestName: manifestFileName(manifest.manifestNumber), tables, lastSequence: versions.lastSequence };
}

/** Names of the database files in `dir` (none for a missing directory). */
export async function dataFilesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => DATA_FILE.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Copies the checkpoint into `dataDir` (created if missing), which must hold no database files.
 * Copies, not links: the restored database must not share files with the checkpoint it came
 * from. CURRENT is written last, so an interrupted restore never looks like a database.
 * `onProgress` hears after each table how many bytes of the tables are copied, of how many.
 */
export async function restoreCheckpoint(
  checkpointDir: string,
  dataDir: string,
  onProgress?: (copiedBytes: number, totalBytes: number, tables: number) => void,
  env: Env = new NodeEnv(),
): Promise<CheckpointInfo> {
  const started = Date.now();
  const checkpoint = readCheckpoint(checkpointDir);
  const target = path.resolve(dataDir);
  const present = await dataFilesIn(target);
  if (present.length > 0) {
    const shown = present.length > 3 ? `${present.slice(0, 3).join(', ')}, ...` : present.join(', ');
    throw new Error(`the data directory ${target} already holds data (${shown}); restore into a new or empty directory`);
  }
  env.mkdirp(target);
  let bytes = 0;
  let copied = 0;
  const totalBytes = checkpoint.tables.reduce((sum, table) => sum + table.size, 0);
  for (const table of checkpoint.tables) {
    const name = tableFileName(table.fileNumber);
    await env.copyFileDurably(path.join(checkpoint.dir, name), path.join(target, name));
    bytes += table.size;
    onProgress?.(bytes, totalBytes, ++copied);
  }
  await env.copyFileDurably(path.join(checkpoint.dir, checkpoint.manifestName), path.join(target, checkpoint.manifestName));
  await env.syncDir(target);
  const currentTemp = path.join(target, CURRENT + TEMP_SUFFIX);
  await env.copyFileDurably(path.join(checkpoint.dir, CURRENT), currentTemp);
  await env.rename(currentTemp, path.join(target, CURRENT));
  await env.syncDir(target);
  return {
    dir: target,
    lastSequence: checkpoint.lastSequence,
    tables: checkpoint.tables.length,
    bytes,
    linked: 0,
    copied: checkpoint.tables.length,
    millis: Date.now() - started,
  };
}

/** Hard-links `from` to `to` (true), or copies it durably where the file system cannot (false). */
async function linkOrCopy(env: Env, from: string, to: string): Promise<boolean> {
  try {
    await env.link(from, to);
    return true;
  } catch (error) {
    if (!LINK_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
  await env.copyFileDurably(from, to);
  return false;
}
