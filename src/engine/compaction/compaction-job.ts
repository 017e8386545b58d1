/**
 * One compaction: merge input tables into new output tables, dropping what no reader can see.
 *
 * Runs inside the compaction worker thread (see compaction-worker.ts), which is why it may read
 * synchronously: blocking this thread blocks nobody. It writes files and reports their metadata;
 * it never touches the manifest, so a crash or failure midway leaves only unreferenced files,
 * which the job deletes itself when it can (and database open deletes otherwise).
 *
 * Which entries survive (as LevelDB decides). Entries arrive in internal order, so all versions
 * of a user key come together, newest first. For each entry, `newerSeq` is the sequence number of
 * the version just before it (none for the newest):
 *  - shadowed: a newer version exists with newerSeq <= smallestSnapshot. Every reader reads at a
 *    sequence >= smallestSnapshot, so each one sees that newer version (or something newer still)
 *    and never this one.
 *  - obsolete tombstone: a Delete with seq <= smallestSnapshot in a bottommost compaction. All
 *    older versions here are shadowed by it (rule above), and no deeper level holds the key, so
 *    every reader that would see the tombstone sees "absent" without it just the same.
 *  - filtered: the compaction filter (e.g. "this key has expired") says drop the newest version
 *    of a key, a Put no live snapshot predates. At the bottom it simply goes; above the bottom it
 *    becomes a tombstone at the same seq, because dropping it would resurrect older versions of
 *    the key that still sit in deeper levels.
 *  - in a dropped range (Db.dropRanges): every version goes, whatever the snapshots and level.
 *    Nobody reads those keys again, so older versions left in deeper levels do no harm; they go
 *    when their own tables are compacted.
 */
import { join } from 'node:path';
import type { Env, WorkerEnvSpec } from '../env/env.js';
import { MergingIterator } from '../iterator/merging-iterator.js';
import { TableBuilder } from '../sstable/table-builder.js';
import { TableReader } from '../sstable/table-reader.js';
import { tableFileName, type TableOptions, type TableProperties } from '../sstable/format.js';
import { EntryKind, type BinaryKey, type SequenceNumber } from '../types.js';
import { RangeCursor, type KeyRange } from '../key-ranges.js';
import { ReaderPool, TableView, type KeyLookup, type ViewLevels } from './table-view.js';

export interface CompactionPlan {
  dir: string;
  /** Newer data in lower levels; within level 0 larger file numbers are newer. */
  inputs: Array<{ level: number; fileNumbers: number[] }>;
  outputLevel: number;
  /** Pre-allocated numbers for output tables, used in order (the job fails if it needs more). */
  outputFileNumbers: number[];
  /** Start a new output table once one reaches this size (never between versions of one user key). */
  targetFileSize: number;
  /** The oldest sequence any live snapshot or reader may still read at. */
  smallestSnapshot: SequenceNumber;
  /** No deeper level holds any of these keys. */
  bottommost: boolean;
  /** File URL of a module exporting `createCompactionFilter(options, view)`; see CompactionFilterModule. */
  filter?: { module: string; options: unknown };
  /** Every table of the version the plan was made on, for the filter's lookups (see table-view.ts). */
  view?: ViewLevels;
  /** Key ranges whose entries are all dropped (sorted, disjoint: KeyRangeSet.list()). */
  dropRanges?: KeyRange[];
  tableOptions?: TableOptions;
  /**
   * Input bytes per second the merge may read at most (`compaction-rate-limit`; 0 or absent: as
   * fast as it can). A slower compaction leaves more of the disk and the cores to the clients.
   */
  readRateLimit?: number;
  /** How the worker builds its Env for this job (the Db's Env.workerEnvSpec: faults for tests); absent: plain files. */
  workerEnv?: WorkerEnvSpec;
}

export interface CompactionResult {
  outputs: TableProperties[];
  entriesIn: number;
  entriesOut: number;
  droppedShadowed: number;
  droppedTombstones: number;
  filtered: number;
  droppedInRanges: number;
  bytesRead: number;
  bytesWritten: number;
  millis: number;
}

/** Decides per key whether compaction may drop it; true = drop. */
export type CompactionFilter = (key: BinaryKey, value: Buffer) => boolean;

/**
 * The shape of a module named by `CompactionPlan.filter.module`. `view` answers point lookups in
 * the tables of the version the compaction was planned on (empty when the plan carried none).
 */
export interface CompactionFilterModule {
  createCompactionFilter(options: unknown, view: KeyLookup): CompactionFilter;
}

const EMPTY_VALUE = Buffer.alloc(0);

/** Told every PROGRESS_EVERY_MS or so how many input entries the job has merged, of how many. */
export type CompactionProgress = (entriesMerged: number, entriesTotal: number) => void;

/** How often a running job reports its progress, at most. */
const PROGRESS_EVERY_MS = 250;
/** Entries merged between two looks at the clock (for progress and the rate limit). */
const CLOCK_EVERY_ENTRIES = 1024;

/**
 * Runs one plan. `pool` keeps the filter's lookup readers open across jobs (the worker passes
 * one); without it they are opened for this job alone.
 */
export async function runCompaction(plan: CompactionPlan, env: Env, pool?: ReaderPool, onProgress?: CompactionProgress): Promise<CompactionResult> {
  const started = performance.now();
  const lookups = pool ?? new ReaderPool(env);
  lookups.retainOnly(plan.view ?? []);
  try {
    const view = new TableView(plan.dir, plan.view ?? [], plan.smallestSnapshot, lookups);
    const filter = plan.filter === undefined ? null : await loadFilter(plan.filter.module, plan.filter.options, view);
    return await mergeAll(plan, env, filter, started, onProgress);
  } finally {
    if (pool === undefined) lookups.closeAll();
  }
}

async function mergeAll(plan: CompactionPlan, env: Env, filter: CompactionFilter | null, started: number, onProgress?: CompactionProgress): Promise<CompactionResult> {
  const readers = openInputs(plan, env);
  const outputs = new OutputTables(plan, env);
  try {
    const counts = await mergeInto(readers, outputs, plan, filter, onProgress);
    const tables = await outputs.finish();
    let bytesRead = 0;
    for (const reader of readers) bytesRead += reader.properties.size;
    let bytesWritten = 0;
    for (const table of tables) bytesWritten += table.size;
    return { outputs: tables, ...counts, bytesRead, bytesWritten, millis: Math.round(performance.now() - started) };
  } catch (error) {
    await outputs.abandon();
    throw error;
  } finally {
    for (const reader of readers) reader.close();
  }
}

interface MergeCounts {
  entriesIn: number;
  entriesOut: number;
  droppedShadowed: number;
  droppedTombstones: number;
  filtered: number;
  droppedInRanges: number;
}

async function mergeInto(readers: TableReader[], outputs: OutputTables, plan: CompactionPlan, filter: CompactionFilter | null, onProgress?: CompactionProgress): Promise<MergeCounts> {
  const pace = new Pace(readers, plan.readRateLimit ?? 0, onProgress);
  const counts: MergeCounts = { entriesIn: 0, entriesOut: 0, droppedShadowed: 0, droppedTombstones: 0, filtered: 0, droppedInRanges: 0 };
  const merged = new MergingIterator(readers.map((reader) => reader.iterator({ fillCache: false })));
  const smallestSnapshot = plan.smallestSnapshot;
  const bottommost = plan.bottommost;
  const dropped = plan.dropRanges === undefined || plan.dropRanges.length === 0 ? null : new RangeCursor(plan.dropRanges);

  let wait = merged.seekToFirst();
  if (wait !== undefined) await wait;
  let currentKey: BinaryKey = '';
  let haveKey = false;
  let newerSeq = Infinity;
  while (merged.valid) {
    const key = merged.key;
    const seq = merged.seq;
    let kind = merged.kind;
    counts.entriesIn++;
    if (!haveKey || key !== currentKey) {
      currentKey = key;
      haveKey = true;
      newerSeq = Infinity;
      // Between two user keys is the only place an output table may end.
      if (outputs.full) await outputs.closeCurrent();
      if (counts.entriesIn % CLOCK_EVERY_ENTRIES === 0) await pace.at(counts.entriesIn);
    }
    const isNewest = newerSeq === Infinity;
    let keep = true;
    if (dropped !== null && dropped.covers(key)) {
      keep = false;
      counts.droppedInRanges++;
    } else if (newerSeq <= smallestSnapshot) {
      keep = false;
      counts.droppedShadowed++;
    } else if (kind === EntryKind.Delete && seq <= smallestSnapshot && bottommost) {
      keep = false;
      counts.droppedTombstones++;
    } else if (filter !== null && kind === EntryKind.Put && isNewest && seq <= smallestSnapshot && filter(key, merged.value)) {
      counts.filtered++;
      if (bottommost) keep = false;
      else kind = EntryKind.Delete;
    }
    newerSeq = seq;
    if (keep) {
      const builder = outputs.current ?? (await outputs.open());
      const added = builder.add(key, seq, kind, kind === EntryKind.Put ? merged.value : EMPTY_VALUE);
      if (added !== undefined) await added;
      counts.entriesOut++;
    }
    wait = merged.next();
    if (wait !== undefined) await wait;
  }
  return counts;
}

/** Inputs newest first, as MergingIterator wants: lower levels first, and in L0 larger numbers first. */
function openInputs(plan: CompactionPlan, env: Env): TableReader[] {
  const ordered: number[] = [];
  const byLevel = plan.inputs.slice().sort((a, b) => a.level - b.level);
  for (const input of byLevel) {
    const numbers = input.level === 0 ? input.fileNumbers.slice().sort((a, b) => b - a) : input.fileNumbers;
    for (const n of numbers) ordered.push(n);
  }
  const readers: TableReader[] = [];
  try {
    for (const fileNumber of ordered) readers.push(TableReader.open(env, plan.dir, fileNumber, null, { syncReads: true }));
  } catch (error) {
    for (const reader of readers) reader.close();
    throw error;
  }
  return readers;
}

/**
 * Keeps a job under its read rate limit and tells how far it is. Bytes read are estimated from
 * entries merged (inputs' bytes times the share of their entries), which is close enough for both
 * and costs nothing per entry.
 */
class Pace {
  private readonly entriesTotal: number;
  private readonly bytesTotal: number;
  private readonly started = performance.now();
  private lastReport = this.started;

  constructor(
    readers: readonly TableReader[],
    private readonly bytesPerSecond: number,
    private readonly onProgress: CompactionProgress | undefined,
  ) {
    let entries = 0;
    let bytes = 0;
    for (const reader of readers) {
      entries += reader.properties.entries;
      bytes += reader.properties.size;
    }
    this.entriesTotal = entries;
    this.bytesTotal = bytes;
  }

  async at(entriesMerged: number): Promise<void> {
    const now = performance.now();
    if (this.onProgress !== undefined && now - this.lastReport >= PROGRESS_EVERY_MS) {
      this.lastReport = now;
      this.onProgress(entriesMerged, this.entriesTotal);
    }
    if (this.bytesPerSecond <= 0 || this.entriesTotal === 0) return;
    const bytesRead = (this.bytesTotal * entriesMerged) / this.entriesTotal;
    const aheadMs = (1000 * bytesRead) / this.bytesPerSecond - (now - this.started);
    if (aheadMs >= 1) await new Promise((resolve) => setTimeout(resolve, aheadMs));
  }
}

/** The sequence of output tables: opened lazily, cut at targetFileSize, all deleted on failure. */
class OutputTables {
  private builder: TableBuilder | null = null;
  private readonly finished: TableProperties[] = [];
  private nextNumber = 0;

  constructor(
    private readonly plan: CompactionPlan,
    private readonly env: Env,
  ) {}

  /** The table being written, or null between tables. */
  get current(): TableBuilder | null {
    return this.builder;
  }

  /** The current table has reached the target size. */
  get full(): boolean {
    return this.builder !== null && this.builder.estimatedSize >= this.plan.targetFileSize;
  }

  async finish(): Promise<TableProperties[]> {
    await this.closeCurrent();
    if (this.finished.length > 0) await this.env.syncDir(this.plan.dir);
    return this.finished;
  }

  /** Deletes every table this job wrote or was writing. Best effort: the original error matters more. */
  async abandon(): Promise<void> {
    const builder = this.builder;
    this.builder = null;
    if (builder !== null) await builder.abandon().catch(() => undefined);
    for (const table of this.finished) {
      await this.env.unlink(join(this.plan.dir, tableFileName(table.fileNumber))).catch(() => undefined);
    }
    this.finished.length = 0;
  }

  async open(): Promise<TableBuilder> {
    const numbers = this.plan.outputFileNumbers;
    if (this.nextNumber >= numbers.length) {
      throw new Error(`compaction needs more than the ${numbers.length} output file numbers it was given`);
    }
    const fileNumber = numbers[this.nextNumber++];
    this.builder = await TableBuilder.create(this.env, this.plan.dir, fileNumber, this.plan.tableOptions);
    return this.builder;
  }

  async closeCurrent(): Promise<void> {
    const builder = this.builder;
    if (builder === null) return;
    const properties = await builder.finish();
    this.builder = null;
    this.finished.push(properties);
  }
}

/** Modules are cached by the runtime, so a worker imports a filter module once however many jobs use it. */
async function loadFilter(moduleUrl: string, options: unknown, view: KeyLookup): Promise<CompactionFilter> {
  const loaded = (await import(moduleUrl)) as Partial<CompactionFilterModule>;
  if (typeof loaded.createCompactionFilter !== 'function') {
    throw new TypeError(`compaction filter module ${moduleUrl} does not export createCompactionFilter()`);
  }
  const filter = loaded.createCompactionFilter(options, view);
  if (typeof filter !== 'function') throw new TypeError(`createCompactionFilter() of ${moduleUrl} did not return a function`);
  return filter;
}
