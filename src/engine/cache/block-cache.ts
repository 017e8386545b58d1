/**
 * The block cache shared by all open tables: an LRU bounded in bytes (config `block-cache-size`).
 * Holds parsed data blocks and, with `cache-index-and-filter-blocks yes`, partitions of tables'
 * filters and indexes (RocksDB's cache_index_and_filter_blocks with partitioned filters and
 * indexes, sstable/table-meta.ts): those are charged like data blocks and evicted like them, and
 * a table reads them again when it needs them. The filters and indexes of
 * L0 tables are pinned by their readers instead (every lookup consults every L0 table): they stay
 * out of the LRU but are charged to the same budget through `reserve`, so the LRU shrinks by what
 * they take.
 *
 * Two LRU lists share the byte budget, as RocksDB's high-priority pool: data blocks, and filter
 * and index partitions. Over budget, data blocks go first while the partitions take at most
 * META_PRIORITY_SHARE of the capacity. Why: every lookup touches a filter partition per level
 * (~5) and one data block, so per byte a cached partition saves far more reads; in one LRU, a
 * uniform read load (one new data block per GET) pushed partitions out faster than lookups came
 * back to them (20 M keys, 64 MiB cache, 47 MiB of filters and indexes: 0.65 partition reads per
 * GET). The share keeps a quarter of the cache for data blocks whatever the metadata.
 */
import { LRUCache } from 'lru-cache';
import { DataBlock } from '../sstable/block.js';
import { TableIndex } from '../sstable/table-index.js';
import { FilterPartition } from '../sstable/filter-partition.js';

/** Partitions of filters and indexes (table-meta.ts). */
type MetaEntry = FilterPartition | TableIndex;
/** What the cache holds, each charged its byte size. */
export type CacheEntry = DataBlock | MetaEntry;

/** Share of the capacity filter and index partitions may keep against data blocks (see above). */
export const META_PRIORITY_SHARE = 0.75;

/**
 * Cache key of (fileNumber, offset). A number in the common case — file numbers below 2^21 and
 * offsets below 4 GiB pack into one exact double — so a lookup builds no string; a string otherwise.
 */
type BlockKey = number | string;

const PACKED_FILE_LIMIT = 0x200000;
const PACKED_OFFSET_LIMIT = 0x100000000;

function blockKey(fileNumber: number, offset: number): BlockKey {
  if (fileNumber < PACKED_FILE_LIMIT && offset < PACKED_OFFSET_LIMIT) return fileNumber * PACKED_OFFSET_LIMIT + offset;
  return `${fileNumber}:${offset}`;
}

function fileNumberOf(key: BlockKey): number {
  return typeof key === 'number' ? Math.floor(key / PACKED_OFFSET_LIMIT) : Number(key.slice(0, key.indexOf(':')));
}

export class BlockCache {
  private lru: LRUCache<BlockKey, DataBlock>;
  private meta: LRUCache<BlockKey, MetaEntry>;
  /**
   * Keys cached per file, so evictFile drops exactly one table's blocks without scanning the whole
   * cache. Kept in step by the dispose hook, which sees every eviction and deletion.
   */
  private readonly keysByFile = new Map<number, Set<BlockKey>>();
  private capacity: number;
  /** Bytes charged by `reserve` for entries kept outside the LRU (pinned filters and indexes). */
  private reserved = 0;
  private hitCount = 0;
  private missCount = 0;

  constructor(capacityBytes: number) {
    this.capacity = BlockCache.checkCapacity(capacityBytes);
    this.lru = this.makeLru<DataBlock>(this.capacity);
    this.meta = this.makeLru<MetaEntry>(this.capacity);
  }

  get capacityBytes(): number {
    return this.capacity;
  }

  /** Bytes charged: entries in the LRU plus reservations. */
  get usageBytes(): number {
    return this.lru.calculatedSize + this.meta.calculatedSize + this.reserved;
  }

  /** Bytes of filter and index partitions in the LRU (part of usageBytes). */
  get metaBytes(): number {
    return this.meta.calculatedSize;
  }

  /** Bytes of the charge that are reservations (pinned filters and indexes). */
  get reservedBytes(): number {
    return this.reserved;
  }

  get hits(): number {
    return this.hitCount;
  }

  get misses(): number {
    return this.missCount;
  }

  /** Number of cached entries: data blocks and partitions (for INFO and tests). */
  get blockCount(): number {
    return this.lru.size + this.meta.size;
  }

  /** The data block cached at (fileNumber, offset); counted in hits and misses. */
  get(fileNumber: number, offset: number): DataBlock | undefined {
    const block = this.lru.get(blockKey(fileNumber, offset));
    if (block !== undefined) {
      this.hitCount++;
      if (block.sharesSlab) block.ownData();
      return block;
    }
    this.missCount++;
    return undefined;
  }

  /** The filter partition cached under (fileNumber, its file offset); not counted in hits and misses. */
  getFilterPartition(fileNumber: number, offset: number): FilterPartition | undefined {
    const entry = this.meta.get(blockKey(fileNumber, offset));
    return entry instanceof FilterPartition ? entry : undefined;
  }

  /** The index partition cached under (fileNumber, its file offset); not counted in hits and misses. */
  getIndex(fileNumber: number, offset: number): TableIndex | undefined {
    const entry = this.meta.get(blockKey(fileNumber, offset));
    return entry instanceof TableIndex ? entry : undefined;
  }

  /** Caches `entry`, charged its byte size. An entry larger than the whole capacity is not kept. */
  set(fileNumber: number, offset: number, entry: CacheEntry): void {
    const key = blockKey(fileNumber, offset);
    if (entry instanceof DataBlock) {
      this.lru.set(key, entry);
      if (!this.lru.has(key)) return;
    } else {
      this.meta.set(key, entry);
      if (!this.meta.has(key)) return;
    }
    let keys = this.keysByFile.get(fileNumber);
    if (keys === undefined) {
      keys = new Set();
      this.keysByFile.set(fileNumber, keys);
    }
    keys.add(key);
    this.trim();
  }

  /**
   * Charges `bytes` held outside the LRU (a pinned filter or index), evicting least recently
   * used entries to make room. The charge may exceed the capacity: pinned bytes are not optional.
   */
  reserve(bytes: number): void {
    this.reserved += bytes;
    this.trim();
  }

  /** Gives back a reservation (the table was unpinned or closed). */
  release(bytes: number): void {
    this.reserved = Math.max(0, this.reserved - bytes);
  }

  /** Drops every block of a table (called when the table file is deleted). */
  evictFile(fileNumber: number): void {
    const keys = this.keysByFile.get(fileNumber);
    if (keys === undefined) return;
    this.keysByFile.delete(fileNumber);
    for (const key of keys) {
      this.lru.delete(key);
      this.meta.delete(key);
    }
  }

  /** Changes the byte bound (CONFIG SET); shrinking evicts least recently used blocks first. */
  setCapacity(bytes: number): void {
    const capacity = BlockCache.checkCapacity(bytes);
    if (capacity === this.capacity) return;
    const oldData = this.lru;
    const oldMeta = this.meta;
    const data = this.makeLru<DataBlock>(capacity);
    const meta = this.makeLru<MetaEntry>(capacity);
    // Least recently used first, so the most recently used end up most recent again.
    for (const [key, block] of oldData.rentries() as IterableIterator<[BlockKey, DataBlock]>) data.set(key, block);
    for (const [key, entry] of oldMeta.rentries() as IterableIterator<[BlockKey, MetaEntry]>) meta.set(key, entry);
    this.lru = data;
    this.meta = meta;
    this.capacity = capacity;
    this.trim();
    // Anything the smaller cache refused was disposed by it; rebuild the per-file index from what stayed.
    this.keysByFile.clear();
    for (const key of data.keys()) this.indexKey(key);
    for (const key of meta.keys()) this.indexKey(key);
  }

  /** Forgets every block and resets the counters (FLUSHALL, CONFIG RESETSTAT use parts of this). */
  clear(): void {
    this.lru.clear();
    this.meta.clear();
    this.keysByFile.clear();
  }

  resetStats(): void {
    this.hitCount = 0;
    this.missCount = 0;
  }

  /**
   * Evicts until both lists and the reservations fit the capacity: least recently used data
   * blocks first while the partitions and the reservations (pinned filters and indexes) are
   * within their share, else least recently used partitions.
   */
  private trim(): void {
    const data = this.lru;
    const meta = this.meta;
    const metaShare = this.capacity * META_PRIORITY_SHARE;
    while (data.calculatedSize + meta.calculatedSize + this.reserved > this.capacity) {
      if (meta.size > 0 && (meta.calculatedSize + this.reserved > metaShare || data.size === 0)) meta.pop();
      else if (data.size > 0) data.pop();
      else break;
    }
  }

  private indexKey(key: BlockKey): void {
    const fileNumber = fileNumberOf(key);
    let keys = this.keysByFile.get(fileNumber);
    if (keys === undefined) {
      keys = new Set();
      this.keysByFile.set(fileNumber, keys);
    }
    keys.add(key);
  }

  private makeLru<V extends CacheEntry>(capacity: number): LRUCache<BlockKey, V> {
    return new LRUCache<BlockKey, V>({
      // lru-cache needs a positive bound; a capacity of 0 (cache off) keeps nothing since every block is bigger.
      maxSize: Math.max(1, capacity),
      sizeCalculation: blockCharge,
      dispose: (_block, key, reason) => {
        if (reason !== 'set') this.forgetKey(key);
      },
    });
  }

  private forgetKey(key: BlockKey): void {
    const fileNumber = fileNumberOf(key);
    const keys = this.keysByFile.get(fileNumber);
    if (keys === undefined) return;
    keys.delete(key);
    if (keys.size === 0) this.keysByFile.delete(fileNumber);
  }

  private static checkCapacity(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`block cache capacity must be >= 0, got ${bytes}`);
    return Math.floor(bytes);
  }
}

function blockCharge(entry: CacheEntry): number {
  return Math.max(1, entry.byteSize);
}
