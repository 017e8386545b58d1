/** Engine statistics, shaped for INFO's `storage` section and for benchmarks. */
import { levelTargetBytes, type PickerOptions } from './compaction/picker.js';
import type { Version } from './manifest/version-set.js';

export interface LevelStats {
  readonly level: number;
  readonly files: number;
  readonly bytes: number;
}

export interface EngineStats {
  readonly levels: readonly LevelStats[];
  readonly memtableBytes: number;
  readonly immutableMemtables: number;
  readonly immutableBytes: number;
  readonly blockCacheBytes: number;
  readonly blockCacheCapacity: number;
  readonly blockCacheHits: number;
  readonly blockCacheMisses: number;
  /** Part of blockCacheBytes held by pinned filters and indexes (those of L0 tables). */
  readonly blockCachePinnedBytes: number;
  readonly bloomChecks: number;
  /** Lookups a bloom filter answered "absent", saving a block read. */
  readonly bloomUseful: number;
  readonly bloomFalsePositives: number;
  readonly tableBytesRead: number;
  /** Bytes of the open tables' filters and indexes (charged to the block cache with cacheIndexAndFilterBlocks). */
  readonly tableMetaBytes: number;
  /** Filters and indexes read again from their files after the block cache evicted them. */
  readonly tableMetaReads: number;
  /** Missing blocks read synchronously (the page cache answered fast) / through the thread pool. */
  readonly syncBlockReads: number;
  readonly asyncBlockReads: number;
  readonly openTables: number;
  readonly flushes: number;
  readonly compactions: number;
  readonly trivialMoves: number;
  readonly compactionRunning: number;
  readonly flushBytesWritten: number;
  readonly compactionBytesRead: number;
  readonly compactionBytesWritten: number;
  /** (flush + compaction bytes written) / flush bytes written, as RocksDB reports it. */
  readonly writeAmplification: number;
  readonly walBytes: number;
  readonly walSyncs: number;
  readonly lastWalSyncAt: number;
  /** Writes that had to wait for room (stop threshold). */
  readonly stalls: number;
  /** Writes delayed a little (slowdown threshold). */
  readonly slowdowns: number;
  /** Wall-clock milliseconds during which writes were stopped waiting for room. */
  readonly stallMs: number;
  /** Milliseconds of delay given to slowed-down writes, summed over the writes. */
  readonly slowdownMs: number;
  /** Bytes compaction must still move down to bring every level under its target (see pendingCompactionBytes). */
  readonly compactionPendingBytes: number;
  readonly lastSequence: number;
  readonly liveSnapshots: number;
  /** Why writes are refused right now ('' when healthy): a failed WAL write/fsync or flush. */
  readonly writeFailure: string;
  /** Times the engine entered the write-failure state. */
  readonly writeFailures: number;
}

/** The mutable counters behind EngineStats. */
export class StatsCounters {
  flushes = 0;
  compactions = 0;
  trivialMoves = 0;
  flushBytesWritten = 0;
  compactionBytesRead = 0;
  compactionBytesWritten = 0;
  stalls = 0;
  slowdowns = 0;
  stallMs = 0;
  slowdownMs = 0;
  writeFailures = 0;
}

/**
 * The compaction debt the picker's scores describe: all of L0 once it has reached its file-count
 * trigger (score >= 1), plus each deeper level's bytes above its target. The last level has no
 * target. Not counted: the overlapping next-level data each of those compactions also rewrites,
 * which depends on key ranges the estimate does not look at.
 */
export function pendingCompactionBytes(version: Version, options: PickerOptions): number {
  const last = version.levels.length - 1;
  let pending = version.levels[0].length >= options.l0CompactionTrigger ? version.levelBytes(0) : 0;
  for (let level = 1; level < last; level++) {
    pending += Math.max(0, version.levelBytes(level) - levelTargetBytes(level, options.levelBaseBytes));
  }
  return pending;
}
