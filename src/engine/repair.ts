/**
 * Damaged data files: the check the launcher runs before opening, and `--repair`, the way out when
 * the table list itself (CURRENT, MANIFEST) or a table cannot be trusted. In the spirit of
 * LevelDB's RepairDB and `redis-check-aof --fix`: keep everything that passes its checksums, set
 * aside what does not, and say what was done.
 *
 * How repair rebuilds the state:
 * - CURRENT damaged, a manifest still readable: that manifest's levels are kept as they were, so
 *   nothing is rewritten and files it did not list (orphans of an interrupted flush or compaction,
 *   possibly holding data that was since deleted) are not brought back.
 * - The manifest damaged: the levels are lost, so every table that passes its checks goes to L0
 *   (L0 is ordered by largestSeq, see version-set.ts), every WAL segment present is replayed, and
 *   everything is compacted once before the server serves. The merge is what makes the result
 *   right: a table that was in L1 may hold an older version of a key than an L0 table while having
 *   a larger largestSeq overall, and a segment the lost manifest already marked as flushed would
 *   otherwise put old values into the memtable above newer tables. Compaction merges by sequence
 *   number, so the newest version of every key wins whatever the file order.
 * - A table whose footer or meta blocks fail their checks cannot be opened at all: it is moved to
 *   `dir/lost/` and its data is gone (older versions of its keys in other tables may show again).
 * - A table with some damaged data blocks is rewritten without them (a new file number, the
 *   original moved to `dir/lost/`): its other blocks are good, and leaving the bad block in place
 *   would fail every compaction that ever reads it.
 * - WAL damage is cut at the first bad record, as `wal-truncate-corrupt yes` does (the launcher
 *   opens with that set when --repair is given).
 */
import path from 'node:path';
import type { Env } from './env/env.js';
import { NodeEnv } from './env/node-env.js';
import { CorruptionError } from './errors.js';
import type { EngineLogger, SequenceNumber } from './types.js';
import { ManifestWriter, manifestFileName, readCurrentManifest } from './manifest/manifest-file.js';
import { decodeVersionEdit, type FileMeta, type VersionEdit } from './manifest/version-edit.js';
import { VersionSet } from './manifest/version-set.js';
import { RECORD_HEADER_SIZE, readLogRecords } from './wal/log-format.js';
import { TableReader } from './sstable/table-reader.js';
import { TableBuilder } from './sstable/table-builder.js';
import { BlockCursor, DataBlock } from './sstable/block.js';
import { FOOTER_BYTES, decodeFooter, tableFileName } from './sstable/format.js';
import { DEFAULTS } from './options.js';
import { Db } from './db.js';

export interface RepairOptions {
  readonly dir: string;
  readonly env?: Env;
  readonly logger?: EngineLogger;
}

export interface LostTable {
  /** The table's name as it was in the data directory, e.g. '000012.sst'. */
  readonly file: string;
  /** Where it is now (under `dir/lost/`). */
  readonly movedTo: string;
  readonly reason: string;
}

export interface SalvagedTable {
  readonly file: string;
  /** The rewritten table holding the entries of the good blocks. */
  readonly newFile: string;
  readonly badBlocks: number;
  readonly entriesKept: number;
  readonly movedTo: string;
}

export interface RepairReport {
  /** Where the table list came from: a manifest that still reads cleanly, or the table files alone. */
  readonly source: 'manifest' | 'tables';
  /** The manifest whose levels were kept (source 'manifest'), else null. */
  readonly manifestUsed: string | null;
  /** The manifest repair wrote (CURRENT names it). */
  readonly manifestWritten: string;
  /** Tables in the rebuilt state, counting rewritten ones. */
  readonly tablesKept: number;
  readonly salvaged: readonly SalvagedTable[];
  readonly lost: readonly LostTable[];
  /** WAL segments the next open replays. */
  readonly walSegments: number;
  /** Whether everything was compacted once (source 'tables' with data in more than one place). */
  readonly merged: boolean;
}

const LOG_FILE = /^(\d{6,})\.log$/;
const TABLE_FILE = /^(\d{6,})\.sst$/;
const MANIFEST_FILE = /^MANIFEST-(\d{6,})$/;
const NUMBERED_FILE = /^(?:MANIFEST-)?(\d{6,})(?:\.sst|\.log)?$/;
export const LOST_DIR = 'lost';

const noopLogger: EngineLogger = () => {};

// ------------------------------------------------------------------------------- startup check

/**
 * Checks, before the engine opens, that every table the live manifest lists exists and that its
 * footer, filter, properties and index blocks pass their checksums (data blocks are checked when
 * read). Throws CorruptionError naming the file and offset; a damaged CURRENT or MANIFEST throws
 * the same error the engine's open would. Costs one read of each table's meta blocks.
 */
export function verifyLiveTables(options: { readonly dir: string; readonly env?: Env }): void {
  const env = options.env ?? new NodeEnv();
  const dir = path.resolve(options.dir);
  const manifest = readCurrentManifest(env, dir);
  if (manifest === null) return;
  const versions = new VersionSet(DEFAULTS.levels);
  for (const edit of manifest.edits) versions.install(versions.build(edit));
  for (const file of versions.current.allFiles()) {
    const tablePath = path.join(dir, tableFileName(file.fileNumber));
    if (!env.exists(tablePath)) throw new CorruptionError(tablePath, 0, 'the manifest lists this table but the file is missing');
    verifyTableMeta(env, tablePath);
  }
}

/**
 * The footer check of one table (magic, checksum, block handles inside the file): one 64-byte read,
 * so the start stays fast however much data there is. The meta blocks are verified when the table
 * is first opened; damage there then fails only the reads that need that table.
 */
function verifyTableMeta(env: Env, tablePath: string): void {
  const file = env.openRandomAccess(tablePath);
  try {
    const size = file.size;
    decodeFooter(file.readSync(Math.max(0, size - FOOTER_BYTES), FOOTER_BYTES), tablePath, size);
  } finally {
    file.close();
  }
}

// ------------------------------------------------------------------------------- repair

/** Rebuilds MANIFEST and CURRENT from what passes its checks; see the top of this file. */
export async function repairDb(options: RepairOptions): Promise<RepairReport> {
  const env = options.env ?? new NodeEnv();
  const dir = path.resolve(options.dir);
  const log = options.logger ?? noopLogger;
  const lostDir = path.join(dir, LOST_DIR);
  env.mkdirp(dir);
  log('warning', `repair of ${dir} starting: damaged files will be moved to ${lostDir}`);

  const names = env.readdir(dir);
  // New files must not reuse a number that some file (even one set aside earlier) carries.
  let nextFileNumber = 1;
  for (const name of [...names, ...(env.exists(lostDir) ? env.readdir(lostDir) : [])]) {
    const m = NUMBERED_FILE.exec(name);
    if (m !== null) nextFileNumber = Math.max(nextFileNumber, Number(m[1]) + 1);
  }
  const segments = numbersOf(names, LOG_FILE);
  const lost: LostTable[] = [];
  const salvaged: SalvagedTable[] = [];

  const setAside = async (name: string): Promise<string> => {
    env.mkdirp(lostDir);
    let target = path.join(lostDir, name);
    for (let n = 1; env.exists(target); n++) target = path.join(lostDir, `${name}.${n}`);
    await env.rename(path.join(dir, name), target);
    return target;
  };

  // Checks one table; returns what stands in for it in the new state, or null when nothing does.
  const keepTable = async (fileNumber: number): Promise<FileMeta | null> => {
    const name = tableFileName(fileNumber);
    if (!env.exists(path.join(dir, name))) {
      lost.push({ file: name, movedTo: '', reason: 'missing' });
      log('warning', `repair: table ${name} is listed but missing; its data is lost`);
      return null;
    }
    const check = checkTable(env, dir, fileNumber);
    if (check.kind === 'good') return check.meta;
    if (check.kind === 'unreadable') {
      const movedTo = await setAside(name);
      lost.push({ file: name, movedTo, reason: check.reason });
      log('warning', `repair: table ${name} cannot be opened (${check.reason}); moved to ${movedTo}, its data is lost`);
      return null;
    }
    const newNumber = nextFileNumber++;
    const rewritten = await rewriteGoodBlocks(env, dir, fileNumber, check.badBlocks, newNumber);
    const movedTo = await setAside(name);
    const detail = check.badBlocks.map((b) => b.error.message).join('; ');
    if (rewritten === null) {
      lost.push({ file: name, movedTo, reason: detail });
      log('warning', `repair: table ${name} has no readable data block (${detail}); moved to ${movedTo}`);
      return null;
    }
    salvaged.push({ file: name, newFile: tableFileName(newNumber), badBlocks: check.badBlocks.length, entriesKept: rewritten.entries, movedTo });
    log(
      'warning',
      `repair: table ${name} has ${check.badBlocks.length} damaged data block(s) (${detail}); its ${rewritten.entries} entries in good blocks ` +
        `were rewritten to ${tableFileName(newNumber)}, the entries of the damaged blocks are lost; the original was moved to ${movedTo}`,
    );
    return rewritten;
  };

  const fromManifest = readUsableManifest(env, dir, names, log);
  const versions = new VersionSet(DEFAULTS.levels);
  const edit: VersionEdit = { deletedFiles: [], newFiles: [] };
  let lastSequence: SequenceNumber = 0;
  let logNumber: number;
  if (fromManifest !== null) {
    for (const e of fromManifest.edits) versions.install(versions.build(e));
    nextFileNumber = Math.max(nextFileNumber, versions.nextFileNumber);
    lastSequence = versions.lastSequence;
    logNumber = versions.logNumber;
    for (let level = 0; level < versions.current.levels.length; level++) {
      for (const file of versions.current.levels[level]) {
        const kept = await keepTable(file.fileNumber);
        if (kept !== null) edit.newFiles.push({ level, file: kept });
      }
    }
  } else {
    for (const fileNumber of numbersOf(names, TABLE_FILE)) {
      const kept = await keepTable(fileNumber);
      if (kept !== null) edit.newFiles.push({ level: 0, file: kept });
    }
    // Replay every segment: the manifest saying which ones tables already cover is gone.
    logNumber = segments.length > 0 ? segments[0] : nextFileNumber;
  }
  for (const { file } of edit.newFiles) lastSequence = Math.max(lastSequence, file.largestSeq);
  await env.syncDir(dir);

  const manifestNumber = nextFileNumber++;
  edit.logNumber = logNumber;
  edit.lastSequence = lastSequence;
  edit.nextFileNumber = nextFileNumber;
  const writer = await ManifestWriter.create(env, dir, manifestNumber, edit);
  await writer.close();
  // The damaged manifests are evidence for a post-mortem, not garbage: keep them aside.
  for (const name of names) {
    if (MANIFEST_FILE.test(name) && name !== manifestFileName(manifestNumber)) await setAside(name);
  }
  await env.syncDir(dir);
  const liveSegments = segments.filter((n) => n >= logNumber).length;
  log('warning', `repair: wrote ${manifestFileName(manifestNumber)} listing ${edit.newFiles.length} table(s); ${liveSegments} WAL segment(s) will be replayed`);

  const merged = fromManifest === null && edit.newFiles.length + (liveSegments > 0 ? 1 : 0) > 1;
  if (merged) {
    log('warning', 'repair: the level layout was lost, compacting every table once so that the newest version of each key wins');
    const db = await Db.open({ dir, env, logger: log, walTruncateCorrupt: true, autoCompaction: false });
    try {
      await db.compactAll();
    } finally {
      await db.close();
    }
  }
  const report: RepairReport = {
    source: fromManifest === null ? 'tables' : 'manifest',
    manifestUsed: fromManifest === null ? null : fromManifest.name,
    manifestWritten: manifestFileName(manifestNumber),
    tablesKept: edit.newFiles.length,
    salvaged,
    lost,
    walSegments: liveSegments,
    merged,
  };
  log(
    'warning',
    `repair of ${dir} done: table list rebuilt from ${report.source === 'manifest' ? report.manifestUsed : 'the table files'}, ` +
      `${report.tablesKept} table(s) kept, ${salvaged.length} rewritten without damaged blocks, ${lost.length} lost` +
      (lost.length + salvaged.length > 0 ? ` (originals in ${lostDir})` : ''),
  );
  return report;
}

function numbersOf(names: readonly string[], pattern: RegExp): number[] {
  const numbers: number[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (m !== null) numbers.push(Number(m[1]));
  }
  return numbers.sort((a, b) => a - b);
}

/**
 * The manifest whose levels repair can keep: the one CURRENT names if it reads cleanly; when
 * CURRENT itself is damaged or missing, the newest MANIFEST file that reads cleanly. Null when
 * the manifest is damaged (its levels cannot be trusted) or there is none.
 */
function readUsableManifest(env: Env, dir: string, names: readonly string[], log: EngineLogger): { name: string; edits: VersionEdit[] } | null {
  try {
    const current = readCurrentManifest(env, dir, log);
    if (current !== null) return { name: manifestFileName(current.manifestNumber), edits: current.edits };
  } catch (error) {
    if (!(error instanceof CorruptionError)) throw error;
    log('warning', `repair: ${error.message}`);
    // Damage inside the manifest CURRENT names: its levels are suspect, rebuild from the tables.
    if (path.basename(error.file) !== 'CURRENT') return null;
  }
  const candidates = numbersOf(names, MANIFEST_FILE).reverse();
  for (const number of candidates) {
    const name = manifestFileName(number);
    const manifestPath = path.join(dir, name);
    const { records, damage } = readLogRecords(env.readFileSync(manifestPath));
    if ((damage !== null && damage.kind === 'corrupt') || records.length === 0) {
      log('warning', `repair: ${name} is damaged too (${damage === null ? 'no snapshot record' : `${damage.detail} at offset ${damage.offset}`})`);
      continue;
    }
    try {
      const edits: VersionEdit[] = [];
      let offset = 0;
      for (const payload of records) {
        edits.push(decodeVersionEdit(payload, manifestPath, offset));
        offset += RECORD_HEADER_SIZE + payload.length;
      }
      log('warning', `repair: keeping the levels listed by ${name}`);
      return { name, edits };
    } catch (error) {
      if (!(error instanceof CorruptionError)) throw error;
      log('warning', `repair: ${error.message}`);
    }
  }
  return null;
}

interface BadBlock {
  readonly index: number;
  readonly error: CorruptionError;
}

type TableCheck =
  | { kind: 'good'; meta: FileMeta }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'damaged'; badBlocks: BadBlock[] };

/** Opens a table and reads every data block once, checking its checksum and structure. */
function checkTable(env: Env, dir: string, fileNumber: number): TableCheck {
  let reader: TableReader;
  try {
    reader = TableReader.open(env, dir, fileNumber, null, { syncReads: true });
  } catch (error) {
    return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
  try {
    const badBlocks: BadBlock[] = [];
    const cursor = new BlockCursor();
    for (let index = 0; index < reader.dataBlockCount; index++) {
      try {
        cursor.reset(readBlockSync(reader, index));
        for (cursor.seekToFirst(); cursor.valid; cursor.next());
      } catch (error) {
        if (!(error instanceof CorruptionError)) throw error;
        badBlocks.push({ index, error });
      }
    }
    return badBlocks.length === 0 ? { kind: 'good', meta: reader.properties } : { kind: 'damaged', badBlocks };
  } finally {
    reader.close();
  }
}

function readBlockSync(reader: TableReader, index: number): DataBlock {
  const block = reader.dataBlock(index, false);
  if (!(block instanceof DataBlock)) throw new Error(`table ${reader.path}: a synchronous reader returned a pending block read`);
  return block;
}

/** Writes the entries of the table's good data blocks to table `newNumber`; null when none are good. */
async function rewriteGoodBlocks(env: Env, dir: string, fileNumber: number, badBlocks: readonly BadBlock[], newNumber: number): Promise<FileMeta | null> {
  const reader = TableReader.open(env, dir, fileNumber, null, { syncReads: true });
  const bad = new Set(badBlocks.map((b) => b.index));
  const builder = await TableBuilder.create(env, dir, newNumber);
  try {
    const cursor = new BlockCursor();
    for (let index = 0; index < reader.dataBlockCount; index++) {
      if (bad.has(index)) continue;
      cursor.reset(readBlockSync(reader, index));
      for (cursor.seekToFirst(); cursor.valid; cursor.next()) {
        const wait = builder.add(cursor.key, cursor.seq, cursor.kind, cursor.value);
        if (wait !== undefined) await wait;
      }
    }
    if (builder.entries === 0) {
      await builder.abandon();
      return null;
    }
    return await builder.finish();
  } catch (error) {
    await builder.abandon().catch(() => {});
    throw error;
  } finally {
    reader.close();
  }
}
