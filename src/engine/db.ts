/**
 * The engine's facade: open/recover, the write path, reads at snapshots, iterators, and the
 * background work (memtable flushes, compactions) that keeps the LSM tree in shape.
 *
 * The write path, in one paragraph: `write()` takes the next sequence numbers, hands the batch to
 * the WAL writer (which encodes it into this event-loop turn's group and later issues one write and,
 * under `appendfsync always`, one fsync for the whole group), then inserts it into the memtable at
 * once, so every later read on any connection sees it. The returned promise is the WAL's: it
 * resolves when the batch is as durable as the policy promises, and the server sends the reply only
 * then. A memtable that reaches its size limit becomes immutable, writes move to a fresh memtable
 * and WAL segment, and the immutable one is written to an L0 table on this thread, yielding to the
 * event loop between chunks. Merging tables is never done here: compactions run in a worker thread
 * and come back as a list of files, which this thread alone records in the manifest.
 *
 * Ordering of durable state: a table is fsynced and renamed, then the directory fsynced, then the
 * manifest edit naming it is appended and fsynced; only then are WAL segments it covers deleted.
 * A crash between any two steps leaves either the old state (plus an orphan file, removed at the
 * next open) or the new one.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULTS, type CompactAllProgress, type CompactionFilterSpec, type DbOptions, type EngineEvent } from './options.js';
import { EntryKind, type BatchOp, type BinaryKey, type EngineLogger, type FoundEntry, type FsyncPolicy, type SequenceNumber } from './types.js';
import type { Env } from './env/env.js';
import { NodeEnv } from './env/node-env.js';
import { Memtable } from './memtable/memtable.js';
import { WalWriter } from './wal/wal-writer.js';
import { replayWal } from './wal/wal-replay.js';
import { ManifestWriter, readCurrentManifest } from './manifest/manifest-file.js';
import type { FileMeta, VersionEdit } from './manifest/version-edit.js';
import { Version, VersionSet } from './manifest/version-set.js';
import { BlockCache } from './cache/block-cache.js';
import { TableBuilder } from './sstable/table-builder.js';
import { newTableReadStats, TableReader, type TableReadStats } from './sstable/table-reader.js';
import { AdaptiveReadPolicy } from './sstable/read-policy.js';
import { tableFileName } from './sstable/format.js';
import { DataBlock } from './sstable/block.js';
import type { TableIterator } from './sstable/table-iterator.js';
import { MergingIterator } from './iterator/merging-iterator.js';
import { CompactionRunner } from './compaction/compaction-runner.js';
import type { CompactionPlan, CompactionProgress } from './compaction/compaction-job.js';
import { compactionFor, pickCompaction, type PickedCompaction } from './compaction/picker.js';
import { DbIteratorImpl, LevelIterator, ReverseDbIterator, type DbIterator, type IteratorOptions } from './db-iterator.js';
import { pendingCompactionBytes, StatsCounters, type EngineStats } from './stats.js';
import { CorruptionError } from './errors.js';
import { WriteController } from './write-controller.js';
import { KeyRangeSet, rangeHolds, rangeOverlaps, type KeyRange } from './key-ranges.js';
import type { InternalIterator } from './iterator/internal-iterator.js';
import { writeCheckpoint, type CheckpointInfo } from './checkpoint.js';

export type { DbOptions } from './options.js';
export type { DbIterator, IteratorOptions } from './db-iterator.js';
export { forEachEntry, countEntries } from './db-iterator.js';
export type { EngineStats } from './stats.js';
export type { KeyRange } from './key-ranges.js';
export type { CheckpointInfo } from './checkpoint.js';

/** What Db.dropRanges did. */
export interface DropRangesResult {
  /** Tables wholly inside the ranges, dropped by one version edit, and their bytes. */
  readonly droppedTables: number;
  readonly droppedBytes: number;
  /** Tables holding keys inside and outside the ranges, compacted without the former. */
  readonly compactedTables: number;
}

/** A version held for a checkpoint, with the counters its manifest records. */
interface PinnedVersion {
  readonly version: Version;
  readonly lastSequence: SequenceNumber;
  readonly nextFileNumber: number;
}

/** A consistent read point. Release it when done so compaction may drop what only it could see. */
export interface Snapshot {
  readonly seq: SequenceNumber;
  release(): void;
}

/** A memtable together with the first WAL segment holding its writes. */
interface MemtableSlot {
  readonly mem: Memtable;
  readonly logNumber: number;
  /** For an immutable memtable: resolves once the WAL segments it covers are fully written and closed. */
  walClosed?: Promise<void>;
  /** Called with the version the flush of this memtable installs, at once (Db.checkpoint pins it). */
  flushWaiters?: Array<(version: Version) => void>;
}

const LOG_FILE = /^(\d{6,})\.log$/;
const TABLE_FILE = /^(\d{6,})\.sst$/;
const MANIFEST_FILE = /^MANIFEST-(\d{6,})$/;

function valueOf(entry: FoundEntry | undefined): Buffer | undefined {
  return entry !== undefined && entry.kind === EntryKind.Put ? entry.value : undefined;
}

const noopLogger: EngineLogger = () => {};
const noEvents = (_event: EngineEvent, _durationMs: number): void => {};

export class Db {
  private mem: MemtableSlot;
  /** Immutable memtables waiting to be flushed, oldest first. */
  private imms: MemtableSlot[] = [];
  private readonly tables = new Map<number, TableReader>();
  private readonly cache: BlockCache;
  private readonly readStats: TableReadStats = newTableReadStats();
  /** Tables' filters and indexes are charged to the block cache (cache-index-and-filter-blocks). */
  private readonly cacheMeta: boolean;
  /** Shared by every table: reads a missing block synchronously while the page cache answers fast (undefined with blockReads 'async'). */
  private readonly readPolicy: AdaptiveReadPolicy | undefined;
  private readonly counters = new StatsCounters();
  private readonly runner: CompactionRunner;
  private readonly snapshots = new Map<SequenceNumber, number>();
  private readonly compactPointers: (BinaryKey | undefined)[] = [];
  /** Key ranges given up by dropRanges: flushes and compactions leave their entries out. */
  private readonly dropped = new KeyRangeSet();
  /** Serializes manifest edits: each is built on the version current when its turn comes. */
  private editChain: Promise<void> = Promise.resolve();
  private flushing: Promise<void> | null = null;
  /**
   * The compaction slot: the one compaction-like job running (a scheduled compaction, compactAll
   * or dropRanges). Whoever holds it is the only writer of new tables below L0.
   */
  private compacting: Promise<void> | null = null;
  /** Unlinks of tables no version references any more, still under way. */
  private readonly deletions = new Set<Promise<void>>();
  private roomWaiters: (() => void)[] = [];
  /** performance.now() when the first of the current roomWaiters began waiting. */
  private stallStartedAt = 0;
  private readonly onEvent: (event: EngineEvent, durationMs: number) => void;
  /**
   * Set while writes cannot be made durable (a WAL write or fsync failed, or a flush could not write
   * its table, e.g. a full disk). Writes are refused meanwhile; reads go on. A retry loop recovers.
   */
  private failure: Error | null = null;
  private recovering: Promise<void> | null = null;
  /** Cuts the recovery loop's wait short when the Db closes. */
  private readonly closeSignal = new AbortController();
  private walOptions!: Parameters<typeof WalWriter.create>[0];
  private closed = false;
  private closing = false;
  private readonly memtableSize: number;
  private readonly autoCompaction: boolean;
  private readonly l0CompactionTrigger: number;
  private readonly l0SlowdownTrigger: number;
  private readonly writeController: WriteController;
  private readonly l0StopTrigger: number;
  private readonly levelBaseBytes: number;
  private readonly targetFileSize: number;
  private readonly blockSize: number | undefined;
  /** Input bytes per second each compaction may read; 0 = no limit. */
  private compactionRateLimit: number;
  private readonly filter: CompactionFilterSpec | undefined;

  private constructor(
    private readonly env: Env,
    readonly dir: string,
    private readonly versions: VersionSet,
    private wal: WalWriter,
    private manifest: ManifestWriter,
    private readonly log: EngineLogger,
    options: DbOptions,
  ) {
    this.mem = { mem: new Memtable(), logNumber: wal.segmentNumber };
    this.cache = new BlockCache(options.blockCacheSize ?? DEFAULTS.blockCacheSize);
    this.cacheMeta = options.cacheIndexAndFilterBlocks ?? DEFAULTS.cacheIndexAndFilterBlocks;
    this.memtableSize = options.memtableSize ?? DEFAULTS.memtableSize;
    this.autoCompaction = options.autoCompaction ?? true;
    this.l0CompactionTrigger = options.l0CompactionTrigger ?? DEFAULTS.l0CompactionTrigger;
    this.l0SlowdownTrigger = options.l0SlowdownTrigger ?? DEFAULTS.l0SlowdownTrigger;
    this.writeController = new WriteController(this.l0SlowdownTrigger);
    this.l0StopTrigger = options.l0StopTrigger ?? DEFAULTS.l0StopTrigger;
    this.levelBaseBytes = options.levelBaseBytes ?? Math.max(DEFAULTS.minLevelBaseBytes, this.memtableSize * this.l0CompactionTrigger);
    this.targetFileSize = options.targetFileSize ?? DEFAULTS.targetFileSize;
    this.blockSize = options.blockSize;
    this.compactionRateLimit = options.compactionRateLimit ?? 0;
    this.filter = options.compactionFilter;
    this.onEvent = options.onEvent ?? noEvents;
    this.readPolicy = (options.blockReads ?? 'adaptive') === 'adaptive' ? new AdaptiveReadPolicy() : undefined;
    this.runner = new CompactionRunner({ nice: options.compactionNice ?? DEFAULTS.compactionNice });
  }

  // ---------------------------------------------------------------- open / recover

  static async open(options: DbOptions): Promise<Db> {
    const env = options.env ?? new NodeEnv();
    const dir = path.resolve(options.dir);
    const log = options.logger ?? noopLogger;
    const started = Date.now();
    env.mkdirp(dir);
    // Tables dropped by edits replayed here are orphans on disk; removeOrphans deletes them below.
    const versions = new VersionSet(DEFAULTS.levels);
    const existing = readCurrentManifest(env, dir, log);
    if (existing !== null) {
      for (const edit of existing.edits) versions.install(versions.build(edit));
    }

    // Every WAL segment at or above the manifest's log number holds writes not yet in a table.
    const names = env.readdir(dir);
    const segments = names
      .map((n) => LOG_FILE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .filter((n) => n >= versions.logNumber)
      .sort((a, b) => a - b);
    for (const n of segments) if (n >= versions.nextFileNumber) versions.nextFileNumber = n + 1;
    const recovered: Memtable[] = [new Memtable()];
    const memtableSize = options.memtableSize ?? DEFAULTS.memtableSize;
    const replay = await replayWal(
      { env, dir, segments, truncateCorrupt: options.walTruncateCorrupt ?? false, logger: log, onProgress: options.onReplayProgress },
      (firstSeq, ops) => {
        let mem = recovered[recovered.length - 1];
        if (mem.approximateBytes >= memtableSize) recovered.push((mem = new Memtable()));
        for (let i = 0; i < ops.length; i++) {
          const op = ops[i];
          mem.add(op.key, firstSeq + i, op.kind, op.kind === EntryKind.Put ? op.value : EMPTY, true);
        }
      },
    );
    if (replay.lastSequence > versions.lastSequence) versions.lastSequence = replay.lastSequence;

    // A fresh WAL segment and a fresh manifest (holding the whole state) on every open.
    const walNumber = versions.newFileNumber();
    const manifestNumber = versions.newFileNumber();
    // The WAL reports its first failure to the Db, which exists only once the WAL does.
    const failures = { sink: (_error: Error): void => {} };
    const onEvent = options.onEvent;
    const walOptions = {
      env, dir, fsync: options.fsync ?? DEFAULTS.fsync, logger: log, onFailure: (error: Error) => failures.sink(error),
      onSync: onEvent === undefined ? undefined : (durationMs: number) => onEvent('fsync', durationMs),
    };
    const wal = await WalWriter.create(walOptions, walNumber);
    const firstLog = segments.length > 0 ? segments[0] : walNumber;
    versions.logNumber = firstLog;
    const manifest = await ManifestWriter.create(env, dir, manifestNumber, versions.snapshotEdit());
    const db = new Db(env, dir, versions, wal, manifest, log, options);
    versions.onObsoleteFile = (fileNumber) => db.fileObsolete(fileNumber);
    failures.sink = (error) => db.enterFailure(error);
    db.walOptions = walOptions;
    // Recovered writes stay in memtables covering the old segments; they are flushed like any other.
    const nonEmpty = recovered.filter((m) => m.entries > 0);
    if (nonEmpty.length > 0) {
      const last = nonEmpty.pop() as Memtable;
      for (const mem of nonEmpty) db.imms.push({ mem, logNumber: firstLog, walClosed: Promise.resolve() });
      db.mem = { mem: last, logNumber: firstLog };
    }
    await db.removeOrphans(manifestNumber);
    log('notice', `engine opened ${dir} in ${Date.now() - started} ms: replayed ${replay.batches} batches from ${segments.length} WAL segment(s), last sequence ${versions.lastSequence}`);
    if (db.mem.mem.approximateBytes >= db.memtableSize) db.rotateMemtable();
    if (db.imms.length > 0) db.scheduleFlush();
    db.maybeScheduleCompaction();
    return db;
  }

  /** Deletes files no version references: tables from interrupted flushes/compactions, temp files, old manifests and logs. */
  private async removeOrphans(manifestNumber: number): Promise<void> {
    const live = this.versions.liveFiles();
    for (const name of this.env.readdir(this.dir)) {
      let m: RegExpExecArray | null;
      let orphan = false;
      if (name.endsWith('.tmp')) orphan = true;
      else if ((m = TABLE_FILE.exec(name))) orphan = !live.has(Number(m[1]));
      else if ((m = LOG_FILE.exec(name))) orphan = Number(m[1]) < this.versions.logNumber;
      else if ((m = MANIFEST_FILE.exec(name))) orphan = Number(m[1]) !== manifestNumber;
      if (orphan) {
        this.log('verbose', `removing obsolete file ${name}`);
        await this.env.unlink(path.join(this.dir, name));
      }
    }
  }

  // ---------------------------------------------------------------- writes

  get lastSequence(): SequenceNumber {
    return this.versions.lastSequence;
  }

  /**
   * Applies the batch to the memtable now (visible to reads as soon as this returns) and resolves
   * once it is durable per the fsync policy. Rejects on I/O failure.
   */
  write(ops: readonly BatchOp[]): Promise<SequenceNumber> {
    if (this.closed || this.closing) return Promise.reject(new Error('database is closed'));
    if (this.failure !== null) return Promise.reject(this.failure);
    if (ops.length === 0) return Promise.resolve(this.versions.lastSequence);
    const firstSeq = this.versions.lastSequence + 1;
    const atomic = this.atomicSection;
    let durable: Promise<void> | null = null;
    // Inside an atomic section the write is logged with the section, whose promise says when it
    // is durable: resolving each write at once lets the section's own code await its writes.
    if (atomic !== null) for (const op of ops) atomic.ops.push(op);
    else durable = this.wal.append(firstSeq, ops);
    const mem = this.mem.mem;
    // With no snapshot (and so no iterator) alive, nobody can read an older version: overwrite in place.
    const overwrite = this.snapshots.size === 0;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      mem.add(op.key, firstSeq + i, op.kind, op.kind === EntryKind.Put ? op.value : EMPTY, overwrite);
    }
    this.versions.lastSequence = firstSeq + ops.length - 1;
    if (mem.approximateBytes >= this.memtableSize && !this.rotationPending) {
      // Rotating seals the WAL group; wait for the end of this synchronous stretch so writes
      // issued together (EXEC's commands) stay in one group and one segment.
      this.rotationPending = true;
      queueMicrotask(this.rotateIfFull);
    }
    return durable === null ? Promise.resolve(firstSeq) : durable.then(() => firstSeq);
  }

  private rotationPending = false;
  private readonly rotateIfFull = (): void => {
    // An open atomic section rotates when it ends (endAtomic), so that its record stays whole.
    if (this.atomicSection !== null) return;
    this.rotationPending = false;
    if (!this.closing && !this.closed && this.failure === null && this.mem.mem.approximateBytes >= this.memtableSize) this.rotateMemtable();
  };

  /** The open atomic section (atomic()), if any. */
  private atomicSection: AtomicSection | null = null;

  /**
   * Runs `fn` so that every write made until it returns (or, when it returns a promise, until that
   * settles) is logged as ONE WAL record: after a crash, even a torn write, either all of them are
   * there or none. MULTI/EXEC uses it, so a queued command that waits for a block read leaves the
   * transaction one record. Reads inside see each write at once, as usual, and the promise of each
   * write made inside resolves at once (the section's code may await its writes); the promise
   * returned here is the one that says when they are durable: it resolves with fn's value once the
   * section's record is, and rejects if logging it fails.
   *
   * Every write made while the section is open joins it, whoever makes it, with a promise that
   * does not wait for durability: the caller must keep other writers whose acknowledgements
   * matter out meanwhile (the dispatcher runs EXEC under the exclusive lock when it waits; the
   * background sweeps acknowledge nothing). A memtable that fills meanwhile rotates when the
   * section ends. A nested call joins the outer section and resolves with fn's value.
   */
  atomic<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.atomicSection !== null) return Promise.resolve(fn());
    const section = new AtomicSection(this.versions.lastSequence + 1);
    this.atomicSection = section;
    let result: T | Promise<T>;
    try {
      result = fn();
    } catch (err) {
      this.endAtomic(section);
      return section.durable.then(() => Promise.reject(err));
    }
    if (!(result instanceof Promise)) {
      this.endAtomic(section);
      const value = result;
      return section.durable.then(() => value);
    }
    return result.then(
      (value) => {
        this.endAtomic(section);
        return section.durable.then(() => value);
      },
      (err: unknown) => {
        this.endAtomic(section);
        return section.durable.then(() => Promise.reject(err));
      },
    );
  }

  /** True while an atomic section is open: a write's promise then resolves before it is durable. */
  get inAtomicSection(): boolean {
    return this.atomicSection !== null;
  }

  /** Resolves when the open atomic section ends; undefined when none is open. */
  atomicSectionEnded(): Promise<void> | undefined {
    return this.atomicSection?.ended;
  }

  private endAtomic(section: AtomicSection): void {
    this.atomicSection = null;
    section.commitPart(this.wal);
    section.end();
    if (this.rotationPending) queueMicrotask(this.rotateIfFull);
  }

  /**
   * Backpressure for writers: undefined when a write may go ahead now; otherwise a promise to await
   * first. Ask once per write: a write that has awaited the promise goes ahead without asking
   * again. Past the slowdown threshold writes are admitted at a rate that drops the further
   * behind compaction is (write-controller.ts); at the stop threshold (or with too many memtables
   * waiting) a write waits for room.
   */
  writeDelay(): Promise<void> | undefined {
    const l0 = this.versions.current.levels[0].length;
    if (this.imms.length >= DEFAULTS.maxImmutableMemtables || l0 >= this.l0StopTrigger) {
      this.counters.stalls++;
      if (this.roomWaiters.length === 0) this.stallStartedAt = performance.now();
      return new Promise((resolve) => this.roomWaiters.push(resolve));
    }
    const delayMs = this.writeController.delayFor(l0, performance.now());
    if (delayMs > 0) {
      this.counters.slowdowns++;
      this.counters.slowdownMs += delayMs;
      this.onEvent('write-stall', delayMs);
      return sleep(delayMs);
    }
    return undefined;
  }

  private wakeWriters(): void {
    if (this.roomWaiters.length === 0) return;
    // After a background failure nobody will make room: let writers through to get the error.
    const stillFull = this.imms.length >= DEFAULTS.maxImmutableMemtables || this.versions.current.levels[0].length >= this.l0StopTrigger;
    if (stillFull && this.failure === null) return;
    this.releaseWriters();
  }

  /** Lets every writer waiting for room go, and accounts the stall they sat through. */
  private releaseWriters(): void {
    const waiters = this.roomWaiters;
    if (waiters.length === 0) return;
    this.roomWaiters = [];
    const stalledMs = performance.now() - this.stallStartedAt;
    this.counters.stallMs += stalledMs;
    this.onEvent('write-stall', stalledMs);
    for (const wake of waiters) wake();
  }

  setFsyncPolicy(policy: FsyncPolicy): void {
    this.wal.setFsyncPolicy(policy);
  }

  /** Compactions started from now on read at most this many bytes per second (0: no limit). */
  setCompactionRateLimit(bytesPerSecond: number): void {
    this.compactionRateLimit = bytesPerSecond;
  }

  setBlockCacheSize(bytes: number): void {
    this.cache.setCapacity(bytes);
    // The share of the cache pinned filters and indexes may take changed with it.
    this.repinMeta();
  }

  // ---------------------------------------------------------------- reads

  snapshot(): Snapshot {
    const seq = this.versions.lastSequence;
    this.snapshots.set(seq, (this.snapshots.get(seq) ?? 0) + 1);
    let released = false;
    return {
      seq,
      release: () => {
        if (released) return;
        released = true;
        const n = (this.snapshots.get(seq) ?? 1) - 1;
        if (n > 0) this.snapshots.set(seq, n);
        else this.snapshots.delete(seq);
      },
    };
  }

  /** The oldest sequence number some reader may still read at: compaction keeps what it can see. */
  private smallestSnapshot(): SequenceNumber {
    let smallest = this.versions.lastSequence;
    for (const seq of this.snapshots.keys()) if (seq < smallest) smallest = seq;
    return smallest;
  }

  /**
   * The value of `key` at the snapshot (default: now). Answers synchronously from memtables, bloom
   * filters and cached blocks; returns a Promise only when a block must be read from disk.
   */
  get(key: BinaryKey, snapshot?: Snapshot): Buffer | undefined | Promise<Buffer | undefined> {
    if (this.closed) throw new Error('database is closed');
    const seq = snapshot === undefined ? this.versions.lastSequence : snapshot.seq;
    let entry = this.mem.mem.get(key, seq);
    if (entry !== undefined) return valueOf(entry);
    for (let i = this.imms.length - 1; i >= 0; i--) {
      entry = this.imms[i].mem.get(key, seq);
      if (entry !== undefined) return valueOf(entry);
    }
    return this.getFromTables(this.versions.current, key, seq, 0, 0);
  }

  /** Searches tables starting at (level, index): L0 newest first, then one file per deeper level. */
  private getFromTables(version: Version, key: BinaryKey, seq: SequenceNumber, level: number, index: number): Buffer | undefined | Promise<Buffer | undefined> {
    const levels = version.levels;
    if (level === 0) {
      const l0 = levels[0];
      for (let i = index; i < l0.length; i++) {
        const f = l0[i];
        if (key < f.smallest || key > f.largest) continue;
        const found = this.table(f).get(key, seq);
        if (found === undefined) continue;
        if (found instanceof Promise) return this.continueGet(found, version, key, seq, 0, i + 1);
        return valueOf(found);
      }
      level = 1;
    }
    for (let l = level; l < levels.length; l++) {
      if (levels[l].length === 0) continue;
      const f = version.fileFor(l, key);
      if (f === undefined) continue;
      const found = this.table(f).get(key, seq);
      if (found === undefined) continue;
      if (found instanceof Promise) return this.continueGet(found, version, key, seq, l + 1, 0);
      return valueOf(found);
    }
    return undefined;
  }

  /** The slow path of get: waits for one block read, then resumes the search where it stopped. */
  private async continueGet(pending: Promise<FoundEntry | undefined>, version: Version, key: BinaryKey, seq: SequenceNumber, level: number, index: number): Promise<Buffer | undefined> {
    version.ref();
    try {
      const found = await pending;
      if (found !== undefined) return valueOf(found);
      return await this.getFromTables(version, key, seq, level, index);
    } finally {
      version.unref();
    }
  }

  /**
   * An iterator over the merged view at a snapshot (default: now), keys ascending, or descending
   * with `reverse` (still within [start, end)).
   */
  iterator(options: IteratorOptions = {}): DbIterator {
    if (this.closed) throw new Error('database is closed');
    const own = options.snapshot === undefined ? this.snapshot() : undefined;
    const seq = own !== undefined ? own.seq : (options.snapshot as { seq: SequenceNumber }).seq;
    const version = this.versions.current;
    version.ref();
    const children: TableIterator[] = [this.mem.mem.iterator()];
    for (let i = this.imms.length - 1; i >= 0; i--) children.push(this.imms[i].mem.iterator());
    for (const f of version.levels[0]) children.push(this.table(f).iterator());
    for (let l = 1; l < version.levels.length; l++) {
      if (version.levels[l].length > 0) children.push(new LevelIterator(version.levels[l], (f) => this.table(f)));
    }
    const release = (): void => {
      version.unref();
      own?.release();
    };
    const merged = new MergingIterator(children);
    if (options.reverse === true) return new ReverseDbIterator(merged, seq, options.start, options.end, release);
    return new DbIteratorImpl(merged, seq, options.start, options.end, release);
  }

  private table(f: FileMeta): TableReader {
    let reader = this.tables.get(f.fileNumber);
    if (reader === undefined) {
      reader = TableReader.open(this.env, this.dir, f.fileNumber, this.cache, {
        stats: this.readStats,
        readPolicy: this.readPolicy,
        cacheMeta: this.cacheMeta,
        pinMeta: this.cacheMeta && this.versions.current.levels[0].some((l0) => l0.fileNumber === f.fileNumber),
      });
      this.tables.set(f.fileNumber, reader);
      this.repinMeta();
    }
    return reader;
  }

  /**
   * Decides whose filters and indexes are kept whole (pinned, charged to the cache as a
   * reservation) and whose go through partitions in the cache's LRU. L0 tables are always pinned
   * (RocksDB's pin_l0_filter_and_index_blocks_in_cache): every lookup consults every one of them.
   * Then shallow levels first while the pinned bytes stay within DEFAULTS.pinnedMetaShare of the
   * cache: a lookup probes one table per level, shallow levels are small, and a pinned filter or
   * index costs a lookup nothing, while a partition costs a cache lookup (measured: GET -P16 at
   * 2 M keys 0.88x with every table partitioned). A database whose filters and indexes fit in
   * that share thus reads as fast as with them resident, and only the excess of a big one (most
   * of the last level) pays for partitions. Called after each version install and table open.
   */
  private repinMeta(): void {
    if (!this.cacheMeta) return;
    const budget = this.cache.capacityBytes * DEFAULTS.pinnedMetaShare;
    const levels = this.versions.current.levels;
    let pinned = 0;
    for (let level = 0; level < levels.length; level++) {
      for (const f of levels[level]) {
        const reader = this.tables.get(f.fileNumber);
        if (reader === undefined) continue;
        const pin = level === 0 || pinned + reader.metaBytes <= budget;
        if (pin) pinned += reader.metaBytes;
        if (reader.isPinned !== pin) reader.setPinned(pin);
      }
    }
  }

  /** No live version references this table any more: close and delete it. */
  private fileObsolete(fileNumber: number): void {
    const reader = this.tables.get(fileNumber);
    if (reader !== undefined) {
      reader.close();
      this.tables.delete(fileNumber);
    }
    this.cache.evictFile(fileNumber);
    const deletion = this.env
      .unlink(path.join(this.dir, tableFileName(fileNumber)))
      .catch((err: Error) => this.log('warning', `could not delete table ${fileNumber}: ${err.message}`))
      .finally(() => this.deletions.delete(deletion));
    this.deletions.add(deletion);
  }

  /** Resolves once every table that became obsolete before this call is gone from the disk. */
  private async obsoleteTablesDeleted(): Promise<void> {
    while (this.deletions.size > 0) await Promise.all(this.deletions);
  }

  // ---------------------------------------------------------------- flush

  private rotateMemtable(): void {
    // Rotation seals the WAL segment, and the sealed memtable may be flushed before an open atomic
    // section ends: the section's writes so far must be logged first, in the segment they belong
    // to. Only FLUSHALL SYNC and the like inside a waiting EXEC get here with a section open
    // (a full memtable waits for the section's end); such a transaction is then two records.
    this.atomicSection?.commitPart(this.wal);
    const old = this.mem;
    const segment = this.versions.newFileNumber();
    old.walClosed = this.wal.rotate(segment);
    this.imms.push(old);
    this.mem = { mem: new Memtable(), logNumber: segment };
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushing !== null) return;
    this.flushing = (async () => {
      try {
        while (this.imms.length > 0 && this.failure === null) await this.flushOldest();
      } catch (err) {
        this.enterFailure(err as Error);
      } finally {
        this.flushing = null;
        this.wakeWriters();
      }
    })();
  }

  /** Writes the oldest immutable memtable to an L0 table, yielding to the event loop as it goes. */
  private async flushOldest(): Promise<void> {
    const slot = this.imms[0];
    const started = Date.now();
    let file: FileMeta | undefined;
    if (slot.mem.entries > 0) {
      const fileNumber = this.versions.newFileNumber();
      // Fresh data is the likeliest to be read next (a SET reads its key's old value first): its
      // blocks go into the cache as they are written, as RocksDB's prepopulate_block_cache does.
      const tablePath = path.join(this.dir, tableFileName(fileNumber));
      const builder = await TableBuilder.create(this.env, this.dir, fileNumber, { blockSize: this.blockSize }, (offset, contents) =>
        this.cache.set(fileNumber, offset, new DataBlock(contents, tablePath, offset, true)),
      );
      try {
        const it = slot.mem.iterator();
        it.seekToFirst();
        let sinceYield = 0;
        let sliceStarted = performance.now();
        // A version shadowed by a newer one that every reader can see is dead already: drop it
        // here rather than write it only for compaction to drop it.
        const smallestSnapshot = this.smallestSnapshot();
        const dropped = this.dropped.cursor();
        let previousKey: BinaryKey | undefined;
        let previousSeq = 0;
        while (it.valid) {
          const key = it.key;
          const seq = it.seq;
          if ((key !== previousKey || previousSeq > smallestSnapshot) && (dropped === null || !dropped.covers(key))) {
            const backpressure = builder.add(key, seq, it.kind, it.value);
            if (backpressure !== undefined) await backpressure;
          }
          previousKey = key;
          previousSeq = seq;
          // Building blocks is CPU work on the serving thread: let connections in at least every
          // FLUSH_SLICE_MS, so a flush adds at most that much to any command's latency. (A fixed
          // count of entries was not enough: 4096 entries took 5-10 ms on a busy 2-core machine.)
          if (++sinceYield === 64) {
            sinceYield = 0;
            if (performance.now() - sliceStarted >= FLUSH_SLICE_MS) {
              await new Promise((resolve) => setImmediate(resolve));
              sliceStarted = performance.now();
            }
          }
          it.next();
        }
        file = await builder.finish();
      } catch (err) {
        await builder.abandon().catch(() => {});
        throw err;
      }
      await this.env.syncDir(this.dir);
    }
    await slot.walClosed;
    const next = this.imms.length > 1 ? this.imms[1] : this.mem;
    await this.logAndApply(
      {
        logNumber: next.logNumber,
        lastSequence: this.versions.lastSequence,
        nextFileNumber: this.versions.nextFileNumber,
        deletedFiles: [],
        newFiles: file === undefined ? [] : [{ level: 0, file }],
      },
      (version) => {
        for (const waiter of slot.flushWaiters ?? []) waiter(version);
      },
    );
    this.imms.shift();
    this.counters.flushes++;
    if (file !== undefined) {
      const elapsedMs = Date.now() - started;
      this.counters.flushBytesWritten += file.size;
      this.log('verbose', `flushed memtable (${slot.mem.entries} entries, ${slot.mem.approximateBytes} bytes) to L0 table ${file.fileNumber}: ${file.size} bytes in ${elapsedMs} ms`);
      this.onEvent('flush', elapsedMs);
    }
    await this.deleteObsoleteLogs();
    this.wakeWriters();
    this.maybeScheduleCompaction();
  }

  private async deleteObsoleteLogs(): Promise<void> {
    for (const name of this.env.readdir(this.dir)) {
      const m = LOG_FILE.exec(name);
      if (m !== null && Number(m[1]) < this.versions.logNumber) await this.env.unlink(path.join(this.dir, name));
    }
  }

  /**
   * Appends the edit to the manifest (fsynced), then installs the new version. One at a time.
   * `onInstalled` sees the new version before any later edit can replace it.
   */
  private logAndApply(edit: VersionEdit, onInstalled?: (version: Version) => void): Promise<void> {
    const run = this.editChain.then(async () => {
      const version = this.versions.build(edit);
      await this.manifest.append({ ...edit, nextFileNumber: this.versions.nextFileNumber, lastSequence: this.versions.lastSequence });
      this.versions.install(version);
      this.repinMeta();
      onInstalled?.(version);
      if (this.manifest.size > DEFAULTS.manifestRollBytes) await this.rollManifest();
    });
    this.editChain = run.catch(() => {});
    return run;
  }

  /** Starts a new manifest holding a snapshot of the state, so the manifest never grows without bound. */
  private async rollManifest(): Promise<void> {
    const old = this.manifest;
    const number = this.versions.newFileNumber();
    this.manifest = await ManifestWriter.create(this.env, this.dir, number, this.versions.snapshotEdit());
    await old.close();
    for (const name of this.env.readdir(this.dir)) {
      const m = MANIFEST_FILE.exec(name);
      if (m !== null && Number(m[1]) !== number) await this.env.unlink(path.join(this.dir, name));
    }
  }

  /**
   * Flushes the active memtable (and any waiting ones) to L0. SAVE/BGSAVE use it. Does not wait
   * for the compaction a flush may start (compactAll does).
   */
  async flush(): Promise<void> {
    if (this.failure !== null) throw this.failure;
    if (this.mem.mem.entries > 0) this.rotateMemtable();
    while (this.flushing !== null) await this.flushing;
    if (this.failure !== null) throw this.failure;
  }

  // ---------------------------------------------------------------- checkpoints

  /**
   * Writes a consistent copy of the database as of this call into `targetDir`, which must not
   * exist yet (checkpoint.ts; docs/format.md, "Checkpoints"). Clients are not held up: this thread
   * only rotates the memtable and pins a version; the flush, links and copies are background I/O.
   * Compactions go on meanwhile; the copy is of the pinned version, whatever they do.
   */
  async checkpoint(targetDir: string): Promise<CheckpointInfo> {
    const started = performance.now();
    const pinned = await this.pinFlushedVersion();
    try {
      const source = { dir: this.dir, levels: pinned.version.levels, lastSequence: pinned.lastSequence, nextFileNumber: pinned.nextFileNumber };
      const info = await writeCheckpoint(this.env, source, targetDir);
      this.onEvent('checkpoint', performance.now() - started);
      return info;
    } finally {
      pinned.version.unref();
    }
  }

  /**
   * Puts every write made so far into tables and returns the version holding exactly those
   * writes, referenced (the caller unrefs it) so that compaction cannot delete its tables.
   */
  private async pinFlushedVersion(): Promise<PinnedVersion> {
    // Inside a transaction (an atomic section: EXEC) start once it has ended, so that it is in
    // the checkpoint whole. Otherwise the checkpoint is the state at the call, as a fork is.
    while (this.atomicSection !== null) await this.atomicSection.ended;
    if (this.closed || this.closing) throw new Error('database is closed');
    if (this.failure !== null) throw this.failure;
    const lastSequence = this.versions.lastSequence;
    const pin = (version: Version): PinnedVersion => {
      version.ref();
      return { version, lastSequence, nextFileNumber: this.versions.nextFileNumber };
    };
    if (this.mem.mem.entries > 0) this.rotateMemtable();
    const newest = this.imms[this.imms.length - 1];
    if (newest === undefined) return pin(this.versions.current);
    // The version installed by this memtable's flush holds every write up to lastSequence and
    // none after: memtables flush in order, and compactions only move what tables hold.
    const box: { pinned?: PinnedVersion } = {};
    let waiter: (version: Version) => void = () => {};
    const flushed = new Promise<void>((resolve) => {
      waiter = (version) => {
        box.pinned = pin(version);
        resolve();
      };
    });
    (newest.flushWaiters ??= []).push(waiter);
    while (box.pinned === undefined) {
      if (this.failure !== null || this.closing) {
        newest.flushWaiters = newest.flushWaiters.filter((w) => w !== waiter);
        throw this.failure ?? new Error('database is closed');
      }
      if (this.flushing === null) this.scheduleFlush();
      await Promise.race([flushed, this.flushing]);
    }
    return box.pinned;
  }

  // ---------------------------------------------------------------- write failures

  /** The reason writes are refused right now, or null when the engine is healthy. */
  get writeFailure(): Error | null {
    return this.failure;
  }

  /** Refuses writes from now on and starts retrying until the disk takes writes again. */
  private enterFailure(error: Error): void {
    if (this.failure === null) {
      this.failure = error;
      this.counters.writeFailures++;
      this.log('warning', `writes refused: ${error.message}; retrying every second`);
    }
    if (this.recovering === null && !this.closing && !this.closed) {
      this.recovering = this.recover().finally(() => {
        this.recovering = null;
      });
    }
    this.wakeWriters();
  }

  private async recover(): Promise<void> {
    while (this.failure !== null && !this.closing && !this.closed) {
      // Unref'd: a process that has nothing else to do need not stay up for the retry.
      const aborted = await sleep(RECOVERY_RETRY_MS, false, { ref: false, signal: this.closeSignal.signal }).catch(() => true);
      if (aborted || this.closing || this.closed) return;
      try {
        await this.tryRecover();
        this.log('notice', `writes accepted again after: ${this.failure?.message ?? 'a failure'}`);
        this.failure = null;
        this.wakeWriters();
        this.maybeScheduleCompaction();
      } catch (err) {
        this.log('verbose', `recovery attempt failed: ${(err as Error).message}`);
      }
    }
  }

  /**
   * Makes everything in memory durable again. Writes that reached the memtable after the WAL
   * failed may be missing from the WAL, so every memtable goes to a table (as Redis keeps what is
   * in memory and rewrites its AOF); then a fresh WAL segment (and manifest, if its append failed)
   * takes over. Throws if the disk still refuses; the caller retries.
   */
  private async tryRecover(): Promise<void> {
    while (this.flushing !== null) await this.flushing;
    if (this.manifest.failed) await this.rollManifest();
    if (this.wal.error !== null) {
      const segment = this.versions.newFileNumber();
      const wal = await WalWriter.create(this.walOptions, segment);
      const dead = this.wal;
      this.wal = wal;
      await dead.close().catch(() => {});
      if (this.mem.mem.entries > 0) this.imms.push(this.mem);
      this.mem = { mem: new Memtable(), logNumber: segment };
    }
    // Their WAL segments may be damaged or unwritten; the tables about to be written replace them.
    for (const slot of this.imms) slot.walClosed = Promise.resolve();
    while (this.imms.length > 0) await this.flushOldest();
  }

  // ---------------------------------------------------------------- compaction

  private maybeScheduleCompaction(): void {
    if (!this.autoCompaction || this.compacting !== null || this.closing || this.closed) return;
    const picked = this.pick();
    if (picked === undefined) return;
    this.compacting = this.runCompaction(picked)
      .catch(async (err: Error) => {
        if (this.closing) return;
        // Damage does not heal by retrying: say what to do and retry rarely (reads of the damaged
        // block fail on their own; everything else keeps working until repair). Errors from the
        // worker arrive rebuilt as plain Errors, hence the match by name.
        const damaged = err instanceof CorruptionError || err.name === 'CorruptionError';
        const wait = damaged ? 60_000 : 1000;
        this.log('warning', `compaction failed, retrying in ${wait / 1000} s: ${err.message}${damaged ? ' (stop the server and start it with --repair to set damaged tables aside)' : ''}`);
        await sleep(wait, undefined, { ref: false, signal: this.closeSignal.signal }).catch(() => {});
      })
      .finally(() => {
        this.compacting = null;
        this.wakeWriters();
        this.maybeScheduleCompaction();
      });
  }

  /** The compaction the level scores call for next, if any. */
  private pick(): PickedCompaction | undefined {
    return pickCompaction(this.versions.current, { l0CompactionTrigger: this.l0CompactionTrigger, levelBaseBytes: this.levelBaseBytes }, this.compactPointers);
  }

  private async runCompaction(c: PickedCompaction, onProgress?: CompactionProgress): Promise<void> {
    const started = Date.now();
    const deletedFiles = [
      ...c.inputs.map((f) => ({ level: c.level, fileNumber: f.fileNumber })),
      ...c.nextInputs.map((f) => ({ level: c.outputLevel, fileNumber: f.fileNumber })),
    ];
    this.compactPointers[c.level] = c.inputs[c.inputs.length - 1].largest;
    if (c.trivialMove) {
      await this.logAndApply({ deletedFiles, newFiles: [{ level: c.outputLevel, file: c.inputs[0] }] });
      this.counters.trivialMoves++;
      return;
    }
    const inputBytes = [...c.inputs, ...c.nextInputs].reduce((sum, f) => sum + f.size, 0);
    const reserve = Math.ceil(inputBytes / this.targetFileSize) * 2 + 2;
    const outputFileNumbers = Array.from({ length: reserve }, () => this.versions.newFileNumber());
    const plan: CompactionPlan = {
      dir: this.dir,
      inputs: [
        { level: c.level, fileNumbers: c.inputs.map((f) => f.fileNumber) },
        { level: c.outputLevel, fileNumbers: c.nextInputs.map((f) => f.fileNumber) },
      ],
      outputLevel: c.outputLevel,
      outputFileNumbers,
      targetFileSize: this.targetFileSize,
      smallestSnapshot: this.smallestSnapshot(),
      bottommost: c.bottommost,
      filter: this.filter === undefined ? undefined : { module: this.filter.module, options: this.filter.options() },
      // FileMeta has what a view needs (number, key range); level 0 is already newest first.
      view: this.filter === undefined ? undefined : this.versions.current.levels,
      dropRanges: this.dropped.size > 0 ? this.dropped.list() : undefined,
      tableOptions: { blockSize: this.blockSize },
      readRateLimit: this.compactionRateLimit,
      workerEnv: this.env.workerEnvSpec?.(),
    };
    // The inputs must outlive the worker's reads even if another edit lands meanwhile.
    const version = this.versions.current;
    version.ref();
    try {
      const result = await this.runner.run(plan, onProgress);
      await this.env.syncDir(this.dir);
      await this.logAndApply({ deletedFiles, newFiles: result.outputs.map((file) => ({ level: c.outputLevel, file })) });
      this.counters.compactions++;
      this.counters.compactionBytesRead += result.bytesRead;
      this.counters.compactionBytesWritten += result.bytesWritten;
      const elapsedMs = Date.now() - started;
      this.log(
        'verbose',
        `compacted ${c.inputs.length}+${c.nextInputs.length} tables L${c.level}->L${c.outputLevel}: ${inputBytes} -> ${result.bytesWritten} bytes, ${result.entriesIn} -> ${result.entriesOut} entries in ${elapsedMs} ms`,
      );
      this.onEvent('compaction', elapsedMs);
    } finally {
      version.unref();
    }
  }

  /**
   * Runs `job` in the compaction slot: waits until no compaction runs, takes the slot (so the
   * scheduler starts none beside it), and hands it back when `job` settles. A job that may leave
   * work for the picker (compactAll) runs it itself before letting go.
   */
  private async inCompactionSlot<T>(job: () => Promise<T>): Promise<T> {
    while (this.compacting !== null) await this.compacting;
    const running = (async () => {
      try {
        return await job();
      } finally {
        this.compacting = null;
        this.wakeWriters();
        this.maybeScheduleCompaction();
      }
    })();
    this.compacting = running.then(
      () => undefined,
      () => undefined,
    );
    return running;
  }

  /**
   * Compacts everything down, level by level (used by tests and FLUSHALL-style reclamation).
   * Resolves with the tree quiescent: no compaction running, none the picker would start, and
   * every table this left behind deleted (unless a reader still holds it). Writes made meanwhile
   * can make a flush start a compaction afterwards, as any write can. `progress` hears of each
   * compaction it runs and how far each is.
   */
  async compactAll(progress?: CompactAllProgress): Promise<void> {
    await this.flush();
    const run = async (c: PickedCompaction): Promise<void> => {
      if (progress === undefined) return this.runCompaction(c);
      const inputBytes = [...c.inputs, ...c.nextInputs].reduce((sum, f) => sum + f.size, 0);
      progress.step(`compacting ${c.inputs.length + c.nextInputs.length} tables of L${c.level} and L${c.outputLevel} into L${c.outputLevel}`, inputBytes);
      await this.runCompaction(c, (merged, total) => progress.advance(total > 0 ? Math.round((inputBytes * merged) / total) : 0, merged));
      progress.advance(inputBytes);
    };
    await this.inCompactionSlot(async () => {
      for (let level = 0; level < DEFAULTS.levels - 1; level++) {
        const version = this.versions.current;
        const files = version.levels[level];
        if (files.length === 0) continue;
        const deeper = version.levels.slice(level + 1).some((l) => l.length > 0);
        if (!deeper && level > 0) break;
        await run(compactionFor(version, level, files, false));
      }
      // Moving everything down can leave a level over its size target: do that work now rather
      // than let the scheduler start it the moment this returns.
      for (;;) {
        const picked = this.autoCompaction ? this.pick() : undefined;
        if (picked === undefined || this.closing) break;
        await run(picked);
      }
    });
    await this.obsoleteTablesDeleted();
  }

  /**
   * Deletes every key in `ranges` for good, as RocksDB's DeleteFilesInRange followed by a
   * CompactRange that drops them. The caller promises never to read or write these keys again
   * (the keyspace's flushed namespaces); until this resolves, reads may still find some.
   * Tables wholly inside a range leave the version in one edit (their files go once no reader
   * holds them); the memtable and the tables that hold keys inside and outside a range are
   * rewritten without the inside ones. Resolves once no memtable or table holds any of them and
   * the files of the tables it dropped are deleted (those an open reader holds go when it closes).
   */
  async dropRanges(ranges: readonly KeyRange[]): Promise<DropRangesResult> {
    if (this.closed || this.closing) throw new Error('database is closed');
    const started = Date.now();
    for (const range of ranges) this.dropped.add(range);
    // Flushes from now on leave the ranges out; the active memtable gets flushed now.
    if (await holdsKeysIn(this.mem.mem.iterator(), ranges)) this.rotateMemtable();
    while (this.flushing !== null) await this.flushing;
    if (this.failure !== null) throw this.failure;
    // A compaction planned before the ranges were added would write their keys again: wait for
    // it, then take its place so that none runs beside this job.
    const result = await this.inCompactionSlot(() => this.dropTablesInRanges(ranges));
    await this.obsoleteTablesDeleted();
    this.log(
      'verbose',
      `dropped ${ranges.length} key range(s) in ${Date.now() - started} ms: ${result.droppedTables} tables (${result.droppedBytes} bytes) deleted, ${result.compactedTables} compacted`,
    );
    return result;
  }

  private async dropTablesInRanges(ranges: readonly KeyRange[]): Promise<DropRangesResult> {
    let droppedTables = 0;
    let droppedBytes = 0;
    let compactedTables = 0;
    const deletedFiles: VersionEdit['deletedFiles'] = [];
    this.versions.current.levels.forEach((files, level) => {
      for (const f of files) {
        if (!ranges.some((r) => rangeHolds(r, f.smallest, f.largest))) continue;
        deletedFiles.push({ level, fileNumber: f.fileNumber });
        droppedTables++;
        droppedBytes += f.size;
      }
    });
    if (deletedFiles.length > 0) await this.logAndApply({ deletedFiles, newFiles: [] });
    // Top down, so what a compaction pushes into the next level is looked at there too. The last
    // level has nowhere to push to; it only fills beyond terabytes, and its tables keep their
    // dropped keys until then.
    const last = this.versions.current.levels.length - 1;
    for (let level = 0; level < last; level++) {
      const holding = await this.tablesHoldingKeysIn(level, ranges);
      if (holding.length === 0) continue;
      if (level === 0) {
        // L0 tables overlap one another: pushing some below others that hold the same keys would
        // let older versions win, so L0 goes down whole, as in every L0 compaction.
        const l0 = this.versions.current.levels[0];
        compactedTables += l0.length;
        await this.runCompaction(compactionFor(this.versions.current, 0, l0, false));
        continue;
      }
      for (const f of holding) {
        if (this.closing) throw new Error('database is closed');
        compactedTables++;
        await this.runCompaction(compactionFor(this.versions.current, level, [f], false));
      }
    }
    return { droppedTables, droppedBytes, compactedTables };
  }

  /** Tables of `level` holding at least one key inside the ranges (by a seek, not just their bounds). */
  private async tablesHoldingKeysIn(level: number, ranges: readonly KeyRange[]): Promise<FileMeta[]> {
    const holding: FileMeta[] = [];
    for (const f of this.versions.current.levels[level]) {
      if (!ranges.some((r) => rangeOverlaps(r, f.smallest, f.largest))) continue;
      if (await holdsKeysIn(this.table(f).iterator({ fillCache: false }), ranges)) holding.push(f);
    }
    return holding;
  }

  // ---------------------------------------------------------------- close / stats

  /**
   * Flushes everything to tables and closes; the next open replays nothing. Waits for the running
   * compaction and for the deletion of every obsolete table.
   */
  async close(): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    this.closeSignal.abort();
    if (this.recovering !== null) await this.recovering;
    await this.runner.close();
    if (this.compacting !== null) await this.compacting;
    while (this.flushing !== null) await this.flushing;
    await this.wal.close().catch((err: Error) => this.log('warning', `WAL close failed: ${err.message}`));
    // Best effort even while writes are failing: after a WAL failure these tables are the only
    // copy of what reached the memtable; if the disk still refuses, the WAL replays next open.
    for (const slot of this.imms) slot.walClosed = Promise.resolve();
    if (this.mem.mem.entries > 0) {
      this.imms.push({ ...this.mem, walClosed: Promise.resolve() });
      this.mem = { mem: new Memtable(), logNumber: this.versions.newFileNumber() };
    }
    try {
      while (this.imms.length > 0) await this.flushOldest();
    } catch (err) {
      this.log('warning', `close could not flush the memtable (${(err as Error).message}); its WAL replays at the next open`);
    }
    await this.editChain;
    await this.manifest.close().catch((err: Error) => this.log('warning', `manifest close failed: ${err.message}`));
    for (const reader of this.tables.values()) reader.close();
    this.tables.clear();
    await this.obsoleteTablesDeleted();
    this.closed = true;
    this.releaseWriters();
  }

  /** Bytes of filters and indexes of the open tables, in the cache or not. */
  private tableMetaBytes(): number {
    let bytes = 0;
    for (const reader of this.tables.values()) bytes += reader.metaBytes;
    return bytes;
  }

  stats(): EngineStats {
    const version = this.versions.current;
    const wal = this.wal.stats();
    const c = this.counters;
    const written = c.flushBytesWritten + c.compactionBytesWritten;
    return {
      levels: version.levels.map((files, level) => ({ level, files: files.length, bytes: version.levelBytes(level) })),
      memtableBytes: this.mem.mem.approximateBytes,
      immutableMemtables: this.imms.length,
      immutableBytes: this.imms.reduce((s, m) => s + m.mem.approximateBytes, 0),
      blockCacheBytes: this.cache.usageBytes,
      blockCacheCapacity: this.cache.capacityBytes,
      blockCacheHits: this.cache.hits,
      blockCacheMisses: this.cache.misses,
      blockCachePinnedBytes: this.cache.reservedBytes,
      bloomChecks: this.readStats.bloomChecks,
      bloomUseful: this.readStats.bloomUseful,
      bloomFalsePositives: this.readStats.bloomFalsePositives,
      tableBytesRead: this.readStats.bytesRead,
      tableMetaBytes: this.tableMetaBytes(),
      tableMetaReads: this.readStats.metaReads,
      syncBlockReads: this.readPolicy?.syncReads ?? 0,
      asyncBlockReads: this.readPolicy?.asyncReads ?? 0,
      openTables: this.tables.size,
      flushes: c.flushes,
      compactions: c.compactions,
      trivialMoves: c.trivialMoves,
      compactionRunning: this.compacting !== null ? 1 : 0,
      flushBytesWritten: c.flushBytesWritten,
      compactionBytesRead: c.compactionBytesRead,
      compactionBytesWritten: c.compactionBytesWritten,
      writeAmplification: c.flushBytesWritten > 0 ? written / c.flushBytesWritten : 0,
      walBytes: wal.bytesWritten,
      walSyncs: wal.syncs,
      lastWalSyncAt: wal.lastSyncAt,
      stalls: c.stalls,
      slowdowns: c.slowdowns,
      stallMs: c.stallMs,
      slowdownMs: c.slowdownMs,
      compactionPendingBytes: pendingCompactionBytes(version, { l0CompactionTrigger: this.l0CompactionTrigger, levelBaseBytes: this.levelBaseBytes }),
      lastSequence: this.versions.lastSequence,
      liveSnapshots: this.snapshots.size,
      writeFailure: this.failure?.message ?? '',
      writeFailures: c.writeFailures,
    };
  }
}

const EMPTY = Buffer.alloc(0);

/** Whether the iterator has an entry inside one of the ranges. */
async function holdsKeysIn(it: InternalIterator, ranges: readonly KeyRange[]): Promise<boolean> {
  for (const range of ranges) {
    const wait = it.seek(range.start);
    if (wait !== undefined) await wait;
    if (it.valid && it.key < range.end) return true;
  }
  return false;
}

/** Pause between attempts to make writes durable again after an I/O failure. */
const RECOVERY_RETRY_MS = 1000;
/** Longest stretch a flush runs on the serving thread before letting connections in. */
const FLUSH_SLICE_MS = 2;

/**
 * The writes of one Db.atomic call, logged as one WAL record when it ends (or, if a rotation
 * comes first, one record up to the rotation and one after: Db.rotateMemtable). Every write of
 * the section shares `durable`, which settles once all its records are.
 */
class AtomicSection {
  ops: BatchOp[] = [];
  private readonly parts: Array<Promise<void>> = [];
  private settle: (written: Promise<void>) => void = () => {};
  private signalEnded: () => void = () => {};
  /** Settles like the section's records once it has ended. */
  readonly durable = new Promise<void>((resolve) => {
    this.settle = resolve;
  });
  /** Resolves when the section ends (never rejects). */
  readonly ended = new Promise<void>((resolve) => {
    this.signalEnded = resolve;
  });

  constructor(private firstSeq: SequenceNumber) {}

  /** Logs the writes made since the last part as one WAL record. */
  commitPart(wal: WalWriter): void {
    if (this.ops.length === 0) return;
    this.parts.push(wal.append(this.firstSeq, this.ops));
    this.firstSeq += this.ops.length;
    this.ops = [];
  }

  end(): void {
    this.settle(Promise.all(this.parts).then(() => undefined));
    this.signalEnded();
  }
}
