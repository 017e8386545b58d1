/** Engine statistics, shaped for INFO's `storage` section and for benchmarks. */

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
  readonly bloomChecks: number;
  /** Lookups a bloom filter answered "absent", saving a block read. */
  readonly bloomUseful: number;
  readonly bloomFalsePositives: number;
  readonly tableBytesRead: number;
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
  writeFailures = 0;
}
