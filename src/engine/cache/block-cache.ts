/**
 * The block cache shared by all open tables: an LRU bounded in bytes (config `block-cache-size`).
 * Holds parsed data blocks only; index and filter blocks stay resident in their TableReader.
 */
import { LRUCache } from 'lru-cache';
import type { DataBlock } from '../sstable/block.js';

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
  /**
   * Keys cached per file, so evictFile drops exactly one table's blocks without scanning the whole
   * cache. Kept in step by the dispose hook, which sees every eviction and deletion.
   */
  private readonly keysByFile = new Map<number, Set<BlockKey>>();
  private capacity: number;
  private hitCount = 0;
  private missCount = 0;

  constructor(capacityBytes: number) {
    this.capacity = BlockCache.checkCapacity(capacityBytes);
    this.lru = this.makeLru(this.capacity);
  }

  get capacityBytes(): number {
    return this.capacity;
  }

  get usageBytes(): number {
    return this.lru.calculatedSize;
  }

  get hits(): number {
    return this.hitCount;
  }

  get misses(): number {
    return this.missCount;
  }

  /** Number of cached blocks (for INFO and tests). */
  get blockCount(): number {
    return this.lru.size;
  }

  get(fileNumber: number, offset: number): DataBlock | undefined {
    const block = this.lru.get(blockKey(fileNumber, offset));
    if (block === undefined) {
      this.missCount++;
    } else {
      this.hitCount++;
      if (block.sharesSlab) block.ownData();
    }
    return block;
  }

  /** Caches `block`, charged its byte size. A block larger than the whole capacity is not kept. */
  set(fileNumber: number, offset: number, block: DataBlock): void {
    const key = blockKey(fileNumber, offset);
    this.lru.set(key, block);
    if (!this.lru.has(key)) return;
    let keys = this.keysByFile.get(fileNumber);
    if (keys === undefined) {
      keys = new Set();
      this.keysByFile.set(fileNumber, keys);
    }
    keys.add(key);
  }

  /** Drops every block of a table (called when the table file is deleted). */
  evictFile(fileNumber: number): void {
    const keys = this.keysByFile.get(fileNumber);
    if (keys === undefined) return;
    this.keysByFile.delete(fileNumber);
    for (const key of keys) this.lru.delete(key);
  }

  /** Changes the byte bound (CONFIG SET); shrinking evicts least recently used blocks first. */
  setCapacity(bytes: number): void {
    const capacity = BlockCache.checkCapacity(bytes);
    if (capacity === this.capacity) return;
    const old = this.lru;
    const next = this.makeLru(capacity);
    // Least recently used first, so the most recently used end up most recent again.
    for (const [key, block] of old.rentries() as IterableIterator<[BlockKey, DataBlock]>) next.set(key, block);
    this.lru = next;
    this.capacity = capacity;
    // Anything the smaller cache refused was disposed by it; rebuild the per-file index from what stayed.
    this.keysByFile.clear();
    for (const key of next.keys()) this.indexKey(key);
  }

  /** Forgets every block and resets the counters (FLUSHALL, CONFIG RESETSTAT use parts of this). */
  clear(): void {
    this.lru.clear();
    this.keysByFile.clear();
  }

  resetStats(): void {
    this.hitCount = 0;
    this.missCount = 0;
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

  private makeLru(capacity: number): LRUCache<BlockKey, DataBlock> {
    return new LRUCache<BlockKey, DataBlock>({
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

function blockCharge(block: DataBlock): number {
  return Math.max(1, block.byteSize);
}
