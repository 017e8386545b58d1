import type { EngineLogger, FsyncPolicy } from './types.js';
import type { Env } from './env/env.js';

/** How a higher layer plugs a drop rule into compaction (it runs inside the worker thread). */
export interface CompactionFilterSpec {
  /**
   * File URL of a module exporting `createCompactionFilter(options, view) => (key, value) => boolean`
   * (true = drop); `view` looks keys up in the tables of the version the compaction was planned on.
   */
  readonly module: string;
  /** Evaluated when each compaction is planned (e.g. `() => ({ now: Date.now() })`); must be structured-cloneable. */
  readonly options: () => unknown;
}

/**
 * Timed engine events, for a latency monitor above (LATENCY in the server): a WAL fsync, a memtable
 * flush, a compaction (not trivial moves), a write stall (writes stopped for room, or one delayed write),
 * a checkpoint (BGSAVE: from the call to its directory being complete).
 */
/** What Db.compactAll tells of its work: each compaction as it starts, then how far it is. */
export interface CompactAllProgress {
  step(description: string, inputBytes: number): void;
  /** Bytes of the step's input merged so far (estimated from entries), and the entries. */
  advance(bytesDone: number, entriesMerged?: number): void;
}

export type EngineEvent = 'fsync' | 'flush' | 'compaction' | 'write-stall' | 'checkpoint';

export interface DbOptions {
  readonly dir: string;
  readonly env?: Env;
  readonly fsync?: FsyncPolicy;
  readonly memtableSize?: number;
  readonly blockCacheSize?: number;
  /** Like Redis' aof-load-truncated for a damaged middle: drop everything from the first bad WAL record on. */
  readonly walTruncateCorrupt?: boolean;
  readonly compactionFilter?: CompactionFilterSpec;
  readonly logger?: EngineLogger;
  /** Told when each timed event ends, with its duration in milliseconds. Must be cheap: fsyncs call it. */
  readonly onEvent?: (event: EngineEvent, durationMs: number) => void;
  /** Input bytes per second a compaction may read (0: no limit); Db.setCompactionRateLimit changes it. */
  readonly compactionRateLimit?: number;
  /** Told how far open's replay of the write-ahead log is (see ReplayOptions.onProgress). */
  readonly onReplayProgress?: (replayedBytes: number, totalBytes: number, ops: number) => void;
  /** Tuning knobs below exist mostly so tests can make flushes and compactions happen with little data. */
  readonly l0CompactionTrigger?: number;
  readonly l0SlowdownTrigger?: number;
  readonly l0StopTrigger?: number;
  readonly levelBaseBytes?: number;
  readonly targetFileSize?: number;
  readonly blockSize?: number;
  /** Run compactions automatically after flushes (tests of manual compaction turn it off). */
  readonly autoCompaction?: boolean;
  /**
   * How a block missing from the block cache is read: 'adaptive' (default) reads synchronously
   * while the page cache answers fast, else through the thread pool (sstable/read-policy.ts);
   * 'async' always uses the thread pool, so get() returns a Promise on every cache miss.
   */
  readonly blockReads?: 'adaptive' | 'async';
  /**
   * Keep tables' bloom filters and indexes in the block cache, charged to blockCacheSize and
   * evicted like data blocks (L0 tables' are pinned there), instead of resident outside the budget.
   */
  readonly cacheIndexAndFilterBlocks?: boolean;
  /** Scheduling priority (nice, 0..19) of the compaction worker thread on Linux; 0 = same as the server. */
  readonly compactionNice?: number;
}

/** Tuning constants, each with its reason. */
export const DEFAULTS = {
  fsync: 'everysec' as FsyncPolicy,
  /** Redis users expect memory to hold the hot set; 64 MiB bounds WAL replay to well under a second. */
  memtableSize: 64 * 1024 * 1024,
  blockCacheSize: 256 * 1024 * 1024,
  /** LevelDB's value: merging 4 overlapping L0 tables at once keeps read fan-out bounded. */
  l0CompactionTrigger: 4,
  /** Past this many L0 tables every write waits a little, so compaction catches up before a hard stop. */
  l0SlowdownTrigger: 8,
  /** Hard stop: reads would otherwise probe too many overlapping tables. */
  l0StopTrigger: 12,
  /**
   * L1 target size when not given: what L0 holds when it triggers a compaction (memtable size x
   * l0CompactionTrigger; 256 MiB with the default 64 MiB memtable), as RocksDB advises for
   * max_bytes_for_level_base. Each deeper level is 10x. A fixed 256 MiB with small memtables made
   * every L0 compaction rewrite up to 16x its input from L1, and compaction fell behind any
   * sustained write rate (bench/latency.ts with a 4 MiB memtable: writes stalled for seconds).
   * Db derives it; this is its floor: smaller level targets are not worth their files.
   */
  minLevelBaseBytes: 8 * 1024 * 1024,
  /** Output table size: small enough for fine-grained compactions, large enough to keep file counts (fds) low. */
  targetFileSize: 16 * 1024 * 1024,
  /** A new manifest (with a full snapshot) is started once the current one grows past this. */
  manifestRollBytes: 4 * 1024 * 1024,
  /** Immutable memtables allowed to wait for flushing before writes stop. */
  maxImmutableMemtables: 2,
  levels: 7,
  /**
   * Filters and indexes take ~2.5 bytes per key at 100-byte values (filter 1.25, packed index
   * ~45 bytes per 4 KiB block): 47 MiB at 20 M keys, ~180 MiB at a 50 M-member sorted set (100 M
   * engine keys), all outside a 64 MiB cache when resident. Charged to the cache (in partitions),
   * memory stays inside the budget and lookups pay a page read per partition miss.
   */
  cacheIndexAndFilterBlocks: true,
  /**
   * Share of the block cache that whole (pinned) filters and indexes may take, shallow levels
   * first (Db.repinMeta); the rest of a database's go through partitions. Half: the other half
   * stays for data blocks and partitions.
   */
  pinnedMetaShare: 0.5,
  /**
   * Block cache of the compaction worker's lookup readers (compaction/table-view.ts): filter and
   * index partitions and blocks of the tables a compaction filter looks keys up in. Lookups walk
   * runs of one collection's members, so a few MiB hold what they revisit.
   */
  compactionLookupCacheSize: 8 * 1024 * 1024,
  /**
   * On a machine with few cores the compaction worker competes with the thread serving clients
   * (and, in benchmarks, with the load generator). Merging can wait a few milliseconds; a reply
   * cannot. At nice 10 the kernel gives the worker ~1/10 of a core's share while the serving
   * thread wants the CPU and all of an idle core otherwise; if compaction falls behind anyway,
   * the L0 slowdown makes room for it.
   */
  compactionNice: 10,
} as const;
